"""End to end against the reference mock on loopback: options -> profile -> provider states ->
ledger -> guarded calls -> teardown. (Tests may import the mock; ``targets`` itself never does.)"""

from __future__ import annotations

import pytest

from backup_conformance.contracts import load_catalogue
from backup_conformance.targets import (
    ResourceLedger,
    SafetyError,
    SafetyGuard,
    TargetClient,
    nonexistent_id,
    profile_from_options,
    provider_from_profile,
)

mock = pytest.importorskip("backup_conformance.mock")


@pytest.fixture(scope="module")
def mock_url():
    server = mock.MockServer().start()
    yield server.url
    server.stop()


def test_every_api_destroys_only_what_the_run_obtained(mock_url):
    profile = profile_from_options(mock_url, f"{mock_url}/_states", env={})
    provider = provider_from_profile(profile)
    assert provider is not None
    cat = load_catalogue()
    with ResourceLedger(provider, register_atexit=False) as ledger, TargetClient(
            profile, guard=SafetyGuard.from_profile(profile, owned=ledger.owns)) as client:
        job = ledger.obtain("hbr: a running backup job")
        plan = ledger.obtain("dbs: a running backup plan")
        shared = ledger.obtain("vbs: a shared backup")
        clients = ledger.obtain("hbr: backup clients with resources", {"count": 2})
        backup = ledger.obtain("gaussdbfornosql: a manual backup")
        calls = [
            ("hbr.CancelBackupJob", job),
            ("dbs.StopBackupPlan", {**plan, "StopMethod": "ALL"}),
            ("vbs.CancelBackupSharing", {"project_id": shared["project_id"],
                                         "id": shared["sharing_ids"][0]}),
            ("hbr.DeleteBackupClientResource", clients),
            ("gaussdbfornosql.DeleteBackup", backup),
        ]
        for api, params in calls:
            exchange = client.call(cat[api], params)
            assert exchange.response.status == cat[api].success_status, exchange.summary()
        missing = client.call(cat["gaussdbfornosql.DeleteBackup"],
                              {"project_id": backup["project_id"],
                               "backup_id": nonexistent_id()})
        assert 400 <= missing.response.status < 500
        with pytest.raises(SafetyError):
            client.call(cat["hbr.CancelBackupJob"], {"JobId": "job-not-ours",
                                                     "VaultId": job["VaultId"]})
    assert len(ledger.report()) == 5
    assert all(r["torn_down"] for r in ledger.report())
