"""The ``extract`` command: deterministic output, the drift gate, and clean errors on bad pages."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from backup_conformance.cli import main
from backup_conformance.paths import contracts_dir

SOURCES = contracts_dir() / "sources"


@pytest.fixture
def contracts_copy(tmp_path: Path) -> Path:
    """A private copy of the committed contracts, so tests may write and break it."""
    copy = tmp_path / "contracts"
    shutil.copytree(contracts_dir(), copy)
    return copy


def test_committed_contracts_match_their_source_pages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--check"]) == 0, capsys.readouterr().out


def test_source_pages_are_the_ones_recorded_as_retrieved() -> None:
    """Every vendored page, appendix and metadata file matches ``SHA256SUMS``: an edit to a
    source is deliberate (regenerate the sums with ``sha256sum`` in that folder), and a file
    nobody recorded is noticed."""
    recorded = {}
    for line in (SOURCES / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        recorded[name] = digest
    present = {p.relative_to(SOURCES).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(SOURCES.rglob("*")) if p.is_file() and p.name != "SHA256SUMS"}
    assert sorted(present) == sorted(recorded), "files differ from SHA256SUMS"
    changed = [name for name, digest in present.items() if recorded[name] != digest]
    assert not changed, f"changed since recorded in SHA256SUMS: {changed}"
    assert {"000_10d5ee10dc05d446.txt", "004_635508fb7d817dd1.txt"} <= set(present)


def test_rerun_is_byte_identical(contracts_copy: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    sources = ["--sources", str(contracts_copy / "sources")]
    assert main(["extract", "--out", str(first), *sources]) == 0
    assert main(["extract", "--out", str(second), *sources]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_check_reports_a_changed_page_with_a_diff(
    contracts_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = contracts_copy / "sources" / "001_3e6441a28d26c4fa.txt"
    page.write_text(page.read_text().replace("ETnLKlblzczshOTUbOCz****", "TOKEN-123"))
    args = ["extract", "--check", "--out", str(contracts_copy),
            "--sources", str(contracts_copy / "sources")]
    assert main(args) == 1
    out = capsys.readouterr()
    assert "changed: apis/dbs.StopBackupPlan.openapi.json" in out.out
    added = [line for line in out.out.splitlines() if line.startswith("+ ")]
    assert any('"value": "TOKEN-123"' in line for line in added)
    assert "changed: sources/001_3e6441a28d26c4fa.txt" not in out.out  # sources came from --sources
    assert "is stale" in out.err


def test_check_reports_a_stale_extra_contract(
    contracts_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (contracts_copy / "apis" / "old.Api.openapi.json").write_text("{}\n")
    args = ["extract", "--check", "--out", str(contracts_copy),
            "--sources", str(contracts_copy / "sources")]
    assert main(args) == 1
    assert "stale: apis/old.Api.openapi.json" in capsys.readouterr().out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda t: t.replace("Request parameters", "Request knobs"), "Request parameters"),
        (lambda t: "\n".join(t.splitlines()[:30]),
         "001_3e6441a28d26c4fa.txt:30: expected a 'Request"),
        (lambda t: "Some unrelated page\n\nNothing here.\n", "txt:1: expected an Alibaba"),
    ],
    ids=["missing-section", "cut-short", "unknown-layout"],
)
def test_a_malformed_page_exits_2_naming_the_file_and_writes_nothing(
    contracts_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    mangle: object, expected: str,
) -> None:
    bad = tmp_path / "001_3e6441a28d26c4fa.txt"
    bad.write_text(mangle((contracts_copy / "sources" / bad.name).read_text()))  # type: ignore[operator]
    before = _snapshot(contracts_copy)
    args = ["extract", str(bad), "--out", str(contracts_copy),
            "--sources", str(contracts_copy / "sources")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 001_3e6441a28d26c4fa.txt:"), err
    assert expected in err
    assert "Traceback" not in err
    assert _snapshot(contracts_copy) == before


def test_a_missing_page_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--check", "no/such/page.txt"]) == 2
    assert "no/such/page.txt: no such page file" in capsys.readouterr().err


def test_an_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--chek"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --chek" in capsys.readouterr().err


def test_a_page_naming_no_service_is_flagged_with_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Huawei page without an IAM action row names no service; the summary says so and
    how to give one, and says nothing once ``--api-id`` gives it."""
    page = str(Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "docs"
               / "huawei_vbs_SharingABackup_otc.txt")
    assert main(["extract", page, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert ("no service: huawei_vbs_SharingABackup_otc.txt states none; a run routes and signs "
            "by service, so pass --api-id SERVICE.SharingABackup") in out
    assert main(["extract", page, "--out", str(tmp_path / "b"),
                 "--api-id", "vbs.SharingABackup"]) == 0
    out = capsys.readouterr().out
    assert "vbs.SharingABackup" in out and "no service" not in out
