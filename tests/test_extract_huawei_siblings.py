"""The extractor on sibling pages it was not written against (reStructuredText editions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.extract.huawei import extract_huawei, is_huawei_page
from backup_conformance.extract.model import Operation, Parameter
from backup_conformance.extract.page import Page

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "docs"
SIBLINGS = sorted(DOCS.glob("huawei_*.txt")) + sorted(
    (DOCS / "reference_training_counterparts").glob("huawei_*.txt")
)
VBS_ABNORMAL = [400, 401, 403, 404, 405, 406, 407, 408, 409, 500, 501, 502, 503, 504]


def extract(name: str, **kwargs: str) -> Operation:
    path = (
        DOCS / name if (DOCS / name).exists() else DOCS / "reference_training_counterparts" / name
    )
    return extract_huawei(Page.read(path), **kwargs)


def params(op: Operation) -> list[tuple[str, str, str, bool, int]]:
    return [(p.name, p.location, p.doc_type, p.required, p.source.line) for p in op.parameters]


def by_name(op: Operation, name: str) -> Parameter:
    return next(p for p in op.parameters if p.name == name)


@pytest.mark.parametrize("path", SIBLINGS, ids=lambda p: p.name)
def test_every_sibling_extracts(path: Path) -> None:
    page = Page.read(path)
    assert is_huawei_page(page)
    op = extract_huawei(page)
    assert op.method in {"GET", "POST", "PUT", "DELETE"}
    assert op.path and op.path.startswith("/v")
    assert op.responses and op.status_codes
    assert any(r.topic == "error-codes" for r in op.references)


def test_sharing_a_backup() -> None:
    op = extract("huawei_vbs_SharingABackup_otc.txt", service="vbs")
    assert (op.api_id, op.method, op.path) == (
        "vbs.SharingABackup",
        "POST",
        "/v2/{project_id}/os-vendor-backup-sharing",
    )
    assert params(op) == [
        ("project_id", "path", "", True, 26),
        ("shared", "body", "dict", True, 37),
    ]
    assert by_name(op, "shared").schema == {
        "type": "object",
        "properties": {
            "backup_id": {"type": "string"},
            "to_project_ids": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["backup_id", "to_project_ids"],
    }
    [response] = op.responses
    assert (response.status, [f.name for f in response.fields]) == (200, ["shared"])
    assert [c.name for c in response.fields[0].children] == [
        "backup_id",
        "id",
        "to_project_id",
        "from_project_id",
        "created_at",
        "updated_at",
        "deleted",
        "deleted_at",
    ]
    assert [c.status for c in op.status_codes if c.kind == "normal"] == [200]
    assert [c.status for c in op.status_codes if c.kind == "abnormal"] == VBS_ABNORMAL
    ids = {a.id for a in op.anomalies}
    # The table lists backup_id/to_project_ids beside "shared"; the sample nests them.
    assert {"flat-table-nesting-shared-l37", "flat-table-nesting-shared-l66"} <= ids
    # "shared" is documented as dict (line 66) but the sample response (line 89) has a list.
    nonconforming = next(a for a in op.anomalies if a.id == "example-response-nonconforming-l89")
    assert 'shared: an array where the page documents type "object"' in nonconforming.summary


def test_creating_a_manual_backup() -> None:
    op = extract("huawei_geminidb_CreatingAManualBackup_otc.txt")
    assert (op.method, op.path) == ("POST", "/v3/{project_id}/instances/{instance_id}/backups")
    assert params(op) == [
        ("project_id", "path", "String", True, 31),
        ("instance_id", "path", "String", True, 33),
        ("Content-Type", "header", "String", True, 44),
        ("X-Auth-Token", "header", "String", True, 46),
        ("name", "body", "String", True, 54),
        ("description", "body", "String", True, 58),
    ]
    assert by_name(op, "name").schema == {"type": "string", "minLength": 4, "maxLength": 64}
    assert by_name(op, "description").schema == {"type": "string", "maxLength": 256}
    assert op.security == ["X-Auth-Token"]
    [response] = op.responses
    assert response.status == 202
    assert [(f.name, f.schema, f.required, f.source.line) for f in response.fields] == [
        ("job_id", {"type": "string"}, None, 73),
        ("backup_id", {"type": "string"}, None, 74),
    ]
    assert [(c.status, c.kind) for c in op.status_codes] == [(202, "normal")]
    request = next(e for e in op.examples if e.body)
    assert (request.method, request.source.line, request.body) == (
        "POST",
        90,
        {"name": "backup-4f57", "description": "manual backup"},
    )
    assert [r.topic for r in op.references] == ["status-codes", "error-codes"]


def test_querying_backups_v4() -> None:
    op = extract("huawei_geminidb_QueryingBackups_v4_otc.txt")
    assert (op.method, op.path) == ("GET", "/v4/{project_id}/backups")
    assert (by_name(op, "limit").location, by_name(op, "limit").schema) == (
        "query",
        {"type": "integer", "minimum": 1, "maximum": 100},
    )
    assert by_name(op, "offset").schema == {"type": "integer", "minimum": 0}
    assert by_name(op, "backup_type").schema == {"type": "string", "enum": ["Auto", "Manual"]}
    assert by_name(op, "datastore_type").schema["enum"] == ["cassandra"]
    assert all(not p.required for p in op.parameters if p.location == "query")
    [response] = op.responses
    assert response.status == 200
    backups = response.fields[1]
    assert (backups.name, backups.schema["type"]) == ("backups", "array")
    children = {c.name: c for c in backups.children}
    assert [c.name for c in children["datastore"].children] == ["type", "version"]
    assert children["size"].schema == {"type": "number"}
    assert children["status"].schema["enum"] == ["BUILDING", "COMPLETED", "FAILED"]
    # The URI sample is broken over lines 170-171; it is joined and conforms.
    request = op.examples[0]
    assert (request.source.line, request.end_line) == (170, 171)
    assert not [a for a in op.anomalies if a.id.startswith("example-request")]
    # The sample gives "table_names": null where the page documents an array (lines 208, 230).
    assert "example-response-nonconforming-l186" in {a.id for a in op.anomalies}


def test_counterpart_cancel_sharing_has_the_facts_of_page_002() -> None:
    op = extract("huawei_vbs_CancelingSharingOfABackup_otc.txt", api_id="vbs.CancelBackupSharing")
    assert (op.method, op.path) == ("DELETE", "/v2/{project_id}/os-vendor-backup-sharing/{id}")
    assert params(op) == [
        ("project_id", "path", "", True, 26),
        ("id", "path", "", True, 27),
        ("is_backup_id", "query", "boolean", False, 35),
    ]
    assert by_name(op, "is_backup_id").schema == {"type": "boolean"}
    [response] = op.responses
    assert (response.status, response.body) == (200, False)
    assert [c.status for c in op.status_codes if c.kind == "abnormal"] == VBS_ABNORMAL
    assert op.status_codes[1].description == "The server failed to process the request."
    assert {a.id for a in op.anomalies} == {
        "example-request-omits-path-param-id",
        "path-parameters-without-type",
    }
    omitted = next(a for a in op.anomalies if a.id == "example-request-omits-path-param-id")
    assert [s.line for s in omitted.sources] == [45, 19]


def test_configuring_a_backup_policy_nested_body_and_bodyless_204() -> None:
    op = extract("huawei_geminidb_ConfiguringAnAutomatedBackupPolicy_otc.txt")
    assert (op.method, op.path) == (
        "PUT",
        "/v3/{project_id}/instances/{instance_id}/backups/policy",
    )
    policy = by_name(op, "backup_policy")
    assert policy.schema["properties"]["keep_days"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 35,
    }
    assert policy.schema["required"] == ["keep_days"]
    [response] = op.responses
    assert (response.status, response.body) == (204, False)
    # Response Parameters say None (line 88) but the sample shows "{ }" (line 132).
    assert "example-body-for-bodyless-response-l132" in {a.id for a in op.anomalies}


def test_querying_job_status_and_vbs_body_reference() -> None:
    job = extract("huawei_vbs_QueryingTheJobStatus_otc.txt")
    assert (job.method, job.path) == ("GET", "/v1/{project_id}/jobs/{job_id}")
    status = job.responses[0].fields[0]
    assert status.schema == {"type": "string", "enum": ["SUCCESS", "RUNNING", "FAIL", "INIT"]}
    create = extract("huawei_vbs_CreatingAVBSBackup_otc.txt")
    backup = by_name(create, "backup").schema
    assert backup["required"] == ["volume_id", "name"]
    assert backup["properties"]["tags"]["items"]["properties"].keys() == {"key", "value"}


def test_sample_defects_are_recorded_not_raised() -> None:
    policy = extract("huawei_geminidb_QueryingAnAutomatedBackupPolicy_v3.1_otc.txt")
    ids = {a.id for a in policy.anomalies}
    assert {"example-json-invalid-l114", "example-empty-l126"} <= ids
    historical = extract("huawei_geminidb_QueryingBackups_v3.1_historical_otc.txt")
    ids = {a.id for a in historical.anomalies}
    # Missing comma at line 214, and a 200 sample for a response documented as 202 (line 87).
    assert {"example-json-invalid-l190", "example-response-status-l190"} <= ids
    sharings = extract("huawei_vbs_QueryingBackupSharings_otc.txt")
    summary = next(a.summary for a in sharings.anomalies if a.id.startswith("example-response"))
    # The table documents has_dependent_backup (line 100); the sample sends has_dependent_backups.
    first_problem = summary.split(": ", 1)[1]
    assert first_problem.startswith("shared/backup/has_dependent_backups: not documented")
