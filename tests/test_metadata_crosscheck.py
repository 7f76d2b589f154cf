"""The page-vs-metadata report: known disagreements are present, the output is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backup_conformance.extract.alibaba import extract_alibaba
from backup_conformance.extract.metadata_crosscheck import (
    crosscheck,
    crosscheck_report,
    render_markdown,
)
from backup_conformance.extract.model import Operation
from backup_conformance.extract.page import Page

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "contracts" / "sources"
METADATA = ROOT / "contracts" / "sources" / "metadata"
FULL, STRIPPED = "apis_2024-06-24_full", "apis_2025-12-03_stripped"
PAGES = [
    ("000_10d5ee10dc05d446.txt", "2017-09-08"),
    ("001_3e6441a28d26c4fa.txt", "2019-03-06"),
    ("003_27fa9c278b35a352.txt", "2017-09-08"),
]


@pytest.fixture(scope="module")
def operations() -> list[Operation]:
    return [extract_alibaba(Page.read(SOURCES / name), version=v) for name, v in PAGES]


@pytest.fixture(scope="module")
def report(operations: list[Operation]) -> dict:
    return crosscheck_report(operations, METADATA)


def _row(report: dict, api_id: str, snapshot: str, subject: str, aspect: str) -> dict:
    found = [
        r
        for r in report["rows"]
        if (r["api_id"], r["snapshot"], r["subject"], r["aspect"])
        == (api_id, snapshot, subject, aspect)
    ]
    assert len(found) == 1, f"{subject}/{aspect} not reported once"
    return found[0]


def test_vault_id_required_disagreement(report: dict) -> None:
    row = _row(report, "hbr.CancelBackupJob", FULL, "parameter VaultId", "required")
    assert (row["page"], row["page_line"]) == (True, 41)
    assert row["metadata"] == {"required": False, "docRequired": True}
    stripped = _row(report, "hbr.CancelBackupJob", STRIPPED, "parameter VaultId", "required")
    assert stripped["metadata"] == {"required": False}


def test_other_disagreements(report: dict) -> None:
    edition = _row(report, "hbr.CancelBackupJob", STRIPPED, "parameter Edition", "presence")
    assert edition["page"] is None and edition["metadata"]["type"] == "string"
    enum = _row(report, "dbs.StopBackupPlan", FULL, "parameter StopMethod", "enum")
    assert (enum["page"], enum["page_line"], enum["metadata"]) == (["ALL", "PLAN"], 41, None)
    bound = _row(report, "hbr.DeleteBackupClientResource", FULL, "parameter ClientIds", "bound")
    assert (bound["page"], bound["metadata"]) == ({"maxItems": 100}, {"maxItems": None})
    assert "prose" in bound["note"]
    method = _row(report, "dbs.StopBackupPlan", FULL, "operation", "http method")
    assert method["page"] is None and method["metadata"] == ["GET", "POST"]
    assert method["note"].startswith("page silent")


def test_agreements_are_not_reported(report: dict) -> None:
    aspects = {(r["api_id"], r["aspect"]) for r in report["rows"]}
    assert ("dbs.StopBackupPlan", "error code") not in aspects  # 403 Request.Forbidden agrees
    assert not [a for a in aspects if a[1] in ("access level", "type", "wire", "response field")]
    assert report["coverage"]["hbr.CancelBackupJob"][STRIPPED] == ["http method", "parameters"]


def test_crosscheck_reports_a_changed_access_level(operations: list[Operation]) -> None:
    metadata = json.loads((METADATA / "dbs-2019-03-06.selected-ops.json").read_text("utf-8"))
    metadata[FULL]["StopBackupPlan"]["systemTags"]["operationType"] = "delete"
    rows = [r for r in crosscheck(operations[1], metadata) if r["aspect"] == "access level"]
    assert [(r["page"], r["page_line"], r["metadata"]) for r in rows] == [("update", 27, "delete")]


def test_report_is_sorted_and_deterministic(operations: list[Operation], report: dict) -> None:
    again = crosscheck_report(list(reversed(operations)), METADATA)
    assert json.dumps(again, sort_keys=True) == json.dumps(report, sort_keys=True)
    keys = [(r["api_id"], r["snapshot"], r["subject"], r["aspect"]) for r in report["rows"]]
    assert keys == sorted(keys)
    assert sum(report["counts"].values()) == len(report["rows"])


def test_markdown(report: dict) -> None:
    text = render_markdown(report)
    assert text == render_markdown(report)
    assert (
        "| hbr.CancelBackupJob | apis_2024-06-24_full | parameter VaultId | required "
        "| true (line 41) |" in text
    )
    assert text.count("\n| ") == len(report["rows"]) + 1


MORE = ROOT / "fixtures" / "reference" / "docs" / "more"


def test_every_operation_is_checked_against_the_full_metadata_not_only_the_five() -> None:
    """Operations outside ``*.selected-ops.json`` are read from the product's full
    ``*.api-docs.json`` as the same two snapshots."""
    names = ["alibaba_hbr_EnableBackupPlan_c.txt", "alibaba_hbr_DeleteVault_a.txt"]
    ops = [extract_alibaba(Page.read(MORE / name), metadata_dir=METADATA) for name in names]
    report = crosscheck_report(ops, METADATA)
    assert report["metadata_files"] == {
        "hbr.DeleteVault": "hbr-2017-09-08.api-docs.json",
        "hbr.EnableBackupPlan": "hbr-2017-09-08.api-docs.json",
    }
    # the page documents Edition; the 2024 metadata does not have it, the 2025 one does
    edition = _row(report, "hbr.EnableBackupPlan", FULL, "parameter Edition", "presence")
    assert (edition["page"], edition["page_line"], edition["metadata"]) == ("documented", 106, None)
    assert not [r for r in report["rows"] if r["snapshot"] == STRIPPED
                and r["subject"] == "parameter Edition"]
    enum = _row(report, "hbr.EnableBackupPlan", STRIPPED, "parameter SourceType", "enum")
    assert enum["page"] == ["ECS_FILE", "OSS", "NAS"]
    assert set(report["coverage"]) == {"hbr.DeleteVault", "hbr.EnableBackupPlan"}


def test_an_operation_of_a_product_without_metadata_has_empty_coverage() -> None:
    op = extract_alibaba(Page.read(MORE / "alibaba_rds_DescribeCrossBackupMetaList_c.txt"),
                         metadata_dir=METADATA)
    report = crosscheck_report([op], METADATA)
    assert (report["coverage"], report["rows"], report["metadata_files"]) == (
        {"rds.DescribeCrossBackupMetaList": {}}, [], {})
