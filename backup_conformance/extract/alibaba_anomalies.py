"""General rules that find where an Alibaba page contradicts itself, each citing every line
involved and stating what the contract chose. Rules look at structure (types, samples, table
examples), never at one page's particular words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from backup_conformance.extract.alibaba_sections import AuthTable
from backup_conformance.extract.alibaba_tables import Row, says_comma_separated, says_json_array
from backup_conformance.extract.model import Anomaly, Example, Field, Parameter, Source
from backup_conformance.extract.page import Page

_ERROR_CODE_KEY = re.compile(r"^(Err|Error)?Code$")
_ERROR_MESSAGE_KEY = re.compile(r"^(Err|Error)(Message|Msg)$")
_SUCCESS_CODES = {"200", "OK", "SUCCESS", "0"}


def parameter_anomalies(page: Page, rows: list[Row], params: list[Parameter]) -> list[Anomaly]:
    """(b) object typed but described as a JSON array, (c) JSON array vs comma-separated text,
    and an example that breaks its own parameter's schema."""
    found = []
    for row, param in zip(rows, params, strict=True):
        lines = [page.source(row.line), *_lines_saying(page, row, says_json_array)]
        example = [page.source(row.example[0])] if row.example else []
        if param.wire == "json" and row.doc_type == "object":
            found.append(
                Anomaly(
                    f"object-typed-json-array:{row.name}",
                    f"{row.name} is typed 'object' but its description says the value is a JSON "
                    f"array, and its example is one.",
                    [*lines, *example],
                    f"array of {param.schema['items']['type']} sent as one JSON-encoded query "
                    "value (wire=json), as the example shows and the official SDK encodes it",
                )
            )
        if says_json_array(row.text) and says_comma_separated(row.text):
            commas = _lines_saying(page, row, says_comma_separated)
            found.append(
                Anomaly(
                    f"json-array-or-comma-separated:{row.name}",
                    f"{row.name}'s description asks for a JSON array and also says to separate "
                    "the values with commas: the wire format is ambiguous.",
                    sorted({*lines[1:], *commas, *example}),
                    "JSON array, which matches the example and the official SDK",
                )
            )
        if row.example and not Draft202012Validator(param.schema).is_valid(param.example):
            found.append(
                Anomaly(
                    f"example-violates-schema:{row.name}",
                    f"The example of {row.name} does not satisfy the type, enum or bounds the same "
                    "row states.",
                    [page.source(row.line), page.source(row.example[0])],
                    "the schema follows the stated type/values; the example is kept as written",
                )
            )
    return found


def _lines_saying(page: Page, row: Row, test: Any) -> list[Source]:
    return [page.source(n) for n, text in row.description if test(text)]


def access_level_anomalies(page: Page, auth: AuthTable) -> list[Anomaly]:
    """(e) a table access level outside the levels the section's own preamble lists."""
    if not auth.stated_levels or auth.stated_line is None:
        return []
    return [
        Anomaly(
            f"access-level-outside-stated-levels:{row.action}",
            f"The authorization preamble says the levels are {', '.join(auth.stated_levels)}, "
            f"but the table gives {row.action} the level {row.access_level!r}.",
            [page.source(auth.stated_line), row.source],
            f"access level {row.access_level!r} as the table row states; the preamble is "
            "generic text shared by all pages",
        )
        for row in auth.rows
        if row.access_level not in auth.stated_levels
    ]


def success_sample_anomalies(
    page: Page, samples: list[Example], fields: list[Field], rows: dict[int, Row]
) -> list[Anomaly]:
    """(a) a success sample with ``Success: true`` that also carries an error code/message."""
    found = []
    for sample in samples:
        body = sample.body if isinstance(sample.body, dict) else {}
        errors = [key for key, value in body.items() if _is_error_value(key, value)]
        if body.get("Success") is not True or not errors:
            continue
        keys = ["Success", *errors]
        cited = [sample.source, *(key_line(page, sample, [key]) for key in keys)]
        table = []
        for item in fields:
            if item.name in keys:
                cited += _row_sources(page, rows.get(item.source.line))
            if item.name in errors and _is_error_value(item.name, item.example):
                table.append(f"{item.name} {item.example!r}")
        shown = ", ".join(f"{key}={body[key]!r}" for key in errors)
        found.append(
            Anomaly(
                "success-sample-carries-error",
                f"'{sample.title}' sets Success=true but also {shown}"
                + (
                    f"; the response table's examples are error values too ({', '.join(table)})."
                    if table
                    else "."
                ),
                sorted(set(cited)),
                "error code/message fields are optional free-form strings, not required to be "
                "empty on success; success is judged by Success=true (and the HTTP status)",
            )
        )
    return found


def _is_error_value(key: str, value: Any) -> bool:
    if value in (None, "") or isinstance(value, bool):
        return False
    if _ERROR_MESSAGE_KEY.match(key):
        return True
    return bool(_ERROR_CODE_KEY.match(key)) and str(value).upper() not in _SUCCESS_CODES


def _row_sources(page: Page, row: Row | None) -> list[Source]:
    if row is None:
        return []
    return [page.source(row.line)] + ([page.source(row.example[0])] if row.example else [])


def sample_anomalies(
    page: Page, samples: list[Example], fields: list[Field], rows: dict[int, Row]
) -> list[Anomaly]:
    """(d) table example differs from the sample value, a sample value of another type than
    the table states, and sample keys the table does not document."""
    found: dict[str, Anomaly] = {}
    for sample in samples:
        if not isinstance(sample.body, dict):
            continue
        for anomaly in _compare(page, sample, fields, [], [sample.body], rows):
            found.setdefault(anomaly.id, anomaly)
    return list(found.values())


def _compare(
    page: Page,
    sample: Example,
    fields: list[Field],
    path: list[str],
    nodes: list[Any],
    rows: dict[int, Row],
    *,
    items: bool = False,
) -> Iterator[Anomaly]:
    """Walk the table tree and the sample side by side; ``items``: ``fields`` is the single
    item of an array and ``nodes`` are lists."""
    names = {item.name for item in fields}
    documented = [node for node in nodes if isinstance(node, dict)] if fields else []
    for node in documented:
        yield from (_undocumented(page, sample, [*path, k]) for k in node if k not in names)
    for item in fields:
        if items:
            step, values = [*path, "[]"], [x for n in nodes if isinstance(n, list) for x in n]
        else:
            step = [*path, item.name]
            values = [n[item.name] for n in nodes if isinstance(n, dict) and item.name in n]
        for value in values:
            yield from _compare_value(page, sample, item, step, value, rows)
        is_array = item.schema.get("type") == "array"
        yield from _compare(page, sample, item.children, step, values, rows, items=is_array)


def _compare_value(
    page: Page, sample: Example, item: Field, path: list[str], value: Any, rows: dict[int, Row]
) -> Iterator[Anomaly]:
    dotted = ".".join(path).replace(".[]", "[]")
    shallow = {k: v for k, v in item.schema.items() if k not in ("properties", "items")}
    row = rows.get(item.source.line)
    where = [key_line(page, sample, path), *_row_sources(page, row)]
    if not Draft202012Validator(shallow).is_valid(value):
        yield Anomaly(
            f"sample-type-mismatch:{dotted}",
            f"The table types {dotted} as {item.doc_type!r}, but '{sample.title}' gives {value!r}.",
            sorted(set(where)),
            f"the schema follows the table's type {item.doc_type!r}",
        )
    elif _comparable(item, row) and item.example != value:
        spaces = isinstance(value, str) and str(item.example).strip() == value.strip()
        yield Anomaly(
            f"example-differs-from-sample:{dotted}",
            f"The table example of {dotted} is {item.example!r} but '{sample.title}' has "
            f"{value!r}" + (" (they differ only in surrounding whitespace)." if spaces else "."),
            sorted(set(where)),
            "low importance: both are kept as documentation; no constraint is derived from "
            "either value",
        )


def _comparable(item: Field, row: Row | None) -> bool:
    """A table example to hold against the sample: the row's own, of the row's own shape
    (an ``array<string>`` row's example is often one element, which says nothing)."""
    if item.example is None or row is None or row.example is None:
        return False
    return item.schema.get("type") != "array" or isinstance(item.example, list)


def _undocumented(page: Page, sample: Example, path: list[str]) -> Anomaly:
    dotted = ".".join(path).replace(".[]", "[]")
    return Anomaly(
        f"sample-field-undocumented:{dotted}",
        f"'{sample.title}' contains {dotted}, which the response table does not list.",
        [sample.source, key_line(page, sample, path)],
        "the schema allows it (no additionalProperties: false) but does not describe it",
    )


def key_line(page: Page, sample: Example, path: list[str]) -> Source:
    """The line of the JSON sample where ``path``'s last key appears (following the path)."""
    line = sample.source.line
    for key in path:
        if key in ("", "[]"):
            continue
        found = page.find(re.compile(re.escape(f'"{key}"')), line, sample.end_line)
        line = found if found is not None else line
    return page.source(line)
