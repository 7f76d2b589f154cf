"""A plain wheel install works from any directory: SDK repositories install us, never clone us
(docs/design.md section 5). The wheel must carry the contracts and the suites, and register the
pytest plugin through its entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, unpacked into a private folder (deps: this venv)."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base),
                    str(ROOT)], check=True, timeout=300)
    (wheel,) = base.glob("backup_conformance-*.whl")
    target = base / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, timeout=300)
    return target


def _cli(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "backup_conformance.cli", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=180)


def test_the_wheel_carries_contracts_and_suites(installed: Path) -> None:
    data = installed / "backup_conformance" / "_data"
    assert (data / "contracts" / "catalogue.json").is_file()
    assert (data / "contracts" / "sources" / "000_10d5ee10dc05d446.txt").is_file()
    assert (data / "suites" / "test_negative.py").is_file()


def test_extract_check_runs_from_any_directory(installed: Path, tmp_path: Path) -> None:
    result = _cli(installed, tmp_path, "extract", "--check")
    assert result.returncode == 0, result.stderr
    assert str(installed / "backup_conformance" / "_data" / "contracts") in result.stdout


def test_run_uses_the_packaged_suites_and_writes_reports_here(installed: Path,
                                                              tmp_path: Path) -> None:
    result = _cli(installed, tmp_path, "run", "--api", "gaussdbfornosql.DeleteBackup", "-q")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "_data/suites" in result.stdout or "passed" in result.stdout
    assert (tmp_path / "reports" / "junit.xml").is_file()
