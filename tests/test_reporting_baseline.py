"""Baselines: recorded failures become expected ones; new failures still fail; fixed entries
are reported for pruning; expired entries fail again; ``--update-baseline`` writes the file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_reporting_matrix import API, MUTANT, run

from backup_conformance.reporting import CaseRecord
from backup_conformance.reporting.baseline import Baseline, BaselineError, Entry

TODAY = date(2026, 1, 15)
TEST = f"test_positive.py::test_valid_call_succeeds[{API}]"


def _failure(check: str, api: str = API) -> dict[str, str]:
    return {"check": check, "title": "t", "received": "r", "documented": "d", "source": "s",
            "layer": "page", "severity": "high", "api_id": api, "repro": ""}


def _record(outcome: str, *checks: str, test: str = TEST) -> CaseRecord:
    return CaseRecord((API,), "positive", "positive", API, test, outcome,
                      failures=[_failure(c) for c in checks])


def _baseline(*entries: Entry) -> Baseline:
    return Baseline(entries, Path("baseline.json"))


def test_a_failure_every_check_of_which_is_recorded_is_expected() -> None:
    entry = Entry(API, "success-status", TEST, "vendor ticket 1")
    found = _baseline(entry).covering([_failure("success-status")], "", (API,), "positive",
                                      TEST, TODAY)
    assert found == [entry]


def test_a_failure_on_an_unrecorded_check_is_new_and_counts() -> None:
    baseline = _baseline(Entry(API, "success-status", TEST, "known"))
    failures = [_failure("success-status"), _failure("response-schema")]
    assert baseline.covering(failures, "", (API,), "positive", TEST, TODAY) == []
    verdict = baseline.verdict([_record("failed", "success-status", "response-schema")], TODAY)
    assert verdict["new"] == [{"api": API, "check": "response-schema", "test": TEST}]
    assert [e["check"] for e in verdict["expected"]] == ["success-status"]


def test_an_entry_whose_test_passes_is_reported_fixed() -> None:
    baseline = _baseline(Entry(API, "success-status", TEST, "known"))
    verdict = baseline.verdict([_record("passed")], TODAY)
    assert [e["check"] for e in verdict["fixed"]] == ["success-status"]
    assert verdict["expected"] == verdict["new"] == []


def test_an_entry_whose_test_did_not_run_says_nothing() -> None:
    baseline = _baseline(Entry(API, "success-status", TEST, "known"))
    verdict = baseline.verdict([_record("not-run")], TODAY)
    assert verdict["fixed"] == verdict["expected"] == verdict["expired"] == []


def test_an_expired_entry_no_longer_covers_its_failure() -> None:
    entry = Entry(API, "success-status", TEST, "known", expires=date(2026, 1, 14))
    baseline = _baseline(entry)
    assert baseline.covering([_failure("success-status")], "", (API,), "positive", TEST,
                             TODAY) == []
    assert baseline.covering([_failure("success-status")], "", (API,), "positive", TEST,
                             date(2026, 1, 14)) == [entry]  # good through its last day
    verdict = baseline.verdict([_record("failed", "success-status")], TODAY)
    assert [e["expires"] for e in verdict["expired"]] == ["2026-01-14"]


def test_update_keeps_reasons_drops_fixed_and_adds_new(tmp_path: Path) -> None:
    old = Entry(API, "success-status", TEST, "vendor ticket 1", expires=date(2026, 6, 30))
    gone = Entry(API, "request-id", "test_x.py::t", "fixed since")
    updated = _baseline(old, gone).updated(
        [_record("expected-failure", "success-status"),
         _record("failed", "error-envelope", test="test_y.py::t"),
         _record("passed", test="test_x.py::t")], TODAY)
    path = tmp_path / "baseline.json"
    updated.write(path)
    reread = Baseline.load(path)
    assert [(e.check, e.reason, e.expires) for e in reread.entries] == [
        ("error-envelope", "recorded by --update-baseline on 2026-01-15: say why it is "
                           "expected, or fix it", None),
        ("success-status", "vendor ticket 1", date(2026, 6, 30))]


@pytest.mark.parametrize(("content", "message"), [
    ("{", "not JSON"),
    ('{"format": "other"}', '"format": "backup-conformance/baseline"'),
    ('{"format": "backup-conformance/baseline", "version": 1, "entries": [{"api": "a"}]}',
     "entry 1: needs a non-empty check, test, reason"),
    ('{"format": "backup-conformance/baseline", "version": 1, "entries": [{"api": "a", '
     '"check": "c", "test": "t", "reason": "r", "expires": "soon"}]}',
     "expires 'soon' is not a date"),
])
def test_a_bad_baseline_file_is_named_with_the_problem(tmp_path: Path, content: str,
                                                       message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=r"baseline .*b\.json") as caught:
        Baseline.load(path)
    assert message in str(caught.value)


def test_baseline_end_to_end(tmp_path: Path) -> None:
    """Record the mutant's failures, then: expected (exit 0), an extra entry for a passing
    test reported fixed, an expired entry failing the run again."""
    path = tmp_path / "baseline.json"
    mutant = ["--mock-option", f"mutation={MUTANT}"]
    recorded = run(tmp_path / "r1", "--baseline", str(path), "--update-baseline", *mutant)
    assert recorded.code == 1, recorded.out[-3000:]
    data = json.loads(path.read_text())
    keys = {(e["api"], e["check"], e["test"]) for e in data["entries"]}
    assert (API, "success-status", TEST) in keys

    passing_test = ("test_negative.py::test_invalid_request_is_rejected"
                    f"[{API}-missing-required:JobId]")
    data["entries"].append({"api": API, "check": "rejects-invalid", "test": passing_test,
                            "reason": "was broken last month"})
    path.write_text(json.dumps(data))
    expected = run(tmp_path / "r2", "--baseline", str(path), *mutant)
    assert expected.code == 0, expected.out[-3000:]
    assert (f"baseline entry {API} x rejects-invalid x {passing_test} no longer fails: "
            "prune it") in expected.out
    matrix = expected.matrix()
    cell = next(c for c in matrix["cells"] if c["check"] == "positive")
    assert cell["status"] == "expected-fail"
    assert matrix["baseline"]["fixed"][0]["test"] == passing_test
    assert "⚠️ expected" in (tmp_path / "r2" / "matrix.md").read_text()

    for entry in data["entries"]:
        entry["expires"] = "2020-01-01"
    path.write_text(json.dumps(data))
    expired = run(tmp_path / "r3", "--baseline", str(path), *mutant)
    assert expired.code == 1, expired.out[-3000:]
    assert f"baseline entry {API} x success-status x {TEST} expired on 2020-01-01" \
           in expired.out
