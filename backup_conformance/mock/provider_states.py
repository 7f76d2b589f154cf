"""Provider states (docs/design.md §4, a stable interface): named resources the suites ask for.

``setup`` creates the resource and returns exactly the keys of the design's table; ``teardown``
takes those same values (or the setup params) and removes it, idempotently. The same object
serves ``POST /_states`` and in-process callers (``MockApp.states.setup(name, params)``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.mock.state import World, checked_project_id, new_project_id


class StateError(ValueError):
    """A bad provider-state request (unknown name or action, bad params): answered with 400."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


@dataclass(frozen=True)
class _State:
    setup: Callable[[World, Mapping[str, Any]], dict[str, Any]]
    teardown: Callable[[World, Mapping[str, Any]], None]


MAX_COUNT = 500


def _count(params: Mapping[str, Any], default: int) -> int:
    value = params.get("count", default)
    # Up to 500: the negative suite asks for one more client than the 100 a call may name.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
        raise StateError(f"params.count must be an integer from 1 to {MAX_COUNT}, not {value!r}")
    return value


def _text(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise StateError(f"params.{name} must be a non-empty string")
    return value


def _need(params: Mapping[str, Any], name: str) -> str:
    value = _text(params, name)
    if value is None:
        raise StateError(f"teardown needs params.{name} (the value setup returned)")
    return value


def _job_setup(world: World, params: Mapping[str, Any]) -> dict[str, Any]:
    job_id, vault_id = world.add_job(_text(params, "VaultId"))
    return {"JobId": job_id, "VaultId": vault_id}


def _plan_setup(world: World, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"BackupPlanId": world.add_plan()}


def _sharing_setup(world: World, params: Mapping[str, Any]) -> dict[str, Any]:
    project_id = _text(params, "project_id") or new_project_id()
    backup_id, sharing_ids = world.add_shared_backup(project_id, _count(params, 1))
    return {"project_id": project_id, "backup_id": backup_id, "sharing_ids": sharing_ids}


def _clients_setup(world: World, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"ClientIds": world.add_clients(_count(params, 2))}


def _clients_teardown(world: World, params: Mapping[str, Any]) -> None:
    ids = params.get("ClientIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise StateError("teardown needs params.ClientIds (the list setup returned)")
    world.remove_clients(ids)


def _manual_backup_setup(world: World, params: Mapping[str, Any]) -> dict[str, Any]:
    project_id = _text(params, "project_id") or new_project_id()
    return {"project_id": project_id, "backup_id": world.add_manual_backup(project_id)}


def _manual_backup_teardown(world: World, params: Mapping[str, Any]) -> None:
    world.delete_manual_backup(_need(params, "project_id"), _need(params, "backup_id"))


STATES: dict[str, _State] = {
    "hbr: a running backup job": _State(
        _job_setup, lambda w, p: w.remove_job(_need(p, "JobId"))),
    "dbs: a running backup plan": _State(
        _plan_setup, lambda w, p: w.remove_plan(_need(p, "BackupPlanId"))),
    "vbs: a shared backup": _State(
        _sharing_setup,
        lambda w, p: w.remove_shared_backup(_need(p, "project_id"), _need(p, "backup_id"))),
    "hbr: backup clients with resources": _State(_clients_setup, _clients_teardown),
    "gaussdbfornosql: a manual backup": _State(_manual_backup_setup, _manual_backup_teardown),
}


class ProviderStates:
    """The provider-state registry bound to one world; ``extra`` adds states (the inferred
    ones of operations served from their contracts alone, ``generic_state.py``).

    ``project_id``: the one Huawei project every state is made in unless its params name
    another (an SDK client is built for one project, ``HUAWEICLOUD_SDK_PROJECT_ID``); without
    it each state invents a project of its own. Resources stay project-scoped either way.
    """

    def __init__(self, world: World, extra: Mapping[str, Any] | None = None, *,
                 project_id: str | None = None) -> None:
        self.world = world
        self.project_id = checked_project_id(project_id) if project_id is not None else None
        self._states: dict[str, Any] = {**STATES, **(extra or {})}

    @property
    def names(self) -> list[str]:
        return list(self._states)

    def setup(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        given = _params(params)
        if self.project_id is not None and given.get("project_id") is None:
            given = {**given, "project_id": self.project_id}
        return self._state(name).setup(self.world, given)

    def teardown(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self._state(name).teardown(self.world, _params(params))
        return {}

    def handle(self, payload: Any) -> dict[str, Any]:
        """The ``POST /_states`` body: ``{"state", "params", "action"}``."""
        if not isinstance(payload, Mapping):
            raise StateError('the body must be a JSON object {"state", "params", "action"}')
        name = payload.get("state")
        action = payload.get("action", "setup")
        if not isinstance(name, str):
            raise StateError("state must be a string", valid=self.names)
        if action == "setup":
            return self.setup(name, payload.get("params"))
        if action == "teardown":
            return self.teardown(name, payload.get("params"))
        raise StateError(f"action must be 'setup' or 'teardown', not {action!r}")

    def _state(self, name: str) -> _State:
        state: _State | None = self._states.get(name)
        if state is None:
            close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.4)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise StateError(f"unknown provider state {name!r}.{hint}", valid=self.names,
                             did_you_mean=close[0] if close else None)
        return state


def _params(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise StateError("params must be a JSON object")
    return params
