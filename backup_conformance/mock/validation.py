"""Contract-driven request validation: every documented parameter, checked by its schema.

Each parameter's schema is the JSON Schema of its *decoded* value (``ParameterSpec.schema``), so
wire text is decoded first: ``wire == "json"`` values with ``json.loads`` (rule ``json-wire``),
plain query/path/header text coerced to the schema's type ("true"/"false", integers). A
violation names its rule (``missing-required``, ``type``, ``enum``, ``max-items``...), the
parameter and the page line of the parameter (``ParameterSpec.source``), so both the error
response (strict mode) and the recorder can cite the document.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from backup_conformance.contracts import Contract, ParameterSpec, schema_validator
from backup_conformance.mock.params import Inbound

# Any integer the schema allows (int() reads up to 4300 digits; longer text is refused as
# not-an-integer rather than parsed at quadratic cost).
_INTEGER = re.compile(r"^[+-]?\d{1,4000}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
MISSING = "missing-parameter"
INVALID = "invalid-parameter"
#: ``tolerate`` value meaning "use the decoded value" (mutation self-test; ``mutations.py``).
KEEP = object()


@dataclass(frozen=True)
class Violation:
    """One broken rule. ``tolerated`` ones (undocumented extras) are only rejected when strict."""

    rule: str
    parameter: str | None
    source: str
    message: str
    situation: str = INVALID  # which vendor error answers it (see error_choices.json)
    tolerated: bool = False

    def as_record(self) -> dict[str, Any]:
        return {"rule": self.rule, "parameter": self.parameter, "source": self.source,
                "message": self.message}

    def citation(self) -> str:
        where = f" {self.parameter}," if self.parameter else ""
        return f"rule {self.rule}:{where} {self.source}".strip()


@dataclass(frozen=True)
class Checked:
    values: dict[str, Any]
    violations: list[Violation]

    @property
    def rejecting(self) -> list[Violation]:
        return [v for v in self.violations if not v.tolerated]


class RequestValidator:
    """Validates requests of one contract (validators compiled once, reused by every thread)."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.specs = [s for s in contract.parameters if s.layer != "vendor-common"]
        self._validators = {s.name: schema_validator(s.schema) for s in self.specs}
        self._documented = {s.name for s in contract.parameters}
        common = contract.vendor_common.get("common_parameters", [])
        self._common = {str(p.get("name")) for p in common if isinstance(p, Mapping)}
        self._page_source = str(contract.operation.get("x-source", contract.page))

    def check(self, inbound: Inbound, path_params: Mapping[str, str],
              tolerate: Mapping[tuple[str, str], Any] | None = None) -> Checked:
        """``tolerate`` maps (rule, parameter) to the value to use instead of rejecting: a hook
        for mutants that skip one validation; the reference mock passes none."""
        tolerate = tolerate or {}
        sources_of = {s.name: s.source for s in self.specs}
        violations = [Violation("decoding", name, sources_of.get(name or "", self._page_source),
                                text) for name, text in inbound.problems]
        sources = self._sources(inbound, path_params, violations)
        values: dict[str, Any] = {}
        for spec in self.specs:
            raw = sources[spec.location].get(spec.name)
            violation, value = self._one(spec, raw)
            skipped = tolerate.get((violation.rule, spec.name)) if violation else None
            if violation and skipped is not None:  # behaviour hook (mutation self-test)
                violation, value = None, value if skipped is KEEP else skipped
            if violation:
                violations.append(violation)
            elif raw is not None:
                values[spec.name] = value
        violations.extend(self._undocumented(inbound))
        return Checked(values, violations)

    def _sources(self, inbound: Inbound, path_params: Mapping[str, str],
                 violations: list[Violation]) -> dict[str, Mapping[str, Any]]:
        alibaba = self.contract.family == "alibaba-rpc"
        body: Mapping[str, Any] = {}
        if any(s.location == "body" for s in self.specs):
            decoded, problem = inbound.json_body()
            if problem:
                violations.append(Violation("json-body", None, self._page_source, problem))
            elif isinstance(decoded, Mapping):
                body = decoded
            elif decoded is not None:
                violations.append(Violation("type", None, self._page_source,
                                            "the request body is not a JSON object"))
        return {
            "query": inbound.rpc_params() if alibaba else inbound.query_params(),
            "path": path_params,
            "header": _Caseless(inbound.headers),
            "body": body,
        }

    def _one(self, spec: ParameterSpec, raw: Any) -> tuple[Violation | None, Any]:
        # An empty value is a value: the schemas set no minLength, so "" is judged by the
        # schema (and the behaviour), not reported as missing.
        if raw is None:
            if spec.required:
                return self._violation(spec, "missing-required",
                                       f"{spec.name} is required but absent", MISSING), None
            return None, None
        value, problem = _decode(spec, raw)
        if problem:
            return self._violation(spec, problem[0], problem[1]), None
        errors = list(self._validators[spec.name].iter_errors(value))
        if errors:  # the decoded value goes along, for a mutant that tolerates the violation
            error = best_match(errors)
            return self._violation(spec, _rule(error), _message(spec, error)), value
        return None, value

    def _violation(self, spec: ParameterSpec, rule: str, message: str,
                   situation: str = INVALID) -> Violation:
        return Violation(rule, spec.name, spec.source or self._page_source, message, situation)

    def _undocumented(self, inbound: Inbound) -> list[Violation]:
        """Extras are tolerated (recorded) unless strict: real services ignore most of them."""
        if self.contract.family == "alibaba-rpc":
            names = set(inbound.rpc_params())
            allowed = self._documented | self._common
        else:
            names = set(inbound.query_params())
            allowed = self._documented
        return [
            Violation("undocumented-parameter", name, self._page_source,
                      f"{name} is not a documented parameter of {self.contract.api_id}",
                      INVALID, tolerated=True)
            for name in sorted(names - allowed)
        ]


class _Caseless(Mapping[str, str]):
    def __init__(self, lowered: Mapping[str, str]) -> None:
        self._data = lowered

    def __getitem__(self, key: str) -> str:
        return self._data[key.lower()]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _decode(spec: ParameterSpec, raw: Any) -> tuple[Any, tuple[str, str] | None]:
    """Wire text to the value the schema describes; (rule, message) when it cannot be."""
    if spec.location == "body" or not isinstance(raw, str):
        return raw, None
    if spec.wire == "json":
        try:
            return json.loads(raw), None
        except ValueError:
            return None, ("json-wire", f"{spec.name} must be one JSON-encoded value")
    return _coerce(raw, spec.schema.get("type"))


def _coerce(text: str, declared: Any) -> tuple[Any, tuple[str, str] | None]:
    types = declared if isinstance(declared, list) else [declared]
    for kind in types:
        if kind == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true", None
        if kind == "integer" and _INTEGER.match(text):
            return int(text), None
        if kind == "number" and _NUMBER.match(text) and math.isfinite(float(text)):
            return float(text), None
        if kind in (None, "string"):
            return text, None
    return None, ("type", f"{text[:40]!r} is not of type {' or '.join(map(str, types))}")


def _rule(error: ValidationError) -> str:
    """jsonschema keyword to rule name: maxItems -> max-items, type -> type."""
    keyword = str(error.validator)
    return re.sub(r"(?<!^)([A-Z])", r"-\1", keyword).lower()


def _message(spec: ParameterSpec, error: ValidationError) -> str:
    text = error.message
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{spec.name}: {text}"
