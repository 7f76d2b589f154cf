"""Tables of the Alibaba renderings other than the glued Document Center text, as cell grids.

Layout b puts each cell on lines ending in `` |`` (a row starts with ``| Name |``), layout c
(markdown of the help pages) puts each cell in its own paragraph, layout d (the legacy page)
writes a row as one space-separated line followed by description paragraphs. Each reader
follows that cell structure and hands back ``CellTable`` objects whose cells line up with the
header's columns; which table is which is told by the columns, never by a section heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backup_conformance.extract.alibaba_tables import is_known_type
from backup_conformance.extract.page import Page

Cell = list[tuple[int, str]]  # (line, text) of every non-blank line of one cell

COLUMN_WORDS = frozenset(
    {
        "parameter",
        "element",
        "name",
        "type",
        "required",
        "description",
        "example",
        "operation",
        "action",
        "api",
        "access level",
        "resource type",
        "condition key",
        "associated operation",
        "dependent action",
        "http status code",
        "error code",
        "error message",
        "change time",
        "summary of changes",
    }
)
_NAME = re.compile(r"^[A-Za-z_][\w.]*$")
_RAM_ACTION = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z]\w*$")
_STATUS = re.compile(r"^[1-5]\d\d$")
_D_HEADER = re.compile(
    r"^Parameter\s+Type(\s+Required)?\s+(Example\s+Description|Description\s+Example)$"
)
_D_ROW = re.compile(
    r"^(?P<name>[A-Za-z_][\w.]*)\s+(?P<type>[A-Za-z]+(?:<[A-Za-z<>]+>)?)"
    r"(?:\s+(?P<required>Yes|No))?(?:\s+(?P<example>.+))?$"
)


@dataclass
class CellTable:
    """One table: its header columns (lower-case) and rows of cells aligned with them."""

    kind: str  # "request" | "response" | "auth" | "errors" | "other"
    header_line: int
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    end: int = 0


def table_kind(columns: list[str]) -> str:
    """What a table is, from its column names alone."""
    if "access level" in columns:
        return "auth"
    if "error code" in columns:
        return "errors"
    if "type" in columns and "required" in columns:
        return "request"
    if "type" in columns and "description" in columns:
        return "response"
    return "other"


def clean(text: str) -> str:
    """A cell line without markdown: bullets as ``•``, no bold, escapes and links resolved."""
    text = text.strip()
    text = re.sub(r"^[-*]\s{2,}", "• ", text)
    text = text.replace("**", "")
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)
    if len(text) > 1 and text.startswith("`") and text.endswith("`") and text.count("`") == 2:
        text = text[1:-1]
    return text.strip()


def _column(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", clean(text)).strip().lower()


# --- layout b: ' |'-separated cells -------------------------------------------------------


def read_pipe_tables(page: Page) -> list[CellTable]:
    """Every `` |``-cell table of the page."""
    tables: list[CellTable] = []
    number = 1
    while number <= len(page):
        if page.line(number).strip() == "|" and _starts_header(page, number + 1):
            table = _pipe_table(page, number)
            tables.append(table)
            number = table.end + 1
        else:
            number += 1
    return tables


def _starts_header(page: Page, number: int) -> bool:
    if number > len(page):
        return False
    text = page.line(number).strip()
    return text.endswith("|") and _column(text[:-1]) in COLUMN_WORDS


class _PipeRows:
    """Cell assembly for one pipe table; ``rows[0]`` is the header."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.buffer: Cell = []
        self.one_line = False

    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def complete(self) -> bool:
        if len(self.rows) < 2:
            return False
        return self.one_line or len(self.rows[-1]) >= self.width()

    def feed(self, number: int, raw: str) -> None:
        text = raw.strip()
        if re.fullmatch(r"\|{2,}", text):
            self.rows[-1].extend([] for _ in range(len(text)))
            return
        parts = text.split("|")
        self.one_line = text.startswith("|") and text.endswith("|") and len(parts) > 3
        for index, part in enumerate(parts):
            if part.strip():
                self.buffer.append((number, part.strip()))
            if index == len(parts) - 1:
                break
            if self.buffer:
                self.rows[-1].append(self.buffer)
                self.buffer = []
            elif index == 0 and (not self.rows or len(self.rows) == 1 or self.row_full()):
                self.rows.append([])
            else:
                self.rows[-1].append([])

    def row_full(self) -> bool:
        return len(self.rows[-1]) >= self.width()


def _pipe_table(page: Page, start: int) -> CellTable:
    rows = _PipeRows()
    rows.rows.append([])
    end = start
    for number, raw in page.numbered(start + 1):
        text = raw.strip()
        if not text:
            continue
        if re.fullmatch(r"[|\-:\s]+", text) and "-" in text:
            end = number
            continue
        if "|" not in text and rows.complete() and not rows.buffer:
            break
        if text == "|" and len(rows.rows) > 1 and _starts_header(page, number + 1):
            rows.buffer = []  # the next table starts; unclosed text before it is its heading
            break
        rows.feed(number, raw)
        end = number
    if rows.buffer and len(rows.rows) > 1:
        rows.rows[-1].append(rows.buffer)
    header = [_column(" ".join(t for _, t in cell)) for cell in rows.rows[0]]
    body = [row for row in rows.rows[1:] if row]
    return CellTable(table_kind(header), start + 1, header, body, end)


# --- layout c: one paragraph per cell -----------------------------------------------------


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
            run < len(paras) and len(paras[run]) == 1 and _column(paras[run][0][1]) in COLUMN_WORDS
        ):
            run += 1
        if run - index >= 3:
            columns = [_column(p[0][1]) for p in paras[index:run]]
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
        len(p) == 1 and _column(p[0][1]) in COLUMN_WORDS for p in window
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
        if starts and kind in ("request", "response") and i < starts[-1] + (1 if root else 2):
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


# --- layout d: one line per row, description paragraphs below ------------------------------


def read_line_tables(page: Page) -> list[CellTable]:
    """Legacy tables: header ``Parameter Type Required Example Description`` on one line."""
    tables: list[CellTable] = []
    for number, raw in page.numbered():
        match = _D_HEADER.match(raw.strip())
        if match:
            columns = raw.strip().lower().split()
            table = CellTable(table_kind(columns), number, columns)
            _line_rows(page, table)
            tables.append(table)
    return tables


def _line_rows(page: Page, table: CellTable) -> None:
    row: dict[str, Cell] | None = None
    for number, raw in page.numbered(table.header_line + 1):
        text = raw.strip()
        match = _D_ROW.match(text)
        is_row = bool(match) and is_known_type(match.group("type").lower())  # type: ignore[union-attr]
        if _D_HEADER.match(text) or (
            row is not None and not is_row and _is_heading(page, number, text)
        ):
            break
        if match and is_row and (row is None or not raw.startswith(" ")):
            row = {
                "parameter": [(number, match.group("name"))],
                "type": [(number, match.group("type").lower())],
                "required": [(number, match.group("required"))] if match.group("required") else [],
                "example": [(number, match.group("example"))] if match.group("example") else [],
                "description": [],
            }
            table.rows.append([row[c] for c in table.columns])
            row["description"] = table.rows[-1][table.columns.index("description")]
        elif text and row is not None:
            row["description"].append((number, text))
        table.end = number


def _is_heading(page: Page, number: int, text: str) -> bool:
    """A one-line paragraph of a few words without closing punctuation ends a legacy table."""
    if not text or text.endswith((".", ":", ")")) or len(text.split()) > 4:
        return False
    before = page.line(number - 1).strip() if number > 1 else ""
    after = page.line(number + 1).strip() if number < len(page) else ""
    return not before and not after and text[0].isupper()
