"""The destructive-call guard: only owned, allowlisted or reserved ids are ever named."""

from __future__ import annotations

import io

import pytest

from backup_conformance.contracts import load_catalogue
from backup_conformance.targets import (
    OMIT,
    At,
    Credentials,
    Profile,
    Raw,
    ResourceLedger,
    SafetyError,
    SafetyGuard,
    ServiceTarget,
    TargetClient,
    is_reserved,
    nonexistent_id,
)

FOREIGN = "job-someone-elses-123"


class Jobs:
    def setup(self, state, params):
        return {"JobId": "job-ours-1", "VaultId": "v-ours-1"}

    def teardown(self, state, params, values):
        return None


@pytest.fixture
def guard():
    ledger = ResourceLedger(Jobs(), register_atexit=False)
    ledger.obtain("hbr: a running backup job")
    return SafetyGuard({"hbr": ["c-allowed"], "vbs": ["proj-ours"]}, owned=ledger.owns)


def test_reserved_ids():
    value = nonexistent_id("job")
    assert value.startswith("bc-nonexistent-job-") and is_reserved(value)
    assert nonexistent_id() != nonexistent_id()


@pytest.mark.parametrize("params", [
    {"JobId": "job-ours-1", "VaultId": "v-ours-1"},  # from the ledger
    {"JobId": nonexistent_id(), "VaultId": nonexistent_id()},  # reserved
    {"JobId": "", "VaultId": OMIT},  # names nothing
    {"JobId": Raw("bc-nonexistent-" + "a" * 300)},  # over-long, still reserved
    {"JobId": None, "Unrelated": FOREIGN},  # not a resource-id parameter
    {"JobId": True},  # a wrong type that names nothing
])
def test_allowed(guard, params):
    guard.check("hbr.CancelBackupJob", "hbr", params)


@pytest.mark.parametrize(("params", "word"), [
    ({"JobId": FOREIGN}, FOREIGN),
    ({"JobId": "job-ours-1", "VaultId": "v-theirs"}, "v-theirs"),
    ({"JobId": At("query", FOREIGN)}, FOREIGN),
    ({"JobId": f"bc-nonexistent-1,{FOREIGN}"}, FOREIGN),  # the prefix covers one word only
    ({"JobId": 12345}, "12345"),  # numbers could be ids
    ({"JobId": Raw(f"{nonexistent_id()} {FOREIGN}")}, FOREIGN),
])
def test_refused(guard, params, word):
    with pytest.raises(SafetyError) as info:
        guard.check("hbr.CancelBackupJob", "hbr", params)
    message = str(info.value)
    assert message.startswith("hbr.CancelBackupJob: refusing to send ")
    assert f"={word!r}" in message and "nothing was sent" in message


def test_client_ids_lists_json_text_and_malformed_json(guard):
    check = lambda value: guard.check(  # noqa: E731
        "hbr.DeleteBackupClientResource", "hbr", {"ClientIds": value})
    check(["c-allowed", nonexistent_id()])
    check(Raw('["c-allowed", "bc-nonexistent-2"'))  # malformed, but names nothing foreign
    check(Raw("bc-nonexistent-1,bc-nonexistent-2"))  # comma-separated variant
    check(Raw("[]"))
    for bad in (["c-allowed", "c-foreign"], Raw('["c-foreign"]'), Raw('["c-foreign",')):
        with pytest.raises(SafetyError, match="ClientIds='c-foreign'"):
            check(bad)


def test_huawei_project_and_ids(guard):
    guard.check("vbs.CancelBackupSharing", "vbs", {"project_id": "proj-ours",
                                                  "id": nonexistent_id()})
    with pytest.raises(SafetyError, match="project_id='proj-other'"):
        guard.check("vbs.CancelBackupSharing", "vbs", {"project_id": "proj-other",
                                                      "id": nonexistent_id()})
    with pytest.raises(SafetyError, match="project_id='proj-ours'"):  # allowlists are per service
        guard.check("gaussdbfornosql.DeleteBackup", "gaussdbfornosql",
                    {"project_id": "proj-ours"})


def test_client_refuses_before_sending_and_trusts_profile_ids():
    target = ServiceTarget("gaussdbfornosql", "huawei-rest", "http://127.0.0.1:9", "none",
                           Credentials(project_id="proj-mine"), project_id="proj-mine",
                           allowlist=frozenset({"backup-keep-out"}))
    client = TargetClient(Profile("p", {"gaussdbfornosql": target}, dry_run=True),
                          out=io.StringIO())
    api = load_catalogue()["gaussdbfornosql.DeleteBackup"]
    assert client.call(api, {"project_id": "proj-mine", "backup_id": "backup-keep-out"}).dry_run
    with pytest.raises(SafetyError, match="backup_id='b-1'"):
        client.call(api, {"project_id": "proj-mine", "backup_id": "b-1"})


def test_data_file_matches_the_contracts_and_the_design():
    from backup_conformance.targets.data import resources

    data = resources()
    cat = load_catalogue()
    assert set(data["apis"]) == set(cat)  # a new contract must say which ids it destroys
    for api_id, info in data["apis"].items():
        documented = {p.name for p in cat[api_id].parameters}
        assert set(info["resource_ids"]) <= documented, api_id
    assert {s: list(row["returns"]) for s, row in data["states"].items()} == {
        "hbr: a running backup job": ["JobId", "VaultId"],
        "dbs: a running backup plan": ["BackupPlanId"],
        "vbs: a shared backup": ["project_id", "backup_id", "sharing_ids"],
        "hbr: backup clients with resources": ["ClientIds"],
        "gaussdbfornosql: a manual backup": ["project_id", "backup_id"],
    }  # docs/design.md section 4, verbatim
