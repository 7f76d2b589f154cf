"""Evidence derivers of the checks in ``response_checks`` and ``example_checks``.

Each reads what its check reads (through ``expectations`` where the check does), so the
evidence table says what the code judges with. The sequence checks' evidence lives in the
suites' data and is derived beside it (``cases/evidence.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from backup_conformance.checks.evidence import Evidence, derives, page_table_state, table_state
from backup_conformance.checks.expectations import (
    documented_codes,
    error_envelope,
    rejection_statuses,
    success_statuses,
)
from backup_conformance.checks.response_checks import _CONDITIONAL, _requirement_source, _sample
from backup_conformance.contracts import Contract

_ALIBABA = "alibaba-rpc"


@derives("success-status")
def _success_status(contract: Contract, strictness: str) -> Iterator[Evidence]:
    allowed = success_statuses(contract)
    overridden = [s for conflict in contract.vendor_common.get("page_conflicts", [])
                  if conflict["api_id"] == contract.api_id
                  for s in conflict["sources"] if not s.startswith(contract.page)]
    yield Evidence(f"a valid request gets {sorted(allowed.values)}", allowed.source,
                   overrides=tuple(overridden))


@derives("rejects-invalid")
def _rejects_invalid(contract: Contract, strictness: str) -> Iterator[Evidence]:
    yield Evidence("a request the page makes invalid, or the resource's state forbids, is "
                   "refused", _requirement_source(contract))
    if contract.family == _ALIBABA and strictness != "docs":
        yield Evidence("an invalid parameter is refused with a 4xx, not HTTP 200 with "
                       "Success=false", contract.vendor_common["error_envelope"]["source"])


@derives("documented-status")
def _documented_status(contract: Contract, strictness: str) -> Iterator[Evidence]:
    allowed = rejection_statuses(contract, strictness)
    if allowed is None:
        yield Evidence("any 4xx (no document closes the set of error statuses)",
                       f"{contract.page}: no status-code table")
        return
    states = [_page_table(contract, t, "status codes") for t in allowed.tables]
    yield Evidence(f"an error status is one of {sorted(allowed.values)}", allowed.source,
                   _weakest(states))


@derives("documented-error-code")
def _documented_error_code(contract: Contract, strictness: str) -> Iterator[Evidence]:
    conflicts = contract.vendor_common.get("error_code_conflicts", [])
    statuses = {r.get("status") for r in _code_rows(contract)}
    for status in sorted(s for s in statuses if isinstance(s, int) and s >= 400):
        allowed = documented_codes(contract, status, strictness)
        if allowed is None:
            continue
        states = [_page_table(contract, t, "error codes") for t in allowed.tables]
        # contested: a code the sources tie to this status too, which the check refuses here
        contested = tuple(s for c in conflicts if status in c["statuses"]
                          and c["code"] not in allowed.values for s in c["sources"])
        yield Evidence(f"a {status} carries one of {len(allowed.values)} documented codes "
                       "(auth rejections excepted: the auth checks judge theirs)",
                       allowed.source, _weakest(states), contested)


def _code_rows(contract: Contract) -> list[Mapping[str, Any]]:
    rows = contract.vendor_common.get("error_codes", [])
    if isinstance(rows, dict):
        rows = rows.get(contract.service, [])
    return [*rows, *contract.error_codes]


def _page_table(contract: Contract, file: str, kind: str) -> str:
    return page_table_state(kind) if file == contract.page else table_state(contract, file)


def _weakest(states: list[str]) -> str:
    for state in ("not-held", "truncated", "complete"):
        if state in states:
            return state
    return ""


@derives("response-schema")
def _response_schema(contract: Contract, strictness: str) -> Iterator[Evidence]:
    schema = contract.response_schema(contract.success_status)
    if schema is None:
        return
    lines = sorted(int(str(row["x-source"]).rsplit(":", 1)[1])
                   for row in (schema.get("properties") or {}).values()
                   if str(row.get("x-source", "")).startswith(f"{contract.page}:"))
    where = str(schema.get("x-source", contract.page))
    if lines:
        span = str(lines[0]) if lines[0] == lines[-1] else f"{lines[0]}-{lines[-1]}"
        where = f"{contract.page}:{span}"
    yield Evidence("a success body matches the page's response table (field types)", where)


@derives("success-flag")
def _success_flag(contract: Contract, strictness: str) -> Iterator[Evidence]:
    row = (contract.response_schema(200) or {}).get("properties", {}).get("Success")
    if contract.family == _ALIBABA and row is not None:
        yield Evidence("a valid call answers Success=true", str(row.get("x-source",
                                                                        contract.page)))


@derives("success-fields")
def _success_fields(contract: Contract, strictness: str) -> Iterator[Evidence]:
    response = contract.responses.get(str(contract.success_status)) or {}
    media = (response.get("content") or {}).get("application/json") or {}
    properties = (media.get("schema") or {}).get("properties") or {}
    sample = _sample(media)
    for name in sorted(set(properties) & set(sample) - {"RequestId"}):
        if not _CONDITIONAL.search(str(properties[name].get("description", ""))):
            yield Evidence(f"a success body carries {name} (in the table and the sample)",
                           str(properties[name].get("x-source", contract.page)))


@derives("json-content-type")
def _json_content_type(contract: Contract, strictness: str) -> Iterator[Evidence]:
    yield Evidence("a body is served as application/json",
                   contract.vendor_common["content_type"]["source"])


@derives("error-envelope")
def _error_envelope(contract: Contract, strictness: str) -> Iterator[Evidence]:
    yield Evidence("an error body is the vendor's error envelope", error_envelope(contract)[1])


@derives("request-id")
def _request_id(contract: Contract, strictness: str) -> Iterator[Evidence]:
    common = contract.vendor_common
    if contract.family == _ALIBABA:
        yield Evidence("every body carries a RequestId", common["success_envelope"]["source"])
    else:
        yield Evidence("every response carries X-Request-Id", common["request_id"]["source"])


@derives("empty-body")
def _empty_body(contract: Contract, strictness: str) -> Iterator[Evidence]:
    for status, response in sorted(contract.responses.items()):
        if status.isdigit() and contract.response_has_no_body(int(status)):
            yield Evidence(f"a {status} documented as 'None' has no body (strict: no page says "
                           "an empty body is required)", str(response.get("x-source", "")))


@derives("sample-shape")
def _sample_shape(contract: Contract, strictness: str) -> Iterator[Evidence]:
    for sample in contract.examples:
        if sample.get("kind") == "response":
            yield Evidence("the answer has the keys and JSON types of the page's sample "
                           "(strict: no page says every sample key is always returned)",
                           f"{sample['source']['page']}:{sample['source']['line']}")
