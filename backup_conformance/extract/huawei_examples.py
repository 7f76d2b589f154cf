"""Sample requests and responses of a Huawei page, and where they disagree with the contract.

A sample is kept exactly as shown (lines, raw text); what can be parsed (method, target, JSON
body, status) is added. Disagreements become ``Anomaly`` records naming every line involved and
what the contract keeps, never silent fixes.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator

from backup_conformance.extract.huawei_blocks import Block
from backup_conformance.extract.model import Anomaly, Example, Parameter, Source
from backup_conformance.extract.page import Page, PageFormatError

REQUEST_SECTIONS = ("uri", "request", "example_request")
RESPONSE_SECTIONS = ("response", "example_response")


def example_kind(section: str, block: Block) -> str | None:
    """Whether a sample block is a request or a response sample (None: neither)."""
    if block.kind == "request" or section in REQUEST_SECTIONS:
        return "request"
    if section in RESPONSE_SECTIONS:
        return "response"
    caption = block.caption.lower()
    return "response" if "response" in caption else "request" if "request" in caption else None


def parse_body(page: Page, block: Block, strict: bool, anomalies: list[Anomaly]) -> Any:
    """The JSON value of a sample; an unparseable one raises (strict) or is recorded."""
    try:
        return json.loads(block.text)
    except json.JSONDecodeError as exc:
        error = page.error(block.line + exc.lineno - 1, f"valid JSON in the sample ({exc.msg})")
        if strict:
            raise error from None
        anomalies.append(_invalid_json(page, block, error))
        return None


def _invalid_json(page: Page, block: Block, error: PageFormatError) -> Anomaly:
    return Anomaly(
        f"example-json-invalid-l{block.line}",
        f"The sample at lines {block.line}-{block.end_line} is not valid JSON: {error}.",
        [page.source(block.line), page.source(error.line)],
        "The sample is kept as text without a parsed body and is not used to check the contract.",
    )


def build_example(page: Page, kind: str, block: Block, body: Any = None) -> Example:
    return Example(
        kind,
        block.title,
        page.source(block.line),
        block.end_line,
        block.text,
        status=block.status if kind == "response" else None,
        method=block.method,
        target=block.target,
        body=body,
    )


def strip_host(target: str) -> str:
    """The path of a URL or path template: no scheme, host or ``{Endpoint}``, no query."""
    target = re.sub(r"^(?:https?://[^/]+|https?://\{Endpoint\}|\{Endpoint\})", "", target)
    return target.split("?", 1)[0]


def path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    return re.compile(
        "^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?$"
    )


def missing_placeholders(template: str, path: str) -> list[str]:
    """Placeholders a sample path leaves out when it is a prefix of the template."""
    wanted, given = template.strip("/").split("/"), path.strip("/").split("/")
    if len(given) >= len(wanted):
        return []
    for want, have in zip(wanted, given, strict=False):
        if not want.startswith("{") and want != have:
            return []
    return [w.strip("{}") for w in wanted[len(given) :] if w.startswith("{")]


def request_anomalies(
    page: Page,
    example: Example,
    method: str,
    template: str,
    uri_line: int,
    parameters: list[Parameter],
) -> list[Anomaly]:
    """Ways a sample request contradicts the URI format or the documented parameters."""
    if not example.target:
        return []
    line, found = example.source.line, []
    path = strip_host(example.target)
    uri = page.source(uri_line)
    if example.method and example.method != method:
        found.append(
            Anomaly(
                f"example-request-method-l{line}",
                f"The sample at line {line} uses {example.method}; the URI format says {method}.",
                [example.source, uri],
                f"The contract keeps {method}; the sample is non-conforming.",
            )
        )
    missing = missing_placeholders(template, path)
    for name in missing:
        found.append(
            Anomaly(
                f"example-request-omits-path-param-{name}",
                f"The sample request at line {line} ({example.target}) has no {{{name}}} segment, "
                f"which the URI format at line {uri_line} ({template}) requires.",
                [example.source, uri],
                f"The contract keeps {{{name}}} a required path parameter, as the URI format and "
                "parameter table say; the sample is recorded as non-conforming, not as a test "
                "case.",
            )
        )
    if not missing and not path_pattern(template).match(path):
        found.append(
            Anomaly(
                f"example-request-path-mismatch-l{line}",
                f"The sample path {path} at line {line} does not match the URI format {template}.",
                [example.source, uri],
                "The contract keeps the URI format; the sample is non-conforming.",
            )
        )
    found.extend(_query_anomalies(example, parameters))
    return found


def _query_anomalies(example: Example, parameters: list[Parameter]) -> list[Anomaly]:
    documented = {p.name for p in parameters if p.location == "query"}
    used = [key for key, _ in parse_qsl(urlsplit(example.target or "").query)]
    unknown = [key for key in used if key not in documented]
    if not unknown:
        return []
    return [
        Anomaly(
            f"example-request-undocumented-query-l{example.source.line}",
            f"The sample at line {example.source.line} sends query parameters the page does not "
            f"document: {', '.join(unknown)}.",
            [example.source],
            "The contract documents only the listed query parameters.",
        )
    ]


def schema_mismatches(schema: dict[str, Any], body: Any) -> list[str]:
    """Where a sample body breaks the documented schema or carries undocumented members."""
    found = [
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {_json_type(error.instance)} "
        f"where the page documents {error.validator} {json.dumps(error.validator_value)}"
        for error in Draft202012Validator(schema).iter_errors(body)
    ]
    return [f"{path}: not documented" for path in _undocumented(schema, body, "")] + found


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value}"
    return names.get(type(value), type(value).__name__)


def _undocumented(schema: dict[str, Any], value: Any, path: str) -> list[str]:
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return sorted({p for item in value for p in _undocumented(schema["items"], item, path)})
    properties = schema.get("properties")
    if not isinstance(value, dict) or not isinstance(properties, dict):
        return []
    extra = [f"{path}{key}" for key in value if key not in properties]
    for key, sub in properties.items():
        if key in value:
            extra.extend(_undocumented(sub, value[key], f"{path}{key}/"))
    return extra


def sample_anomaly(
    example: Example, schema: dict[str, Any], documented: list[Source]
) -> Anomaly | None:
    """A record of a sample body that contradicts the documented fields, if it does."""
    problems = schema_mismatches(schema, example.body)
    if not problems:
        return None
    line = example.source.line
    return Anomaly(
        f"example-{example.kind}-nonconforming-l{line}",
        f"The sample {example.kind} at lines {line}-{example.end_line} disagrees with the "
        f"documented fields: {'; '.join(problems[:6])}"
        + (f" (and {len(problems) - 6} more)" if len(problems) > 6 else "")
        + ".",
        [example.source, *documented],
        "The contract keeps the documented names and types; the sample is recorded as "
        "non-conforming and is not used as a test oracle.",
    )
