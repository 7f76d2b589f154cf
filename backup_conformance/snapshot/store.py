"""Snapshot files: one sorted, indented JSON document per API in the snapshot folder, dated and
naming the target it was recorded from, plus the folder's paths-to-ignore list.

Reading validates the structure, so a missing, corrupt or hand-broken file is one error line
naming the file (and the JSON line), never a traceback halfway through a verify.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

FORMAT = 1
SUFFIX = ".snapshot.json"
IGNORE_FILE = "parity-ignore.json"
ABOUT = ("A parity snapshot (backup-conformance snapshot record): per case the provider states "
         "obtained, the calls sent and the answers received, volatile values normalised "
         "(${stateN.key}: the value the case's N-th provider state returned; ${tokenN} / "
         "${reservedN}: fresh per run; <placeholders>: request ids, timestamps, signing values). "
         "Replayed by backup-conformance snapshot verify.")
IGNORE_ABOUT = ("Paths a parity verify does not count, like a baseline: each entry has 'path' "
                "(a glob such as body.Message or headers.*), an optional 'api_id' glob "
                "(default: every API) and the 'reason' it may differ.")
_CASE_KEYS = ("calls", "family", "fresh", "id", "states")
_CALL_KEYS = ("kind", "params", "response", "violations")


class SnapshotError(Exception):
    """A snapshot folder or file that cannot be used: the message names the file."""


def dump(document: Any) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(folder: Path, documents: Mapping[str, Mapping[str, Any]]) -> list[Path]:
    """Write one file per API (replacing older ones) and a starter ignore list if none."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*" + SUFFIX):
        stale.unlink()
    written = []
    for api_id, document in sorted(documents.items()):
        path = folder / f"{api_id}{SUFFIX}"
        path.write_text(dump(document), encoding="utf-8")
        written.append(path)
    ignore = folder / IGNORE_FILE
    if not ignore.exists():
        ignore.write_text(dump({"about": IGNORE_ABOUT, "ignore": []}), encoding="utf-8")
    return written


def read(folder: Path) -> dict[str, dict[str, Any]]:
    """Every snapshot document of ``folder`` by API id, validated."""
    if not folder.is_dir():
        raise SnapshotError(f"{folder}: no such snapshot folder (record one with "
                            "`backup-conformance snapshot record --snapshots DIR`)")
    paths = sorted(folder.glob("*" + SUFFIX))
    if not paths:
        raise SnapshotError(f"{folder}: no *{SUFFIX} files (record them first)")
    found = {}
    for path in paths:
        document = _load(path)
        _validate(path, document)
        found[document["api_id"]] = document
    return found


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc})") from None


def _validate(path: Path, document: Any) -> None:
    def fail(what: str) -> SnapshotError:
        return SnapshotError(f"{path}: {what}")

    if not isinstance(document, dict):
        raise fail("not a snapshot (a JSON object is expected)")
    if document.get("format") != FORMAT:
        raise fail(f"unknown snapshot format {document.get('format')!r} (expected {FORMAT})")
    for key in ("api_id", "cases", "recorded_at", "recorded_from"):
        if key not in document:
            raise fail(f"missing {key!r}")
    if not isinstance(document["cases"], list):
        raise fail("'cases' must be a list")
    for i, case in enumerate(document["cases"]):
        if not isinstance(case, dict) or any(k not in case for k in _CASE_KEYS):
            raise fail(f"case {i}: needs {', '.join(_CASE_KEYS)}")
        for j, call in enumerate(case["calls"]):
            if not isinstance(call, dict) or any(k not in call for k in _CALL_KEYS):
                raise fail(f"case {case['id']!r} call {j + 1}: needs {', '.join(_CALL_KEYS)}")
        for state in case["states"]:
            if not isinstance(state, dict) or "state" not in state:
                raise fail(f"case {case['id']!r}: a state without 'state'")


class IgnoreList:
    """The folder's ``parity-ignore.json``: differences at these paths are not counted."""

    def __init__(self, entries: list[dict[str, str]], path: Path | None = None) -> None:
        self.entries, self.path = entries, path

    @classmethod
    def load(cls, folder: Path) -> IgnoreList:
        path = folder / IGNORE_FILE
        if not path.exists():
            return cls([], None)
        document = _load(path)
        entries = document.get("ignore") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise SnapshotError(f"{path}: expected {{\"ignore\": [...]}}")
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not entry.get("path") or not entry.get("reason"):
                raise SnapshotError(f"{path}: ignore entry {i + 1} needs 'path' and 'reason'")
        return cls(entries, path)

    def reason(self, api_id: str, path: str) -> str | None:
        """Why a difference at ``path`` of ``api_id`` is not counted, or None."""
        for entry in self.entries:
            if fnmatchcase(path, entry["path"]) and fnmatchcase(api_id, entry.get("api_id", "*")):
                return str(entry["reason"])
        return None
