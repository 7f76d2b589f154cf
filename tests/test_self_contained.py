"""The repository stands alone: no tracked file points outside the clone, and every citation of
the design document names a section that exists in ``docs/design.md``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "docs" / "design.md"
OUTSIDE = re.compile(r"\.\./shared|\bDESIGN\.md\b")
CITATION = re.compile(r"docs/design\.md (?:§|section )(\d+)")


def _tracked_text_files() -> list[Path]:
    if not (ROOT / ".git").exists():
        pytest.fail(f"{ROOT} is not a git checkout: cannot list its tracked files", pytrace=False)
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    files = []
    for name in filter(None, listed):
        path = ROOT / name
        if path.is_file() and b"\0" not in path.read_bytes()[:4096]:
            files.append(path)
    return files


def test_no_tracked_file_points_outside_the_repository() -> None:
    offending = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
                 for path in _tracked_text_files() if path != Path(__file__)
                 for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
                 if OUTSIDE.search(line)]
    assert not offending, "\n".join(offending[:20])


def test_design_citations_name_existing_sections() -> None:
    sections = set(re.findall(r"^## (\d+)\.", DESIGN.read_text(), flags=re.MULTILINE))
    assert {"1", "2", "3", "4", "5", "6"} <= sections
    cited = {(str(path.relative_to(ROOT)), number)
             for path in _tracked_text_files()
             for number in CITATION.findall(path.read_text(errors="replace"))}
    assert cited, "nothing cites docs/design.md: the pattern is wrong"
    dangling = sorted(f"{where} cites §{number}" for where, number in cited
                      if number not in sections)
    assert not dangling, dangling
