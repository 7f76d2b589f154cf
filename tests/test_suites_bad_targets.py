"""The suites against misbehaving targets: each kind of breakage ends in a clear, bounded
report (one start-up line, a timeout, a named check), never in hundreds of failures, a hang
or a traceback from our own code.

Every scenario is a loopback server started here (threads on 127.0.0.1, a free port) and a
``pytest suites`` subprocess; the broken answers share one run (one misbehaviour per
service, through a profile), a hang gets one-second timeouts from a profile, and the runs are
concurrent so the module stays within ~40 s. Servers answer the run's start-up probe
(``GET /``) normally and misbehave on the API calls, except where the probe is the point.
No server offers provider states, so every test needing a resource must say "not run".
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_LIMIT = 90  # seconds; a subprocess still running then is a failure of this module
NOT_RUN = "not run: needs the provider state"
HUGE = 6 * 1024 * 1024  # over the client's 5 MiB cap
SERVICES = ("hbr", "dbs", "vbs", "gaussdbfornosql")
_SECRETS = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
            "OS_AUTH_TOKEN", "HYPOTHESIS_PROFILE")

Behaviour = Callable[[socket.socket, threading.Event], None]
#: A test's failure header in pytest's output.
_HEADER = re.compile(r"_+ \S+ _+$")


def _send(conn: socket.socket, status: str, headers: dict[str, str], body: bytes) -> None:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    conn.sendall(head.encode("latin-1") + b"\r\n" + body)


def _html(conn: socket.socket, stop: threading.Event) -> None:
    body = b"<html><body>Welcome to nginx!</body></html>"
    _send(conn, "200 OK", {"Content-Type": "text/html", "Content-Length": str(len(body)),
                           "Connection": "close"}, body)


def _truncated(conn: socket.socket, stop: threading.Event) -> None:
    _send(conn, "200 OK", {"Content-Type": "application/json", "Content-Length": "1000",
                           "Connection": "close"}, b'{"RequestId": "cut')


def _huge(conn: socket.socket, stop: threading.Event) -> None:
    """No Content-Length: the client must stop reading at its cap by itself."""
    _send(conn, "200 OK", {"Content-Type": "application/json", "Connection": "close"}, b"[")
    chunk = b'"padding",' * 6554
    for _ in range(HUGE // len(chunk) + 1):
        if stop.is_set():
            return
        conn.sendall(chunk)


def _hang(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(RUN_LIMIT)


def _drop(conn: socket.socket, stop: threading.Event) -> None:
    conn.shutdown(socket.SHUT_RDWR)


class Loopback:
    """A raw HTTP/1.1 server on a free loopback port: ``GET`` (the probe) gets ``{}`` unless
    ``probe`` is false; any other request gets the behaviour ``choose`` picks for it (from the
    ``x-acs-action`` header or the first path segment)."""

    def __init__(self, choose: Callable[[str], Behaviour], *, probe: bool = True) -> None:
        self.choose, self.probe = choose, probe
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            with conn:
                method, key = self._read_request(conn)
                if method == "GET" and self.probe:
                    _send(conn, "200 OK", {"Content-Type": "application/json",
                                           "Content-Length": "2", "Connection": "close"}, b"{}")
                elif method:
                    self.choose(key)(conn, self.stop)
        except OSError:
            pass  # the client gave up (timeout, cap reached): expected here

    @staticmethod
    def _read_request(conn: socket.socket) -> tuple[str, str]:
        """``(method, key)`` of the request, read whole; key: its action or first segment."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return "", ""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in
                  (line.partition(":") for line in lines[1:])}
        while len(body) < int(fields.get("content-length", "0")):
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        method, _, rest = lines[0].partition(" ")
        segment = rest.split(" ", 1)[0].lstrip("/").split("/", 1)[0].split("?", 1)[0]
        return method, fields.get("x-acs-action") or segment


@dataclass
class Outcome:
    returncode: int
    output: str
    seconds: float
    url: str


def _closed_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _profile(path: Path, urls: dict[str, str], seconds: int) -> Path:
    """A profile placing each service at its own server, with short timeouts."""
    path.write_text("".join(
        f'[services.{name}]\nbase_url = "{url}"\n'
        f'timeout = {{connect = {seconds}, read = {seconds}}}\n\n'
        for name, url in urls.items()), encoding="utf-8")
    return path


def _run(target: list[str], url: str) -> Outcome:
    env = {k: v for k, v in os.environ.items() if k not in _SECRETS}
    command = [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-p", "no:cacheprovider",
               "-q", "--tb=short", "-ra", *target]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=RUN_LIMIT)
    return Outcome(done.returncode, done.stdout + done.stderr, time.monotonic() - started, url)


#: The broken-answer scenarios share one run: each service (Huawei: each API, told apart by
#: its path) meets its own misbehaviour. Alibaba APIs of one service cannot be told apart
#: reliably (a negative case may drop ``x-acs-action``), so the hang gets a run of its own.
BROKEN: dict[str, Behaviour] = {"hbr": _truncated, "dbs": _html}
HUAWEI: dict[str, Behaviour] = {"v2": _huge, "v3": _drop}  # vbs, gaussdbfornosql


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Every scenario's run, made concurrently (the slowest sets the module's time): four
    subprocesses, since each costs seconds of start-up on a small machine."""
    servers = {name: Loopback(lambda key, b=behaviour: b) for name, behaviour in BROKEN.items()}
    servers["huawei"] = Loopback(lambda key: HUAWEI[key])
    hanging = Loopback(lambda key: _hang)
    hanging_probe = Loopback(lambda key: _hang, probe=False)
    tmp = tmp_path_factory.mktemp("profiles")
    broken = _profile(tmp / "broken.toml", {
        "hbr": servers["hbr"].url, "dbs": servers["dbs"].url,
        "vbs": servers["huawei"].url, "gaussdbfornosql": servers["huawei"].url}, 5)
    hang = _profile(tmp / "hang.toml", dict.fromkeys(SERVICES, hanging.url), 1)
    closed = _closed_port_url()
    plans = {"unreachable": (["--target-url", closed], closed),
             "hang-probe": (["--target-url", hanging_probe.url], hanging_probe.url),
             "hang": (["--target", str(hang), "--api", "dbs.StopBackupPlan",
                       "--api", "vbs.CancelBackupSharing"], hanging.url),
             "broken": (["--target", str(broken)], "")}
    try:
        with ThreadPoolExecutor(len(plans)) as pool:
            futures = {name: pool.submit(_run, *plan) for name, plan in plans.items()}
            yield {name: future.result() for name, future in futures.items()}
    finally:
        for server in [*servers.values(), hanging, hanging_probe]:
            server.close()


def _failures_of(outcome: Outcome, api_id: str) -> str:
    """The failure reports of the tests of ``api_id`` in a run's output."""
    sections, keep = [], False
    for line in outcome.output.splitlines():
        if _HEADER.match(line):  # "____ test_x[api-mode] ____", down to one "_" for long ids
            keep = f"[{api_id}-" in line
        elif line.startswith("===") or line.startswith("FAILED "):
            keep = False
        if keep:
            sections.append(line)
    return "\n".join(sections)


def _clean(outcome: Outcome) -> None:
    """A misbehaving target yields failures, never errors of the suite's own code."""
    assert "INTERNALERROR" not in outcome.output, outcome.output
    assert "Traceback (most recent call last)" not in outcome.output, outcome.output
    assert " error" not in outcome.output.splitlines()[-1], outcome.output
    for line in outcome.output.splitlines():
        if line.startswith("E   ") and "Error" in line.split(":", 1)[0]:
            assert any(ok in line for ok in ("CheckFailure", "TargetUnreachable",
                                             "TargetTimeout", "AssertionError")), line


def _not_run_reported(outcome: Outcome) -> None:
    assert NOT_RUN in outcome.output, outcome.output
    assert " passed" not in outcome.output.splitlines()[-1], outcome.output


def test_unreachable_target_stops_at_start_up_in_one_line(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["unreachable"]
    assert outcome.returncode == 2, outcome.output
    naming = [line for line in outcome.output.splitlines() if outcome.url in line]
    assert len(naming) == 1 and "cannot connect" in naming[0], outcome.output
    assert "failed" not in outcome.output and "FAILED" not in outcome.output, outcome.output


def test_target_hanging_from_the_start_stops_at_start_up(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["hang-probe"]
    assert outcome.returncode == 2, outcome.output
    naming = [line for line in outcome.output.splitlines() if outcome.url in line]
    assert len(naming) == 1 and "did not answer" in naming[0], outcome.output


def test_hanging_target_fails_each_request_on_a_timeout(outcomes: dict[str, Outcome]) -> None:
    """One timeout per test, not one per example: the run's length is bounded by the number
    of tests that send (wall time is not asserted: CI machines are shared)."""
    outcome = outcomes["hang"]
    assert outcome.returncode == 1, outcome.output
    for api_id in ("dbs.StopBackupPlan", "vbs.CancelBackupSharing"):
        report = _failures_of(outcome, api_id)
        assert "TargetTimeout" in report and "did not answer within 1s" in report, \
            outcome.output
        # Only test_schemathesis's two tests send without a resource (negative mode), once each.
        failed = [line for line in report.splitlines() if _HEADER.match(line)]
        assert len(failed) == 2 and report.count("Read timed out") == len(failed), report
    _not_run_reported(outcome)


def test_html_answers_fail_the_json_checks(outcomes: dict[str, Outcome]) -> None:
    report = _failures_of(outcomes["broken"], "dbs.StopBackupPlan")
    assert "[json-content-type]" in report and "[response-schema]" in report, \
        outcomes["broken"].output


def test_truncated_body_fails_target_response_with_the_cause(
        outcomes: dict[str, Outcome]) -> None:
    report = _failures_of(outcomes["broken"], "hbr.CancelBackupJob")
    assert "[target-response]" in report and "cut short" in report, outcomes["broken"].output
    assert "IncompleteRead" in report, outcomes["broken"].output


def test_huge_body_fails_target_response_at_the_cap(outcomes: dict[str, Outcome]) -> None:
    report = _failures_of(outcomes["broken"], "vbs.CancelBackupSharing")
    assert "[target-response]" in report and "5242880-byte cap" in report, \
        outcomes["broken"].output


def test_dropped_connection_fails_with_the_cause(outcomes: dict[str, Outcome]) -> None:
    report = _failures_of(outcomes["broken"], "gaussdbfornosql.DeleteBackup")
    assert "TargetUnreachable" in report and "cannot reach" in report, outcomes["broken"].output
    assert any(cause in report for cause in (
        "RemoteDisconnected", "Connection aborted", "ConnectionResetError")), \
        outcomes["broken"].output


def test_broken_answers_are_reported_as_failures_in_bounded_time(
        outcomes: dict[str, Outcome]) -> None:
    """Non-conformant (exit 1), not an error; resource-needing tests say why they did not
    run; no traceback from our own code."""
    outcome = outcomes["broken"]
    assert outcome.returncode == 1, outcome.output
    _clean(outcome)
    _not_run_reported(outcome)
