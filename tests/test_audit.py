"""The audit's readers, exit codes and redaction: HAR 1.2, vcrpy cassettes and the mock's JSON
lines are read; unreadable input is one line naming the file and entry (exit 2); a redacted
recording (``mock --record FILE.har``) keeps no secret and says its signatures are not checked.

Why: SDK teams feed the audit whatever their tools exported; a broken file must never pass as
clean, crash with a traceback or leak a credential into a report.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from backup_conformance.cli import main
from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import Credentials, MockApp, MockServer, Recorder, Verifying
from backup_conformance.signing import HuaweiAkSkAuth

CATALOGUE = load_catalogue()
HW_AK, HW_SK, PROJECT = "HWAUDITUNITAK00000001", "huawei-unit-secret", "p" * 32
SECRET_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
              "ALIBABA_CLOUD_SECURITY_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK",
              "OS_AUTH_TOKEN")
DELETE_URL = f"http://127.0.0.1:9/v3/{PROJECT}/backups/b-1"


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)


def _audit(tmp_path: Path, *files: Path) -> int:
    return main(["audit", *map(str, files), "--report-dir", str(tmp_path / "reports")])


def _entry(status: int = 202, body: str = '{"job_id": "j-1"}', **response: Any) -> dict[str, Any]:
    headers = [{"name": "Content-Type", "value": "application/json"},
               {"name": "X-Request-Id", "value": "0" * 32}]
    content = {"size": len(body), "mimeType": "application/json", "text": body, **response}
    return {"startedDateTime": "2026-12-01T10:00:00.000+00:00", "time": 1,
            "request": {"method": "DELETE", "url": DELETE_URL, "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "X-Auth-Token", "value": "t"}], "cookies": [],
                        "queryString": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                         "headers": headers, "cookies": [], "content": content,
                         "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}


def _har(tmp_path: Path, *entries: dict[str, Any], name: str = "t.har") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "entries": list(entries)}}), encoding="utf-8")
    return path


def test_a_conforming_har_entry_is_clean(tmp_path: Path) -> None:
    assert _audit(tmp_path, _har(tmp_path, _entry())) == 0


def test_an_undocumented_status_is_a_server_finding(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert _audit(tmp_path, _har(tmp_path, _entry(), _entry(status=200))) == 1
    out = capsys.readouterr().out
    assert "t.har entry 1: DELETE" in out and "[server] Undocumented status" in out
    assert "t.har entry 0" not in out


def test_an_audit_failure_names_the_evidence_it_rested_on(tmp_path: Path) -> None:
    """The audit judges with the response checks only, so its evidence table lists those."""
    assert _audit(tmp_path, _har(tmp_path, _entry(status=200))) == 1
    matrix = json.loads((tmp_path / "reports" / "matrix.json").read_text())
    assert {row["scope"] for row in matrix["evidence"]} == {"response"}
    failures = [f for cell in matrix["cells"] for case in cell["cases"]
                for f in case["failures"] if f["check"] == "success-status"]
    assert failures and failures[0]["evidence"] == [
        {"fact": "a valid request gets [202]", "source": "004_635508fb7d817dd1.txt:57",
         "table": "", "contested": [], "overrides": []}]


def _cut(tmp_path: Path) -> Path:
    text = _har(tmp_path, _entry(), _entry()).read_text(encoding="utf-8")
    path = tmp_path / "cut.har"
    path.write_text(text[: len(text) * 3 // 4], encoding="utf-8")
    return path


def _binary_body(tmp_path: Path) -> Path:
    raw = base64.b64encode(b"\xff\xfe\x00\x01").decode()
    return _har(tmp_path, _entry(), _entry(body=raw, encoding="base64"), name="bin.har")


@pytest.mark.parametrize("make, expected", [
    (lambda p: (p / "x.har").write_text("<html>hello</html>") and p / "x.har",
     "x.har: not JSON (a HAR or mock recording) nor a vcrpy YAML cassette"),
    (lambda p: (p / "x.har").write_text('{"records": []}') and p / "x.har",
     "x.har: not HAR (no log.version / log.entries)"),
    (lambda p: (p / "x.har").write_text('{"log": {"version": "1.2", "entries": [{"request": ]}}')
     and p / "x.har", "x.har: not JSON at its first entry"),
    (_cut, "cut.har: truncated at entry 1"),
    (_binary_body, "bin.har entry 1: binary response body"),
    (lambda p: (p / "x.har").write_bytes(b"\x00\x01binary") and p / "x.har", "x.har: binary file"),
    (lambda p: p / "missing.har", "missing.har: cannot read"),
], ids=["not-json", "not-har", "bad-json", "truncated", "binary-body", "binary-file", "missing"])
def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path, make: Any, expected: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path)
    assert _audit(tmp_path, path) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and expected in captured.err, captured.err
    assert "Traceback" not in captured.err + captured.out


CASSETTE = """interactions:
- request:
    body: null
    headers:
      X-Auth-Token:
      - t
    method: DELETE
    uri: {url}
  response:
    body:
      string: '{body}'
    headers:
      Content-Type:
      - application/json
      X-Request-Id:
      - {rid}
    status:
      code: {status}
      message: Accepted
version: 1
"""


@pytest.mark.parametrize("status, body, code", [
    (202, '{{"job_id": "j-1"}}', 0),
    (202, '{{"job_id": 7}}', 1),  # job_id documented as a string
])
def test_vcrpy_cassettes_are_judged(tmp_path: Path, status: int, body: str, code: int) -> None:
    path = tmp_path / "cassette.yaml"
    path.write_text(CASSETTE.format(url=DELETE_URL, body=body.format(), rid="0" * 32,
                                    status=status), encoding="utf-8")
    assert _audit(tmp_path, path) == code


def _serve_and_send(record: Path, *, verifying: bool) -> None:
    authenticator = Verifying(Credentials.from_mapping(
        {"HUAWEICLOUD_SDK_AK": HW_AK, "HUAWEICLOUD_SDK_SK": HW_SK})) if verifying else None
    recorder = Recorder(record)
    app = MockApp(CATALOGUE, recorder=recorder,
                  **({"authenticator": authenticator} if authenticator else {}))
    with MockServer(app) as server:
        backup = app.states.setup("gaussdbfornosql: a manual backup", {"project_id": PROJECT})
        url = f"{server.url}/v3/{PROJECT}/backups/{backup['backup_id']}"
        session = requests.Session()
        session.trust_env = False
        auth = HuaweiAkSkAuth(HW_AK, HW_SK, project_id=PROJECT)
        assert session.delete(url, auth=auth, timeout=5).status_code == 202
        assert session.delete(url, auth=auth, timeout=5).status_code in (400, 404)
    recorder.close()


def test_the_mocks_json_lines_are_judged_by_status(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "mock.jsonl"
    _serve_and_send(record, verifying=False)
    assert _audit(tmp_path, record) == 0
    assert "status only (no bodies recorded)" not in capsys.readouterr().err


def test_mock_record_har_is_redacted_and_its_signatures_not_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "mock.har"
    _serve_and_send(record, verifying=True)
    text = record.read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["log"]["version"] == "1.2" and len(document["log"]["entries"]) == 2
    assert HW_AK not in text and HW_SK not in text and "Signature=" not in text
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", HW_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", HW_SK)
    assert _audit(tmp_path, record) == 0
    out = capsys.readouterr().out
    assert "signatures not checked: the recording's auth values are redacted" in out
    reports = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").rglob("*")
                      if p.is_file())
    assert HW_SK not in reports and HW_AK not in reports
