"""Generic table readers: every reader returns cell text plus the page line each row starts on.

Vendor pages come as rendered web text (one cell per line, or pipe rows broken over several
lines) and as reStructuredText (grid and simple tables, see ``rst_tables``). The readers know
nothing about what a table means; a table cut short is a ``PageFormatError`` naming its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backup_conformance.extract.page import Page

BULLET = re.compile(r"^[•*-]\s+")
PIPE_SEPARATOR = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")


@dataclass
class Row:
    """One table row: its cell texts and the 1-based page line the row starts on."""

    cells: list[str]
    line: int


@dataclass
class Table:
    """A table as read from a page; ``header`` is empty when the table has no header row."""

    header: list[str]
    rows: list[Row]
    line: int
    end_line: int

    def column(self, *names: str) -> int | None:
        """Index of the first header cell starting with one of ``names`` (case-insensitive)."""
        lowered = [cell.lower().strip() for cell in self.header]
        for name in names:
            for index, cell in enumerate(lowered):
                if cell.startswith(name.lower()):
                    return index
        return None

    def cell(self, row: Row, index: int | None) -> str:
        """The cell text at ``index``, or "" when the column is absent."""
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]


def indent_of(text: str) -> int:
    return len(text) - len(text.lstrip())


def join_fragments(fragments: Sequence[str]) -> str:
    """Join the stripped lines of one cell: blank lines separate paragraphs, bullets start lines."""
    paragraphs: list[str] = []
    current = ""
    for fragment in fragments:
        if not fragment:
            if current:
                paragraphs.append(current)
            current = ""
        elif not current:
            current = fragment
        else:
            current += ("\n" if BULLET.match(fragment) else " ") + fragment
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def read_line_cells(
    page: Page,
    start: int,
    header: Sequence[str],
    end: int | None = None,
    stop: Callable[[str], bool] | None = None,
) -> Table:
    """Read a rendered table whose cells are each the next non-blank line.

    ``start`` is the line of the first header cell; ``header`` names the header cells in order.
    Rows continue until ``end``, a line less indented than the header, a bullet, or ``stop``.
    """
    last = len(page) if end is None else min(end, len(page))
    number = start
    for name in header:
        found = page.next_nonblank(number, last)
        if found is None or page.line(found).strip().lower() != name.strip().lower():
            raise page.error(found or number, f"header cell '{name}' of the table at line {start}")
        number = found + 1
    header_end = number - 1
    base = indent_of(page.line(start))

    def ends(line: int | None) -> bool:
        if line is None:
            return True
        text = page.line(line)
        stripped = text.strip()
        return (
            indent_of(text) < base
            or bool(re.match(r"^(?:[•*]|-)\s+\S", stripped))
            or stripped.startswith(("|", "+"))
            or bool(re.match(r"^Table\s+\d+\b", stripped))  # the next table's caption
            or (stop is not None and stop(stripped))
        )

    rows: list[Row] = []
    while not ends(page.next_nonblank(number, last)):
        cells: list[str] = []
        row_line = page.next_nonblank(number, last) or number
        for _ in header:
            found = page.next_nonblank(number, last)
            if ends(found):
                raise page.error(
                    found or last,
                    f"{len(header)} cells ({', '.join(header)}) in the row starting at line "
                    f"{row_line}, found {len(cells)}",
                )
            assert found is not None
            cells.append(page.line(found).strip())
            number = found + 1
        rows.append(Row(cells, row_line))
        number = _continuation(page, rows[-1], header, number, last, ends)
    return Table(list(header), rows, start, max(number - 1, header_end))


_YES_NO = re.compile(r"^(yes|no)\b", re.I)
_TYPE_CELL = re.compile(
    r"^(?:\w+\s+)?(?:array|string|integer|int\d*|long|boolean|bool|float|double|number|"
    r"object|list|map|date|enum)\b.{0,30}$",
    re.I,
)


def _opens_table(text: str, header: Sequence[str]) -> bool:
    """A caption (``Table 5 QueryRestoreList``) or a header's first cell starts the next table."""
    return bool(re.match(r"^Table\s+\d+\b", text)) or text.lower() == header[0].strip().lower()


def _continuation(
    page: Page,
    row: Row,
    header: Sequence[str],
    number: int,
    last: int,
    ends: Callable[[int | None], bool],
) -> int:
    """Further paragraphs of the last cell (a description of two paragraphs, as the intl site
    renders them): lines that cannot start a row, because the cell under a ``Mandatory``
    column would not be Yes/No (or, without one, under ``Type`` not a type word), are
    appended to the row's last cell."""
    names = [name.strip().lower() for name in header]
    column = "mandatory" if "mandatory" in names else "type" if "type" in names else None
    if column is None:
        return number
    offset = names.index(column)
    cell = _YES_NO if column == "mandatory" else _TYPE_CELL
    while True:
        lines: list[int] = []
        probe = number
        while len(lines) <= offset:
            found = page.next_nonblank(probe, last)
            if ends(found):
                break
            assert found is not None
            lines.append(found)
            probe = found + 1
        if not lines or _opens_table(page.line(lines[0]).strip(), header):
            return number
        starts_row = len(lines) > offset and cell.match(page.line(lines[offset]).strip())
        if starts_row:
            return number
        row.cells[-1] += "\n" + page.line(lines[0]).strip()
        number = lines[0] + 1


def _pipe_cells(text: str) -> list[str]:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")] if inner.strip() else []


def _pipe_count(text: str) -> int:
    return max(0, text.count("|") - 1)


def read_pipe_table(page: Page, start: int, end: int | None = None) -> Table:
    """Read a pipe table whose rows may be broken over lines (``|`` / ``name |`` / ``Yes |``).

    A row begins on a line starting with ``|``; following lines ending with ``|`` add cells
    until the row has as many cells as the header, which ends at its ``|---|`` separator.
    """
    last = len(page) if end is None else min(end, len(page))
    header: list[str] | None = None
    rows: list[tuple[int, str]] = []
    number = start
    while number <= last:
        stripped = page.line(number).strip()
        if PIPE_SEPARATOR.match(stripped) and header is None:
            if not rows:
                raise page.error(number, "a header row before the '|---|' separator")
            header = _pipe_cells(rows.pop()[1])
            if len(header) != stripped.count("|") - 1:
                raise page.error(number, f"a separator of {len(header)} columns")
        elif stripped.startswith("|"):
            _check_complete(page, rows, header)
            rows.append((number, stripped))
        elif stripped.endswith("|") and rows and not _complete(rows[-1][1], header):
            # A row opened by a lone "|" starts, for provenance, on its first cell's line.
            line = number if rows[-1][1] == "|" else rows[-1][0]
            rows[-1] = (line, rows[-1][1] + " " + stripped)
        else:
            break
        number += 1
    if header is None:
        raise page.error(
            number, f"a '|---|' separator under the header of the table at line {start}"
        )
    _check_complete(page, rows, header, number)
    return Table(header, [Row(_pipe_cells(text), line) for line, text in rows], start, number - 1)


def _complete(text: str, header: list[str] | None) -> bool:
    return header is not None and _pipe_count(text) >= len(header)


def _check_complete(
    page: Page, rows: list[tuple[int, str]], header: list[str] | None, at: int | None = None
) -> None:
    if header is None or not rows:
        return
    line, text = rows[-1]
    if _pipe_count(text) != len(header):
        raise page.error(
            at if at is not None else line,
            f"{len(header)} cells ({', '.join(header)}) in the row starting at line {line}, "
            f"found {_pipe_count(text)}",
        )
