"""One resource's lifecycle as a script: a resource obtained at construction, then a fixed
list of steps (each one call), each answer judged by the registered sequence check of its
behaviour (``lifecycles.json``). ``lifecycle_machine`` interleaves several scripts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from typing import Any

from hypothesis import strategies as st

from backup_conformance.cases.lifecycle import Lifecycle, unique_token
from backup_conformance.cases.running import CaseRun, observe
from backup_conformance.cases.valid import binding, valid_params
from backup_conformance.checks import Case, Observed, judge_sequence
from backup_conformance.checks.sequence_checks import (
    Repeat,
    ScopedCancel,
    TokenRepeat,
    succeeded,
)
from backup_conformance.targets import Exchange


class Script:
    """A resource obtained at construction, then a fixed list of steps (each one call)."""

    def __init__(self, run: CaseRun, life: Lifecycle) -> None:
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

    def __init__(self, run: CaseRun, life: Lifecycle, data: st.DataObject) -> None:
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

    def __init__(self, run: CaseRun, life: Lifecycle, data: st.DataObject) -> None:
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

    def __init__(self, run: CaseRun, life: Lifecycle, data: st.DataObject) -> None:
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

    def __init__(self, run: CaseRun, life: Lifecycle, data: st.DataObject) -> None:
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


SCRIPTS: dict[str, Callable[[CaseRun, Lifecycle, st.DataObject], Script]] = {
    "repeat-refused": RepeatRefused,
    "backup-id-cancels-all": BackupIdScope,
    "client-token-idempotent": TokenRepeated,
    "repeat-conforms": RepeatConforms,
}
