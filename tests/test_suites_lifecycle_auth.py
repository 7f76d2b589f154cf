"""Self-tests of the lifecycle and auth suites: each check passes a conforming answer and fails
a broken one, every cited page line says what it is cited for, and the suites, run as a user
runs them (a subprocess), pass a verifying mock, catch one that accepts bad auth, report "not
run" without credentials, and pass the embedded reference mock.

The four suite runs start together (one module fixture) and are each bounded by ``TIMEOUT``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from backup_conformance.cases.auth import stale_skew, variant, variants
from backup_conformance.cases.lifecycle import behaviours, lifecycles
from backup_conformance.checks import Case, CheckFailure, Observed, judge_sequence, registered
from backup_conformance.checks.sequence_checks import (
    AuthAttempt,
    Repeat,
    ScopedCancel,
    TokenRepeat,
)
from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.auth import Credentials, Verifying
from backup_conformance.signing import DEFAULT_MAX_SKEW

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue()
TIMEOUT = 90  # seconds per suite run
FAKE = {  # credentials of a verifying mock served here; never real ones
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIbcSelfTestFake01",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "bc-self-test-fake-alibaba-secret",
    "HUAWEICLOUD_SDK_AK": "BCSELFTESTFAKEAK0001",
    "HUAWEICLOUD_SDK_SK": "bc-self-test-fake-huawei-secret",
}
LEAN = ("schemathesis", "allure_pytest", "pytest_httpserver", "anyio")  # unused: slow start-up


# --- the checks on their own -------------------------------------------------------------


def _json(status: int, body: str) -> Observed:
    return Observed(status, {"Content-Type": "application/json"}, body.encode())


HBR_OK = _json(200, '{"Code": "200", "Success": true, "RequestId": "r"}')
HBR_REFUSED = _json(400, '{"Code": "BadRequest", "RequestId": "r"}')
HBR_FALSE = _json(200, '{"Code": "400", "Success": false, "RequestId": "r"}')
VBS_OK = Observed(200, {}, b"")
VBS_GONE = _json(404, '{"error_code": "VolumeBackup.0043", "error_msg": "gone"}')


def _fails(name: str, api_id: str, record: object, kind: str = "positive") -> bool:
    try:
        judge_sequence(name, Case(CATALOGUE[api_id], kind, "vendor"), record)
    except CheckFailure as failure:
        assert failure.check == name and failure.source
        return True
    return False


def test_repeat_refused_needs_a_success_then_a_refusal() -> None:
    job = "hbr.CancelBackupJob"
    assert not _fails("repeat-refused", job, Repeat(HBR_OK, HBR_REFUSED, "000:9"))
    assert not _fails("repeat-refused", job, Repeat(HBR_OK, HBR_FALSE, "000:9"))
    assert _fails("repeat-refused", job, Repeat(HBR_OK, HBR_OK, "000:9"))
    assert _fails("repeat-refused", job, Repeat(HBR_REFUSED, HBR_REFUSED, "000:9"))


def test_backup_id_scope_is_judged_both_ways() -> None:
    def scoped(mode: str, a: Observed, b: Observed) -> ScopedCancel:
        return ScopedCancel(mode, "b" if mode == "true" else "s1", VBS_OK,
                            {"s1": a, "s2": b}, "002:49")

    api = "vbs.CancelBackupSharing"
    assert not _fails("backup-id-cancels-all", api, scoped("true", VBS_GONE, VBS_GONE))
    assert _fails("backup-id-cancels-all", api, scoped("true", VBS_GONE, VBS_OK))
    assert not _fails("backup-id-cancels-all", api, scoped("false", VBS_GONE, VBS_OK))
    assert _fails("backup-id-cancels-all", api, scoped("absent", VBS_GONE, VBS_GONE))
    assert _fails("backup-id-cancels-all", api, scoped("false", VBS_OK, VBS_OK))


def test_client_token_compares_status_and_outcome_fields_not_request_ids() -> None:
    first = _json(200, '{"Success": true, "BackupPlanId": "p", "RequestId": "1"}')
    same = _json(200, '{"Success": true, "BackupPlanId": "p", "RequestId": "2"}')
    lost = _json(400, '{"Code": "Param.NotFound", "RequestId": "3"}')
    fields = ("Success", "BackupPlanId")
    api = "dbs.StopBackupPlan"
    assert not _fails("client-token-idempotent", api, TokenRepeat(first, same, "-", fields, "s"))
    assert _fails("client-token-idempotent", api, TokenRepeat(first, lost, "-", fields, "s"))


def test_auth_checks_want_the_vendor_code_and_status() -> None:
    unsigned = variant("unsigned")
    accepted = unsigned.accepted("alibaba-rpc")
    assert "IncompleteSignature" in accepted and "MissingParameter" in accepted

    def attempt(observed: Observed) -> AuthAttempt:
        return AuthAttempt("unsigned", "none", observed, "s", accepted)

    api = "hbr.CancelBackupJob"
    good = _json(400, '{"Code": "IncompleteSignature", "RequestId": "r"}')
    assert not _fails("auth-unsigned-rejected", api, attempt(good), "auth-rejected")
    assert _fails("auth-unsigned-rejected", api, attempt(HBR_OK), "auth-rejected")
    assert _fails("auth-unsigned-rejected", api, attempt(HBR_REFUSED), "auth-rejected")
    huawei = variant("stale").accepted("huawei-rest")
    assert huawei == {"APIGW.0301": frozenset({401})}
    assert stale_skew() > DEFAULT_MAX_SKEW


def test_every_sequence_check_is_registered_with_its_layer() -> None:
    specs = registered()
    for name in ("repeat-refused", "backup-id-cancels-all", "client-token-idempotent"):
        assert (specs[name].scope, specs[name].layer) == ("sequence", "page")
    for chosen in variants():
        assert (specs[chosen.check].scope, specs[chosen.check].layer) == (
            "sequence", "vendor-common")


def test_every_cited_page_line_says_what_it_is_cited_for() -> None:
    found = lifecycles(CATALOGUE)
    assert {life.behaviour for life in found} == set(behaviours())
    for life in found:
        for citation in life.citations:
            page, _, line = citation.line.partition(":")
            text = (ROOT / "contracts" / "sources" / page).read_text(encoding="utf-8")
            assert citation.quote in text.splitlines()[int(line) - 1], citation


# --- the suites, as a user runs them -----------------------------------------------------


@dataclass
class Outcome:
    output: str
    results: Mapping[str, str]  # test id -> passed | failed | skipped: reason

    def count(self, prefix: str) -> int:
        return sum(1 for r in self.results.values() if r.startswith(prefix))


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN",
                                "HYPOTHESIS_PROFILE"))}
    return {**env, **extra}


def _start(suite: str, xml: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pytest", suite, "-q", "-p", "no:cacheprovider",
               f"--junitxml={xml}", *[f"-pno:{p}" for p in LEAN], *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _results(xml: Path) -> dict[str, str]:
    found = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        name = case.get("name", "")
        skipped, failed = case.find("skipped"), case.find("failure")
        if skipped is not None:
            found[name] = f"skipped: {skipped.get('message', '')}"
        elif failed is not None or case.find("error") is not None:
            found[name] = "failed"
        else:
            found[name] = "passed"
    return found


def _target(server: MockServer) -> list[str]:
    return ["--target-url", server.url, "--state-url", f"{server.url}/_states"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """All four runs at once: verifying mock, open mock with credentials, no credentials,
    and the lifecycle suite on the embedded mock."""
    scratch = tmp_path_factory.mktemp("suite-runs")
    verifying = MockServer(MockApp(authenticator=Verifying(Credentials.from_mapping(FAKE))))
    accepting = MockServer(MockApp())
    with verifying, accepting:
        plans = {
            "verifying": ("suites/test_auth.py", _target(verifying), _clean_env(**FAKE)),
            "accepting": ("suites/test_auth.py", _target(accepting), _clean_env(**FAKE)),
            "no-credentials": ("suites/test_auth.py", _target(verifying), _clean_env()),
            "lifecycle": ("suites/test_lifecycle.py", [], _clean_env()),
        }
        started = {name: _start(suite, scratch / f"{name}.xml", args, env)
                   for name, (suite, args, env) in plans.items()}
        outcomes = {}
        try:
            for name, process in started.items():
                output, _ = process.communicate(timeout=TIMEOUT)
                outcomes[name] = Outcome(output, _results(scratch / f"{name}.xml"))
        finally:
            for process in started.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
    yield outcomes


def test_auth_suite_passes_a_verifying_mock(runs: dict[str, Outcome]) -> None:
    run = runs["verifying"]
    assert len(run.results) == len(variants()) * len(CATALOGUE), run.output[-3000:]
    assert run.count("passed") == len(run.results), run.output[-3000:]


def test_auth_suite_catches_a_mock_accepting_bad_auth(runs: dict[str, Outcome]) -> None:
    run = runs["accepting"]
    for name, result in run.results.items():
        expected = "passed" if name.startswith("test_valid_signature") else "failed"
        assert result == expected, (name, run.output[-3000:])
    for chosen in variants():
        if chosen.name != "valid":
            assert f"[{chosen.check}]" in run.output


def test_auth_suite_without_credentials_is_not_run_with_the_reason(
        runs: dict[str, Outcome]) -> None:
    run = runs["no-credentials"]
    assert run.results and all(r.startswith("skipped: not run: no credentials for ")
                               for r in run.results.values()), run.output[-3000:]
    assert "set ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET" in run.output


def test_lifecycle_suite_passes_the_embedded_mock(runs: dict[str, Outcome]) -> None:
    run = runs["lifecycle"]
    assert len(run.results) == len(lifecycles(CATALOGUE)) + 1, run.output[-3000:]
    assert run.count("passed") == len(run.results), run.output[-3000:]


def test_contested_status_accepted_below_strict_only() -> None:
    """SignatureDoesNotMatch: 400 in the gateway table and the SDK, 403 on the DNS page."""
    wrong = variant("wrong-secret")
    assert wrong.accepted("alibaba-rpc", "vendor") == {"*": frozenset({400, 403})}
    assert wrong.accepted("alibaba-rpc", "strict") == {"SignatureDoesNotMatch": frozenset({400})}
    api = "hbr.CancelBackupJob"
    at_403 = _json(403, '{"Code": "SignatureDoesNotMatch", "RequestId": "r"}')
    vendor = AuthAttempt("wrong-secret", "acs3", at_403, "s", wrong.accepted("alibaba-rpc",
                                                                            "vendor"))
    strict = AuthAttempt("wrong-secret", "acs3", at_403, "s", wrong.accepted("alibaba-rpc"))
    assert not _fails("auth-wrong-secret-rejected", api, vendor, "auth-rejected")
    assert _fails("auth-wrong-secret-rejected", api, strict, "auth-rejected")


def test_unknown_key_status_is_contested_too() -> None:
    """InvalidAccessKeyId.NotFound: 404 in the POP gateway table and live answers, 400 on the
    DNS page (:15): both statuses pass below strict, strict keeps 404. Its tables are cut
    (tests/test_checks_evidence.py), so the code itself is judged at strict only."""
    unknown = variant("unknown-key")
    code = "InvalidAccessKeyId.NotFound"
    assert unknown.accepted("alibaba-rpc", "vendor") == {"*": frozenset({400, 404})}
    assert unknown.accepted("alibaba-rpc", "strict") == {code: frozenset({404})}
    api = "hbr.CancelBackupJob"
    at_400 = _json(400, f'{{"Code": "{code}", "RequestId": "r"}}')
    other = _json(400, '{"Code": "SignatureDoesNotMatch", "RequestId": "r"}')
    at_401 = _json(401, f'{{"Code": "{code}", "RequestId": "r"}}')
    seen = {name: AuthAttempt("unknown-key", "acs3", observed, "s",
                              unknown.accepted("alibaba-rpc", level))
            for name, observed, level in (("vendor", at_400, "vendor"),
                                          ("strict", at_400, "strict"),
                                          ("other", other, "vendor"),
                                          ("other-strict", other, "strict"),
                                          ("undocumented", at_401, "vendor"))}
    assert not _fails("auth-unknown-key-rejected", api, seen["vendor"], "auth-rejected")
    assert _fails("auth-unknown-key-rejected", api, seen["strict"], "auth-rejected")
    assert not _fails("auth-unknown-key-rejected", api, seen["other"], "auth-rejected")
    assert _fails("auth-unknown-key-rejected", api, seen["other-strict"], "auth-rejected")
    assert _fails("auth-unknown-key-rejected", api, seen["undocumented"], "auth-rejected")


def test_unsigned_codes_judged_at_strict_only() -> None:
    """Unsigned-request codes come from truncated tables: below strict a documented status
    suffices (the envelope is judged by the response checks), an undocumented one fails."""
    unsigned = variant("unsigned")
    vendor = unsigned.accepted("alibaba-rpc", "vendor")
    assert vendor == {"*": frozenset({400})}
    api = "hbr.CancelBackupJob"
    own = _json(400, '{"Code": "Auth.Missing", "RequestId": "r"}')
    assert not _fails("auth-unsigned-rejected", api,
                      AuthAttempt("unsigned", "none", own, "s", vendor), "auth-rejected")
    assert _fails("auth-unsigned-rejected", api,
                  AuthAttempt("unsigned", "none", own, "s", unsigned.accepted("alibaba-rpc")),
                  "auth-rejected")
    forbidden = _json(403, '{"Code": "Forbidden", "RequestId": "r"}')
    assert _fails("auth-unsigned-rejected", api,
                  AuthAttempt("unsigned", "none", forbidden, "s", vendor), "auth-rejected")
    assert unsigned.accepted("huawei-rest", "vendor") == {"*": frozenset({401})}
