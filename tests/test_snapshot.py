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


def test_the_ignore_list_stops_counting_its_paths_but_never_hides_a_violation(
        tmp_path: Path) -> None:
    """Free choices at ignored paths no longer count (``--strict-parity`` passes), with the
    list's reason in the report; a contract violation at an ignored path stays a divergence."""
    folder = tmp_path / "snaps"
    api = ("--api", "dbs.StopBackupPlan")
    assert main(["snapshot", "record", "--snapshots", str(folder), *api]) == 0
    relaxed = ("--mock-option", "variant=relaxed", "--strict-parity")
    assert _verify(folder, tmp_path, *api, *relaxed)[0] == 1
    reason = "the gateway in front of the sandbox rewrites it"
    (folder / "parity-ignore.json").write_text(json.dumps({"ignore": [
        {"path": path, "api_id": "dbs.*", "reason": reason}
        for path in ("status", "headers.*", "body.*")]}))
    code, parity = _verify(folder, tmp_path, *api, *relaxed)
    assert code == 0 and parity["totals"]["free_choices"] == 0
    assert parity["totals"]["matched"] == parity["totals"]["exchanges"] > 5
    assert parity["totals"]["ignored"] > parity["totals"]["exchanges"]
    assert reason in (tmp_path / "parity.md").read_text()
    code, parity = _verify(folder, tmp_path, *api, "--mock-option",
                           "mutation=dbs-error-text-plain")
    assert code == 1 and parity["totals"]["divergences"] == parity["totals"]["exchanges"]
    assert parity["totals"]["matched"] == 0
    (folder / "parity-ignore.json").write_text(json.dumps({"ignore": [{"path": "x"}]}))
    assert main(["snapshot", "verify", "--snapshots", str(folder)]) == 2


def test_a_recording_that_breaks_the_contract_is_named_as_such(tmp_path: Path) -> None:
    """Recorded from a faulty target, verified against a conforming one: the fault is the
    recording's, and the report says so instead of blaming the target verified."""
    folder = tmp_path / "snaps"
    assert main(["snapshot", "record", "--snapshots", str(folder), "--api",
                 "dbs.StopBackupPlan", "--mock-option", "mutation=dbs-error-text-plain"]) == 0
    code, parity = _verify(folder, tmp_path, "--api", "dbs.StopBackupPlan")
    (operation,) = parity["operations"]
    assert code == 0 and parity["totals"]["divergences"] == 0  # the target verified conforms
    assert parity["totals"]["recording_violations"] > 0, parity["totals"]
    entry = operation["recording_violations"][0]
    assert "json-content-type" in json.dumps(entry)


def test_verify_against_a_served_target_with_signatures(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Record and verify over HTTP against verifying mocks, signed from the vendors'
    variables: the exchanges match, and no secret, key id or signature is in the snapshot."""
    from backup_conformance.mock import MockApp, MockServer
    from backup_conformance.mock.auth import Credentials, Verifying

    secrets = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIbcSnapshotFake0001",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "bc-snapshot-fake-alibaba-secret",
               "HUAWEICLOUD_SDK_AK": "BCSNAPSHOTFAKEAK0001",
               "HUAWEICLOUD_SDK_SK": "bc-snapshot-fake-huawei-secret",
               "HUAWEICLOUD_SDK_PROJECT_ID": "1" * 32}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "snaps"
    apis = ["--api", "hbr.CancelBackupJob", "--api", "gaussdbfornosql.DeleteBackup"]
    for step in ("record", "verify"):
        app = MockApp(authenticator=Verifying(Credentials.from_mapping(secrets)))
        with MockServer(app) as server:
            target = ["--target-url", server.url, "--state-url", f"{server.url}/_states"]
            extra = ["--report-dir", str(tmp_path)] if step == "verify" else []
            assert main(["snapshot", step, "--snapshots", str(folder), *apis, *target,
                         *extra]) == 0
    parity = json.loads((tmp_path / "parity.json").read_text())
    assert parity["totals"]["matched"] == parity["totals"]["exchanges"] > 10
    stored = "".join(p.read_text() for p in folder.glob("*.snapshot.json"))
    from backup_conformance.secrets.names import SECRET_VARIABLES

    for name in SECRET_VARIABLES:  # the project id is an address, not a secret
        assert name not in secrets or secrets[name] not in stored, name
    assert "Signature=" not in stored.replace("Signature=${", "")
    assert "SDK-HMAC-SHA256 Access=BC" not in stored


def test_matrix_html_shows_the_parity_of_its_folder(snapshots: Path, tmp_path: Path) -> None:
    """``snapshot verify`` then ``run`` into the same report folder: the page has a parity
    section naming the divergence."""
    code, _ = _verify(snapshots, tmp_path, "--api", "dbs.StopBackupPlan", "--mock-option",
                      "mutation=dbs-error-text-plain")
    assert code == 1
    assert main(["run", "--report-dir", str(tmp_path), "--api", "dbs.StopBackupPlan",
                 "-k", "test_invalid_request", "-q"]) == 0
    page = (tmp_path / "matrix.html").read_text()
    assert 'id="parity"' in page and "json-content-type" in page.split('id="parity"', 1)[1]
