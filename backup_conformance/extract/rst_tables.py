"""reStructuredText table readers: grid tables (``+---+``) and simple tables (``=== ===``).

Cells are cut at the column positions of the borders, as docutils does, so a cell containing
``|`` or a misplaced boundary is reported with its line instead of being silently mis-split.
"""

from __future__ import annotations

import itertools
import re

from backup_conformance.extract.page import Page
from backup_conformance.extract.tables import Row, Table, join_fragments

GRID_BORDER = re.compile(r"^\+(?:[-=]+\+)+$")
SIMPLE_BORDER = re.compile(r"^=+(?: +=+)*$")


def read_grid_table(page: Page, start: int) -> Table:
    """Read the grid table whose top border is on line ``start``.

    Lines of one cell are joined (bullets on their own line, blank lines as paragraph breaks);
    rows above a ``+===+`` separator form the header.
    """
    border = page.line(start).rstrip()
    if not GRID_BORDER.match(border.strip()):
        raise page.error(start, "a grid table border '+---+'")
    columns = [index for index, char in enumerate(border) if char == "+"]
    header: list[str] = []
    rows: list[Row] = []
    pending: list[list[str]] | None = None
    pending_line = start
    number = start + 1
    while True:
        if number > len(page):
            raise page.error(number - 1, _closing(start))
        text = page.line(number).rstrip()
        stripped = text.strip()
        if stripped.startswith("+"):
            if not GRID_BORDER.match(stripped) or _positions(text) != columns:
                raise page.error(number, f"a border matching the grid table at line {start}")
            if pending is not None:
                rows.append(Row([join_fragments(cell) for cell in pending], pending_line))
                pending = None
            if "=" in stripped:
                header, rows = (rows[0].cells if rows else []), []
            if number == len(page) or not page.line(number + 1).strip().startswith(("|", "+")):
                return Table(header, rows, start, number)
        elif stripped.startswith("|"):
            if pending is None:
                pending, pending_line = [[] for _ in columns[1:]], number
            _split_grid_line(page, number, text, columns, pending, start)
        else:
            raise page.error(number, _closing(start))
        number += 1


def _closing(start: int) -> str:
    return f"a row '|' or the closing border '+---+' of the grid table at line {start}"


def _positions(text: str) -> list[int]:
    return [index for index, char in enumerate(text) if char == "+"]


def _split_grid_line(
    page: Page, number: int, text: str, columns: list[int], pending: list[list[str]], start: int
) -> None:
    padded = text.ljust(columns[-1] + 1)
    for boundary in columns:
        if padded[boundary] not in "|+":
            raise page.error(
                number,
                f"'|' at column {boundary + 1} (a cell boundary of the table at line {start})",
            )
    for index, (left, right) in enumerate(itertools.pairwise(columns)):
        pending[index].append(padded[left + 1 : right].strip())


def read_simple_table(page: Page, start: int) -> Table:
    """Read the simple table whose top ``=== ===`` border is on line ``start``.

    As in docutils, a border followed by a blank line (or the end) closes the table; a border
    with rows after it separates the header. A line whose first column is blank continues the
    row above.
    """
    border = page.line(start).rstrip()
    if not SIMPLE_BORDER.match(border.strip()):
        raise page.error(start, "a simple table border '=== ==='")
    spans = [(match.start(), match.end()) for match in re.finditer(r"=+", border)]
    base = spans[0][0]
    groups: list[list[Row]] = [[]]
    number = start + 1
    while True:
        if number > len(page):
            raise page.error(number - 1, _simple_closing(start))
        text = page.line(number).rstrip()
        if SIMPLE_BORDER.match(text.strip()) and text.startswith(" " * base + "="):
            if number == len(page) or not page.line(number + 1).strip():
                return _simple_result(page, groups, start, number)
            groups.append([])
        elif not text.strip():
            pass
        elif len(text) - len(text.lstrip()) < base:
            raise page.error(number, _simple_closing(start))
        else:
            _simple_row(page, number, text, spans, groups[-1], start)
        number += 1


def _simple_closing(start: int) -> str:
    return f"the closing border '=== ===' of the simple table at line {start}"


def _simple_row(
    page: Page, number: int, text: str, spans: list[tuple[int, int]], rows: list[Row], start: int
) -> None:
    for (_, right), (left, _) in itertools.pairwise(spans):
        if text[right:left].strip():
            raise page.error(number, f"text within the column borders of the table at line {start}")
    cells = [
        text[left : spans[index + 1][0] if index + 1 < len(spans) else len(text)].strip()
        for index, (left, _) in enumerate(spans)
    ]
    if not cells[0] and rows:
        for index, cell in enumerate(cells):
            if cell:
                joined = rows[-1].cells[index]
                rows[-1].cells[index] = f"{joined} {cell}".strip()
        return
    rows.append(Row(cells, number))


def _simple_result(page: Page, groups: list[list[Row]], start: int, end: int) -> Table:
    if len(groups) > 2:
        raise page.error(start, f"at most one header separator in the simple table at line {start}")
    if len(groups) == 2:
        header = [" ".join(cells) for cells in zip(*(r.cells for r in groups[0]), strict=True)]
        return Table([cell.strip() for cell in header], groups[1], start, end)
    return Table([], groups[0], start, end)
