"""Run every check a strictness level activates on one exchange, collecting all failures."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.failures import CheckFailure, CheckFailures
from backup_conformance.checks.registry import CheckSpec, layers_for, registered


def active_checks(strictness: str, only: Iterable[str] | None = None,
                  scope: str = "response") -> list[CheckSpec]:
    """The checks of ``scope`` judged at ``strictness`` (optionally only those in ``only``)."""
    layers = layers_for(strictness)
    chosen = set(only) if only is not None else None
    specs = [s for s in registered().values() if s.layer in layers and s.scope == scope]
    return [s for s in specs if chosen is None or s.name in chosen]


def failures(case: Case, observed: Observed, only: Iterable[str] | None = None) -> list[
    CheckFailure
]:
    found = []
    for spec in active_checks(case.strictness, only):
        try:
            spec.run(case, observed)
        except CheckFailure as failure:
            found.append(failure)
    return found


Repro = str | Callable[[], str]


def judge(case: Case, observed: Observed, *, repro: Repro = "",
          only: Iterable[str] | None = None) -> None:
    """Raise ``CheckFailure`` (one) or ``CheckFailures`` (several) when the response breaks
    a documented point; return quietly when it conforms.

    ``repro`` may be a callable: the (redacted) reproduction is then built only on failure,
    not for every conforming answer."""
    found = failures(case, observed, only)
    if not found:
        return
    command = repro() if callable(repro) else repro
    found = [f.with_context(case.contract.api_id, command) for f in found]
    if len(found) == 1:
        raise found[0]
    if found:
        raise CheckFailures(found)


def judge_sequence(name: str, case: Case, observed: object, *, repro: str = "") -> None:
    """Run sequence check ``name`` when the run's strictness activates its layer."""
    spec = registered()[name]
    if spec.scope != "sequence":
        raise ValueError(f"{name!r} is a {spec.scope} check, not a sequence check")
    if spec.layer not in layers_for(case.strictness):
        return
    try:
        spec.run(case, observed)
    except CheckFailure as failure:
        raise failure.with_context(case.contract.api_id, repro) from None
