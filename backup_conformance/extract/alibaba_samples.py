"""Sample requests and responses of the Alibaba renderings other than the Document Center text.

A JSON block counts as a sample when a line just before it names JSON (``JSON format``,
```` `JSON` format ````, ``Content-Type:application/json``); its status is the ``HTTP/1.1``
line above it, else 200 unless its title says error. A legacy ``http(s)://[Endpoint]/?Action=``
request runs on over its ``&Name=value`` lines. A sample the page cuts short is a ``Gap``.
"""

from __future__ import annotations

import json
import re

from backup_conformance.extract.model import Example, Gap
from backup_conformance.extract.page import Page

_REQUEST = re.compile(
    r"^(?:(?P<method>GET|POST)\s+)?(?P<target>(?:https?|http\(s\))://\[Endpoint\]/\?\s*Action=.+)$"
)


def read_examples(page: Page, start: int, gaps: list[Gap]) -> list[Example]:
    """JSON samples (a block after a line naming JSON) and ``?Action=`` sample requests."""
    examples: list[Example] = []
    number = start
    while number <= len(page):
        text = page.line(number).strip()
        request = _REQUEST.match(text)
        if request:
            last = number
            while last < len(page) and page.line(last + 1).strip().startswith("&"):
                last += 1
            target = "".join(page.line(n).strip() for n in range(number, last + 1))
            examples.append(
                Example(
                    "request",
                    "Sample requests",
                    page.source(number),
                    last,
                    target,
                    method=request.group("method"),
                    target=re.sub(
                        r"\?\s+", "?", request.group("target") if last == number else target
                    ),
                )
            )
            number = last
        elif text[:1] in ("{", "[") and _names_json(page, number):
            example = _json_block(page, number, gaps)
            if example is not None:
                examples.append(example)
                number = example.end_line
        number += 1
    return examples


def _context(page: Page, number: int) -> list[str]:
    """Up to four non-blank lines before ``number``."""
    out: list[str] = []
    for back in range(number - 1, max(0, number - 8), -1):
        text = page.line(back).strip()
        if text:
            out.append(text)
        if len(out) == 4:
            break
    return out


def _names_json(page: Page, number: int) -> bool:
    return any("json" in text.lower() for text in _context(page, number))


def _json_block(page: Page, first: int, gaps: list[Gap]) -> Example | None:
    last = page.json_close(first)
    if last is None:
        gaps.append(
            Gap("sample response: JSON block never closes (page cut short?)", page.source(first))
        )
        return None
    body_text = "\n".join(page.lines[first - 1 : last])
    try:
        body = json.loads(body_text)
    except json.JSONDecodeError as exc:
        gaps.append(Gap(f"sample response: not valid JSON ({exc.msg})", page.source(first)))
        return None
    context = [t for t in _context(page, first) if not t.startswith(("```", "Content-Type"))]
    http = next((t for t in context if t.startswith("HTTP/")), "")
    titles = [t for t in context if not t.startswith("HTTP/") and "json" not in t.lower()]
    title = titles[0] if titles else "Sample response"
    status = int(http.split()[1]) if len(http.split()) > 1 and http.split()[1].isdigit() else None
    if status is None:
        status = None if "error" in title.lower() else 200
    return Example("response", title, page.source(first), last, body_text, status=status, body=body)
