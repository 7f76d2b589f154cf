"""A documentation page as numbered lines, with the helpers every extractor needs to cite lines.

Errors raised here name the file, the 1-based line and what was expected, so a malformed page
never surfaces as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from backup_conformance.extract.model import Source


class PageFormatError(Exception):
    """The page does not have the layout its extractor expects."""

    def __init__(self, page: str, line: int, expected: str) -> None:
        self.page, self.line, self.expected = page, line, expected
        super().__init__(f"{page}:{line}: expected {expected}")


@dataclass(frozen=True)
class Page:
    """The text of one page. ``name`` is the file name used in provenance; lines are 1-based."""

    name: str
    lines: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> Page:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PageFormatError(path.name, 1, f"UTF-8 text ({exc.reason})") from None
        return cls.from_text(path.name, text)

    @classmethod
    def from_text(cls, name: str, text: str) -> Page:
        return cls(name, tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, number: int) -> str:
        """The text of 1-based line ``number``."""
        return self.lines[number - 1]

    def source(self, number: int) -> Source:
        return Source(self.name, number)

    def error(self, number: int, expected: str) -> PageFormatError:
        return PageFormatError(self.name, max(1, min(number, len(self.lines))), expected)

    def numbered(self, start: int = 1, end: int | None = None) -> Iterator[tuple[int, str]]:
        """``(number, text)`` for lines ``start`` .. ``end`` inclusive (default: to the end)."""
        last = len(self.lines) if end is None else min(end, len(self.lines))
        for number in range(max(1, start), last + 1):
            yield number, self.lines[number - 1]

    def json_close(self, start: int, end: int | None = None) -> int | None:
        """The line closing the JSON bracket opened on ``start`` (brackets inside strings do
        not count), or None when it never closes before ``end``: every sample reader's scan."""
        depth, in_string, escaped = 0, False, False
        for number, text in self.numbered(start, end):
            for char in text:
                if in_string:
                    in_string = escaped or char != '"'
                    escaped = not escaped and char == "\\"
                elif char == '"':
                    in_string = True
                elif char in "{[":
                    depth += 1
                elif char in "}]":
                    depth -= 1
            if depth <= 0:
                return number
        return None

    def find(
        self,
        match: str | re.Pattern[str] | Callable[[str], bool],
        start: int = 1,
        end: int | None = None,
    ) -> int | None:
        """The first line number in range whose stripped text matches, or None.

        A ``str`` matches the whole stripped line case-insensitively; a pattern uses ``search``.
        """
        for number, text in self.numbered(start, end):
            stripped = text.strip()
            if isinstance(match, str):
                hit = stripped.lower() == match.lower()
            elif isinstance(match, re.Pattern):
                hit = match.search(stripped) is not None
            else:
                hit = match(stripped)
            if hit:
                return number
        return None

    def require(
        self,
        match: str | re.Pattern[str] | Callable[[str], bool],
        expected: str,
        start: int = 1,
        end: int | None = None,
    ) -> int:
        """Like ``find`` but a missing line is a ``PageFormatError`` naming ``expected``."""
        found = self.find(match, start, end)
        if found is None:
            raise self.error(start, expected)
        return found

    def last_line(self) -> int:
        """The last non-blank line (where a page cut short ends), 1 for an empty page."""
        for number in range(len(self.lines), 0, -1):
            if self.lines[number - 1].strip():
                return number
        return 1

    def next_nonblank(self, start: int, end: int | None = None) -> int | None:
        return self.find(lambda s: bool(s), start, end)
