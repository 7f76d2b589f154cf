"""A valid call of an API: resource parameters from a provider state, the other required ones
from the contract (first enum value, else the page example, else a plain value of its type).

The five original APIs name their state in ``targets/resources.json``; any other operation's
comes from its inferred lifecycle (``backup_conformance.inferred``), and an operation naming no
resource needs none (``Binding.state`` is empty)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.contracts import Contract, ParameterSpec
from backup_conformance.inferred import lifecycle_of
from backup_conformance.targets.data import api_safety, hand_tuned_apis

Obtain = Callable[[str, Mapping[str, Any]], dict[str, Any]]
_INDEXED = re.compile(r"^(?P<key>\w+)\[(?P<index>\d+)\]$")


@dataclass(frozen=True)
class Binding:
    """Which provider state a valid call needs and where each parameter comes from."""

    state: str
    state_params: Mapping[str, Any]
    params: Mapping[str, str]

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        bound = {}
        for param, path in self.params.items():
            match = _INDEXED.match(path)
            bound[param] = values[match["key"]][int(match["index"])] if match else values[path]
        return bound


NO_STATE = ""


def binding(contract: Contract) -> Binding:
    raw = api_safety(contract.api_id).get("binding") if contract.api_id in \
        hand_tuned_apis() else None
    if raw is None:
        _, api = lifecycle_of(contract).resources_entry()
        raw = api.get("binding", {"state": NO_STATE, "params": {}})
    return Binding(raw["state"], raw.get("state_params", {}), raw["params"])


def hand_tuned(contract: Contract) -> bool:
    """Whether ``targets/resources.json`` describes ``contract`` (else its lifecycle is
    inferred, ``backup_conformance.inferred``)."""
    return contract.api_id in hand_tuned_apis()


def resource_ids(contract: Contract) -> frozenset[str]:
    """The parameters naming resources (hand-tuned in ``resources.json``, else inferred)."""
    if contract.api_id in hand_tuned_apis():
        return frozenset(api_safety(contract.api_id)["resource_ids"])
    _, api = lifecycle_of(contract).resources_entry()
    return frozenset(api["resource_ids"])


def plain_value(spec: ParameterSpec) -> Any:
    """A documented valid value of a non-resource parameter."""
    return plain_schema_value(spec.schema)


def plain_schema_value(schema: Mapping[str, Any]) -> Any:
    """The plainest value ``schema`` accepts: its first enum value, else one of its type
    (an object with its required properties, each plain in turn)."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return int(schema.get("minimum", 1))
    if kind == "array":
        low = int(schema.get("minItems", 0))
        raw = schema.get("items")
        items: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        return [plain_schema_value(items) for _ in range(low)]
    if kind == "object" or "properties" in schema:
        properties: Mapping[str, Any] = schema.get("properties", {})
        return {name: plain_schema_value(properties.get(name, {}))
                for name in schema.get("required", [])}
    return "bc-value"


def valid_params(contract: Contract, obtain: Obtain,
                 state_params: Mapping[str, Any] | None = None,
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(params, state values)`` of a valid call on a freshly obtained resource
    (``state_params`` override the binding's, e.g. how many clients to obtain)."""
    bound = binding(contract)
    values = obtain(bound.state, {**bound.state_params, **(state_params or {})}) \
        if bound.state else {}
    params = bound.bind(values)
    for spec in contract.parameters:
        if spec.required and spec.layer == "page" and spec.name not in params:
            params[spec.name] = plain_value(spec)
    return params, values
