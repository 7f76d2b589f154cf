"""Facts of the three Alibaba pages as read by hand (line numbers from ``cat -n``), the
synthetic sibling page, and malformed variants that must fail with a line and a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from backup_conformance.extract.alibaba import extract_alibaba, is_alibaba_page
from backup_conformance.extract.alibaba_responses import response_schema
from backup_conformance.extract.alibaba_tables import bounds_from_text
from backup_conformance.extract.model import Field, Operation
from backup_conformance.extract.page import Page, PageFormatError
from backup_conformance.paths import contracts_dir

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "contracts" / "sources"
CANCEL = "000_10d5ee10dc05d446.txt"
STOP = "001_3e6441a28d26c4fa.txt"
DELETE = "003_27fa9c278b35a352.txt"
SYNTHETIC = Path(__file__).parent / "data" / "alibaba" / "hbr_DescribeBackupJobs2_synthetic.txt"


def _page(name: str) -> Page:
    return Page.read(SOURCES / name)


@pytest.fixture(scope="module")
def cancel() -> Operation:
    return extract_alibaba(_page(CANCEL), version="2017-09-08")


@pytest.fixture(scope="module")
def stop() -> Operation:
    return extract_alibaba(_page(STOP), version="2019-03-06")


@pytest.fixture(scope="module")
def delete() -> Operation:
    return extract_alibaba(_page(DELETE))


@pytest.fixture(scope="module")
def jobs() -> Operation:
    return extract_alibaba(Page.read(SYNTHETIC), version="2017-09-08")


def _lines(op: Operation, anomaly_id: str) -> list[int]:
    found = [a for a in op.anomalies if a.id == anomaly_id]
    assert found, f"{anomaly_id} not in {[a.id for a in op.anomalies]}"
    return sorted(s.line for s in found[0].sources)


def _field(fields: list[Field], name: str) -> Field:
    return next(f for f in fields if f.name == name)


# --- identity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "api_id", "action", "summary", "title_line"),
    [
        (CANCEL, "hbr.CancelBackupJob", "CancelBackupJob", "Cancels a backup job.", 5),
        (STOP, "dbs.StopBackupPlan", "StopBackupPlan", "Stops a backup schedule.", 5),
        (
            DELETE,
            "hbr.DeleteBackupClientResource",
            "DeleteBackupClientResource",
            "Deletes the resources that are related to one or more HBR clients.",
            5,
        ),
    ],
)
def test_identity(name: str, api_id: str, action: str, summary: str, title_line: int) -> None:
    page = _page(name)
    assert is_alibaba_page(page)
    op = extract_alibaba(page)
    assert (op.api_id, op.action, op.family, op.summary) == (api_id, action, "alibaba-rpc", summary)
    assert op.service == api_id.split(".")[0]
    assert op.title_source.line == title_line and op.title.endswith(":" + action)
    assert op.method is None and op.path is None and op.version is None
    assert any("version" in note and "does not state" in note for note in op.notes)


def test_version_and_api_id_given_are_labelled() -> None:
    op = extract_alibaba(_page(CANCEL), api_id="hbr.Cancel", version="2017-09-08")
    assert (op.api_id, op.version) == ("hbr.Cancel", "2017-09-08")
    assert any(note.startswith("version 2017-09-08: given by the caller") for note in op.notes)


def test_description_only_when_the_page_has_one(cancel: Operation, delete: Operation) -> None:
    assert cancel.description == ""
    assert delete.description.startswith("This operation deletes only the resources")


def test_not_alibaba_page() -> None:
    assert not is_alibaba_page(Page.read(SOURCES / "002_2942722f5d95fee0.txt"))


# --- request parameters ---------------------------------------------------------------------


def test_cancel_parameters(cancel: Operation) -> None:
    job, vault = cancel.parameters
    assert (job.name, job.source.line, job.required, job.doc_type) == ("JobId", 36, True, "string")
    assert job.example == "j-******************************"
    assert job.schema == {"type": "string"} and job.location == "query" and job.wire == "plain"
    assert job.description == "The ID of the backup job."
    assert (vault.name, vault.source.line, vault.required) == ("VaultId", 41, True)
    assert vault.example == "v-*****************************"


def test_stop_parameters(stop: Operation) -> None:
    plan, method, token = stop.parameters
    assert (plan.name, plan.source.line, plan.example) == ("BackupPlanId", 36, "dbstooi01****")
    assert (method.name, method.source.line, method.required) == ("StopMethod", 41, True)
    assert method.schema == {"type": "string", "enum": ["ALL", "PLAN"]}
    assert list(method.enum_descriptions) == ["ALL", "PLAN"]
    assert method.enum_descriptions["PLAN"] == "stops only the backup schedule."
    assert method.example == "ALL"
    assert (token.name, token.source.line, token.required) == ("ClientToken", 48, False)
    assert token.example == "ETnLKlblzczshOTUbOCz****"


def test_delete_client_ids_is_a_json_array(delete: Operation) -> None:
    (ids,) = delete.parameters
    assert (ids.name, ids.source.line, ids.doc_type, ids.required) == (
        "ClientIds",
        40,
        "object",
        True,
    )
    assert ids.schema == {"type": "array", "items": {"type": "string"}, "maxItems": 100}
    assert ids.wire == "json"
    assert ids.example == ["c-0007kyu045r0********", "c-000b6818umvo********"]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("The value can be a JSON array of up to 100 client IDs.", "array", {"maxItems": 100}),
        (
            "The name must be 1 to 64 characters in length.",
            "string",
            {"minLength": 1, "maxLength": 64},
        ),
        ("Valid values: 1 to 100. Default value: 10.", "integer", {"minimum": 1, "maximum": 100}),
        ("You can specify a maximum of 20 tags.", "array", {"maxItems": 20}),
        ("The value must be at least 1.", "integer", {"minimum": 1}),
        ("It can be up to 256 characters long.", "string", {"maxLength": 256}),
        ("Added on 2024-06-24, up to 3 times.", "string", {}),
        ("The ID of the backup job.", "integer", {}),
    ],
)
def test_bounds_from_text(text: str, kind: str, expected: dict[str, int]) -> None:
    assert bounds_from_text(text, kind) == expected


# --- responses ------------------------------------------------------------------------------


def test_cancel_response(cancel: Operation) -> None:
    (response,) = cancel.responses
    assert (response.status, response.source.line) == (200, 50)
    got = [(f.name, f.doc_type, f.source.line, f.example) for f in response.fields]
    assert got == [
        ("Code", "string", 51, "200"),
        ("Message", "string", 56, "successful"),
        ("RequestId", "string", 61, "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E"),
        ("Success", "boolean", 66, True),
    ]
    assert all(f.required is None and not f.children for f in response.fields)
    assert _field(response.fields, "Success").schema == {"type": "boolean"}


def test_stop_response(stop: Operation) -> None:
    fields = stop.responses[0].fields
    assert [f.name for f in fields] == [
        "HttpStatusCode",
        "RequestId",
        "ErrCode",
        "Success",
        "ErrMessage",
        "BackupPlanId",
    ]
    status = _field(fields, "HttpStatusCode")
    assert (status.source.line, status.schema, status.example) == (58, {"type": "integer"}, 200)
    assert _field(fields, "ErrCode").example == "Param.NotFound"
    assert _field(fields, "ErrMessage").example == "The specified parameter %s value is not valid."


def test_delete_response(delete: Operation) -> None:
    fields = delete.responses[0].fields
    assert [(f.name, f.source.line) for f in fields] == [
        ("Code", 50),
        ("Message", 55),
        ("RequestId", 60),
        ("Success", 65),
    ]


# --- error codes, references, authorization --------------------------------------------------


def test_error_codes(stop: Operation, cancel: Operation, delete: Operation) -> None:
    (error,) = stop.error_codes
    assert (error.status, error.code, error.message, error.source.line) == (
        403,
        "Request.Forbidden",
        "Have no Permissions",
        107,
    )
    assert cancel.error_codes == [] and delete.error_codes == []


@pytest.mark.parametrize(("name", "line"), [(CANCEL, 89), (STOP, 109), (DELETE, 88)])
def test_error_code_reference(name: str, line: int) -> None:
    (ref,) = extract_alibaba(_page(name)).references
    assert (ref.topic, ref.source.line) == ("error-codes", line)
    assert ref.text == "For a list of error codes, visit the Service error codes."


@pytest.mark.parametrize(
    ("name", "action", "level", "line", "types", "patterns"),
    [
        (CANCEL, "hbr:CancelBackupJob", "delete", 27, ["All Resources"], ["*"]),
        (
            STOP,
            "dbs:StopBackupPlan",
            "update",
            27,
            ["BackupPlan"],
            ["acs:dbs:{#regionId}:{#accountId}:backupplan/{#BackupPlanId}"],
        ),
        (DELETE, "hbr:DeleteBackupClientResource", "delete", 31, ["All Resources"], ["*"]),
    ],
)
def test_authorization(
    name: str, action: str, level: str, line: int, types: list[str], patterns: list[str]
) -> None:
    (auth,) = extract_alibaba(_page(name)).authorization
    assert (auth.action, auth.access_level, auth.source.line) == (action, level, line)
    assert (auth.resource_types, auth.resource_patterns) == (types, patterns)
    assert auth.condition_keys == [] and auth.associated_operations == []


# --- examples and sample validation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "last", "body"),
    [
        (
            CANCEL,
            80,
            85,
            {
                "Code": "200",
                "Message": "successful",
                "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
                "Success": True,
            },
        ),
        (
            STOP,
            95,
            102,
            {
                "HttpStatusCode": 200,
                "RequestId": "D6E068C3-25BC-455A-85FE-45F0B22ECB1F",
                "ErrCode": "Param.NotFound",
                "Success": True,
                "ErrMessage": "The specified parameter %s value is not valid. ",
                "BackupPlanId": "dbs1h****usfa",
            },
        ),
        (
            DELETE,
            79,
            84,
            {
                "Code": "200",
                "Message": "successful",
                "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
                "Success": True,
            },
        ),
    ],
)
def test_sample_success_response(name: str, first: int, last: int, body: dict[str, object]) -> None:
    op = extract_alibaba(_page(name))
    (sample,) = op.examples
    assert (sample.kind, sample.title, sample.status) == (
        "response",
        "Sample success responses",
        200,
    )
    assert (sample.source.line, sample.end_line, sample.body) == (first, last, body)
    assert sample.text.startswith("{") and sample.text.endswith("}")


# Samples that do not validate, each tied to the anomaly that records why.
EXPECTED_MISMATCHES = {
    SYNTHETIC.name: {("TotalCount",): "sample-type-mismatch:TotalCount"},
}


@pytest.mark.parametrize("path", [SOURCES / CANCEL, SOURCES / STOP, SOURCES / DELETE, SYNTHETIC])
def test_samples_validate_against_the_response_schema(path: Path) -> None:
    op = extract_alibaba(Page.read(path))
    validator = Draft202012Validator(response_schema(op.responses[0]))
    expected = EXPECTED_MISMATCHES.get(path.name, {})
    samples = [e for e in op.examples if e.kind == "response" and e.status == 200]
    assert samples
    for sample in samples:
        errors = {tuple(e.absolute_path): e for e in validator.iter_errors(sample.body)}
        assert set(errors) == set(expected)
        for where, anomaly_id in expected.items():
            assert anomaly_id in {a.id for a in op.anomalies}, errors[where].message


# --- anomalies ------------------------------------------------------------------------------


def test_stop_success_sample_carries_an_error(stop: Operation) -> None:
    lines = _lines(stop, "success-sample-carries-error")
    assert lines == [68, 72, 73, 77, 78, 82, 95, 98, 99, 100]


def test_stop_error_message_example_differs_by_whitespace(stop: Operation) -> None:
    assert _lines(stop, "example-differs-from-sample:ErrMessage") == [78, 82, 100]
    anomaly = next(a for a in stop.anomalies if a.id.startswith("example-differs"))
    assert "whitespace" in anomaly.summary and "low importance" in anomaly.choice


def test_delete_client_ids_anomalies(delete: Operation) -> None:
    assert _lines(delete, "object-typed-json-array:ClientIds") == [40, 42, 44]
    assert _lines(delete, "json-array-or-comma-separated:ClientIds") == [42, 44]
    choice = next(a.choice for a in delete.anomalies if a.id.startswith("json-array-or"))
    assert choice.startswith("JSON array")


@pytest.mark.parametrize(
    ("name", "lines"), [(CANCEL, [20, 27]), (STOP, [20, 27]), (DELETE, [24, 31])]
)
def test_access_level_outside_the_preamble_levels(name: str, lines: list[int]) -> None:
    op = extract_alibaba(_page(name))
    assert _lines(op, f"access-level-outside-stated-levels:{op.authorization[0].action}") == lines


def test_anomaly_ids_per_page(cancel: Operation, stop: Operation, delete: Operation) -> None:
    assert [a.id for a in cancel.anomalies] == [
        "access-level-outside-stated-levels:hbr:CancelBackupJob",
    ]
    assert sorted(a.id for a in stop.anomalies) == [
        "access-level-outside-stated-levels:dbs:StopBackupPlan",
        "example-differs-from-sample:ErrMessage",
        "success-sample-carries-error",
    ]
    assert len(delete.anomalies) == 3
    assert all(a.summary and a.choice and a.sources for a in [*stop.anomalies, *delete.anomalies])


# --- synthetic sibling page -----------------------------------------------------------------


def test_synthetic_nesting(jobs: Operation) -> None:
    fields = jobs.responses[0].fields
    assert [f.name for f in fields] == [
        "RequestId",
        "Success",
        "BackupJobs",
        "TotalCount",
        "PageSize",
    ]
    (array,) = _field(fields, "BackupJobs").children
    assert (array.name, array.doc_type, array.source.line) == ("BackupJob", "array<object>", 84)
    (item,) = array.children
    assert (item.doc_type, item.source.line) == ("object", 88)
    assert [c.name for c in item.children] == [
        "JobId",
        "Status",
        "BytesTotal",
        "Detail",
        "Paths",
        "CreatedTime",
    ]
    assert [c.name for c in _field(item.children, "Detail").children] == [
        "DoCopy",
        "NativeSnapshotId",
    ]
    (path,) = _field(item.children, "Paths").children
    assert path.schema == {"type": "array", "items": {"type": "string"}}
    status = _field(item.children, "Status")
    assert status.schema["enum"] == ["COMPLETE", "PARTIAL_COMPLETE", "FAILED"]
    assert _field(item.children, "BytesTotal").schema == {"type": "integer", "format": "int64"}
    assert not [a for a in jobs.anomalies if a.id.startswith("nesting")]


def test_synthetic_parameters(jobs: Operation) -> None:
    params = {p.name: p for p in jobs.parameters}
    assert params["SourceType"].schema["enum"] == ["ECS_FILE", "OSS", "NAS"]
    assert params["PageNumber"].schema == {"type": "integer", "minimum": 1}
    assert params["PageSize"].schema == {"type": "integer", "minimum": 1, "maximum": 99}
    assert params["PageSize"].example == 10
    assert params["JobName"].schema == {"type": "string", "minLength": 1, "maxLength": 64}
    assert params["SortDirection"].schema["enum"] == ["ASCEND", "DESCEND"]


def test_synthetic_errors_examples_authorization(jobs: Operation) -> None:
    assert [(e.status, e.code, e.message.split()[0], e.source.line) for e in jobs.error_codes] == [
        (400, "InvalidParameter", "The", 199),
        (400, "HBR.InvalidSourceType", "HBR", 200),
        (403, "Request.Forbidden", "Have", 201),
        (404, "ResourceNotFound", "The", 202),
        (500, "InternalError", "The", 203),
    ]
    request, success, error = jobs.examples
    assert (request.kind, request.method, request.source.line) == ("request", None, 153)
    assert request.target and request.target.startswith(
        "http(s)://[Endpoint]/?Action=DescribeBackupJobs2"
    )
    assert (success.status, success.source.line, success.end_line) == (200, 159, 183)
    assert (error.title, error.status, error.body["Code"]) == (
        "Sample error responses",
        400,
        "InvalidParameter",
    )
    (auth,) = jobs.authorization
    assert (auth.access_level, auth.condition_keys, auth.associated_operations) == (
        "list",
        ["hbr:ResourceTag"],
        ["ecs:DescribeInstances"],
    )


def test_synthetic_without_sample_keeps_rows_and_records_nesting_anomalies() -> None:
    text = SYNTHETIC.read_text(encoding="utf-8")
    cut = (
        text[: text.index("Sample success responses")]
        + text[text.index("Sample error responses") :]
    )
    op = extract_alibaba(Page.from_text(SYNTHETIC.name, cut))
    ids = {a.id for a in op.anomalies}
    assert {"nesting-undecided:TotalCount", "nesting-undecided:CreatedTime"} <= ids
    assert [f.name for f in op.responses[0].fields] == ["RequestId", "Success", "BackupJobs"]


# --- malformed pages ------------------------------------------------------------------------


def _variant(name: str, edit: dict[int, str | None]) -> Page:
    """The page with line N replaced (or removed when None); line numbers refer to the original."""
    lines = _page(name).lines
    kept = [edit.get(n, text) for n, text in enumerate(lines, start=1)]
    return Page.from_text(name, "\n".join(t for t in kept if t is not None))


@pytest.mark.parametrize(
    ("page", "line", "what"),
    [
        (Page.from_text(CANCEL, "\n".join(_page(CANCEL).lines[:40])), 40,
         "response: no 'Response parameters' section"),
        (_variant(CANCEL, {37: None, 38: None, 39: None, 40: None}), 36,
         "parameter 'JobId': no description, no example cell"),
        (_variant(STOP, {26: None}), 17, "authorization: no RAM action table"),
    ],
    ids=["truncated", "row-cut-short", "no-auth-header"],
)
def test_missing_sections_and_cells_are_gaps_not_refusals(page: Page, line: int, what: str) -> None:
    """Tolerant by section: the contract goes without the fact and a gap cites the line."""
    op = extract_alibaba(page, metadata_dir=contracts_dir() / "sources" / "metadata")
    assert any(g.source.line == line and g.what.startswith(what) for g in op.gaps), op.gaps


@pytest.mark.parametrize(
    ("page", "line", "expected"),
    [
        (_variant(CANCEL, {41: "VaultIdstrngYes"}), 41, "known Alibaba type word"),
        (_variant(CANCEL, {41: "VaultId string Yes"}), 41, "cells run together"),
        (_variant(CANCEL, {33: None}), 93, "'Request parameters' section"),
        (_variant(CANCEL, {5: "Cloud Backup CancelBackupJob"}), 1, "title line"),
        (_variant(CANCEL, {35: "ParameterTypeDescriptionExample"}), 34, "header row"),
        (_variant(CANCEL, {51: "Codestrin"}), 51, "known Alibaba type word"),
        (_variant(CANCEL, {84: '  "Success": tru'}), 84, "valid JSON in Sample success responses"),
        (_variant(CANCEL, {85: None}), 80, "a complete JSON block"),
        (_variant(STOP, {107: "403Request.forbidden have no permissions"}), 107, "an error row"),
        (_variant(STOP, {27: "dbs:StopPlanupdate"}), 27, "service:StopBackupPlan"),
        (_variant(STOP, {35: None}), 34, "header row"),
    ],
    ids=[
        "unknown-type",
        "spaced-row",
        "no-request-section",
        "no-title",
        "wrong-header",
        "unknown-response-type",
        "bad-json",
        "unclosed-json",
        "error-row",
        "auth-row",
        "no-request-header",
    ],
)
def test_malformed_pages_name_line_and_expectation(page: Page, line: int, expected: str) -> None:
    with pytest.raises(PageFormatError) as caught:
        extract_alibaba(page)
    assert (caught.value.page, caught.value.line) == (page.name, line)
    assert expected in caught.value.expected
