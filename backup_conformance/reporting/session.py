"""One session's reports, free of pytest: the plugin feeds each test's phases in and, at the
session's end, this writes the matrix, applies and updates the baseline and diffs against the
previous run's matrix. The plugin keeps only the pytest hooks that call these methods."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from backup_conformance.reporting import diff
from backup_conformance.reporting.baseline import Baseline, BaselineError, Entry, verdict_lines
from backup_conformance.reporting.collect import CaseRecord, Collector, TestMeta
from backup_conformance.reporting.matrix import build_matrix, load_json
from backup_conformance.reporting.summary import Progress, not_run_lines, table
from backup_conformance.reporting.write import write_all


class ReportOptionError(ValueError):
    """A report option that cannot be used (a broken baseline or previous matrix): one line."""


class RecentExchanges:
    """The last exchanges a test sent, for allure's request and response attachments: an
    observer of the run (``Run.on_exchange``), bounded so a long test holds a few only."""

    def __init__(self, keep: int) -> None:
        self._seen: deque[Any] = deque(maxlen=keep)

    def __call__(self, exchange: Any) -> None:
        self._seen.append(exchange)

    def clear(self) -> None:
        self._seen.clear()

    def taken(self) -> list[Any]:
        return list(self._seen)


class SessionReports:
    """Records in (one ``phase`` per pytest report), matrix, baseline verdict and diff out."""

    def __init__(self, *, baseline: Path | None = None, update_baseline: bool = False,
                 previous_matrix: Path | None = None, today: date | None = None) -> None:
        self.collector = Collector()
        self.today = today or date.today()
        self.update_baseline = update_baseline
        self.progress: Progress | None = None
        self.matrix: dict[str, Any] | None = None
        self.lines: list[tuple[str, bool]] = []  # (text, bad): baseline and diff news
        self.written: list[Path] = []
        if update_baseline and baseline is None:
            raise ReportOptionError("--update-baseline needs --baseline FILE (the file to write)")
        try:
            self.baseline = (Baseline.load(baseline, missing_ok=update_baseline)
                             if baseline is not None else None)
        except BaselineError as exc:
            raise ReportOptionError(str(exc)) from None
        self.previous: dict[str, Any] | None = None
        if previous_matrix is not None:
            try:
                self.previous = load_json(previous_matrix)
            except (OSError, ValueError) as exc:
                raise ReportOptionError(f"--previous-matrix {previous_matrix}: cannot use it "
                                        f"({str(exc).splitlines()[0]})") from None

    @property
    def records(self) -> list[CaseRecord]:
        return self.collector.records

    def plan(self, metas: Iterable[TestMeta]) -> None:
        """The tests collected: each API's progress line comes when its last one ends."""
        planned: Counter[str] = Counter()
        for meta in metas:
            planned.update(meta.apis)
        self.progress = Progress(planned)

    def expected(self, failures: Sequence[dict[str, str]], error: str,
                 meta: TestMeta) -> list[Entry]:
        """The baseline entries that cover this test's failures (none: they are news)."""
        if self.baseline is None:
            return []
        return self.baseline.covering(failures, error, meta.apis, meta.check, meta.test,
                                      self.today)

    def phase(self, nodeid: str, when: str, outcome: str, meta: TestMeta, **details: Any
              ) -> list[str]:
        """One phase's report (``Collector.phase``); the APIs whose last test just ended."""
        record = self.collector.phase(nodeid, when, outcome, meta, **details)
        if record is None or self.progress is None:
            return []
        return self.progress.finished(record)

    def finish(self, *, target: str, rows: Any, strictness: str,
               matrix_dir: Path | None, evidence: Any = None) -> None:
        """The session's end: matrix (and its files), baseline verdict and update, diff."""
        if not self.records:
            return
        records = self.records
        verdict = self.baseline.verdict(records, self.today) if self.baseline else None
        self.matrix = build_matrix(records, rows, target=target, strictness=strictness,
                                   baseline=verdict, evidence=evidence)
        if verdict is not None:
            self.lines += verdict_lines(verdict)
        if self.update_baseline and self.baseline is not None:
            path = self.baseline.path
            assert path is not None
            updated = self.baseline.updated(records, self.today)
            updated.write(path)
            self.lines.append((f"baseline {path} written: {len(updated.entries)} entr"
                               f"{'y' if len(updated.entries) == 1 else 'ies'}", False))
        if self.previous is not None:
            changes = diff.diff(self.previous, self.matrix)
            self.lines += list(diff.lines(changes))
            if matrix_dir is not None:
                path = Path(matrix_dir) / "matrix-diff.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(diff.render_md(changes, self.previous, self.matrix),
                                encoding="utf-8")
                self.written.append(path)
        if matrix_dir is not None:
            self.written = write_all(self.matrix, Path(matrix_dir)) + self.written

    def summary(self, api_ids: Sequence[str]) -> list[tuple[str, str]]:
        """The terminal's closing lines, each with its colour (``""``, ``red``, ``yellow``):
        the API x outcome table, then baseline and diff news, then the files written."""
        if not self.records:
            return []
        per_api = self.matrix["per_api"] if self.matrix is not None else None
        out = [("", "")] + [(line, "") for line in table(self.records, api_ids, per_api)]
        out += [(line, "yellow" if "other reasons" in line or line.startswith("  ") else "")
                for line in not_run_lines(self.records)]
        out += [(line, "red" if bad else "yellow") for line, bad in self.lines]
        return out + [(f"report: {path}", "") for path in self.written]
