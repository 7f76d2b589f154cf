"""Every training page extracts (or is refused for a stated reason, with file:line), through the
command as a new user runs it, into a folder the contract loader reads."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from backup_conformance.cli import main
from backup_conformance.contracts import load_catalogue
from backup_conformance.extract.openapi import build_openapi
from backup_conformance.extract.page import PageFormatError
from backup_conformance.extract.pipeline import extract_page
from backup_conformance.paths import contracts_dir

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "docs"
MORE = DOCS / "more"
METADATA = contracts_dir() / "sources" / "metadata"
TRAINING = sorted(MORE.glob("*.txt")) + sorted(DOCS.glob("*.txt"))
# Pages refused without help, and why: the page names no product code anywhere.
REFUSED = {
    "alibaba_nas_DeleteSnapshot_d.txt": (36, "the product code of DeleteSnapshot"),
}


def test_the_corpus_is_all_there() -> None:
    assert len(sorted(MORE.glob("*.txt"))) == 25
    assert len(sorted(DOCS.glob("*.txt"))) == 11
    for path in TRAINING:
        assert path.read_text(encoding="utf-8").startswith("# source: "), path.name


@pytest.mark.parametrize("path", TRAINING, ids=lambda p: p.name)
def test_every_training_page_extracts_or_is_refused_with_its_line(path: Path) -> None:
    if path.name in REFUSED:
        line, expected = REFUSED[path.name]
        with pytest.raises(PageFormatError) as caught:
            extract_page(path, None, METADATA)
        assert (caught.value.page, caught.value.line) == (path.name, line)
        assert expected in caught.value.expected
        return
    started = time.perf_counter()
    op = extract_page(path, None, METADATA)
    assert time.perf_counter() - started < 1.0, "extracting one page takes well under a second"
    assert op.action or (op.method and op.path), "an operation identity"
    assert op.responses, "a response, documented or recorded as a gap"
    assert all(g.source.page == path.name and g.source.line >= 1 for g in op.gaps)
    validate(build_openapi(op))  # a valid OpenAPI 3.1 document, whatever the page lacked


def test_a_refused_page_extracts_with_the_identity_flags(tmp_path: Path) -> None:
    page = MORE / "alibaba_nas_DeleteSnapshot_d.txt"
    out = tmp_path / "nas"
    args = [
        "extract",
        str(page),
        "--out",
        str(out),
        "--api-id",
        "nas.DeleteSnapshot",
        "--version",
        "2017-06-26",
    ]
    assert main(args) == 0
    entry = json.loads((out / "catalogue.json").read_text())["apis"][0]
    assert (entry["api_id"], entry["version"]) == ("nas.DeleteSnapshot", "2017-06-26")


def test_the_refusal_is_exit_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MORE / "alibaba_nas_DeleteSnapshot_d.txt"
    assert main(["extract", str(page), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: alibaba_nas_DeleteSnapshot_d.txt:36: expected the product code")
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_extract_out_writes_exactly_those_pages_and_the_loader_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [
        MORE / n
        for n in (
            "alibaba_hbr_DeleteVault_a.txt",
            "alibaba_dbs_ReleaseBackupPlan_b.txt",
            "alibaba_hbr_EnableBackupPlan_c.txt",
            "huawei_cbr_DeleteBackup_intl.txt",
            "huawei_rds_DeletingAManualBackup_otc.txt",
        )
    ]
    out = tmp_path / "contracts"
    assert main(["extract", *map(str, pages), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "alibaba_hbr_DeleteVault_a.txt: hbr.DeleteVault (Action=DeleteVault, version "
        "2017-09-08): 3 parameters" in printed
    )
    assert "  gap alibaba_hbr_DeleteVault_a.txt:23: authorization: no RAM action table" in printed
    catalogue = json.loads((out / "catalogue.json").read_text())
    ids = [entry["api_id"] for entry in catalogue["apis"]]
    assert ids == [
        "DeletingABackup",
        "DeletingAManualBackup",
        "dbs.ReleaseBackupPlan",
        "hbr.DeleteVault",
        "hbr.EnableBackupPlan",
    ]
    assert sorted(p.name for p in (out / "sources").iterdir()) == sorted(p.name for p in pages)
    assert (out / "vendor-common" / "alibaba-rpc.json").is_file()
    vault = json.loads((out / "apis" / "hbr.DeleteVault.openapi.json").read_text())
    (operation,) = [
        op
        for item in vault["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-api-id" in op
    ]
    assert operation["x-gaps"] == [
        {
            "what": "authorization: no RAM action table ('There is currently no authorization "
            "information disclosed in the API.')",
            "x-source": "alibaba_hbr_DeleteVault_a.txt:23",
        }
    ]
    assert operation["x-authorization"] == []
    entry = next(e for e in catalogue["apis"] if e["api_id"] == "hbr.DeleteVault")
    assert entry["gaps"] == [
        "23: authorization: no RAM action table ('There is currently no "
        "authorization information disclosed in the API.')"
    ]
    anomalies = (out / "ANOMALIES.md").read_text()
    assert "- line 23: authorization: no RAM action table" in anomalies
    loaded = load_catalogue(out)
    assert set(loaded) == set(ids)
    report = json.loads((out / "metadata-crosscheck.json").read_text())
    assert report["metadata_files"] == {
        "dbs.ReleaseBackupPlan": "dbs-2019-03-06.api-docs.json",
        "hbr.DeleteVault": "hbr-2017-09-08.api-docs.json",
        "hbr.EnableBackupPlan": "hbr-2017-09-08.api-docs.json",
    }
    # extracted again, the folder is byte-identical (and --check agrees)
    assert main(["extract", *map(str, pages), "--out", str(out), "--check"]) == 0


def test_two_renderings_of_one_operation_cannot_share_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [
        MORE / "alibaba_hbr_DeleteVault_a.txt",
        MORE / "alibaba_hbr_DeleteVault_b_id-locale.txt",
    ]
    assert main(["extract", *map(str, pages), "--out", str(tmp_path / "x")]) == 2
    assert "a unique API id, but hbr.DeleteVault is also extracted" in capsys.readouterr().err


def test_new_pages_need_an_out_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(MORE / "alibaba_hbr_DeleteVault_a.txt")]) == 2
    assert "add --out DIR" in capsys.readouterr().err


def test_identity_flags_apply_to_one_page_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [
        str(MORE / "alibaba_hbr_DeleteVault_a.txt"),
        str(MORE / "alibaba_hbr_DescribeTask_c.txt"),
    ]
    assert main(["extract", *pages, "--out", str(tmp_path), "--version", "2017-09-08"]) == 2
    assert "exactly one PAGE" in capsys.readouterr().err
    assert main(["extract", pages[0], "--out", str(tmp_path), "--api-id", "DeleteVault"]) == 2
    assert "expected service.Operation" in capsys.readouterr().err


def test_mangled_training_pages_extract_or_are_refused_never_crash(tmp_path: Path) -> None:
    """Lines cut, deleted, duplicated, swapped or blanked at random (seeded, bounded): every
    result is a contract or a one-line ``PageFormatError``, never another exception."""
    import random

    rng = random.Random(14)
    pages = sorted(MORE.glob("*.txt"))
    for _ in range(400):
        page = rng.choice(pages)
        lines = page.read_text(encoding="utf-8").split("\n")
        at = rng.randrange(len(lines))
        edit = rng.choice(["cut", "delete", "duplicate", "swap", "blank"])
        if edit == "cut":
            lines = lines[:at]
        elif edit == "delete":
            del lines[at : at + rng.randint(1, 5)]
        elif edit == "duplicate":
            lines[at:at] = lines[at : at + rng.randint(1, 3)]
        elif edit == "swap":
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines[at] = ""
        mangled = tmp_path / page.name
        mangled.write_text("\n".join(lines), encoding="utf-8")
        try:
            extract_page(mangled, None, METADATA)
        except PageFormatError as exc:
            assert exc.page == page.name and exc.line >= 1, (edit, at)
