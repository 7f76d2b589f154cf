"""Generated positive cases: valid calls with the free (non-resource) parameters drawn from their
documented schemas, each bound to a freshly obtained resource.

Values come from plain hypothesis strategies derived from each ``ParameterSpec.schema``, not
from schemathesis' generation (that runs in its own suite): the page documents types, enums
and bounds but no character set, so free strings are drawn from the URL-unreserved alphabet
(RFC 3986), which every vendor's signing canonicalises identically. A positive case must be
valid for any conforming target, not only for this contract's reading of "string"; arbitrary
Unicode belongs to the schemathesis runs, which judge what the contract alone settles.

What a valid call implies beyond single schemas (``is_backup_id=true`` names a backup, a
``ClientToken`` is fresh per request) is data in ``positive.json`` with its page line.
"""

from __future__ import annotations

import json
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from backup_conformance.cases.valid import Obtain, binding, resource_ids, valid_params
from backup_conformance.contracts import Contract, ParameterSpec
from backup_conformance.targets.data import resources
from backup_conformance.targets.wire import encode_value

_RULES = Path(__file__).with_name("positive.json")
UNRESERVED = string.ascii_letters + string.digits + "-._~"
MAX_TEXT = 48  # a fresh suffix keeps unique values within 64 characters
MAX_COUNT = 3  # resources per provider state that takes a count: enough to vary, cheap


@dataclass(frozen=True)
class PositiveCall:
    """One drawn valid call: values of the free parameters (absent: not sent) and extra
    provider-state params (``count`` for states that take one)."""

    free: Mapping[str, Any] = field(default_factory=dict)
    state_params: Mapping[str, Any] = field(default_factory=dict)


@cache
def _rules() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(_RULES.read_text(encoding="utf-8"))
    return data["apis"]


def rules(contract: Contract) -> Mapping[str, Any]:
    result: Mapping[str, Any] = _rules().get(contract.api_id, {})
    return result


def resource_parameters(contract: Contract) -> frozenset[str]:
    """Parameters naming resources: they come from provider states, never from generation."""
    return resource_ids(contract) | frozenset(binding(contract).params)


def free_parameters(contract: Contract) -> list[ParameterSpec]:
    """The page's parameters a positive case may vary: not resource ids, not protocol headers."""
    taken = resource_parameters(contract)
    return [s for s in contract.parameters
            if s.layer == "page" and s.location != "header" and s.name not in taken]


def value_strategy(spec: ParameterSpec) -> st.SearchStrategy[Any]:
    """Valid values of one parameter from its schema (enum, type, bounds)."""
    schema = spec.schema
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return st.one_of([value_strategy(ParameterSpec(spec.name, spec.location, True, o,
                                                           spec.wire, spec.source))
                              for o in schema[key]])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = int(schema.get("minimum", -(2**31)))
        return st.integers(low, int(schema.get("maximum", max(low, 0) + 2**31)))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False,
                         allow_infinity=False)
    if kind == "string":
        # A path segment is never empty: ``/v3//backups`` names another URL, not this API.
        low = max(int(schema.get("minLength", 0)), 1 if spec.location == "path" else 0)
        high = min(int(schema.get("maxLength", MAX_TEXT)), max(low, MAX_TEXT))
        text = st.text(UNRESERVED, min_size=low, max_size=high)
        if spec.location == "path":  # "." and ".." are dot-segments, removed from any URL
            return text.filter(lambda value: value not in (".", ".."))
        return text
    if kind == "array" and isinstance(schema.get("items"), Mapping):
        item = value_strategy(ParameterSpec(spec.name, spec.location, True, schema["items"],
                                            "plain", spec.source))
        return st.lists(item, min_size=int(schema.get("minItems", 0)),
                        max_size=min(int(schema.get("maxItems", 5)), 5))
    if kind == "object" or "properties" in schema:
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        parts = {name: value_strategy(ParameterSpec(f"{spec.name}.{name}", spec.location,
                                                    name in required, sub, "plain",
                                                    str(sub.get("x-source", spec.source))))
                 for name, sub in properties.items()}
        return st.fixed_dictionaries({k: v for k, v in parts.items() if k in required},
                                     optional={k: v for k, v in parts.items()
                                               if k not in required})
    if kind is None:
        return st.text(UNRESERVED, max_size=MAX_TEXT)  # untyped: any value; a plain string
    raise ValueError(f"{spec.name} ({spec.source}): no valid-value strategy for schema "
                     f"{dict(schema)!r}")


def calls(contract: Contract) -> st.SearchStrategy[PositiveCall]:
    """Drawn valid calls of ``contract``; a required free parameter is always sent, an
    optional one is sent or left out."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for spec in free_parameters(contract):
        (fields if spec.required else optional)[spec.name] = value_strategy(spec)
    free = st.fixed_dictionaries(fields, optional=optional)
    state = binding(contract).state
    if state and "count" in resources()["states"][state].get("params", {}):
        extra: st.SearchStrategy[Mapping[str, Any]] = st.fixed_dictionaries(
            {"count": st.integers(1, MAX_COUNT)})
    else:
        extra = st.just({})
    return st.builds(PositiveCall, free, extra)


def bind_call(contract: Contract, obtain: Obtain, call: PositiveCall
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(params, state values)`` of ``call`` on a freshly obtained resource."""
    def obtain_with(state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return obtain(state, {**params, **call.state_params})

    params, values = valid_params(contract, obtain_with)
    params.update(call.free)
    return apply_rules(contract, params, values), values


def apply_rules(contract: Contract, params: dict[str, Any], values: Mapping[str, Any]
                ) -> dict[str, Any]:
    """``positive.json``: bind parameters the request's other values point elsewhere, and
    make per-request values fresh."""
    for rule in rules(contract).get("bind", []):
        if all(name in params and encode_value(params[name]) == encode_value(wanted)
               for name, wanted in rule["when"].items()):
            params.update({name: values[key] for name, key in rule["params"].items()})
    return fresh_values(contract, params)


def fresh_values(contract: Contract, params: dict[str, Any]) -> dict[str, Any]:
    """Per-request values (``unique`` rules) made fresh, so no case meets an earlier one's
    idempotency record: every generated request is judged on its own."""
    for rule in rules(contract).get("unique", []):
        name = rule["parameter"]
        if name in params and isinstance(params[name], (str, int, float)):
            params[name] = fresh(params[name])
    return params


def fresh(value: Any) -> str:
    """``value`` made unique to this request (a random suffix)."""
    text = value if isinstance(value, str) else encode_value(value)
    return f"{text}{uuid.uuid4().hex[:16]}"
