"""The conformance matrix of ``backup-conformance run``: schema-valid JSON for a passing run
(embedded mock) and a failing one (a mutant), the Markdown comment, the matrix JUnit, pytest's
JUnit properties, the terminal summary and the diff against a previous run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from backup_conformance.reporting import CaseRecord, build_matrix, validate_matrix
from backup_conformance.reporting.matrix import SCHEMA_PATH

TIMEOUT = 180
API = "hbr.CancelBackupJob"
MUTANT = "hbr-cancel-success-201"  # a valid cancel answered 201: success-status, page line 50
SELECT = "positive or examples or invalid_request"  # three suites keep the runs short


@dataclass
class Run:
    code: int
    out: str
    reports: Path

    def matrix(self) -> dict:
        return json.loads((self.reports / "matrix.json").read_text())


def run(reports: Path, *args: str, env: dict[str, str] | None = None,
        whole: bool = False) -> Run:
    """``backup-conformance run`` on one API and three suites (``whole``: everything)."""
    narrow = [] if whole else ["--api", API]
    select = [] if whole else ["-k", SELECT]
    done = subprocess.run(
        [sys.executable, "-m", "backup_conformance.cli", "run", "--report-dir", str(reports),
         *narrow, *args, *select], capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, **(env or {})})
    return Run(done.returncode, done.stdout + done.stderr, reports)


@pytest.fixture(scope="module")
def passing(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run(tmp_path_factory.mktemp("passing"))


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory, passing: Run) -> Run:
    return run(tmp_path_factory.mktemp("failing"), "--previous-matrix",
               str(passing.reports / "matrix.json"), "--mock-option",
               f"mutation={MUTANT}")


def test_the_published_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_a_passing_run_writes_a_schema_valid_conformant_matrix(passing: Run) -> None:
    assert passing.code == 0, passing.out[-3000:]
    matrix = passing.matrix()
    validate_matrix(matrix)
    assert matrix["verdict"] == "conformant"
    assert matrix["target"].startswith("embedded reference mock")
    cells = {(c["api"], c["check"]): c for c in matrix["cells"]}
    assert cells[(API, "positive")]["status"] == "pass"
    assert cells[(API, "missing-required")]["passed"] == 2  # JobId and VaultId
    assert {c["api"] for c in matrix["cells"]} == {API}
    assert all(f.exists() for f in (passing.reports / n for n in (
        "matrix.md", "matrix.html", "matrix-junit.xml", "junit.xml")))


def test_a_failing_run_maps_each_failure_to_its_check_and_page_line(failing: Run) -> None:
    assert failing.code == 1, failing.out[-3000:]
    matrix = failing.matrix()
    validate_matrix(matrix)
    assert matrix["verdict"] == "non-conformant"
    cell = next(c for c in matrix["cells"] if (c["api"], c["check"]) == (API, "positive"))
    assert cell["status"] == "fail"
    (case,) = cell["cases"]
    assert case["test"] == f"test_positive.py::test_valid_call_succeeds[{API}]"
    (failure,) = case["failures"]
    assert failure["check"] == "success-status"
    assert failure["source"] == "000_10d5ee10dc05d446.txt:50"
    assert failure["received"].startswith("201 ")
    assert failure["documented"] == "[200]"
    assert failure["repro"].startswith("curl -sS -X POST ")
    assert "x-acs-action: CancelBackupJob" in failure["repro"]
    negative = next(c for c in matrix["cells"] if c["check"] == "missing-required")
    assert negative["status"] == "pass"  # the mutant breaks successes only


def test_the_markdown_comment_shows_the_matrix_and_the_failure(failing: Run) -> None:
    text = (failing.reports / "matrix.md").read_text()
    assert text.startswith("## Conformance matrix: ❌ non-conformant")
    assert f"| `{API}` | Alibaba Cloud |" in text
    assert "| `positive` | ❌ fail |" in text
    assert "| `missing-required` | ✅ pass 2/2 |" in text
    assert "[success-status] Undocumented status for a valid request" in text
    assert "- Source: `000_10d5ee10dc05d446.txt:50` (page, high)" in text
    assert "Received:   201 " in text and "Documented: [200]" in text


def test_junit_names_api_check_and_case(failing: Run) -> None:
    root = ET.parse(failing.reports / "matrix-junit.xml").getroot()
    suite = root.find(f"testsuite[@name='{API}']")
    assert suite is not None and int(suite.get("failures", "0")) >= 1
    names = {(c.get("classname"), c.get("name")) for c in suite.iter("testcase")}
    assert (f"{API}.negative", "missing-required [hbr.CancelBackupJob-missing-required:JobId]") \
        in names
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert any("success-status" in (c.find("failure").get("message") or "") for c in failed)
    # pytest's own JUnit carries the matrix position as properties
    pytest_junit = ET.parse(failing.reports / "junit.xml").getroot()
    props = {(p.get("name"), p.get("value")) for p in pytest_junit.iter("property")}
    assert ("api", API) in props and ("check", "positive") in props
    assert ("failed-check", "success-status") in props


def test_the_terminal_shows_per_api_progress_and_the_summary_table(failing: Run) -> None:
    assert f"[backup-conformance] finished {API}: " in failing.out
    header = next(line for line in failing.out.splitlines() if line.startswith("API "))
    assert header.split() == ["API", "passed", "failed", "not", "run", "expected"]
    row = next(line for line in failing.out.splitlines() if line.startswith(API + " "))
    assert int(row.split()[2]) >= 2  # the positive case and the doc example


def test_the_diff_names_what_regressed_since_the_previous_run(failing: Run) -> None:
    assert "since the previous matrix: " in failing.out
    assert f"regressed: {API} x positive x test_positive.py::test_valid_call_succeeds" \
           in failing.out
    diff = (failing.reports / "matrix-diff.md").read_text()
    assert "## Regressed (passed before, fails now)" in diff
    assert "success-status" in diff


def _record(apis: tuple[str, ...], check: str, outcome: str, **kw: object) -> CaseRecord:
    return CaseRecord(apis, check, "lifecycle", "", f"test_x.py::t[{check}]", outcome,
                      **kw)  # type: ignore[arg-type]


def test_a_multi_api_test_fails_only_the_api_its_failure_names() -> None:
    failure = {"check": "repeat-refused", "title": "t", "received": "r", "documented": "d",
               "source": "000_10d5ee10dc05d446.txt:9", "layer": "page", "severity": "high",
               "api_id": "hbr.CancelBackupJob", "repro": "curl x"}
    records = [_record(("hbr.CancelBackupJob", "dbs.StopBackupPlan"), "lifecycles-interleaved",
                       "failed", failures=[failure]),
               _record(("dbs.StopBackupPlan",), "auth-valid-accepted", "not-run",
                       reason="no credentials for dbs")]
    matrix = build_matrix(records, [], target="t", strictness="vendor")
    validate_matrix(matrix)
    cells = {(c["api"], c["check"]): c for c in matrix["cells"]}
    assert cells[("hbr.CancelBackupJob", "lifecycles-interleaved")]["status"] == "fail"
    stopped = cells[("dbs.StopBackupPlan", "lifecycles-interleaved")]
    assert stopped["status"] == "not-run"
    assert stopped["reasons"] == ["stopped early: hbr.CancelBackupJob failed"]
    assert cells[("dbs.StopBackupPlan", "auth-valid-accepted")]["reasons"] == [
        "no credentials for dbs"]
    quote = cells[("hbr.CancelBackupJob", "lifecycles-interleaved")]["cases"][0]["failures"][0]
    assert quote["quote"]  # the page line's text travels with the failure


def test_the_schema_rejects_a_matrix_with_an_unknown_status() -> None:
    matrix = build_matrix([_record(("a.B",), "positive", "passed")], [], target="t")
    matrix["cells"][0]["status"] = "green"
    with pytest.raises(jsonschema.ValidationError):
        validate_matrix(matrix)


def test_the_matrix_shows_each_checks_evidence_and_levels(passing: Run) -> None:
    from backup_conformance.checks import registered

    evidence = {row["check"]: row for row in passing.matrix()["evidence"]}
    assert set(evidence) == set(registered())
    assert evidence["success-status"]["levels"] == ["docs", "vendor", "strict"]
    assert evidence["empty-body"]["levels"] == ["strict"]
    assert {"api": API, "level": "vendor", "fact": "a valid request gets [200]",
            "source": "000_10d5ee10dc05d446.txt:50", "table": "", "contested": [],
            "overrides": []} in evidence["success-status"]["evidence"]
    text = (passing.reports / "matrix.md").read_text()
    assert "Evidence per check (at <code>vendor</code>" in text
    assert "| `empty-body` | strict | strict | not judged at vendor |" in text


def test_a_failure_names_the_evidence_it_rested_on(failing: Run) -> None:
    cell = next(c for c in failing.matrix()["cells"] if (c["api"], c["check"]) == (API,
                                                                                   "positive"))
    (failure,) = cell["cases"][0]["failures"]
    assert failure["evidence"] == [{"fact": "a valid request gets [200]",
                                    "source": "000_10d5ee10dc05d446.txt:50", "table": "",
                                    "contested": [], "overrides": []}]
    text = (failing.reports / "matrix.md").read_text()
    assert "- Rests on: a valid request gets [200]: 000_10d5ee10dc05d446.txt:50" in text


def test_a_matrix_without_evidence_still_validates_and_renders() -> None:
    """Matrices written before the evidence table (a --previous-matrix) stay readable."""
    from backup_conformance.reporting import render_html, render_md

    matrix = build_matrix([_record(("a.B",), "positive", "passed")], [], target="t")
    assert "evidence" not in matrix
    validate_matrix(matrix)
    assert "Evidence per check" not in render_md.render(matrix)
    assert 'id="evidence"' not in render_html.render(matrix)
    row = {"check": "success-status", "title": "t", "layer": "page", "severity": "high",
           "scope": "response", "levels": ["docs"], "evidence": [
               {"api": "a.B", "level": "docs", "fact": "f", "source": "s", "table": "partial",
                "contested": [], "overrides": []}]}
    with pytest.raises(jsonschema.ValidationError, match="'partial' is not one of"):
        validate_matrix({**matrix, "evidence": [row]})


def test_the_summary_says_why_tests_were_not_run() -> None:
    """Anomaly withholdings apart from everything else, so "not run" cannot hide a suite."""
    from backup_conformance.reporting.summary import not_run_lines

    anomaly = ("doc anomaly example-request-omits-path-param-id (002_x.txt:56): The sample "
               "request has no {id} segment")
    withheld = _record(("vbs.CancelBackupSharing",), "example", "not-run", reason=anomaly)
    passed = _record(("vbs.CancelBackupSharing",), "positive", "passed")
    assert not_run_lines([passed]) == []
    assert not_run_lines([withheld, passed]) == [
        "not run: 1 withheld by recorded doc anomalies (example-request-omits-path-param-id; "
        "see the contracts' ANOMALIES.md)",
        "not run: nothing else; every suite ran"]
    no_keys = [_record(("hbr.CancelBackupJob",), c, "not-run", reason="no credentials for hbr")
               for c in ("auth-unsigned", "auth-stale")]
    lines = not_run_lines([withheld, *no_keys])
    assert lines[1:] == ["not run: 2 for other reasons:", "  2 x no credentials for hbr"]
