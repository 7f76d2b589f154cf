"""Issue 14, items 4-5: any extracted operation is served by the mock from its contract alone
and judged by the same suites, with no new code per operation.

A contracts folder is built from the training pages (``training_contracts.py``) beside the five
hand-tuned APIs; ``run --contracts DIR`` must pass against the embedded mock and against the
same mock served over HTTP (``--target-url``); and mutants of the *generic* mock (a missing
required parameter accepted, a success body with a wrongly typed field) must be caught, so
the pass proves something.
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
from mock_client import MockClient
from training_contracts import build
from werkzeug.test import Client
from werkzeug.wrappers import Response

from backup_conformance.contracts import Catalogue, load_catalogue, schema_validator
from backup_conformance.inferred import DELETE, Lifecycle, lifecycle_of
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.bodies import BodyTemplate
from backup_conformance.mock.generic_state import GenericWorld
from backup_conformance.mock.operations import HANDLERS
from backup_conformance.mock.validation import KEEP
from backup_conformance.mock.variants import SUCCESS, Behaviour, Reply, reply_json

TIMEOUT = 180
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}
#: Effect and provider state of every training operation, read off its page by hand: the verb
#: (first word of the name) and the required id parameters (project_id is a tenancy).
EXPECTED = {
    "gaussdbfornosql.ConfiguringAnAutomatedBackupPolicy": ("act", "instance_id"),
    "gaussdbfornosql.CreatingAManualBackup": ("create", "instance_id"),
    "gaussdbfornosql.QueryingAnAutomatedBackupPolicyV3": ("read", "instance_id"),
    "gaussdbfornosql.QueryingBackupsV3": ("read", None),
    "gaussdbfornosql.QueryingBackupsV4": ("read", None),
    "vbs.CountingBackupSharings": ("read", None),
    "vbs.CreatingAVBSBackup": ("create", None),
    "vbs.QueryingBackupSharingDetails": ("read", "id"),
    "vbs.QueryingBackupSharings": ("read", None),
    "vbs.QueryingTheJobStatus": ("read", "job_id"),
    "vbs.SharingABackup": ("act", None),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("training-contracts")
    written, refused = build(out, with_originals=True)
    assert refused == []
    assert set(EXPECTED) | set(HANDLERS) == set(written)
    return out


@pytest.fixture(scope="module")
def catalogue(folder: Path) -> Catalogue:
    return load_catalogue(folder)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backup_conformance.cli", "run", "--no-allure",
                           *args], capture_output=True, text=True, timeout=TIMEOUT,
                          env=CLEAN_ENV)


# --- the convention --------------------------------------------------------------------------

def test_lifecycles_and_state_names_follow_the_documented_convention(catalogue: Catalogue
                                                                    ) -> None:
    found = {}
    for api_id in EXPECTED:
        life = lifecycle_of(catalogue[api_id])
        found[api_id] = (life.effect, life.target.name if life.target else None)
    assert found == EXPECTED
    life = lifecycle_of(catalogue["vbs.QueryingTheJobStatus"])
    assert life.state == "vbs.QueryingTheJobStatus: an existing job_id (inferred)"
    assert life.returns() == {"project_id": "string", "job_id": "string"}
    assert not life.destructive
    assert lifecycle_of(catalogue["gaussdbfornosql.CreatingAManualBackup"]).destructive


def test_every_generic_success_body_fits_its_schema(catalogue: Catalogue) -> None:
    for api_id in EXPECTED:
        contract = catalogue[api_id]
        template = BodyTemplate(contract, contract.success_status)
        schema = contract.response_schema(contract.success_status)
        if schema is None:
            assert template.body is None, api_id
        else:
            assert schema_validator(schema).is_valid(template.body), api_id


def test_the_sample_values_are_kept_where_they_fit(catalogue: Catalogue) -> None:
    contract = catalogue["vbs.QueryingBackupSharingDetails"]
    body = BodyTemplate(contract, 200).body
    assert body["shared"]["backup"]["name"] == "lbf"  # the page's sample (line 98ff)
    assert body["shared"]["backup"]["container"] == "bc-value"  # sample null, schema string


# --- the mock: routing, state, errors -------------------------------------------------------

@pytest.fixture()
def app(catalogue: Catalogue) -> MockApp:
    return MockApp(catalogue)


def test_a_literal_segment_wins_over_a_path_variable(app: MockApp, catalogue: Catalogue
                                                     ) -> None:
    client = Client(app, Response)
    listing = client.get("/v2/p1/os-vendor-backup-sharing/detail")
    assert listing.status_code == 200, listing.get_data(as_text=True)
    schema = catalogue["vbs.QueryingBackupSharings"].response_schema(200)
    assert schema is not None
    assert schema_validator(schema).is_valid(json.loads(listing.get_data()))
    unknown = client.get("/v2/p1/os-vendor-backup-sharing/bc-nonexistent-1")
    assert unknown.status_code == 404  # QueryingBackupSharingDetails: no such sharing


def test_the_mock_keeps_the_inferred_state(app: MockApp) -> None:
    client = Client(app, Response)
    state = "vbs.QueryingBackupSharingDetails: an existing id (inferred)"
    assert state in app.states.names
    values = app.states.setup(state, {})
    url = f"/v2/{values['project_id']}/os-vendor-backup-sharing/{values['id']}"
    found = client.get(url)
    assert found.status_code == 200
    assert json.loads(found.get_data())["shared"]["id"] == values["id"]  # echoed
    app.states.teardown(state, values)
    gone = client.get(url)
    assert gone.status_code == 404
    assert json.loads(gone.get_data())["error_code"] == "VolumeBackup.0043"  # VBS table


def test_a_delete_removes_the_resource_and_a_repeat_is_refused() -> None:
    catalogue = load_catalogue()
    spec = catalogue["gaussdbfornosql.DeleteBackup"].parameter("backup_id")
    life = Lifecycle("gaussdbfornosql.DeleteX", "gaussdbfornosql", "Delete", DELETE, (spec,),
                     ("project_id",))
    world = GenericWorld()
    (made,) = world.add(("gaussdbfornosql", "backup_id"))
    assert world.apply(life, {"backup_id": made}) is None
    assert world.apply(life, {"backup_id": made}) == "backup_id"


def test_a_create_registers_the_ids_it_answers(app: MockApp) -> None:
    client = Client(app, Response)
    state = "gaussdbfornosql.CreatingAManualBackup: an existing instance_id (inferred)"
    values = app.states.setup(state, {})
    created = client.post(f"/v3/{values['project_id']}/instances/{values['instance_id']}"
                          "/backups", json={"name": "backup-1", "description": "x"})
    assert created.status_code == 202, created.get_data(as_text=True)
    backup_id = json.loads(created.get_data())["backup_id"]
    assert app.generic_world.missing(("gaussdbfornosql", "backup_id"), [backup_id]) == []


def test_the_mock_command_serves_a_contracts_folder(folder: Path, catalogue: Catalogue) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "backup_conformance.commands.mock",
                             "--contracts", str(folder), "--no-auth", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=CLEAN_ENV)
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert f"serving {len(catalogue)} APIs" in banner, banner
        client = MockClient(banner.split(" on ", 1)[1].split(" ", 1)[0], catalogue)
        values = client.setup("vbs.QueryingTheJobStatus: an existing job_id (inferred)")
        assert client.call("vbs.QueryingTheJobStatus", values).status_code == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


# --- the suites over every operation ------------------------------------------------------

def test_run_over_every_training_contract_passes_against_the_embedded_mock(
        folder: Path, tmp_path: Path) -> None:
    result = _run("--contracts", str(folder), "--report-dir", str(tmp_path), "-q")
    assert result.returncode == 0, result.stdout[-3000:]
    matrix = json.loads((tmp_path / "matrix.json").read_text())
    for api_id in EXPECTED:
        counts = matrix["per_api"][api_id]
        assert counts["failed"] == 0 and counts["passed"] >= 4, (api_id, counts)


@pytest.fixture()
def served(catalogue: Catalogue) -> Iterator[tuple[MockApp, str]]:
    app = MockApp(catalogue)
    server = MockServer(app)
    server.start()
    try:
        yield app, server.url
    finally:
        server.stop()


def _against(url: str, folder: Path, tmp_path: Path, *args: str
             ) -> subprocess.CompletedProcess[str]:
    return _run("--contracts", str(folder), "--target-url", url, "--state-url",
                f"{url}/_states", "--report-dir", str(tmp_path), "-q", *args)


def test_target_url_works_with_contracts(served: tuple[MockApp, str], folder: Path,
                                         tmp_path: Path) -> None:
    _, url = served
    result = _against(url, folder, tmp_path, *[f"--api={a}" for a in EXPECTED])
    assert result.returncode == 0, result.stdout[-3000:]


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
    result = _against(url, folder, tmp_path, "--api", api_id, "-k", suite.removesuffix(".py"))
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"[{check}]" in result.stdout
