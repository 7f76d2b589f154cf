"""Baselines: known failures (API x check x test id), each with a reason and an optional
expiry date, that a run expects instead of failing on.

A nightly run against a vendor sandbox must stay red for *new* departures from the documents,
not for the ones already reported to the vendor; so a failure is expected only when every
(API, check) it broke has a live entry for that test. An entry whose test now passes (or fails
on other checks only) is reported for pruning; an expired entry stops covering its failure.

File format (JSON, ``--baseline FILE``; ``--update-baseline`` writes it)::

    {"format": "backup-conformance/baseline", "version": 1,
     "entries": [{"api": "hbr.CancelBackupJob", "check": "success-status",
                  "test": "test_positive.py::test_valid_call_succeeds[hbr.CancelBackupJob]",
                  "reason": "vendor ticket 123: answers 201", "expires": "2026-01-31"}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from backup_conformance.reporting.collect import CaseRecord, failure_keys

FORMAT = "backup-conformance/baseline"
VERSION = 1
UPDATE_REASON = "recorded by --update-baseline on {today}: say why it is expected, or fix it"


class BaselineError(ValueError):
    """A baseline file that cannot be read: the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    api: str
    check: str
    test: str
    reason: str
    expires: date | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.api, self.check, self.test

    @property
    def label(self) -> str:
        return f"{self.api} x {self.check} x {self.test}"

    def expired(self, today: date) -> bool:
        """An entry is good through its ``expires`` day."""
        return self.expires is not None and today > self.expires

    def as_dict(self) -> dict[str, str]:
        data = {"api": self.api, "check": self.check, "test": self.test, "reason": self.reason}
        if self.expires is not None:
            data["expires"] = self.expires.isoformat()
        return data


class Baseline:
    """The entries of one baseline file, looked up by (api, check, test)."""

    def __init__(self, entries: Iterable[Entry] = (), path: Path | None = None) -> None:
        self.entries = sorted(entries, key=lambda e: e.key)
        self.path = path
        self._by_key = {e.key: e for e in self.entries}

    @classmethod
    def load(cls, path: Path, *, missing_ok: bool = False) -> Baseline:
        if missing_ok and not path.exists():
            return cls((), path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BaselineError(f"baseline {path}: cannot read it ({exc.strerror})") from None
        except ValueError as exc:
            raise BaselineError(f"baseline {path}: not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BaselineError(f"baseline {path}: expected an object with "
                                f'"format": "{FORMAT}"')
        if data.get("version") != VERSION:
            raise BaselineError(f"baseline {path}: unknown version {data.get('version')!r}")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise BaselineError(f'baseline {path}: "entries" must be a list')
        return cls([_entry(path, i, e) for i, e in enumerate(entries)], path)

    def covering(self, failures: Sequence[dict[str, str]], error: str, apis: Sequence[str],
                 check: str, test: str, today: date) -> list[Entry]:
        """The live entries expecting this test's failure, or ``[]`` when any broken
        (API, check) is not covered (then the failure counts)."""
        keys = failure_keys(failures, error, apis, check)
        found = [self._by_key.get((api, name, test)) for api, name in keys]
        if not keys or any(e is None or e.expired(today) for e in found):
            return []
        return [e for e in found if e is not None]

    def verdict(self, records: Sequence[CaseRecord], today: date) -> dict[str, Any]:
        """What this run says about the baseline: entries that held (expected), entries to
        prune (fixed), expired entries whose failure counts again, failures with no entry."""
        ran: dict[str, set[tuple[str, str]]] = {}
        new: list[dict[str, str]] = []
        for record in records:
            if record.outcome == "not-run":
                continue
            keys = set(record.failed_keys()) if record.outcome != "passed" else set()
            ran.setdefault(record.test, set()).update(keys)
            for api, name in sorted(keys):
                entry = self._by_key.get((api, name, record.test))
                if entry is None:
                    new.append({"api": api, "check": name, "test": record.test})
        expected, fixed, expired = [], [], []
        for entry in self.entries:
            if entry.test not in ran:
                continue  # not run here: says nothing either way
            failing = (entry.api, entry.check) in ran[entry.test]
            if not failing:
                fixed.append(entry.as_dict())
            elif entry.expired(today):
                expired.append(entry.as_dict())
            else:
                expected.append(entry.as_dict())
        return {"file": str(self.path or ""), "expected": expected, "fixed": fixed,
                "expired": expired, "new": new}

    def updated(self, records: Sequence[CaseRecord], today: date) -> Baseline:
        """A baseline of exactly this run's failures, keeping the reasons and expiry dates of
        entries that still fail (expired ones included: re-dating them is a human decision)."""
        entries: dict[tuple[str, str, str], Entry] = {}
        for record in records:
            if record.outcome not in ("failed", "expected-failure"):
                continue
            for api, name in record.failed_keys():
                key = (api, name, record.test)
                entries[key] = self._by_key.get(key) or Entry(
                    api, name, record.test, UPDATE_REASON.format(today=today.isoformat()))
        return Baseline(entries.values(), self.path)

    def dumps(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION,
                           "entries": [e.as_dict() for e in self.entries]},
                          indent=2, ensure_ascii=False) + "\n"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")


def _entry(path: Path, index: int, data: Any) -> Entry:
    where = f"baseline {path}: entry {index + 1}"
    if not isinstance(data, dict):
        raise BaselineError(f"{where}: expected an object")
    missing = [k for k in ("api", "check", "test", "reason") if not isinstance(data.get(k), str)
               or not data[k].strip()]
    if missing:
        raise BaselineError(f"{where}: needs a non-empty {', '.join(missing)}")
    unknown = sorted(set(data) - {"api", "check", "test", "reason", "expires"})
    if unknown:
        raise BaselineError(f"{where}: unknown field {unknown[0]!r}")
    expires = None
    if data.get("expires") is not None:
        try:
            expires = date.fromisoformat(str(data["expires"]))
        except ValueError:
            raise BaselineError(f"{where}: expires {data['expires']!r} is not a date "
                                "(YYYY-MM-DD)") from None
    return Entry(data["api"], data["check"], data["test"], data["reason"], expires)


def verdict_lines(verdict: dict[str, Any]) -> list[tuple[str, bool]]:
    """Terminal lines for a baseline verdict, each with whether it is bad news."""
    lines: list[tuple[str, bool]] = []
    file = verdict["file"]
    lines.append((f"baseline {file}: {len(verdict['expected'])} expected failure(s) held, "
                  f"{len(verdict['new'])} new, {len(verdict['fixed'])} fixed, "
                  f"{len(verdict['expired'])} expired", bool(verdict["new"]
                                                            or verdict["expired"])))
    for entry in verdict["fixed"]:
        lines.append((f"baseline entry {_label(entry)} no longer fails: prune it", False))
    for entry in verdict["expired"]:
        lines.append((f"baseline entry {_label(entry)} expired on {entry['expires']}: its "
                      "failure counts again", True))
    for key in verdict["new"]:
        lines.append((f"new failure (not in the baseline): {_label(key)}", True))
    return lines


def _label(entry: dict[str, str]) -> str:
    return f"{entry['api']} x {entry['check']} x {entry['test']}"
