"""Facts of the Alibaba training pages in every rendering (a, b, c, d), asserted field by field.

The expected values were written from reading each page in ``fixtures/reference/docs/more``
(names, types, required flags, examples, line numbers), not from the extractor's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.extract.alibaba import extract_alibaba, is_alibaba_page
from backup_conformance.extract.model import Field, Operation
from backup_conformance.extract.page import Page, PageFormatError
from backup_conformance.paths import contracts_dir

MORE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "docs" / "more"
METADATA = contracts_dir() / "sources" / "metadata"


def extract(name: str, **kwargs: str) -> Operation:
    return extract_alibaba(Page.read(MORE / name), metadata_dir=METADATA, **kwargs)


def params(op: Operation) -> list[tuple[str, str, bool, object, int]]:
    return [(p.name, p.doc_type, p.required, p.example, p.source.line) for p in op.parameters]


def fields(items: list[Field]) -> list[tuple[str, str, int]]:
    return [(f.name, f.doc_type, f.source.line) for f in items]


def gaps(op: Operation) -> list[tuple[int, str]]:
    return [(g.source.line, g.what) for g in op.gaps]


def test_layout_a_without_authorization_information() -> None:
    op = extract("alibaba_hbr_DeleteVault_a.txt")
    assert (op.api_id, op.action, op.service, op.version) == (
        "hbr.DeleteVault",
        "DeleteVault",
        "hbr",
        "2017-09-08",
    )
    assert (op.title, op.title_source.line) == ("Cloud Backup:DeleteVault", 6)
    assert op.summary == "Deletes a backup vault."
    assert params(op) == [
        ("Token", "string", False, "caeba0bbb2be03f84eb48b699f0a*", 28),
        ("VaultId", "string", False, "v-*********************", 33),
        ("ResourceGroupId", "string", False, "rg-acfmoiyerpacj4q", 38),
    ]
    assert fields(op.responses[0].fields) == [
        ("Code", "string", 48),
        ("Message", "string", 53),
        ("RequestId", "string", 58),
        ("Success", "boolean", 63),
    ]
    assert op.authorization == []
    assert gaps(op) == [
        (
            23,
            "authorization: no RAM action table ('There is currently no "
            "authorization information disclosed in the API.')",
        )
    ]
    (sample,) = op.examples
    assert sample.body == {
        "Code": "200",
        "Message": "successful",
        "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
        "Success": True,
    }
    assert [r.topic for r in op.references] == ["error-codes"]
    assert any("the vendor metadata lists DeleteVault" in note for note in op.notes)


def test_layout_a_cut_short_after_the_response_table() -> None:
    op = extract("alibaba_dbs_ReleaseBackupPlan_a_TRUNCATED.txt")
    assert (op.api_id, op.version) == ("dbs.ReleaseBackupPlan", "2019-03-06")
    (auth,) = op.authorization
    assert (auth.action, auth.access_level, auth.source.line) == (
        "dbs:ReleaseBackupPlan",
        "write",
        32,
    )
    # the page's own descriptions are shifted ('Minute', 'backupPlanId'): kept as written
    assert params(op) == [
        ("BackupPlanId", "string", True, "dbstooi01xxxx", 41),
        ("ClientToken", "string", False, "dbs", 46),
    ]
    assert op.parameters[0].description == "Minute"
    assert fields(op.responses[0].fields) == [
        ("HttpStatusCode", "integer", 56),
        ("RequestId", "string", 61),
    ]
    assert gaps(op) == [
        (61, "response field 'RequestId': no description, no example cell"),
        (61, "error codes: no 'Error codes' section"),  # where the page stops
    ]


def test_layout_a_without_request_parameters_and_a_glued_four_cell_error_table() -> None:
    op = extract("alibaba_rds_CreateBackup_a_TRUNCATED.txt")
    assert (op.api_id, op.version) == ("rds.CreateBackup", "2014-08-15")
    assert op.parameters == []  # "The current API does not require request parameters"
    assert op.responses[0].fields == []
    (auth,) = op.authorization
    assert (auth.action, auth.access_level) == ("rds:CreateBackup", "write")
    assert op.error_codes == []
    assert gaps(op) == [
        (41, "response table: no field rows"),
        (
            57,
            "error codes: 1 rows whose four cells (status, code, message, description) run "
            "together; not read",
        ),
    ]
    (sample,) = op.examples
    assert sample.body == {
        "BackupJobId": "5073731",
        "RequestId": "2C125605-266F-41CA-8AC5-3A643D4F42C5",
    }


def test_layout_b_release_backup_plan() -> None:
    op = extract("alibaba_dbs_ReleaseBackupPlan_b.txt")
    assert (op.api_id, op.version, op.title_source.line) == (
        "dbs.ReleaseBackupPlan",
        "2019-03-06",
        16,
    )
    assert op.summary == "This operation releases a pay-as-you-go backup plan."
    (auth,) = op.authorization
    assert (
        auth.action,
        auth.access_level,
        auth.resource_types,
        auth.condition_keys,
        auth.associated_operations,
    ) == ("dbs:ReleaseBackupPlan", "delete", ["BackupPlan"], [], [])
    assert params(op) == [
        ("BackupPlanId", "string", True, "dbstooi01xxxx", 28),
        ("ClientToken", "string", False, "dbs", 33),
    ]
    assert op.parameters[1].description == "An arbitrary string."
    assert op.description == (
        "After you release a backup plan, the service for the backup instance is stopped and "
        "you are no longer charged for the instance."
    )
    assert fields(op.responses[0].fields) == [
        ("HttpStatusCode", "integer", 47),
        ("RequestId", "string", 51),
        ("ErrCode", "string", 55),
        ("Success", "boolean", 59),
        ("ErrMessage", "string", 64),
        ("BackupPlanId", "string", 68),
    ]
    assert [(e.status, e.code, e.message, e.source.line) for e in op.error_codes] == [
        (403, "Request.Forbidden", "Have no Permissions", 90)
    ]
    assert gaps(op) == [(90, "errors table: a row of 3 cells (the header has 4)")]


def test_layout_b_nesting_from_the_sample_and_an_error_table_cut_short() -> None:
    op = extract("alibaba_dbs_DescribeJobErrorCode_b_TRUNCATED.txt")
    assert params(op) == [
        ("TaskId", "string", True, "r1iv62ud****", 25),
        ("Language", "string", False, "en", 30),
        ("ClientToken", "string", False, "ETnLKlblzczshOTUbOCz****", 36),
    ]
    top = op.responses[0].fields
    assert [f.name for f in top] == [
        "HttpStatusCode",
        "RequestId",
        "ErrCode",
        "Success",
        "ErrMessage",
        "Item",
    ]
    item = top[-1]
    assert (item.doc_type, item.source.line) == ("object", 70)
    assert fields(item.children) == [
        ("JobState", "string", 74),
        ("ErrorMessage", "string", 78),
        ("ErrorCode", "string", 82),
        ("JobId", "string", 86),
        ("JobType", "string", 90),
        ("Language", "string", 94),
    ]
    assert op.error_codes == []
    assert (118, "error table: header only, no rows (page cut short?)") in gaps(op)


def test_layout_b_in_another_locale_reads_the_same_structure() -> None:
    op = extract("alibaba_hbr_DeleteVault_b_id-locale.txt")
    assert (op.api_id, op.version) == ("hbr.DeleteVault", "2017-09-08")
    assert params(op) == [
        ("Token", "string", False, "caeba0bbb2be03f84eb48b699f0a*", 28),
        ("VaultId", "string", False, "v-*********************", 33),
        ("ResourceGroupId", "string", False, "rg-acfmoiyerpacj4q", 38),
    ]
    assert op.parameters[1].description == "ID penyimpanan cadangan."
    assert fields(op.responses[0].fields) == [
        ("Code", "string", 52),
        ("Message", "string", 56),
        ("RequestId", "string", 60),
        ("Success", "boolean", 64),
    ]
    (auth,) = op.authorization
    assert (auth.action, auth.access_level) == ("hbr:DeleteVault", "delete")
    (sample,) = op.examples
    assert (sample.status, sample.body["Code"]) == (200, "200")


def test_layout_c_enum_bullets_and_no_ram_authorization() -> None:
    op = extract("alibaba_hbr_AddCrossAccount_c.txt")
    assert (op.api_id, op.version) == ("hbr.AddCrossAccount", "2017-09-08")
    assert params(op) == [
        ("CrossAccountUserId", "integer", False, "1589753xxxxxx625", 26),
        ("CrossAccountRoleName", "string", False, "hbrcrossrole", 36),
        ("CrossAccountType", "string", False, "CROSS_ACCOUNT", 46),
        ("Alias", "string", False, "原账号1", 61),
    ]
    kind = op.parameters[2]
    assert kind.schema["enum"] == ["CROSS_ACCOUNT", "CROSS_ACCOUNT_BY_RD"]
    assert op.parameters[3].schema.get("maxLength") is None  # "maximum length is 32": no unit
    assert fields(op.responses[0].fields) == [
        ("Code", "string", 83),
        ("Message", "string", 91),
        ("RequestId", "string", 99),
        ("Success", "boolean", 107),
    ]
    assert op.authorization == []
    assert gaps(op) == [(12, "authorization: no RAM action table on the page")]
    assert op.examples[0].source.line == 127


def test_layout_c_enable_backup_plan() -> None:
    op = extract("alibaba_hbr_EnableBackupPlan_c.txt")
    (auth,) = op.authorization
    assert (auth.action, auth.access_level, auth.source.line) == (
        "hbr:EnableBackupPlan",
        "update",
        45,
    )
    assert params(op) == [
        ("PlanId", "string", True, "plan-*********************", 69),
        ("VaultId", "string", False, "v-*********************", 79),
        ("SourceType", "string", False, "ECS_FILE", 89),
        ("Edition", "string", False, "STANDARD", 106),
    ]
    assert op.parameters[2].schema["enum"] == ["ECS_FILE", "OSS", "NAS"]
    assert op.description.startswith("If the call is successful, the backup plan is enabled.")
    assert op.examples[0].source.line == 172
    assert gaps(op) == []


def test_layout_c_describe_task() -> None:
    op = extract("alibaba_hbr_DescribeTask_c.txt")
    assert params(op) == [
        ("Token", "string", False, "01W3ZZOQ", 56),
        ("TaskId", "string", False, "t-*********************", 66),
        ("ResourceGroupId", "string", False, "rg-acfmvywqfey5njq", 76),
    ]
    names = [f.name for f in op.responses[0].fields]
    assert names[:3] == ["Progress", "RequestId", "CompletedTime"]
    assert names[-2:] == ["Name", "CreatedTime"]
    status = next(f for f in op.responses[0].fields if f.name == "Description")
    assert (status.source.line, status.schema["enum"]) == (
        130,
        ["created", "expired", "completed", "cancelled"],
    )
    assert op.examples[0].source.line == 201


def test_layout_c_error_table_and_arrays_of_objects() -> None:
    op = extract("alibaba_rds_DescribeCrossBackupMetaList_c.txt")
    assert (op.api_id, op.version) == ("rds.DescribeCrossBackupMetaList", "2014-08-15")
    assert [p.name for p in op.parameters] == [
        "BackupSetId",
        "GetDbName",
        "Pattern",
        "PageSize",
        "PageIndex",
        "Region",
        "ResourceGroupId",
    ]
    assert (op.parameters[0].required, op.parameters[0].source.line) == (True, 66)
    items = next(f for f in op.responses[0].fields if f.name == "Items")
    assert (items.doc_type, items.source.line) == ("array<object>", 202)
    assert len(op.error_codes) == 12
    first, last = op.error_codes[0], op.error_codes[-1]
    assert (first.status, first.code, first.message, first.source.line) == (
        400,
        "NoAvailableDisasterRestoreBakset",
        "No available disaster restore bakset",
        272,
    )
    assert first.description == ""  # the page's '\-'
    assert (last.status, last.code) == (404, "Request.NotFound")
    assert op.error_codes[1].description.startswith("The value of the pageSize parameter")


def test_layout_d_needs_the_product_code_or_takes_it_from_the_caller() -> None:
    page = Page.read(MORE / "alibaba_nas_DeleteSnapshot_d.txt")
    assert is_alibaba_page(page)
    with pytest.raises(PageFormatError) as caught:
        extract_alibaba(page, metadata_dir=METADATA)  # hbr also has a DeleteSnapshot: not taken
    assert caught.value.line == 36
    op = extract_alibaba(page, api_id="nas.DeleteSnapshot", version="2017-06-26")
    assert (op.action, op.service, op.version) == ("DeleteSnapshot", "nas", "2017-06-26")
    # the Action row is the operation's identity, not a parameter
    assert params(op) == [("SnapshotId", "string", True, "s-extreme-snapsho****", 19)]
    assert op.parameters[0].description == "The snapshot ID."
    assert fields(op.responses[0].fields) == [("RequestId", "string", 26)]
    request, response = op.examples
    assert (request.kind, request.source.line, request.end_line) == ("request", 36, 38)
    assert "Action=DeleteSnapshot&SnapshotId=s-extreme-snapsho****" in (request.target or "")
    assert (response.status, response.body) == (
        200,
        {"RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3****"},
    )


# --- tolerant by section, strict on identity -------------------------------------------------


def _edited(name: str, old: str, new: str) -> Page:
    text = (MORE / name).read_text(encoding="utf-8")
    assert old in text
    return Page.from_text(name, text.replace(old, new))


def test_a_page_without_a_request_table_is_refused_with_its_line() -> None:
    name = "alibaba_hbr_EnableBackupPlan_c.txt"
    text = (MORE / name).read_text(encoding="utf-8")
    cut = text[: text.index("## Request parameters")] + text[text.index("## Response elements") :]
    page = Page.from_text(name, cut)
    with pytest.raises(PageFormatError) as caught:
        extract_alibaba(page, metadata_dir=METADATA)
    assert caught.value.line == page.last_line()
    assert "a request-parameter table" in caught.value.expected


def test_a_page_without_any_operation_identity_is_refused() -> None:
    name = "alibaba_dbs_ReleaseBackupPlan_b.txt"
    text = (MORE / name).read_text(encoding="utf-8").split("\n", 1)[1]  # no '# source:' line
    page = Page.from_text(name, text.replace("dbs:ReleaseBackupPlan |", "(hidden) |"))
    with pytest.raises(PageFormatError) as caught:
        extract_alibaba(page, metadata_dir=METADATA)
    assert caught.value.page == name
    assert "an operation identity" in caught.value.expected


def test_an_unknown_type_word_is_a_gap_read_as_string() -> None:
    page = _edited(
        "alibaba_dbs_ReleaseBackupPlan_b.txt",
        "| ClientToken |\nstring |",
        "| ClientToken |\nstrng |",
    )
    op = extract_alibaba(page, metadata_dir=METADATA)
    token = op.parameters[1]
    assert (token.name, token.schema) == ("ClientToken", {"type": "string"})
    assert (
        33,
        "request field 'ClientToken': type 'strng' not in the Alibaba type vocabulary; "
        "read as string",
    ) in gaps(op)


def test_a_request_row_cut_short_is_kept_with_a_gap() -> None:
    page = _edited("alibaba_dbs_ReleaseBackupPlan_b.txt", "An arbitrary string. |\ndbs |\n", "")
    op = extract_alibaba(page, metadata_dir=METADATA)
    token = op.parameters[1]
    assert (token.name, token.required, token.example) == ("ClientToken", False, None)
    assert (33, "request table: a row of 3 cells (the header has 5)") in gaps(op)
    assert (33, "parameter 'ClientToken': no description, no example cell") in gaps(op)


def test_a_page_cut_right_after_the_request_header_keeps_identity_and_records_gaps() -> None:
    name = "alibaba_dbs_ReleaseBackupPlan_b.txt"
    text = (MORE / name).read_text(encoding="utf-8")
    page = Page.from_text(name, text[: text.index("| BackupPlanId |")])
    op = extract_alibaba(page, metadata_dir=METADATA)
    assert (op.api_id, op.parameters, op.responses[0].fields) == ("dbs.ReleaseBackupPlan", [], [])
    assert gaps(op) == [
        (
            23,
            "request table: header only, no rows and no statement that there are none "
            "(page cut short?)",
        ),
        (27, "response table: none on the page; the response body is undocumented"),
        (27, "error codes: the page lists none and points to no error-code list"),
    ]
