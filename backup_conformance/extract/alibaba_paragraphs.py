"""Layout c, the markdown of Alibaba's help pages: every table cell is a paragraph of its own.

A header is a run of one-line paragraphs that are all column names; rows are found by their
shape (a name, then a type word, then Yes/No in a request table), and the paragraphs between
two rows are the description, the last of them the example.
"""

from __future__ import annotations

import re

from backup_conformance.extract.alibaba_cells import (
    COLUMN_WORDS,
    Cell,
    CellTable,
    clean,
    column_name,
    table_kind,
)
from backup_conformance.extract.alibaba_tables import is_known_type
from backup_conformance.extract.page import Page

_NAME = re.compile(r"^[A-Za-z_][\w.]*$")
_RAM_ACTION = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z]\w*$")
_STATUS = re.compile(r"^[1-5]\d\d$")


def paragraphs(page: Page, start: int, end: int) -> list[Cell]:
    """Runs of non-blank lines (markdown code fences excluded) between ``start`` and ``end``."""
    out: list[Cell] = []
    current: Cell = []
    for number, raw in page.numbered(start, end):
        if raw.strip():
            current.append((number, raw.rstrip()))
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def read_paragraph_tables(page: Page, start: int, end: int) -> list[CellTable]:
    """Tables of one section whose cells are paragraphs: a header is a run of three or more
    one-line paragraphs that are all column names."""
    paras = paragraphs(page, start, end)
    tables: list[CellTable] = []
    index = 0
    while index < len(paras):
        run = index
        while (
            run < len(paras)
            and len(paras[run]) == 1
            and column_name(paras[run][0][1]) in COLUMN_WORDS
        ):
            run += 1
        if run - index >= 3:
            columns = [column_name(p[0][1]) for p in paras[index:run]]
            stop = run
            while stop < len(paras) and not _is_header_start(paras, stop):
                stop += 1
            table = CellTable(table_kind(columns), paras[index][0][0], columns, end=end)
            table.rows = _split_rows(table, [_clean_cell(p) for p in paras[run:stop]])
            tables.append(table)
            index = stop
        else:
            index += 1
    return tables


def _is_header_start(paras: list[Cell], index: int) -> bool:
    window = paras[index : index + 3]
    return len(window) == 3 and all(
        len(p) == 1 and column_name(p[0][1]) in COLUMN_WORDS for p in window
    )


def _clean_cell(cell: Cell) -> Cell:
    return [(n, clean(t)) for n, t in cell if clean(t) and clean(t) != "```"]


def _text(cell: Cell) -> str:
    return " ".join(t for _, t in cell)


def _is_type(cell: Cell) -> bool:
    return len(cell) == 1 and is_known_type(cell[0][1].lower())


def _row_starts(kind: str, cells: list[Cell]) -> list[int]:
    starts: list[int] = []
    for i, cell in enumerate(cells):
        root = kind == "response" and starts == [0] and _is_type(cells[0])
        width = 1 if root else 3 if kind == "request" else 2  # cells a row needs before the next
        if starts and kind in ("request", "response") and i < starts[-1] + width:
            continue
        nxt = cells[i + 1] if i + 1 < len(cells) else []
        name = len(cell) == 1 and bool(_NAME.match(cell[0][1]))
        if kind == "request":
            third = cells[i + 2] if i + 2 < len(cells) else []
            hit = name and _is_type(nxt) and _text(third) in ("Yes", "No")
        elif kind == "response":
            hit = (name and _is_type(nxt)) or (i == 0 and _is_type(cell))
        elif kind == "auth":
            hit = len(cell) == 1 and bool(_RAM_ACTION.match(cell[0][1]))
        elif kind == "errors":
            hit = len(cell) == 1 and bool(_STATUS.match(cell[0][1])) and bool(nxt)
        else:
            hit = False
        if hit:
            starts.append(i)
    return starts


def _split_rows(table: CellTable, cells: list[Cell]) -> list[list[Cell]]:
    """Paragraph cells grouped into rows aligned with the table's columns."""
    starts = _row_starts(table.kind, cells)
    rows: list[list[Cell]] = []
    for k, first in enumerate(starts):
        chunk = cells[first : starts[k + 1] if k + 1 < len(starts) else len(cells)]
        if table.kind in ("request", "response"):
            rows.append(_align_parameter_row(table, chunk))
        elif table.kind == "auth":
            rows.append(_align_auth_row(chunk))
        else:
            rows.append(chunk[: len(table.columns)])
    return rows


def _align_parameter_row(table: CellTable, chunk: list[Cell]) -> list[Cell]:
    """name, type[, required] then description paragraphs and the example (the last one)."""
    if table.kind == "response" and _is_type(chunk[0]):
        chunk = [[], *chunk]
    fixed = 3 if table.kind == "request" else 2
    head, rest = chunk[:fixed], chunk[fixed:]
    head += [[] for _ in range(fixed - len(head))]  # a row cut short keeps its empty cells
    description: Cell = [line for cell in rest for line in cell]
    example: Cell = []
    if len(rest) >= 2 or (len(rest) == 1 and _looks_like_example(rest[0], _text(head[1]))):
        example = rest[-1]
        description = [line for cell in rest[:-1] for line in cell]
    by_column = {
        "type": head[1],
        "required": head[2] if fixed == 3 else [],
        "description": description,
        "example": example,
    }
    return [head[0] if i == 0 else by_column.get(col, []) for i, col in enumerate(table.columns)]


def _looks_like_example(cell: Cell, doc_type: str) -> bool:
    text = _text(cell)
    if doc_type.lower().startswith(("object", "array")) or len(cell) > 1:
        return False
    return " " not in text or (not text.endswith((".", ":")) and len(text.split()) < 4)


def _align_auth_row(chunk: list[Cell]) -> list[Cell]:
    """action, access level, resource type(s) and patterns, condition key, associated action."""
    if len(chunk) < 5:
        return chunk
    resource: Cell = [line for cell in chunk[2:-2] for line in cell]
    return [chunk[0], chunk[1], resource, chunk[-2], chunk[-1]]
