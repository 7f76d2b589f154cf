"""Extractor for Alibaba Cloud OpenAPI reference pages (RPC style: HBR, DBS, ...).

The page is rendered web text: a ``Product:OperationName`` title, a one-line summary, then
sections ("Authorization information", "Request parameters", "Response parameters",
"Examples", "Error codes") whose tables run their cells together. Every fact keeps the line it
came from; a page that does not have this layout raises ``PageFormatError``.
"""

from __future__ import annotations

import re
from pathlib import Path

from backup_conformance.extract.alibaba_anomalies import (
    access_level_anomalies,
    parameter_anomalies,
    sample_anomalies,
    success_sample_anomalies,
)
from backup_conformance.extract.alibaba_generic import (
    NO_PARAMETERS,
    extract_generic,
    layout_of,
    ram_actions,
    read_tables,
)
from backup_conformance.extract.alibaba_identity import (
    Identity,
    complete_from_metadata,
    read_identity,
    version_from_page,
)
from backup_conformance.extract.alibaba_responses import build_response
from backup_conformance.extract.alibaba_sections import (
    AUTH_HEADER,
    AuthTable,
    read_authorization,
    read_error_codes,
    read_examples,
)
from backup_conformance.extract.alibaba_tables import Row, build_parameter, read_rows
from backup_conformance.extract.model import Anomaly, Example, Gap, Operation, Response
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
    """A Document Center page (a ``Product:Operation`` title before the first section), or a page
    of another Alibaba rendering with a table that has an ``Example`` column."""
    if _title_line(page) is not None:
        return True
    layout = layout_of(page)
    if layout is None:
        return False
    return any("example" in t.columns and t.kind in ("request", "response")
               for t in read_tables(page, layout))


def extract_alibaba(
    page: Page,
    *,
    api_id: str | None = None,
    version: str | None = None,
    metadata_dir: Path | None = None,
) -> Operation:
    """All facts of one Alibaba RPC operation page. What the page does not say about its
    identity (product code, version) comes from ``api_id``/``version`` or the metadata."""
    title_line = _title_line(page)
    if title_line is None or (page.find(REQUEST_HEADER) is None and layout_of(page)):
        return _extract_other_layout(page, api_id, version, metadata_dir)
    title = page.line(title_line).strip()
    action = title.split(":", 1)[1]
    gaps: list[Gap] = []
    sections = _sections(page, title_line)
    auth = _authorization(page, sections, action, gaps)
    who = Identity(action=action, action_line=title_line, title=title, version=version,
                   product=auth.rows[0].action.split(":", 1)[0] if auth.rows else None)
    if api_id is None:
        version_from_page(page, who)
        complete_from_metadata(who, metadata_dir)
    service = _service(page, auth, api_id, title_line, who)
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
        version=version or who.version,
        description=_section_text(page, sections, "Operation description"),
        authorization=auth.rows,
        examples=examples,
        gaps=gaps,
    )
    request_rows = _request_rows(page, sections, gaps)
    op.parameters = [build_parameter(page, row, gaps) for row in request_rows]
    response_rows = _response_rows(page, sections, gaps)
    successes = [e for e in examples if e.kind == "response" and e.status == 200]
    response, nesting = build_response(page, response_rows, [e.body for e in successes], gaps)
    op.responses = [response]
    if "Error codes" in sections:
        op.error_codes, op.references = read_error_codes(page, *sections["Error codes"], gaps)
    else:
        gaps.append(Gap("error codes: no 'Error codes' section", page.source(page.last_line())))
    op.anomalies = [
        *parameter_anomalies(page, request_rows, op.parameters),
        *_response_anomalies(page, successes, response, response_rows),
        *nesting,
        *access_level_anomalies(page, auth),
    ]
    op.notes = _notes(op, api_id, version) + [n for n in who.notes if not version]
    return op


def _extract_other_layout(
    page: Page, api_id: str | None, version: str | None, metadata_dir: Path | None
) -> Operation:
    layout = layout_of(page)
    if layout is None:
        raise page.error(1, "a title line 'Product name:OperationName' before the first section")
    tables = read_tables(page, layout)
    who = read_identity(page, ram_actions=ram_actions(tables))
    if version:
        who.version = version
        who.notes.append(f"version {version}: given by the caller")
    if api_id and "." in api_id and who.product is None:
        who.product = api_id.split(".", 1)[0]
        who.notes.append(f"product {who.product}: from the caller's api_id")
    complete_from_metadata(who, metadata_dir)
    if who.action is None or not who.action[0].isupper():
        raise page.error(who.action_line, "an operation identity: a 'Product:Action' title, a "
                         "RAM action 'service:Action', an OpenAPI Explorer link or a sample "
                         "'?Action=' request")
    if who.product is None:
        raise page.error(who.action_line, f"the product code of {who.action} (a RAM action, the "
                         "page address, the vendor metadata, or --api-id service.Action)")
    if not who.version:
        who.notes.append("version: the page does not state it and no metadata lists it; unset")
    return extract_generic(page, layout, tables, who, api_id or f"{who.product}.{who.action}",
                           who.product)


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


def _request_rows(page: Page, sections: Sections, gaps: list[Gap]) -> list[Row]:
    """The request rows; a table stating there are no parameters is empty, none is a refusal."""
    name = "Request parameters"
    if name not in sections:
        raise page.error(len(page), f"a {name!r} section")
    start, end = sections[name]
    header = page.require(REQUEST_HEADER, f"the {name!r} header row {REQUEST_HEADER!r}", start, end)
    first = page.next_nonblank(header + 1, end)
    if first is not None and NO_PARAMETERS.search(page.line(first)):
        return []
    return read_rows(page, header, end, request=True, gaps=gaps)


def _response_rows(page: Page, sections: Sections, gaps: list[Gap]) -> list[Row]:
    """The response rows; a missing section or header row is a gap (an undocumented body)."""
    name = "Response parameters"
    root = Row(line=len(page), name="", doc_type="object", required=None, description=[],
               example=None)
    if name not in sections:
        gaps.append(
            Gap(f"response: no {name!r} section (page cut short?)", page.source(page.last_line()))
        )
        return [root]
    start, end = sections[name]
    header = page.find(RESPONSE_HEADER, start, end)
    if header is None:
        gaps.append(Gap(f"response: no header row {RESPONSE_HEADER!r}", page.source(start)))
        return [root]
    rows = read_rows(page, header, end, request=False, gaps=gaps)
    if len(rows) <= 1:
        gaps.append(Gap("response table: no field rows", page.source(header)))
    return rows or [root]


def _authorization(page: Page, sections: Sections, action: str, gaps: list[Gap]) -> AuthTable:
    name = "Authorization information"
    if name not in sections:
        gaps.append(Gap("authorization: no 'Authorization information' section",
                        page.source(page.last_line())))
        return AuthTable()
    start, end = sections[name]
    if page.find(AUTH_HEADER, start, end) is None:
        said = page.next_nonblank(start, end)
        quoted = f" ({page.line(said).strip()[:80]!r})" if said is not None else ""
        line = said if said is not None else min(start, page.last_line())
        gaps.append(Gap(f"authorization: no RAM action table{quoted}", page.source(line)))
        return AuthTable()
    return read_authorization(page, start, end, action)


def _service(
    page: Page, auth: AuthTable, api_id: str | None, title_line: int, who: Identity
) -> str:
    """The product code is the RAM action's prefix (``hbr:CancelBackupJob`` -> ``hbr``), else
    the caller's api_id, else the metadata that lists the operation."""
    if auth.rows:
        return auth.rows[0].action.split(":", 1)[0]
    if api_id and "." in api_id:
        return api_id.split(".", 1)[0]
    if who.product:
        return who.product
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
        else f"version {op.version}: not printed in the page's text; from the source below"
        if op.version
        else "version: the page does not state it; left unset",
        "method/path: none, RPC style (Action is a query parameter; HTTP method not stated)",
        "response status 200: the page does not state it; the RPC success convention",
    ]
