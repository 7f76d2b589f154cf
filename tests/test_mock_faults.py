"""Injected faults: the vendors' throttling codes, 5xx, latency, per API, reproducible."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mock_client import MockClient

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.app import MOCK_BUG
from backup_conformance.mock.faults import (
    Fault,
    FaultInjector,
    FaultSpecError,
    load_file,
    parse_spec,
)

CATALOGUE = load_catalogue()


def _client_with(*faults: Fault, seed: int = 0) -> tuple[MockServer, MockClient]:
    server = MockServer(MockApp(CATALOGUE, faults=FaultInjector(faults, seed))).start()
    return server, MockClient(server.url, CATALOGUE)


def test_throttling_uses_each_vendors_code() -> None:
    server, client = _client_with(Fault("throttle", 1.0))
    try:
        alibaba = client.call("hbr.CancelBackupJob", {"JobId": "j", "VaultId": "v"})
        assert alibaba.json()["Code"] in ("Throttling.User", "Throttling")
        assert alibaba.status_code == 400  # what the vendor-common tables give Throttling
        assert alibaba.headers["Retry-After"] == "1"
        huawei = client.call("gaussdbfornosql.DeleteBackup", {"project_id": "p",
                                                              "backup_id": "b"})
        assert (huawei.status_code, huawei.json()["error_code"]) == (429, "APIGW.0308")
        assert huawei.headers["X-Request-Id"]
    finally:
        server.stop()


def test_faults_apply_per_api_and_state_is_untouched() -> None:
    server, client = _client_with(Fault("error", 1.0, api="hbr.CancelBackupJob", status=503))
    try:
        job = client.setup("hbr: a running backup job")
        failed = client.call("hbr.CancelBackupJob", job)
        assert failed.status_code == 503
        assert server.app.world.jobs[job["JobId"]].status == "RUNNING"
        backup = client.setup("gaussdbfornosql: a manual backup")
        assert client.call("gaussdbfornosql.DeleteBackup", backup).status_code == 202
    finally:
        server.stop()


def test_huawei_server_errors_use_the_service_table() -> None:
    server, client = _client_with(Fault("error", 1.0, status=500))
    try:
        response = client.call("gaussdbfornosql.DeleteBackup", {"project_id": "p",
                                                                "backup_id": "b"})
        assert (response.status_code, response.json()["error_code"]) == (500, "DBS.280005")
    finally:
        server.stop()


def test_latency_delays_the_answer() -> None:
    server, client = _client_with(Fault("latency", 1.0, latency_ms=150))
    try:
        started = time.monotonic()
        client.call("hbr.CancelBackupJob", {"JobId": "j", "VaultId": "v"})
        assert time.monotonic() - started >= 0.15
    finally:
        server.stop()


def test_draws_are_seeded() -> None:
    def run(seed: int) -> list[str | None]:
        injector = FaultInjector([Fault("throttle", 0.5)], seed)
        return [injector.decide("hbr.CancelBackupJob").kind for _ in range(40)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert 5 < run(7).count("throttle") < 35


def test_spec_parsing(tmp_path: Path) -> None:
    assert parse_spec("throttle:0.3@hbr.CancelBackupJob", CATALOGUE) == Fault(
        "throttle", 0.3, "hbr.CancelBackupJob")
    assert parse_spec("error:1:503", CATALOGUE).status == 503
    assert parse_spec("latency:1:250@*", CATALOGUE).latency_ms == 250
    for bad in ("boom:1", "throttle", "throttle:2", "error:1:404", "throttle:1@hbr.Nope"):
        with pytest.raises(FaultSpecError):
            parse_spec(bad, CATALOGUE)
    toml = tmp_path / "faults.toml"
    toml.write_text('seed = 3\n[[faults]]\nkind = "throttle"\nprobability = 0.2\n'
                    'api = "dbs.StopBackupPlan"\n')
    faults, seed = load_file(toml, CATALOGUE)
    assert (faults, seed) == ([Fault("throttle", 0.2, "dbs.StopBackupPlan")], 3)


def test_a_handler_crash_is_a_vendor_500_and_named_on_stderr(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A mock bug answers in the vendor's internal-error shape and says so on stderr with
    ``MOCK_BUG``, which the mutation self-test reads so a crash never counts as a kill."""
    app = MockApp(CATALOGUE)

    def crash(*args: object) -> None:
        raise KeyError("VaultId")

    app._handlers["hbr.CancelBackupJob"] = crash  # type: ignore[assignment]
    server = MockServer(app).start()
    try:
        client = MockClient(server.url, CATALOGUE)
        response = client.call("hbr.CancelBackupJob", {"JobId": "job-1", "VaultId": "v-1"})
    finally:
        server.stop()
    assert response.status_code == 500
    assert response.json()["Code"] == "InternalError"
    err = capsys.readouterr().err
    assert f"{MOCK_BUG} answering POST /" in err and "KeyError: 'VaultId'" in err
