"""The audit's acceptance test: traffic the official SDKs sent to the embedded mock, recorded
as HAR with auth kept, audits clean with the right secrets and is flagged with a wrong one;
hand-edited entries (a required parameter removed, a response field retyped, an unknown
Action) are each flagged on the side at fault.

Why: an SDK team audits its recorded integration traffic; a clean verdict on conforming
traffic and a precise one on broken traffic are both what they rely on. Every call goes to
127.0.0.1 with 5 s timeouts and no proxies (``sdk_clients.py``, as ``test_mock_sdks.py``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from sdk_clients import ALI_SECRET, ENV, HW_PROJECT, HW_SK, alibaba, huawei, without_proxies

from backup_conformance.cli import main
from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import Credentials, MockApp, MockServer, Recorder, Verifying
from backup_conformance.secrets.names import SECRET_VARIABLES

CATALOGUE = load_catalogue()


def _alibaba(module: str, server: MockServer, **extra: Any) -> Any:
    import importlib

    return alibaba(importlib.import_module(f"{module}.client").Client, server.port, **extra)


def _geminidb(server: MockServer) -> Any:
    from huaweicloudsdkgaussdbfornosql.v3 import GaussDBforNoSQLClient

    return huawei(GaussDBforNoSQLClient.new_builder(), server.url)


def _drive_sdks(server: MockServer) -> None:
    """Each SDK once on a live resource, plus a documented refusal (a second cancel/delete)."""
    from alibabacloud_dbs20190306.models import StopBackupPlanRequest
    from alibabacloud_hbr20170908.models import (
        CancelBackupJobRequest,
        DeleteBackupClientResourceRequest,
    )
    from alibabacloud_tea_openapi.exceptions import ClientException
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkgaussdbfornosql.v3 import DeleteBackupRequest

    states = server.app.states
    job = states.setup("hbr: a running backup job", {})
    hbr = _alibaba("alibabacloud_hbr20170908", server)
    cancel = CancelBackupJobRequest(job_id=job["JobId"], vault_id=job["VaultId"])
    assert hbr.cancel_backup_job(cancel).body.success is True
    with pytest.raises(ClientException):
        hbr.cancel_backup_job(cancel)
    for extra in ({}, {"signature_algorithm": "v2"}):
        clients = states.setup("hbr: backup clients with resources", {"count": 2})
        _alibaba("alibabacloud_hbr20170908", server, **extra).delete_backup_client_resource(
            DeleteBackupClientResourceRequest(client_ids=clients["ClientIds"]))
    plan = states.setup("dbs: a running backup plan", {})
    _alibaba("alibabacloud_dbs20190306", server).stop_backup_plan(
        StopBackupPlanRequest(backup_plan_id=plan["BackupPlanId"], stop_method="ALL"))
    backup = states.setup("gaussdbfornosql: a manual backup", {"project_id": HW_PROJECT})
    gemini = _geminidb(server)
    assert gemini.delete_backup(DeleteBackupRequest(backup_id=backup["backup_id"])).job_id
    with pytest.raises(ClientRequestException):
        gemini.delete_backup(DeleteBackupRequest(backup_id=backup["backup_id"]))


@pytest.fixture(scope="module")
def sdk_har(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("audit") / "sdk-traffic.har"
    patch = pytest.MonkeyPatch()
    without_proxies(patch)
    recorder = Recorder(path, keep_auth=True)  # test-only: signatures must stay verifiable
    app = MockApp(CATALOGUE, authenticator=Verifying(Credentials.from_mapping(ENV)),
                  recorder=recorder)
    try:
        with MockServer(app) as server:
            _drive_sdks(server)
        assert recorder.nonconformant == 0, recorder.summary()
    finally:
        recorder.close()
        patch.undo()
    yield path


def _audit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, har: Path, env: dict[str, str],
           capsys: pytest.CaptureFixture[str]) -> tuple[int, str, dict[str, Any]]:
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reports = tmp_path / "reports"
    code = main(["audit", str(har), "--report-dir", str(reports)])
    out = capsys.readouterr().out
    matrix = json.loads((reports / "matrix.json").read_text(encoding="utf-8"))
    return code, out, matrix


def _findings(matrix: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(api, column, failure title) of every failure in the matrix."""
    return [(cell["api"], cell["check"], failure["title"])
            for cell in matrix["cells"] for case in cell["cases"]
            for failure in case["failures"]]


def test_sdk_traffic_audits_clean_with_the_right_secrets(
        sdk_har: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, matrix = _audit(monkeypatch, tmp_path, sdk_har, ENV, capsys)
    assert code == 0, out
    assert "audited 7 entries: findings: none" in out
    cells = {(c["api"], c["check"]): c for c in matrix["cells"]}
    for api in ("hbr.CancelBackupJob", "hbr.DeleteBackupClientResource", "dbs.StopBackupPlan",
                "gaussdbfornosql.DeleteBackup"):
        assert cells[(api, "audit-signature")]["status"] == "pass"  # verified, not skipped
        assert cells[(api, "audit-response")]["status"] == "pass"


def test_sdk_traffic_is_flagged_with_a_wrong_secret(
        sdk_har: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    wrong = {**ENV, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "not-the-secret",
             "HUAWEICLOUD_SDK_SK": "not-the-sk"}
    code, out, matrix = _audit(monkeypatch, tmp_path, sdk_har, wrong, capsys)
    assert code == 1
    flagged = {(api, column) for api, column, title in _findings(matrix)}
    assert flagged == {(api, "audit-signature") for api in (
        "hbr.CancelBackupJob", "hbr.DeleteBackupClientResource", "dbs.StopBackupPlan",
        "gaussdbfornosql.DeleteBackup")}
    assert all(t.startswith("[client]") for _, _, t in _findings(matrix))
    report_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").rglob("*")
                          if p.is_file())
    for secret in (ALI_SECRET, HW_SK, "not-the-secret", "not-the-sk"):
        assert secret not in report_text and secret not in out


def test_without_credentials_signatures_are_reported_not_checked(
        sdk_har: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, matrix = _audit(monkeypatch, tmp_path, sdk_har, {}, capsys)
    assert code == 0
    assert "signatures not checked: set ALIBABA_CLOUD_ACCESS_KEY_ID" in out
    signature_cells = [c for c in matrix["cells"] if c["check"] == "audit-signature"]
    assert signature_cells and all(c["status"] == "not-run" for c in signature_cells)


def test_a_request_signed_long_before_its_recorded_time_is_flagged_stale(
        sdk_har: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Staleness is judged against the entry's recorded time (here moved an hour later),
    never against today: the same recording audited clean above."""
    def later(entry: dict[str, Any]) -> dict[str, Any]:
        started = datetime.fromisoformat(entry["startedDateTime"]) + timedelta(hours=1)
        entry["startedDateTime"] = started.isoformat()
        return entry

    code, _, matrix = _audit(monkeypatch, tmp_path, _edited(sdk_har, tmp_path, later), ENV,
                             capsys)
    assert code == 1
    failures = [f for cell in matrix["cells"] for case in cell["cases"]
                for f in case["failures"]]
    assert len(failures) == 7 and {f["check"] for f in failures} == {"signature"}
    assert all("time" in f["received"].lower() or "expired" in f["title"].lower()
               for f in failures), [f["received"] for f in failures]


# --- hand-edited entries -------------------------------------------------------------------

def _edited(sdk_har: Path, tmp_path: Path, edit: Any) -> Path:
    document = json.loads(sdk_har.read_text(encoding="utf-8"))
    document["log"]["entries"] = [edit(copy.deepcopy(e)) for e in document["log"]["entries"]]
    path = tmp_path / "edited.har"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _query_without(entry: dict[str, Any], name: str) -> dict[str, Any]:
    parts = urlsplit(entry["request"]["url"])
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k != name]
    entry["request"]["url"] = urlunsplit(parts._replace(query=urlencode(kept)))
    return entry


def _action(entry: dict[str, Any]) -> str:
    headers = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
    return headers.get("x-acs-action") or dict(parse_qsl(urlsplit(
        entry["request"]["url"]).query)).get("Action", "")


@pytest.mark.parametrize("edit, expected", [
    pytest.param(lambda e: _query_without(e, "JobId") if _action(e) == "CancelBackupJob"
                 else e, ("hbr.CancelBackupJob", "audit-request", "[client] Invalid request: "
                          "missing-required (JobId)"), id="required-parameter-removed"),
    pytest.param(lambda e: _retyped(e, "StopBackupPlan", "BackupPlanId", 12345),
                 ("dbs.StopBackupPlan", "audit-response",
                  "[server] Body does not match the schema at BackupPlanId"),
                 id="response-field-retyped"),
    pytest.param(lambda e: _renamed_action(e, "StopBackupPlan", "StopEverything"),
                 ("undocumented", "audit-operation",
                  "[client] The request names no documented operation"), id="unknown-action"),
])
def test_hand_edited_entries_are_flagged_on_the_side_at_fault(
        sdk_har: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], edit: Any, expected: tuple[str, str, str]) -> None:
    # No credentials: the edits invalidate signatures, which is not what is judged here.
    code, _, matrix = _audit(monkeypatch, tmp_path, _edited(sdk_har, tmp_path, edit), {},
                             capsys)
    assert code == 1
    found = _findings(matrix)
    assert expected in found, found
    entry_names = {case["test"] for cell in matrix["cells"] for case in cell["cases"]
                   if case["failures"]}
    assert all("edited.har#" in name for name in entry_names)


def _retyped(entry: dict[str, Any], action: str, field: str, value: Any) -> dict[str, Any]:
    if _action(entry) == action:
        body = json.loads(entry["response"]["content"]["text"])
        body[field] = value
        entry["response"]["content"]["text"] = json.dumps(body)
    return entry


def _renamed_action(entry: dict[str, Any], action: str, new: str) -> dict[str, Any]:
    if _action(entry) == action:
        for header in entry["request"]["headers"]:
            if header["name"].lower() == "x-acs-action":
                header["value"] = new
    return entry
