"""The in-process throughput measurements: raw loopback, plain schemathesis, and ours.

All three talk to the same reference mock (the embedded one a ``Run`` starts, on a free
loopback port) so their ratios compare pipelines, not servers. Every loop is bounded by a case
count; hypothesis-driven loops also stop when the strategy's space is exhausted, so each
measurement returns the number of cases it really sent, not the number asked for.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from hypothesis import HealthCheck, Phase, given, reject, settings

from backup_conformance.cases import drawing
from backup_conformance.cases.generated import from_case, not_a_server_error, sendable, strategy
from backup_conformance.cases.judging import judge_all, run_examples
from backup_conformance.cases.negative import variants
from backup_conformance.cases.positive import bind_call, calls
from backup_conformance.cases.valid import binding, valid_params
from backup_conformance.contracts import Contract, load_catalogue
from backup_conformance.runtime import Run, RunOptions
from backup_conformance.targets import build_request
from backup_conformance.targets.auth import resolve_auth

#: The module, not the ``judge`` function ``backup_conformance.checks`` re-exports by that name.
judge_module: Any = importlib.import_module("backup_conformance.checks.judge")
DEFAULT_API = "dbs.StopBackupPlan"  # the richest operation: an enum, a free string, 3 variants


@dataclass
class Measure:
    """One timed loop: ``cases`` completed in ``seconds``; ``failures`` counts verdicts that
    failed (expected 0 against the reference mock, except schemathesis' own stricter checks)."""

    cases: int
    seconds: float
    failures: int = 0
    note: str = ""
    checks: int | None = None  # check functions run (ours only: schemathesis' are its own)

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    @property
    def checks_per_case(self) -> float | None:
        return None if self.checks is None or not self.cases else self.checks / self.cases


class CheckCounter:
    """Counts the check functions our judge runs (every response check of every
    ``Run.judge`` and ``kind_independent`` call goes through ``checks.judge.active_checks``)
    plus the extra ones a pipeline adds, so a faster pipeline cannot hide judging less."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> CheckCounter:
        self._original = judge_module.active_checks

        def counted(*args: Any, **kwargs: Any) -> Any:
            found = self._original(*args, **kwargs)
            self.count += len(found)
            return found

        judge_module.active_checks = counted
        return self

    def __exit__(self, *exc: object) -> None:
        judge_module.active_checks = self._original


@contextmanager
def profile(max_examples: int) -> Iterator[None]:
    """A hypothesis profile for bounded, deterministic, generate-only loops (like ``ci``, but
    ``max_examples`` cases; no example database, so nothing is written to the tree)."""
    previous = settings.get_current_profile_name()
    settings.register_profile(
        "bench", max_examples=max_examples, derandomize=True, deadline=None, database=None,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False)
    settings.load_profile("bench")
    try:
        yield
    finally:
        settings.load_profile(previous)


class Bench:
    """A ``Run`` against the embedded reference mock (exactly what ``pytest suites`` builds
    with no target options) plus the contract under measurement."""

    def __init__(self, api_id: str = DEFAULT_API) -> None:
        catalogue = load_catalogue()
        self.contract: Contract = catalogue[api_id]
        self.run = Run(RunOptions(), catalogue)
        assert self.run.embedded is not None
        self.url = self.run.embedded.url

    def auth(self) -> Any:
        """How the run signs this contract's calls (the embedded mock verifies signatures
        with the run's ephemeral credentials): the ``ResolvedAuth`` of its service."""
        return resolve_auth(self.run.client.profile.service(self.contract.service))

    def close(self) -> None:
        self.run.close()

    def __enter__(self) -> Bench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def raw_loopback(bench: Bench, n: int, url: str | None = None,
                 setup: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None) -> Measure:
    """``n`` valid calls through one plain ``requests.Session``: the loopback ceiling.

    Each call gets its own live resource (set up untimed: in-process, or through ``setup`` for
    a mock at ``url`` elsewhere), so every answer is a 2xx success as in a positive case; the
    requests are built before the clock starts, and requests prepares and signs each in the
    loop (the embedded mock verifies signatures), as any plain requests loop with an auth
    object would."""
    base = url or bench.url
    setup = setup or bench.run.embedded.app.states.setup  # type: ignore[union-attr]
    auth = bench.auth()
    built = [build_request(bench.contract, params, base, style=auth.style)
             for params in _valid_calls(bench, n, setup)]
    ok = 0
    with requests.Session() as session:
        session.trust_env = False
        started = time.perf_counter()
        for wire in built:
            response = session.request(wire.method, wire.url, headers=wire.headers,
                                       data=wire.body or None, auth=auth.auth, timeout=10)
            ok += response.status_code < 300
        elapsed = time.perf_counter() - started
    return Measure(n, elapsed, failures=n - ok, note="non-2xx answers" if ok < n else "")


def _valid_calls(bench: Bench, n: int, setup: Callable[[str, dict[str, Any]], dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """``n`` valid calls' parameters, each on its own live resource."""
    bound = binding(bench.contract)
    calls_ = []
    for _ in range(n):
        values = setup(bound.state, dict(bound.state_params))
        params, _ = valid_params(bench.contract, lambda state, p, v=values: dict(v))
        calls_.append(params)
    return calls_


def _signed_calls(bench: Bench, n: int, base: str,
                  setup: Callable[[str, dict[str, Any]], dict[str, Any]],
                  session: requests.Session) -> list[requests.PreparedRequest]:
    """``n`` valid calls prepared and signed as the run signs them (for the mock's WSGI app
    alone: no HTTP, so nothing to sign in a loop)."""
    auth = bench.auth()
    prepared = []
    for params in _valid_calls(bench, n, setup):
        request = build_request(bench.contract, params, base, style=auth.style).to_requests()
        request.auth = auth.auth
        prepared.append(session.prepare_request(request))
    return prepared


def raw_separate_process(bench: Bench, n: int) -> Measure:
    """``raw_loopback`` against a reference mock in its own process: the same loop without
    the client and the server sharing one GIL."""
    with MockProcess() as mock:
        return raw_loopback(bench, n, url=mock.url, setup=mock.setup)


def mock_without_http(bench: Bench, n: int) -> Measure:
    """``n`` valid calls straight into the mock's WSGI app (werkzeug's test client, no socket,
    no server thread): what the mock itself costs per request."""
    from werkzeug.test import Client

    app = bench.run.embedded.app  # type: ignore[union-attr]
    with requests.Session() as session:
        prepared = [(r.method, r.path_url, dict(r.headers), r.body)
                    for r in _signed_calls(bench, n, "http://127.0.0.1", app.states.setup,
                                           session)]
    client = Client(app)
    ok = 0
    started = time.perf_counter()
    for method, target, headers, body in prepared:  # type: ignore[assignment]
        response = client.open(target, method=method, headers=headers, data=body)
        ok += response.status_code < 300
        response.close()
    elapsed = time.perf_counter() - started
    return Measure(n, elapsed, failures=n - ok, note="non-2xx answers" if ok < n else "")


class MockProcess:
    """The reference mock served by ``bench/mockproc.py`` in a child process (bounded: it
    exits when its stdin closes, and is killed after a timeout)."""

    def __init__(self, timeout: float = 30) -> None:
        self.timeout = timeout
        self.url = ""

    def __enter__(self) -> MockProcess:
        import subprocess
        import sys
        from pathlib import Path

        script = Path(__file__).with_name("mockproc.py")
        self.process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError(f"the mock process did not start (said {self.url!r})")
        self.session = requests.Session()
        self.session.trust_env = False
        return self

    def setup(self, state: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = self.session.post(f"{self.url}/_states", timeout=10,
                                   json={"state": state, "params": params, "action": "setup"})
        answer.raise_for_status()
        values: dict[str, Any] = answer.json()
        return values

    def __exit__(self, *exc: object) -> None:
        import subprocess

        if getattr(self, "session", None) is not None:
            self.session.close()
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def plain_schemathesis(bench: Bench, n: int) -> Measure:
    """Schemathesis alone over the same operation's OpenAPI document: ``n // 2`` positive and
    ``n - n // 2`` negative cases, each ``case.call`` + ``case.validate_response`` (its default
    checks; their failures are counted, not raised, as a ``schemathesis run`` reports them)."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_dict(_plain(bench.contract.openapi))
    (result,) = list(schema.get_all_operations())
    operation = result.ok()
    sent = failed = 0
    elapsed = 0.0
    auth = bench.auth()
    with requests.Session() as session:
        session.trust_env = False
        session.auth = auth.auth  # signed as ours are: the mock verifies signatures
        for mode, count in ((GenerationMode.POSITIVE, n // 2), (GenerationMode.NEGATIVE,
                                                                 n - n // 2)):
            def one(case: Any) -> None:
                nonlocal sent, failed
                try:
                    response = case.call(base_url=bench.url, session=session, timeout=10)
                except (ValueError, UnicodeError, requests.exceptions.InvalidHeader):
                    reject()  # not expressible as HTTP: schemathesis' runner skips it too
                sent += 1
                try:
                    case.validate_response(response)
                except BaseExceptionGroup:  # FailureGroup: reported, the loop goes on
                    failed += 1

            elapsed += _given(operation.as_strategy(mode), one, count)
    return Measure(sent, elapsed, failures=failed)


def schemathesis_generation(bench: Bench, n: int) -> Measure:
    """``plain_schemathesis`` minus the HTTP call and the checks: how fast schemathesis only
    generates the cases (its ceiling on this machine, whatever the server)."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_dict(_plain(bench.contract.openapi))
    (result,) = list(schema.get_all_operations())
    operation = result.ok()
    drawn = 0
    elapsed = 0.0
    for mode, count in ((GenerationMode.POSITIVE, n // 2), (GenerationMode.NEGATIVE,
                                                             n - n // 2)):
        def one(case: Any) -> None:
            nonlocal drawn
            drawn += 1

        elapsed += _given(operation.as_strategy(mode), one, count)
    return Measure(drawn, elapsed)


def ours(bench: Bench, n: int) -> Measure:
    """Our pipeline, as ``test_positive`` + ``test_negative`` run it: ``n // 2`` positive calls
    drawn from ``cases.positive.calls`` and ``n - n // 2`` negative variants
    (``cases.negative.variants``, cycled), each on a freshly obtained resource, sent with
    ``Run.send`` and judged with every active check."""
    run, contract = bench.run, bench.contract
    sent = failed = 0

    def positive(call: Any) -> None:
        nonlocal sent
        params, _ = bind_call(contract, run.obtain, call)
        exchange = run.send(contract, params)
        sent += 1
        judge_all(run, contract, "positive", exchange)

    with CheckCounter() as counter:
        started = time.perf_counter()
        with profile(n // 2):
            try:
                run_examples(calls(contract), positive, scope=run.each_example)
            except Exception:
                failed += 1
        found = variants(contract)
        for i in range(n - n // 2):
            variant = found[i % len(found)]
            with run.each_example():  # as the plugin releases each test_negative case's resource
                params, _ = valid_params(contract, run.obtain, variant.state_params)
                exchange = run.send(contract, variant.mutate(params))
                sent += 1
                try:
                    run.judge(contract, "negative", exchange)
                except Exception:
                    failed += 1
        elapsed = time.perf_counter() - started
    return Measure(sent, elapsed, failures=failed, checks=counter.count)


def ours_generated(bench: Bench, n: int) -> Measure:
    """Our schemathesis suite's main path (``test_generated_case_is_judged``): cases drawn by
    ``cases.drawing`` (strategies built once per operation), then
    ``cases.generated.from_case`` (live resources, reserved ids, the honest kind),
    ``Run.send``, our checks and schemathesis' ``not_a_server_error``."""
    return _generated(bench, n, drawing.strategy)


def ours_generated_schemathesis(bench: Bench, n: int) -> Measure:
    """The same path with the cases drawn by schemathesis itself (``as_strategy``), as
    ``test_schemathesis_drawn_case_is_judged`` draws its sample (and, before issue 17, the
    whole suite drew every case)."""
    return _generated(bench, n, strategy)


def _generated(bench: Bench, n: int, cases: Callable[[Contract, str], Any]) -> Measure:
    run, contract = bench.run, bench.contract
    sent = failed = 0
    elapsed = 0.0
    with CheckCounter() as counter:
        for mode, count in (("positive", n // 2), ("negative", n - n // 2)):
            def one(case: Any, mode: str = mode) -> None:
                nonlocal sent
                generated = from_case(contract, case, mode, run.obtain)
                if not sendable(contract, generated.params):
                    reject()
                exchange = run.send(contract, generated.params)
                sent += 1
                counter.count += 1  # schemathesis' not_a_server_error
                judge_all(run, contract, generated.kind, exchange,
                          extra=[not_a_server_error(case, exchange)])

            started = time.perf_counter()
            with profile(count):
                try:
                    run_examples(cases(contract, mode), one, shrink=False,
                                 scope=run.each_example)
                except Exception:
                    failed += 1
            elapsed += time.perf_counter() - started
    return Measure(sent, elapsed, failures=failed, checks=counter.count)


def _given(strategy_: Any, body: Callable[[Any], None], count: int) -> float:
    """Run ``body`` over ``count`` examples of ``strategy_``; the seconds it took."""
    with profile(count):
        test = given(strategy_)(body)
        started = time.perf_counter()
        test()
        return time.perf_counter() - started


def _plain(value: Any) -> Any:
    """A plain-dict copy of a contract's (read-only mapping) OpenAPI document."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


PIPELINES: dict[str, Callable[[Bench, int], Measure]] = {
    "raw": raw_loopback,
    "raw_process": raw_separate_process,
    "mock_wsgi": mock_without_http,
    "schemathesis": plain_schemathesis,
    "schemathesis_generation": schemathesis_generation,
    "ours": ours,
    "ours_generated": ours_generated,
    "ours_generated_schemathesis": ours_generated_schemathesis,
}
