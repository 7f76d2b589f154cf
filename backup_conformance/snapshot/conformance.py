"""Conformance of one answer, by the suite's own checks: a snapshot judges nothing itself."""

from __future__ import annotations

from backup_conformance.cases.examples import samples
from backup_conformance.cases.judging import kind_independent
from backup_conformance.checks import Case, CheckFailure, Observed, failures, judge_sequence
from backup_conformance.checks.example_checks import SampleReplay
from backup_conformance.contracts import Contract
from backup_conformance.targets import Exchange


def observed(exchange: Exchange) -> Observed | None:
    """The redacted answer as checks see it (None: nothing whole was received)."""
    received = exchange.redacted().response
    if received is None or exchange.failure:
        return None
    return Observed(received.status, dict(received.headers), received.body)


def violations(contract: Contract, kind: str | None, strictness: str,
               seen: Observed | None, example: bool = False) -> list[CheckFailure]:
    """The checks ``seen`` fails as an answer of ``kind`` (None: a call no document settles,
    so only the checks failing whatever the kind count, as in the suites); the answer to a
    replayed doc example is also held to the page's sample responses (``sample-shape``)."""
    if seen is None:
        return [CheckFailure("target-response", "The target's answer could not be read whole",
                             received="no complete response", documented="an HTTP response",
                             source="HTTP/1.1", layer="page", api_id=contract.api_id)]
    if kind is not None:
        found = failures(Case(contract, kind, strictness), seen)
        for sample in samples(contract) if example else []:
            try:
                judge_sequence("sample-shape", Case(contract, kind, strictness),
                               SampleReplay(seen, sample))
            except CheckFailure as failure:
                found.append(failure)
        return found
    only = kind_independent(contract, strictness, seen)
    return failures(Case(contract, "negative", strictness), seen, only=only) if only else []
