"""The benchmark of backup-conformance, in one command (see bench/README.md):

    python bench/run.py [--quick] [--repeat N] [--api ID] [--out DIR] [--nightly-full]

Measures, side by side and in one run: (a) raw loopback requests/s to the reference mock,
(b) a plain schemathesis run over the same operation and mock, (c) our pipeline's generated
positive + negative cases/s and its ratios to (a) and (b), also per API; (d) ``pytest suites``
wall times per suite file, per vendor family, in full (ci), with pytest-xdist at 1 and 2
workers, and the nightly profile (sampled unless --nightly-full); (e) peak memory as case
counts grow; and a cProfile of our per-case cost. Each measurement is repeated and reported as
a median; ratios are taken within one repetition (same load) and their median reported,
because the machine is shared. Writes ``latest.md``, ``latest.json`` and ``profile.txt`` to
``--out`` (default ``bench/results``). Exit 0 when every measurement ran (whatever the speeds),
1 when one failed or timed out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import profiling  # noqa: E402
import profiling_deep  # noqa: E402
import stateful  # noqa: E402
from pipelines import DEFAULT_API, PIPELINES, Bench, Measure  # noqa: E402

import suites  # noqa: E402
from backup_conformance.contracts import load_catalogue  # noqa: E402


@dataclass(frozen=True)
class Sizes:
    """How much each part measures: cases per timed loop, memory counts, timeouts."""

    raw: int
    cases: int
    per_api_raw: int
    per_api: int
    memory: tuple[int, ...]
    profile: int
    pytest_timeout: float
    memory_timeout: float


FULL = Sizes(raw=2000, cases=400, per_api_raw=300, per_api=100, memory=(400, 1600, 6400),
             profile=400, pytest_timeout=900, memory_timeout=600)
QUICK = Sizes(raw=100, cases=30, per_api_raw=20, per_api=6, memory=(30, 60, 120),
              profile=40, pytest_timeout=90, memory_timeout=90)

#: Part (a)-(c) rows: id, label, pipeline, size attribute, unit.
THROUGHPUT = (
    ("a.raw", "raw loopback: requests.Session, valid calls, embedded mock (in-process thread)",
     "raw", "raw", "req/s"),
    ("a.raw_process", "raw loopback, the mock in its own process (no shared GIL)",
     "raw_process", "raw", "req/s"),
    ("a.mock_wsgi", "the mock's WSGI app alone, no HTTP (werkzeug test client)",
     "mock_wsgi", "raw", "req/s"),
    ("b.schemathesis", "plain schemathesis: from_dict + case.call + validate_response, "
     "positive + negative", "schemathesis", "cases", "cases/s"),
    ("b.schemathesis_generation", "schemathesis generation alone (no HTTP, no checks)",
     "schemathesis_generation", "cases", "cases/s"),
    ("c.ours", "ours: cases.positive + cases.negative, Run.send, Run.judge (test_positive "
     "+ test_negative's path)", "ours", "cases", "cases/s"),
    ("c.ours_generated", "ours: test_schemathesis's path, cases drawn by cases.drawing "
     "through cases.generated + our checks + schemathesis' not_a_server_error",
     "ours_generated", "cases", "cases/s"),
    ("c.ours_generated_schemathesis", "the same path, cases drawn by schemathesis' "
     "as_strategy (its sample test; every case before issue 17)",
     "ours_generated_schemathesis", "cases", "cases/s"),
)
RATIOS = (("c.ours", "a.raw"), ("c.ours", "b.schemathesis"), ("b.schemathesis", "a.raw"),
          ("c.ours_generated", "a.raw"), ("c.ours_generated", "b.schemathesis"),
          ("c.ours_generated_schemathesis", "b.schemathesis"),
          ("c.ours_generated", "c.ours_generated_schemathesis"))
PER_API = ("raw", "schemathesis", "ours", "ours_generated", "ours_generated_schemathesis")
#: (f): the hypothesis profile the lifecycle machines are timed at.
LIFECYCLE_PROFILE = {True: "ci", False: "nightly"}


@dataclass
class Report:
    """Everything measured, as written to ``latest.json``."""

    meta: dict[str, Any]
    throughput: list[dict[str, Any]] = field(default_factory=list)
    ratios: list[dict[str, Any]] = field(default_factory=list)
    per_api: list[dict[str, Any]] = field(default_factory=list)
    suites: list[dict[str, Any]] = field(default_factory=list)
    memory: list[dict[str, Any]] = field(default_factory=list)
    lifecycle: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    goals: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke version: small counts, suites narrowed to one API")
    parser.add_argument("--repeat", type=int, default=None,
                        help="repetitions per measurement (default 3, quick 1)")
    parser.add_argument("--api", default=DEFAULT_API, choices=list(load_catalogue()),
                        help=f"the operation of parts (a)-(c), (e) (default {DEFAULT_API})")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--nightly-full", action="store_true",
                        help="run the whole nightly profile instead of a sample (~20 min)")
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL
    repeat = max(1, options.repeat or (1 if options.quick else 3))
    report = Report(meta=_machine(options, repeat))
    started = time.perf_counter()

    _log(f"(a)-(c) throughput, {options.api}, {repeat}x")
    _throughput(report, options.api, sizes, repeat)
    _log("(a)-(c) per API")
    _per_api(report, sizes, repeat)
    _log(f"(f) lifecycle machines, {LIFECYCLE_PROFILE[options.quick]} profile, {repeat}x")
    _lifecycle(report, options.quick, repeat)
    _log("profile of our pipeline")
    profile_text = _profile(report, options.api, sizes)
    _log(f"(d) pytest suites, {repeat}x")
    suite_profile = _suites(report, options, sizes, repeat)
    _log("(e) memory")
    _memory(report, options.api, sizes)
    _goals(report)

    report.meta["bench_seconds"] = round(time.perf_counter() - started, 1)
    report.meta["load_average_end"] = _load()
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "latest.json").write_text(json.dumps(report.__dict__, indent=2) + "\n")
    (options.out / "latest.md").write_text(render(report))
    (options.out / "profile.txt").write_text(profile_text + "\n\n" + suite_profile)
    _log(f"wrote {options.out}/latest.md, latest.json, profile.txt "
         f"in {report.meta['bench_seconds']} s")
    print(render(report))
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if report.errors else 0


# --- (a)-(c) ------------------------------------------------------------------------------


def _throughput(report: Report, api_id: str, sizes: Sizes, repeat: int) -> None:
    """Every pipeline once per repetition, in a rotated order so none always runs first
    (or last) under the same load; ratios within a repetition."""
    per_rep: list[dict[str, Measure]] = []
    with Bench(api_id) as bench:
        for name in PIPELINES:  # warm-up: imports, first connections, schema loading
            PIPELINES[name](bench, 10)
        for rep in range(repeat):
            order = THROUGHPUT[rep % len(THROUGHPUT):] + THROUGHPUT[:rep % len(THROUGHPUT)]
            done = {}
            for row_id, _label, pipeline, size, _unit in order:
                done[row_id] = _safe(report, row_id, lambda p=pipeline, s=size:
                                     PIPELINES[p](bench, getattr(sizes, s)))
            per_rep.append(done)
    for row_id, label, _pipeline, size, unit in THROUGHPUT:
        measures = [rep[row_id] for rep in per_rep if rep.get(row_id) is not None]
        report.throughput.append(_row(row_id, label, unit, measures, getattr(sizes, size),
                                      api_id))
    for top, bottom in RATIOS:
        values = [rep[top].rate / rep[bottom].rate for rep in per_rep
                  if rep.get(top) and rep.get(bottom) and rep[bottom].rate]
        report.ratios.append({"id": f"{top}/{bottom}", "values": _round(values),
                              "median": _median(values)})


def _per_api(report: Report, sizes: Sizes, repeat: int) -> None:
    for api_id in load_catalogue():
        runs: dict[str, list[Measure]] = {name: [] for name in PER_API}
        ratios: dict[str, list[float]] = {"ours/raw": [], "ours/schemathesis": [],
                                          "ours_generated/schemathesis": []}
        with Bench(api_id) as bench:
            for name in PER_API:
                PIPELINES[name](bench, 4)
            for _ in range(repeat):
                done = {}
                for name in PER_API:
                    n = sizes.per_api_raw if name == "raw" else sizes.per_api
                    done[name] = _safe(report, f"per_api.{api_id}.{name}",
                                       lambda name=name, n=n: PIPELINES[name](bench, n))
                    if done[name] is not None:
                        runs[name].append(done[name])
                if done["ours"] and done["raw"] and done["schemathesis"]:
                    ratios["ours/raw"].append(done["ours"].rate / done["raw"].rate)
                    ratios["ours/schemathesis"].append(done["ours"].rate
                                                       / done["schemathesis"].rate)
                if done["ours_generated"] and done["schemathesis"]:
                    ratios["ours_generated/schemathesis"].append(
                        done["ours_generated"].rate / done["schemathesis"].rate)
        report.per_api.append({
            "id": f"per_api.{api_id}", "api": api_id,
            **{name: {"median": _median([m.rate for m in ms]),
                      "cases": [m.cases for m in ms], "failures": [m.failures for m in ms],
                      "checks_per_case": _median([m.checks_per_case for m in ms
                                                  if m.checks_per_case is not None])}
               for name, ms in runs.items()},
            **{key: _median(values) for key, values in ratios.items()},
        })


def _row(row_id: str, label: str, unit: str, measures: list[Measure], asked: int,
         api_id: str) -> dict[str, Any]:
    return {"id": row_id, "label": label, "unit": unit, "api": api_id, "asked": asked,
            "median": _median([m.rate for m in measures]),
            "values": _round([m.rate for m in measures]),
            "cases": [m.cases for m in measures], "failures": [m.failures for m in measures],
            "checks_per_case": _median([m.checks_per_case for m in measures
                                        if m.checks_per_case is not None]),
            "note": "; ".join(sorted({m.note for m in measures if m.note}))}


# --- (f) -------------------------------------------------------------------------------------


def _lifecycle(report: Report, quick: bool, repeat: int) -> None:
    """Each machine of ``stateful.MACHINES`` ``repeat`` times, alternating which runs first;
    the time ratio within each repetition."""
    profile = LIFECYCLE_PROFILE[quick]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in stateful.MACHINES}
    ratios: list[float] = []
    for rep in range(repeat):
        names = list(stateful.MACHINES)[::1 if rep % 2 == 0 else -1]
        done: dict[str, dict[str, Any]] = {}
        for name in names:
            try:
                done[name] = stateful.time_machine(stateful.MACHINES[name], profile)
            except Exception as exc:
                report.errors.append(f"lifecycle {name}: {type(exc).__name__}: {exc}")
                continue
            runs[name].append(done[name])
        if len(done) == len(stateful.MACHINES):
            after, before = (done[name]["seconds"] for name in stateful.MACHINES)
            ratios.append(after / before)
    for name, measured in runs.items():
        seconds = [m["seconds"] for m in measured]
        report.lifecycle.append({
            "id": f"f.{name.split()[0]}", "machine": name, "profile": profile,
            "test": f"test_second_cancel_or_delete_is_refused[{stateful.API}]",
            "median": _median(seconds), "values": _round(seconds),
            "calls": [m["calls"] for m in measured], "runs": [m["runs"] for m in measured],
            "examples": measured[0]["examples"] if measured else None,
            "calls_per_second": _median([m["calls"] / m["seconds"] for m in measured])})
    report.lifecycle.append({"id": "f.one-rule/two-rule", "median": _median(ratios),
                             "values": _round(ratios)})


# --- profile --------------------------------------------------------------------------------


def _profile(report: Report, api_id: str, sizes: Sizes) -> str:
    try:
        text, summary, buckets = profiling.profile_ours(api_id, sizes.profile)
    except Exception as exc:
        report.errors.append(f"profile: {type(exc).__name__}: {exc}")
        return f"profile failed: {exc}"
    report.profile = {"api": api_id, "cases": sizes.profile, "summary": summary,
                      "ms_per_case": {k: round(v, 3) for k, v in buckets.items()}}
    try:
        generated, generated_summary = profiling_deep.profile_generated(api_id, sizes.profile)
        lifecycle, lifecycle_summary = profiling_deep.profile_lifecycle(
            LIFECYCLE_PROFILE[sizes is QUICK])
    except Exception as exc:
        report.errors.append(f"profile (issue 17 paths): {type(exc).__name__}: {exc}")
        return text
    report.profile["deep_summary"] = generated_summary + lifecycle_summary
    return "\n\n".join((text, generated, lifecycle))


# --- (d) ------------------------------------------------------------------------------------


def _suites(report: Report, options: argparse.Namespace, sizes: Sizes, repeat: int) -> str:
    """Each run of ``suites.plan`` ``repeat`` times (rotated order); per-file and per-family
    in-run times from the ci run's ``--durations``; one extra, untimed, profiled ci run."""
    pycache = Path(tempfile.mkdtemp(prefix="bc-bench-pycache-"))
    try:
        return _suites_in(report, options, sizes, repeat, pycache)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)


def _suites_in(report: Report, options: argparse.Namespace, sizes: Sizes, repeat: int,
               pycache: Path) -> str:
    plan = suites.plan(options.quick, options.api, options.nightly_full, pycache)
    timed: dict[str, list[suites.Timed]] = {run.id: [] for run in plan}
    for run in plan:
        if run.warm and run.args:
            suites.run_pytest(run.args, sizes.pytest_timeout, env_changes=run.env)
    for rep in range(repeat):
        order = plan[rep % len(plan):] + plan[:rep % len(plan)]
        for run in order:
            if not run.args:
                continue
            if run.id == "d.nightly" and rep and not options.quick:
                continue  # the nightly sample once: it alone would double the bench's time
            timeout = sizes.pytest_timeout * (4 if run.id == "d.nightly" else 1)
            _log(f"  {run.id}")
            result = suites.run_pytest(run.args, timeout, env_changes=run.env)
            timed[run.id].append(result)
            if result.exit not in (0, 1):
                state = "timed out" if result.exit is None else f"exit {result.exit}"
                report.errors.append(f"{run.id}: pytest {state}: {result.tail}")
    in_run = _in_run_times(timed.get("d.ci", []))
    for run in plan:
        results = timed[run.id]
        seconds = [r.seconds for r in results if r.exit is not None]
        row: dict[str, Any] = {
            "id": run.id, "label": run.label, "args": list(run.args), "note": run.note,
            "median": _median(seconds), "values": _round(seconds),
            "exits": [r.exit for r in results],
            "peak_rss_mib": max((r.peak_mib for r in results if r.peak_mib), default=None),
            "slowest": [list(s) for s in results[0].durations[:5]] if results else [],
        }
        key = run.id.removeprefix("d.file.").removeprefix("d.family.")
        if key in in_run:
            row["in_run_median"] = _median(in_run[key])
        report.suites.append(row)
    if options.quick:
        return "(suite profile: not taken with --quick)"
    ci = next(run for run in plan if run.id == "d.ci")
    if not ci.args:
        return "(suite profile: d.ci did not run)"
    dump = options.out / "ci-profile.pstats"
    options.out.mkdir(parents=True, exist_ok=True)
    _log("  d.ci under cProfile (untimed)")
    result = suites.run_pytest(ci.args, sizes.pytest_timeout * 2, profile=dump)
    if not dump.exists():
        return f"(suite profile failed: {result.tail})"
    text = profiling.suite_profile_text(str(dump), result.seconds)
    dump.unlink()
    return "=== pytest suites, ci profile, under cProfile (main thread) ===\n" + text


def _in_run_times(results: list[suites.Timed]) -> dict[str, list[float]]:
    """Per suite file and per family: the summed test durations inside each ci run (no
    start-up), from ``--durations=0``."""
    sums: dict[str, list[float]] = {}
    for result in results:
        totals: dict[str, float] = {}
        for seconds, what in result.durations:
            nodeid = what.split(" ", 1)[1]
            name = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
            totals[name] = totals.get(name, 0.0) + seconds
            for family, apis in suites.FAMILIES.items():
                if any(api in nodeid for api in apis):
                    totals[family] = totals.get(family, 0.0) + seconds
        for key, value in totals.items():
            sums.setdefault(key, []).append(value)
    return sums


# --- (e) ------------------------------------------------------------------------------------


def _memory(report: Report, api_id: str, sizes: Sizes) -> None:
    for count in sizes.memory:
        _log(f"  {count} cases")
        result = suites.run_memory(api_id, count, True, sizes.memory_timeout)
        if "error" in result:
            report.errors.append(f"memory {count}: {result['error']}")
        report.memory.append({"id": f"e.{count}", "cases_asked": count, **result})


# --- goals ------------------------------------------------------------------------------------


def _goals(report: Report) -> None:
    """The issue's goals, each with its target and what this run measured."""
    ratios = {r["id"]: r["median"] for r in report.ratios}
    rates = {r["id"]: r["median"] for r in report.throughput}
    plain = next((r for r in report.suites if r["id"] == "d.ci.plain"), None)
    ci = next((r for r in report.suites if r["id"] == "d.ci"), None)
    quick = report.meta["quick"]
    checks: dict[str, float | None] = {r["id"]: r.get("checks_per_case")
                                       for r in report.throughput}
    ours_checks, their_checks = (checks.get("c.ours_generated"),
                                 checks.get("c.ours_generated_schemathesis"))
    checks_ratio = ours_checks / their_checks if ours_checks and their_checks else None
    lifecycle = next((r["median"] for r in report.lifecycle
                      if r["id"] == "f.one-rule/two-rule"), None)
    memory = [m for m in report.memory if "rss_peak_kib" in m]
    growth = heap_growth = peak_ratio = None
    if len(memory) >= 2:
        first, last = memory[0], memory[-1]
        extra_cases = max(last["cases"] - first["cases"], 1)
        growth = ((last["rss_after_kib"] - last["rss_before_kib"])
                  - (first["rss_after_kib"] - first["rss_before_kib"])) / extra_cases
        if last.get("hypothesis_peak_bytes"):
            peak_ratio = last["traced_peak_bytes"] / last["hypothesis_peak_bytes"]
        if last.get("traced_current_bytes") is not None:
            heap_growth = ((last["traced_current_bytes"] - first["traced_current_bytes"])
                           / 1024 / extra_cases)
    report.goals = [
        _goal("ours >= 3x plain schemathesis (cases/s)", ">= 3.0",
              ratios.get("c.ours/b.schemathesis"), lambda v: v >= 3.0, "x", quick=quick),
        _goal("ours >= half the raw loopback rate", ">= 0.5",
              ratios.get("c.ours/a.raw"), lambda v: v >= 0.5, "x", quick=quick),
        _goal("ours >= 480 cases/s (3x the issue's quoted 160 cases/s schemathesis figure)",
              ">= 480", rates.get("c.ours"), lambda v: v >= 480, " cases/s",
              f"this run measured plain schemathesis at {_fmt(rates.get('b.schemathesis'))} "
              "cases/s", quick=quick),
        _goal("ours >= 435 cases/s (half the issue's quoted 870 req/s loopback figure)",
              ">= 435", rates.get("c.ours"), lambda v: v >= 435, " cases/s",
              f"this run measured raw loopback at {_fmt(rates.get('a.raw'))} req/s",
              quick=quick),
        _goal("full ci run of every suite, all five APIs, < 20 s wall", "< 20 s",
              None if quick or ci is None else ci["median"], lambda v: v < 20, " s",
              "not measured with --quick (suites narrowed to one API)" if quick else
              f"with --assert=plain: {_fmt(plain and plain['median'], 1)} s"),
        _goal("test_schemathesis's path >= 2x plain schemathesis (cases/s)", ">= 2.0",
              ratios.get("c.ours_generated/b.schemathesis"), lambda v: v >= 2.0, "x",
              "the same operation and mix; schemathesis-drawn: "
              f"{_fmt(ratios.get('c.ours_generated_schemathesis/b.schemathesis'), 2)}x",
              quick=quick),
        _goal("ours >= half the raw loopback rate on every API (lowest per-API median)",
              ">= 0.5", min((r["ours/raw"] for r in report.per_api
                             if r.get("ours/raw") is not None), default=None),
              lambda v: v >= 0.5, "x", quick=quick),
        _goal("checks per case not fewer (test_schemathesis's path, ours-drawn vs "
              "schemathesis-drawn)", ">= 1.0", checks_ratio, lambda v: v >= 1.0, "x",
              f"{_fmt(checks.get('c.ours_generated'), 1)} vs "
              f"{_fmt(checks.get('c.ours_generated_schemathesis'), 1)} check runs per case",
              quick=quick),
        _goal("lifecycle machine (nightly), same depth: one-rule / two-rule time", "<= 0.33",
              lifecycle, lambda v: v <= 1 / 3, "x",
              "HTTP-bound: see README (Performance) for why a third is out of reach",
              quick=quick),
        _goal("mutation self-test kill rate unchanged", "unchanged", None, None, "",
              "not measured here: tests/test_mutations.py"),
        _goal("memory flat as case counts grow (Python heap still held, per extra case)",
              "< 0.5 KiB/case", heap_growth, lambda v: v < 0.5, " KiB/case",
              "" if growth is None else f"resident set grows {growth:.2f} KiB/case: the "
              "peak of one long property run, which hypothesis itself sets (see (e))",
              quick=quick),
        _goal("peak within one property run: ours over hypothesis alone (same examples)",
              "<= 1.5", peak_ratio, lambda v: v <= 1.5, "x",
              "tracemalloc peaks of the largest count", quick=quick),
    ]


def _goal(name: str, target: str, value: float | None, met: Callable[[float], bool] | None,
          unit: str, note: str = "", quick: bool = False) -> dict[str, Any]:
    """One goal; a ``--quick`` run measures too little to give a verdict."""
    verdict = None if value is None or met is None or quick else bool(met(value))
    if quick and value is not None:
        note = "; ".join(filter(None, [note, "quick run: tiny counts, no verdict"]))
    return {"goal": name, "target": target,
            "measured": None if value is None else round(value, 2), "unit": unit,
            "met": verdict, "note": note}


# --- rendering --------------------------------------------------------------------------------


def render(report: Report) -> str:
    """The Markdown table the README quotes."""
    meta = report.meta
    lines = [
        "# backup-conformance benchmark",
        "",
        f"{meta['date']} · {meta['cpu']} · nproc {meta['nproc']} · Python {meta['python']} · "
        f"load average at start {meta['load_average_start']}, at end "
        f"{meta.get('load_average_end', '?')} · {'QUICK smoke run' if meta['quick'] else 'full'}"
        f", medians of {meta['repeat']} run(s) · bench took {meta.get('bench_seconds', '?')} s",
        "",
        f"## (a)-(c) Throughput: `{meta['api']}`, the embedded reference mock",
        "",
        "| id | what | median | unit | runs | cases/run | checks/case | note |",
        "| --- | --- | ---: | --- | --- | ---: | ---: | --- |",
    ]
    for row in report.throughput:
        failures = sum(row["failures"])
        note = row["note"] or (f"{failures} verdict failures (schemathesis' own checks)"
                               if failures and row["id"] == "b.schemathesis" else
                               f"{failures} failures" if failures else "")
        lines.append(f"| {row['id']} | {row['label']} | {_fmt(row['median'])} | {row['unit']} "
                     f"| {_values(row['values'])} | {_cases(row['cases'])} | "
                     f"{_fmt(row.get('checks_per_case'), 1)} | {note} |")
    lines += ["", "| ratio (median of per-run ratios) | median | runs |", "| --- | ---: | --- |"]
    for ratio in report.ratios:
        lines.append(f"| {ratio['id']} | {_fmt(ratio['median'], 2)} | "
                     f"{_values(ratio['values'], 2)} |")
    lines += ["", "## (a)-(c) Per API (medians, cases/s; raw in req/s)", "",
              "| API | raw | schemathesis | ours | test_schemathesis path | same, "
              "schemathesis-drawn | ours/raw | ours/schemathesis | test_schemathesis path/"
              "schemathesis | checks/case (ours, path, schemathesis-drawn) | cases "
              "(schemathesis, ours, path, schemathesis-drawn) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    drawn = ("ours", "ours_generated", "ours_generated_schemathesis")
    for row in report.per_api:
        cases = ", ".join(_cases(row[k]["cases"]) for k in ("schemathesis", *drawn))
        checks = ", ".join(_fmt(row[k].get("checks_per_case"), 1) for k in drawn)
        lines.append(f"| {row['api']} | {_fmt(row['raw']['median'])} | "
                     f"{_fmt(row['schemathesis']['median'])} | {_fmt(row['ours']['median'])} | "
                     f"{_fmt(row['ours_generated']['median'])} | "
                     f"{_fmt(row['ours_generated_schemathesis']['median'])} | "
                     f"{_fmt(row['ours/raw'], 2)} | {_fmt(row['ours/schemathesis'], 2)} | "
                     f"{_fmt(row['ours_generated/schemathesis'], 2)} | {checks} | {cases} |")
    if report.lifecycle:
        lines += ["", "## (f) Lifecycle machine: "
                  f"`{report.lifecycle[0].get('test', '')}`, "
                  f"{report.lifecycle[0].get('profile', '')} profile, embedded mock", "",
                  "| id | machine | median s | runs s | HTTP calls | machine runs (examples "
                  "asked) | HTTP calls/s |", "| --- | --- | ---: | --- | --- | --- | ---: |"]
        for row in report.lifecycle:
            if "machine" not in row:
                lines.append(f"| {row['id']} | time ratio (median of per-run ratios) | "
                             f"{_fmt(row['median'], 2)} | {_values(row['values'], 2)} | | | |")
                continue
            lines.append(f"| {row['id']} | {row['machine']} | {_fmt(row['median'], 1)} | "
                         f"{_values(row['values'], 1)} | {_cases(row['calls'])} | "
                         f"{_cases(row['runs'])} ({row['examples']}) | "
                         f"{_fmt(row['calls_per_second'])} |")
    lines += ["", "## (d) `pytest suites` (wall time, each run a fresh process)", "",
              "| id | run | median s | runs s | in-run s | peak RSS MiB | exit | note |",
              "| --- | --- | ---: | --- | ---: | ---: | --- | --- |"]
    for row in report.suites:
        lines.append(f"| {row['id']} | {row['label']} | {_fmt(row['median'], 1)} | "
                     f"{_values(row['values'], 1)} | {_fmt(row.get('in_run_median'), 1)} | "
                     f"{_fmt(row['peak_rss_mib'])} | {','.join(map(str, row['exits']))} | "
                     f"{row['note']} |")
    ci = next((r for r in report.suites if r["id"] == "d.ci"), None)
    if ci and ci["slowest"]:
        lines += ["", "Slowest tests of d.ci (first run): " + "; ".join(
            f"{s:.2f} s {what}" for s, what in ci["slowest"])]
    lines += ["", f"## (e) Memory: our pipeline (`{meta['api']}`), a fresh process per count",
              "", "| id | cases | peak RSS MiB | RSS growth during the run MiB | "
              "tracemalloc peak MiB (2nd run) | hypothesis alone: tracemalloc peak MiB | "
              "Python heap still held at end MiB | live ledger records | cases/s (untraced) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in report.memory:
        if "error" in row:
            lines.append(f"| {row['id']} | {row['cases_asked']} | error: {row['error']} "
                         "| | | | | | |")
            continue
        lines.append(
            f"| {row['id']} | {row['cases']} | {row['rss_peak_kib'] / 1024:.1f} | "
            f"{(row['rss_after_kib'] - row['rss_before_kib']) / 1024:.1f} | "
            f"{row.get('traced_peak_bytes', 0) / 2**20:.1f} | "
            f"{row.get('hypothesis_peak_bytes', 0) / 2**20:.1f} | "
            f"{row.get('traced_current_bytes', 0) / 2**20:.1f} | {row['ledger_records']} | "
            f"{row['cases'] / row['seconds']:.0f} |")
    last = next((r for r in reversed(report.memory) if r.get("traced_top")), None)
    if last:
        held = "; ".join(f"{name} {size / 2**20:.2f} MiB" for name, size in last["traced_top"])
        lines += ["", f"Still held after {last['cases']} cases, by file (tracemalloc): {held}"]
    if report.profile:
        lines += ["", f"## Profile: our pipeline, {report.profile['cases']} cases "
                  "(bench/results/profile.txt)", ""]
        lines += [f"- {line}" for line in report.profile["summary"]]
        lines += [f"- {line}" for line in report.profile.get("deep_summary", [])]
    lines += ["", "## Goals of the issue", "", "| goal | target | measured | met | note |",
              "| --- | --- | ---: | --- | --- |"]
    for goal in report.goals:
        measured = "n/a" if goal["measured"] is None else f"{goal['measured']}{goal['unit']}"
        met = {True: "yes", False: "**no**", None: "n/a"}[goal["met"]]
        lines.append(f"| {goal['goal']} | {goal['target']} | {measured} | {met} | "
                     f"{goal['note']} |")
    if report.errors:
        lines += ["", "## Errors", ""] + [f"- {e}" for e in report.errors]
    return "\n".join(lines) + "\n"


# --- helpers ----------------------------------------------------------------------------------


def _safe(report: Report, what: str, measure: Callable[[], Measure]) -> Measure | None:
    """One measurement; an exception is recorded as an error of the run, not raised."""
    try:
        return measure()
    except Exception as exc:
        report.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        return None


def _machine(options: argparse.Namespace, repeat: int) -> dict[str, Any]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import hypothesis
    import requests
    import schemathesis
    import werkzeug

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
        "python": platform.python_version(), "platform": platform.platform(),
        "quick": options.quick, "repeat": repeat, "api": options.api,
        "load_average_start": _load(),
        "versions": {"schemathesis": _version("schemathesis", schemathesis),
                     "hypothesis": hypothesis.__version__, "requests": requests.__version__,
                     "werkzeug": _version("werkzeug", werkzeug)},
    }


def _version(name: str, module: Any) -> str:
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:
        return str(getattr(module, "__version__", "?"))


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _round(values: list[float]) -> list[float]:
    return [round(v, 3) for v in values]


def _fmt(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _values(values: list[float], digits: int = 0) -> str:
    return " / ".join(f"{v:.{digits}f}" for v in values) or "n/a"


def _cases(cases: list[int]) -> str:
    return "/".join(str(c) for c in sorted(set(cases))) or "n/a"


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
