"""Audit verdicts into the reports a run writes: the matrix (JSON, Markdown, HTML, JUnit) and
allure results, one matrix row per API and one column per audited part (operation, request,
response, signature); entries naming no documented operation get the row ``undocumented``.

Memory stays flat however long the recording: every failing entry is kept (up to
``KEEP_FAILED`` per API and column; the rest are counted in one more case), while passing and
not-checked entries are folded into one case per API, column and reason that says how many.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backup_conformance.audit.judge import EntryVerdicts
from backup_conformance.checks.evidence import table as evidence_table
from backup_conformance.checks.registry import registered
from backup_conformance.reporting import CaseRecord, TestMeta, build_matrix
from backup_conformance.reporting.allure_labels import labels
from backup_conformance.reporting.matrix import api_rows, vendor_of
from backup_conformance.reporting.write import write_all
from backup_conformance.secrets import scrub_data, scrub_secrets

UNDOCUMENTED = "undocumented"
KEEP_FAILED = 500
FAMILY = "audit"


@dataclass
class AuditTally:
    """Everything the reports need, bounded: kept failures, folded passes, exact counts."""

    failed: dict[tuple[str, str], list[CaseRecord]] = field(default_factory=dict)
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)
    folded: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    entries: int = 0
    findings: Counter[str] = field(default_factory=Counter)  # by side
    not_checked: Counter[str] = field(default_factory=Counter)  # reason -> entries

    def add(self, judged: EntryVerdicts) -> None:
        self.entries += 1
        api = judged.api_id or UNDOCUMENTED
        for verdict in judged.verdicts:
            if verdict.outcome == "failed":
                self.findings[verdict.side] += len(verdict.failures)
                kept = self.failed.setdefault((api, verdict.column), [])
                if len(kept) >= KEEP_FAILED:
                    self.dropped[(api, verdict.column)] += 1
                    continue
                record = _record(api, verdict.column, verdict.side,
                                 f"{judged.recorded.file}#{judged.recorded.index}")
                record.outcome, record.failures = "failed", list(verdict.failures)
                kept.append(record)
            else:
                if verdict.outcome == "not-run":
                    self.not_checked[verdict.reason] += 1
                self.folded[(api, verdict.column, verdict.outcome, verdict.reason)] += 1

    @property
    def clean(self) -> bool:
        return not self.findings

    def records(self) -> list[CaseRecord]:
        out = [r for kept in self.failed.values() for r in kept]
        for (api, column), count in sorted(self.dropped.items()):
            record = _record(api, column, "", f"{count} more failing entries")
            record.outcome, record.error = "failed", (f"{count} more entries failed; only the "
                                                      f"first {KEEP_FAILED} are listed")
            out.append(record)
        for (api, column, outcome, reason), count in sorted(self.folded.items()):
            what = "entry" if count == 1 else "entries"
            record = _record(api, column, "", f"{count} {what}")
            record.outcome, record.reason = outcome, reason
            out.append(record)
        return out


def _record(api: str, column: str, side: str, test: str) -> CaseRecord:
    return CaseRecord((api,), column, FAMILY, side, test)


def write(tally: AuditTally, catalogue: Mapping[str, Any], directory: Path, *,
          target: str, strictness: str) -> list[Path]:
    """matrix.json / .md / .html / matrix-junit.xml, audit.json and allure-results/."""
    records = tally.records()
    judged = [n for n, spec in registered().items() if spec.scope == "response"]
    matrix = build_matrix(records, api_rows(catalogue), target=target, strictness=strictness,
                          evidence=evidence_table(catalogue, judged))
    written = write_all(matrix, directory)
    summary = directory / "audit.json"
    summary.write_text(json.dumps(scrub_data(_summary(tally, target)), indent=2,
                                  sort_keys=True) + "\n", encoding="utf-8")
    vendors = {api: vendor_of(c.family) for api, c in catalogue.items()}
    allure = _allure(records, vendors, directory / "allure-results")
    return [*written, summary, allure]


def _summary(tally: AuditTally, target: str) -> dict[str, Any]:
    return {"recordings": target, "entries": tally.entries,
            "findings": dict(sorted(tally.findings.items())),
            "not_checked": dict(sorted(tally.not_checked.items())),
            "verdict": "clean" if tally.clean else "findings"}


def _allure(records: Iterable[CaseRecord], vendors: Mapping[str, str], folder: Path) -> Path:
    """One allure result per kept case (the schema allure-pytest writes, labels as in a run)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*-result.json"):
        old.unlink()
    status = {"passed": "passed", "failed": "failed", "not-run": "skipped"}
    for record in records:
        meta = TestMeta(record.apis, record.check, record.family, record.case, record.test)
        message = "\n\n".join(
            "\n".join([f["title"], f"Received: {f['received']}",
                       f"Documented: {f['documented']}", f"Source: {f['source']}",
                       f"Entry: {f['repro']}"]) for f in record.failures) or record.reason \
            or record.error
        result = {
            "uuid": str(uuid.uuid4()), "name": f"{record.check} [{record.test}]",
            "fullName": f"audit.{record.apis[0]}.{record.check}.{record.test}",
            "status": status.get(record.outcome, "broken"),
            "statusDetails": {"message": scrub_secrets(message)},
            "labels": [{"name": n, "value": v} for n, v in labels(meta, vendors)],
            "start": 0, "stop": 0,
        }
        (folder / f"{result['uuid']}-result.json").write_text(
            json.dumps(result, indent=2, sort_keys=True), encoding="utf-8")
    return folder

