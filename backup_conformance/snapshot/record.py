"""``snapshot record``: run the deterministic case set against a target and keep every exchange,
normalised, with the recording's own conformance verdict at each strictness level.

The verdict is taken here, from the answer as received (not from its normalised copy), by the
suite's checks; a verify later needs it to tell a free choice from a recording that departs
from its documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from backup_conformance.cases.lifecycle import lifecycles
from backup_conformance.cases.positive import rules
from backup_conformance.contracts import STRICTNESS_LEVELS, Catalogue, Contract
from backup_conformance.runtime import Run
from backup_conformance.signing import redact_url
from backup_conformance.snapshot import normalise
from backup_conformance.snapshot.cases import Call, ScriptedCase, case_set
from backup_conformance.snapshot.conformance import observed, violations
from backup_conformance.snapshot.scope import CaseScope
from backup_conformance.snapshot.store import ABOUT, FORMAT


def record(run: Run, catalogue: Catalogue, target: str) -> dict[str, dict[str, Any]]:
    """One snapshot document per API of ``catalogue``, recorded through ``run``."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    documents: dict[str, dict[str, Any]] = {api_id: {
        "about": ABOUT, "api_id": api_id, "cases": [], "format": FORMAT,
                          "recorded_at": stamp, "recorded_from": redact_url(target)}
                 for api_id in catalogue}
    for case in case_set(catalogue):
        documents[case.api_id]["cases"].append(
            record_case(run, catalogue[case.api_id], case, token_names(catalogue, case.api_id)))
    return documents


def token_names(catalogue: Catalogue, api_id: str) -> set[str]:
    """Parameters whose value must be fresh per request (``positive.json``, lifecycles)."""
    contract = catalogue[api_id]
    names = {str(rule["parameter"]) for rule in rules(contract).get("unique", [])}
    names |= {str(life.settings["parameter"]) for life in lifecycles(catalogue)
              if life.api_id == api_id and "parameter" in life.settings
              and life.behaviour == "client-token-idempotent"}
    return names


def record_case(run: Run, contract: Contract, case: ScriptedCase,
                tokens: set[str]) -> dict[str, Any]:
    """Build ``case`` on fresh resources, send its calls, and release the resources."""
    refs = normalise.References()
    states: list[dict[str, Any]] = []

    with CaseScope(run) as scope:
        def obtain(state: str, params: Mapping[str, Any]) -> dict[str, Any]:
            values = scope.obtain(state, params)
            states.append({"params": dict(params), "returned": refs.add_state(values),
                           "state": state})
            return values

        built: list[Call] = case.build(obtain)
        for call in built:
            normalise.name_fresh_values(refs, call.params, tokens)
        example = case.family == "example"
        calls = []
        for call in built:
            if call.release_first:
                scope.release()
            calls.append(_record_call(run, contract, call, refs, example))
    return {"calls": calls, "family": case.family, "fresh": dict(sorted(refs.fresh.items())),
            "id": case.id, "states": states}


def _record_call(run: Run, contract: Contract, call: Call, refs: normalise.References,
                 example: bool) -> dict[str, Any]:
    exchange = run.send(contract, call.params)
    seen = observed(exchange)
    return {
        "kind": call.kind,
        "params": refs.to_refs(call.params),
        "release_first": call.release_first,
        "request": normalise.request(exchange, refs),
        "response": normalise.response(exchange, refs),
        "violations": {level: sorted({f.check for f in violations(
            contract, call.kind, level, seen, example)}) for level in STRICTNESS_LEVELS},
    }
