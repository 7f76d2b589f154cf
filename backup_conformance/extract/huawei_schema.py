"""JSON Schema for a documented type, plus the constraints its description states in words.

Huawei writes types loosely (``String``, ``int``, ``list<dict>``, ``Array of objects``,
``map<string,string>``) and bounds in prose (``Minimum value: **1**``, ``ranges from 1 to 100``,
``The value can be:`` followed by bullets); both become schema keywords here.
"""

from __future__ import annotations

import re
from typing import Any

from backup_conformance.extract.tables import BULLET

PRIMITIVES = {
    "string": "string",
    "str": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "integer": "integer",
    "int": "integer",
    "long": "integer",
    "double": "number",
    "float": "number",
    "number": "number",
    "object": "object",
    "dict": "object",
    "map": "object",
    "array": "array",
    "list": "array",
}
ENUM_LEAD = re.compile(r"value can be|values are|possible values|valid values", re.IGNORECASE)
VALUE_BULLET = re.compile(r"^\*\*([^*]+)\*\*\s*(?:[:,\uff1a]\s*(.*))?$|^([A-Za-z0-9_.-]+)$")


def type_schema(doc_type: str) -> dict[str, Any]:
    """The JSON Schema of a documented type; ``{}`` (anything) when the type is unknown."""
    text = " ".join(doc_type.lower().split())
    inner = re.match(r"^(?:array|list) of (?:\w+ )?(\w+?)s?$", text) or re.match(  # [Name ]
        r"^list\s*<(.+)>$", text
    )
    if inner:
        return {"type": "array", "items": type_schema(inner.group(1))}
    mapping = re.match(r"^map\s*<\s*\w+\s*,\s*(\w+)\s*>$", text)
    if mapping:
        return {"type": "object", "additionalProperties": type_schema(mapping.group(1))}
    return {"type": PRIMITIVES[text]} if text in PRIMITIVES else {}


def enum_values(description: str) -> dict[str, str]:
    """Allowed values a description lists, each with its explanation ("" when none).

    Bullets count when the text announces values ("The value can be:") or at least two bullets
    look like values; otherwise bold words right after such an announcement do.
    """
    values: dict[str, str] = {}
    for line in description.split("\n"):
        if not BULLET.match(line.strip()):
            continue
        match = VALUE_BULLET.match(BULLET.sub("", line.strip()))
        if match:
            values[(match.group(1) or match.group(3)).strip()] = (match.group(2) or "").strip()
    if values and (len(values) >= 2 or ENUM_LEAD.search(description)):
        return values
    lead = ENUM_LEAD.search(description)
    if lead:
        sentence = re.split(r"(?<=[.:])\s", description[lead.end() :], maxsplit=1)[0]
        bold = re.findall(r"\*\*([^*]+?)\*\*", sentence)
        if len(bold) >= 2:
            return {value.strip().rstrip("."): "" for value in bold}
    return {}


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def range_keywords(description: str, kind: str | None) -> dict[str, Any]:
    """``minimum``/``maximum`` for numbers, ``minLength``/``maxLength`` for strings."""
    text = description.replace("**", "")
    found: dict[str, Any] = {}
    if kind in ("integer", "number"):
        ranged = re.search(
            r"(?:ranges?|range is) from (-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?)", text
        )
        if ranged:
            found["minimum"], found["maximum"] = map(_number, ranged.groups())
        for word, key in (("Minimum", "minimum"), ("Maximum", "maximum")):
            stated = re.search(rf"{word} value:?\s*(-?\d+(?:\.\d+)?)", text)
            if stated:
                found[key] = _number(stated.group(1))
    elif kind == "string":
        span = re.search(r"(\d+) to (\d+) characters", text)
        if span:
            found["minLength"], found["maxLength"] = int(span.group(1)), int(span.group(2))
        most = re.search(r"(?:maximum of|up to|at most) (\d+) characters", text)
        if most and "maxLength" not in found:
            found["maxLength"] = int(most.group(1))
    return found


def constrained(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """``schema`` with the enum and bounds stated in ``description`` added."""
    kind = schema.get("type")
    result = dict(schema)
    result.update(range_keywords(description, kind if isinstance(kind, str) else None))
    values = list(enum_values(description)) if kind in ("string", "integer", "number") else []
    if kind in ("integer", "number"):
        values = [v for v in values if re.fullmatch(r"-?\d+(?:\.\d+)?", v)]
        result.update({"enum": [_number(v) for v in values]} if values else {})
    elif values:
        result["enum"] = values
    return result
