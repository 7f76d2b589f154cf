"""Alibaba vendor-common error tables: rows with provenance, cut rows skipped and reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.extract.alibaba_errors import (
    load_alibaba_error_tables,
    read_alibaba_error_table,
    read_alibaba_error_tables,
    status_conflicts,
)
from backup_conformance.extract.model import ErrorCode, Source

ERRORS = Path(__file__).resolve().parents[1] / "contracts" / "sources" / "vendor-common"
POLARDB = "alibaba_common_client_error_codes_polardb_TRUNCATED.txt"
DNS = "alibaba_common_error_codes_dns_page.txt"
HBR = "alibaba_hbr_error_codes_TRUNCATED_excerpts.txt"


@pytest.fixture(scope="module")
def tables() -> dict[str, list[ErrorCode]]:
    return read_alibaba_error_tables(ERRORS)


def _code(codes: list[ErrorCode], code: str) -> ErrorCode:
    return next(c for c in codes if c.code == code)


def test_files_and_row_counts(tables: dict[str, list[ErrorCode]]) -> None:
    assert {name: len(codes) for name, codes in tables.items()} == {POLARDB: 16, DNS: 11, HBR: 26}


def test_pipe_rows_with_provenance(tables: dict[str, list[ErrorCode]]) -> None:
    first = tables[POLARDB][0]
    assert (first.code, first.status, first.source) == ("MissingParameter", 400, Source(POLARDB, 6))
    assert first.message == 'The required parameter "" is not specified.'
    hbr = _code(tables[HBR], "AirBackupJobNotExists")
    assert (hbr.status, hbr.source.line, hbr.message) == (
        404,
        11,
        "The air backup job does not exist.",
    )
    assert hbr.description == "The ECS Backup Air backup job does not exist."
    second_excerpt = _code(tables[HBR], "BadRequest")  # reuses the first excerpt's header
    assert (second_excerpt.status, second_excerpt.source.line) == (400, 22)
    assert _code(tables[HBR], "InitVaultError").description == ""  # "-" means none


def test_space_separated_rows(tables: dict[str, list[ErrorCode]]) -> None:
    row = _code(tables[DNS], "SignatureDoesNotMatch")
    assert (row.status, row.source.line, row.description) == (403, 18, "Invalid signature")
    assert row.message.endswith("see the API authentication reference.")
    assert _code(tables[DNS], "InternalError").source.line == 24


def test_provenance_is_the_source_line() -> None:
    loaded = load_alibaba_error_tables(ERRORS)
    assert loaded[DNS].provenance.startswith("https://help.aliyun.com/en/dns/error-code")
    assert loaded[HBR].provenance.startswith("Alibaba Cloud Backup (hbr 2017-09-08)")


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        (POLARDB, 22, "Forbidden.RiskControl"),
        (DNS, 25, "ServiceUnavailable"),
        (HBR, 37, "VaultNotExist"),
    ],
)
def test_cut_rows_are_skipped_and_noted(name: str, line: int, code: str) -> None:
    table = read_alibaba_error_table(ERRORS / name)
    assert code not in {c.code for c in table.codes if c.source.line == line}
    assert line not in {c.source.line for c in table.codes}
    assert any(n.startswith(f"{name}:{line}: skipped") and code in n for n in table.notes)


def test_odd_rows_are_noted_not_guessed() -> None:
    hbr = read_alibaba_error_table(ERRORS / HBR)
    assert _code(hbr.codes, "ArchiveDaysTooShort").description == ""
    assert any(n.startswith(f"{HBR}:18:") and "shifted" in n for n in hbr.notes)
    polardb = read_alibaba_error_table(ERRORS / POLARDB)
    assert _code(polardb.codes, "Forbidden. RAM is not supported.").status == 403
    assert any(n.startswith(f"{POLARDB}:21:") and "not an identifier" in n for n in polardb.notes)


def test_status_disagreement_between_files_is_visible(tables: dict[str, list[ErrorCode]]) -> None:
    conflicts = status_conflicts(tables)
    rows = conflicts["InvalidAccessKeyId.NotFound"]
    assert [(r.source, r.status) for r in rows] == [
        (Source(POLARDB, 8), 404),
        (Source(DNS, 15), 400),
    ]
    assert "Throttling" not in conflicts  # 400 in both files


def test_missing_provenance_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "alibaba_x.txt"
    path.write_text("| Error code | Description | HTTP status code |\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"alibaba_x\.txt:1: expected a '# source:'"):
        read_alibaba_error_table(path)
