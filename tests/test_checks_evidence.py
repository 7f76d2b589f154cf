"""The evidence table: every check says what it rests on, per API and level, and no check
judged below ``strict`` rests on a truncated (or unheld) table or a contested fact.

The guard is proved to fail: on a deliberately mis-declared deriver and on a test-local check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import backup_conformance.cases.evidence  # noqa: F401  (registers the sequence derivers)
from backup_conformance.cases.auth import ANY_CODE, variant
from backup_conformance.checks import (
    Case,
    CheckFailure,
    Observed,
    check,
    judge_sequence,
    registered,
)
from backup_conformance.checks import evidence as ev
from backup_conformance.checks.evidence import Evidence
from backup_conformance.checks.sequence_checks import AuthAttempt
from backup_conformance.contracts import Contract, load_catalogue

CATALOGUE = load_catalogue()


def _rows(**kwargs: Any) -> list[dict[str, Any]]:
    return ev.table(CATALOGUE, **kwargs)


def _row(rows: list[dict[str, Any]], name: str, api: str, level: str) -> list[dict[str, Any]]:
    return [e for r in rows if r["check"] == name for e in r["evidence"]
            if e["api"] == api and e["level"] == level]


def test_every_registered_check_derives_its_evidence() -> None:
    assert ev.without_deriver() == []
    rows = _rows()
    assert all(r["evidence"] for r in rows), [r["check"] for r in rows if not r["evidence"]]


def test_no_check_below_strict_rests_on_truncated_tables_or_contested_facts() -> None:
    """The false-positive guard: such evidence may be judged only at 'strict'."""
    assert ev.risks(_rows()) == []


def test_the_guard_fails_on_a_mis_declared_deriver(monkeypatch: pytest.MonkeyPatch) -> None:
    """documented-error-code made to close its set with a truncated table at 'vendor'."""
    real = ev._DERIVERS["documented-error-code"]

    def truncated(contract: Contract, strictness: str) -> Iterator[Evidence]:
        yield from real(contract, strictness)
        yield Evidence("a 400 carries a code of the cut table", "cut.txt:3", "truncated")

    monkeypatch.setitem(ev._DERIVERS, "documented-error-code", truncated)
    found = ev.risks(_rows(names=["documented-error-code"]))
    assert len(found) == len(CATALOGUE)  # one per API at 'vendor' (docs does not judge it)
    assert all(r.startswith("documented-error-code at vendor on ") for r in found)
    assert "(cut.txt:3) closes a set with a truncated table" in found[0]


def test_the_guard_fails_on_a_test_local_check_resting_on_a_contested_fact(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from backup_conformance.checks import registry

    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(ev, "_DERIVERS", {})
    check("scratch-contested", title="t", layer="page")(lambda case, observed: None)
    check("scratch-strict", title="t", layer="strict")(lambda case, observed: None)
    for name in ("scratch-contested", "scratch-strict"):
        ev.derives(name)(lambda contract, strictness: [
            Evidence("SignatureDoesNotMatch is 400", "a.txt:1", contested=("b.txt:18",))])
    found = ev.risks(_rows())
    levels = {r.split(" on ")[0] for r in found}
    assert levels == {"scratch-contested at docs", "scratch-contested at vendor"}, found
    assert all("contested by b.txt:18" in r for r in found)


def test_a_check_without_a_deriver_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(ev._DERIVERS, "success-status")
    assert ev.without_deriver() == ["success-status"]
    with pytest.raises(LookupError, match="'success-status' has no evidence deriver"):
        ev.evidence("success-status", CATALOGUE["hbr.CancelBackupJob"], "vendor")


def test_an_unknown_table_state_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown table state 'partial'"):
        Evidence("f", "s", "partial")


def test_evidence_reads_the_contracts_table_completeness() -> None:
    rows = _rows(names=["documented-error-code", "documented-status", "success-status"])
    gemini = _row(rows, "documented-error-code", "gaussdbfornosql.DeleteBackup", "vendor")
    assert gemini and {e["table"] for e in gemini} == {"complete"}
    assert "huawei_geminidb_error_codes_otc.txt" in gemini[0]["source"]
    # Alibaba: no complete table, so the codes are judged at 'strict' only, on cut tables
    assert _row(rows, "documented-error-code", "hbr.CancelBackupJob", "vendor") == []
    hbr = _row(rows, "documented-error-code", "hbr.CancelBackupJob", "strict")
    assert hbr and {e["table"] for e in hbr} == {"truncated"}
    [status] = _row(rows, "documented-status", "vbs.CancelBackupSharing", "docs")
    assert status["table"] == "complete" and status["source"].startswith("002_")
    [success] = _row(rows, "success-status", "vbs.CancelBackupSharing", "vendor")
    assert success["overrides"] == ["huawei_vbs_status_codes_otc.txt:20"]  # page over appendix


def test_a_contested_auth_status_is_picked_only_at_strict() -> None:
    rows = _rows(names=["auth-wrong-secret-rejected"])
    [vendor] = _row(rows, "auth-wrong-secret-rejected", "hbr.CancelBackupJob", "vendor")
    assert (vendor["fact"], vendor["contested"]) == (
        "refused with 400/403 and any vendor code", [])
    [strict] = _row(rows, "auth-wrong-secret-rejected", "hbr.CancelBackupJob", "strict")
    assert strict["fact"] == "refused with SignatureDoesNotMatch 400"
    assert strict["contested"] == ["vendor-common/alibaba_common_error_codes_dns_page.txt:18"]
    assert strict["table"] == "truncated"


def _json(status: int, body: str) -> Observed:
    return Observed(status, {"Content-Type": "application/json"}, body.encode())


def _fails(name: str, api: str, seen: AuthAttempt, strictness: str) -> bool:
    try:
        judge_sequence(name, Case(CATALOGUE[api], "auth-rejected", strictness), seen)
    except CheckFailure:
        return True
    return False


@pytest.mark.parametrize("name, api, family, status, code", [
    ("wrong-secret", "hbr.CancelBackupJob", "alibaba-rpc", 400, "InvalidSignature"),
    ("stale", "dbs.StopBackupPlan", "alibaba-rpc", 400, "RequestExpired"),
    ("wrong-secret", "vbs.CancelBackupSharing", "huawei-rest", 401, "APIGW.0302"),
    ("stale", "gaussdbfornosql.DeleteBackup", "huawei-rest", 401, "APIGW.0303"),
    ("unknown-key", "hbr.CancelBackupJob", "alibaba-rpc", 404, "AccessKeyNotFound"),
    ("unknown-key", "gaussdbfornosql.DeleteBackup", "huawei-rest", 401, "APIGW.0304"),
])
def test_auth_rejection_codes_are_judged_at_strict_only(
        name: str, api: str, family: str, status: int, code: str) -> None:
    """The level this guard moved: no table listing these codes is held whole, so at 'vendor'
    a documented status suffices (an undocumented one still fails); 'strict' wants the code."""
    auth = variant(name)
    key = "Code" if family == "alibaba-rpc" else "error_code"
    own = _json(status, f'{{"{key}": "{code}", "RequestId": "r"}}')
    at = {level: AuthAttempt(name, "acs3", own, "s", auth.accepted(family, level))
          for level in ("vendor", "strict")}
    assert ANY_CODE in auth.accepted(family, "vendor")
    assert not _fails(auth.check, api, at["vendor"], "vendor")
    assert _fails(auth.check, api, at["strict"], "strict")
    elsewhere = AuthAttempt(name, "acs3", _json(418, "{}"), "s", auth.accepted(family, "vendor"))
    assert _fails(auth.check, api, elsewhere, "vendor")


def test_the_checks_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from backup_conformance.cli import main

    assert main(["checks", "--api", "vbs.CancelBackupSharing"]) == 0
    out = capsys.readouterr().out
    assert "success-status (page; judged at docs, vendor, strict)\n" in out
    assert ("  vbs.CancelBackupSharing: a valid request gets [200] — 002_2942722f5d95fee0.txt:65 "
            "[prevails over huawei_vbs_status_codes_otc.txt:20]") in out
    assert "empty-body (strict; judged at strict)\n  not judged at vendor\n" in out
    assert main(["checks", "--json", "--api", "hbr.CancelBackupJob"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["check"] for r in rows} == set(registered())
    assert main(["checks", "--api", "nope"]) == 2
    assert capsys.readouterr().err.startswith("backup-conformance checks: unknown API id 'nope'")
