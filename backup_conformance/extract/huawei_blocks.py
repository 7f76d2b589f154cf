"""Split a section of a Huawei page into blocks: tables, request lines, JSON, status markers.

Each block remembers the caption (bullet or ``.. table::`` line) and the text line before it,
and the ``Status code: N`` in force, which is how the page says what a table or sample is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backup_conformance.extract.page import Page
from backup_conformance.extract.rst_tables import (
    GRID_BORDER,
    SIMPLE_BORDER,
    read_grid_table,
    read_simple_table,
)
from backup_conformance.extract.tables import (
    BULLET,
    Table,
    indent_of,
    read_line_cells,
    read_pipe_table,
)

METHODS = "GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS"
REQUEST_LINE = re.compile(rf"^({METHODS})\s+(\S+)$")
STATUS_LINE = re.compile(r"^status code:?\s*(\d{3})\b", re.IGNORECASE)
# Header cells of Huawei's rendered one-cell-per-line tables (parentheticals removed).
HEADER_WORDS = frozenset(
    {
        "parameter",
        "mandatory",
        "type",
        "description",
        "status code",
        "action",
        "access level",
        "resource type",
        "condition key",
        "alias",
        "dependencies",
        "module",
        "error code",
        "error message",
        "http status code",
        "encoding",
        "state description",
    }
)


@dataclass
class Block:
    """One meaningful piece of a section, with the context the page gives it."""

    kind: str  # "table" | "request" | "json" | "status" | "none" | "text" | "empty-code"
    line: int
    end_line: int
    text: str = ""
    table: Table | None = None
    caption: str = ""
    title: str = ""
    labels: list[str] = field(default_factory=list)
    status: int | None = None
    method: str | None = None
    target: str | None = None


def clean(text: str) -> str:
    """Text without RST inline markup: ``**bold**``, ``:ref:`Text <label>``` and escapes."""
    text = re.sub(r":ref:`([^`<]*?)\s*<[^>]*>`", r"\1", text)
    text = re.sub(r":\w+:`([^`]*)`", r"\1", text)
    return text.replace("**", "").replace("\\ ", "").replace("``", "").strip()


def strip_bullet(text: str) -> str:
    return BULLET.sub("", text.strip(), count=1)


def request_text(text: str) -> str:
    """A URI line without its bullet and RST markup (``{*Endpoint*}``, ``{begin \\_time}``)."""
    text = strip_bullet(text).replace("\\_", "_")
    text = re.sub(r"\{\*(\w+)\*\}", r"{\1}", text)
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + m.group(1).replace(" ", "") + "}", text)


def header_cells(page: Page, start: int, end: int) -> list[str] | None:
    """The header cells of a one-cell-per-line table starting at ``start``, if it is one."""
    cells: list[str] = []
    number: int | None = start
    while number is not None and number <= end:
        text = page.line(number).strip()
        if re.sub(r"\s*\(.*\)$", "", text).lower() not in HEADER_WORDS:
            break
        cells.append(text)
        number = page.next_nonblank(number + 1, end)
    return cells if len(cells) >= 2 else None


def code_block_end(page: Page, directive: int, end: int) -> int:
    """The last content line of the ``.. code-block::`` on line ``directive`` (itself if empty)."""
    base = indent_of(page.line(directive))
    last = directive
    for number, text in page.numbered(directive + 1, end):
        if text.strip() and indent_of(text) <= base:
            break
        if text.strip():
            last = number
    return last


def json_end(page: Page, start: int, limit: int) -> int:
    """The line closing the JSON value opened on ``start`` (brackets outside strings)."""
    number = page.json_close(start, limit)
    if number is not None:
        return number
    if limit >= len(page):
        return len(page)  # the page is cut short inside the sample: a gap, not a refusal
    raise page.error(start, f"the closing bracket of the JSON sample opened at line {start}")


class _Scanner:
    """Walks a line range once, emitting blocks with their caption and status context."""

    def __init__(self, page: Page, start: int, end: int) -> None:
        self.page, self.start, self.end = page, start, end
        self.blocks: list[Block] = []
        self.caption = self.title = ""
        self.labels: list[str] = []
        self.status: int | None = None
        self.code_end = 0

    def add(self, kind: str, line: int, end_line: int, **values: object) -> Block:
        values.setdefault("status", self.status)
        block = Block(
            kind,
            line,
            end_line,
            caption=self.caption,
            title=self.title,
            labels=list(self.labels),
            **values,  # type: ignore[arg-type]
        )
        self.blocks.append(block)
        return block

    def run(self) -> list[Block]:
        number = self.start
        while number <= self.end:
            stripped = self.page.line(number).strip()
            number = self.step(number, stripped) + 1 if stripped else number + 1
        return self.blocks

    def step(self, number: int, stripped: str) -> int:
        """Handle the block starting on ``number``; return its last line."""
        table = self.table_at(number, stripped)
        if table is not None:
            self.add("table", table.line, table.end_line, table=table)
            self.caption, self.labels = "", []
            return table.end_line
        if stripped.startswith((".. code-block::", ".. code::")):
            self.code_end = code_block_end(self.page, number, self.end)
            if self.code_end == number:
                self.add("empty-code", number, number)
            return number
        if stripped.startswith(".. "):
            return self.directive(number, stripped)
        return self.line_block(number, stripped)

    def table_at(self, number: int, stripped: str) -> Table | None:
        page = self.page
        if GRID_BORDER.match(stripped):
            return read_grid_table(page, number)
        if SIMPLE_BORDER.match(stripped) and not page.line(max(1, number - 1)).strip():
            return read_simple_table(page, number)
        if stripped.startswith("|"):
            return read_pipe_table(page, number, self.end)
        header = header_cells(page, number, self.end)
        if header:
            return read_line_cells(page, number, header, self.end, stop=self.stops)
        return None

    @staticmethod
    def stops(stripped: str) -> bool:
        return bool(STATUS_LINE.match(clean(stripped)))

    def directive(self, number: int, stripped: str) -> int:
        if stripped.startswith(".. _") and stripped.endswith(":"):
            self.labels.append(stripped[4:-1])
        elif stripped.startswith(".. table::"):
            self.caption = self.title = clean(stripped[len(".. table::") :])
        return number

    def line_block(self, number: int, stripped: str) -> int:
        item = clean(strip_bullet(stripped))
        status = STATUS_LINE.match(item)
        request = REQUEST_LINE.match(request_text(stripped))
        if status:
            self.status = int(status.group(1))
            self.add("status", number, number, text=item)
        elif request:
            return self.request(number, request.group(1), request.group(2))
        elif stripped.startswith(("{", "[")):
            limit = self.code_end if number <= self.code_end else self.end
            last = self.code_end if number <= self.code_end else json_end(self.page, number, limit)
            self.add("json", number, last, text=self.raw(number, last))
            return last
        elif item.lower() == "none":
            self.add("none", number, number, text=item)
        else:
            caption = re.match(r"^Table \d+\b", item)
            if BULLET.match(stripped) or stripped.startswith("•") or caption:
                self.caption = item  # the intl site captions tables with a plain 'Table N' line
            self.title = item.rstrip(":")
            self.add("text", number, number, text=item)
        return number

    def request(self, number: int, method: str, target: str) -> int:
        last = number
        following = self.page.line(number + 1).strip() if number < self.end else ""
        if target.endswith("/") and following and " " not in following and following[0] != "{":
            target, last = target + following, number + 1
        self.add("request", number, last, method=method, target=target, text=self.raw(number, last))
        return last

    def raw(self, start: int, end: int) -> str:
        lines = [text for _, text in self.page.numbered(start, end)]
        width = min((indent_of(text) for text in lines if text.strip()), default=0)
        return "\n".join(text[width:].rstrip() for text in lines)


def scan(page: Page, start: int, end: int) -> list[Block]:
    """The blocks of lines ``start`` .. ``end``."""
    return _Scanner(page, start, end).run()
