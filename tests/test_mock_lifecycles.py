"""Stateful behaviour: cancel twice, delete twice, is_backup_id, ClientToken, unknown clients,
and one lock under concurrent requests."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from mock_client import MockClient

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.codes import ErrorCodes

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def app() -> MockApp:
    return MockApp(CATALOGUE)


@pytest.fixture(scope="module")
def client(app: MockApp) -> Iterator[MockClient]:
    with MockServer(app) as server:
        yield MockClient(server.url, CATALOGUE)


def _error(api_id: str, situation: str) -> tuple[int, str]:
    error = ErrorCodes.of(CATALOGUE[api_id]).get(situation)
    return error.status, error.code


def test_a_cancelled_job_cannot_be_cancelled_again(client: MockClient) -> None:
    job = client.setup("hbr: a running backup job")
    assert client.call("hbr.CancelBackupJob", job).status_code == 200
    again = client.call("hbr.CancelBackupJob", job)
    status, code = _error("hbr.CancelBackupJob", "job-not-cancellable")
    assert (again.status_code, again.json()["Code"]) == (status, code)


def test_a_job_in_another_vault_is_not_found(client: MockClient) -> None:
    job = client.setup("hbr: a running backup job")
    response = client.call("hbr.CancelBackupJob", {**job, "VaultId": "v-other"})
    assert (response.status_code, response.json()["Code"]) == _error("hbr.CancelBackupJob",
                                                                     "not-found")


def test_a_deleted_backup_is_gone(client: MockClient) -> None:
    backup = client.setup("gaussdbfornosql: a manual backup")
    assert client.call("gaussdbfornosql.DeleteBackup", backup).status_code == 202
    again = client.call("gaussdbfornosql.DeleteBackup", backup)
    assert (again.status_code, again.json()["error_code"]) == (400, "DBS.201214")
    assert again.json()["error_msg"] == "The backup file does not exist."


def test_sharing_ids_cancel_one_by_one(client: MockClient) -> None:
    shared = client.setup("vbs: a shared backup", {"count": 2})
    first, second = shared["sharing_ids"]
    base = {"project_id": shared["project_id"]}
    assert client.call("vbs.CancelBackupSharing", {**base, "id": first}).status_code == 200
    gone = client.call("vbs.CancelBackupSharing", {**base, "id": first})
    assert gone.status_code == _error("vbs.CancelBackupSharing", "not-found")[0]
    explicit_false = client.call("vbs.CancelBackupSharing",
                                 {**base, "id": second, "is_backup_id": False})
    assert explicit_false.status_code == 200


def test_is_backup_id_true_cancels_every_sharing(client: MockClient) -> None:
    shared = client.setup("vbs: a shared backup", {"count": 3})
    base = {"project_id": shared["project_id"]}
    as_sharing = client.call("vbs.CancelBackupSharing", {**base, "id": shared["backup_id"]})
    assert as_sharing.status_code == 404  # without the flag the id is a sharing id
    by_backup = client.call("vbs.CancelBackupSharing",
                            {**base, "id": shared["backup_id"], "is_backup_id": True})
    assert by_backup.status_code == 200 and by_backup.content == b""
    for sharing_id in shared["sharing_ids"]:
        assert client.call("vbs.CancelBackupSharing", {**base, "id": sharing_id}).status_code \
            == 404
    again = client.call("vbs.CancelBackupSharing",
                        {**base, "id": shared["backup_id"], "is_backup_id": "true"})
    assert again.status_code == 404


def test_a_repeated_client_token_replays_the_outcome(client: MockClient) -> None:
    plan = client.setup("dbs: a running backup plan")
    values = {**plan, "StopMethod": "PLAN", "ClientToken": "token-replay-1"}
    first = client.call("dbs.StopBackupPlan", values)
    client.teardown("dbs: a running backup plan", plan)  # the plan is gone now
    second = client.call("dbs.StopBackupPlan", values)
    assert first.status_code == second.status_code == 200
    one, two = first.json(), second.json()
    assert one.pop("RequestId") != two.pop("RequestId")
    assert one == two
    without_token = client.call("dbs.StopBackupPlan", {**plan, "StopMethod": "PLAN"})
    assert without_token.status_code == _error("dbs.StopBackupPlan", "plan-not-found")[0]
    other = client.call("dbs.StopBackupPlan", {**values, "StopMethod": "ALL"})
    assert other.status_code == _error("dbs.StopBackupPlan", "idempotent-mismatch")[0]


def test_client_resources_of_existing_clients_are_removed(client: MockClient, app: MockApp
                                                          ) -> None:
    ids = client.setup("hbr: backup clients with resources", {"count": 3})["ClientIds"]
    assert all(app.world.clients[c].resources for c in ids)
    assert client.call("hbr.DeleteBackupClientResource", {"ClientIds": ids}).status_code == 200
    assert all(app.world.clients[c].resources == [] for c in ids)  # clients stay (003:13)
    mixed = client.call("hbr.DeleteBackupClientResource", {"ClientIds": [*ids, "c-unknown"]})
    assert (mixed.status_code, mixed.json()["Code"]) == _error(
        "hbr.DeleteBackupClientResource", "not-found")


def test_concurrent_cancels_of_one_job_succeed_exactly_once(client: MockClient) -> None:
    job = client.setup("hbr: a running backup job")

    def cancel(_: int) -> int:  # one session per call: requests.Session is not thread-safe
        own = MockClient(client.base_url, CATALOGUE)
        return own.call("hbr.CancelBackupJob", job).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(cancel, range(200)))
    assert statuses.count(200) == 1
    assert set(statuses) == {200, _error("hbr.CancelBackupJob", "job-not-cancellable")[0]}
