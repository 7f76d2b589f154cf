"""The terminal's view of a run: the API x outcome table at the end, and one line per API as
soon as its last test has finished (pytest's progress dots say nothing about which API broke).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from backup_conformance.reporting.collect import CaseRecord

COLUMNS = (("passed", "passed"), ("failed", "failed"), ("not_run", "not run"),
           ("expected", "expected"))
_KEY = {"passed": "passed", "failed": "failed", "not-run": "not_run",
        "expected-failure": "expected"}


def counts_by_api(records: Iterable[CaseRecord]) -> dict[str, Counter[str]]:
    """Outcomes per API; a test of several APIs (the interleaved lifecycles) counts for each."""
    found: dict[str, Counter[str]] = {}
    for record in records:
        for api in record.apis or ("(no API)",):
            found.setdefault(api, Counter())[_KEY[record.outcome]] += 1
    return found


def api_line(api: str, counts: Mapping[str, int]) -> str:
    parts = [f"{counts.get(key, 0)} {label}" for key, label in COLUMNS
             if counts.get(key, 0) or key in ("passed", "failed")]
    return f"{api}: " + ", ".join(parts)


def table(records: Sequence[CaseRecord], apis: Sequence[str],
          per_api: Mapping[str, Mapping[str, int]] | None = None) -> list[str]:
    """A fixed-width API x (passed, failed, not run, expected) table with a total row.

    Rows come from the matrix's ``per_api`` when given (a test of several APIs counts in each
    row as it went for that API); the total row counts tests, as pytest's last line does."""
    by_api = ({api: Counter(dict(counts)) for api, counts in per_api.items()}
              if per_api is not None else counts_by_api(records))
    names = list(apis) + sorted(set(by_api) - set(apis))
    width = max([len("API"), len("total (tests)"), *map(len, names)])
    header = f"{'API':<{width}}  " + "  ".join(f"{label:>8}" for _, label in COLUMNS)
    rows = [header, "-" * len(header)]
    total = Counter(_KEY[record.outcome] for record in records)
    for name in names:
        counts = by_api.get(name, Counter())
        rows.append(f"{name:<{width}}  " + "  ".join(f"{counts.get(key, 0):>8}"
                                                      for key, _ in COLUMNS))
    rows.append("-" * len(header))
    rows.append(f"{'total (tests)':<{width}}  " + "  ".join(f"{total.get(key, 0):>8}"
                                                     for key, _ in COLUMNS))
    return rows


ANOMALY = "doc anomaly "  # how cases/examples.py words a withholding


def not_run_lines(records: Sequence[CaseRecord]) -> list[str]:
    """Why each "not run" was not run, grouped: recorded doc anomalies (the page itself is at
    fault, so no check may judge it) apart from everything else (no credentials, no resources,
    a dry run), so a reader can tell a complete run from one that left suites out."""
    reasons = Counter(record.reason for record in records if record.outcome == "not-run")
    if not reasons:
        return []
    anomalies = sorted({r.removeprefix(ANOMALY).split(" ", 1)[0] for r in reasons
                        if r.startswith(ANOMALY)})
    withheld = sum(n for r, n in reasons.items() if r.startswith(ANOMALY))
    other = {r: n for r, n in reasons.items() if not r.startswith(ANOMALY)}
    lines = []
    if withheld:
        lines.append(f"not run: {withheld} withheld by recorded doc anomalies "
                     f"({', '.join(anomalies)}; see the contracts' ANOMALIES.md)")
    if other:
        lines.append(f"not run: {sum(other.values())} for other reasons:")
        lines += [f"  {n} x {reason}" for reason, n in sorted(other.items())]
    else:
        lines.append("not run: nothing else; every suite ran")
    return lines


class Progress:
    """Counts down each API's tests; says when an API's last one has finished."""

    def __init__(self, planned: Mapping[str, int]) -> None:
        self.left = dict(planned)
        self.counts: dict[str, Counter[str]] = {api: Counter() for api in planned}

    def finished(self, record: CaseRecord) -> list[str]:
        done = []
        for api in record.apis:
            if api not in self.left:
                continue
            self.counts[api][_KEY[record.outcome]] += 1
            self.left[api] -= 1
            if self.left[api] == 0:
                done.append(api_line(api, self.counts[api]))
        return done
