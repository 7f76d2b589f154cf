"""(f) The lifecycle state machine: one machine's wall time, HTTP calls and example runs at a
hypothesis profile, for the machine the suites run and for the two-rule machine it replaced
(issue 17), side by side in one run.

The two-rule machine chose between ``obtain`` and ``step`` by preconditions; hypothesis' swarm
testing turns rules off per example, so examples whose enabled rules all failed their
preconditions were discarded after their calls were sent. Both machines have the same depth:
the profile's examples, at most ``MAX_STEPS`` steps each, the same scripts and checks.
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from pipelines import Bench

import backup_conformance.hypothesis_profiles  # noqa: F401  (registers ci, dev, nightly)
from backup_conformance.cases.lifecycle import lifecycles
from backup_conformance.cases.lifecycle_machine import LifecycleMachine, run_lifecycles
from backup_conformance.contracts import load_catalogue

#: The test the issue timed: ``test_second_cancel_or_delete_is_refused[hbr.CancelBackupJob]``.
API, BEHAVIOUR = "hbr.CancelBackupJob", "repeat-refused"


class TwoRuleMachine(LifecycleMachine):
    """The machine before issue 17: ``obtain`` and ``step`` as two rules behind
    preconditions (kept here only to be timed against the one-rule machine)."""

    act = None  # type: ignore[assignment]  # not a rule here

    @precondition(lambda self: len(self.alive) < self.limit)
    @rule(data=st.data())
    def obtain_rule(self, data: st.DataObject) -> None:
        self.obtain(data)

    @precondition(lambda self: bool(self.alive))
    @rule(data=st.data())
    def step_rule(self, data: st.DataObject) -> None:
        self.step(data)


MACHINES: dict[str, type[LifecycleMachine]] = {"one-rule": LifecycleMachine,
                                               "two-rule (before)": TwoRuleMachine}


def time_machine(machine: type[LifecycleMachine], profile: str) -> dict[str, Any]:
    """One run of ``machine`` over the hbr repeat-refused lifecycle under ``profile``:
    seconds, HTTP calls sent, machine runs (examples executed, discarded ones included)."""
    life = next(life for life in lifecycles(load_catalogue(), BEHAVIOUR) if life.api_id == API)
    counts = {"calls": 0, "runs": 0}
    with Bench(API) as bench:
        run = bench.run
        send = run.send

        def counted_send(*args: Any, **kwargs: Any) -> Any:
            counts["calls"] += 1
            return send(*args, **kwargs)

        class Counted(machine):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                counts["runs"] += 1
                super().__init__(*args, **kwargs)

        run.send = counted_send  # type: ignore[method-assign]
        previous = settings.get_current_profile_name()
        settings.load_profile(profile)
        try:
            examples = settings().max_examples
            started = time.perf_counter()
            run_lifecycles(run, (life,), machine=Counted)
            seconds = time.perf_counter() - started
        finally:
            settings.load_profile(previous)
    return {"seconds": seconds, "calls": counts["calls"], "runs": counts["runs"],
            "examples": examples}
