"""What the documents let a response be, per API and strictness, each with its source.

This is the single place where page facts and the vendor-common layer are combined, so every
check applies the same reading of the documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.checks.case import Observed
from backup_conformance.checks.registry import layers_for
from backup_conformance.contracts import Contract


@dataclass(frozen=True)
class Allowed:
    """A set of allowed values and the documents behind it; ``tables`` are the tables that
    close the set (a value none of them lists is refused), for the evidence table."""

    values: frozenset[Any]
    source: str
    tables: tuple[str, ...] = ()


def vendor_level(strictness: str) -> bool:
    return "vendor-common" in layers_for(strictness)


def business_failure(contract: Contract, observed: Observed) -> bool:
    """HTTP 200 with ``"Success": false``: how an Alibaba page says a call failed (the Success
    row of its response table)."""
    if contract.family != "alibaba-rpc" or observed.status != 200 or observed.json_error:
        return False
    body = observed.json
    return isinstance(body, dict) and body.get("Success") is False


def success_statuses(contract: Contract) -> Allowed:
    """The page's 2xx at every level: a service-wide appendix (e.g. VBS's 204 for DELETE) does
    not widen what the operation's own page documents (ANOMALIES.md, 002:69-71)."""
    status = contract.success_status
    response = contract.responses[str(status)]
    return Allowed(frozenset({status}), str(response.get("x-source", contract.page)))


def rejection_statuses(contract: Contract, strictness: str) -> Allowed | None:
    """The closed set of 4xx statuses documented for this API, or None when no document closes
    it (then any 4xx is a documented rejection).

    A page's status-code table enumerates its abnormal statuses; an Alibaba error-code table
    does not (it points to the service's full list), so it never closes the set.
    """
    page = {s["status"]: s["x-source"] for s in contract.operation.get("x-status-codes", [])
            if s["kind"] == "abnormal" and 400 <= s["status"] < 500}
    if page:
        return Allowed(frozenset(page), f"{contract.page} status codes ({_lines(page)})",
                       (contract.page,))
    if vendor_level(strictness):
        table = contract.vendor_common.get("status_codes", {}).get(contract.service, [])
        codes = {r["status"]: r["source"] for r in table if 400 <= r["status"] < 500}
        if codes:
            return Allowed(frozenset(codes), f"vendor status codes ({_lines(codes)})",
                           tuple(sorted({s.rsplit(":", 1)[0] for s in codes.values()})))
    return None


def _lines(rows: Mapping[int, str]) -> str:
    first = sorted(rows.items())
    file = first[0][1].rsplit(":", 1)[0]
    return f"{file}:{min(int(s.rsplit(':', 1)[1]) for _, s in first)}ff"


def error_envelope(contract: Contract) -> tuple[Mapping[str, Any], str]:
    """The vendor's error body schema and its source."""
    common = contract.vendor_common
    if contract.family == "alibaba-rpc":
        envelope = common["error_envelope"]
        return envelope["schema"], envelope["source"]
    envelope = common["error_envelope"]
    sources = ", ".join(f["source"] for f in envelope["fields"])
    return envelope["schema"], sources


def error_code_of(contract: Contract, body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    key = "Code" if contract.family == "alibaba-rpc" else "error_code"
    code = body.get(key)
    return code if isinstance(code, str) else None


def documented_codes(contract: Contract, status: int, strictness: str) -> Allowed | None:
    """Error codes documented for ``status`` by tables that are complete, or None.

    A table cut short proves nothing about a code it lacks, so only complete tables close the
    set at 'vendor'; at 'strict' every table counts.
    """
    if not vendor_level(strictness):
        return None
    common = contract.vendor_common
    complete = {t["file"]: t["complete"] for t in common.get("error_tables", [])}
    rows = common.get("error_codes", [])
    if isinstance(rows, dict):
        rows = rows.get(contract.service, [])
    rows = rows + [{**e, "source": e["x-source"]} for e in contract.error_codes]
    usable = [r for r in rows if r.get("status") == status and (
        strictness == "strict" or complete.get(r["source"].rsplit(":", 1)[0], False)
    )]
    if not usable:
        return None
    if strictness == "strict":
        usable += [{"code": code, "source": f"{contract.page}: a response field example"}
                   for code in _page_example_strings(contract)]
    gateway = common.get("gateway_error_codes", {})
    codes = frozenset(r["code"] for r in usable) | frozenset(
        r["code"] for r in gateway.get("codes", []) if r["status"] == status)
    files = sorted({r["source"].rsplit(":", 1)[0] for r in usable})
    return Allowed(codes, ", ".join(files + (["API Gateway error codes"] if gateway else [])),
                   tuple(files))


def _page_example_strings(contract: Contract) -> set[str]:
    """String values the page shows as response-field examples (e.g. DBS ``ErrCode:
    Param.NotFound``): codes the page itself names, though it ties them to no status."""
    found: set[str] = set()

    def walk(fields: list[Mapping[str, Any]]) -> None:
        for f in fields:
            if isinstance(f.get("example"), str):
                found.add(f["example"])
            walk(f.get("children", []))

    for response in contract.facts.get("responses", []):
        walk(response.get("fields", []))
    return found
