"""Issue 14, item 4: the mock serves any extracted operation from its contract alone.

Over the training corpus (``training_contracts.py``): the inferred lifecycle of every operation
(verb and id parameters, read off its page), the state names labelled ``(inferred)``, success
bodies from the schema and the page's sample, routes two services share, the state the mock
keeps, not-found codes, and clear refusals of folders the mock cannot serve.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mock_client import MockClient
from training_contracts import ROOT, build, write_folder
from werkzeug.test import Client
from werkzeug.wrappers import Response

from backup_conformance.contracts import (
    Catalogue,
    ContractError,
    ParameterSpec,
    load_catalogue,
    schema_validator,
)
from backup_conformance.inferred import is_id, lifecycle_of
from backup_conformance.mock import MockApp
from backup_conformance.mock.bodies import BodyTemplate
from backup_conformance.mock.generic_state import MAX_CREATED, GenericWorld

TIMEOUT = 180
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}
#: Effect and resource of every training operation: the verb (first word of the name) and the
#: required id parameters of its page's request table (project_id is a tenancy, not a resource;
#: hbr.DeleteVault's VaultId and hbr.DescribeTask's TaskId are optional on their pages).
EXPECTED = {
    "cbr.CreatingARestorePoint": ("create", None),
    "cbr.DeletingABackup": ("delete", "backup_id"),
    "cbr.RestoringABackup": ("act", "backup_id"),
    "csbs.DeletingABackupPolicy": ("delete", "policy_id"),
    "dbs.DescribeJobErrorCode": ("read", "TaskId"),
    "dbs.ReleaseBackupPlan": ("delete", "BackupPlanId"),
    "gaussdbfornosql.ConfiguringAnAutomatedBackupPolicy": ("act", "instance_id"),
    "gaussdbfornosql.CreatingAManualBackup": ("create", "instance_id"),
    "gaussdbfornosql.QueryingAnAutomatedBackupPolicy": ("read", "instance_id"),
    "gaussdbfornosql.QueryingBackups": ("read", None),
    "gaussdbfornosql.QueryingBackupsV31": ("read", None),
    "gaussdbfornosql.QueryingInstancesThatCanBeRestored": ("read", "backup_id"),
    "gaussdbfornosql.QueryingTheTimeWindowWhenABackupCanBeRestored": ("read", "instance_id"),
    "hbr.AddCrossAccount": ("create", None),
    "hbr.DeleteVault": ("delete", None),
    "hbr.DescribeTask": ("read", None),
    "hbr.EnableBackupPlan": ("status", "PlanId"),
    "nas.DeleteSnapshot": ("delete", "SnapshotId"),
    "rds.CreateBackup": ("create", None),
    "rdsv3.DeletingAManualBackup": ("delete", "backup_id"),
    "rds.DescribeCrossBackupMetaList": ("read", "BackupSetId"),
    "rdsv3.ObtainingDetailsAboutBackups": ("read", "instance_id"),
    "rdsv3.ObtainingTheLinkForDownloadingABackupFile": ("read", "backup_id"),
    "rdsv3.SettingAnAutomatedBackupPolicy": ("act", "instance_id"),
    "vbs.CancelingSharingOfABackup": ("status", "id"),
    "vbs.CountingBackupSharings": ("read", None),
    "vbs.CreatingAVBSBackup": ("create", None),
    "vbs.DeletingAVBSBackup": ("delete", "backup_id"),
    "vbs.ExecutingABackupPolicyAtOnce": ("act", "policy_id"),
    "vbs.QueryingBackupSharings": ("read", None),
    "vbs.QueryingDetailsAboutABackupSharing": ("read", "id"),
    "vbs.QueryingTheJobStatus": ("read", "job_id"),
    "vbs.RestoringADiskUsingAVBSBackup": ("act", "backup_id"),
    "vbs.SharingABackup": ("act", None),
}
DETAILS = "vbs.QueryingDetailsAboutABackupSharing"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    assert build(out, "corpus") == sorted(EXPECTED)
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
    assert lifecycle_of(catalogue["hbr.DeleteVault"]).resources_entry()[1]["resource_ids"] == [
        "VaultId"]  # optional, but a destructive call's: only ever an obtained one is sent
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
    contract = catalogue[DETAILS]
    body = BodyTemplate(contract, 200).body
    assert body["shared"]["backup"]["name"] == "lbf"  # the page's sample (line 98ff)
    assert body["shared"]["backup"]["container"] == "bc-value"  # sample null, schema string


# --- the mock: routing, state, errors -------------------------------------------------------

@pytest.fixture()
def app(catalogue: Catalogue) -> MockApp:
    return MockApp(catalogue)


VBS = "/_services/vbs"


def test_a_literal_segment_wins_over_a_path_variable(app: MockApp, catalogue: Catalogue
                                                     ) -> None:
    client = Client(app, Response)
    listing = client.get(f"{VBS}/v2/p1/os-vendor-backup-sharing/detail")
    assert listing.status_code == 200, listing.get_data(as_text=True)
    schema = catalogue["vbs.QueryingBackupSharings"].response_schema(200)
    assert schema is not None
    assert schema_validator(schema).is_valid(json.loads(listing.get_data()))
    unknown = client.get(f"{VBS}/v2/p1/os-vendor-backup-sharing/bc-nonexistent-1")
    assert unknown.status_code == 404  # QueryingDetailsAboutABackupSharing: no such sharing


def test_a_route_two_services_document_is_served_under_each_service(app: MockApp) -> None:
    client = Client(app, Response)
    assert app.router.prefixed == {"cbr", "gaussdbfornosql", "rdsv3", "vbs"}
    at_root = client.delete("/v3/p1/backups/bc-nonexistent-1")
    assert (at_root.status_code, json.loads(at_root.get_data())["error_code"]) == (
        404, "APIGW.0101")  # no such API at / : it is CBR's, RDS's and VBS's
    for service in ("cbr", "rdsv3", "vbs"):
        answer = client.delete(f"/_services/{service}/v3/p1/backups/bc-nonexistent-1")
        assert answer.status_code == 404
        assert json.loads(answer.get_data())["error_code"] != "APIGW.0101"  # routed
    # a route no other service documents is at / as always
    assert client.get("/v2/p1/os-vendor-backup-sharing/detail").status_code == 200


def test_two_operations_of_one_service_on_one_route_are_refused(tmp_path: Path) -> None:
    # The OTC counterpart of vbs.CancelBackupSharing documents its very route.
    sources = ROOT / "contracts" / "sources"
    pages = [sources / "002_2942722f5d95fee0.txt",
             ROOT / "fixtures" / "reference" / "docs" / "reference_training_counterparts" /
             "huawei_vbs_CancelingSharingOfABackup_otc.txt"]
    write_folder(tmp_path, pages)
    with pytest.raises(ContractError, match=r"vbs.CancelBackupSharing, "
                       r"vbs.CancelingSharingOfABackup document the same route \(DELETE "):
        MockApp(load_catalogue(tmp_path))
    result = _run("--contracts", str(tmp_path), "--report-dir", str(tmp_path / "r"), "-q")
    assert result.returncode == 2
    assert "document the same route" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_or_broken_contracts_folder_is_one_line(tmp_path: Path) -> None:
    missing = _run("--contracts", str(tmp_path / "nowhere"), "--report-dir", str(tmp_path))
    assert missing.returncode == 4
    assert f"--contracts: {tmp_path / 'nowhere'}: no such contracts folder" in missing.stderr
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "catalogue.json").write_text('{"apis": [{"api_id": "x.Y"}]}')
    broken = _run("--contracts", str(tmp_path / "broken"), "--report-dir", str(tmp_path))
    assert broken.returncode == 4
    assert "catalogue.json: entry 1 lacks family, service, page" in broken.stderr
    served = subprocess.run([sys.executable, "-m", "backup_conformance.commands.mock",
                             "--contracts", str(tmp_path / "nowhere")], capture_output=True,
                            text=True, timeout=TIMEOUT, env=CLEAN_ENV)
    assert served.returncode == 2 and "no such contracts folder" in served.stderr
    for result in (missing, broken, served):
        assert "Traceback" not in result.stdout + result.stderr


def test_the_mock_keeps_the_inferred_state(app: MockApp) -> None:
    client = Client(app, Response)
    state = f"{DETAILS}: an existing id (inferred)"
    assert state in app.states.names
    values = app.states.setup(state, {})
    url = f"{VBS}/v2/{values['project_id']}/os-vendor-backup-sharing/{values['id']}"
    found = client.get(url)
    assert found.status_code == 200
    assert json.loads(found.get_data())["shared"]["id"] == values["id"]  # echoed
    app.states.teardown(state, values)
    gone = client.get(url)
    assert gone.status_code == 404
    assert json.loads(gone.get_data())["error_code"] == "VolumeBackup.0043"  # VBS table


def test_an_inferred_state_is_made_in_the_mocks_project(catalogue: Catalogue) -> None:
    """``mock --project-id`` (issue 12 item 4) holds for inferred states too; params win."""
    app = MockApp(catalogue, project_id="p-one")
    state = f"{DETAILS}: an existing id (inferred)"
    assert app.states.setup(state, {})["project_id"] == "p-one"
    assert app.states.setup(state, {"project_id": "p-two"})["project_id"] == "p-two"


def test_a_delete_removes_the_resource_and_a_repeat_is_refused(app: MockApp) -> None:
    client = Client(app, Response)
    values = app.states.setup("nas.DeleteSnapshot: an existing SnapshotId (inferred)", {})
    headers = {"x-acs-action": "DeleteSnapshot", "x-acs-version": "2017-06-26"}
    first = client.post(f"/?SnapshotId={values['SnapshotId']}", headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert json.loads(first.get_data())["RequestId"]
    again = client.post(f"/?SnapshotId={values['SnapshotId']}", headers=headers)
    assert again.status_code == 404
    # No table names a snapshot; of the 404 codes the tables hold, the one about any resource
    # (not Forbidden.InstanceNotFound or InvalidAccessKeyId.NotFound).
    assert json.loads(again.get_data())["Code"] == "ResourceNotFound"


def test_a_status_verb_keeps_the_resource(app: MockApp) -> None:
    life = lifecycle_of(app.catalogue["hbr.EnableBackupPlan"])
    world = GenericWorld()
    (plan,) = world.add(("hbr", "PlanId"))
    named = {s.name: "x" for s in life.ids} | {"PlanId": plan}
    for spec in life.ids:
        if spec.name != "PlanId":
            named[spec.name] = world.add(("hbr", spec.name))[0]
    assert world.apply(life, named) is None
    assert world.resources[("hbr", "PlanId")][plan] == "ENABLE"
    assert world.apply(life, named) is None  # still there


def test_a_create_registers_the_ids_it_answers(app: MockApp) -> None:
    client = Client(app, Response)
    state = "gaussdbfornosql.CreatingAManualBackup: an existing instance_id (inferred)"
    values = app.states.setup(state, {})
    created = client.post(f"/_services/gaussdbfornosql/v3/{values['project_id']}/instances/"
                          f"{values['instance_id']}/backups",
                          json={"name": "backup-1", "description": "x"})
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
        assert "cbr, gaussdbfornosql, rdsv3, vbs" in proc.stdout.readline()
        url = banner.split(" on ", 1)[1].split(" ", 1)[0]
        values = MockClient(url, catalogue).setup(
            "vbs.QueryingTheJobStatus: an existing job_id (inferred)")
        client = MockClient(f"{url}{VBS}", catalogue)
        assert client.call("vbs.QueryingTheJobStatus", values).status_code == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


# --- the convention on made-up parameters --------------------------------------------------

def _spec(name: str, schema: dict[str, Any], *, required: bool = True,
          location: str = "query") -> ParameterSpec:
    return ParameterSpec(name, location, required, schema, "plain", "page.txt:1")


@pytest.mark.parametrize(("spec", "names"), [
    (_spec("VaultId", {"type": "string"}), True),
    (_spec("ClientIds", {"type": "array", "items": {"type": "string"}}), True),
    (_spec("backup_id", {"type": "string"}, location="path"), True),
    (_spec("id", {"type": "string"}, location="path"), True),
    (_spec("VaultId", {"type": "string"}, required=False), False),  # optional: not bound
    (_spec("RegionId", {"type": "string"}), False),  # a region, not a resource
    (_spec("project_id", {"type": "string"}, location="path"), False),  # a tenancy
    (_spec("ClientToken", {"type": "string"}), False),
    (_spec("CrossAccountUserId", {"type": "integer"}), False),  # not a string id
    (_spec("SourceType", {"type": "string"}), False),
    (_spec("StatusId", {"type": "string", "enum": ["A", "B"]}), False),  # a choice
    (_spec("Id", {"type": "string"}, location="header"), False),
])
def test_which_parameters_name_a_resource(spec: ParameterSpec, names: bool) -> None:
    assert is_id(spec) is names


def test_created_resources_stay_bounded() -> None:
    world = GenericWorld()
    for number in range(MAX_CREATED + 10):
        world.register(("cbr", "checkpoint_id"), f"c{number}")
    table = world.resources[("cbr", "checkpoint_id")]
    assert len(table) == MAX_CREATED and "c0" not in table and f"c{MAX_CREATED + 9}" in table


def test_a_body_follows_the_alternative_its_sample_fits() -> None:
    from backup_conformance.mock.bodies import build

    schema = {"type": "object", "properties": {"Size": {"anyOf": [{"type": "integer"},
                                                                  {"type": "string"}]}}}
    assert build(schema, {"Size": "12 GB"}) == {"Size": "12 GB"}
    assert build(schema, None) == {"Size": 1}
