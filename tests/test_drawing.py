"""Self-tests of ``cases/drawing.py``, the schemathesis suite's cheap case generator: positive
draws keep every parameter within its schema, negative draws break at least one, each of its
mutations really breaks the schema, and the suite's tests still fail a target answering 5xx
(schemathesis' ``not_a_server_error``) and pass the reference mock, whichever way the cases
were drawn."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backup_conformance.cases import drawing
from backup_conformance.cases.generated import strategy as schemathesis_strategy
from backup_conformance.checks import CheckFailure, CheckFailures
from backup_conformance.contracts import Contract, ParameterSpec, load_catalogue, schema_validator
from backup_conformance.mock import Fault, FaultInjector
from backup_conformance.runtime import Run, RunOptions

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue()
EXAMPLES = 60
#: Schemas beyond the five contracts' (bounds, patterns, nested arrays and objects), so every
#: mutation of ``drawing.breaks`` is exercised.
EXTRA_SCHEMAS: dict[str, dict[str, Any]] = {
    "bounded-integer": {"type": "integer", "minimum": 1, "maximum": 100},
    "exclusive-number": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "short-string": {"type": "string", "minLength": 2, "maxLength": 8},
    "patterned-string": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"},
    "enum-integer": {"type": "integer", "enum": [1, 2, 3]},
    "bounded-array": {"type": "array", "items": {"type": "integer", "maximum": 9},
                      "minItems": 1, "maxItems": 3},
    "object": {"type": "object", "required": ["Name"],
               "properties": {"Name": {"type": "string", "maxLength": 4},
                              "Size": {"type": "integer", "minimum": 0}}},
    "array-of-objects": {"type": "array", "maxItems": 2,
                         "items": {"type": "object", "required": ["Id"],
                                   "properties": {"Id": {"type": "string"}}}},
}
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))


def _draw_all(strategy: st.SearchStrategy[Any], check: Callable[[Any], None]) -> int:
    seen = []

    @SETTINGS
    @given(strategy)
    def run(value: Any) -> None:
        check(value)
        seen.append(value)

    run()
    return len(seen)


def _decoded(contract: Contract, case: Any) -> dict[str, Any]:
    """A drawn ``Case``'s values by parameter name, as ``cases.generated`` reads them."""
    headers = {k.lower(): v for k, v in (case.headers or {}).items()}
    body = case.body if isinstance(case.body, Mapping) else {}
    values: dict[str, Any] = {}
    for spec in contract.parameters:
        if spec.location == "query" and spec.name in case.query:
            value = case.query[spec.name]
            values[spec.name] = json.loads(value) if spec.wire == "json" else value
        elif spec.location == "path" and spec.name in case.path_parameters:
            values[spec.name] = unquote(case.path_parameters[spec.name])
        elif spec.location == "header" and spec.name.lower() in headers:
            values[spec.name] = headers[spec.name.lower()]
        elif spec.location == "body" and spec.name in body:
            values[spec.name] = body[spec.name]
    return values


@pytest.mark.parametrize("api_id", sorted(CATALOGUE))
def test_positive_draws_keep_every_parameter_valid(api_id: str) -> None:
    contract = CATALOGUE[api_id]

    def valid(case: Any) -> None:
        values = _decoded(contract, case)
        for spec in contract.parameters:
            if spec.location == "header":
                continue  # positive mode sends the client's own protocol headers
            assert spec.name in values or not spec.required, spec.name
            if spec.name in values:
                assert schema_validator(spec.schema).is_valid(values[spec.name]), (
                    spec.name, values[spec.name])

    assert _draw_all(drawing.strategy(contract, "positive"), valid) >= 1


@pytest.mark.parametrize("api_id", sorted(CATALOGUE))
def test_negative_draws_break_at_least_one_parameter(api_id: str) -> None:
    contract = CATALOGUE[api_id]

    def broken(case: Any) -> None:
        values = _decoded(contract, case)
        assert any(
            (spec.required and spec.name not in values and spec.location != "path")
            or (spec.name in values and spec.location in ("query", "body")
                and not schema_validator(spec.schema).is_valid(values[spec.name]))
            or (spec.name in values and spec.location in ("path", "header")
                and not _valid_text(spec, values[spec.name]))
            for spec in contract.parameters), values

    assert _draw_all(drawing.strategy(contract, "negative"), broken) == EXAMPLES


def _valid_text(spec: ParameterSpec, text: str) -> bool:
    """Whether a path or header value, which travels as text, was drawn as a valid string:
    a wrong-typed value is drawn as its JSON text and so differs from any valid draw's type
    only before serialisation; compare it as the generator drew it."""
    if spec.schema.get("type") != "string":
        return True
    return schema_validator(spec.schema).is_valid(text) and not _looks_typed(text)


def _looks_typed(text: str) -> bool:
    try:
        return not isinstance(json.loads(text), str)
    except ValueError:
        return False


@pytest.mark.parametrize("name", sorted(EXTRA_SCHEMAS))
@pytest.mark.parametrize("location", ["query", "body"])
def test_every_mutation_breaks_the_schema(name: str, location: str) -> None:
    spec = ParameterSpec(name, location, True, EXTRA_SCHEMAS[name],
                         "json" if location == "query" else "plain", f"self-test:{name}")
    validator = schema_validator(spec.schema)
    breaks = drawing.breaks(spec)
    assert breaks is not None
    assert _draw_all(breaks, lambda v: v is drawing.MISSING or not validator.is_valid(v)) > 0
    assert _draw_all(drawing.valid(spec), lambda v: validator.is_valid(v)) > 0


def test_an_unconstrained_untyped_parameter_cannot_be_broken() -> None:
    assert drawing.breaks(ParameterSpec("Any", "query", False, {}, "plain", "self-test")) is None


def test_strategies_are_built_once_per_operation_and_mode() -> None:
    contract = CATALOGUE["dbs.StopBackupPlan"]
    assert drawing.strategy(contract, "negative") is drawing.strategy(contract, "negative")
    other = dataclasses.replace(contract)  # another catalogue's operation under the same id
    assert drawing.strategy(other, "negative") is not drawing.strategy(contract, "negative")
    with pytest.raises(ValueError, match="expected 'positive' or 'negative'"):
        drawing.strategy(contract, "sideways")


def _suite() -> Any:
    """``suites/test_schemathesis.py`` as a module (suites/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bc_suite_schemathesis",
                                                  ROOT / "suites" / "test_schemathesis.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def _run(faults: FaultInjector | None = None) -> Iterator[Run]:
    run = Run(RunOptions(), CATALOGUE)
    assert run.embedded is not None
    if faults is not None:
        run.embedded.app.faults = faults
    try:
        yield run  # examples: the active hypothesis profile's (ci: 10)
    finally:
        run.close()


DRAWN_BY = {"drawing": drawing.strategy, "schemathesis": schemathesis_strategy}


@pytest.mark.parametrize("drawn_by", sorted(DRAWN_BY))
def test_suite_fails_a_target_answering_5xx(drawn_by: str) -> None:
    contract = CATALOGUE["dbs.StopBackupPlan"]
    with _run(FaultInjector([Fault("error", 1.0, status=503)])) as run, pytest.raises(
            (CheckFailure, CheckFailures)) as raised:
        _suite()._judge_generated(run, contract, "negative",
                                  DRAWN_BY[drawn_by](contract, "negative"))
    found = raised.value.failures if isinstance(raised.value, CheckFailures) else [raised.value]
    assert "not-a-server-error" in {f.check for f in found}


@pytest.mark.parametrize("drawn_by", sorted(DRAWN_BY))
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_suite_passes_the_reference_mock(drawn_by: str, mode: str) -> None:
    contract = CATALOGUE["vbs.CancelBackupSharing"]
    with _run() as run:
        _suite()._judge_generated(run, contract, mode, DRAWN_BY[drawn_by](contract, mode))
