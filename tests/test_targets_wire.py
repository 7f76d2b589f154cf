"""Wire encoding: each of the five contracts becomes exactly the request its SDK sends."""

from __future__ import annotations

import json

import pytest

from backup_conformance.contracts import load_catalogue
from backup_conformance.targets import OMIT, At, Raw, build_request
from backup_conformance.targets.wire import RPC_V1

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_hbr_cancel_backup_job(cat):
    req = build_request(cat["hbr.CancelBackupJob"], {"JobId": "job-1", "VaultId": "v-1"}, BASE)
    assert (req.method, req.url, req.body) == ("POST", f"{BASE}/?JobId=job-1&VaultId=v-1", b"")
    assert req.headers == {"x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"}


def test_dbs_stop_backup_plan_in_contract_order(cat):
    params = {"StopMethod": "ALL", "ClientToken": "tok en", "BackupPlanId": "dbs1"}
    req = build_request(cat["dbs.StopBackupPlan"], params, BASE)
    assert req.url == f"{BASE}/?BackupPlanId=dbs1&StopMethod=ALL&ClientToken=tok%20en"
    assert req.headers["x-acs-version"] == "2019-03-06"


def test_hbr_client_ids_travel_as_one_json_string(cat):
    req = build_request(cat["hbr.DeleteBackupClientResource"], {"ClientIds": ["c-1", "c-2"]},
                        BASE)
    assert req.url == f"{BASE}/?ClientIds=%5B%22c-1%22%2C%22c-2%22%5D"  # ["c-1","c-2"]
    assert req.to_requests().prepare().url == req.url  # requests does not re-encode it


def test_vbs_path_is_quoted_and_booleans_are_lowercase(cat):
    params = {"project_id": "p/1", "id": "s 1", "is_backup_id": True}
    req = build_request(cat["vbs.CancelBackupSharing"], params, BASE)
    assert req.method == "DELETE"
    assert req.url == f"{BASE}/v2/p%2F1/os-vendor-backup-sharing/s%201?is_backup_id=true"
    assert req.body == b"" and "Content-Type" not in req.headers


def test_gaussdb_delete_backup(cat):
    req = build_request(cat["gaussdbfornosql.DeleteBackup"],
                        {"project_id": "p1", "backup_id": "b1"}, BASE + "/")
    assert (req.method, req.url, req.headers) == ("DELETE", f"{BASE}/v3/p1/backups/b1", {})


def test_huawei_body_fields_make_a_json_body(cat):
    params = {"project_id": "p1", "backup_id": "b1", "name": At("body", "x"),
              "flag": At("body", False)}
    req = build_request(cat["gaussdbfornosql.DeleteBackup"], params, BASE)
    assert json.loads(req.body) == {"name": "x", "flag": False}
    assert req.headers["Content-Type"] == "application/json"


def test_rpc_v1_style_puts_action_version_format_in_the_query(cat):
    req = build_request(cat["hbr.CancelBackupJob"], {"JobId": "j"}, BASE, style=RPC_V1)
    assert req.url == f"{BASE}/?JobId=j&Action=CancelBackupJob&Version=2017-09-08&Format=JSON"
    assert req.headers == {}


def test_undocumented_parameters_are_sent_and_documented_ones_may_be_omitted(cat):
    params = {"VaultId": None, "JobId": "j", "Unknown": 5, "x-acs-version": OMIT}
    req = build_request(cat["hbr.CancelBackupJob"], params, BASE)
    assert req.url == f"{BASE}/?JobId=j&Unknown=5"
    assert req.headers == {"x-acs-action": "CancelBackupJob"}


def test_raw_marker_skips_type_encoding(cat):
    api = cat["hbr.DeleteBackupClientResource"]
    broken = build_request(api, {"ClientIds": Raw('["c-1",')}, BASE)
    assert broken.url == f"{BASE}/?ClientIds=%5B%22c-1%22%2C"
    wrong_type = build_request(api, {"ClientIds": Raw("c-1")}, BASE)
    assert wrong_type.url == f"{BASE}/?ClientIds=c-1"
    verbatim = build_request(cat["vbs.CancelBackupSharing"],
                             {"project_id": "p", "id": Raw("..%2F..", encoded=True),
                              "is_backup_id": Raw("yes")}, BASE)
    assert verbatim.url == f"{BASE}/v2/p/os-vendor-backup-sharing/..%2F..?is_backup_id=yes"


def test_raw_body_field_makes_malformed_json(cat):
    req = build_request(cat["gaussdbfornosql.DeleteBackup"],
                        {"project_id": "p", "backup_id": "b", "n": At("body", Raw("[1,"))}, BASE)
    assert req.body == b'{"n": [1,}'
    whole = build_request(cat["gaussdbfornosql.DeleteBackup"], {}, BASE, raw_body="{oops",
                          headers={"Content-Type": "text/plain"})
    assert whole.body == b"{oops" and whole.headers == {"Content-Type": "text/plain"}
    assert whole.url == f"{BASE}/v3/{{project_id}}/backups/{{backup_id}}"  # holes stay visible


def test_alibaba_plain_lists_follow_the_sdk_repeat_list_style(cat):
    req = build_request(cat["hbr.CancelBackupJob"], {"JobId": ["a", "b"]}, BASE)
    assert req.url == f"{BASE}/?JobId.1=a&JobId.2=b"


def test_bad_style_and_location_are_refused(cat):
    with pytest.raises(ValueError, match="style"):
        build_request(cat["hbr.CancelBackupJob"], {}, BASE, style="soap")
    with pytest.raises(ValueError, match="location"):
        At("cookie", "x")
