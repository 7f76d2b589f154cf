"""Stateful lifecycles: a hypothesis state machine that keeps several resources alive at once
and advances their lifecycle scripts (``lifecycle_scripts``) in a generated interleaving.

Every resource comes from the run's ledger, which tears it down; every loop is bounded (a
lifecycle has a fixed number of steps; at most ``MAX_ALIVE`` resources per machine). The number
of examples comes from the active hypothesis profile (``ci``: small and deterministic).
"""

from __future__ import annotations

from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from backup_conformance.cases.lifecycle import Lifecycle
from backup_conformance.cases.lifecycle_scripts import SCRIPTS, Script
from backup_conformance.cases.running import CaseRun, NotRunnable
from backup_conformance.cases.valid import binding

MAX_ALIVE = 2  # resources a machine holds at once, beyond one per lifecycle under test
MAX_STEPS = 50  # rule steps per example, whatever the profile asks


class LifecycleMachine(RuleBasedStateMachine):
    """Several resources alive at once, their lifecycles advanced in a generated order."""

    def __init__(self, run: CaseRun, under_test: tuple[Lifecycle, ...]) -> None:
        super().__init__()
        self.run, self.under_test = run, under_test
        self.limit = MAX_ALIVE + len(under_test)
        self.alive: list[Script] = []
        self.started: list[Script] = []
        self.broken = False

    def _start(self, life: Lifecycle, data: st.DataObject) -> None:
        script = SCRIPTS[life.behaviour](self.run, life, data)
        self.alive.append(script)
        self.started.append(script)

    def _advance(self, script: Script) -> None:
        try:
            script.advance()
        except BaseException:
            self.broken = True  # teardown must not add a second failure to this one
            raise

    @initialize(data=st.data())
    def one_of_each(self, data: st.DataObject) -> None:
        """Every lifecycle under test starts at least once."""
        for life in self.under_test:
            self._start(life, data)

    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        """Obtain another resource (while fewer than the limit are alive) or advance one.

        One rule, not one per action behind preconditions: hypothesis' swarm testing turns
        rules off per example, and an example whose enabled rules all fail their
        preconditions is discarded after its calls were sent (at nightly, 60% of the
        examples run and 60% of the HTTP calls were such discards)."""
        if not self.alive or (len(self.alive) < self.limit
                              and data.draw(st.booleans(), label="obtain another")):
            self.obtain(data)
        else:
            self.step(data)

    def obtain(self, data: st.DataObject) -> None:
        chosen = data.draw(st.sampled_from([life.id for life in self.under_test]),
                           label="lifecycle")  # by id: a Lifecycle prints its whole contract
        self._start(next(life for life in self.under_test if life.id == chosen), data)

    def step(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.alive) - 1), label="resource")
        script = self.alive[index]
        self._advance(script)
        if script.done:
            self.alive.pop(index)

    def teardown(self) -> None:
        """Finish every started lifecycle, so each obtained resource's implication is judged
        (bounded: each has a fixed number of steps left), then release held resources."""
        try:
            if not self.broken:
                for script in self.alive:
                    while not script.done:
                        self._advance(script)
        finally:
            for script in self.started:
                script.release()


def run_lifecycles(run: CaseRun, under_test: tuple[Lifecycle, ...],
                   machine: type[LifecycleMachine] = LifecycleMachine) -> None:
    """Run one ``machine`` over ``under_test`` under the active hypothesis profile (no
    shrinking); ``NotRunnable`` when the target cannot obtain resources or this is a dry
    run. (``machine``: the benchmark times a variant against this one.)"""
    if run.ledger is None:
        states = sorted({binding(life.contract).state for life in under_test})
        raise NotRunnable(f"needs the provider states {states}, but the target has no way to "
                          "obtain resources (give --state-url, or a [provider] table in the "
                          "profile)")
    if run.profile.dry_run:
        raise NotRunnable("dry run: a lifecycle needs the answers of its earlier calls")
    profile = settings()  # the active profile's values: ci keeps this small
    steps = min(profile.stateful_step_count, MAX_STEPS, max(10, profile.max_examples))
    # No shrinking: against a real target every shrink step is more destructive calls, and
    # each failure already names its check, page line and a curl reproduction.
    phases = [p for p in profile.phases if p not in (Phase.shrink, Phase.explain)]

    class Lifecycles(machine):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__(run, under_test)

    run_state_machine_as_test(Lifecycles, settings=settings(
        stateful_step_count=steps, deadline=None, phases=phases))
