"""``snapshot verify``: replay a snapshot's calls against another target and classify every
difference between its answers and the recording's.

Each case obtains its provider states anew, substitutes the new ids and fresh values for the
recorded references, and sends the same calls, signed as any run signs. Per call:

- **match**: no difference after normalisation (and the paths-to-ignore list);
- **divergence**: the replay breaks a check the recording passes (the suite's checks at the
  chosen strictness): the recording and the contract agree, the new target departs;
- **free choice**: both answers conform, yet differ (an id format, a legal error code);
- **recording violates the contract**: the recording itself fails a check (the recorded
  service departs from its documents: worth a doc anomaly), whatever the replay answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.contracts import Catalogue, Contract
from backup_conformance.runtime import NotRunnable, Run
from backup_conformance.snapshot import normalise
from backup_conformance.snapshot.conformance import observed, violations
from backup_conformance.snapshot.diff import Difference, differences
from backup_conformance.snapshot.scope import CaseScope
from backup_conformance.snapshot.store import IgnoreList, SnapshotError
from backup_conformance.targets import TargetError

MATCH, FREE, DIVERGENCE, RECORDING = (
    "match", "free-choice", "divergence", "recording-violates-contract")


@dataclass
class CallResult:
    """The verdict on one replayed call."""

    api_id: str
    case: str
    call: int
    kind: str | None
    category: str
    differences: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    replay_failures: list[dict[str, str]] = field(default_factory=list)
    recording_violations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"api_id": self.api_id, "call": self.call, "case": self.case,
                "category": self.category, "differences": self.differences,
                "ignored": self.ignored, "kind": self.kind,
                "recording_violations": self.recording_violations,
                "replay_failures": self.replay_failures}


def verify(run: Run, catalogue: Catalogue, documents: Mapping[str, Mapping[str, Any]],
           ignore: IgnoreList) -> list[CallResult]:
    """Replay every case of ``documents`` (APIs outside ``catalogue`` are left out)."""
    results: list[CallResult] = []
    for api_id, document in sorted(documents.items()):
        if api_id not in run.catalogue:
            raise SnapshotError(f"{api_id}.snapshot.json: unknown API id {api_id!r}")
        if api_id not in catalogue:
            continue  # narrowed out with --api
        for case in document["cases"]:
            results += replay_case(run, catalogue[api_id], case, run.strictness, ignore)
    return results


def replay_case(run: Run, contract: Contract, case: Mapping[str, Any], strictness: str,
                ignore: IgnoreList) -> list[CallResult]:
    refs = normalise.References()
    with CaseScope(run) as scope:
        try:
            for state in case["states"]:
                refs.add_state(scope.obtain(state["state"], state.get("params", {})))
            refs.renew(case["fresh"])
            example = case["family"] == "example"
            results = []
            for i, call in enumerate(case["calls"], start=1):
                if call.get("release_first"):
                    scope.release()
                results.append(_replay_call(run, contract, case["id"], i, call, refs,
                                            strictness, ignore, example))
            return results
        except normalise.UnknownReference as exc:
            problem = f"the replay's provider states return no value for ${{{exc.args[0]}}}"
            return [CallResult(contract.api_id, case["id"], 0, None, DIVERGENCE, [
                {"path": "states", "description": f"states: {problem}", "recorded": None,
                 "replayed": None}])]


def _replay_call(run: Run, contract: Contract, case_id: str, number: int,
                 call: Mapping[str, Any], refs: normalise.References, strictness: str,
                 ignore: IgnoreList, example: bool) -> CallResult:
    kind = call["kind"]
    result = CallResult(contract.api_id, case_id, number, kind, MATCH)
    try:
        exchange = run.send(contract, refs.from_refs(call["params"]))
    except (TargetError, NotRunnable) as exc:
        replayed: dict[str, Any] = {"status": None, "headers": {}, "body": None}
        result.replay_failures = [{"check": "target-response", "title": str(exc)}]
    else:
        replayed = normalise.response(exchange, refs)
        result.replay_failures = [
            {"check": f.check, "title": f.title, "received": str(f.received)[:300],
             "documented": str(f.documented)[:300], "source": f.source}
            for f in violations(contract, kind, strictness, observed(exchange), example)]
    result.recording_violations = list(call["violations"].get(strictness, []))
    for difference in differences(call["response"], replayed):
        reason = ignore.reason(contract.api_id, difference.path)
        if reason is None:
            result.differences.append(difference.as_dict())
        else:
            result.ignored.append({**difference.as_dict(), "reason": reason})
    result.category = classify(result)
    return result


def classify(result: CallResult) -> str:
    """The category of a replayed call (see the module doc), the recording judged first."""
    if result.recording_violations:
        return RECORDING
    if result.replay_failures:
        return DIVERGENCE
    return FREE if result.differences else MATCH


__all__ = ["CallResult", "Difference", "verify", "classify",
           "MATCH", "FREE", "DIVERGENCE", "RECORDING"]
