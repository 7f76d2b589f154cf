"""Run every check a strictness level activates on one exchange, collecting all failures."""

from __future__ import annotations

from collections.abc import Iterable

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.failures import CheckFailure, CheckFailures
from backup_conformance.checks.registry import CheckSpec, layers_for, registered


def active_checks(strictness: str, only: Iterable[str] | None = None) -> list[CheckSpec]:
    """The checks judged at ``strictness`` (optionally narrowed to the names in ``only``)."""
    layers = layers_for(strictness)
    chosen = set(only) if only is not None else None
    specs = [s for s in registered().values() if s.layer in layers]
    return [s for s in specs if chosen is None or s.name in chosen]


def failures(case: Case, observed: Observed, only: Iterable[str] | None = None) -> list[
    CheckFailure
]:
    found = []
    for spec in active_checks(case.strictness, only):
        try:
            spec.function(case, observed)
        except CheckFailure as failure:
            found.append(failure)
    return found


def judge(case: Case, observed: Observed, *, repro: str = "",
          only: Iterable[str] | None = None) -> None:
    """Raise ``CheckFailure`` (one) or ``CheckFailures`` (several) when the response breaks
    a documented point; return quietly when it conforms."""
    found = [f.with_context(case.contract.api_id, repro) for f in failures(case, observed, only)]
    if len(found) == 1:
        raise found[0]
    if found:
        raise CheckFailures(found)
