"""Stateful lifecycles: what the pages imply about a resource over several calls, checked by
hypothesis state machines (docs/design.md section 2 item 3).

A machine obtains resources through provider states, keeps several alive at once and advances
their lifecycles in a generated interleaving; each implication is a registered sequence check
citing its page line (``cases/lifecycles.json``):

- ``repeat-refused``: a second cancel of a job (000:9), of a sharing (002:5) and a second
  delete of a backup (004:3) is refused;
- ``backup-id-cancels-all``: ``is_backup_id=true`` ends every sharing of the backup, false or
  absent only the named one (002:49);
- ``client-token-idempotent``: a repeat with the same ClientToken answers as the first did
  (001:50), also once the plan has been released;
- ``repeat-conforms``: a second DeleteBackupClientResource is refused by no document (the
  clients stay, 003:13), so both answers only have to conform.

Every resource comes from the run's ledger, which tears it down; every loop is bounded (a
lifecycle has a fixed number of steps; at most ``MAX_ALIVE`` resources per machine). The number
of examples comes from the active hypothesis profile (``ci``: small and deterministic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from backup_conformance.cases.lifecycle import Lifecycle, lifecycles, unique_token
from backup_conformance.cases.valid import binding, valid_params
from backup_conformance.checks import Case, Observed, judge_sequence
from backup_conformance.checks.sequence_checks import (
    Repeat,
    ScopedCancel,
    TokenRepeat,
    succeeded,
)
from backup_conformance.contracts import load_catalogue
from backup_conformance.plugin import catalogue_for
from backup_conformance.runtime import NotRunnable, Run, observe
from backup_conformance.targets import Exchange

MAX_ALIVE = 2  # resources a machine holds at once, beyond one per lifecycle under test
MAX_STEPS = 50  # rule steps per example, whatever the profile asks


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``lifecycle``: one per API having the test's behaviour (its ``check`` marker);
    ``lifecycle_set``: every lifecycle of the selected APIs, in one machine."""
    catalogue = catalogue_for(metafunc.config)
    if "lifecycle" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("check")
        assert marker is not None, f"{metafunc.definition.name} needs a check marker"
        behaviour = marker.args[0]
        found = lifecycles(catalogue, behaviour)
        applies = ", ".join(life.api_id for life in lifecycles(load_catalogue(), behaviour))
        metafunc.parametrize("lifecycle", [
            pytest.param(life, id=life.api_id, marks=pytest.mark.api(life.api_id))
            for life in found] or [pytest.param(None, id="no-api", marks=pytest.mark.skip(
                reason=f"not run: {behaviour} applies to {applies}, which --api leaves out"))])
    if "lifecycle_set" in metafunc.fixturenames:
        found = lifecycles(catalogue)
        marks = [pytest.mark.api(a) for a in dict.fromkeys(life.api_id for life in found)]
        marks += [pytest.mark.check(b) for b in dict.fromkeys(life.behaviour for life in found)]
        metafunc.parametrize("lifecycle_set", [
            pytest.param(tuple(found), id="+".join(dict.fromkeys(f.api_id for f in found)),
                         marks=marks)] if found else [pytest.param(
            (), id="no-api", marks=pytest.mark.skip(
                reason="not run: --api leaves out every API with a lifecycle"))])


# --- one resource's lifecycle ------------------------------------------------------------


class Script:
    """A resource obtained at construction, then a fixed list of steps (each one call)."""

    def __init__(self, run: Run, life: Lifecycle) -> None:
        self.run, self.life, self.contract = run, life, life.contract
        self.steps: list[Callable[[], None]] = []
        self.stack = ExitStack()

    @property
    def done(self) -> bool:
        return not self.steps

    def advance(self) -> None:
        self.steps.pop(0)()

    def release(self) -> None:
        """Hand back resources held for early release (the ledger tears down the rest)."""
        self.stack.close()

    def call(self, params: Mapping[str, Any]) -> tuple[Exchange, Observed]:
        exchange = self.run.send(self.contract, params)
        return exchange, observe(exchange)

    def judge(self, kind: str, exchange: Exchange) -> None:
        self.run.judge(self.contract, kind, exchange)

    def sequence(self, name: str, kind: str, record: object, exchange: Exchange) -> None:
        judge_sequence(name, Case(self.contract, kind, self.run.strictness), record,
                       repro=exchange.curl())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.life.id}, {len(self.steps)} steps left)"


class RepeatRefused(Script):
    """The valid call twice on one resource: the first succeeds, the second is refused."""

    def __init__(self, run: Run, life: Lifecycle, data: st.DataObject) -> None:
        super().__init__(run, life)
        self.params, _ = valid_params(self.contract, run.obtain)
        self.steps = [self.first, self.second]

    def first(self) -> None:
        exchange, self.first_seen = self.call(self.params)
        self.judge("positive", exchange)

    def second(self) -> None:
        exchange, seen = self.call(self.params)
        self.sequence("repeat-refused", "business-error",
                      Repeat(self.first_seen, seen, self.life.source), exchange)
        self.judge("business-error", exchange)


class BackupIdScope(Script):
    """A backup with N sharings; one cancel (by backup id, or by one sharing id with
    is_backup_id false or absent), then a cancel of every former sharing id, one per step."""

    def __init__(self, run: Run, life: Lifecycle, data: st.DataObject) -> None:
        super().__init__(run, life)
        low, high = life.settings["sharings"]
        count = data.draw(st.integers(low, high), label="sharings")
        bound = binding(self.contract)
        values = run.obtain(bound.state, {**bound.state_params, "count": count})
        self.flag = str(life.settings["parameter"])
        self.project, sharings = values["project_id"], list(values["sharing_ids"])
        self.mode = data.draw(st.sampled_from(["true", "false", "absent"]), label="is_backup_id")
        self.named = (values["backup_id"] if self.mode == "true"
                      else data.draw(st.sampled_from(sharings), label="named sharing"))
        order = data.draw(st.permutations(sharings), label="cancel order")
        explicit = data.draw(st.lists(st.booleans(), min_size=count, max_size=count),
                             label="send is_backup_id=false")
        self.followups: dict[str, Observed] = {}
        self.steps = [self.cancel] + [self._followup(s, e) for s, e in zip(order, explicit,
                                                                            strict=True)]

    def _params(self, item: str, mode: str) -> dict[str, Any]:
        params: dict[str, Any] = {"project_id": self.project, "id": item}
        if mode != "absent":
            params[self.flag] = mode == "true"
        return params

    def cancel(self) -> None:
        exchange, self.first_seen = self.call(self._params(self.named, self.mode))
        self.judge("positive", exchange)

    def _followup(self, sharing_id: str, explicit: bool) -> Callable[[], None]:
        def followup() -> None:
            exchange, seen = self.call(self._params(sharing_id, "false" if explicit
                                                    else "absent"))
            self.followups[sharing_id] = seen
            record = ScopedCancel(self.mode, self.named, self.first_seen,
                                  dict(self.followups), self.life.source)
            ended = self.mode == "true" or sharing_id == self.named
            kind = "business-error" if ended else "positive"
            self.sequence("backup-id-cancels-all", kind, record, exchange)
            self.judge(kind, exchange)
        return followup


class TokenRepeated(Script):
    """The call with a fresh ClientToken, repeated with the same token right away, then again
    once the resource has been released through its provider state (ledger teardown)."""

    def __init__(self, run: Run, life: Lifecycle, data: st.DataObject) -> None:
        super().__init__(run, life)
        ledger = run.ledger
        assert ledger is not None  # checked before the machine starts

        def obtain(state: str, params: Mapping[str, Any]) -> dict[str, Any]:
            return self.stack.enter_context(ledger.resource(state, params))

        self.params, _ = valid_params(self.contract, obtain)
        for spec in self.contract.parameters:  # any documented choice keeps the contract
            if spec.layer == "page" and "enum" in spec.schema and spec.name in self.params:
                self.params[spec.name] = data.draw(st.sampled_from(spec.schema["enum"]),
                                                   label=spec.name)
        suffix = data.draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=8),
                           label="token suffix")
        self.params[str(life.settings["parameter"])] = unique_token(suffix)
        self.fields = tuple(life.settings["compare"])
        self.steps = [self.first, self._again("nothing in between"), self.release,
                      self._again("the resource was released through its provider state "
                                  "in between")]

    def first(self) -> None:
        exchange, self.first_seen = self.call(self.params)
        self.judge("positive", exchange)

    def _again(self, between: str) -> Callable[[], None]:
        def again() -> None:
            exchange, seen = self.call(self.params)
            record = TokenRepeat(self.first_seen, seen, between, self.fields, self.life.source)
            self.sequence("client-token-idempotent", "positive", record, exchange)
            self.judge("positive", exchange)
        return again


class RepeatConforms(Script):
    """The valid call twice; no document refuses the second, so each answer is judged as what
    it is: a success as a positive case, a refusal as a business error."""

    def __init__(self, run: Run, life: Lifecycle, data: st.DataObject) -> None:
        super().__init__(run, life)
        low, high = life.settings["clients"]
        count = data.draw(st.integers(low, high), label="clients")
        self.params, _ = valid_params(
            self.contract, lambda state, params: run.obtain(state, {**params, "count": count}))
        self.steps = [self.first, self.second]

    def first(self) -> None:
        exchange, _ = self.call(self.params)
        self.judge("positive", exchange)

    def second(self) -> None:
        exchange, seen = self.call(self.params)
        case = Case(self.contract, "positive", self.run.strictness)
        self.judge("positive" if succeeded(case, seen) else "business-error", exchange)


SCRIPTS: dict[str, Callable[[Run, Lifecycle, st.DataObject], Script]] = {
    "repeat-refused": RepeatRefused,
    "backup-id-cancels-all": BackupIdScope,
    "client-token-idempotent": TokenRepeated,
    "repeat-conforms": RepeatConforms,
}


# --- the machine -------------------------------------------------------------------------


class LifecycleMachine(RuleBasedStateMachine):
    """Several resources alive at once, their lifecycles advanced in a generated order."""

    def __init__(self, run: Run, under_test: tuple[Lifecycle, ...]) -> None:
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

    @precondition(lambda self: len(self.alive) < self.limit)
    @rule(data=st.data())
    def obtain(self, data: st.DataObject) -> None:
        chosen = data.draw(st.sampled_from([life.id for life in self.under_test]),
                           label="lifecycle")  # by id: a Lifecycle prints its whole contract
        self._start(next(life for life in self.under_test if life.id == chosen), data)

    @precondition(lambda self: bool(self.alive))
    @rule(data=st.data())
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


def _run(run: Run, under_test: tuple[Lifecycle, ...]) -> None:
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

    class Lifecycles(LifecycleMachine):
        def __init__(self) -> None:
            super().__init__(run, under_test)

    run_state_machine_as_test(Lifecycles, settings=settings(
        stateful_step_count=steps, deadline=None, phases=phases))


@pytest.mark.check("repeat-refused")
def test_second_cancel_or_delete_is_refused(bc_run: Run, lifecycle: Lifecycle) -> None:
    """000:9, 002:5, 004:3: the first call ends the resource; the same call again is refused."""
    _run(bc_run, (lifecycle,))


@pytest.mark.check("backup-id-cancels-all")
def test_is_backup_id_decides_what_is_cancelled(bc_run: Run, lifecycle: Lifecycle) -> None:
    """002:49: true cancels all sharings of the backup; false or absent only the named one."""
    _run(bc_run, (lifecycle,))


@pytest.mark.check("client-token-idempotent")
def test_same_client_token_same_outcome(bc_run: Run, lifecycle: Lifecycle) -> None:
    """001:48-50: a repeat with the same ClientToken has the first request's outcome."""
    _run(bc_run, (lifecycle,))


@pytest.mark.check("repeat-conforms")
def test_repeated_client_resource_delete_conforms(bc_run: Run, lifecycle: Lifecycle) -> None:
    """003:13: the clients stay, so a second delete is not refused by any document; both
    answers must still conform."""
    _run(bc_run, (lifecycle,))


def test_lifecycles_interleaved(bc_run: Run, lifecycle_set: tuple[Lifecycle, ...]) -> None:
    """Every lifecycle of the selected APIs in one machine: resources of all of them alive at
    once, so one API's call ending another's resource (a cancel by backup id reaching another
    backup's sharings, a token shared across plans) fails here."""
    _run(bc_run, lifecycle_set)
