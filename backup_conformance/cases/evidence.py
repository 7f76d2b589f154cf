"""Evidence derivers of the sequence checks whose facts live in the suites' data.

The lifecycle checks rest on the page lines ``lifecycles.json`` cites; the auth checks on the
vendor codes ``auth.json`` names (through ``AuthVariant.accepted``, exactly as the auth suite
judges). An auth code closes a set (another code fails), so its table state is the weakest of
the held vendor tables that list it, and ``not-held`` when none does. Importing this module
registers the derivers (``backup_conformance.checks.evidence``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from backup_conformance.cases.auth import ANY_CODE, AuthVariant, variants
from backup_conformance.cases.lifecycle import behaviours, lifecycles
from backup_conformance.checks.evidence import Deriver, Evidence, derives, table_state
from backup_conformance.checks.expectations import success_statuses
from backup_conformance.checks.registry import registered
from backup_conformance.contracts import Catalogue, Contract

_STATE_ORDER = ("not-held", "truncated", "complete")


def _lifecycle_deriver(behaviour: str) -> Deriver:
    def derive(contract: Contract, strictness: str) -> Iterator[Evidence]:
        catalogue = cast(Catalogue, {contract.api_id: contract})
        for lifecycle in lifecycles(catalogue, behaviour):
            for citation in lifecycle.citations:
                yield Evidence(f"{lifecycle.reading} ('{citation.quote}')", citation.line)
    return derive


def _auth_deriver(variant: AuthVariant) -> Deriver:
    def derive(contract: Contract, strictness: str) -> Iterator[Evidence]:
        if variant.name == "valid":
            allowed = success_statuses(contract)
            yield Evidence(f"a validly signed call succeeds ({sorted(allowed.values)})",
                           allowed.source)
            return
        accepted = variant.accepted(contract.family, strictness)
        contested = _contested(variant, contract.family, accepted)
        for code, statuses in sorted(accepted.items()):
            if code == ANY_CODE:
                yield Evidence(f"refused with {'/'.join(map(str, sorted(statuses)))} and any "
                               "vendor code", variant.source(contract.family),
                               contested=contested)
                continue
            yield Evidence(f"refused with {code} {'/'.join(map(str, sorted(statuses)))}",
                           variant.source(contract.family), _code_table(contract, code),
                           contested)
    return derive


def _contested(variant: AuthVariant, family: str,
               accepted: Mapping[str, frozenset[int]]) -> tuple[str, ...]:
    """Sources giving a status the check refuses at this level (it picks between them)."""
    allowed = set().union(*accepted.values()) if accepted else set()
    return tuple(c["source"] for row in variant.rejections(family)
                 for c in row.get("contested", []) if int(c["status"]) not in allowed)


def _code_table(contract: Contract, code: str) -> str:
    rows: Any = contract.vendor_common.get("error_codes", [])
    if isinstance(rows, dict):
        rows = rows.get(contract.service, [])
    states = {table_state(contract, r["source"]) for r in rows if r.get("code") == code}
    return next((s for s in _STATE_ORDER if s in states), "not-held")


for _behaviour in behaviours():
    if _behaviour in registered():  # "repeat-conforms" is judged by the response checks
        derives(_behaviour)(_lifecycle_deriver(_behaviour))
for _variant in variants():
    derives(_variant.check)(_auth_deriver(_variant))
