"""Write rendered contracts to disk, or compare them with what is there (the drift gate)."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

# Folders whose every file is generated: a file there that extraction no longer produces is stale.
GENERATED_DIRS = ("apis", "vendor-common")
_DIFF_LINES = 200


def stale_files(rendered: dict[str, str], out_dir: Path) -> list[str]:
    """Files in generated folders that the current extraction does not produce."""
    stale = []
    for folder in GENERATED_DIRS:
        base = out_dir / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                rel = path.relative_to(out_dir).as_posix()
                if path.is_file() and rel not in rendered:
                    stale.append(rel)
    return stale


def difference(rendered: dict[str, str], out_dir: Path) -> list[str]:
    """Human-readable differences between ``rendered`` and ``out_dir``; empty when in sync."""
    report: list[str] = []
    for rel, text in sorted(rendered.items()):
        path = out_dir / rel
        if not path.is_file():
            report.append(f"missing: {rel}")
            continue
        current = path.read_text(encoding="utf-8")
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(),
                f"{rel} (committed)", f"{rel} (from the pages)", lineterm="",
            )
            lines = list(diff)
            report.append(f"changed: {rel}")
            report += lines[:_DIFF_LINES]
            if len(lines) > _DIFF_LINES:
                report.append(f"... {len(lines) - _DIFF_LINES} more diff lines")
    report += [f"stale: {rel} (no longer produced)" for rel in stale_files(rendered, out_dir)]
    return report


def write(rendered: dict[str, str], out_dir: Path) -> list[str]:
    """Write every file atomically (temp file + rename) and remove stale ones; returns changes."""
    changed = []
    for rel, text in sorted(rendered.items()):
        path = out_dir / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
        changed.append(rel)
    for rel in stale_files(rendered, out_dir):
        (out_dir / rel).unlink()
        changed.append(f"{rel} (removed)")
    return changed
