"""``pytest suites`` runs, timed from outside as a user runs them, each in its own process.

Every run is a subprocess with a timeout (its whole process group is killed on expiry, xdist
workers included), started outside the checkout so hypothesis' example database and pytest's
cache never land in the shared tree; the embedded mock picks a free loopback port itself.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITES = ROOT / "suites"
CHILD = Path(__file__).with_name("child.py")
FILES = ("test_examples.py", "test_positive.py", "test_negative.py", "test_schemathesis.py",
         "test_lifecycle.py", "test_auth.py")
FAMILIES = {
    "alibaba-rpc": ("hbr.CancelBackupJob", "dbs.StopBackupPlan", "hbr.DeleteBackupClientResource"),
    "huawei-rest": ("vbs.CancelBackupSharing", "gaussdbfornosql.DeleteBackup"),
}


@dataclass(frozen=True)
class SuiteRun:
    """One row of part (d): what pytest is given, with which environment changes, and why the
    row exists. No ``args``: not run (derived from d.ci's durations, or skipped by --quick)."""

    id: str
    label: str
    args: tuple[str, ...]
    note: str = ""
    env: tuple[tuple[str, str | None], ...] = ()  # None: unset the variable
    warm: bool = False  # one untimed run first (fills the cache the row measures)


@dataclass
class Timed:
    """One finished (or timed-out) run: wall seconds, exit code, peak RSS in MiB."""

    seconds: float
    exit: int | None
    peak_mib: float | None
    tail: str = ""
    durations: tuple[tuple[float, str], ...] = ()  # every test phase, slowest first


PLAIN = ("--assert=plain",)


def plan(quick: bool, primary: str, nightly_full: bool, pycache: Path) -> list[SuiteRun]:
    """The runs of part (d). ``quick`` narrows the runs to cheap subsets of ``primary`` and
    skips the variants (a smoke version); the nightly profile is always a sample unless
    ``nightly_full`` (each row's note says what it covers)."""
    ci = ("--hypothesis-profile", "ci")
    everything = (str(SUITES),)
    scope = "all five APIs"
    if quick:  # cheap suites of one API: what runs is the harness, not the conformance work
        everything = tuple(str(SUITES / f) for f in ("test_examples.py", "test_negative.py",
                                                      "test_positive.py"))
        ci = (*ci, "--api", primary)
        scope = f"QUICK: examples + negative + positive suites, --api {primary} only"
    skipped = "skipped by --quick"
    derived = "quick: no run of its own; in-run time from d.ci's --durations"
    cached_env = (("PYTHONDONTWRITEBYTECODE", None), ("PYTHONPYCACHEPREFIX", str(pycache)))
    runs = [
        SuiteRun("d.startup", "pytest start-up + collection (--collect-only), this environment",
                 (str(SUITES), "--collect-only", *ci),
                 "fixed cost of every run below (and of every xdist worker); "
                 f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"),
        SuiteRun("d.startup.plain", "start-up + collection with --assert=plain",
                 (str(SUITES), "--collect-only", *ci, *PLAIN),
                 "no assertion rewriting of the pytest11 plugins' packages"),
        SuiteRun("d.startup.cached", "start-up + collection, rewrite cache warm",
                 (str(SUITES), "--collect-only", *ci),
                 "PYTHONDONTWRITEBYTECODE unset, PYTHONPYCACHEPREFIX=<bench temp dir> "
                 "(an untimed run fills it; nothing written to the tree or the venv)",
                 env=cached_env, warm=True),
    ]
    for name in FILES:
        runs.append(SuiteRun(f"d.file.{name.removesuffix('.py')}", f"suites/{name}, ci",
                             () if quick else (str(SUITES / name), *ci),
                             derived if quick else scope))
    for family, apis in FAMILIES.items():
        runs.append(SuiteRun(f"d.family.{family}", f"all suites, {family} APIs, ci",
                             () if quick else
                             (str(SUITES), *ci, *[a for api in apis for a in ("--api", api)]),
                             derived if quick else ", ".join(apis)))
    xdist_scope = everything if not quick else (str(SUITES / "test_negative.py"),)
    xdist_note = scope if not quick else f"QUICK: test_negative.py, --api {primary} only"
    runs += [
        SuiteRun("d.ci", "all suites, ci profile (the issue's < 20 s goal)",
                 (*everything, *ci), scope),
        SuiteRun("d.ci.plain", "all suites, ci, --assert=plain",
                 () if quick else (*everything, *ci, *PLAIN), skipped if quick else scope),
        SuiteRun("d.ci.xdist1", "all suites, ci, pytest-xdist -n 1",
                 (*xdist_scope, *ci, "-n", "1"), xdist_note),
        SuiteRun("d.ci.xdist2", "all suites, ci, pytest-xdist -n 2",
                 (*xdist_scope, *ci, "-n", "2"), xdist_note),
        SuiteRun("d.ci.xdist2.plain", "all suites, ci, -n 2, --assert=plain",
                 () if quick else (*everything, *ci, "-n", "2", *PLAIN),
                 skipped if quick else scope),
    ]
    if nightly_full:
        runs.append(SuiteRun("d.nightly", "all suites, nightly profile (full)",
                             (*everything, "--hypothesis-profile", "nightly",
                              *(("--api", primary) if quick else ())), scope))
    else:
        sample = ((str(SUITES / "test_positive.py"),) if quick else
                  (str(SUITES / "test_positive.py"), str(SUITES / "test_schemathesis.py")))
        runs.append(SuiteRun(
            "d.nightly", "nightly profile, SAMPLED (see note)",
            (*sample, "--hypothesis-profile", "nightly", "--api", primary),
            f"sampled: {' + '.join(Path(f).stem for f in sample)}, --api {primary}; the "
            "lifecycle machines are left out (timed on their own in (f)); --nightly-full runs "
            "everything"))
    return runs


def run_pytest(args: tuple[str, ...], timeout: float, profile: Path | None = None,
               env_changes: tuple[tuple[str, str | None], ...] = ()) -> Timed:
    """``python -m pytest ARGS`` (through ``child.py`` for its peak RSS), timed wall-clock;
    every test's phases come from ``--durations=0``; ``profile`` gets a cProfile dump (slower:
    not for timed rows)."""
    with tempfile.TemporaryDirectory(prefix="bc-bench-") as tmp:
        peaks = Path(tmp) / "peaks.json"
        env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE"}
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(tmp) / "hypothesis")
        for name, value in env_changes:
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        extra = ["--profile", str(profile)] if profile else []
        command = [sys.executable, str(CHILD), "--rss-out", str(peaks), *extra, "--",
                   *args, "-q", "-p", "no:cacheprovider", "--durations=0",
                   "--durations-min=0"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=tmp, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own child's group: xdist workers too
            output, _ = process.communicate()
            return Timed(time.perf_counter() - started, None, None, _tail(output))
        seconds = time.perf_counter() - started
        peak = None
        if peaks.exists():
            data = json.loads(peaks.read_text())
            peak = max(data["rss_self_kib"], data["rss_children_kib"]) / 1024
        return Timed(seconds, process.returncode, peak, _tail(output), _durations(output))


def run_memory(api_id: str, cases: int, trace: bool, timeout: float) -> dict[str, object]:
    """One ``child.py --memory`` run in a fresh process; its JSON (or ``{"error"}``)."""
    with tempfile.TemporaryDirectory(prefix="bc-bench-") as tmp:
        peaks = Path(tmp) / "peaks.json"
        command = [sys.executable, str(CHILD), "--rss-out", str(peaks),
                   "--memory", api_id, str(cases), *(["--tracemalloc"] if trace else [])]
        try:
            done = subprocess.run(command, cwd=tmp, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:g}s"}
        if done.returncode != 0 or not peaks.exists():
            return {"error": _tail(done.stdout + done.stderr)}
        result: dict[str, object] = json.loads(peaks.read_text())
        return result


_DURATION = re.compile(r"^\s*([\d.]+)s\s+(call|setup|teardown)\s+(\S+)", re.MULTILINE)


def _durations(output: str) -> tuple[tuple[float, str], ...]:
    """``--durations`` lines as (seconds, "phase nodeid")."""
    return tuple((float(m[1]), f"{m[2]} {m[3]}") for m in _DURATION.finditer(output))


def _tail(output: str, lines: int = 3) -> str:
    return " | ".join(line.strip() for line in output.strip().splitlines()[-lines:])
