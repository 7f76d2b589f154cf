"""A run stopped by SIGTERM (a cancelled CI job) still releases what it obtained on the target
and writes its resources report; SIGKILL, which nothing can catch, shows the check would see
resources left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.faults import Fault, FaultInjector
from backup_conformance.mock.state import World

ROOT = Path(__file__).resolve().parents[1]
LEAN = ("schemathesis", "allure_pytest", "pytest_httpserver", "anyio")


def _held(world: World) -> int:
    with world.lock:
        return (len(world.jobs) + len(world.plans) + len(world.backups) + len(world.clients)
                + len(world.manual_backups))


@pytest.fixture
def slow_mock() -> Iterator[MockServer]:
    """Every API call takes 300 ms, so the run is surely mid-way when it is signalled."""
    app = MockApp(faults=FaultInjector([Fault("latency", 1.0, latency_ms=300)]))
    with MockServer(app) as server:
        yield server


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_a_signalled_run_releases_what_it_obtained(slow_mock: MockServer, tmp_path: Path,
                                                   signum: int) -> None:
    report = tmp_path / "resources.json"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}
    command = [sys.executable, "-m", "pytest", "suites/test_negative.py", "-q",
               "-p", "no:cacheprovider", *[f"-pno:{p}" for p in LEAN],
               "--target-url", slow_mock.url, "--state-url", f"{slow_mock.url}/_states",
               f"--resources-report={report}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        world = slow_mock.app.world
        deadline = time.monotonic() + 60
        while _held(world) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _held(world) > 0, "the run never obtained a resource"
        process.send_signal(signum)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if signum == signal.SIGKILL:
        assert _held(world) > 0  # nothing ran: the check below can see what is left behind
        assert not report.exists()
        return
    assert process.returncode == 2, output[-2000:]  # pytest: interrupted
    assert _held(world) == 0, output[-2000:]
    resources = json.loads(report.read_text())["resources"]
    assert resources and all(r["torn_down"] for r in resources)
