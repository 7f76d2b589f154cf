"""Wall time of ``backup-conformance run --contracts DIR`` over the training corpus (issue 14:
a ``ci`` run over 30 operations stays under a minute on 2 cores).

Builds the corpus folders with ``tests/training_contracts.py`` (34 operations, one rendering
each; and the same with the five hand-tuned APIs beside them, 38), then times the whole
command as a user runs it (a fresh process, reports and allure results written), medians of
``--repeat`` runs. Writes ``bench/results/generic.md`` (or ``--out DIR``).

    python bench/generic_corpus.py [--repeat 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from training_contracts import build  # noqa: E402

TIMEOUT = 300


def _timed(folder: Path, reports: Path) -> tuple[float, int, dict[str, int]]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "backup_conformance.cli", "run",
                             "--contracts", str(folder), "--report-dir", str(reports), "-q"],
                            capture_output=True, text=True, timeout=TIMEOUT,
                            env={**os.environ, "HYPOTHESIS_PROFILE": "ci"}, cwd=reports)
    wall = time.monotonic() - started
    totals = json.loads((reports / "matrix.json").read_text())["totals"]
    return wall, result.returncode, totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    options = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, originals in (("training corpus", False), ("corpus + the five", True)):
            folder = Path(tmp) / label.replace(" ", "-")
            count = len(build(folder, "corpus", with_originals=originals))
            walls, codes, totals = [], set(), {}
            for rep in range(options.repeat):
                reports = Path(tmp) / f"reports-{label.replace(' ', '-')}-{rep}"
                reports.mkdir()
                wall, code, totals = _timed(folder, reports)
                walls.append(wall)
                codes.add(code)
            rows.append((label, count, statistics.median(walls), min(walls), max(walls),
                         sorted(codes), totals))
    load = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"# `run --contracts DIR` over the training corpus ({when})",
             "", f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, load average {load[0]:.1f} at the end, medians of "
             f"{options.repeat}, `ci` hypothesis profile, reports and allure results written.", "",
             "| contracts | operations | wall (median) | min-max | exit "
             "| tests passed / failed / not run |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    for label, count, median, low, high, codes, totals in rows:
        lines.append(f"| {label} | {count} | {median:.1f} s | {low:.1f}-{high:.1f} s | "
                     f"{', '.join(map(str, codes))} | {totals['passed']} / {totals['failed']} / "
                     f"{totals['not_run']} |")
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "generic.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(codes == [0] for *_, codes, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
