"""Alibaba Cloud reference-page tables: row grammar, cells, schemas and request parameters.

The rendered pages run table cells together without separators. A row line is ``Name`` +
``type`` (+ ``Yes``/``No`` in request tables) with no spaces; then a blank line, the description
paragraph(s) (bullet lists after "Valid values:"), and the example as the last non-blank line
right before the next row line (no blank line between them). This module follows that column
structure rather than any page's wording, and turns a malformed table into ``PageFormatError``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from backup_conformance.extract.model import Gap, Parameter
from backup_conformance.extract.page import Page

SCALAR_SCHEMAS: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "long": {"type": "integer", "format": "int64"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "boolean": {"type": "boolean"},
    "number": {"type": "number"},
    "float": {"type": "number", "format": "float"},
    "double": {"type": "number", "format": "double"},
    "object": {"type": "object"},
    "array": {"type": "array"},
}
TYPE_WORDS = tuple(SCALAR_SCHEMAS)
_TYPE = r"array<[a-z0-9<>]+>|" + "|".join(sorted(TYPE_WORDS, key=len, reverse=True))
REQUEST_ROW = re.compile(rf"(?P<name>[A-Za-z_][\w.]*?)(?P<type>{_TYPE})(?P<required>Yes|No)")
RESPONSE_ROW = re.compile(rf"(?P<name>[A-Za-z_][\w.]*?)?(?P<type>{_TYPE})")
_BULLET = "•"
_COLON = ":\uff1a"  # ASCII and full-width colon
_ENUM_ITEM = re.compile(
    rf"^•\s*(?P<value>[^\s{_COLON}(]+)(?:\s*\([^)]*\))?\s*[{_COLON}]\s*(?P<text>.*)$"
)


@dataclass
class Row:
    """One table row with the line numbers of every cell, for citing."""

    line: int
    name: str
    doc_type: str
    required: bool | None
    description: list[tuple[int, str]]
    example: tuple[int, str] | None

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.description)


def is_known_type(doc_type: str) -> bool:
    """True for the Alibaba type vocabulary, including nested ``array<...>``."""
    if doc_type.startswith("array<") and doc_type.endswith(">"):
        return is_known_type(doc_type[6:-1])
    return doc_type in SCALAR_SCHEMAS


def base_schema(doc_type: str) -> dict[str, Any]:
    """JSON Schema of the decoded value for a page type word."""
    if doc_type.startswith("array<"):
        return {"type": "array", "items": base_schema(doc_type[6:-1])}
    return dict(SCALAR_SCHEMAS[doc_type])


def coerce(text: str, schema: dict[str, Any]) -> Any:
    """The example text as a value of the schema's type, or the text when it does not fit."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind in ("object", "array"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def read_rows(
    page: Page, header: int, end: int, *, request: bool, gaps: list[Gap] | None = None
) -> list[Row]:
    """Rows of the table whose header row is at ``header``, up to line ``end``. With ``gaps``,
    a table with nothing after its header (a page cut short) is empty plus a ``Gap``."""
    grammar = REQUEST_ROW if request else RESPONSE_ROW
    starts = [n for n, t in page.numbered(header + 1, end) if grammar.fullmatch(t.strip())]
    first = page.next_nonblank(header + 1, end)
    if first is None and gaps is not None:
        gaps.append(Gap("table: header row only, no rows (page cut short?)", page.source(header)))
        return []
    if first is None or first not in starts:
        raise _row_error(page, first or header + 1, request)
    rows = []
    for index, start in enumerate(starts):
        stop = starts[index + 1] - 1 if index + 1 < len(starts) else end
        rows.append(_row(page, start, stop, grammar, last=index + 1 == len(starts)))
    return rows


def _row(page: Page, start: int, stop: int, grammar: re.Pattern[str], *, last: bool) -> Row:
    match = grammar.fullmatch(page.line(start).strip())
    assert match is not None
    cell = [(n, t.strip()) for n, t in page.numbered(start + 1, stop)]
    if cell and cell[0][1]:  # a row line is followed by a blank line or by the next row
        raise _row_error(page, cell[0][0], grammar is REQUEST_ROW)
    for (_, before), (n, text) in pairwise(cell):
        if before and text and not before.startswith(_BULLET) and not text.startswith(_BULLET):
            raise _row_error(page, n, grammar is REQUEST_ROW)
    filled = [(n, t) for n, t in cell if t]
    example = _example_of(cell, filled, last=last)
    description = [item for item in filled if item != example]
    required = match.groupdict().get("required")
    return Row(
        line=start,
        name=match.group("name") or "",
        doc_type=match.group("type"),
        required=None if required is None else required == "Yes",
        description=description,
        example=example,
    )


def _example_of(
    cell: list[tuple[int, str]], filled: list[tuple[int, str]], *, last: bool
) -> tuple[int, str] | None:
    """The example is the line right before the next row; in the last row, the final
    non-blank line when a description precedes it."""
    if not filled or filled[-1][1].startswith(_BULLET):
        return None
    if not last:
        return cell[-1] if cell[-1][1] else None
    return filled[-1] if len(filled) > 1 else None


def _row_error(page: Page, line: int, request: bool) -> Exception:
    text = page.line(line).strip() if line <= len(page) else ""
    columns = "Name + type + Yes/No" if request else "Name + type"
    if " " not in text and (not request or re.search(r"(Yes|No)$", text)):
        return page.error(
            line,
            f"a table row '{columns}' with a known Alibaba type word "
            f"({', '.join(TYPE_WORDS)}, array<...>)",
        )
    return page.error(line, f"a table row '{columns}' (cells run together, no spaces)")


def require_cells(page: Page, row: Row, what: str) -> None:
    """A row cut short (no description or no example) is a format error."""
    if not row.description or row.example is None:
        raise page.error(row.line, f"description and example cells for {what} {row.name!r}")


def note_missing_cells(page: Page, row: Row, what: str, gaps: list[Gap]) -> None:
    """The tolerant twin of ``require_cells``: one ``Gap`` per missing cell."""
    missing = [name for name, cell in (("description", row.description),
                                       ("example", row.example)) if not cell]
    if row.required is None and what == "parameter":
        missing.append("required (read as optional)")
    if missing:
        gaps.append(Gap(f"{what} {row.name!r}: no {', no '.join(missing)} cell",
                        page.source(row.line)))


def enum_values(row: Row) -> dict[str, str]:
    """``VALUE: text`` bullets that follow a "Valid values" line, in listed order."""
    values: dict[str, str] = {}
    opened = False
    for _, text in row.description:
        if re.search(r"valid values", text, re.I):
            opened = True
            continue
        match = _ENUM_ITEM.match(text) if opened else None
        if match:
            values[match.group("value")] = match.group("text")
        elif opened and values:
            break
    return values


_UPPER = r"(?:up to|maximum of|a maximum of|at most|no more than|cannot exceed|not exceed)"
_LOWER = r"(?:at least|minimum of|a minimum of|no less than)"
_RANGE = r"(?:valid values|value range|range)\s*(?:is|are)?\s*:?\s*(?:from\s+)?"


def bounds_from_text(text: str, kind: str) -> dict[str, int]:
    """Length, count or value bounds stated in prose, named for the decoded type ``kind``."""
    names = {
        "array": ("minItems", "maxItems"),
        "string": ("minLength", "maxLength"),
        "integer": ("minimum", "maximum"),
        "number": ("minimum", "maximum"),
    }.get(kind)
    if names is None:
        return {}
    unit = r"\s+characters" if kind == "string" else ""
    found: dict[str, int] = {}
    span = re.search(rf"(?:{_RANGE})?(\d+)\s*(?:to|-|~)\s*(\d+){unit}", text, re.I)
    if span and (kind == "string" or re.search(_RANGE, span.group(0), re.I)):
        found[names[0]], found[names[1]] = int(span.group(1)), int(span.group(2))
    upper = re.search(rf"{_UPPER}\s+(\d+){unit}", text, re.I)
    if upper:
        found.setdefault(names[1], int(upper.group(1)))
    lower = re.search(rf"{_LOWER}\s+(\d+){unit}", text, re.I)
    if lower:
        found.setdefault(names[0], int(lower.group(1)))
    return found


def says_json_array(text: str) -> bool:
    return re.search(r"\bJSON array\b", text, re.I) is not None


def says_comma_separated(text: str) -> bool:
    pattern = r"\bseparate\w*\b[^.]{0,60}\bwith commas\b|comma-separated"
    return re.search(pattern, text, re.I) is not None


def build_parameter(page: Page, row: Row, gaps: list[Gap] | None = None) -> Parameter:
    """A request parameter; an ``object`` described as a JSON array becomes a JSON-wire array.

    Without ``gaps`` a row cut short is a format error; with it, the row is kept and a ``Gap``
    says which cell is missing."""
    if gaps is None:
        require_cells(page, row, "parameter")
    else:
        note_missing_cells(page, row, "parameter", gaps)
    schema = base_schema(row.doc_type)
    wire, example = "plain", coerce(row.example[1], schema) if row.example else None
    if row.doc_type == "object" and says_json_array(row.text) and row.example:
        example = _json_example(page, row)
        schema, wire = {"type": "array", "items": _items_schema(example)}, "json"
    choices = enum_values(row)
    if choices and schema["type"] not in ("boolean", "object", "array"):
        schema["enum"] = [coerce(value, schema) for value in choices]
    schema.update(bounds_from_text(row.text, schema["type"]))
    return Parameter(
        name=row.name,
        location="query",
        doc_type=row.doc_type,
        required=bool(row.required),
        description=row.text,
        schema=schema,
        source=page.source(row.line),
        example=example,
        wire=wire,
        enum_descriptions=choices,
    )


def _json_example(page: Page, row: Row) -> Any:
    assert row.example is not None
    try:
        return json.loads(row.example[1])
    except ValueError:
        raise page.error(row.example[0], f"a JSON example for parameter {row.name!r}") from None


def _items_schema(example: Any) -> dict[str, Any]:
    """Item type inferred from the example's elements; strings when it cannot tell."""
    kinds = {type(item) for item in example} if isinstance(example, list) else set()
    if kinds == {int}:
        return {"type": "integer"}
    if kinds == {bool}:
        return {"type": "boolean"}
    return {"type": "string"}
