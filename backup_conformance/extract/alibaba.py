"""Extractor for Alibaba Cloud OpenAPI reference pages (RPC style: HBR, DBS, ...).

The page is rendered web text: a ``Product:OperationName`` title, a one-line summary, then
sections ("Authorization information", "Request parameters", "Response parameters",
"Examples", "Error codes") whose tables run their cells together. Every fact keeps the line it
came from; a page that does not have this layout raises ``PageFormatError``.
"""

from __future__ import annotations

import re

from backup_conformance.extract.alibaba_anomalies import (
    access_level_anomalies,
    parameter_anomalies,
    sample_anomalies,
    success_sample_anomalies,
)
from backup_conformance.extract.alibaba_responses import build_response
from backup_conformance.extract.alibaba_sections import (
    AuthTable,
    read_authorization,
    read_error_codes,
    read_examples,
)
from backup_conformance.extract.alibaba_tables import Row, build_parameter, read_rows
from backup_conformance.extract.model import Anomaly, Example, Operation, Response
from backup_conformance.extract.page import Page

REQUEST_HEADER = "ParameterTypeRequiredDescriptionExample"
RESPONSE_HEADER = "ParameterTypeDescriptionExample"
HEADINGS = (
    "Operation description",
    "Debugging",
    "Authorization information",
    "Request parameters",
    "Response parameters",
    "Examples",
    "Error codes",
    "Change history",
)
_TITLE = re.compile(r"^(?P<product>[A-Z][^:]{0,80}):(?P<operation>[A-Z][A-Za-z0-9]+)$")

Sections = dict[str, tuple[int, int]]


def is_alibaba_page(page: Page) -> bool:
    """A ``Product:Operation`` title before the first section and an Alibaba request table."""
    return _title_line(page) is not None and page.find(REQUEST_HEADER) is not None


def extract_alibaba(
    page: Page, *, api_id: str | None = None, version: str | None = None
) -> Operation:
    """All facts of one Alibaba RPC operation page. ``version`` is not on the page: pass it."""
    title_line = _title_line(page)
    if title_line is None:
        raise page.error(1, "a title line 'Product name:OperationName' before the first section")
    title = page.line(title_line).strip()
    action = title.split(":", 1)[1]
    sections = _sections(page, title_line)
    request = _table(page, sections, "Request parameters", REQUEST_HEADER)
    response_table = _table(page, sections, "Response parameters", RESPONSE_HEADER)
    auth = _authorization(page, sections, action)
    service = _service(page, auth, api_id, title_line)
    examples = _examples(page, sections)
    op = Operation(
        api_id=api_id or f"{service}.{action}",
        family="alibaba-rpc",
        service=service,
        title=title,
        summary=_summary(page, title_line),
        page=page.name,
        title_source=page.source(title_line),
        action=action,
        version=version,
        description=_section_text(page, sections, "Operation description"),
        authorization=auth.rows,
        examples=examples,
    )
    request_rows = read_rows(page, *request, request=True)
    op.parameters = [build_parameter(page, row) for row in request_rows]
    response_rows = read_rows(page, *response_table, request=False)
    successes = [e for e in examples if e.kind == "response" and e.status == 200]
    response, nesting = build_response(page, response_rows, [e.body for e in successes])
    op.responses = [response]
    if "Error codes" in sections:
        op.error_codes, op.references = read_error_codes(page, *sections["Error codes"])
    op.anomalies = [
        *parameter_anomalies(page, request_rows, op.parameters),
        *_response_anomalies(page, successes, response, response_rows),
        *nesting,
        *access_level_anomalies(page, auth),
    ]
    op.notes = _notes(op, api_id, version)
    return op


def _title_line(page: Page) -> int | None:
    first_heading = page.find(lambda text: text in HEADINGS) or len(page) + 1
    return page.find(_TITLE, 1, first_heading - 1)


def _sections(page: Page, after: int) -> Sections:
    """Heading -> (first line after the heading, last line before the next heading)."""
    starts = [(n, t.strip()) for n, t in page.numbered(after + 1) if t.strip() in HEADINGS]
    sections: Sections = {}
    for index, (line, name) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(page)
        sections.setdefault(name, (line + 1, end))
    return sections


def _table(page: Page, sections: Sections, name: str, header: str) -> tuple[int, int]:
    """(header line, last line) of a required section's table."""
    if name not in sections:
        raise page.error(len(page), f"a {name!r} section")
    start, end = sections[name]
    return page.require(header, f"the {name!r} header row {header!r}", start, end), end


def _authorization(page: Page, sections: Sections, action: str) -> AuthTable:
    if "Authorization information" not in sections:
        return AuthTable()
    return read_authorization(page, *sections["Authorization information"], action)


def _service(page: Page, auth: AuthTable, api_id: str | None, title_line: int) -> str:
    """The product code is the RAM action's prefix (``hbr:CancelBackupJob`` -> ``hbr``)."""
    if auth.rows:
        return auth.rows[0].action.split(":", 1)[0]
    if api_id and "." in api_id:
        return api_id.split(".", 1)[0]
    raise page.error(
        title_line,
        "an 'Authorization information' row naming the service code (or an api_id argument)",
    )


def _examples(page: Page, sections: Sections) -> list[Example]:
    return read_examples(page, *sections["Examples"]) if "Examples" in sections else []


def _summary(page: Page, title_line: int) -> str:
    for _, text in page.numbered(title_line + 1):
        stripped = text.strip()
        if stripped in HEADINGS:
            return ""
        if stripped and not stripped.startswith("Last Updated"):
            return stripped
    return ""


def _section_text(page: Page, sections: Sections, name: str) -> str:
    if name not in sections:
        return ""
    return "\n".join(t.strip() for _, t in page.numbered(*sections[name]) if t.strip())


def _response_anomalies(
    page: Page, successes: list[Example], response: Response, rows: list[Row]
) -> list[Anomaly]:
    by_line = {row.line: row for row in rows}
    return [
        *success_sample_anomalies(page, successes, response.fields, by_line),
        *sample_anomalies(page, successes, response.fields, by_line),
    ]


def _notes(op: Operation, api_id: str | None, version: str | None) -> list[str]:
    """Identity facts that do not come from the page, labelled as such."""
    return [
        f"api_id {op.api_id}: "
        + ("given by the caller" if api_id else "derived from the RAM service code and the title"),
        f"version {version}: given by the caller; the page does not state it"
        if version
        else "version: the page does not state it; left unset",
        "method/path: none, RPC style (Action is a query parameter; HTTP method not stated)",
        "response status 200: the page does not state it; the RPC success convention",
    ]
