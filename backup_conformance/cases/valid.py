"""A valid call of an API: resource parameters from a provider state, the other required ones
from the contract (first enum value, else the page example, else a plain value of its type)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.contracts import Contract, ParameterSpec
from backup_conformance.targets.data import api_safety

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


def binding(contract: Contract) -> Binding:
    raw = api_safety(contract.api_id).get("binding")
    if raw is None:
        raise KeyError(f"{contract.api_id}: no provider-state binding in targets/resources.json")
    return Binding(raw["state"], raw.get("state_params", {}), raw["params"])


def plain_value(spec: ParameterSpec) -> Any:
    """A documented valid value of a non-resource parameter."""
    schema = spec.schema
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "boolean":
        return False
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "array":
        return []
    return "bc-value"


def valid_params(contract: Contract, obtain: Obtain,
                 state_params: Mapping[str, Any] | None = None,
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(params, state values)`` of a valid call on a freshly obtained resource
    (``state_params`` override the binding's, e.g. how many clients to obtain)."""
    bound = binding(contract)
    values = obtain(bound.state, {**bound.state_params, **(state_params or {})})
    params = bound.bind(values)
    for spec in contract.parameters:
        if spec.required and spec.layer == "page" and spec.name not in params:
            params[spec.name] = plain_value(spec)
    return params, values
