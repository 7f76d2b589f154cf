"""Cheap generation of the schemathesis suite's cases, straight from the contract's schemas.

Schemathesis draws every case through ``APIOperation.as_strategy``, which rebuilds and
re-canonicalises schemas per draw (and, in negative mode, mutates the whole operation per
draw): ~5.5 of the ~8 ms a plain schemathesis case costs here, so a suite drawing through it
cannot be much faster than schemathesis itself. This module draws the same operations' cases
from strategies built once per operation and mode:

- positive: every parameter but the protocol headers (``from_case`` ignores them in positive
  mode) from its JSON Schema, through ``hypothesis_jsonschema.from_schema``; an optional
  parameter is sent or left out;
- negative: a non-empty set of parameters is broken, each by one of the mutations its schema
  allows (``breaks``: left out when required, a value of another JSON type, outside its enum,
  longer or shorter than its bounds, past its minimum or maximum, against its pattern, an
  array with too many or too few items or a broken item, an object missing a required
  property or with a broken one), every broken value checked invalid against the schema; the
  other parameters are drawn valid.

Each draw is a schemathesis ``Case`` of the operation (``operation.Case``), so ``from_case``
reads it exactly as a schemathesis-drawn one (the kind still comes from the request as sent)
and schemathesis' own ``not_a_server_error`` still judges it. The suite keeps one test that
draws through schemathesis itself (``suites/test_schemathesis.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from backup_conformance.cases.generated import operation
from backup_conformance.contracts import Contract, ParameterSpec, schema_validator

#: Marks a broken parameter that is left out of the request (a required one).
MISSING = object()
#: Values of another JSON type a location can carry, by location (headers and path segments
#: carry scalars only; a JSON-encoded query parameter and a body carry any JSON value).
WRONG_TYPES = {
    "header": ("boolean", "integer", "string"),
    "path": ("boolean", "integer", "number", "string"),
    "query": ("array", "boolean", "integer", "number", "string"),
    "json": ("array", "boolean", "integer", "null", "number", "object", "string"),
}
_OTHER_TYPES = {"array": {"type": "array", "maxItems": 3,
                          "items": {"type": ["boolean", "integer", "string"]}}}
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_ANNOTATIONS = ("description", "example", "examples", "title")
#: By API id and mode: the contract it was built for (another catalogue may reuse the id) and
#: the strategy.
_STRATEGIES: dict[tuple[str, str], tuple[Contract, st.SearchStrategy[Any]]] = {}


def strategy(contract: Contract, mode: str) -> st.SearchStrategy[Any]:
    """Schemathesis ``Case`` objects of ``contract`` in ``mode`` (built once per mode)."""
    key = (contract.api_id, mode)
    cached = _STRATEGIES.get(key)
    if cached is None or cached[0] is not contract:
        if mode == "positive":
            cached = (contract, _positive(contract))
        elif mode == "negative":
            cached = (contract, _negative(contract))
        else:
            raise ValueError(f"mode {mode!r}: expected 'positive' or 'negative'")
        _STRATEGIES[key] = cached
    return cached[1]


def _positive(contract: Contract) -> st.SearchStrategy[Any]:
    # Resource ids are drawn although ``from_case`` replaces them: the case keeps its path,
    # and an operation with no other parameter still gets the profile's examples.
    specs = [s for s in contract.parameters if s.location != "header"]
    return st.fixed_dictionaries(
        {s.name: valid(s) for s in specs if s.required},
        optional={s.name: valid(s) for s in specs if not s.required},
    ).map(lambda values: as_case(contract, values))


def _negative(contract: Contract) -> st.SearchStrategy[Any]:
    specs = list(contract.parameters)
    valids = {s.name: valid(s) for s in specs}
    broken = {s.name: breaks(s) for s in specs}
    breakable = sorted(name for name, found in broken.items() if found is not None)
    if not breakable:
        return st.nothing()

    # Built once here, not per draw: building a strategy is a good part of drawing from it.
    choose = st.lists(st.sampled_from(breakable), min_size=1, unique=True)
    send = st.booleans()

    @st.composite
    def cases(draw: st.DrawFn) -> Any:
        chosen = set(draw(choose, label="broken parameters"))
        values: dict[str, Any] = {}
        for spec in specs:
            if spec.name in chosen:
                value = draw(broken[spec.name], label=spec.name)  # type: ignore[arg-type]
            elif spec.required or draw(send, label=f"send {spec.name}"):
                value = draw(valids[spec.name], label=spec.name)
            else:
                continue
            if value is not MISSING:
                values[spec.name] = value
        return as_case(contract, values)

    return cases()


def valid(spec: ParameterSpec) -> st.SearchStrategy[Any]:
    """Values of ``spec`` its schema allows (a path segment is never empty, "." or "..",
    which name another URL; a header value is printable ASCII, as HTTP carries it)."""
    schema = _schema(spec)
    if spec.location == "path" and schema.get("type") == "string":
        schema["minLength"] = max(1, int(schema.get("minLength", 0)))
        return _values(spec.location, schema).filter(lambda v: v not in (".", ".."))
    return _values(spec.location, schema)


def breaks(spec: ParameterSpec) -> st.SearchStrategy[Any] | None:
    """Values (or ``MISSING``) breaking ``spec``'s schema; None when nothing can break it."""
    schema = _schema(spec)
    options: list[st.SearchStrategy[Any]] = []
    if spec.required and spec.location != "path":
        options.append(st.just(MISSING))
    location = "json" if spec.wire == "json" or spec.location == "body" else spec.location
    options += [_values(spec.location, s) for s in _wrong_types(schema, location)]
    options += _violations(spec.location, schema)
    if not options:
        return None
    validator = schema_validator(spec.schema)
    return st.one_of(options).filter(lambda v: v is MISSING or not validator.is_valid(v))


def _wrong_types(schema: Mapping[str, Any], location: str) -> list[dict[str, Any]]:
    """Schemas of the other JSON types ``location`` carries (arrays of a few scalars: a
    recursive any-JSON array costs many draws and breaks the type no better)."""
    kind = schema.get("type")
    if not isinstance(kind, str):
        return []
    return [_OTHER_TYPES.get(t, {"type": t}) for t in WRONG_TYPES[location]
            if t != kind and not (kind == "number" and t == "integer")]


def _violations(location: str, schema: Mapping[str, Any]) -> list[st.SearchStrategy[Any]]:
    """Values of ``schema``'s own type that break one of its constraints."""
    kind = schema.get("type")
    same = {"type": kind} if isinstance(kind, str) else {}
    found: list[dict[str, Any]] = []
    if "enum" in schema and kind in ("string", "integer", "number"):
        found.append({**same, "not": {"enum": list(schema["enum"])}})
    if "maxLength" in schema:
        found.append({**same, "minLength": int(schema["maxLength"]) + 1,
                      "maxLength": int(schema["maxLength"]) + 8})
    if int(schema.get("minLength", 0)) > 0:
        found.append({**same, "maxLength": int(schema["minLength"]) - 1})
    if "pattern" in schema:
        found.append({**same, "not": {"pattern": schema["pattern"]}})
    for low, high in (("minimum", "exclusiveMaximum"), ("exclusiveMinimum", "maximum")):
        if low in schema:
            found.append({**same, high: schema[low]})
    for high, low in (("maximum", "exclusiveMinimum"), ("exclusiveMaximum", "minimum")):
        if high in schema:
            found.append({**same, low: schema[high]})
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    if "maxItems" in schema:
        found.append({**same, "items": items, "minItems": int(schema["maxItems"]) + 1,
                      "maxItems": int(schema["maxItems"]) + 3})
    if int(schema.get("minItems", 0)) > 0:
        found.append({**same, "items": items, "maxItems": int(schema["minItems"]) - 1})
    drawn = [_values(location, s) for s in found]
    if items:
        item_breaks = ([_values(location, s) for s in _wrong_types(items, "json")]
                       + _violations(location, items))
        if item_breaks:
            drawn.append(_with_one(st.lists(_values(location, items), max_size=3),
                                   st.one_of(item_breaks)))
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for name in schema.get("required", []):
            if name in properties:
                drawn.append(_objects(location, schema, leave_out=name))
    return drawn


def _with_one(values: st.SearchStrategy[list[Any]], item: st.SearchStrategy[Any]
              ) -> st.SearchStrategy[list[Any]]:
    """Lists of ``values`` with one ``item`` inserted somewhere."""
    return st.tuples(values, item, st.integers(0, 3)).map(
        lambda t: [*t[0][:t[2]], t[1], *t[0][t[2]:]])


def _schema(spec: ParameterSpec) -> dict[str, Any]:
    """``spec``'s schema without annotations or vendor keys (plain dicts all the way)."""
    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()
                    if k not in _ANNOTATIONS and not str(k).startswith("x-")}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value
    result: dict[str, Any] = plain(spec.schema)
    return result


def _values(location: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values of ``schema``: ``hypothesis_jsonschema`` draws them, except objects, which its
    0.23 cannot draw under the hypothesis we use (``from_object_schema`` calls the removed
    ``many.more``), so objects are drawn here from their properties."""
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return _objects(location, schema)
    items = schema.get("items")
    if kind == "array" and isinstance(items, Mapping) and _has_object(items):
        low = int(schema.get("minItems", 0))
        return st.lists(_values(location, items), min_size=low,
                        max_size=max(low, min(int(schema.get("maxItems", low + 5)), low + 5)))
    if location == "header":
        return from_schema(dict(schema), codec="ascii", allow_x00=False).filter(_printable)
    return from_schema(dict(schema), allow_x00=location != "path")


def _objects(location: str, schema: Mapping[str, Any], leave_out: str = ""
             ) -> st.SearchStrategy[dict[str, Any]]:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    if not properties:
        return st.dictionaries(st.text(max_size=8), _SCALARS, max_size=3)
    required = set(schema.get("required", [])) - {leave_out}
    parts = {name: _values(location, sub) for name, sub in properties.items()
             if name != leave_out}
    return st.fixed_dictionaries({k: v for k, v in parts.items() if k in required},
                                 optional={k: v for k, v in parts.items() if k not in required})


def _has_object(schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return (schema.get("type") == "object" or "properties" in schema
                or any(_has_object(v) for v in schema.values()))
    if isinstance(schema, list):
        return any(_has_object(v) for v in schema)
    return False


def _printable(value: Any) -> bool:
    return not isinstance(value, str) or all(" " <= c <= "~" for c in value)


def as_case(contract: Contract, values: Mapping[str, Any]) -> Any:
    """``values`` by parameter name as a schemathesis ``Case``, each serialised as
    schemathesis serialises it (a JSON-content parameter as its JSON text, a path segment
    percent-encoded)."""
    query: dict[str, Any] = {}
    path: dict[str, Any] = {}
    headers: dict[str, str] = {}
    body: dict[str, Any] = {}
    for spec in contract.parameters:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.location == "query":
            query[spec.name] = json.dumps(value) if spec.wire == "json" else value
        elif spec.location == "path":
            path[spec.name] = quote(_text(value), safe="")
        elif spec.location == "header":
            headers[spec.name] = _text(value)
        elif spec.location == "body":
            body[spec.name] = value
    made: Callable[..., Any] = operation(contract).Case
    extra = {"body": body} if body else {}
    return made(query=query, path_parameters=path, headers=headers, **extra)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)

