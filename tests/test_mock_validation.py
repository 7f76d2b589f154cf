"""Contract-driven validation and routing: each rule is rejected with the vendor's code and status,
and nothing a client sends produces a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from mock_client import MockClient

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.codes import ErrorCodes

CATALOGUE = load_catalogue()
ALIBABA = [a for a in CATALOGUE if CATALOGUE[a].family == "alibaba-rpc"]
T = 10


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(MockApp(CATALOGUE)) as running:
        yield running


@pytest.fixture(scope="module")
def strict_server() -> Iterator[MockServer]:
    with MockServer(MockApp(CATALOGUE, strict=True)) as running:
        yield running


@pytest.fixture()
def client(server: MockServer) -> MockClient:
    return MockClient(server.url, CATALOGUE)


def _expected(api_id: str, situation: str) -> tuple[int, str]:
    error = ErrorCodes.of(CATALOGUE[api_id]).get(situation)
    return error.status, error.code


def _assert_alibaba(response: requests.Response, api_id: str, situation: str) -> None:
    status, code = _expected(api_id, situation)
    assert (response.status_code, response.json()["Code"]) == (status, code), response.text


def _assert_huawei(response: requests.Response, api_id: str, situation: str) -> None:
    status, code = _expected(api_id, situation)
    assert (response.status_code, response.json()["error_code"]) == (status, code), response.text


@pytest.mark.parametrize(
    ("api_id", "name"),
    [(a, s.name) for a in ALIBABA for s in CATALOGUE[a].parameters
     if s.required and s.layer != "vendor-common"],
)
def test_each_missing_required_alibaba_parameter_is_missing_parameter(
    client: MockClient, api_id: str, name: str
) -> None:
    values = {"JobId": "j-1", "VaultId": "v-1", "BackupPlanId": "dbs1", "StopMethod": "ALL",
              "ClientIds": ["c-1"]}
    documented = {s.name for s in CATALOGUE[api_id].parameters}
    call = {k: v for k, v in values.items() if k in documented and k != name}
    response = client.call(api_id, call)
    _assert_alibaba(response, api_id, "missing-parameter")
    assert name in response.json()["Message"]


def test_out_of_enum_is_invalid_parameter(client: MockClient) -> None:
    response = client.call("dbs.StopBackupPlan", {"BackupPlanId": "dbs1", "StopMethod": "SOME"})
    _assert_alibaba(response, "dbs.StopBackupPlan", "invalid-parameter")
    assert "StopMethod" in response.json()["Message"]


@pytest.mark.parametrize("client_ids", [
    "[not json", '{"a": 1}', json.dumps([f"c-{i}" for i in range(101)]), "[1, 2]", "",
])
def test_bad_client_ids_are_rejected(client: MockClient, client_ids: str) -> None:
    response = client.call("hbr.DeleteBackupClientResource", {"ClientIds": client_ids})
    _assert_alibaba(response, "hbr.DeleteBackupClientResource", "invalid-parameter")


def test_wrong_type_query_boolean_is_a_huawei_400(client: MockClient) -> None:
    response = client.call("vbs.CancelBackupSharing",
                           {"project_id": "p", "id": "x", "is_backup_id": "yes"})
    _assert_huawei(response, "vbs.CancelBackupSharing", "invalid-parameter")


def test_unknown_action_and_version(server: MockServer) -> None:
    errors = ErrorCodes.of(CATALOGUE[ALIBABA[0]])
    response = requests.post(server.url + "/", timeout=T,
                             headers={"x-acs-action": "NoSuchAction", "x-acs-version": "x"})
    unknown = errors.get("unknown-action")
    assert (response.status_code, response.json()["Code"]) == (unknown.status, unknown.code)
    response = requests.post(server.url + "/", timeout=T, headers={
        "x-acs-action": "CancelBackupJob", "x-acs-version": "2099-01-01"})
    wrong = errors.get("unknown-version")
    assert (response.status_code, response.json()["Code"]) == (wrong.status, wrong.code)
    assert wrong.code in ("InvalidVersion", "NoSuchVersion")


def test_rpc_v1_style_action_parameters_route_too(client: MockClient) -> None:
    state = client.setup("hbr: a running backup job")
    response = requests.get(client.base_url + "/", timeout=T, params={
        "Action": "CancelBackupJob", "Version": "2017-09-08", "Format": "JSON", **state})
    assert response.status_code == 200, response.text


def test_form_body_parameters_are_read(client: MockClient) -> None:
    state = client.setup("hbr: a running backup job")
    response = requests.post(client.base_url + "/", timeout=T, data=state, headers={
        "x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"})
    assert response.status_code == 200, response.text


def test_huawei_unknown_path_is_404_and_wrong_method_405(server: MockServer) -> None:
    response = requests.get(server.url + "/v3/p/nothing-here", timeout=T)
    assert response.status_code == 404 and "error_code" in response.json()
    assert response.headers["X-Request-Id"]
    response = requests.post(server.url + "/v3/p/backups/b", timeout=T)
    assert response.status_code == 405 and "error_code" in response.json()


def test_strict_mode_rejects_undocumented_extras_naming_rule_and_line(
    server: MockServer, strict_server: MockServer
) -> None:
    values = {"BackupPlanId": "dbs-none", "StopMethod": "ALL", "Unexpected": "1"}
    lenient = MockClient(server.url, CATALOGUE).call("dbs.StopBackupPlan", values)
    assert lenient.json()["Code"] != "InvalidParameter"  # tolerated, then not found
    strict = MockClient(strict_server.url, CATALOGUE).call("dbs.StopBackupPlan", values)
    assert strict.status_code == 400
    assert "undocumented-parameter" in strict.json()["Message"]
    assert CATALOGUE["dbs.StopBackupPlan"].page in strict.json()["Message"]


def test_strict_mode_cites_the_page_line_of_the_parameter(strict_server: MockServer) -> None:
    client = MockClient(strict_server.url, CATALOGUE)
    response = client.call("dbs.StopBackupPlan", {"BackupPlanId": "dbs1", "StopMethod": "NO"})
    spec = CATALOGUE["dbs.StopBackupPlan"].parameter("StopMethod")
    assert "rule enum" in response.json()["Message"]
    assert spec.source in response.json()["Message"]


GARBAGE = [
    ("POST", "/", {"data": b"\xff\xfe\x00garbage", "headers": {
        "content-type": "application/x-www-form-urlencoded", "x-acs-action": "CancelBackupJob",
        "x-acs-version": "2017-09-08"}}),
    ("POST", "/?JobId=%ff%fe&VaultId=v", {"headers": {
        "x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"}}),
    ("POST", "/", {"params": {"JobId": "j" * 200_000, "VaultId": "v"}, "headers": {
        "x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"}}),
    ("POST", "/", {"data": b"x" * (2 << 20), "headers": {"x-acs-action": "CancelBackupJob"}}),
    ("PATCH", "/", {"headers": {"x-acs-action": "CancelBackupJob",
                                "x-acs-version": "2017-09-08"}}),
    ("BREW", "/v3/p/backups/b", {}),
    ("DELETE", "/v3/%ff/backups/%fe", {}),
    ("DELETE", "/v2/p/os-vendor-backup-sharing/x?is_backup_id=%ff", {}),
    ("GET", "/_states", {}),
    ("POST", "/_states", {"data": b"{not json"}),
    ("POST", "/_states", {"json": {"state": "vbs: a shared backup", "params": {"count": "x"}}}),
    ("POST", "/_states", {"json": [1, 2]}),
    ("DELETE", "/v2/p/os-vendor-backup-sharing", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), GARBAGE)
def test_garbage_never_gets_a_5xx(server: MockServer, method: str, path: str,
                                  kwargs: dict[str, object]) -> None:
    response = requests.request(method, server.url + path, timeout=T, **kwargs)  # type: ignore[arg-type]
    assert response.status_code < 500, response.text
