"""``backup-conformance mock`` as a process: record, strict, summary, exit codes."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests
from mock_client import MockClient

from backup_conformance.contracts import load_catalogue

CATALOGUE = load_catalogue()
COMMAND = [sys.executable, "-m", "backup_conformance.commands.mock"]
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}


class Running:
    started: ClassVar[list[subprocess.Popen[str]]] = []

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=CLEAN_ENV)
        Running.started.append(self.proc)
        self.banner = self._first_line(timeout=20)
        self.url = self.banner.split(" on ", 1)[1].split(" ", 1)[0]
        self.client = MockClient(self.url, CATALOGUE)

    def _first_line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.proc.kill()
            pytest.fail("the mock command printed no banner")
        line = self.proc.stdout.readline()
        assert line.startswith("backup-conformance mock: serving"), line
        return line

    def stop(self) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, out, err


@pytest.fixture()
def record(tmp_path: Path) -> Path:
    return tmp_path / "requests.jsonl"


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_record_summary_and_exit_1_when_a_request_broke_the_contract(record: Path) -> None:
    mock = Running("--port", "0", "--no-auth", "--record", str(record))
    job = mock.client.setup("hbr: a running backup job")
    good = mock.client.call("hbr.CancelBackupJob", job,
                            headers={"Authorization": "ACS3-HMAC-SHA256 Credential=AK,"
                                                      "SignedHeaders=host,Signature=abcd"})
    bad = mock.client.call("dbs.StopBackupPlan", {"BackupPlanId": "dbs1", "StopMethod": "NO"})
    assert (good.status_code, bad.status_code) == (200, 400)
    code, out, err = mock.stop()
    assert code == 1, err
    assert "2 request(s), 1 non-conformant" in out
    assert "hbr.CancelBackupJob: 1" in out and "enum: 1" in out
    first, second = _lines(record)
    assert first["verdict"] == "conformant" and first["api_id"] == "hbr.CancelBackupJob"
    assert first["headers"]["Authorization"] == "***"  # type: ignore[index]
    assert second["verdict"] == "non-conformant"
    (violation,) = second["violations"]  # type: ignore[misc]
    assert violation["rule"] == "enum"
    assert violation["source"] == CATALOGUE["dbs.StopBackupPlan"].parameter("StopMethod").source


def test_exit_0_when_every_request_conformed(record: Path) -> None:
    mock = Running("--port", "0", "--no-auth", "--record", str(record))
    backup = mock.client.setup("gaussdbfornosql: a manual backup")
    assert mock.client.call("gaussdbfornosql.DeleteBackup", backup).status_code == 202
    code, out, _ = mock.stop()
    assert code == 0 and "0 non-conformant" in out
    assert [line["verdict"] for line in _lines(record)] == ["conformant"]


def test_strict_rejects_extras_that_lenient_mode_records(record: Path) -> None:
    mock = Running("--port", "0", "--no-auth", "--strict", "--record", str(record))
    plan = mock.client.setup("dbs: a running backup plan")
    response = mock.client.call("dbs.StopBackupPlan", {**plan, "StopMethod": "ALL",
                                                       "Extra": "x"})
    assert response.status_code == 400
    assert "undocumented-parameter" in response.json()["Message"]
    code, _, _ = mock.stop()
    assert code == 1
    assert _lines(record)[0]["violations"][0]["parameter"] == "Extra"  # type: ignore[index]


def test_project_id_makes_every_state_in_that_project_and_the_banner_says_so() -> None:
    project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    mock = Running("--port", "0", "--no-auth", "--project-id", project)
    assert f"Huawei project {project}" in mock.banner
    assert mock.client.setup("vbs: a shared backup")["project_id"] == project
    assert mock.client.setup("gaussdbfornosql: a manual backup")["project_id"] == project
    code, _, _ = mock.stop()
    assert code == 0


def test_sigterm_also_prints_the_summary() -> None:
    mock = Running("--port", "0")
    assert "presence and shape only" in mock.banner
    mock.proc.send_signal(signal.SIGTERM)
    out, _ = mock.proc.communicate(timeout=20)
    assert mock.proc.returncode == 0 and "0 request(s)" in out


@pytest.mark.parametrize("args", [
    ["--port", "99999"], ["--port", "x"], ["--bogus"], ["--fault", "boom:1"],
    ["--credentials", "/nonexistent/creds.json"], ["--project-id", "a/b"],
])
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    done = subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=30,
                          env=CLEAN_ENV)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_exits_2_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*COMMAND, "--port", str(port)], capture_output=True, text=True,
                              timeout=30, env=CLEAN_ENV)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot listen" in done.stderr


def test_it_binds_loopback_only() -> None:
    mock = Running("--port", "0", "--no-auth")
    try:
        assert mock.url.startswith("http://127.0.0.1:")
        assert requests.get(mock.url + "/_states", timeout=10).status_code == 200
    finally:
        mock.stop()


@pytest.fixture(autouse=True)
def _no_leftover_process() -> Iterator[None]:
    """Kill (by pid) any mock a failed test left running."""
    started = time.monotonic()
    yield
    for proc in Running.started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    Running.started.clear()
    assert time.monotonic() - started < 30


def test_recorded_lines_never_hold_secrets(tmp_path: Path) -> None:
    from backup_conformance.mock import Recorder

    path = tmp_path / "r.jsonl"
    recorder = Recorder(path)
    recorder.record(api_id="hbr.CancelBackupJob", method="GET",
                    uri="/?Action=CancelBackupJob&AccessKeyId=LTAIsecret&Signature=abc%3D",
                    headers=[("X-Auth-Token", "tok"), ("Authorization", "ACS3 x"),
                             ("Host", "h")], status=200)
    recorder.close()
    text = path.read_text()
    for secret in ("LTAIsecret", "abc%3D", "tok", "ACS3 x"):
        assert secret not in text
    assert '"Host": "h"' in text
