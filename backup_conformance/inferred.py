"""Resource lifecycles inferred from a contract alone, for operations nobody hand-tuned.

The five original APIs have hand-written provider states (``targets/resources.json``) and mock
behaviours. Any other extracted operation gets its lifecycle from the convention in
``inferred.json``: the operation's verb (``Delete`` in DeleteVault, ``Querying`` in
QueryingBackups) says what it does to the resource its *id parameters* name (required string
parameters called ``...Id``, ``..._id``, ``id``...; tenancy and region names excepted). An
operation with id parameters needs an existing resource, so it gets a provider state named
``"<api id>: an existing <ids> (inferred)"``, and the label says it comes from this convention,
not from any page. The mock keeps the state, the suites obtain it, the safety guard treats the
id parameters as resource ids; all three read it from here, so they always agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.contracts import Contract, ParameterSpec

_CONVENTION = Path(__file__).with_name("inferred.json")
_FIRST_WORD = re.compile(r"^[A-Z][a-z]+")
CREATE, DELETE, STATUS, READ, ACT = "create", "delete", "status", "read", "act"
INFERRED = "(inferred)"


@cache
def convention() -> Mapping[str, Any]:
    """``inferred.json``, read once."""
    data: Mapping[str, Any] = json.loads(_CONVENTION.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Lifecycle:
    """What one operation does to the resource its id parameters name.

    ``ids``: the required id parameters (the last one is the resource acted on; earlier ones
    name its parents); ``scope``: path parameters naming a tenancy (``project_id``), which the
    state also returns so a call is complete; ``state``: the provider state, or None when the
    call names no resource."""

    api_id: str
    service: str
    verb: str
    effect: str
    ids: tuple[ParameterSpec, ...]
    scope: tuple[str, ...]
    optional_ids: tuple[str, ...] = ()  # id parameters a call may leave out

    @property
    def state(self) -> str | None:
        if not self.ids:
            return None
        return f"{self.api_id}: an existing {' and '.join(s.name for s in self.ids)} {INFERRED}"

    @property
    def target(self) -> ParameterSpec | None:
        """The id parameter naming the resource the verb acts on."""
        return self.ids[-1] if self.ids else None

    @property
    def destructive(self) -> bool:
        return self.effect != READ

    def returns(self) -> dict[str, str]:
        """The state's keys: ``"list"`` for an array of ids, else ``"string"``."""
        keys = {name: "string" for name in self.scope}
        keys.update({s.name: "list" if is_list(s) else "string" for s in self.ids})
        return keys

    def resources_entry(self) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """``(state row, API row)`` in the shape of ``targets/resources.json``."""
        # A destructive call's optional ids too: never generated, never sent unless obtained
        # (the safety guard); a read's optional ids are filters, free to vary.
        optional = self.optional_ids if self.destructive else ()
        api: dict[str, Any] = {"destructive": self.destructive, "inferred": True,
                               "resource_ids": sorted({*self.returns(), *optional})}
        if self.state is None:
            return None, api
        params = {"count": "integer"} if any(is_list(s) for s in self.ids) else {}
        state = {"service": self.service, "params": params, "returns": self.returns(),
                 "inferred": True}
        api["binding"] = {"state": self.state, "params": {k: k for k in self.returns()}}
        return state, api


def verb_of(contract: Contract) -> str:
    """The first word of the operation's name (RPC action, else the API id's name part)."""
    name = contract.action or contract.api_id.split(".", 1)[-1]
    match = _FIRST_WORD.match(name)
    return match[0] if match else name


def is_id(spec: ParameterSpec) -> bool:
    """Whether ``spec`` names a resource by the convention (required, string-valued)."""
    return spec.required and names_resource(spec)


def names_resource(spec: ParameterSpec) -> bool:
    """Whether ``spec``'s name and type say it names a resource (required or not)."""
    rules = convention()
    if spec.layer != "page" or spec.location == "header":
        return False
    if spec.name in rules["scope"]:
        return False
    named = spec.name.lower() in rules["id_names"] or any(
        spec.name.endswith(suffix) and len(spec.name) > len(suffix)
        for suffix in rules["id_suffixes"])
    return named and _string_valued(spec.schema)


def is_list(spec: ParameterSpec) -> bool:
    return spec.schema.get("type") == "array"


def _string_valued(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return isinstance(items, Mapping) and items.get("type") in (None, "string")
    return kind in (None, "string") and "enum" not in schema


def lifecycle_of(contract: Contract) -> Lifecycle:
    """The inferred lifecycle of ``contract`` (also for operations that name no resource)."""
    verb = verb_of(contract)
    effect = str(convention()["verbs"].get(verb, ACT))
    ids = tuple(s for s in contract.parameters if is_id(s))
    scope = tuple(s.name for s in contract.parameters
                  if s.location == "path" and s.required and s.name in convention()["scope"])
    optional = tuple(s.name for s in contract.parameters
                     if not s.required and names_resource(s))
    return Lifecycle(contract.api_id, contract.service, verb, effect, ids,
                     scope if ids else (), optional)


def resources_of(contracts: Iterable[Contract], known: Iterable[str] = ()
                 ) -> dict[str, dict[str, Any]]:
    """Inferred provider states and API rows of every contract not in ``known`` (the
    hand-tuned API ids), in the shape of ``targets/resources.json``."""
    skip = set(known)
    states: dict[str, Any] = {}
    apis: dict[str, Any] = {}
    for contract in contracts:
        if contract.api_id in skip:
            continue
        state, api = lifecycle_of(contract).resources_entry()
        apis[contract.api_id] = api
        if state is not None:
            states[api["binding"]["state"]] = state
    return {"states": states, "apis": apis}
