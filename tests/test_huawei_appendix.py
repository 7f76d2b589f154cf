"""Vendor-common appendices: a handful of rows checked by hand against the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.extract.huawei_appendix import (
    read_error_codes,
    read_error_envelope,
    read_status_codes,
)
from backup_conformance.extract.model import Source
from backup_conformance.extract.page import PageFormatError

ERRORS = Path(__file__).resolve().parents[1] / "contracts" / "sources" / "vendor-common"
VBS_STATUS = "huawei_vbs_status_codes_otc.txt"
GEMINI_STATUS = "huawei_geminidb_status_codes_otc.txt"
VBS_ERRORS = "huawei_vbs_error_codes_otc.txt"
GEMINI_ERRORS = "huawei_geminidb_error_codes_otc.txt"
ENVELOPE = "huawei_geminidb_abnormal_request_results.txt"


def test_vbs_normal_status_codes() -> None:
    codes = read_status_codes(ERRORS / VBS_STATUS)
    normal = [(c.status, c.phrase, c.source.line) for c in codes if c.kind == "normal"]
    assert normal == [
        (200, "OK", 14),
        (201, "Created", 16),
        (202, "Accepted", 18),
        (204, "No Content", 20),
    ]
    no_content = next(c for c in codes if c.status == 204)
    assert no_content.description == "The results of the DELETE operation are returned as expected."
    assert "DELETE" in no_content.description
    abnormal = [c.status for c in codes if c.kind == "abnormal"]
    assert abnormal == [400, 401, 403, 404, 405, 406, 407, 408, 409, 500, 501, 502, 503, 504]


def test_geminidb_status_codes() -> None:
    codes = read_status_codes(ERRORS / GEMINI_STATUS)
    assert [(c.status, c.kind, c.phrase) for c in codes[:3]] == [
        (200, "normal", "OK"),
        (204, "normal", "No Content"),
        (202, "normal", "Accepted"),
    ]
    bad = next(c for c in codes if c.status == 400)
    assert (bad.kind, bad.phrase, bad.source) == (
        "abnormal",
        "Bad Request",
        Source(GEMINI_STATUS, 24),
    )
    assert bad.description == "Invalid request.\n\nDo not retry the request before modification."
    assert [c.status for c in codes if c.kind == "abnormal"] == [
        400,
        401,
        403,
        404,
        405,
        409,
        413,
        415,
        422,
        500,
        501,
        503,
    ]


def test_vbs_error_codes_keep_the_module() -> None:
    codes = read_error_codes(ERRORS / VBS_ERRORS)
    assert len(codes) == 126
    submit = next(c for c in codes if c.code == "VolumeBackup.0014")
    assert (submit.message, submit.status, submit.description, submit.source) == (
        "Failed to submit the task.",
        None,
        "Module: Shared",
        Source(VBS_ERRORS, 14),
    )
    first_create = next(c for c in codes if c.code == "VolumeBackup.0002")
    assert (first_create.description, first_create.source.line) == ("Module: Creating a Backup", 22)
    assert codes[-1].code == "AutoBackup.9002"


def test_geminidb_error_codes() -> None:
    codes = read_error_codes(ERRORS / GEMINI_ERRORS)
    assert len(codes) == 199
    first = codes[0]
    assert (first.status, first.code, first.message, first.description, first.source) == (
        400,
        "DBS.200001",
        "Parameter error.",
        "Parameter error.",
        Source(GEMINI_ERRORS, 19),
    )
    missing = next(c for c in codes if c.code == "DBS.200002")
    assert (missing.status, missing.message, missing.description) == (
        404,
        "The DB instance does not exist.",
        "Instance not found.",
    )
    assert all(c.status is not None for c in codes)


def test_error_envelope() -> None:
    fields = read_error_envelope(ERRORS / ENVELOPE)
    facts = [(f.name, f.doc_type, f.required, f.schema, f.example, f.source.line) for f in fields]
    assert facts == [
        ("error_code", "String", True, {"type": "string"}, "DBS.200001", 18),
        ("error_msg", "String", True, {"type": "string"}, "Parameter error", 26),
    ]
    assert fields[1].description == (
        "Error description returned when a task submission exception occurs."
    )


def test_a_file_without_a_table_is_a_format_error(tmp_path: Path) -> None:
    empty = tmp_path / "codes.txt"
    empty.write_text("Error Codes\n===========\n\nNothing here.\n", encoding="utf-8")
    with pytest.raises(PageFormatError) as caught:
        read_error_codes(empty)
    assert "'Error Code' column" in caught.value.expected
