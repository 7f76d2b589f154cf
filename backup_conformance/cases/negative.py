"""The invalid variants of a valid call that a contract implies, one documented rule each.

Every variant starts from a valid call on a live resource, so a target that skips a validation
*acts* on the resource and answers 2xx, which the suite catches; ids a variant invents are
reserved ``bc-nonexistent-`` ids that can never name a real resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.contracts import Contract, ParameterSpec
from backup_conformance.targets import Raw, nonexistent_id

Mutate = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Variant:
    """One invalid request: the rule it breaks, the parameter and the page line behind it."""

    rule: str
    parameter: str
    source: str
    mutate: Mutate
    state_params: Mapping[str, Any] = field(default_factory=dict)
    #: How the answer is judged: ``business-error`` when the call is well formed but names a
    #: resource that does not exist (a refusal, 4xx or the page's ``Success: false``).
    kind: str = "negative"

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.parameter}"


def _without(name: str) -> Mutate:
    return lambda params: {k: v for k, v in params.items() if k != name}


def _with(name: str, value: Any) -> Mutate:
    return lambda params: {**params, name: value}


def variants(contract: Contract) -> list[Variant]:
    """Every invalid variant of ``contract``'s documented parameters, in parameter order."""
    found: list[Variant] = []
    for spec in contract.parameters:
        if spec.layer != "page" or spec.location == "header":
            continue
        found += _variants_of(spec)
        if contract.family == "alibaba-rpc" and _names_resource(spec):
            # 000:66 / 001:73: Success says whether the call succeeded; cancelling or stopping
            # a job or plan that does not exist cannot have.
            found.append(Variant("unknown-id", spec.name, spec.source,
                                 _with(spec.name, nonexistent_id()), kind="business-error"))
    return found


def _names_resource(spec: ParameterSpec) -> bool:
    """A required string query parameter naming a resource (``JobId``, ``VaultId``, ...)."""
    return (spec.required and spec.location == "query" and spec.schema.get("type") == "string"
            and spec.name.endswith("Id") and spec.name != "RegionId")


def _variants_of(spec: ParameterSpec) -> list[Variant]:
    schema, name, source = spec.schema, spec.name, spec.source
    found = []
    if spec.required and spec.location != "path":
        found.append(Variant("missing-required", name, source, _without(name)))
    if spec.location == "path":
        found.append(Variant("bad-path-segment", name, source, _with(name, Raw(""))))
    kind = schema.get("type")
    if kind in ("boolean", "integer", "number"):
        found.append(Variant("wrong-type", name, source, _with(name, Raw("not-a-" + kind))))
    if "enum" in schema:
        bogus = "NOT_" + "_".join(str(v) for v in schema["enum"])
        found.append(Variant("out-of-enum", name, source, _with(name, bogus)))
    if kind == "array" and "maxItems" in schema:
        # Real resources, one more than allowed: with made-up ids a target that ignores the
        # limit would still answer 4xx ("not found") and the limit would go untested.
        over = {"count": schema["maxItems"] + 1}
        found.append(Variant("over-limit", name, source, lambda params: params, over))
    if spec.wire == "json":
        broken = Raw('["' + nonexistent_id() + '",')
        found.append(Variant("malformed-json", name, source, _with(name, broken)))
        found.append(Variant("wrong-type", name, source,
                             _with(name, Raw('"' + nonexistent_id() + '"'))))
    return found
