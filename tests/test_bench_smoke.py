"""Smoke test of the benchmark: ``python bench/run.py --quick`` runs end to end and writes the
table with every row. Speeds are never asserted: the machine is shared, so only the
benchmark's own same-run ratios mean anything, and they are its output, not a pass mark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from backup_conformance.contracts import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120

THROUGHPUT = ("a.raw", "a.raw_process", "a.mock_wsgi", "b.schemathesis",
              "b.schemathesis_generation", "c.ours", "c.ours_generated",
              "c.ours_generated_schemathesis")
RATIOS = ("c.ours/a.raw", "c.ours/b.schemathesis", "b.schemathesis/a.raw",
          "c.ours_generated/a.raw", "c.ours_generated/b.schemathesis",
          "c.ours_generated_schemathesis/b.schemathesis",
          "c.ours_generated/c.ours_generated_schemathesis")
#: Our pipelines count the checks they run per case (the bench prints it beside cases/s).
COUNTED = ("c.ours", "c.ours_generated", "c.ours_generated_schemathesis")
LIFECYCLE = ("f.one-rule", "f.two-rule", "f.one-rule/two-rule")
SUITES = ("d.startup", "d.startup.plain", "d.startup.cached",
          *(f"d.file.test_{name}" for name in ("examples", "positive", "negative",
                                               "schemathesis", "lifecycle", "auth")),
          "d.family.alibaba-rpc", "d.family.huawei-rest", "d.ci", "d.ci.plain",
          "d.ci.xdist1", "d.ci.xdist2", "d.ci.xdist2.plain", "d.nightly")
#: Rows a quick run measures (the others are derived or marked "skipped by --quick").
MEASURED_IN_QUICK = ("d.startup", "d.startup.plain", "d.startup.cached", "d.ci",
                     "d.ci.xdist1", "d.ci.xdist2", "d.nightly")


def test_quick_benchmark_writes_every_row(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick",
                           "--out", str(tmp_path)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    report = json.loads((tmp_path / "latest.json").read_text())
    table = (tmp_path / "latest.md").read_text()
    assert report["meta"]["quick"] is True and report["meta"]["nproc"] >= 1
    assert report["errors"] == []

    rows = {row["id"]: row for row in report["throughput"]}
    assert set(rows) == set(THROUGHPUT)
    for row_id in THROUGHPUT:
        assert rows[row_id]["median"] is not None and rows[row_id]["cases"], row_id
        assert f"| {row_id} |" in table
    for row_id in COUNTED:
        assert rows[row_id]["checks_per_case"] > 0, row_id
    assert {r["id"] for r in report["ratios"]} == set(RATIOS)
    for ratio in RATIOS:
        assert f"| {ratio} |" in table

    assert [r["api"] for r in report["per_api"]] == list(load_catalogue())
    for row in report["per_api"]:
        assert f"| {row['api']} |" in table

    suites = {row["id"]: row for row in report["suites"]}
    assert set(suites) == set(SUITES)
    for row_id in SUITES:
        assert f"| {row_id} |" in table
    for row_id in MEASURED_IN_QUICK:
        assert suites[row_id]["median"] is not None, row_id
        assert suites[row_id]["exits"] in ([0], [1]), row_id  # measured: a verdict, not a crash

    assert len(report["memory"]) == 3
    for row in report["memory"]:
        assert "error" not in row and row["rss_peak_kib"] > 0
        assert f"| {row['id']} |" in table

    lifecycle = {row["id"]: row for row in report["lifecycle"]}
    assert set(lifecycle) == set(LIFECYCLE)
    for row_id in LIFECYCLE:
        assert lifecycle[row_id]["median"] is not None and f"| {row_id} |" in table
    assert all(c > 0 for c in lifecycle["f.one-rule"]["calls"])

    assert len(report["goals"]) == 12
    assert len(report["profile"]["summary"]) == 5
    assert len(report["profile"]["deep_summary"]) == 3  # both drawings, the lifecycle machine
    assert "cumulative" in (tmp_path / "profile.txt").read_text()
