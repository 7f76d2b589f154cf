"""Per-example release: a property test holds one example's resources at a time (flat memory,
and a live account never holds hundreds of them), and teardown failures are not lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import strategies as st

from backup_conformance.cases.judging import run_examples
from backup_conformance.cases.valid import binding
from backup_conformance.contracts import load_catalogue
from backup_conformance.runtime import Run, RunOptions
from backup_conformance.targets import ProviderError

CATALOGUE = load_catalogue()
CONTRACT = CATALOGUE["dbs.StopBackupPlan"]


@pytest.fixture
def run() -> Iterator[Run]:
    running = Run(RunOptions(), CATALOGUE)
    yield running
    running.close()


def _obtain(run: Run) -> dict:
    bound = binding(CONTRACT)
    return run.obtain(bound.state, dict(bound.state_params))


def test_each_example_releases_its_own_resources(run: Run) -> None:
    assert run.ledger is not None
    held: list[int] = []
    mark = run.mark()

    def body(_: int) -> None:
        _obtain(run)
        _obtain(run)
        held.append(len(run.ledger.live))

    run_examples(st.integers(0, 1000), body, scope=run.each_example)  # the active profile
    assert len(held) > 1 and set(held) == {2}  # never more than one example's two
    assert run.ledger.live == [] and run.ledger.obtained == 2 * len(held)
    assert run.release(mark) == []


def test_without_a_scope_resources_pile_up_until_the_test_ends(run: Run) -> None:
    """The contrast that shows the scope is what releases them."""
    assert run.ledger is not None
    held: list[int] = []

    def body(_: int) -> None:
        _obtain(run)
        held.append(len(run.ledger.live))

    run_examples(st.integers(0, 1000), body)
    assert held == list(range(1, len(held) + 1)) and len(held) > 1


def test_an_example_teardown_failure_surfaces_at_release(run: Run,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert run.ledger is not None

    def refuse(*_: object) -> None:
        raise ProviderError("teardown refused")

    monkeypatch.setattr(run.ledger.provider, "teardown", refuse)
    mark = run.mark()
    with run.each_example():
        _obtain(run)
    failures = run.release(mark)
    assert len(failures) == 1 and "teardown refused" in failures[0]
    assert run.release(mark) == []  # reported once
    monkeypatch.undo()


def test_observers_see_every_exchange_the_run_sends(run: Run) -> None:
    """``Run.on_exchange``: how the reports see exchanges (allure attachments) without
    replacing ``run.send``; an observer added later sees only what follows."""
    from backup_conformance.cases.valid import valid_params

    early: list[object] = []
    late: list[object] = []
    run.on_exchange(early.append)
    params, _ = valid_params(CONTRACT, run.obtain)
    first = run.send(CONTRACT, params)
    run.on_exchange(late.append)
    second = run.send(CONTRACT, params)
    assert early == [first, second] and late == [second]
