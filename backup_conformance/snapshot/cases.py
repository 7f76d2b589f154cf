"""The deterministic case set a snapshot records: doc examples, drawn positive calls, negative
variants and lifecycles, all built by ``backup_conformance.cases`` with fixed seeds.

A ``ScriptedCase`` is a builder: given an ``obtain`` function it obtains its resources and
returns the calls to send, each with the case kind its answer is judged as (``None``: the
kind-independent checks only, for calls no document settles). Building happens only when
recording; a verify replays the recorded calls, so a change of generator between the two
runs cannot make the replay send something else.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from backup_conformance.cases.examples import replay_params, replays
from backup_conformance.cases.lifecycle import Lifecycle, lifecycles, unique_token
from backup_conformance.cases.negative import variants
from backup_conformance.cases.positive import PositiveCall, bind_call, calls
from backup_conformance.cases.valid import Obtain, binding, valid_params
from backup_conformance.contracts import Catalogue, Contract

SEED = 20261203  # unmasked page examples: the same letters in every recording
POSITIVE_EXAMPLES = 3  # drawn positive calls per API


@dataclass(frozen=True)
class Call:
    """One request of a case: its parameters, how its answer is judged, and whether the
    case's resources are released (torn down through their provider states) before it."""

    params: dict[str, Any]
    kind: str | None
    release_first: bool = False


Build = Callable[[Obtain], list[Call]]


@dataclass(frozen=True)
class ScriptedCase:
    """A named case of one API: ``family/detail`` ids are stable across recordings."""

    id: str
    api_id: str
    family: str
    build: Build


def case_set(catalogue: Catalogue) -> list[ScriptedCase]:
    """Every case of every API in ``catalogue``, in catalogue then family order."""
    random.seed(SEED)
    found: list[ScriptedCase] = []
    for api_id, contract in catalogue.items():
        found += _examples(contract) + _positives(contract) + _negatives(contract)
        found += [_lifecycle(life) for life in lifecycles(catalogue) if life.api_id == api_id]
    return found


def _examples(contract: Contract) -> list[ScriptedCase]:
    def build(replay: Any) -> Build:
        return lambda obtain: [Call(replay_params(contract, replay, obtain)[0], "positive")]

    return [ScriptedCase(f"example/{r.id}", contract.api_id, "example", build(r))
            for r in replays(contract) if not r.not_run]


def drawn_calls(contract: Contract, count: int = POSITIVE_EXAMPLES) -> list[PositiveCall]:
    """``count`` positive calls drawn from ``cases.positive.calls`` deterministically."""
    drawn: list[PositiveCall] = []

    @settings(max_examples=count, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), deadline=None)
    @given(calls(contract))
    def draw(call: PositiveCall) -> None:
        if len(drawn) < count:
            drawn.append(call)

    draw()
    return drawn


def _positives(contract: Contract) -> list[ScriptedCase]:
    def build(call: PositiveCall) -> Build:
        return lambda obtain: [Call(bind_call(contract, obtain, call)[0], "positive")]

    return [ScriptedCase(f"positive/{i}", contract.api_id, "positive", build(call))
            for i, call in enumerate(drawn_calls(contract), start=1)]


def _negatives(contract: Contract) -> list[ScriptedCase]:
    def build(variant: Any) -> Build:
        def calls_of(obtain: Obtain) -> list[Call]:
            params, _ = valid_params(contract, obtain, variant.state_params)
            return [Call(variant.mutate(params), variant.kind)]
        return calls_of

    seen: dict[str, int] = {}
    found = []
    for variant in variants(contract):
        seen[variant.id] = seen.get(variant.id, 0) + 1
        suffix = f"#{seen[variant.id]}" if seen[variant.id] > 1 else ""
        found.append(ScriptedCase(f"negative/{variant.id}{suffix}", contract.api_id,
                                  "negative", build(variant)))
    return found


def _lifecycle(life: Lifecycle) -> ScriptedCase:
    """One fixed run of a lifecycle (the lifecycle suite interleaves them; a snapshot needs
    the same calls every time): the valid call, then what the behaviour says follows."""
    contract, behaviour = life.contract, life.behaviour

    def build(obtain: Obtain) -> list[Call]:
        if behaviour == "backup-id-cancels-all":
            return _cancel_all(contract, life.settings, obtain)
        params, _ = valid_params(contract, obtain)
        if behaviour == "client-token-idempotent":
            params[str(life.settings["parameter"])] = unique_token()
            return [Call(params, "positive"), Call(dict(params), "positive"),
                    Call(dict(params), "positive", release_first=True)]
        second = "business-error" if behaviour == "repeat-refused" else None
        return [Call(params, "positive"), Call(dict(params), second)]

    return ScriptedCase(f"lifecycle/{behaviour}", contract.api_id, "lifecycle", build)


def _cancel_all(contract: Contract, knobs: Mapping[str, Any], obtain: Obtain) -> list[Call]:
    """``is_backup_id=true`` on a backup with two sharings, then a cancel of each sharing."""
    bound = binding(contract)
    values = obtain(bound.state, {**bound.state_params, "count": int(knobs["sharings"][0])})
    flag = str(knobs["parameter"])
    first = {"project_id": values["project_id"], "id": values["backup_id"], flag: True}
    return [Call(first, "positive")] + [
        Call({"project_id": values["project_id"], "id": sharing, flag: False}, "business-error")
        for sharing in values["sharing_ids"]]
