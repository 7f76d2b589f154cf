"""Alibaba page sections other than the parameter tables: RAM authorization, error codes,
the shared error-code reference, and sample requests/responses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.extract.model import Authorization, ErrorCode, Example, Gap, Reference
from backup_conformance.extract.page import Page

AUTH_HEADER = "OperationAccess levelResource typeCondition keyAssociated operation"
ERROR_HEADER = "HTTP status codeError codeError message"
ACCESS_LEVELS = ("list", "get", "read", "create", "update", "delete", "write")
_PATTERN = re.compile(r"^(\*|acs:[^:]*:[^:]*:[^:]*:.+)$")
_REQUEST = re.compile(
    r"^(?:(?P<method>GET|POST|PUT|DELETE)\s+)?(?P<target>(?:https?|http\(s\))://\[Endpoint\]/\?Action=.+)$"
)
_SAMPLE_TITLE = re.compile(r"^Sample (requests?|success responses?|error responses?)$", re.I)


@dataclass
class AuthTable:
    """The authorization rows plus the access-level vocabulary the page's preamble states."""

    rows: list[Authorization] = field(default_factory=list)
    stated_levels: list[str] = field(default_factory=list)
    stated_line: int | None = None


def read_authorization(page: Page, start: int, end: int, action: str) -> AuthTable:
    """Rows like ``hbr:CancelBackupJobdelete``: split after the title's operation name, then
    ``• resource type``, indented resource patterns and condition keys, and the associated
    operations on non-indented lines."""
    table = AuthTable()
    stated = page.find(re.compile(r"The levels are [^.]+\."), start, end)
    if stated is not None:
        phrase = re.search(r"The levels are ([^.]+)\.", page.line(stated))
        assert phrase is not None
        table.stated_levels = [w for w in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase.group(1))]
        table.stated_line = stated
    header = page.require(AUTH_HEADER, f"the authorization header row {AUTH_HEADER!r}", start, end)
    current: Authorization | None = None
    for number, raw in page.numbered(header + 1, end):
        text = raw.strip()
        if not text:
            break
        if not raw.startswith(" ") and _is_row(page, number, end):
            current = _auth_row(page, number, action, first=not table.rows)
            table.rows.append(current)
        elif current is None:
            raise page.error(number, "an authorization row 'service:OperationAccessLevel'")
        else:
            _auth_detail(current, raw, text)
    if not table.rows:
        raise page.error(header + 1, "an authorization row 'service:OperationAccessLevel'")
    return table


def _is_row(page: Page, number: int, end: int) -> bool:
    """A row line is followed by its resource-type bullet; associated operations are not."""
    following = page.next_nonblank(number + 1, end)
    return following == number + 1 and page.line(number + 1).strip().startswith("•")


def _auth_row(page: Page, number: int, action: str, *, first: bool) -> Authorization:
    """The first row must be the page's own operation (split after its name); later rows
    (other actions) are split before a known access-level word."""
    text = page.line(number).strip()
    match = re.fullmatch(
        rf"(?P<action>[a-z][a-z0-9-]*:{re.escape(action)})(?P<level>[A-Za-z]+)", text
    )
    if match is None and not first:
        levels = "|".join(ACCESS_LEVELS)
        match = re.fullmatch(rf"(?P<action>[a-z][a-z0-9-]*:\w+?)(?P<level>{levels})", text)
    if match is None:
        raise page.error(number, f"an authorization row 'service:{action}' + access level")
    return Authorization(match.group("action"), match.group("level").lower(), page.source(number))


def _auth_detail(row: Authorization, raw: str, text: str) -> None:
    if text.startswith("•"):
        row.resource_types.append(text.lstrip("• ").strip())
    elif raw.startswith(" ") and _PATTERN.match(text):
        row.resource_patterns.append(text)
    elif raw.startswith(" "):
        row.condition_keys.extend([] if text.lower() == "none" else [text])
    else:
        row.associated_operations.extend([] if text.lower() == "none" else [text])


def read_error_codes(
    page: Page, start: int, end: int, gaps: list[Gap] | None = None
) -> tuple[list[ErrorCode], list[Reference]]:
    """Error rows and the pointer to the shared error-code page. A table that also has a
    Description column glues four cells whose boundaries cannot be told apart: its rows are
    not read, and a ``Gap`` says so."""
    codes: list[ErrorCode] = []
    references = [
        Reference("error-codes", page.line(n).strip(), page.source(n))
        for n, text in page.numbered(start, end)
        if re.search(r"list of error codes|error codes, (?:visit|see)", text, re.I)
    ]
    header = page.find(ERROR_HEADER, start, end)
    four = page.find(ERROR_HEADER + "Description", start, end)
    if four is not None and gaps is not None:
        rows = sum(1 for _ in _rows_after(page, four, end))
        gaps.append(Gap(f"error codes: {rows} rows whose four cells (status, code, message, "
                        "description) run together; not read", page.source(four)))
    if header is None:
        return codes, references
    for number, raw in page.numbered(header + 1, end):
        if not raw.strip():
            break
        codes.append(split_error_row(page, number))
    return codes, references


def _rows_after(page: Page, header: int, end: int) -> list[int]:
    rows = []
    for number, raw in page.numbered(header + 1, end):
        if not raw.strip():
            break
        rows.append(number)
    return rows


def split_error_row(page: Page, number: int) -> ErrorCode:
    """Split ``403Request.ForbiddenHave no Permissions``.

    Rule: three digits are the status. The code is a run of identifier characters and dots;
    the message starts with the capitalised word glued to it. A message word can start at a
    capital followed by a lower-case letter (not right after a dot: ``Request.Forbidden``) or at
    a capital right after a lower-case letter or digit (a one-letter or all-caps word such as
    ``HBR``); the split is at the rightmost such place. A code ending in an acronym glued to an
    all-caps message word cannot be split and is reported as a format error.
    """
    text = page.line(number).strip()
    match = re.fullmatch(r"(?P<status>[1-5]\d\d)(?P<glued>[A-Za-z][\w.]*)(?P<rest>(?:\s.*)?)", text)
    cut = _split_point(match.group("glued")) if match else None
    if match is None or cut is None:
        raise page.error(
            number, f"an error row {ERROR_HEADER!r} like '403Request.ForbiddenHave no Permissions'"
        )
    glued = match.group("glued")
    return ErrorCode(
        code=glued[:cut],
        message=(glued[cut:] + match.group("rest")).strip(),
        source=page.source(number),
        status=int(match.group("status")),
    )


def _split_point(glued: str) -> int | None:
    starts = [
        i
        for i in range(1, len(glued))
        if glued[i].isupper()
        and (
            (i + 1 < len(glued) and glued[i + 1].islower() and glued[i - 1] != ".")
            or glued[i - 1].islower()
            or glued[i - 1].isdigit()
        )
    ]
    return starts[-1] if starts else None


def read_examples(page: Page, start: int, end: int) -> list[Example]:
    """Sample requests and JSON sample responses, each with the lines it spans."""
    examples: list[Example] = []
    title, fmt = "", ""
    number = start
    while number <= end:
        text = page.line(number).strip()
        request = _REQUEST.match(text)
        if _SAMPLE_TITLE.match(text):
            title, fmt = text, ""
        elif text.endswith("format") and " " not in text:
            fmt = text[: -len("format")].upper()
        elif request:
            examples.append(
                Example(
                    "request",
                    title or "Sample requests",
                    page.source(number),
                    number,
                    text,
                    method=request.group("method"),
                    target=request.group("target"),
                )
            )
        elif fmt == "JSON" and text and text[0] in "{[":
            example = _json_example(page, number, end, title)
            examples.append(example)
            number = example.end_line
        number += 1
    return examples


def _json_example(page: Page, first: int, end: int, title: str) -> Example:
    last = _block_end(page, first, end)
    text = "\n".join(page.lines[first - 1 : last])
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise page.error(
            first + exc.lineno - 1, f"valid JSON in {title or 'a sample'} ({exc.msg})"
        ) from None
    status = 200 if "success" in title.lower() else _error_status(body)
    return Example("response", title, page.source(first), last, text, status=status, body=body)


def _block_end(page: Page, first: int, end: int) -> int:
    """The line closing the bracket opened on ``first`` (string-aware)."""
    number = page.json_close(first, end)
    if number is not None:
        return number
    raise page.error(first, "a complete JSON block (brackets never close)")


def _error_status(body: Any) -> int | None:
    """An error sample's status from its ``HttpStatusCode`` or numeric ``Code``."""
    if not isinstance(body, dict):
        return None
    for key in ("HttpStatusCode", "Code"):
        value = body.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"[1-5]\d\d", value)):
            return int(value)
    return None
