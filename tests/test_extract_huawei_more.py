"""Facts of the Huawei training pages in ``fixtures/reference/docs/more`` (international support
site and Open Telekom Cloud editions of CBR, CSBS, GeminiDB, RDS and VBS), field by field.

Expected values were written from reading each page, not from the extractor's output.
"""

from __future__ import annotations

from pathlib import Path

from backup_conformance.extract.huawei import extract_huawei
from backup_conformance.extract.model import Operation
from backup_conformance.extract.page import Page

MORE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "docs" / "more"


def extract(name: str) -> Operation:
    return extract_huawei(Page.read(MORE / name))


def params(op: Operation) -> list[tuple[str, str, bool, int]]:
    return [(p.name, p.location, p.required, p.source.line) for p in op.parameters]


def test_intl_delete_backup() -> None:
    op = extract("huawei_cbr_DeleteBackup_intl.txt")
    assert (op.method, op.path, op.version) == (
        "DELETE",
        "/v3/{project_id}/backups/{backup_id}",
        "v3",
    )
    assert (op.title, op.title_source.line) == ("Deleting a Backup", 4)  # not 'Updated on ...'
    assert op.summary == "This API is used to delete a single backup."
    assert params(op) == [
        ("backup_id", "path", True, 24),
        ("project_id", "path", True, 32),
        ("X-Auth-Token", "header", True, 52),
    ]
    token = op.parameters[2]
    # a description of two paragraphs stays one cell
    assert token.description.startswith("User token.\nObtained by calling the corresponding IAM")
    (response,) = op.responses
    assert (response.status, response.body, response.fields) == (204, False, [])
    assert [(s.status, s.kind, s.source.line) for s in op.status_codes] == [(204, "normal", 80)]
    (request,) = op.examples
    assert (request.kind, request.method, request.source.line) == ("request", "DELETE", 68)
    assert op.gaps == []


def test_intl_older_csbs_layout_with_normal_and_abnormal_status_lists() -> None:
    op = extract("huawei_csbs_DeletingABackupPolicy_intl.txt")
    assert (op.method, op.path) == ("DELETE", "/v1/{project_id}/policies/{policy_id}")
    assert params(op) == [("project_id", "path", True, 27), ("policy_id", "path", True, 37)]
    assert "Obtaining a Project ID" in op.parameters[0].description
    assert [(s.status, s.kind) for s in op.status_codes] == [
        (200, "normal"),
        (400, "abnormal"),
        (401, "abnormal"),
        (403, "abnormal"),
        (404, "abnormal"),
        (500, "abnormal"),
        (503, "abnormal"),
    ]
    assert (op.responses[0].status, op.responses[0].body) == (200, False)


def test_intl_page_cut_short_inside_its_sample() -> None:
    op = extract("huawei_geminidb_QueryingInstancesThatCanBeRestored_intl_TRUNCATED.txt")
    assert (op.method, op.path) == (
        "GET",
        "/v3/{project_id}/backups/{backup_id}/restorable-instances",
    )
    assert params(op) == [
        ("project_id", "path", True, 28),
        ("backup_id", "path", True, 36),
        ("offset", "query", False, 54),
        ("limit", "query", False, 62),
        ("X-Auth-Token", "header", True, 82),
    ]
    assert (
        op.parameters[1].description == "Backup file ID."
    )  # the next table's caption is not in it
    limit = op.parameters[3]
    assert (limit.schema["minimum"], limit.schema["maximum"]) == (1, 100)
    (response,) = op.responses
    total, instances = response.fields
    assert (total.name, total.schema, total.source.line) == (
        "total_count",
        {"type": "integer"},
        102,
    )
    assert (instances.name, instances.schema["type"], instances.source.line) == (
        "restorable_instances",
        "array",
        108,
    )
    # 'Array of QueryRestoreList objects' points at 'Table 5 QueryRestoreList'
    names = [
        "instance_id",
        "instance_mode",
        "engine_name",
        "engine_version",
        "vpc_id",
        "subnet_ids",
        "security_group_ids",
    ]
    assert [c.name for c in instances.children] == names
    assert list(instances.schema["items"]["properties"]) == names
    assert [(g.source.line, g.what) for g in op.gaps] == [
        (178, "status codes: no 'Status Codes' section; the documented statuses are unknown"),
        (178, "error codes: no 'Error Codes' section"),
        (175, "sample: the page ends inside it (page cut short); not parsed"),
    ]


def test_otc_cbr_delete_backup() -> None:
    op = extract("huawei_cbr_DeletingABackup_otc.txt")
    assert (op.method, op.path, op.title_source.line) == (
        "DELETE",
        "/v3/{project_id}/backups/{backup_id}",
        6,
    )
    assert params(op) == [
        ("backup_id", "path", True, 24),
        ("project_id", "path", True, 25),
        ("X-Auth-Token", "header", True, 36),
    ]
    assert [p.doc_type for p in op.parameters] == ["String", "String", "String"]
    assert (op.responses[0].status, op.responses[0].body) == (204, False)
    assert [(s.status, s.source.line) for s in op.status_codes] == [(204, 64)]
    assert [(r.topic, r.source.line) for r in op.references] == [("error-codes", 70)]


def test_otc_vbs_policy_run_lists_every_abnormal_status() -> None:
    op = extract("huawei_vbs_ExecutingABackupPolicyAtOnce_otc.txt")
    assert (op.method, op.path) == ("POST", "/v2/{project_id}/backuppolicy/{policy_id}/action")
    assert params(op) == [("project_id", "path", True, 26), ("policy_id", "path", True, 27)]
    abnormal = [
        (s.status, s.phrase, s.source.line) for s in op.status_codes if s.kind == "abnormal"
    ]
    assert abnormal[0] == (400, "Bad Request", 77)
    assert abnormal[-1] == (504, "Gateway Timeout", 103)
    assert len(abnormal) == 14
    assert [(s.status, s.kind) for s in op.status_codes if s.kind == "normal"] == [(204, "normal")]
    (sample,) = op.examples
    assert (sample.source.line, sample.body) == (58, {"error": {"message": "XXXX", "code": "XXX"}})


def test_otc_rds_delete_manual_backup_without_types_or_token() -> None:
    op = extract("huawei_rds_DeletingAManualBackup_otc.txt")
    assert (op.method, op.path) == ("DELETE", "/v3/{project_id}/backups/{backup_id}")
    assert params(op) == [("project_id", "path", True, 31), ("backup_id", "path", True, 35)]
    assert "path-parameters-without-type" in {a.id for a in op.anomalies}
    assert [(s.status, s.kind) for s in op.status_codes] == [(200, "normal")]
    assert [(r.topic, r.source.line) for r in op.references] == [
        ("status-codes", 69),
        ("error-codes", 74),
    ]


def test_otc_rds_uri_with_a_query_string_and_rst_markup() -> None:
    op = extract("huawei_rds_ObtainingDetailsAboutBackups_otc.txt")
    # GET https://{*Endpoint*}/v3/{project_id}/backups?instance_id={instance_id}&...{begin \_time}
    assert (op.method, op.path) == ("GET", "/v3/{project_id}/backups")
    assert params(op) == [
        ("project_id", "path", True, 36),
        ("instance_id", "query", True, 40),
        ("backup_id", "query", False, 42),
        ("backup_type", "query", False, 44),
        ("offset", "query", False, 51),
        ("limit", "query", False, 53),
        ("begin_time", "query", False, 55),
        ("end_time", "query", False, 63),
    ]
    assert op.parameters[3].schema["enum"] == ["auto", "manual", "fragment", "incremental"]
    ids = {a.id for a in op.anomalies}
    assert not any(i.startswith("path-param-not-in-uri") for i in ids)  # they are in its query


def test_otc_cbr_restore_body_nested_through_referenced_tables() -> None:
    op = extract("huawei_cbr_RestoringABackup_otc.txt")
    assert (op.method, op.path) == ("POST", "/v3/{project_id}/backups/{backup_id}/restore")
    assert params(op) == [
        ("backup_id", "path", True, 24),
        ("project_id", "path", True, 25),
        ("X-Auth-Token", "header", True, 36),
        ("restore", "body", True, 46),
    ]
    restore = op.parameters[3].schema
    assert sorted(restore["properties"]) == ["mappings", "power_on", "server_id", "volume_id"]
    mapping = restore["properties"]["mappings"]["items"]
    assert mapping["required"] == ["backup_id", "volume_id"]  # Table 5: both Yes
    assert restore["properties"]["power_on"] == {"type": "boolean"}
    assert (op.responses[0].status, op.responses[0].body) == (202, False)
    assert [(s.status, s.source.line) for s in op.status_codes] == [(202, 113)]


def test_otc_cbr_restore_point_response_three_tables_deep() -> None:
    op = extract("huawei_cbr_CreatingARestorePoint_otc.txt")
    assert (op.method, op.path) == ("POST", "/v3/{project_id}/checkpoints")
    assert params(op) == [
        ("project_id", "path", True, 24),
        ("X-Auth-Token", "header", True, 35),
        ("checkpoint", "body", True, 45),
    ]
    (checkpoint,) = op.responses[0].fields
    assert (checkpoint.name, checkpoint.source.line) == ("checkpoint", 134)
    assert [c.name for c in checkpoint.children] == [
        "created_at",
        "id",
        "project_id",
        "status",
        "vault",
        "extra_info",
    ]
    vault = checkpoint.children[4]
    resources = next(c for c in vault.children if c.name == "resources")
    assert (resources.doc_type, resources.schema["type"]) == (
        "Array of CheckpointResourceResp objects",
        "array",
    )
    assert "protect_status" in resources.schema["items"]["properties"]


def test_otc_geminidb_time_window_array_typed_by_a_reference() -> None:
    op = extract("huawei_geminidb_QueryingTheRestorableTimeWindow_otc.txt")
    assert (op.method, op.path) == (
        "GET",
        "/v3/{project_id}/instances/{instance_id}/backups/restorable-time-periods",
    )
    assert params(op) == [
        ("project_id", "path", True, 35),
        ("instance_id", "path", True, 37),
        ("start_time", "query", False, 45),
        ("end_time", "query", False, 47),
        ("offset", "query", False, 49),
        ("limit", "query", False, 51),
        ("X-Auth-Token", "header", True, 62),
    ]
    limit = op.parameters[5].schema
    assert (limit["minimum"], limit["maximum"]) == (0, 1000)  # "ranges from **0** to **1000**"
    total, periods = op.responses[0].fields
    assert (total.name, total.source.line, periods.name, periods.source.line) == (
        "total_count",
        75,
        "restorable_time_periods",
        77,
    )
    # the Type cell ':ref:`restorableTime <...>` objects' points at Table 5
    assert [(c.name, c.schema) for c in periods.children] == [
        ("start_time", {"type": "integer"}),
        ("end_time", {"type": "integer"}),
    ]


def test_otc_rds_policy_body_with_bounds_in_words() -> None:
    op = extract("huawei_rds_SettingAnAutomatedBackupPolicy_otc.txt")
    assert (op.method, op.path) == (
        "PUT",
        "/v3/{project_id}/instances/{instance_id}/backups/policy",
    )
    assert params(op) == [
        ("project_id", "path", True, 31),
        ("instance_id", "path", True, 35),
        ("backup_policy", "body", True, 48),
    ]
    policy = op.parameters[2].schema
    assert policy["required"] == ["keep_days"]
    # "The value range is from 1 to 732."
    assert policy["properties"]["keep_days"] == {"type": "integer", "minimum": 1, "maximum": 732}
    assert (op.responses[0].status, op.responses[0].body) == (200, False)
    sample = next(e for e in op.examples if e.body is not None)
    assert sample.body == {
        "backup_policy": {"keep_days": 7, "start_time": "19:00-20:00", "period": "1,2"}
    }


def test_otc_rds_download_link_array_of_objects_by_table_link() -> None:
    op = extract("huawei_rds_ObtainingTheLinkForDownloadingABackupFile_otc.txt")
    assert (op.method, op.path) == ("GET", "/v3/{project_id}/backup-files")
    assert params(op) == [("project_id", "path", True, 36), ("backup_id", "query", True, 40)]
    files, bucket = op.responses[0].fields
    assert (files.name, files.doc_type, bucket.name) == ("files", "Array of objects", "bucket")
    assert [(c.name, c.source.line) for c in files.children] == [
        ("name", 78),
        ("size", 80),
        ("download_link", 82),
        ("link_expired_time", 84),
        ("database_name", 86),
    ]


def test_otc_vbs_native_delete_and_restore_disk() -> None:
    delete = extract("huawei_vbs_DeletingAVBSBackup_NativeOpenStackV3_otc.txt")
    assert (delete.method, delete.path) == ("DELETE", "/v3/{project_id}/backups/{backup_id}")
    assert params(delete) == [("project_id", "path", True, 26), ("backup_id", "path", True, 27)]
    assert [s.status for s in delete.status_codes if s.kind == "normal"] == [202]
    restore = extract("huawei_vbs_RestoringADiskUsingAVBSBackup_otc.txt")
    assert (restore.method, restore.path) == (
        "POST",
        "/v2/{project_id}/cloudbackups/{backup_id}/restore",
    )
    assert params(restore) == [
        ("project_id", "path", True, 26),
        ("backup_id", "path", True, 27),
        ("restore", "body", True, 38),
    ]
    # the table lists volume_id beside restore; the sample nests it: recorded, sample followed
    assert restore.parameters[2].schema["properties"] == {"volume_id": {"type": "string"}}
    assert "flat-table-nesting-restore-l38" in {a.id for a in restore.anomalies}
    assert [f.name for f in restore.responses[0].fields] == ["job_id", "message", "code"]


DOCS = MORE.parent


def test_otc_vbs_counting_sharings_filter_table_as_query() -> None:
    op = extract_huawei(Page.read(DOCS / "huawei_vbs_CountingBackupSharings_otc.txt"))
    assert (op.method, op.path) == ("GET", "/v2/{project_id}/os-vendor-backup-sharing/count")
    assert params(op) == [
        ("project_id", "path", True, 26),
        ("share_to_me", "query", False, 34),
        ("volume_id", "query", False, 36),
        ("name", "query", False, 38),
        ("status", "query", False, 40),
        ("backup_id", "query", False, 42),
        ("from_project_id", "query", False, 44),
        ("to_project_id", "query", False, 46),
        ("avalilability_zone", "query", False, 48),  # the page's spelling
    ]
    assert op.parameters[1].schema == {"type": "boolean"}
    ((count),) = op.responses[0].fields
    assert (count.name, count.doc_type, count.schema, count.source.line) == (
        "count",
        "int",
        {"type": "integer"},
        64,
    )
    (sample,) = op.examples
    assert (sample.source.line, sample.body) == (71, {"count": 2})


def test_otc_vbs_sharing_details_flat_table_nested_by_the_sample() -> None:
    op = extract_huawei(Page.read(DOCS / "huawei_vbs_QueryingBackupSharingDetails_otc.txt"))
    assert (op.method, op.path) == ("GET", "/v2/{project_id}/os-vendor-backup-sharing/{id}")
    assert params(op) == [("project_id", "path", True, 26), ("id", "path", True, 27)]
    (shared,) = op.responses[0].fields
    assert (shared.name, shared.doc_type, shared.source.line) == ("shared", "dict", 43)
    assert [c.name for c in shared.children] == [
        "backup_id",
        "created_at",
        "from_project_id",
        "id",
        "to_project_id",
        "updated_at",
        "backup",
    ]
    backup = shared.children[-1]
    assert (backup.source.line, len(backup.children)) == (57, 17)
    assert {"flat-table-nesting-shared-l43", "flat-table-nesting-backup-l57"} <= {
        a.id for a in op.anomalies
    }
