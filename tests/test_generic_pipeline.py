"""Issue 14, items 4-5: any extracted operation is served by the mock from its contract alone
and judged by the same suites, with no new code per operation.

Contracts folders are built from the training pages (``training_contracts.py``: one rendering
of every operation, and the second renderings apart); ``run --contracts DIR`` must pass against
the embedded mock and against the same mock served over HTTP (``--target`` / ``--target-url``);
and mutants of the *generic* mock (a missing required parameter accepted, a success body with a
wrongly typed field) must be caught, so the pass proves something. The mock's own behaviour
on these operations is asserted in ``test_generic_mock.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from training_contracts import build
from werkzeug.wrappers import Response

from backup_conformance.contracts import Catalogue, load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.auth import Credentials, Verifying
from backup_conformance.mock.variants import SUCCESS, Behaviour, Reply, reply_json
from backup_conformance.validation import KEEP

TIMEOUT = 180
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    assert len(build(out, "corpus")) == 34  # one rendering of every training operation
    return out


@pytest.fixture(scope="module")
def alternates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("alternates")
    assert build(out, "alternates") == ["cbr.DeletingABackup", "dbs.ReleaseBackupPlan",
                                        "hbr.DeleteVault"]
    return out


@pytest.fixture(scope="module")
def catalogue(folder: Path) -> Catalogue:
    return load_catalogue(folder)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backup_conformance.cli", "run", "--no-allure",
                           *args], capture_output=True, text=True, timeout=TIMEOUT,
                          env=CLEAN_ENV)

# --- the suites over every operation ------------------------------------------------------

def test_run_over_every_training_contract_passes_against_the_embedded_mock(
        folder: Path, alternates: Path, tmp_path: Path) -> None:
    for contracts in (folder, alternates):
        reports = tmp_path / contracts.name
        result = _run("--contracts", str(contracts), "--report-dir", str(reports), "-q")
        assert result.returncode == 0, result.stdout[-3000:]
        matrix = json.loads((reports / "matrix.json").read_text())
        for api_id in load_catalogue(contracts):
            counts = matrix["per_api"][api_id]
            assert counts["failed"] == 0 and counts["passed"] >= 3, (api_id, counts)


def test_strict_examples_and_auth_pass_the_embedded_mock_over_the_corpus(
        folder: Path, tmp_path: Path) -> None:
    """At strict the doc examples are held to the page's samples: a 204 sample ``{ }``, a
    sample the extractor recorded as contradicting its table, a sample whose type a doc anomaly
    disputes, and a page's "or" between samples are no grounds to fail a target that follows
    the table (11 such false alarms before); auth rejections' codes are the auth checks'."""
    result = _run("--contracts", str(folder), "--report-dir", str(tmp_path), "-q",
                  "--strictness", "strict", "-k", "test_doc_example or test_auth")
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout.splitlines()[-1]


def test_a_sample_alternative_passes_and_an_answer_like_neither_fails(
        catalogue: Catalogue) -> None:
    """huawei_vbs_QueryingTheJobStatus_otc.txt shows a job, "or" an error, for status 200
    (both samples are also recorded as contradicting the table, which exempts them: the
    contract is taken without those records, to judge the alternatives alone)."""
    import dataclasses

    from backup_conformance.cases.examples import samples
    from backup_conformance.checks import Case, CheckFailure, judge_sequence
    from backup_conformance.checks.case import Observed
    from backup_conformance.checks.example_checks import SampleReplay

    contract = catalogue["vbs.QueryingTheJobStatus"]
    kept = [a for a in contract.anomalies if not a["id"].startswith(
        "example-response-nonconforming")]
    contract = dataclasses.replace(contract, facts={**contract.facts, "anomalies": kept})
    first, second = [e for e in samples(contract) if e["status"] == 200][:2]
    case = Case(contract, "positive", "strict")

    def judged(body: object) -> None:
        observed = Observed(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
        judge_sequence("sample-shape", case, SampleReplay(observed, first))

    judged(first["body"])
    judged(second["body"])  # the page's alternative for the same status
    with pytest.raises(CheckFailure, match="sample-shape"):
        judged({"unrelated": 1})


@pytest.fixture()
def served(catalogue: Catalogue) -> Iterator[tuple[MockApp, str]]:
    app = MockApp(catalogue)
    server = MockServer(app)
    server.start()
    try:
        yield app, server.url
    finally:
        server.stop()


def _profile(app: MockApp, url: str, path: Path) -> Path:
    """A target profile naming the served mock: a service sharing a route under its prefix."""
    lines = []
    for service in sorted({c.service for c in app.catalogue.values()}):
        base = f"{url}/_services/{service}" if service in app.router.prefixed else url
        lines += [f"[services.{service}]", f'base_url = "{base}"', ""]
    lines += ["[provider]", f'state_url = "{url}/_states"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _against(app: MockApp, url: str, folder: Path, tmp_path: Path, *args: str
             ) -> subprocess.CompletedProcess[str]:
    return _run("--contracts", str(folder), "--target", str(_profile(app, url, tmp_path /
                                                                     "target.toml")),
                "--report-dir", str(tmp_path), "-q", *args)


def test_a_profile_works_with_contracts(served: tuple[MockApp, str], folder: Path,
                                        tmp_path: Path) -> None:
    app, url = served
    shared = ["cbr.DeletingABackup", "gaussdbfornosql.ConfiguringAnAutomatedBackupPolicy",
              "rdsv3.DeletingAManualBackup", "rdsv3.SettingAnAutomatedBackupPolicy",
              "vbs.DeletingAVBSBackup"]  # the routes two services document
    result = _against(app, url, folder, tmp_path, *[f"--api={a}" for a in shared])
    assert result.returncode == 0, result.stdout[-3000:]
    matrix = json.loads((tmp_path / "matrix.json").read_text())
    assert all(matrix["per_api"][a]["passed"] >= 3 for a in shared)


def test_target_url_works_with_contracts(alternates: Path, tmp_path: Path) -> None:
    server = MockServer(MockApp(load_catalogue(alternates)))  # no route shared: all at /
    server.start()
    try:
        result = _run("--contracts", str(alternates), "--target-url", server.url,
                      "--state-url", f"{server.url}/_states", "--report-dir", str(tmp_path),
                      "-q")
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-3000:]


def test_one_target_url_over_shared_routes_says_what_to_do(served: tuple[MockApp, str],
                                                           folder: Path, tmp_path: Path) -> None:
    _, url = served
    result = _run("--contracts", str(folder), "--target-url", url, "--state-url",
                  f"{url}/_states", "--report-dir", str(tmp_path), "-q",
                  "--api", "rdsv3.DeletingAManualBackup", "-k", "test_negative")
    assert ("note: cbr, gaussdbfornosql, rdsv3, vbs document routes another service documents "
            "too; one --target-url cannot tell them apart") in result.stdout


FAKE_CREDENTIALS = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIbcGenericFake0001",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "bc-generic-fake-alibaba-secret",
    "HUAWEICLOUD_SDK_AK": "BCGENERICFAKEAK00001",
    "HUAWEICLOUD_SDK_SK": "bc-generic-fake-huawei-secret",
    "HUAWEICLOUD_SDK_PROJECT_ID": "0" * 32,
}


def test_signatures_are_enforced_on_every_operation(alternates: Path, tmp_path: Path) -> None:
    """The auth suite against a verifying mock over generic operations of both families: the
    unsigned, wrongly signed and stale calls are refused, the signed one accepted."""
    app = MockApp(load_catalogue(alternates),
                  authenticator=Verifying(Credentials.from_mapping(FAKE_CREDENTIALS)))
    server = MockServer(app)
    server.start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "backup_conformance.cli", "run", "--no-allure",
             "--contracts", str(alternates), "--target-url", server.url, "--state-url",
             f"{server.url}/_states", "--report-dir", str(tmp_path), "-q", "-rs", "-k",
             "test_auth"], capture_output=True, text=True, timeout=TIMEOUT,
            env={**CLEAN_ENV, **FAKE_CREDENTIALS})
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-3000:]
    assert "15 passed" in result.stdout  # 5 auth tests x 3 operations, none not run
    assert FAKE_CREDENTIALS["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] not in result.stdout


class _AcceptsMissing(Behaviour):
    """Mutant: SharingABackup goes ahead without its required ``shared`` body field."""

    name = "generic-missing-required-accepted"

    def tolerated(self, api_id: str) -> dict[tuple[str, str], Any]:
        return {("missing-required", "shared"): KEEP} if api_id == "vbs.SharingABackup" else {}


class _WrongType(Behaviour):
    """Mutant: QueryingTheJobStatus answers ``status`` (documented string) as a number."""

    name = "generic-success-wrong-type"

    def finish(self, reply: Reply, response: Response) -> Response:
        if reply.kind == SUCCESS and reply.api_id == "vbs.QueryingTheJobStatus":
            body = reply_json(response)
            body["status"] = 12345
            response.set_data(json.dumps(body).encode())
        return response


@pytest.mark.parametrize(("mutant", "api_id", "suite", "check"), [
    (_AcceptsMissing, "vbs.SharingABackup", "test_negative.py", "rejects-invalid"),
    (_WrongType, "vbs.QueryingTheJobStatus", "test_positive.py", "response-schema"),
])
def test_a_mutant_of_the_generic_mock_is_caught(served: tuple[MockApp, str], folder: Path,
                                                tmp_path: Path, mutant: type[Behaviour],
                                                api_id: str, suite: str, check: str) -> None:
    app, url = served
    app.behaviour = mutant()
    result = _against(app, url, folder, tmp_path, "--api", api_id, "-k",
                      suite.removesuffix(".py"))
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"[{check}]" in result.stdout
