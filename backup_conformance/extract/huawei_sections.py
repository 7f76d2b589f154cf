"""Section structure of a Huawei Cloud API page, rendered (plain headings) or reStructuredText.

Rendered pages put section names on their own unindented line; RST pages underline them. Both
map onto the same canonical keys, so the extractor never looks at a page's particular wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backup_conformance.extract.page import Page

# Canonical section keys and the heading texts Huawei uses for them (case-insensitive).
SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "function": ("function", "functions"),
    "constraints": ("constraints", "constraint"),
    "authorization": ("authorization information", "authorization"),
    "uri": ("uri",),
    "request": ("request", "request parameters", "request parameter", "request body"),
    "response": ("response", "response parameters", "response parameter"),
    "example_request": (
        "example request",
        "example requests",
        "request example",
        "request examples",
    ),
    "example_response": (
        "example response",
        "example responses",
        "response example",
        "response examples",
    ),
    "status_codes": ("status codes", "status code"),
    "error_codes": ("error codes", "error code"),
    "chrome": ("feedback",),  # the rendered site's footer: end of the page's content
}
# The order sections appear in, used to say where a missing one was expected.
ORDER = (
    "function",
    "constraints",
    "authorization",
    "uri",
    "request",
    "response",
    "example_request",
    "example_response",
    "status_codes",
    "error_codes",
    "chrome",
)
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}$")


@dataclass
class Section:
    """A page section: canonical ``key``, heading text and line, and its body line range."""

    key: str
    title: str
    line: int
    start: int
    end: int


def canonical(heading: str) -> str | None:
    """The canonical key of a heading text, or None when it is not a known section name."""
    normalised = " ".join(heading.strip().lower().split())
    for key, names in SECTION_NAMES.items():
        if normalised in names:
            return key
    return None


def _rst_headings(page: Page) -> list[tuple[int, str, str]]:
    """``(line, text, underline char)`` of every underlined heading."""
    found = []
    for number in range(1, len(page)):
        text, under = page.line(number), page.line(number + 1).strip()
        if (
            text.strip()
            and text == text.lstrip()
            and not text.startswith(("+", "|", ".."))
            and UNDERLINE.match(under)
            and len(under) >= len(text.strip())
        ):
            found.append((number, text.strip(), under[0]))
    return found


def is_rst(page: Page) -> bool:
    """Whether the page uses underlined (reStructuredText) headings."""
    return bool(_rst_headings(page))


def page_title(page: Page) -> tuple[str, int]:
    """The page title and its line: the first RST heading, else the first content line."""
    headings = _rst_headings(page)
    if headings:
        return headings[0][1], headings[0][0]
    for number, text in page.numbered():
        stripped = text.strip()
        if stripped and not stripped.startswith(("#", ":", "..", "Updated on ")):
            return stripped, number
    raise page.error(1, "a page title")


def read_sections(page: Page) -> list[Section]:
    """The page's sections in order; each runs to the line before the next heading."""
    heads: list[tuple[int, str, int]] = []  # (heading line, title, first body line)
    headings = _rst_headings(page)
    if headings:
        title_char = headings[0][2]
        for number, text, char in headings[1:]:
            if char != title_char:
                heads.append((number, text, number + 2))
    else:
        _, title_line = page_title(page)
        for number, text in page.numbered(title_line + 1):
            if text == text.lstrip() and canonical(text):
                heads.append((number, text.strip(), number + 1))
    sections = []
    for index, (number, text, body) in enumerate(heads):
        end = heads[index + 1][0] - 1 if index + 1 < len(heads) else len(page)
        key = canonical(text) or re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
        sections.append(Section(key, text, number, body, end))
    return sections


def missing_section(page: Page, sections: list[Section], key: str, expected: str) -> Exception:
    """A ``PageFormatError`` at the heading that follows where section ``key`` belongs."""
    position = ORDER.index(key)
    later = [s.line for s in sections if s.key in ORDER and ORDER.index(s.key) > position]
    return page.error(min(later) if later else len(page), expected)
