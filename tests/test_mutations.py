"""Mutation self-test of the suites: a check that can never fail is useless, and a check that
fails a conforming implementation is a false positive. So the suites are run (as a user runs
them, in a subprocess) against every mutant of ``backup_conformance/mock/mutations.json`` and
must fail with the mutant's check; and against the reference mock and the deliberately
different but conforming ``relaxed`` variant, and must pass.

Each mutant run is narrowed to its API and the suite file / ``-k`` selection that targets its
check; runs go two at a time, each in a fresh process forked from a warm runner (``ZYGOTE``).
Auth mutants need signed requests, so they run against a verifying mock served here with fake
credentials, the suite signing with the same ones. The kill rate is printed in the terminal
summary and written to ``reports/mutation-kill-rate.json``.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import queue
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

import backup_conformance.checks as checks_package
from backup_conformance.checks import registered
from backup_conformance.contracts import STRICTNESS_LEVELS, load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.app import MOCK_BUG
from backup_conformance.mock.auth import Credentials, Verifying
from backup_conformance.mock.mutations import Mutation, bank

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "mutation-kill-rate.json"
TIMEOUT = 120  # seconds per suite run; a run that hangs counts as not killed
WORKERS = 2
#: Fake credentials of a verifying mock; the suite signs with them (vendor variable names).
FAKE_CREDENTIALS = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIbcMutationFake01",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "bc-mutation-fake-alibaba-secret",
    "HUAWEICLOUD_SDK_AK": "BCMUTATIONFAKEAK0001",
    "HUAWEICLOUD_SDK_SK": "bc-mutation-fake-huawei-secret",
    "HUAWEICLOUD_SDK_PROJECT_ID": "0" * 32,
}
#: Plugins no suite uses, left out of mutant runs only: they cost ~2 s of start-up each.
UNUSED_PLUGINS = ("schemathesis", "allure_pytest", "pytest_httpserver", "anyio", "xdist",
                  "xdist.looponfail")
#: The runner, started as ``python -c ZYGOTE``: it imports pytest, hypothesis and the package
#: once, then forks a fresh child per run that calls ``pytest.main(ARGS)``, exactly what
#: ``python -m pytest ARGS`` does, minus ~2 s of imports per run (41 mutants on 2 cores).
#: Hypothesis shrinking is off in the child: the first failing example kills a mutant, and
#: shrinking it (dozens of HTTP calls per lifecycle) only costs time.
ZYGOTE = r"""
import json, os, signal, sys, time, traceback
import pytest, hypothesis.stateful
import backup_conformance.plugin, backup_conformance.runtime, backup_conformance.mock

class NoShrink:
    def pytest_configure(self, config):
        from hypothesis import Phase, settings
        settings.register_profile("bc-mutation", parent=settings.default,
                                  phases=[Phase.explicit, Phase.reuse, Phase.generate])
        settings.load_profile("bc-mutation")

for line in iter(sys.stdin.readline, ""):
    job = json.loads(line)
    started = time.monotonic()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.environ.update(job["env"])
            fd = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = int(pytest.main(job["args"], plugins=[NoShrink()]))
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    status = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
        elif time.monotonic() - started > job["timeout"]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        else:
            time.sleep(0.02)
    print(json.dumps({"exit": status, "seconds": time.monotonic() - started}), flush=True)
"""


@dataclass(frozen=True)
class Job:
    """One suite run: which mock, which selection, and what must happen."""

    name: str
    args: tuple[str, ...]
    variant: str = "reference"
    mutation: str | None = None
    verifying: bool = False  # serve a verifying mock here; the suite signs (auth runs)
    lean: bool = True  # leave UNUSED_PLUGINS out


@dataclass
class Result:
    name: str
    exit_code: int | None
    seconds: float
    output: str
    command: str

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def _base_args(job_args: tuple[str, ...], lean: bool) -> list[str]:
    args = ["-q", "-p", "no:cacheprovider", *job_args]
    if lean:
        for plugin in UNUSED_PLUGINS:
            args += ["-p", f"no:{plugin}"]
    return args


def mutant_job(mutation: Mutation) -> Job:
    args = (f"suites/{mutation.suite}", "--strictness", mutation.strictness, "--api",
            mutation.api_id, "-k", mutation.select)
    return Job(mutation.name, args, mutation=mutation.name, verifying=mutation.auth)


def baseline_jobs() -> list[Job]:
    """Conforming mocks the suites must pass: the reference (at the default, vendor, and at
    strict: its choices are the best-evidenced ones), the relaxed variant at docs and vendor,
    and both against a verifying mock with fixed credentials for the auth suite (the embedded
    runs verify too, with the run's ephemeral credentials)."""
    return [
        Job("reference@vendor", ("suites", "--strictness", "vendor"), lean=False),
        Job("reference@strict", ("suites", "--strictness", "strict"), lean=False),
        Job("relaxed@docs", ("suites", "--strictness", "docs"), "relaxed", lean=False),
        Job("relaxed@vendor", ("suites", "--strictness", "vendor"), "relaxed", lean=False),
        Job("reference-auth@vendor", ("suites/test_auth.py", "--strictness", "vendor"),
            verifying=True),
        Job("relaxed-auth@vendor", ("suites/test_auth.py", "--strictness", "vendor"),
            "relaxed", verifying=True),
    ]


@contextmanager
def _verifying_mock(job: Job) -> Iterator[list[str]]:
    """A mock verifying signatures against FAKE_CREDENTIALS; yields the target options."""
    app = MockApp(authenticator=Verifying(Credentials.from_mapping(FAKE_CREDENTIALS)),
                  variant=job.variant,
                  mutations=frozenset([job.mutation] if job.mutation else []))
    server = MockServer(app).start()
    try:
        yield ["--target-url", server.url, "--state-url", f"{server.url}/_states"]
    finally:
        server.stop()


def _clean_env() -> dict[str, str]:
    """The environment without any real credentials (auth runs add the fake ones)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_", "OS_AUTH_TOKEN"))}


class Zygote:
    """One runner process (``ZYGOTE``) serving one worker thread, one run at a time."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=ROOT,
                                        env=_clean_env(), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def run(self, job: Job) -> Result:
        args = _base_args(job.args, job.lean)
        out = self.scratch / f"{job.name.replace('@', '-')}.txt"
        out.unlink(missing_ok=True)  # never read an earlier session's output
        with _target(job) as target:
            request = {"args": [*args, *target], "out": str(out), "timeout": TIMEOUT,
                       "env": FAKE_CREDENTIALS if job.verifying else {}}
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answer = json.loads(self.process.stdout.readline() or "null") or {
                "exit": None, "seconds": 0.0}
        output = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        if answer["exit"] is None:
            output += f"\n(no exit status: timed out after {TIMEOUT}s, or the runner died)"
        shown = " ".join(["python -m pytest", *args, *target])
        return Result(job.name, answer["exit"], answer["seconds"], output, shown)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_all(jobs: list[Job], scratch: Path) -> dict[str, Result]:
    """Every job, ``WORKERS`` at a time, in the order given (start the long ones first)."""
    pending: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    results: dict[str, Result] = {}

    def work() -> None:
        zygote = Zygote(scratch)
        try:
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                result = zygote.run(job)
                if job.mutation and not killed(bank()[job.mutation], result):
                    # a survivor must survive twice: a run starved on a loaded machine
                    # (client timeouts) must not count as a suite weakness
                    again = zygote.run(job)
                    again.output += f"\n(second run; the first exited {result.exit_code})"
                    result = again
                results[job.name] = result
        finally:
            zygote.close()

    threads = [threading.Thread(target=work, name=f"mutation-worker-{n}")
               for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@contextmanager
def _target(job: Job) -> Iterator[list[str]]:
    if job.verifying:
        with _verifying_mock(job) as options:
            yield options
        return
    options = [] if job.variant == "reference" else ["--mock-option", f"variant={job.variant}"]
    if job.mutation:
        options += ["--mock-option", f"mutation={job.mutation}"]
    yield options


def killed(mutation: Mutation, result: Result) -> bool:
    """Exit 1 (tests failed) with the mutant's check named in a failure, and the mock never
    crashed: a check that fires on a crash's 500 caught a mock bug, not the mutant's fault."""
    return (result.exit_code == 1 and f"[{mutation.check}]" in result.output
            and MOCK_BUG not in result.output)


def all_checks() -> Mapping[str, Any]:
    """Every check the package defines (importing each module registers its checks)."""
    for module in pkgutil.iter_modules(checks_package.__path__):
        importlib.import_module(f"{checks_package.__name__}.{module.name}")
    return registered()


# --- the runs (once per session, two at a time) --------------------------------------------


class _KillRateLine:
    """Prints the kill rate in the terminal summary (a plugin registered by the fixture)."""

    def __init__(self, line: str) -> None:
        self.line = line

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("mutation self-test")
        terminalreporter.write_line(self.line)


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[str, Result]:
    if not hasattr(os, "fork"):
        pytest.skip("the mutation runner forks its runs (POSIX only)")
    mutants = list(bank().values())
    jobs = baseline_jobs() + [mutant_job(m) for m in mutants]  # long baseline runs first
    started = time.monotonic()
    scratch = REPORT.parent / "mutation-runs"  # each run's output, kept for reading
    scratch.mkdir(parents=True, exist_ok=True)
    results = run_all(jobs, scratch)
    wall = time.monotonic() - started
    dead = [m for m in mutants if killed(m, results[m.name])]
    line = (f"mutation kill rate: {len(dead)}/{len(mutants)}; conforming runs passed: "
            f"{sum(results[j.name].exit_code == 0 for j in baseline_jobs())}/"
            f"{len(baseline_jobs())} ({wall:.0f}s wall, {WORKERS} at a time)")
    request.config.pluginmanager.register(_KillRateLine(line), "bc-mutation-kill-rate")
    _write_report(mutants, results, dead, wall)
    return results


def _write_report(mutants: list[Mutation], results: Mapping[str, Result],
                  dead: list[Mutation], wall: float) -> None:
    names = {m.name for m in dead}
    checks = all_checks()
    report = {
        "killed": len(dead), "total": len(mutants),
        "rate": round(len(dead) / len(mutants), 4) if mutants else None,
        "wall_seconds": round(wall, 1),
        "by_check": {c: _tally([m for m in mutants if m.check == c], names) for c in checks},
        "by_api": {a: _tally([m for m in mutants if m.api_id == a], names)
                   for a in load_catalogue()},
        "checks_without_mutant": sorted(set(checks) - {m.check for m in mutants}),
        "mutants": [{**{k: v for k, v in asdict(m).items() if k != "effect"},
                     "killed": m.name in names, "exit_code": results[m.name].exit_code,
                     "seconds": round(results[m.name].seconds, 1),
                     "command": results[m.name].command} for m in mutants],
        "conforming_runs": [{"name": j.name, "exit_code": results[j.name].exit_code,
                             "seconds": round(results[j.name].seconds, 1),
                             "command": results[j.name].command} for j in baseline_jobs()],
    }
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


def _tally(chosen: list[Mutation], dead: set[str]) -> dict[str, int]:
    return {"mutants": len(chosen), "killed": sum(m.name in dead for m in chosen)}


# --- the assertions ------------------------------------------------------------------------


def _mutant_params() -> list[Any]:
    params = []
    for mutation in bank().values():
        marks = [pytest.mark.xfail(reason=f"known survivor: {mutation.known_survivor}",
                                   strict=True)] if mutation.known_survivor else []
        params.append(pytest.param(mutation, id=mutation.name, marks=marks))
    return params


@pytest.mark.parametrize("mutation", _mutant_params())
def test_mutant_is_killed(outcomes: dict[str, Result], mutation: Mutation) -> None:
    result = outcomes[mutation.name]
    assert killed(mutation, result), (
        f"{mutation.name} survived: the suites did not fail with [{mutation.check}] "
        f"(exit {result.exit_code}); it breaks: {mutation.point} ({mutation.source})\n"
        f"$ {result.command}\n{result.tail()}")


@pytest.mark.parametrize("job", baseline_jobs(), ids=lambda j: j.name)
def test_conforming_mock_passes(outcomes: dict[str, Result], job: Job) -> None:
    result = outcomes[job.name]
    assert result.exit_code == 0, (
        f"the suites fail a conforming mock ({job.name}): a false positive, or a broken "
        f"variant\n$ {result.command}\n{result.tail(60)}")


def test_every_check_has_a_mutant() -> None:
    """A check no mutant is expected to trip may never fail at all."""
    missing = sorted(set(all_checks()) - {m.check for m in bank().values()})
    assert not missing, f"checks without a mutant: {', '.join(missing)}"


def test_bank_is_well_formed() -> None:
    """≥30 mutants over every API; each names a real check, API, strictness and suite, and
    activates its check at its strictness."""
    mutants = list(bank().values())
    checks = all_checks()
    catalogue = load_catalogue()
    assert len(mutants) >= 30
    assert set(catalogue) <= {m.api_id for m in mutants}
    for m in mutants:
        assert m.api_id in catalogue, m.name
        assert m.check in checks, f"{m.name}: no check {m.check!r}"
        assert m.strictness in STRICTNESS_LEVELS, m.name
        assert checks[m.check].layer in _layers(m.strictness), (
            f"{m.name}: {m.check} ({checks[m.check].layer}) is not judged at {m.strictness}")
        assert (ROOT / "suites" / m.suite).is_file(), f"{m.name}: no suites/{m.suite}"
        assert m.point and m.source and m.select, m.name
    per_api = Counter(m.api_id for m in mutants)
    assert min(per_api.values()) >= 3, per_api


def _layers(strictness: str) -> tuple[str, ...]:
    from backup_conformance.checks import layers_for

    return layers_for(strictness)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"variant": "relax"}, "Did you mean 'relaxed'?"),
    ({"mutations": frozenset({"hbr-cancel-success-210"})}, "Did you mean 'hbr-cancel-success"),
])
def test_unknown_names_are_refused_with_the_nearest(kwargs: dict[str, Any], message: str
                                                    ) -> None:
    with pytest.raises(ValueError, match="Valid: ") as raised:
        MockApp(**kwargs)
    assert message in str(raised.value)


def test_a_mock_crash_is_no_kill() -> None:
    """The check a mutant names, failing on the 500 of a mock crash, caught a mock bug (as
    ``hbr-vaultid-not-required`` once did with a KeyError), not the mutant's fault."""
    mutation = bank()["hbr-vaultid-not-required"]
    failed = f"[{mutation.check}] An invalid request was not rejected with a 4xx\nReceived: 500"
    assert killed(mutation, Result(mutation.name, 1, 0.1, failed, "pytest"))
    crashed = f"{failed}\n{MOCK_BUG} answering POST /:\nKeyError: 'VaultId'"
    assert not killed(mutation, Result(mutation.name, 1, 0.1, crashed, "pytest"))
