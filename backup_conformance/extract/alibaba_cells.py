"""Tables of the Alibaba renderings other than the glued Document Center text, as cell grids.

Layout b (here) puts each cell on lines ending in `` |`` (a row starts with ``| Name |``);
layout c (``alibaba_paragraphs``) puts each cell in its own paragraph; layout d
(``alibaba_legacy``) writes a row as one space-separated line with description paragraphs
below. Each reader follows that cell structure and hands back ``CellTable`` objects whose cells
line up with the header's columns; which table is which is told by the columns, never by a
section heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def column_name(text: str) -> str:
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
    return text.endswith("|") and column_name(text[:-1]) in COLUMN_WORDS


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
    header = [column_name(" ".join(t for _, t in cell)) for cell in rows.rows[0]]
    body = [row for row in rows.rows[1:] if row]
    return CellTable(table_kind(header), start + 1, header, body, end)
