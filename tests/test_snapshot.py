"""Snapshot parity end to end: record against the embedded mock, verify against a fresh one
(match), against the relaxed variant (free choices only) and against every mutant of the bank
(each divergence found at its path); broken snapshot folders are one error line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backup_conformance.cli import main

DATA = json.loads((Path(__file__).parent / "data" / "snapshot" / "mutants.json").read_text())


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snapshots")
    assert main(["snapshot", "record", "--snapshots", str(folder)]) == 0
    return folder


def _verify(snapshots: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    code = main(["snapshot", "verify", "--snapshots", str(snapshots),
                 "--report-dir", str(tmp_path), *extra])
    return code, json.loads((tmp_path / "parity.json").read_text())


def test_a_fresh_embedded_mock_matches_its_recording(snapshots: Path, tmp_path: Path) -> None:
    code, parity = _verify(snapshots, tmp_path)
    assert code == 0 and parity["totals"]["matched"] == parity["totals"]["exchanges"] > 30
    assert (tmp_path / "parity.md").exists() and 'id="parity"' in (
        tmp_path / "parity.html").read_text()


def test_snapshot_files_are_sorted_dated_and_name_their_target(snapshots: Path) -> None:
    for path in snapshots.glob("*.snapshot.json"):
        document = json.loads(path.read_text())
        assert path.read_text() == json.dumps(document, indent=1, sort_keys=True,
                                              ensure_ascii=False) + "\n"
        assert document["recorded_at"] and "embedded reference mock" in document["recorded_from"]


def test_the_relaxed_variant_differs_only_by_free_choices(snapshots: Path,
                                                          tmp_path: Path) -> None:
    code, parity = _verify(snapshots, tmp_path, "--mock-option", "variant=relaxed")
    assert code == 0 and parity["totals"]["divergences"] == 0
    assert parity["totals"]["free_choices"] > 0
    assert _verify(snapshots, tmp_path, "--mock-option", "variant=relaxed",
                   "--strict-parity")[0] == 1


@pytest.mark.parametrize("expected", DATA["divergences"], ids=lambda e: e["mutation"])
def test_each_mutant_diverges_at_its_path(snapshots: Path, tmp_path: Path,
                                          expected: dict) -> None:
    code, parity = _verify(snapshots, tmp_path, "--api", expected["api_id"], "--strictness",
                           expected["strictness"], "--mock-option",
                           f"mutation={expected['mutation']}")
    (operation,) = parity["operations"]
    found = [(d["case"], d["call"], d["paths"][0] if d["paths"] else None)
             for d in operation["divergences"]]
    assert code == 1
    assert (expected["case"], expected["call"], expected["path"]) in found


def test_every_mutant_of_the_bank_is_covered_or_excused() -> None:
    bank = json.loads((Path(__file__).parents[1] / "backup_conformance" / "mock"
                       / "mutations.json").read_text())["mutations"]
    listed = {e["mutation"] for e in DATA["divergences"]} | set(DATA["not_in_case_set"])
    assert {m["name"] for m in bank} == listed


def test_a_corrupt_snapshot_names_the_file(snapshots: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "hbr.CancelBackupJob.snapshot.json").write_text("{\n  nope")
    assert main(["snapshot", "verify", "--snapshots", str(broken)]) == 2
    assert "hbr.CancelBackupJob.snapshot.json:2: not valid JSON" in capsys.readouterr().err
    assert main(["snapshot", "verify", "--snapshots", str(tmp_path / "none")]) == 2
