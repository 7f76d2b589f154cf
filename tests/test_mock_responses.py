"""Every API's success and error responses have the documented status, content type and shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mock_client import STATE_FOR_API, MockClient, values_from_state

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer

CATALOGUE = load_catalogue()
API_IDS = list(CATALOGUE)


@pytest.fixture(scope="module")
def client() -> Iterator[MockClient]:
    with MockServer(MockApp(CATALOGUE)) as server:
        yield MockClient(server.url, CATALOGUE)


def _valid_call(client: MockClient, api_id: str) -> Any:
    state = client.setup(STATE_FOR_API[api_id], {"count": 2} if "count" in
                         STATE_FOR_API[api_id] else None)
    return client.call(api_id, values_from_state(api_id, state))


@pytest.mark.parametrize("api_id", API_IDS)
def test_success_has_the_documented_status_and_validates_against_the_contract(
    client: MockClient, api_id: str
) -> None:
    contract = CATALOGUE[api_id]
    response = _valid_call(client, api_id)
    assert response.status_code == contract.success_status, response.text
    schema = contract.response_schema(contract.success_status)
    if contract.response_has_no_body(contract.success_status) or schema is None:
        assert response.content == b""
        return
    assert response.headers["Content-Type"].split(";")[0] == "application/json"
    body = response.json()
    errors = [e.message for e in Draft202012Validator(dict(schema)).iter_errors(body)]
    assert not errors
    for name in schema.get("properties", {}):
        if name not in ("ErrCode", "ErrMessage"):  # failure fields: absent on success
            assert name in body, f"{api_id}: documented field {name} missing"


@pytest.mark.parametrize("api_id", API_IDS)
def test_every_response_carries_a_request_id(client: MockClient, api_id: str) -> None:
    contract = CATALOGUE[api_id]
    response = _valid_call(client, api_id)
    if contract.family == "alibaba-rpc":
        assert response.json()["RequestId"]
    else:
        assert len(response.headers["X-Request-Id"]) == 32


def test_alibaba_success_bodies_match_the_page_samples(client: MockClient) -> None:
    body = _valid_call(client, "hbr.CancelBackupJob").json()
    assert {k: body[k] for k in ("Code", "Message", "Success")} == {
        "Code": "200", "Message": "successful", "Success": True}
    body = _valid_call(client, "dbs.StopBackupPlan").json()
    assert body["HttpStatusCode"] == 200 and body["Success"] is True
    assert body["BackupPlanId"].startswith("dbs")
    assert "ErrCode" not in body and "ErrMessage" not in body


def test_geminidb_delete_answers_202_with_a_job_uuid(client: MockClient) -> None:
    response = _valid_call(client, "gaussdbfornosql.DeleteBackup")
    assert response.status_code == 202
    assert len(response.json()["job_id"]) == 36


@pytest.mark.parametrize("api_id", API_IDS)
def test_errors_use_the_vendor_envelope(client: MockClient, api_id: str) -> None:
    contract = CATALOGUE[api_id]
    values = {s.name: "does-not-exist" for s in contract.parameters
              if s.required and s.layer != "vendor-common"}
    if api_id == "dbs.StopBackupPlan":
        values["StopMethod"] = "ALL"
    if api_id == "hbr.DeleteBackupClientResource":
        values["ClientIds"] = ["c-unknown"]
    response = client.call(api_id, values)
    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"].split(";")[0] == "application/json"
    schema = (contract.vendor_common["error_envelope"]["schema"])
    assert not list(Draft202012Validator(dict(schema)).iter_errors(response.json()))
    if contract.family == "alibaba-rpc":
        assert set(response.json()) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    else:
        assert set(response.json()) == {"error_code", "error_msg"}
        assert response.headers["X-Request-Id"]
