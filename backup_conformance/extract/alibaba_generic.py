"""Alibaba pages in the renderings other than the glued Document Center text (layouts b, c, d).

The tables are found and told apart by their columns (``alibaba_cells``); the rows then go
through the same parameter and response builders as the Document Center pages. What a page
lacks (no RAM table, no error codes, a row or a table cut short) becomes a ``Gap``; only a page
without an operation identity or without a request-parameter table is refused.
"""

from __future__ import annotations

import re

from backup_conformance.extract.alibaba_anomalies import (
    access_level_anomalies,
    parameter_anomalies,
    sample_anomalies,
    success_sample_anomalies,
)
from backup_conformance.extract.alibaba_cells import Cell, CellTable, clean, read_pipe_tables
from backup_conformance.extract.alibaba_identity import Identity
from backup_conformance.extract.alibaba_legacy import read_line_tables
from backup_conformance.extract.alibaba_paragraphs import read_paragraph_tables
from backup_conformance.extract.alibaba_responses import build_response
from backup_conformance.extract.alibaba_samples import read_examples
from backup_conformance.extract.alibaba_sections import AuthTable
from backup_conformance.extract.alibaba_tables import Row, build_parameter, is_known_type
from backup_conformance.extract.model import (
    Authorization,
    ErrorCode,
    Gap,
    Operation,
    Reference,
)
from backup_conformance.extract.page import Page

NO_PARAMETERS = re.compile(
    r"does not require (?:any )?request parameters|no request parameters", re.I
)
_PATTERN = re.compile(r"^(\*|acs:[^:]*:[^:]*:[^:]*:.+)$")
_ERROR_POINTER = re.compile(r"list of error codes|\bError Codes\b|error codes, (?:visit|see)")


def layout_of(page: Page) -> str | None:
    """``b``, ``c`` or ``d`` from the page's table markup, or None."""
    texts = [line.strip() for line in page.lines]
    if any(t.startswith("## ") for t in texts) and any(
        t.lower().strip("*") == "type" for t in texts
    ):
        return "c"
    if sum(t.endswith(" |") for t in texts) >= 5:
        return "b"
    if any(re.match(r"^Parameter\s+Type\s+", t) for t in texts):
        return "d"
    return None


def read_tables(page: Page, layout: str) -> list[CellTable]:
    if layout == "b":
        return read_pipe_tables(page)
    if layout == "d":
        return read_line_tables(page)
    headings = [n for n, t in page.numbered() if t.startswith("## ")] + [len(page) + 1]
    tables: list[CellTable] = []
    for start, stop in zip([1, *headings[:-1]], headings, strict=True):
        tables += read_paragraph_tables(page, start, stop - 1)
    return tables


def ram_actions(tables: list[CellTable]) -> list[tuple[int, str]]:
    return [
        (row[0][0][0], _text(row[0]))
        for t in tables
        if t.kind == "auth"
        for row in t.rows
        if row and row[0]
    ]


def extract_generic(
    page: Page, layout: str, tables: list[CellTable], who: Identity, api_id: str, service: str
) -> Operation:
    """The operation of a layout-b/c/d page whose identity is settled."""
    gaps: list[Gap] = []
    op = Operation(
        api_id=api_id,
        family="alibaba-rpc",
        service=service,
        title=who.title or str(who.action),
        summary=_summary(page),
        page=page.name,
        title_source=page.source(who.action_line),
        action=who.action,
        version=who.version,
        gaps=gaps,
    )
    op.description = {"c": _description, "b": _lead_text}.get(layout, _none)(page, tables)
    request = _first(tables, "request")
    response = _first(tables, "response")
    if request is None:
        hint = page.find(NO_PARAMETERS)
        if hint is None:
            raise page.error(
                page.last_line(),
                "a request-parameter table (columns Parameter, Type, "
                "Required, Description) or a statement that there are none",
            )
        rows: list[Row] = []
    else:
        rows = [
            row
            for row in (_row(page, request, cells, gaps) for cells in request.rows)
            if row.name != "Action"
        ]
        if not request.rows and page.find(NO_PARAMETERS) is None:
            gaps.append(
                Gap(
                    "request table: header only, no rows and no statement that there "
                    "are none (page cut short?)",
                    page.source(request.header_line),
                )
            )
    op.parameters = [build_parameter(page, row, gaps) for row in rows]
    op.examples = read_examples(page, response.end if response else 1, gaps)
    successes = [e for e in op.examples if e.kind == "response" and e.status == 200]
    response_rows = _response_rows(page, response, gaps)
    built, nesting = build_response(page, response_rows, [e.body for e in successes], gaps)
    op.responses = [built]
    auth = _authorization(page, _first(tables, "auth"), gaps)
    op.authorization = auth.rows
    op.error_codes = _error_codes(page, _first(tables, "errors"), gaps)
    op.references = _error_pointers(page, tables)
    if not op.error_codes and not op.references:
        gaps.append(
            Gap(
                "error codes: the page lists none and points to no error-code list",
                page.source(page.last_line()),
            )
        )
    by_line = {row.line: row for row in response_rows}
    op.anomalies = [
        *parameter_anomalies(page, rows, op.parameters),
        *success_sample_anomalies(page, successes, built.fields, by_line),
        *sample_anomalies(page, successes, built.fields, by_line),
        *nesting,
        *access_level_anomalies(page, auth),
    ]
    op.notes = [
        f"layout {layout}: {_LAYOUTS[layout]}",
        *who.notes,
        "method/path: none, RPC style (Action is a query parameter; HTTP method not stated)",
        "response status 200: the page does not state it; the RPC success convention",
    ]
    return op


_LAYOUTS = {
    "b": "table cells separated by ' |'",
    "c": "markdown of the help page, one paragraph per cell",
    "d": "legacy page, one line per row with descriptions below",
}


def _none(page: Page, tables: list[CellTable]) -> str:
    return ""  # layout d: the text before the tables is the Explorer's boilerplate


def _description(page: Page, tables: list[CellTable]) -> str:
    """The text of a markdown ``## ... description`` section (the operation's usage notes)."""
    start = page.find(re.compile(r"^## .*description", re.I))
    if start is None:
        return ""
    end = page.find(re.compile(r"^## "), start + 1) or page.last_line() + 1
    lines = [clean(t) for _, t in page.numbered(start + 1, end - 1)]
    return "\n".join(t for t in lines if t)


def _lead_text(page: Page, tables: list[CellTable]) -> str:
    """Layout b: the sentences between the summary and the first table (headings and
    button labels, short lines without a full stop, are left out)."""
    first_table = min((t.header_line for t in tables), default=page.last_line())
    lines = [t.strip() for n, t in page.numbered(1, first_table - 1) if not t.startswith("# ")]
    sentences = [t for t in lines if t.endswith(".") or len(t.split()) >= 6]
    return "\n".join(sentences[1:])  # the first is the summary


def _first(tables: list[CellTable], kind: str) -> CellTable | None:
    return next((t for t in tables if t.kind == kind), None)


def _text(cell: Cell) -> str:
    return " ".join(t for _, t in cell).strip()


def _summary(page: Page) -> str:
    for _, text in page.numbered():
        if text.strip() and not text.startswith("# source:"):
            return text.strip()
    return ""


def _row(page: Page, table: CellTable, cells: list[Cell], gaps: list[Gap]) -> Row:
    col = {name: cells[i] if i < len(cells) else [] for i, name in enumerate(table.columns)}
    name_cell = cells[0] if cells else []
    type_cell = col.get("type", [])
    if not type_cell and is_known_type(_text(name_cell).lower()):
        name_cell, type_cell = [], name_cell  # the bare root row: '| | object | | |'
        cells = [[], *cells[1:]]
    line = (name_cell or type_cell or [(table.header_line, "")])[0][0]
    if len(cells) < len(table.columns):
        gaps.append(
            Gap(
                f"{table.kind} table: a row of {len(cells)} cells "
                f"(the header has {len(table.columns)})",
                page.source(line),
            )
        )
    doc_type = _text(type_cell).lower().replace(" ", "")
    if not is_known_type(doc_type):
        gaps.append(
            Gap(
                f"{table.kind} field {_text(name_cell)!r}: type {doc_type!r} not in the "
                "Alibaba type vocabulary; read as string",
                page.source(line),
            )
        )
        doc_type = "string"
    required = _text(col.get("required", []))
    example = col.get("example", [])
    return Row(
        line=line,
        name=_text(name_cell),
        doc_type=doc_type,
        required=None if not required else required.lower() == "yes",
        description=list(col.get("description", [])),
        example=(example[0][0], _text(example)) if example else None,
    )


def _response_rows(page: Page, table: CellTable | None, gaps: list[Gap]) -> list[Row]:
    root = Row(
        line=table.header_line if table else 1,
        name="",
        doc_type="object",
        required=None,
        description=[],
        example=None,
    )
    if table is None:
        gaps.append(
            Gap(
                "response table: none on the page; the response body is undocumented",
                page.source(page.last_line()),
            )
        )
        return [root]
    rows = [_row(page, table, cells, gaps) for cells in table.rows]
    if not rows or rows[0].name or rows[0].doc_type != "object":
        rows.insert(0, root)  # layout d has no root row
    if len(rows) == 1:
        gaps.append(Gap("response table: no field rows", page.source(table.header_line)))
    return rows


def _authorization(page: Page, table: CellTable | None, gaps: list[Gap]) -> AuthTable:
    auth = AuthTable()
    stated = page.find(re.compile(r"The levels are [^.]+\."))
    if stated is not None:
        phrase = re.search(r"The levels are ([^.]+)\.", page.line(stated))
        assert phrase is not None
        auth.stated_levels = re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase.group(1))
        auth.stated_line = stated
    rows = table.rows if table else []
    for cells in rows:
        if len(cells) < 2 or not cells[0]:
            continue
        item = Authorization(_text(cells[0]), _text(cells[1]).lower(), page.source(cells[0][0][0]))
        for _, text in cells[2] if len(cells) > 2 else []:
            bare = text.lstrip("•").strip()
            (item.resource_patterns if _PATTERN.match(bare) else item.resource_types).append(
                bare.lstrip("*").strip() if not _PATTERN.match(bare) else bare
            )
        for index, target in ((3, item.condition_keys), (4, item.associated_operations)):
            value = _text(cells[index]) if len(cells) > index else ""
            target.extend([] if value.lower() in ("", "none") else [value])
        auth.rows.append(item)
    if not auth.rows:
        said = page.find(re.compile(r"\bno authorization\b", re.I))
        gaps.append(
            Gap(
                "authorization: no RAM action table on the page",
                page.source(said or page.last_line()),
            )
        )
    return auth


def _error_codes(page: Page, table: CellTable | None, gaps: list[Gap]) -> list[ErrorCode]:
    codes: list[ErrorCode] = []
    if table is None:
        return codes
    width = len(table.columns)
    for cells in table.rows:
        status = _text(cells[0]) if cells else ""
        line = cells[0][0][0] if cells and cells[0] else table.header_line
        if not re.fullmatch(r"[1-5]\d\d", status) or len(cells) < 3:
            gaps.append(Gap(f"error table: row not read ({len(cells)} cells)", page.source(line)))
            continue
        if len(cells) < width:
            what = f"errors table: a row of {len(cells)} cells (the header has {width})"
            gaps.append(Gap(what, page.source(line)))
        description = _text(cells[3]) if len(cells) > 3 else ""
        codes.append(
            ErrorCode(
                _text(cells[1]),
                _text(cells[2]),
                page.source(line),
                int(status),
                "" if description in ("-", "") else description,
            )
        )
    if not table.rows:
        gaps.append(
            Gap(
                "error table: header only, no rows (page cut short?)",
                page.source(table.header_line),
            )
        )
    return codes


def _error_pointers(page: Page, tables: list[CellTable]) -> list[Reference]:
    inside = {n for t in tables for row in t.rows for cell in row for n, _ in cell}
    return [
        Reference("error-codes", text.strip(), page.source(n))
        for n, text in page.numbered()
        if n not in inside and _ERROR_POINTER.search(text) and len(text.split()) > 3
    ]
