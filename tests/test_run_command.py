"""``backup-conformance run``: the suites against a target, reports written, pytest's exit codes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

TIMEOUT = 120


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backup_conformance.cli", "run", *args],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_against_the_embedded_mock_passes_and_writes_junit(tmp_path: Path) -> None:
    result = _run("--report-dir", str(tmp_path), "--api", "dbs.StopBackupPlan", "-q",
                  "-k", "test_invalid_request")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "target: embedded reference mock" in result.stdout
    junit = (tmp_path / "junit.xml").read_text()
    assert 'failures="0"' in junit
    assert "dbs.StopBackupPlan" in junit


def test_an_unknown_api_id_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    result = _run("--report-dir", str(tmp_path), "--api", "dbs.StopBackupPlam")
    assert result.returncode == 4, result.stderr
    assert "unknown API id 'dbs.StopBackupPlam'" in result.stderr
    assert "Did you mean 'dbs.StopBackupPlan'?" in result.stderr


def test_an_unreachable_target_is_reported_once_with_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = _run("--report-dir", str(tmp_path), "--target-url", url)
    assert result.returncode == 2, result.stdout[-2000:]
    out = result.stdout + result.stderr
    assert out.count(f"cannot connect to {url}") == 1
    assert "Traceback" not in out


def test_a_bad_strictness_lists_the_valid_levels() -> None:
    result = _run("--strictness", "lax")
    assert result.returncode == 2
    assert "invalid choice: 'lax'" in result.stderr
    assert "'docs', 'vendor', 'strict'" in result.stderr


def test_dry_run_prints_redacted_requests_and_sends_nothing(tmp_path: Path) -> None:
    secret = "dry-run-secret-4711"
    url = f"http://127.0.0.1:{_closed_port()}"  # nothing listens: any send would fail
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "dry-run-ak-0815",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret}
    result = _run("--report-dir", str(tmp_path), "--target-url", url, "--dry-run",
                  "--api", "hbr.CancelBackupJob", "-k", "test_invalid_request", env=env)
    assert result.returncode == 0, result.stdout[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("[dry-run]")]
    assert lines and all("Authorization: ***" in line for line in lines)
    assert "x-acs-action: CancelBackupJob" in lines[0]
    assert "not run: dry run" in result.stdout
    assert secret not in result.stdout + result.stderr
    assert "dry-run-ak-0815" not in result.stdout + result.stderr


def test_every_obtained_resource_is_listed_with_its_teardown(tmp_path: Path) -> None:
    result = _run("--report-dir", str(tmp_path), "--api", "vbs.CancelBackupSharing", "-q",
                  "-k", "test_invalid_request")
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads((tmp_path / "resources.json").read_text())
    assert report["resources"], "the suites obtained no resource"
    assert {r["state"] for r in report["resources"]} == {"vbs: a shared backup"}
    assert all(r["torn_down"] for r in report["resources"])
    assert "vbs: a shared backup:" in result.stdout


def test_services_a_profile_leaves_out_are_not_run(tmp_path: Path) -> None:
    from backup_conformance.mock import MockApp, MockServer

    with MockServer(MockApp()) as server:
        profile = tmp_path / "dbs-only.toml"
        profile.write_text(f'[services.dbs]\nbase_url = "{server.url}"\nauth = "none"\n'
                           f'[provider]\nstate_url = "{server.url}/_states"\n')
        result = _run("--report-dir", str(tmp_path), "--target", str(profile), "-q",
                      "-k", "test_invalid_request", "-rs")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "not run: the target profile defines no 'hbr' service" in result.stdout
    assert "for other reasons:" in result.stdout and "every suite ran" not in result.stdout
    report = json.loads((tmp_path / "resources.json").read_text())
    assert {r["state"] for r in report["resources"]} == {"dbs: a running backup plan"}


def test_run_offers_and_forwards_the_plugins_options_from_their_one_declaration() -> None:
    """Every forwarded plugin option is on ``run`` and reaches pytest as given; the others
    (set by ``run`` itself from ``--report-dir``) are not offered."""
    from backup_conformance.cli import build_parser
    from backup_conformance.commands.run import pytest_args
    from backup_conformance.plugin_options import OPTIONS

    given = ["--target-url=http://127.0.0.1:1", "--state-url=http://127.0.0.1:2/_states",
             "--api=hbr.CancelBackupJob", "--api=vbs.CancelBackupSharing",
             "--strictness=strict", "--dry-run", "--baseline=b.json", "--update-baseline",
             "--previous-matrix=m.json", "--contracts=extracted", "--record=run.har"]
    assert {o.flag for o in OPTIONS if o.forwarded} == {a.split("=")[0] for a in given} | {
        "--target"}
    args = build_parser().parse_args(["run", *given])
    argv = pytest_args(args, [])
    assert all(flag in argv for flag in given), argv
    assert [a for a in argv if a.startswith("--strictness")] == ["--strictness=strict"]
    for option in OPTIONS:
        if not option.forwarded:
            with_flag = build_parser().parse_known_args(["run", f"{option.flag}=x"])
            assert with_flag[1] == [f"{option.flag}=x"]  # left for pytest, not run's
