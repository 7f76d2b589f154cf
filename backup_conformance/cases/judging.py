"""Shared verdict plumbing of the suites: one report per exchange, property runs that stop on
target trouble instead of shrinking it, and the kind-independent checks of an unsure case."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from backup_conformance.cases.running import CaseRun, NotRunnable, observe
from backup_conformance.checks import (
    CASE_KINDS,
    Case,
    CheckFailure,
    CheckFailures,
    Observed,
    failures,
)
from backup_conformance.contracts import Contract
from backup_conformance.targets import Exchange, TargetError

T = TypeVar("T")
Extra = Callable[[Observed], None]


def ends_run(exc: BaseException) -> bool:
    """Trouble that says nothing about the generated input: the test cannot run here, the
    transport failed, or the answer could not be read whole. Shrinking it would only repeat
    the same timeout or broken answer dozens of times."""
    return isinstance(exc, (NotRunnable, TargetError)) or (
        isinstance(exc, CheckFailure) and exc.check == "target-response")


def run_examples(strategy: st.SearchStrategy[T], body: Callable[[T], None], *,
                 shrink: bool = True,
                 scope: Callable[[], AbstractContextManager[Any]] | None = None,
                 suppress: tuple[HealthCheck, ...] = (),
                 max_examples: int | None = None) -> None:
    """Run ``body`` on examples of ``strategy`` under the active hypothesis profile.

    Conformance failures are shrunk unless ``shrink`` is false, and one failure is reported
    per test (``report_multiple_bugs=False`` keeps a report readable). Trouble for which
    ``ends_run`` holds ends the run at once and is re-raised as is, so a target without
    resources is "not run" once, and a hanging target costs one timeout, not one per example.
    ``scope`` wraps each example (``Run.each_example``: its resources are released as it ends).
    ``suppress``: health checks that say nothing about the target (a generator that filters
    much of what it draws, as schemathesis' negative mode does for string-only operations).
    ``max_examples``: fewer examples than the profile asks (a sample), never more.
    """
    stopped: list[BaseException] = []
    active = settings.default or settings()
    phases = [p for p in active.phases if shrink or p is not Phase.shrink]
    examples_wanted = min(active.max_examples, max_examples or active.max_examples)

    @settings(report_multiple_bugs=False, phases=phases, max_examples=examples_wanted,
              suppress_health_check=[*active.suppress_health_check, *suppress])
    @given(strategy)
    def examples(value: T) -> None:
        if stopped:
            return
        try:
            with scope() if scope is not None else nullcontext():
                body(value)
        except Exception as exc:
            if not ends_run(exc):
                raise
            stopped.append(exc)

    examples()
    if stopped:
        raise stopped[0]


def kind_independent(contract: Contract, strictness: str, observed: Observed) -> tuple[str, ...]:
    """Names of the checks that fail on ``observed`` whatever kind of case it answered.

    For a request whose kind cannot be settled (a generated case that may or may not break the
    contract), only these are a verdict; a check that passes for some kind is no evidence.
    """
    per_kind = [{f.check for f in failures(Case(contract, kind, strictness), observed)}
                for kind in CASE_KINDS]
    return tuple(sorted(set.intersection(*per_kind)))


def judge_all(run: CaseRun, contract: Contract, kind: str | None, exchange: Exchange, *,
              extra: Iterable[Extra] = ()) -> Observed:
    """``run.judge`` for ``kind`` (None: only the kind-independent checks), then each ``extra``
    check on the same answer; every failure is reported together."""
    observed = observe(exchange)  # an unreadable answer fails here, alone
    found: list[CheckFailure] = []
    only = None if kind is not None else kind_independent(contract, run.strictness, observed)
    if only != ():
        try:
            run.judge(contract, kind or "negative", exchange, only=only)
        except CheckFailures as exc:
            found += exc.failures
        except CheckFailure as exc:
            found.append(exc)
    for check in extra:
        try:
            check(observed)
        except CheckFailures as exc:
            found += exc.failures
        except CheckFailure as exc:
            found.append(exc)
    if len(found) == 1:
        raise found[0]
    if found:
        raise CheckFailures(found)
    return observed
