"""How an SDK's own test suite uses the reference mock as its CI gate (docs/sdk-gate.md).

Start ``backup-conformance mock`` with the SDK's test keys in its environment, point the SDK at
it, run the SDK's calls, stop the mock with Ctrl-C (SIGINT) and read its verdict: exit code 0 if
every request kept the contract, 1 if one broke it, and in the ``--record`` file the broken rule
with the documentation line behind it. Here one call deliberately breaks the contract.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from alibabacloud_hbr20170908.client import Client
from alibabacloud_hbr20170908.models import (
    CancelBackupJobRequest,
    DeleteBackupClientResourceRequest,
)
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

AK, SECRET = "test-ak", "test-secret"  # fake keys: the mock verifies signatures with them
MOCK = str(Path(sys.executable).with_name("backup-conformance"))  # installed with the wheel


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise


@dataclass
class Mock:
    proc: subprocess.Popen[str]
    endpoint: str  # host:port, what the SDK's Config(endpoint=...) takes
    record: Path  # one JSON line per request, with its verdict

    def stop(self) -> tuple[int, str]:
        """Ctrl-C: the mock prints its summary and exits 0 (all conformant) or 1."""
        self.proc.send_signal(signal.SIGINT)
        summary, _ = self.proc.communicate(timeout=20)
        return self.proc.returncode, summary


@pytest.fixture()
def mock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mock]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)  # the SDK ignores NO_PROXY: talk directly
    port, record = free_port(), tmp_path / "mock.jsonl"
    env = {**os.environ, "ALIBABA_CLOUD_ACCESS_KEY_ID": AK,
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET}
    proc = subprocess.Popen([MOCK, "mock", "--port", str(port), "--record", str(record)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_listening(port)
        yield Mock(proc, f"127.0.0.1:{port}", record)
    finally:
        if proc.poll() is None:  # a failed test left it running
            proc.kill()
            proc.communicate(timeout=10)


def test_the_mock_fails_the_build_when_the_sdk_breaks_the_contract(mock: Mock) -> None:
    client = Client(Config(access_key_id=AK, access_key_secret=SECRET, protocol="http",
                           endpoint=mock.endpoint, connect_timeout=5000, read_timeout=5000))

    # A good call, on a job the mock creates for us (a Pact-style provider state).
    job = requests.post(f"http://{mock.endpoint}/_states", timeout=5,
                        json={"state": "hbr: a running backup job", "action": "setup"}).json()
    done = client.cancel_backup_job(CancelBackupJobRequest(job_id=job["JobId"],
                                                           vault_id=job["VaultId"]))
    assert done.body.success is True

    # A call that breaks the contract: the page allows at most 100 client ids.
    with pytest.raises(ClientException) as rejected:
        client.delete_backup_client_resource(
            DeleteBackupClientResourceRequest(client_ids=[f"c-{i}" for i in range(101)]))
    assert rejected.value.status_code == 400

    # The verdict: exit 1 and a summary, since a request broke the contract ...
    exit_code, summary = mock.stop()
    assert exit_code == 1
    assert "2 request(s), 1 non-conformant" in summary

    # ... and the record names the broken rule and the documentation line behind it.
    lines = [json.loads(line) for line in mock.record.read_text().splitlines()]
    assert [line["verdict"] for line in lines] == ["conformant", "non-conformant"]
    (violation,) = lines[1]["violations"]
    assert lines[1]["api_id"] == "hbr.DeleteBackupClientResource"
    assert violation["rule"] == "max-items"
    assert violation["source"] == "003_27fa9c278b35a352.txt:40"
