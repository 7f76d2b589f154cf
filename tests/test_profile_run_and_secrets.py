"""A nightly run as a user starts it, rehearsed locally: a TOML profile, real signatures, and
no secret in anything the run prints or writes.

1. ``backup-conformance run --target PROFILE`` against the reference mock with verification
   ON (fake Alibaba and Huawei keys): every signature the suites send must verify, the auth
   tests must actually run, and every resource obtained must be listed and torn down.
2. Failing runs with known fake secrets: against a mock that accepts anything (so the auth
   tests fail and print their repro commands) and a mutated one at ``strict`` using the other
   two schemes (RPC v1 puts ``AccessKeyId`` and ``Signature`` in the URL; the token travels in
   a header), one with pytest's ``--showlocals``. The mocks record every signature they were
   sent; stdout, stderr and every file under the report directory (junit.xml, resources.json
   and whatever else a run writes there: the hypothesis database, allure results, matrices)
   must hold none of them, nor any key id, secret or token.

The three runs start together (one module fixture), on 127.0.0.1, each bounded by ``TIMEOUT``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from backup_conformance import signing
from backup_conformance.cases.auth import variants
from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.auth import Credentials, Verifying
from backup_conformance.signing import SignableRequest, Verdict

CATALOGUE = load_catalogue()
TIMEOUT = 240  # seconds per run
CREDENTIALS = {  # fake, known, and searched for in everything the runs leave behind
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIprofileRunFake0001",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "profile-run-fake-alibaba-secret-0002",
    "HUAWEICLOUD_SDK_AK": "PROFILERUNFAKEHWAK003",
    "HUAWEICLOUD_SDK_SK": "profile-run-fake-huawei-secret-0004",
}
TOKEN = {"OS_AUTH_TOKEN": "MIIprofile-run-fake-token-0005"}
SECRETS = [*CREDENTIALS.values(), *TOKEN.values()]
CLEARED = ("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN", "HYPOTHESIS_",
           "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
# Failures in every API besides the auth ones: wrong statuses, envelopes, content types, a
# refused valid signature; each failure message quotes the exchange and a repro command.
MUTATIONS = ("hbr-cancel-success-201", "dbs-error-text-plain", "vbs-cancel-json-body",
             "gaussdb-valid-signature-refused", "hbr-clients-code-integer")


class Capturing:
    """Accepts every request and keeps every signature it was sent: the values a leak
    would show (ACS3 and SDK-HMAC ``Signature=`` in Authorization, RPC v1's ``Signature``
    parameter)."""

    description = "every request accepted; signatures recorded"

    def __init__(self) -> None:
        self.signatures: set[str] = set()
        self._lock = threading.Lock()

    def check(self, request: SignableRequest, family: str) -> Verdict:
        found = re.findall(r"Signature=([^,\s]+)", request.header("authorization") or "")
        found += [value for name, value in [*request.query_pairs(), *request.form_pairs()]
                  if name == "Signature"]
        with self._lock:
            # A real signature is long; a generated case may send a short ``Signature`` value
            # of its own (``{}``), which is no secret and would match ordinary report text.
            self.signatures.update(value for value in found if len(value) >= 16)
        return signing.OK


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
    return {**env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", **extra}


def _profile(path: Path, url: str, alibaba: str, huawei: str) -> Path:
    services = {"hbr": alibaba, "dbs": alibaba, "vbs": huawei, "gaussdbfornosql": huawei}
    lines = ["time_limit = 600", ""]
    for name, auth in services.items():
        lines += [f"[services.{name}]", f'base_url = "{url}"', f'auth = "{auth}"',
                  "timeout = { connect = 5, read = 30 }", ""]
    lines += ["[provider]", f'state_url = "{url}/_states"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    reports: Path

    def results(self) -> dict[str, str]:
        """test id (class-qualified) -> passed | failed | skipped: reason."""
        found = {}
        for case in ET.parse(self.reports / "junit.xml").getroot().iter("testcase"):
            name = f"{case.get('classname')}::{case.get('name')}"
            skipped = case.find("skipped")
            if skipped is not None:
                found[name] = f"skipped: {skipped.get('message', '')}"
            elif case.find("failure") is not None or case.find("error") is not None:
                found[name] = "failed"
            else:
                found[name] = "passed"
        return found

    def auth_results(self) -> dict[str, str]:
        return {k: v for k, v in self.results().items() if k.startswith("test_auth::")}

    def everything(self) -> dict[str, bytes]:
        """stdout, stderr and every file under the report directory, by name."""
        found = {"stdout": self.stdout.encode(), "stderr": self.stderr.encode()}
        for path in sorted(self.reports.rglob("*")):
            if path.is_file():
                found[str(path.relative_to(self.reports))] = path.read_bytes()
        return found


@dataclass
class Runs:
    """The three runs by name, and every signature the two capturing mocks were sent."""

    by_name: dict[str, RunResult]
    signatures: set[str]

    def __getitem__(self, name: str) -> RunResult:
        return self.by_name[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    scratch = tmp_path_factory.mktemp("profile-runs")
    verifying = MockServer(MockApp(authenticator=Verifying(Credentials.from_mapping(
        CREDENTIALS))))
    open_seen, mutated_seen = Capturing(), Capturing()
    open_mock = MockServer(MockApp(authenticator=open_seen))
    mutated = MockServer(MockApp(authenticator=mutated_seen, mutations=frozenset(MUTATIONS)))
    with verifying, open_mock, mutated:
        plans = {
            "verified": (verifying, "acs3", "huawei-aksk", [], CREDENTIALS),
            # --showlocals: the locals of every failing frame are printed too.
            "open": (open_mock, "acs3", "huawei-aksk", ["--showlocals"], CREDENTIALS),
            "mutated": (mutated, "acs-rpc-v1", "huawei-token", ["--strictness", "strict"],
                        {**CREDENTIALS, **TOKEN}),
        }
        started = {}
        for name, (server, alibaba, huawei, extra, credentials) in plans.items():
            profile = _profile(scratch / f"{name}.toml", server.url, alibaba, huawei)
            command = [sys.executable, "-m", "backup_conformance.cli", "run",
                       "--target", str(profile), "--report-dir", str(scratch / name), *extra]
            # Output to files, not pipes: a run never stalls on a pipe nobody is reading.
            with (scratch / f"{name}.out").open("w") as out, \
                    (scratch / f"{name}.err").open("w") as err:
                started[name] = subprocess.Popen(command, cwd=scratch, env=_env(credentials),
                                                 stdout=out, stderr=err)
        results = {}
        try:
            for name, process in started.items():
                process.wait(timeout=TIMEOUT)
                results[name] = RunResult(process.returncode,
                                          (scratch / f"{name}.out").read_text(),
                                          (scratch / f"{name}.err").read_text(), scratch / name)
        finally:
            for process in started.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
    yield Runs(results, open_seen.signatures | mutated_seen.signatures)


# --- 1. the profile-driven run against real signatures ---------------------------------------

def test_a_profile_run_against_a_verifying_mock_passes(runs: Runs) -> None:
    run = runs["verified"]
    assert run.returncode == 0, (run.stdout[-4000:], run.stderr[-2000:])
    assert "target: http://127.0.0.1:" in run.stdout


def test_every_auth_test_ran_and_passed(runs: Runs) -> None:
    """Not "not run": the profile's schemes and the environment's keys reached the suites,
    and the mock verified unsigned, wrong-secret, unknown-key, stale and valid requests as a
    vendor does."""
    auth = runs["verified"].auth_results()
    assert len(auth) == len(variants()) * len(CATALOGUE), sorted(auth)
    assert set(auth.values()) == {"passed"}, auth


def test_resources_json_lists_every_resource_torn_down(runs: Runs) -> None:
    report = json.loads((runs["verified"].reports / "resources.json").read_text())
    resources = report["resources"]
    assert {r["state"] for r in resources} == {
        "hbr: a running backup job", "dbs: a running backup plan", "vbs: a shared backup",
        "hbr: backup clients with resources", "gaussdbfornosql: a manual backup"}
    assert all(r["torn_down"] and r["teardown_error"] is None for r in resources)
    assert all(r["provider"].startswith("StateUrlProvider(") for r in resources)
    assert f"resources obtained through provider states: {len(resources)}" in \
        runs["verified"].stdout
    assert "teardown failed" not in runs["verified"].stdout


# --- 2. failing runs leak nothing --------------------------------------------------------------

def test_the_failing_runs_failed_loudly(runs: Runs) -> None:
    """The leak search below means something only if the runs printed failures with
    requests in them: auth failures (and the mutations') with redacted repro commands."""
    for name in ("open", "mutated"):
        run = runs[name]
        assert run.returncode == 1, (name, run.stdout[-3000:], run.stderr[-2000:])
        auth = run.auth_results()
        assert auth and "failed" in auth.values(), (name, auth)
        assert "Reproduce: curl" in run.stdout
        assert "***" in run.stdout  # where a credential would have been
    open_auth = runs["open"].auth_results()
    rejections = [v for v in variants() if v.name != "valid"]  # an open mock accepts them all
    assert sum(v == "failed" for v in open_auth.values()) == len(rejections) * len(CATALOGUE)
    assert "[auth-wrong-secret-rejected]" in runs["open"].stdout
    assert "[success-status]" in runs["mutated"].stdout


def test_the_mocks_saw_real_signatures_of_every_scheme(runs: Runs) -> None:
    signatures = runs.signatures
    hexes = {s for s in signatures if re.fullmatch(r"[0-9a-f]{64}", s)}
    assert len(hexes) > 10  # ACS3 and SDK-HMAC-SHA256 signatures
    assert any(not re.fullmatch(r"[0-9a-f]{64}", s) for s in signatures)  # RPC v1 base64


@pytest.mark.parametrize("name", ["open", "mutated", "verified"])
def test_no_secret_key_token_or_signature_in_any_output(runs: Runs,
                                                        name: str) -> None:
    signatures = runs.signatures
    needles = {*SECRETS, *signatures, *(quote(s, safe="") for s in signatures)}
    outputs = runs[name].everything()
    assert {"stdout", "stderr", "junit.xml", "resources.json"} <= set(outputs)
    for where, data in outputs.items():
        for needle in needles:
            assert needle.encode() not in data, f"{name}: {where} holds {needle[:6]}..."
