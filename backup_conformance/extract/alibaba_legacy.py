"""Layout d, the legacy Alibaba page: ``Parameter Type Required Example Description`` on one
line, each row one space-separated line, its description in the paragraphs below, up to the next
row, the next table header or a short heading line."""

from __future__ import annotations

import re

from backup_conformance.extract.alibaba_cells import Cell, CellTable, table_kind
from backup_conformance.extract.alibaba_tables import is_known_type
from backup_conformance.extract.page import Page

_D_HEADER = re.compile(
    r"^Parameter\s+Type(\s+Required)?\s+(Example\s+Description|Description\s+Example)$"
)
_D_ROW = re.compile(
    r"^(?P<name>[A-Za-z_][\w.]*)\s+(?P<type>[A-Za-z]+(?:<[A-Za-z<>]+>)?)"
    r"(?:\s+(?P<required>Yes|No))?(?:\s+(?P<example>.+))?$"
)


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
