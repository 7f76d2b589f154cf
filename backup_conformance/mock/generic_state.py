"""State of the operations served from their contracts alone (``backup_conformance.inferred``).

Resources are keyed by (service, id parameter name): a ``VaultId`` a provider state made for
``hbr.DeleteVault`` is the same resource to every HBR operation naming a ``VaultId``. Nothing
is seeded: a resource exists once its inferred provider state (or a Create operation's answer)
made it, and a Delete operation removes it, so a second delete is refused as not found. One
lock, every check-and-change atomic under it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.contracts import Catalogue
from backup_conformance.inferred import CREATE, DELETE, STATUS, Lifecycle, is_list, lifecycle_of
from backup_conformance.mock.provider_states import StateError

Key = tuple[str, str]  # (service, id parameter name)
EXISTS = "EXISTS"
MAX_COUNT = 500  # ids per list-valued state: one more than any documented maxItems so far
MAX_CREATED = 4096  # resources per (service, id name), the oldest forgotten first


class GenericWorld:
    """Every resource of the inferred lifecycles: id -> status, per (service, name)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.resources: dict[Key, dict[str, str]] = {}

    def add(self, key: Key, count: int = 1) -> list[str]:
        with self.lock:
            ids = [f"bc-{key[1].lower().replace('_', '-')}-{uuid.uuid4().hex[:20]}"
                   for _ in range(count)]
            self.resources.setdefault(key, {}).update({i: EXISTS for i in ids})
            return ids

    def register(self, key: Key, value: str) -> None:
        """A resource a Create answer named; the newest ``MAX_CREATED`` per key are kept (no
        provider state tears these down, so a long run's memory stays flat)."""
        with self.lock:
            table = self.resources.setdefault(key, {})
            table[value] = EXISTS
            while len(table) > MAX_CREATED:
                del table[next(iter(table))]

    def missing(self, key: Key, values: Iterable[str]) -> list[str]:
        with self.lock:
            known = self.resources.get(key, {})
            return [v for v in values if v not in known]

    def apply(self, lifecycle: Lifecycle, values: Mapping[str, Any]) -> str | None:
        """Check that every id the call names exists, then apply the verb's effect; returns
        the first parameter naming nothing (the call changes nothing then), or None."""
        with self.lock:
            for spec in lifecycle.ids:
                if self.missing((lifecycle.service, spec.name), _ids(values.get(spec.name))):
                    return spec.name
            target = lifecycle.target
            if target is None:
                return None
            table = self.resources[(lifecycle.service, target.name)]
            for value in _ids(values.get(target.name)):
                if lifecycle.effect == DELETE:
                    table.pop(value, None)
                elif lifecycle.effect == STATUS:
                    table[value] = lifecycle.verb.upper()
            return None

    def remove(self, key: Key, values: Iterable[str]) -> None:
        with self.lock:
            table = self.resources.get(key, {})
            for value in values:
                table.pop(value, None)


def _ids(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


@dataclass(frozen=True)
class InferredState:
    """Setup and teardown of one inferred provider state (``ProviderStates`` calls these)."""

    lifecycle: Lifecycle
    world: GenericWorld

    def setup(self, _world: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        count = params.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise StateError(f"params.count must be an integer from 1 to {MAX_COUNT}, "
                             f"not {count!r}")
        # A tenancy the params name (the mock's --project-id among them) is kept, else invented.
        values: dict[str, Any] = {name: _scope_value(params, name)
                                  for name in self.lifecycle.scope}
        for spec in self.lifecycle.ids:
            ids = self.world.add((self.lifecycle.service, spec.name),
                                 count if is_list(spec) else 1)
            values[spec.name] = ids if is_list(spec) else ids[0]
        return values

    def teardown(self, _world: Any, params: Mapping[str, Any]) -> None:
        for spec in self.lifecycle.ids:
            self.world.remove((self.lifecycle.service, spec.name), _ids(params.get(spec.name)))


def _scope_value(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        return uuid.uuid4().hex
    if not isinstance(value, str) or not value:
        raise StateError(f"params.{name} must be a non-empty string")
    return value


def inferred_states(catalogue: Catalogue, world: GenericWorld, known: Iterable[str]
                    ) -> dict[str, InferredState]:
    """A provider state per operation not in ``known`` whose call names a resource."""
    skip = set(known)
    states: dict[str, InferredState] = {}
    for contract in catalogue.values():
        if contract.api_id in skip:
            continue
        lifecycle = lifecycle_of(contract)
        if lifecycle.state is not None:
            states[lifecycle.state] = InferredState(lifecycle, world)
    return states


def registers_created(lifecycle: Lifecycle) -> Callable[[GenericWorld, Any], None] | None:
    """For a Create operation: record the ids its success body names (top level and one level
    down), so later calls on them find the resource."""
    if lifecycle.effect != CREATE:
        return None

    def record(world: GenericWorld, body: Any) -> None:
        for name, value in _id_fields(body):
            world.register((lifecycle.service, name), value)

    return record


def _id_fields(body: Any, depth: int = 0) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not isinstance(body, Mapping) or depth > 1:
        return found
    for name, value in body.items():
        if isinstance(value, str) and (name == "id" or name.endswith(("Id", "_id"))):
            found.append((name, value))
        elif isinstance(value, Mapping):
            found += _id_fields(value, depth + 1)
    return found
