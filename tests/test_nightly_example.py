"""The nightly example works before anyone points it at a real account.

``fixtures/hooks/sdk_provider_states.py`` makes resources through the official SDKs; here it
runs, through ``HookProvider`` exactly as a run would call it, against a local fake of the
vendor endpoints answering with the vendors' JSON. The tests read what the SDKs sent (actions,
parameters, signatures), what the hook returned (docs/design.md section 4's keys), and that teardown
sends the undoing call. The nightly profiles must load and name an importable hook.

Bounded: the fake answers at once on 127.0.0.1, the hook's SDK timeouts are cut to seconds,
and proxy variables are removed (darabonba, the Alibaba SDKs' HTTP layer, ignores NO_PROXY).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from backup_conformance.targets import load_profile
from backup_conformance.targets.errors import ProviderError
from backup_conformance.targets.providers import HookProvider
from fixtures.hooks import sdk_provider_states as hook

ROOT = Path(__file__).resolve().parents[1]
HOOK = "fixtures.hooks.sdk_provider_states:provide"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
ALI_AK, ALI_SECRET = "LTAInightlyFakeAK01", "nightly-fake-alibaba-secret"
HW_AK, HW_SK = "NIGHTLYFAKEHWAK00001", "nightly-fake-huawei-secret"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DB_PASSWORD = "nightly-fake-db-password"
SANDBOX = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": ALI_AK, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ALI_SECRET,
    "HUAWEICLOUD_SDK_AK": HW_AK, "HUAWEICLOUD_SDK_SK": HW_SK,
    "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT,
    "BC_HBR_VAULT_ID": "v-0001nightly", "BC_HBR_INSTANCE_ID": "i-bp1nightly",
    "BC_HBR_CLIENT_IDS": "c-0001, c-0002,c-0003",
    "BC_DBS_REGION": "cn-hangzhou", "BC_DBS_SOURCE_INSTANCE_ID": "rm-bp1nightly",
    "BC_DBS_SOURCE_USER": "bc_backup", "BC_DBS_SOURCE_PASSWORD": DB_PASSWORD,
    "BC_DBS_BACKUP_OBJECTS": '[{"DBName":"sandbox"}]',
    "BC_VBS_BACKUP_ID": "066b1e37-9305-4057-97e5-2e99b21fc71d",
    "BC_VBS_TO_PROJECT_IDS": "722513ed0a324dadaabe5b2d0fe848c9,722513ed0a324dadaabe5b2d0fe84919",
    "BC_GEMINIDB_INSTANCE_ID": "9136fd2a9fcd405ea4674276ce36dae8in06",
}


@dataclass
class Sent:
    """One request as the vendor saw it."""

    method: str
    path: str
    action: str | None  # Alibaba RPC action (x-acs-action), None for Huawei REST
    params: dict[str, str]  # query and form parameters
    body: Any  # JSON body, if any
    authorization: str


@dataclass
class FakeVendor:
    """Answers the calls the hook makes with plausible vendor JSON; ``answers`` overrides one
    answer per Alibaba action or ``"METHOD /path-regex"`` with ``(status, body)`` or a list of
    them consumed in turn."""

    url: str
    sent: list[Sent] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)

    def actions(self) -> list[str]:
        return [s.action or f"{s.method} {s.path}" for s in self.sent]

    def call(self, action: str) -> Sent:
        (found,) = [s for s in self.sent if s.action == action]
        return found

    def handle(self, request: Request) -> Response:
        query = dict(parse_qsl(urlsplit(request.full_path).query, keep_blank_values=True))
        action = request.headers.get("x-acs-action")
        raw = request.get_data(as_text=True)
        body = json.loads(raw) if raw and request.mimetype == "application/json" else None
        self.sent.append(Sent(request.method, request.path, action,
                              {**query, **request.form.to_dict()}, body,
                              request.headers.get("Authorization", "")))
        key = action or next((k for k in self.answers if " " in k and re.fullmatch(
            k.split(" ", 1)[1], request.path) and k.startswith(request.method + " ")), None)
        answer = self.answers.get(key) if key else None
        if isinstance(answer, list):  # in turn, then the default answer
            answer = answer.pop(0) if answer else None
        status, payload = answer or self.default(request, action)
        headers = {} if action else {"X-Request-Id": "0123456789abcdef0123456789abcdef"}
        return Response(b"" if payload is None else json.dumps(payload), status,
                        content_type="application/json", headers=headers)

    def default(self, request: Request, action: str | None) -> tuple[int, Any]:
        ok = {"RequestId": "4E9E3F30-7A1E-5D6D-8D1E-8B1F1C0C0001", "Success": True}
        alibaba = {
            "CreateBackupPlan": {**ok, "Code": "200", "Message": "successful",
                                 "PlanId": "po-000nightly"},
            "ExecuteBackupPlan": {**ok, "Code": "200", "Message": "successful",
                                  "JobId": "job-000nightly"},
            "CancelBackupJob": {**ok, "Code": "200", "Message": "successful"},
            "DeleteBackupPlan": {**ok, "Code": "200", "Message": "successful"},
            "ConfigureBackupPlan": {**ok, "HttpStatusCode": 200, "BackupPlanId": "dbs-nightly"},
            "StartBackupPlan": {**ok, "HttpStatusCode": 200, "BackupPlanId": "dbs-nightly"},
            "ReleaseBackupPlan": {**ok, "HttpStatusCode": 200, "BackupPlanId": "dbs-nightly"},
        }
        if action == "CreateBackupPlan" and "Region" in request.args:  # DBS, not HBR
            return 200, {**ok, "HttpStatusCode": 200, "BackupPlanId": "dbs-nightly",
                         "OrderId": "2046"}
        if action:
            return 200, alibaba[action]
        sharing = f"/v2/{PROJECT}/os-vendor-backup-sharing"
        if request.method == "POST" and request.path == sharing:
            shared = request.get_json()["shared"]
            return 200, {"shared": [
                {"backup_id": shared["backup_id"], "id": f"8332443e-0000-41d8-8a58-00000000000{i}",
                 "to_project_id": project, "from_project_id": PROJECT, "created_at": None,
                 "updated_at": None, "deleted": None, "deleted_at": None}
                for i, project in enumerate(shared["to_project_ids"])]}
        if request.method == "DELETE" and request.path.startswith(sharing):
            return 200, None
        if request.method == "POST" and request.path.endswith("/backups"):
            return 202, {"job_id": "8061ceaf-b319-4315-9338-7f3de8e26f05",
                         "backup_id": "646d88d0b03f4fd2ae944ae2a33bcb6abr06"}
        if request.method == "GET" and request.path == f"/v4/{PROJECT}/backups":
            return 200, {"total_count": 1, "backups": [
                {"id": request.args["backup_id"], "status": "COMPLETED", "type": "Manual"}]}
        if request.method == "DELETE" and request.path.startswith(f"/v3/{PROJECT}/backups/"):
            return 202, {"job_id": "c010abd0-48cf-4fa8-8cbc-090f093eaa2f"}
        return 404, {"error_code": "APIGW.0101", "error_msg": "no route"}


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeVendor]:
    server = HTTPServer("127.0.0.1", 0)
    server.start()
    fake = FakeVendor(f"http://127.0.0.1:{server.port}")
    server.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    for name, value in SANDBOX.items():
        monkeypatch.setenv(name, value)
    for name in ("BC_HBR_ENDPOINT", "BC_DBS_ENDPOINT", "BC_VBS_ENDPOINT", "BC_GEMINIDB_ENDPOINT"):
        monkeypatch.setenv(name, fake.url)
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    monkeypatch.setattr(hook, "CONNECT_S", 2)
    monkeypatch.setattr(hook, "READ_S", 5)
    monkeypatch.setattr(hook, "POLL_S", 0.01)
    try:
        yield fake
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def provider() -> HookProvider:
    return HookProvider(HOOK)  # what a profile's [provider] hook becomes in a run


def _signed(sent: list[Sent]) -> None:
    """Every request carried the vendor's signature with the configured key id."""
    for request in sent:
        if request.action:
            assert request.authorization.startswith(
                f"ACS3-HMAC-SHA256 Credential={ALI_AK},"), request
        else:
            assert request.authorization.startswith(
                f"SDK-HMAC-SHA256 Access={HW_AK},"), request


# --- hbr: a running backup job -----------------------------------------------------------------

def test_hbr_job_is_a_plan_executed_now_and_teardown_cancels_and_deletes(
        vendor: FakeVendor, provider: HookProvider) -> None:
    values = provider.setup("hbr: a running backup job", {})
    assert values == {"JobId": "job-000nightly", "VaultId": "v-0001nightly",
                      "PlanId": "po-000nightly"}
    assert vendor.actions() == ["CreateBackupPlan", "ExecuteBackupPlan"]
    plan = vendor.call("CreateBackupPlan").params
    assert (plan["VaultId"], plan["SourceType"], plan["InstanceId"], plan["Path.1"]) == (
        "v-0001nightly", "ECS_FILE", "i-bp1nightly", "/etc/hostname")
    assert plan["Schedule"].startswith("I|") and plan["Schedule"].endswith("|P7D")
    execute = vendor.call("ExecuteBackupPlan").params
    assert (execute["PlanId"], execute["VaultId"]) == ("po-000nightly", "v-0001nightly")

    vendor.sent.clear()
    provider.teardown("hbr: a running backup job", {}, values)
    assert vendor.actions() == ["CancelBackupJob", "DeleteBackupPlan"]
    assert vendor.call("CancelBackupJob").params["JobId"] == "job-000nightly"
    assert vendor.call("DeleteBackupPlan").params["PlanId"] == "po-000nightly"
    _signed(vendor.sent)


def test_hbr_teardown_after_the_test_cancelled_still_deletes_the_plan(
        vendor: FakeVendor, provider: HookProvider) -> None:
    """The cancel under test came first, so the hook's own cancel is refused: not an error."""
    values = provider.setup("hbr: a running backup job", {"VaultId": "v-fromparams"})
    assert values["VaultId"] == "v-fromparams"
    vendor.answers["CancelBackupJob"] = (400, {"Code": "BadRequest", "RequestId": "r",
                                               "Message": "The job cannot be cancelled."})
    provider.teardown("hbr: a running backup job", {}, values)
    assert vendor.actions()[-2:] == ["CancelBackupJob", "DeleteBackupPlan"]


def test_hbr_failed_execution_deletes_the_plan_it_made(
        vendor: FakeVendor, provider: HookProvider) -> None:
    vendor.answers["ExecuteBackupPlan"] = (200, {"Success": False, "Code": "ClientNotExist",
                                                 "Message": "client not found",
                                                 "RequestId": "r"})
    with pytest.raises(ProviderError, match="ExecuteBackupPlan answered Success=false: "
                                            "ClientNotExist"):
        provider.setup("hbr: a running backup job", {})
    assert vendor.actions() == ["CreateBackupPlan", "ExecuteBackupPlan", "DeleteBackupPlan"]


# --- hbr: backup clients with resources --------------------------------------------------------

def test_hbr_clients_come_from_the_environment_and_nothing_is_sent(
        vendor: FakeVendor, provider: HookProvider) -> None:
    state = "hbr: backup clients with resources"
    assert provider.setup(state, {"count": 2}) == {"ClientIds": ["c-0001", "c-0002"]}
    with pytest.raises(ProviderError, match="cannot be created through the API"):
        provider.setup(state, {"count": 101})
    provider.teardown(state, {"count": 2}, {"ClientIds": ["c-0001", "c-0002"]})
    assert vendor.sent == []


# --- dbs: a running backup plan --------------------------------------------------------------

def test_dbs_plan_is_created_configured_started_and_released(
        vendor: FakeVendor, provider: HookProvider) -> None:
    values = provider.setup("dbs: a running backup plan", {})
    assert values == {"BackupPlanId": "dbs-nightly"}
    assert vendor.actions() == ["CreateBackupPlan", "ConfigureBackupPlan", "StartBackupPlan"]
    created = vendor.call("CreateBackupPlan").params
    assert (created["Region"], created["DatabaseType"], created["PayType"]) == (
        "cn-hangzhou", "MySQL", "postpay")
    configured = vendor.call("ConfigureBackupPlan").params
    assert configured["BackupPlanId"] == "dbs-nightly"
    assert (configured["SourceEndpointInstanceID"], configured["SourceEndpointUserName"],
            configured["SourceEndpointPassword"]) == ("rm-bp1nightly", "bc_backup", DB_PASSWORD)
    assert json.loads(configured["BackupObjects"]) == [{"DBName": "sandbox"}]
    assert vendor.call("StartBackupPlan").params["BackupPlanId"] == "dbs-nightly"

    vendor.sent.clear()
    provider.teardown("dbs: a running backup plan", {}, values)
    assert vendor.actions() == ["ReleaseBackupPlan"]
    assert vendor.call("ReleaseBackupPlan").params["BackupPlanId"] == "dbs-nightly"
    _signed(vendor.sent)


def test_dbs_failure_is_one_masked_line_and_the_plan_is_released(
        vendor: FakeVendor, provider: HookProvider) -> None:
    """A careless vendor error quoting the request: the password and key never reach the
    message the run prints, and the half-made plan is released."""
    vendor.answers["ConfigureBackupPlan"] = (400, {
        "Code": "InvalidParameter", "RequestId": "r",
        "Message": f"bad request: Password={DB_PASSWORD} AccessKeyId={ALI_AK}"})
    with pytest.raises(ProviderError) as raised:
        provider.setup("dbs: a running backup plan", {})
    message = str(raised.value)
    assert "DBS ConfigureBackupPlan failed" in message and "***" in message
    for secret in (DB_PASSWORD, ALI_AK, ALI_SECRET):
        assert secret not in message
    assert vendor.actions() == ["CreateBackupPlan", "ConfigureBackupPlan", "ReleaseBackupPlan"]


# --- vbs: a shared backup ----------------------------------------------------------------------

def test_vbs_sharing_through_the_generic_request_and_teardown_cancels_by_backup(
        vendor: FakeVendor, provider: HookProvider) -> None:
    sharing = f"/v2/{PROJECT}/os-vendor-backup-sharing"
    backup = SANDBOX["BC_VBS_BACKUP_ID"]
    vendor.answers[f"DELETE {sharing}/.*"] = [(404, {"error_code": "VolumeBackup.0043",
                                                     "error_msg": "no sharing"})]
    values = provider.setup("vbs: a shared backup", {"count": 2})
    assert values == {"project_id": PROJECT, "backup_id": backup, "sharing_ids": [
        "8332443e-0000-41d8-8a58-000000000000", "8332443e-0000-41d8-8a58-000000000001"]}
    assert vendor.actions() == [f"DELETE {sharing}/{backup}", f"POST {sharing}"]
    assert vendor.sent[0].params == {"is_backup_id": "true"}  # leftovers cleared: 404 is fine
    assert vendor.sent[1].body == {"shared": {
        "backup_id": backup, "to_project_ids": SANDBOX["BC_VBS_TO_PROJECT_IDS"].split(",")}}

    vendor.sent.clear()
    provider.teardown("vbs: a shared backup", {"count": 2}, values)
    assert vendor.actions() == [f"DELETE {sharing}/{backup}"]
    assert vendor.sent[0].params == {"is_backup_id": "true"}
    _signed(vendor.sent)


# --- gaussdbfornosql: a manual backup ----------------------------------------------------------

def test_geminidb_backup_is_waited_for_and_teardown_deletes_it(
        vendor: FakeVendor, provider: HookProvider) -> None:
    backups = f"/v4/{PROJECT}/backups"
    building = {"total_count": 1, "backups": [{"id": "b", "status": "BUILDING"}]}
    vendor.answers[f"GET {backups}"] = [(200, building)]  # then the default: COMPLETED
    values = provider.setup("gaussdbfornosql: a manual backup", {})
    backup_id = "646d88d0b03f4fd2ae944ae2a33bcb6abr06"
    assert values == {"project_id": PROJECT, "backup_id": backup_id}
    instance = SANDBOX["BC_GEMINIDB_INSTANCE_ID"]
    assert vendor.actions() == [f"POST /v3/{PROJECT}/instances/{instance}/backups",
                                f"GET {backups}", f"GET {backups}"]
    assert re.fullmatch(r"bc-nightly-\d{14}-[0-9a-f]{6}", vendor.sent[0].body["name"])
    assert vendor.sent[1].params == {"instance_id": instance, "backup_id": backup_id}

    vendor.sent.clear()
    provider.teardown("gaussdbfornosql: a manual backup", {}, values)
    assert vendor.actions() == [f"DELETE /v3/{PROJECT}/backups/{backup_id}"]
    _signed(vendor.sent)


def test_geminidb_teardown_tolerates_a_deleted_backup_but_not_a_refusal(
        vendor: FakeVendor, provider: HookProvider) -> None:
    """Already deleted (DBS.201214, 400) is what the test did; 403 means it may still exist."""
    values = {"project_id": PROJECT, "backup_id": "646d88d0b03f4fd2ae944ae2a33bcb6abr06"}
    delete = f"DELETE /v3/{PROJECT}/backups/.*"
    vendor.answers[delete] = [(400, {"error_code": "DBS.201214",
                                     "error_msg": "The backup file does not exist."}),
                              (403, {"error_code": "DBS.200043", "error_msg": "forbidden"})]
    provider.teardown("gaussdbfornosql: a manual backup", {}, values)
    with pytest.raises(ProviderError, match="GeminiDB DeleteBackup failed"):
        provider.teardown("gaussdbfornosql: a manual backup", {}, values)


# --- configuration errors ------------------------------------------------------------------------

def test_a_missing_variable_is_named(vendor: FakeVendor, provider: HookProvider,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BC_HBR_VAULT_ID")
    with pytest.raises(ProviderError, match="set BC_HBR_VAULT_ID"):
        provider.setup("hbr: a running backup job", {})
    assert vendor.sent == []


# --- the nightly profiles ------------------------------------------------------------------------

PROFILES = {
    "nightly-alibaba.toml": ({"hbr", "dbs"}, "acs3", "https://hbr.cn-hangzhou.aliyuncs.com"),
    "nightly-huawei.toml": ({"vbs", "gaussdbfornosql"}, "huawei-aksk",
                            "https://vbs.ap-southeast-1.myhuaweicloud.com"),
}
APIS = {"nightly-alibaba.toml": ("hbr.CancelBackupJob", "hbr.DeleteBackupClientResource",
                                 "dbs.StopBackupPlan"),
        "nightly-huawei.toml": ("vbs.CancelBackupSharing", "gaussdbfornosql.DeleteBackup")}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_nightly_profiles_load_and_name_an_importable_hook(name: str, tmp_path: Path) -> None:
    """As committed (loopback), and with the real endpoints uncommented (allow_remote)."""
    services, auth, remote = PROFILES[name]
    source = ROOT / "fixtures" / "targets" / name
    profile = load_profile(source, env=SANDBOX)
    assert set(profile.services) == services
    assert profile.provider.hook == HOOK
    assert not profile.allow_remote and profile.time_limit
    for service in profile.services.values():
        assert service.auth == auth and service.base_url.startswith("http://127.0.0.1:")
        assert service.request_budget and service.rate_limit
        assert service.credentials.secrets()
    assert any(s.allowlist for s in profile.services.values())
    HookProvider(profile.provider.hook)

    real = tmp_path / name
    real.write_text(re.sub(r"(?m)^# (allow_remote = true|base_url = \"https://)", r"\1",
                           source.read_text()).replace('\nbase_url = "http://127.0.0.1',
                                                       '\n# base_url = "http://127.0.0.1'))
    remote_profile = load_profile(real, env=SANDBOX)
    assert remote_profile.allow_remote
    assert remote in {s.base_url for s in remote_profile.services.values()}
    assert all(s.base_url.startswith("https://") for s in remote_profile.services.values())


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_documented_dry_run_of_each_profile(name: str, tmp_path: Path) -> None:
    """docs/nightly.md's first step, from another directory: the profile loads, the hook
    imports, every request is printed signed and masked, nothing is sent or obtained."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN", "BC_"))}
    command = [sys.executable, "-m", "backup_conformance.cli", "run", "--dry-run",
               "--target", str(ROOT / "fixtures" / "targets" / name),
               "--report-dir", str(tmp_path), *[f"--api={api}" for api in APIS[name]]]
    result = subprocess.run(command, cwd=tmp_path, env={**env, **SANDBOX}, timeout=120,
                            capture_output=True, text=True)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    printed = [line for line in out.splitlines() if line.startswith("[dry-run] curl")]
    assert printed and any("Authorization: ***" in line for line in printed)
    assert "not run: dry run" in out
    for secret in (ALI_AK, ALI_SECRET, HW_AK, HW_SK, DB_PASSWORD):
        assert secret not in out
