"""The official SDKs, unchanged, against the reference mock with signatures VERIFIED.

Why: the mock is the SDK teams' CI gate (docs/design.md §3, §5). If a stock client, configured only
with an endpoint override and credentials, cannot sign, reach, parse or map errors from the
mock, the gate is useless to them. Every call here is bounded (5 s timeouts), goes to
127.0.0.1 only, and runs with proxies disabled.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

# What tea-openapi 0.4.x raises for a 4xx: ClientException, a darabonba ResponseException and so
# a Tea TeaException; status_code, code and request_id come from the mock's error envelope.
from alibabacloud_tea_openapi.exceptions import ClientException
from huaweicloudsdkcore.client import Client, ClientBuilder
from huaweicloudsdkcore.sdk_response import SdkResponse
from sdk_clients import ALI_SECRET, ENV, HW_PROJECT, HW_SK, alibaba, huawei, without_proxies

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import Credentials, MockApp, MockServer, Recorder, Verifying
from backup_conformance.mock.codes import ErrorCodes, VendorError

CATALOGUE = load_catalogue()


def _documented(api_id: str, situation: str) -> VendorError:
    """The error the mock documents for ``situation`` (error_choices.json + contract tables)."""
    return ErrorCodes.of(CATALOGUE[api_id]).get(situation)


@contextmanager
def _conformant(server: MockServer) -> Iterator[None]:
    """What the CI gate checks: the SDK's requests broke no rule of the contract."""
    before = server.app.recorder.nonconformant
    yield
    assert server.app.recorder.nonconformant == before, server.app.recorder.summary()


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sdks") / "requests.jsonl"


@pytest.fixture(scope="module")
def mock(record: Path) -> Iterator[MockServer]:
    credentials = Credentials.from_mapping(ENV)
    # What ``backup-conformance mock`` does with HUAWEICLOUD_SDK_PROJECT_ID in its environment.
    app = MockApp(CATALOGUE, authenticator=Verifying(credentials), recorder=Recorder(record),
                  project_id=credentials.huawei_project_id)
    with MockServer(app) as server:
        yield server
    app.recorder.close()


def _last_recorded(record: Path) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(record.read_text().splitlines()[-1])
    return entry


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    without_proxies(monkeypatch)


# --- clients, configured only with an endpoint override and credentials -----------------------

def _hbr(server: MockServer, secret: str = ALI_SECRET, **extra: Any) -> Any:
    from alibabacloud_hbr20170908.client import Client

    return alibaba(Client, server.port, secret, **extra)


def _dbs(server: MockServer, secret: str = ALI_SECRET) -> Any:
    from alibabacloud_dbs20190306.client import Client

    return alibaba(Client, server.port, secret)


def _geminidb(server: MockServer, secret: str = HW_SK) -> Any:
    from huaweicloudsdkgaussdbfornosql.v3 import GaussDBforNoSQLClient

    return huawei(GaussDBforNoSQLClient.new_builder(), server.url, secret)


# --- 1. HBR CancelBackupJob -------------------------------------------------------------------

def test_hbr_cancel_backup_job_then_the_second_cancel_is_a_typed_error(mock: MockServer) -> None:
    """A documented success parses into the SDK's model; a documented error becomes the SDK's
    typed exception with the code and status the mock chose from the contract."""
    from alibabacloud_hbr20170908.models import CancelBackupJobRequest

    job = mock.app.states.setup("hbr: a running backup job", {})
    request = CancelBackupJobRequest(job_id=job["JobId"], vault_id=job["VaultId"])
    client = _hbr(mock)
    expected = _documented("hbr.CancelBackupJob", "job-not-cancellable")
    with _conformant(mock), pytest.raises(ClientException) as raised:
        body = client.cancel_backup_job(request).body
        assert body.success is True and body.code == "200" and body.request_id
        client.cancel_backup_job(request)
    assert (raised.value.code, raised.value.status_code) == (expected.code, expected.status)
    assert raised.value.request_id and raised.value.request_id != body.request_id


# --- 2. HBR DeleteBackupClientResource (ACS3 and the older RPC signature) -----------------------

@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["acs3", "rpc-v1"])
def test_hbr_delete_backup_client_resource(mock: MockServer, record: Path,
                                           algorithm: str | None) -> None:
    """``ClientIds`` travels as one JSON-array string; both signature styles verify."""
    from alibabacloud_hbr20170908.models import DeleteBackupClientResourceRequest

    clients = mock.app.states.setup("hbr: backup clients with resources", {"count": 3})
    extra = {"signature_algorithm": algorithm} if algorithm else {}
    with _conformant(mock):
        response = _hbr(mock, **extra).delete_backup_client_resource(
            DeleteBackupClientResourceRequest(client_ids=clients["ClientIds"]))
    assert response.status_code == 200
    assert (response.body.success, response.body.code) == (True, "200")
    assert response.body.request_id
    sent = _last_recorded(record)
    query = parse_qs(urlsplit(sent["path"]).query)
    assert json.loads(query["ClientIds"][0]) == clients["ClientIds"]
    assert ("SignatureMethod=HMAC-SHA1" in sent["path"]) == (algorithm == "v2")
    assert ("Authorization" in sent["headers"]) == (algorithm is None)


# --- 3. DBS StopBackupPlan with a ClientToken -------------------------------------------------

def test_dbs_stop_backup_plan_is_idempotent_by_client_token(mock: MockServer) -> None:
    """A repeat with the same token replays the first outcome; only RequestId differs."""
    from alibabacloud_dbs20190306.models import StopBackupPlanRequest

    plan = mock.app.states.setup("dbs: a running backup plan", {})
    request = StopBackupPlanRequest(backup_plan_id=plan["BackupPlanId"], stop_method="ALL",
                                    client_token=str(uuid.uuid4()))
    client = _dbs(mock)
    with _conformant(mock):
        first, again = client.stop_backup_plan(request), client.stop_backup_plan(request)
    for response in (first, again):
        assert response.status_code == 200
        assert response.body.success is True
        assert response.body.backup_plan_id == plan["BackupPlanId"]
    assert first.body.request_id != again.body.request_id
    first_body, again_body = first.body.to_map(), again.body.to_map()
    del first_body["RequestId"], again_body["RequestId"]
    assert first_body == again_body


# --- 4. GeminiDB DeleteBackup -------------------------------------------------------------------

def test_geminidb_delete_backup_then_the_second_delete_is_a_typed_error(mock: MockServer
                                                                        ) -> None:
    """A 202 ``{"job_id"}`` parses; the repeat's ``{error_code, error_msg}`` and X-Request-Id
    reach ``ClientRequestException``."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkgaussdbfornosql.v3 import DeleteBackupRequest

    backup = mock.app.states.setup("gaussdbfornosql: a manual backup", {"project_id": HW_PROJECT})
    client = _geminidb(mock)
    expected = _documented("gaussdbfornosql.DeleteBackup", "not-found")
    with _conformant(mock), pytest.raises(ClientRequestException) as raised:
        response = client.delete_backup(DeleteBackupRequest(backup_id=backup["backup_id"]))
        assert response.status_code == 202
        assert response.job_id
        client.delete_backup(DeleteBackupRequest(backup_id=backup["backup_id"]))
    error = raised.value
    assert (error.error_code, error.status_code) == (expected.code, expected.status)
    assert error.request_id and len(error.request_id) == 32


# --- 5. VBS CancelBackupSharing through huaweicloudsdkcore's generic request ---------------------

class CancelBackupSharingResponse(SdkResponse):
    """What a generated SDK would hold for this API: a response model with no fields. The core
    needs one: with ``response_type=None`` it cannot deserialize even an empty body."""

    openapi_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}


def _sharing_client(server: MockServer) -> Any:
    client = huawei(ClientBuilder(Client), server.url)
    client.model_package = SimpleNamespace(CancelBackupSharingResponse=CancelBackupSharingResponse)
    return client


@pytest.mark.parametrize("by_backup", [False, True], ids=["one-sharing", "is_backup_id=true"])
def test_vbs_cancel_backup_sharing_with_the_generic_request(mock: MockServer,
                                                            by_backup: bool) -> None:
    """No generated SDK has this API: ``Client.do_http_request`` signs and sends it; the empty
    200 parses into an empty response, and a repeat's 404 into ``ClientRequestException``."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    shared = mock.app.states.setup("vbs: a shared backup",
                                   {"project_id": HW_PROJECT, "count": 2})
    target = shared["backup_id"] if by_backup else shared["sharing_ids"][0]
    client = _sharing_client(mock)

    def cancel() -> Any:
        return client.do_http_request(
            method="DELETE", resource_path="/v2/{project_id}/os-vendor-backup-sharing/{id}",
            path_params={"id": target},
            query_params=[("is_backup_id", "true")] if by_backup else [],
            header_params={"Content-Type": "application/json"},
            response_type="CancelBackupSharingResponse", response_headers=[])

    expected = _documented("vbs.CancelBackupSharing", "not-found")
    with _conformant(mock), pytest.raises(ClientRequestException) as raised:
        response = cancel()
        assert (response.status_code, response.raw_content) == (200, b"")
        assert isinstance(response, CancelBackupSharingResponse)
        cancel()
    assert (raised.value.error_code, raised.value.status_code) == (expected.code, expected.status)
    assert raised.value.request_id


# --- the SDK's one project (issue 12 item 4) ---------------------------------------------------

def test_a_client_built_for_the_mocks_project_finds_its_states_and_not_another_projects(
        mock: MockServer) -> None:
    """A client is built for one project: states made with no params are in it (the mock was
    given ``HUAWEICLOUD_SDK_PROJECT_ID``); one made in another project is not found."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkgaussdbfornosql.v3 import DeleteBackupRequest

    client = _geminidb(mock)
    mine = mock.app.states.setup("gaussdbfornosql: a manual backup", {})
    theirs = mock.app.states.setup("gaussdbfornosql: a manual backup",
                                   {"project_id": uuid.uuid4().hex})
    shared = mock.app.states.setup("vbs: a shared backup", {})
    assert mine["project_id"] == shared["project_id"] == HW_PROJECT != theirs["project_id"]
    expected = _documented("gaussdbfornosql.DeleteBackup", "not-found")
    with _conformant(mock):
        assert client.delete_backup(DeleteBackupRequest(backup_id=mine["backup_id"])).job_id
        with pytest.raises(ClientRequestException) as raised:
            client.delete_backup(DeleteBackupRequest(backup_id=theirs["backup_id"]))
        response = _sharing_client(mock).do_http_request(
            method="DELETE", resource_path="/v2/{project_id}/os-vendor-backup-sharing/{id}",
            path_params={"id": shared["sharing_ids"][0]}, query_params=[],
            header_params={"Content-Type": "application/json"},
            response_type="CancelBackupSharingResponse", response_headers=[])
    assert (raised.value.error_code, raised.value.status_code) == (expected.code, expected.status)
    assert response.status_code == 200


# --- 6. a wrong secret, per SDK ---------------------------------------------------------------

def test_alibaba_sdks_surface_a_wrong_secret_as_signature_does_not_match(mock: MockServer
                                                                         ) -> None:
    """The vendor's code, not a generic 401, so SDK retry/auth logic sees what it would in
    production."""
    from alibabacloud_dbs20190306.models import StopBackupPlanRequest
    from alibabacloud_hbr20170908.models import CancelBackupJobRequest

    job = mock.app.states.setup("hbr: a running backup job", {})
    plan = mock.app.states.setup("dbs: a running backup plan", {})
    calls = [
        lambda: _hbr(mock, "wrong").cancel_backup_job(
            CancelBackupJobRequest(job_id=job["JobId"], vault_id=job["VaultId"])),
        lambda: _dbs(mock, "wrong").stop_backup_plan(
            StopBackupPlanRequest(backup_plan_id=plan["BackupPlanId"], stop_method="ALL")),
    ]
    before = mock.app.recorder.nonconformant
    for call in calls:
        with pytest.raises(ClientException) as raised:
            call()
        assert (raised.value.code, raised.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert mock.app.recorder.nonconformant == before + len(calls)  # the gate would fail too


def test_geminidb_surfaces_a_wrong_secret_as_apigw_0301(mock: MockServer) -> None:
    """Huawei's gateway code and status reach ``ClientRequestException`` unchanged."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkgaussdbfornosql.v3 import DeleteBackupRequest

    backup = mock.app.states.setup("gaussdbfornosql: a manual backup", {"project_id": HW_PROJECT})
    with pytest.raises(ClientRequestException) as raised:
        _geminidb(mock, "wrong").delete_backup(DeleteBackupRequest(backup_id=backup["backup_id"]))
    assert (raised.value.error_code, raised.value.status_code) == ("APIGW.0301", 401)
    assert raised.value.request_id
