"""The in-process throughput measurements: raw loopback, plain schemathesis, and ours.

All three talk to the same reference mock (the embedded one a ``Run`` starts, on a free
loopback port) so their ratios compare pipelines, not servers. Every loop is bounded by a case
count; hypothesis-driven loops also stop when the strategy's space is exhausted, so each
measurement returns the number of cases it really sent, not the number asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from hypothesis import HealthCheck, Phase, given, reject, settings

from backup_conformance.cases.generated import from_case, not_a_server_error, sendable, strategy
from backup_conformance.cases.judging import judge_all, run_examples
from backup_conformance.cases.negative import variants
from backup_conformance.cases.positive import bind_call, calls
from backup_conformance.cases.valid import binding, valid_params
from backup_conformance.contracts import Contract, load_catalogue
from backup_conformance.runtime import Run, RunOptions
from backup_conformance.targets import build_request

DEFAULT_API = "dbs.StopBackupPlan"  # the richest operation: an enum, a free string, 3 variants


@dataclass
class Measure:
    """One timed loop: ``cases`` completed in ``seconds``; ``failures`` counts verdicts that
    failed (expected 0 against the reference mock, except schemathesis' own stricter checks)."""

    cases: int
    seconds: float
    failures: int = 0
    note: str = ""

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


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
    requests are built before the clock starts."""
    contract, base = bench.contract, url or bench.url
    bound = binding(contract)
    setup = setup or bench.run.embedded.app.states.setup  # type: ignore[union-attr]
    prepared = []
    for _ in range(n):
        values = setup(bound.state, dict(bound.state_params))
        params, _ = valid_params(contract, lambda state, p, v=values: dict(v))
        wire = build_request(contract, params, base)
        prepared.append((wire.method, wire.url, wire.headers, wire.body or None))
    ok = 0
    with requests.Session() as session:
        session.trust_env = False
        started = time.perf_counter()
        for method, target, headers, body in prepared:
            response = session.request(method, target, headers=headers, data=body, timeout=10)
            ok += response.status_code < 300
        elapsed = time.perf_counter() - started
    return Measure(n, elapsed, failures=n - ok, note="non-2xx answers" if ok < n else "")


def raw_separate_process(bench: Bench, n: int) -> Measure:
    """``raw_loopback`` against a reference mock in its own process: the same loop without
    the client and the server sharing one GIL."""
    with MockProcess() as mock:
        return raw_loopback(bench, n, url=mock.url, setup=mock.setup)


def mock_without_http(bench: Bench, n: int) -> Measure:
    """``n`` valid calls straight into the mock's WSGI app (werkzeug's test client, no socket,
    no server thread): what the mock itself costs per request."""
    from werkzeug.test import Client

    contract = bench.contract
    app = bench.run.embedded.app  # type: ignore[union-attr]
    bound = binding(contract)
    prepared = []
    for _ in range(n):
        values = app.states.setup(bound.state, dict(bound.state_params))
        params, _ = valid_params(contract, lambda state, p, v=values: dict(v))
        wire = build_request(contract, params, "http://127.0.0.1")
        prepared.append((wire.method, wire.url, wire.headers, wire.body))
    client = Client(app)
    ok = 0
    started = time.perf_counter()
    for method, target, headers, body in prepared:
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
    with requests.Session() as session:
        session.trust_env = False
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
    return Measure(sent, time.perf_counter() - started, failures=failed)


def ours_generated(bench: Bench, n: int) -> Measure:
    """Our schemathesis suite's path (``test_schemathesis``): schemathesis generation, then
    ``cases.generated.from_case`` (live resources, reserved ids, the honest kind), ``Run.send``,
    our checks and schemathesis' ``not_a_server_error``."""
    run, contract = bench.run, bench.contract
    sent = failed = 0
    elapsed = 0.0
    for mode, count in (("positive", n // 2), ("negative", n - n // 2)):
        def one(case: Any, mode: str = mode) -> None:
            nonlocal sent
            generated = from_case(contract, case, mode, run.obtain)
            if not sendable(contract, generated.params):
                reject()
            exchange = run.send(contract, generated.params)
            sent += 1
            judge_all(run, contract, generated.kind, exchange,
                      extra=[not_a_server_error(case, exchange)])

        started = time.perf_counter()
        with profile(count):
            try:
                run_examples(strategy(contract, mode), one, shrink=False,
                             scope=run.each_example)
            except Exception:
                failed += 1
        elapsed += time.perf_counter() - started
    return Measure(sent, elapsed, failures=failed)


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
}
