"""Each check fails on a response that breaks its documented point and passes on conforming ones.

Cases are data (``tests/data/checks/cases.json``): API, case kind, strictness, the response, and
exactly which checks must fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backup_conformance.checks import (
    Case,
    CheckFailure,
    CheckFailures,
    Observed,
    Violation,
    check,
    failures,
    judge,
    registered,
)
from backup_conformance.contracts import load_catalogue, schema_validator

CASES = json.loads((Path(__file__).parent / "data" / "checks" / "cases.json").read_text())
CATALOGUE = load_catalogue()


def _observed(case: dict[str, Any]) -> Observed:
    body = case["raw_body"].encode() if "raw_body" in case else json.dumps(case["body"]).encode()
    return Observed(case["status"], case["headers"], body)


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_check_verdicts(case: dict[str, Any]) -> None:
    subject = Case(CATALOGUE[case["api"]], case["kind"], case["strictness"])
    found = failures(subject, _observed(case))
    assert sorted(f.check for f in found) == sorted(case["fails"]), [f.render() for f in found]


def test_every_response_check_has_a_case_that_makes_it_fail() -> None:
    failing = {name for case in CASES for name in case["fails"]}
    response_checks = {n for n, spec in registered().items() if spec.scope == "response"}
    assert response_checks <= failing, response_checks - failing


def test_a_failure_names_received_documented_and_the_page_line() -> None:
    subject = Case(CATALOGUE["gaussdbfornosql.DeleteBackup"], "positive", "docs")
    with pytest.raises(CheckFailure) as info:
        judge(subject, Observed(200, {"X-Request-Id": "r"}, b'{"job_id": "x"}'),
              repro="curl -X DELETE http://127.0.0.1/v3/p/backups/b")
    text = str(info.value)
    assert text.splitlines() == [
        "[success-status] Undocumented status for a valid request",
        'Received: 200 {"job_id": "x"}',
        "Documented: [202]",
        "Source: 004_635508fb7d817dd1.txt:57 (page)",
        "Reproduce: curl -X DELETE http://127.0.0.1/v3/p/backups/b",
    ]
    assert info.value.api_id == "gaussdbfornosql.DeleteBackup"


def test_several_failures_are_all_reported() -> None:
    subject = Case(CATALOGUE["hbr.CancelBackupJob"], "negative", "vendor")
    with pytest.raises(CheckFailures) as info:
        judge(subject, Observed(500, {"Content-Type": "text/html"}, b"<html/>"))
    assert {f.check for f in info.value.failures} >= {"rejects-invalid", "error-envelope"}


def test_a_duplicate_check_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'success-status' is already registered by"):
        check("success-status", title="again", layer="page")(lambda case, observed: None)


def test_an_unknown_case_kind_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid: positive, negative, business-error"):
        Case(CATALOGUE["hbr.CancelBackupJob"], "positiv")


def test_a_lazy_reproduction_is_built_only_for_a_failure() -> None:
    """``repro`` as a callable: the redacted curl line costs nothing on a conforming answer."""
    subject = Case(CATALOGUE["gaussdbfornosql.DeleteBackup"], "positive", "docs")
    built: list[str] = []

    def repro() -> str:
        built.append("curl")
        return "curl -X DELETE http://127.0.0.1/v3/p/backups/b"

    judge(subject, Observed(202, {"X-Request-Id": "r"}, b'{"job_id": "x"}'), repro=repro)
    assert built == []
    with pytest.raises(CheckFailure) as info:
        judge(subject, Observed(200, {"X-Request-Id": "r"}, b'{"job_id": "x"}'), repro=repro)
    assert built == ["curl"] and info.value.repro.startswith("curl -X DELETE")


def test_a_schema_validator_is_built_once_per_schema() -> None:
    schema = CATALOGUE["gaussdbfornosql.DeleteBackup"].response_schema(202)
    assert schema is not None
    assert schema_validator(schema) is schema_validator(schema)
    assert schema_validator(dict(schema)) is not schema_validator(schema)  # keyed by object
    assert schema_validator(schema).is_valid({"job_id": "x"})
    assert not schema_validator(schema).is_valid({"job_id": 7})


@pytest.fixture
def scratch_checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A registry of this test's own checks, so registering them leaves the real one intact."""
    from backup_conformance.checks import registry

    scratch: dict[str, Any] = {}
    monkeypatch.setattr(registry, "_REGISTRY", scratch)
    return scratch


def test_the_registry_names_a_violation_after_its_registration(
        scratch_checks: dict[str, Any]) -> None:
    """A check raises only what it saw; name, layer, severity and API come from the registry."""
    @check("scratch-observed", title="scratch", layer="vendor-common", severity="medium")
    def observed_only(case: Case, observed: Observed) -> None:
        raise Violation("saw it", received=observed.status, documented=200, source="p.txt:1")

    subject = Case(CATALOGUE["hbr.CancelBackupJob"], "positive", "vendor")
    [failure] = failures(subject, Observed(500, {}, b""))
    assert (failure.check, failure.layer, failure.severity, failure.api_id) == (
        "scratch-observed", "vendor-common", "medium", "hbr.CancelBackupJob")
    assert (failure.title, failure.received, failure.source) == ("saw it", 500, "p.txt:1")


@pytest.mark.parametrize("name, layer", [("success-status", "strict"),
                                         ("another-check", "strict"),
                                         ("another-check", "page")])
def test_a_check_cannot_raise_a_failure_naming_another_check_or_layer(
        scratch_checks: dict[str, Any], name: str, layer: str) -> None:
    @check("another-check", title="scratch", layer="strict")
    def impostor(case: Case, observed: Observed) -> None:
        raise CheckFailure(name, "t", received=1, documented=2, source="s", layer=layer)

    subject = Case(CATALOGUE["hbr.CancelBackupJob"], "positive", "strict")
    if (name, layer) == ("another-check", "strict"):  # its own name and layer: allowed through
        assert [f.check for f in failures(subject, Observed(200, {}, b""))] == ["another-check"]
        return
    with pytest.raises(TypeError, match=f"check 'another-check' \\(strict\\) raised a failure "
                                        f"naming '{name}' \\({layer}\\)"):
        failures(subject, Observed(200, {}, b""))


def test_an_unknown_severity_is_refused(scratch_checks: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown severity 'grave'"):
        check("scratch-grave", title="t", layer="page", severity="grave")(lambda c, o: None)

    @check("scratch-escalates", title="t", layer="page")
    def escalates(case: Case, observed: Observed) -> None:
        raise Violation("t", received=1, documented=2, source="s", severity="grave")

    with pytest.raises(ValueError, match="'scratch-escalates': unknown severity 'grave'"):
        failures(Case(CATALOGUE["hbr.CancelBackupJob"], "positive", "docs"),
                 Observed(200, {}, b""))
