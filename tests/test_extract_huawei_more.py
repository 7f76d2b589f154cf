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
