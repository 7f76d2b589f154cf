"""Extractor for Huawei Cloud API reference pages (rendered web text or reStructuredText).

It reads the page's section structure (Function, Authorization Information, URI, Request,
Response, examples, Status Codes, Error Codes) rather than any one page's wording, and turns
every fact into model objects citing their line. Contradictions and ambiguities on the page
become ``Anomaly`` records saying what the contract chose; a page whose structure is broken
raises ``PageFormatError`` with the line and what was expected.
"""

from __future__ import annotations

import re

from backup_conformance.extract.huawei_appendix import error_codes_from_table
from backup_conformance.extract.huawei_blocks import REQUEST_LINE, Block, request_text, scan
from backup_conformance.extract.huawei_checks import example_anomalies
from backup_conformance.extract.huawei_examples import (
    build_example,
    example_kind,
    parse_body,
    strip_host,
)
from backup_conformance.extract.huawei_facts import (
    authorization,
    identify,
    pointers,
    settle_statuses,
    status_codes,
)
from backup_conformance.extract.huawei_fields import (
    Node,
    TableIndex,
    nest_by_sample,
    response_schema,
    table_nodes,
    to_field,
    to_parameter,
)
from backup_conformance.extract.huawei_gaps import huawei_gaps
from backup_conformance.extract.huawei_sections import (
    Section,
    missing_section,
    page_title,
    read_sections,
)
from backup_conformance.extract.model import (
    Anomaly,
    Example,
    Operation,
    Parameter,
    Response,
)
from backup_conformance.extract.page import Page, PageFormatError

HEADER_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

__all__ = ["extract_huawei", "is_huawei_page", "response_schema"]


def is_huawei_page(page: Page) -> bool:
    """Whether the page has a Huawei API page's shape: a URI section with a request line and
    at least one of Request/Response/Status Codes/Error Codes."""
    try:
        sections = read_sections(page)
    except PageFormatError:
        return False
    keys = {section.key for section in sections}
    uri = next((s for s in sections if s.key == "uri"), None)
    if uri is None or not keys & {"request", "response", "status_codes", "error_codes"}:
        return False
    return (
        page.find(lambda s: bool(REQUEST_LINE.match(request_text(s))), uri.start, uri.end)
        is not None
    )


class _Doc:
    """A page split into sections and blocks, with the table index and found anomalies."""

    def __init__(self, page: Page, strict: bool) -> None:
        self.page, self.strict = page, strict
        self.sections = read_sections(page)
        self.parts = [
            (section, scan(page, section.start, section.end)) for section in self.sections
        ]
        self.index = TableIndex([block for _, blocks in self.parts for block in blocks])
        self.anomalies: list[Anomaly] = []

    def blocks(self, key: str) -> list[Block]:
        return [block for section, blocks in self.parts if section.key == key for block in blocks]

    def require(self, key: str, expected: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise missing_section(self.page, self.sections, key, expected)


def extract_huawei(
    page: Page, *, api_id: str | None = None, service: str | None = None, strict_json: bool = False
) -> Operation:
    """All facts of one Huawei API page as an ``Operation`` (family ``huawei-rest``).

    ``strict_json``: a sample that is not valid JSON raises ``PageFormatError`` instead of being
    recorded as an anomaly (real vendor pages do contain such samples).
    """
    doc = _Doc(page, strict_json)
    title, title_line = page_title(page)
    uri = doc.require("uri", "a 'URI' section")
    doc.require("response", "a 'Response' or 'Response Parameters' section")
    method, path, uri_line = _uri(doc, uri)
    version = re.search(r"/(v\d+(?:\.\d+)?)/", path)
    op = Operation(
        api_id="",
        family="huawei-rest",
        service="",
        title=title,
        summary="",
        page=page.name,
        title_source=page.source(title_line),
        method=method,
        path=path,
        version=version.group(1) if version else None,
    )
    _describe(doc, op)
    op.authorization = authorization(page, doc.blocks("authorization"), op)
    op.status_codes = status_codes(page, doc.blocks("status_codes"), op)
    examples = _examples(doc, uri_line)
    op.parameters = _parameters(doc, op, examples, uri_line)
    op.security = (
        ["X-Auth-Token"]
        if any(p.location == "header" and p.name.lower() == "x-auth-token" for p in op.parameters)
        else []
    )
    op.responses = _responses(doc, _normal_status(doc, op), examples)
    op.examples = examples
    settle_statuses(op)
    op.references += pointers(page, doc.blocks("error_codes"), "error-codes", r"\berror codes?\b")
    op.error_codes = [
        code
        for block in doc.blocks("error_codes")
        if block.table
        for code in error_codes_from_table(page, block.table)
    ]
    op.anomalies = doc.anomalies + example_anomalies(page, op, uri_line)
    identify(op, api_id, service)
    op.gaps = huawei_gaps(page, doc.sections, op)
    return op


def _uri(doc: _Doc, uri: Section) -> tuple[str, str, int]:
    """Method, path template and line of the URI format line."""
    page = doc.page
    request = next(
        (
            block
            for _, blocks in doc.parts
            for block in blocks
            if block.kind == "request" and uri.start <= block.line <= uri.end
        ),
        None,
    )
    if request is None or request.method is None or request.target is None:
        raise page.error(uri.line, "a URI line such as 'DELETE /v3/{project_id}/backups/{id}'")
    path = strip_host(request.target)
    if (
        not path.startswith("/")
        or path.count("{") != path.count("}")
        or re.search(r"\{[^}]*[^\w}][^}]*\}|\{\}", path)
    ):
        raise page.error(request.line, "a path template like /v3/{project_id}/... after the method")
    return request.method, path, request.line


def _describe(doc: _Doc, op: Operation) -> None:
    texts = [b.text for b in doc.blocks("function") if b.kind == "text"]
    constraints = [b.text for b in doc.blocks("constraints") if b.kind == "text"]
    op.summary = texts[0] if texts else ""
    op.description = "\n".join(texts + (["Constraints:", *constraints] if constraints else []))


def _normal_status(doc: _Doc, op: Operation) -> int:
    normal = [code.status for code in op.status_codes if code.kind == "normal"]
    marked = [b.status for b in doc.blocks("response") if b.kind == "status" and b.status]
    return normal[0] if normal else marked[0] if marked else 200


def _examples(doc: _Doc, uri_line: int) -> list[Example]:
    """Every sample on the page; JSON bodies parsed, body-only requests take the last request
    line's method and target."""
    found: list[Example] = []
    for section, blocks in doc.parts:
        last_request: Example | None = None
        for block in blocks:
            if block.kind == "empty-code":
                doc.anomalies.append(_empty_sample(doc.page, block))
                continue
            if block.kind not in ("request", "json") or block.line == uri_line:
                continue
            kind = example_kind(section.key, block)
            if kind is None:
                continue
            body = (
                parse_body(doc.page, block, doc.strict, doc.anomalies)
                if block.kind == "json"
                else None
            )
            example = build_example(doc.page, kind, block, body)
            if block.kind == "request":
                last_request = example
            elif kind == "request" and last_request is not None:
                example.method, example.target = last_request.method, last_request.target
            found.append(example)
    return found


def _empty_sample(page: Page, block: Block) -> Anomaly:
    return Anomaly(
        f"example-empty-l{block.line}",
        f"The sample announced as '{block.title}' has an empty code block at line {block.line}.",
        [page.source(block.line)],
        "No sample is recorded for it; the contract relies on the documented fields.",
    )


def _parameters(
    doc: _Doc, op: Operation, examples: list[Example], uri_line: int
) -> list[Parameter]:
    page, params = doc.page, []
    for block in doc.blocks("uri"):
        if block.table is None or not doc.index.top_level(block):
            continue
        location = "query" if re.search(r"query|filter", block.caption, re.I) else "path"
        nodes = table_nodes(block.table, doc.index)
        _untyped(doc, block, nodes, location)
        params += [to_parameter(node, location, page.name) for node in nodes]
    params += _request_parameters(doc, examples)
    _check_placeholders(doc, op, params, uri_line)
    return params


def _request_parameters(doc: _Doc, examples: list[Example]) -> list[Parameter]:
    page, params, body_nodes = doc.page, [], []
    for block in doc.blocks("request"):
        if block.table is None or not doc.index.top_level(block):
            continue
        caption = block.caption.lower()
        for node in table_nodes(block.table, doc.index):
            location = next((w for w in ("header", "query", "body") if w in caption), None)
            location = location or ("header" if HEADER_NAME.match(node.name) else "body")
            if location == "body":
                body_nodes.append(node)
            else:
                params.append(to_parameter(node, location, page.name))
    sample = next((e for e in examples if e.kind == "request" and isinstance(e.body, dict)), None)
    body_nodes = _nest(doc, body_nodes, sample)
    return params + [to_parameter(node, "body", page.name) for node in body_nodes]


def _nest(doc: _Doc, nodes: list[Node], sample: Example | None) -> list[Node]:
    if sample is None:
        return nodes
    nested, filled = nest_by_sample(nodes, sample.body)
    for container in filled:
        names = ", ".join(child.name for child in container.children)
        doc.anomalies.append(
            Anomaly(
                f"flat-table-nesting-{container.name}-l{container.line}",
                f"The table lists {names} at the same level as {container.name} (line "
                f"{container.line}, type {container.doc_type}), but the sample at line "
                f"{sample.source.line} puts them inside {container.name}.",
                [
                    doc.page.source(container.line),
                    *(doc.page.source(c.line) for c in container.children),
                    sample.source,
                ],
                f"The contract nests them under {container.name}, as the sample shows.",
            )
        )
    return nested


def _untyped(doc: _Doc, block: Block, nodes: list[Node], location: str) -> None:
    if not nodes or nodes[0].typed:
        return
    doc.anomalies.append(
        Anomaly(
            f"{location}-parameters-without-type",
            f"The {location} parameter table at line {block.line} has no Type column, so the page "
            f"gives no type for {', '.join(n.name for n in nodes)}.",
            [doc.page.source(block.line), *(doc.page.source(n.line) for n in nodes)],
            'The contract types them as strings ({"type": "string"}): '
            + ("path segments are text." if location == "path" else "query values are text."),
        )
    )


def _check_placeholders(doc: _Doc, op: Operation, params: list[Parameter], uri_line: int) -> None:
    page, template = doc.page, op.path or ""
    documented = {p.name for p in params if p.location == "path"}
    for name in PLACEHOLDER.findall(template):
        if name not in documented:
            doc.anomalies.append(
                Anomaly(
                    f"path-param-undocumented-{name}",
                    f"The URI format at line {uri_line} has {{{name}}} but no parameter table "
                    "lists it.",
                    [page.source(uri_line)],
                    "The contract adds it as a required string path parameter.",
                )
            )
            params.append(
                Parameter(name, "path", "", True, "", {"type": "string"}, page.source(uri_line))
            )
    uri_text = request_text(page.line(uri_line))
    in_query = PLACEHOLDER.findall(uri_text.split("?", 1)[1]) if "?" in uri_text else []
    for param in params:
        if param.location == "path" and param.name in in_query:
            param.location = "query"  # the URI format writes it in its query string
        elif param.location == "path" and param.name not in PLACEHOLDER.findall(template):
            doc.anomalies.append(
                Anomaly(
                    f"path-param-not-in-uri-{param.name}",
                    f"{param.name} (line {param.source.line}) is documented as a URI parameter "
                    f"but the URI format at line {uri_line} has no {{{param.name}}}.",
                    [param.source, page.source(uri_line)],
                    "The contract keeps it as a query parameter, the only place it can travel.",
                )
            )
            param.location = "query"


def _responses(doc: _Doc, normal: int, examples: list[Example]) -> list[Response]:
    page, responses = doc.page, dict[int, Response]()
    for block in doc.blocks("response"):
        top_table = block.table is not None and doc.index.top_level(block)
        if block.kind not in ("status", "none") and not top_table:
            continue
        status = block.status or normal
        response = responses.setdefault(status, Response(status, "", page.source(block.line)))
        if block.kind == "none":
            response.body = False
        elif top_table:
            _response_fields(doc, response, block, examples)
    return list(responses.values())


def _response_fields(doc: _Doc, response: Response, block: Block, examples: list[Example]) -> None:
    assert block.table is not None
    sample = next(
        (
            e
            for e in examples
            if e.kind == "response"
            and isinstance(e.body, dict)
            and e.status in (None, response.status)
        ),
        None,
    )
    nodes = _nest(doc, table_nodes(block.table, doc.index), sample)
    response.fields += [to_field(node, doc.page.name) for node in nodes]
    if block.table.column("mandatory", "required") is None and nodes:
        lines = [doc.page.source(block.line)] + ([sample.source] if sample else [])
        doc.anomalies.append(
            Anomaly(
                f"response-{response.status}-required-unstated",
                f"The status {response.status} response table at line {block.line} has no "
                f"Mandatory column, so the page does not say whether its fields "
                f"({', '.join(n.name for n in nodes)}) are always returned"
                + (
                    f"; the sample at line {sample.source.line} includes "
                    f"{', '.join(k for k in sample.body if k in {n.name for n in nodes})}"
                    if sample
                    else ""
                )
                + ".",
                lines,
                "Required is unknown: the fields carry required=None and the response schema "
                "lists none of them as required.",
            )
        )
