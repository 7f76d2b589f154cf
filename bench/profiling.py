"""Where our pipeline's per-case time goes: cProfile of ``pipelines.ours``, client and mock.

cProfile only sees the thread that enabled it, so two profiles are taken in one loop: the
client thread (generation, provider states, request building, the HTTP round trip as the
client waits for it, judging), and the mock's WSGI app (wrapped so every request it serves is
profiled; requests are sequential, so one profiler suffices). Time spent in the HTTP server
outside the app (accepting connections, parsing, its worker threads) is in neither and
shows up as the round trip's remainder.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Iterable
from typing import Any

from pipelines import Bench, ours

#: Buckets of the client thread: (label, [(file suffix, function name)]) whose cumulative time
#: is the bucket's (the first match wins; none of these nest inside another of the list).
BUCKETS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("provider states (obtain a live resource, in-process)",
     (("backup_conformance/runtime.py", "obtain"),)),
    ("HTTP round trip (requests send + the mock answering + reading the body)",
     (("requests/sessions.py", "send"),)),
    ("building and preparing the request (wire encoding, safety guard, requests.prepare)",
     (("backup_conformance/targets/wire.py", "build_request"),
      ("requests/sessions.py", "prepare_request"),
      ("backup_conformance/targets/safety.py", "check"),
      ("backup_conformance/targets/client.py", "_sent"))),
    ("judging (our checks)", (("backup_conformance/runtime.py", "judge"),
                             ("backup_conformance/cases/judging.py", "kind_independent"))),
)


class _ProfiledApp:
    """The mock's WSGI app with every call profiled into one ``cProfile.Profile``."""

    def __init__(self, app: Any, profiler: cProfile.Profile) -> None:
        self.app, self.profiler = app, profiler
        self.seconds = 0.0

    def __call__(self, environ: Any, start_response: Any) -> Any:
        started = time.perf_counter()
        self.profiler.enable()
        try:
            return list(self.app(environ, start_response))
        finally:
            self.profiler.disable()
            self.seconds += time.perf_counter() - started


def _cumulative(stats: pstats.Stats, wanted: Iterable[tuple[str, str]]) -> float:
    total = 0.0
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in table.items():
        if any(filename.endswith(suffix) and name == func for suffix, func in wanted):
            total += ct
    return total


def profile_ours(api_id: str, cases: int, top: int = 40) -> tuple[str, list[str], dict[str, float]]:
    """Profile ``ours`` over ``cases`` cases: (full report text, 5-line summary, buckets in
    ms per case)."""
    with Bench(api_id) as bench:
        ours(bench, 20)  # warm: imports, caches, the first connection
        server = bench.run.embedded.server._server  # type: ignore[union-attr]
        mock_profiler = cProfile.Profile()
        wrapped = _ProfiledApp(server.wsgi_app, mock_profiler)
        server.wsgi_app = wrapped
        client_profiler = cProfile.Profile()
        started = time.perf_counter()
        client_profiler.enable()
        measure = ours(bench, cases)
        client_profiler.disable()
        wall = time.perf_counter() - started
        server.wsgi_app = wrapped.app
    per_case = 1000 / max(measure.cases, 1)
    client = pstats.Stats(client_profiler)
    buckets = {label: _cumulative(client, wanted) * per_case for label, wanted in BUCKETS}
    total = wall * per_case
    round_trip = next(v for k, v in buckets.items() if k.startswith("HTTP"))
    mock_ms = wrapped.seconds * per_case
    accounted = sum(buckets.values())
    engine = (_cumulative(client, (("backup_conformance/cases/judging.py", "run_examples"),))
              - _cumulative(client, (("backup_conformance/cases/judging.py", "examples"),))
              ) * per_case
    connect = _cumulative(client, (("urllib3/connection.py", "connect"),)) * per_case
    buckets["hypothesis engine (run_examples minus the test body)"] = engine
    buckets["our glue (the rest of the client thread)"] = total - accounted - engine
    buckets["  of the round trip: the mock's WSGI app"] = mock_ms
    buckets["  of the round trip: opening TCP connections (client side)"] = connect
    buckets["  of the round trip: the HTTP server (cheroot) + requests/urllib3, the rest"] = (
        round_trip - mock_ms - connect)
    summary = _summary(buckets, total, measure.cases, cases)

    out = io.StringIO()
    out.write(f"cProfile of pipelines.ours({api_id!r}, {cases}): {measure.cases} cases in "
              f"{wall:.2f} s with the profiler on ({total:.2f} ms/case; profiling slows "
              "Python-heavy code more than socket waits, so shares matter, not totals)\n\n")
    out.write("Where the time goes (ms per case):\n")
    for label, value in buckets.items():
        out.write(f"  {value:7.3f}  {label}\n")
    out.write("\nSummary:\n" + "".join(f"  {line}\n" for line in summary))
    out.write(f"\n=== client thread: top {top} by cumulative time ===\n")
    pstats.Stats(client_profiler, stream=out).sort_stats("cumulative").print_stats(top)
    out.write(f"\n=== client thread: top {top // 2} by own time ===\n")
    pstats.Stats(client_profiler, stream=out).sort_stats("tottime").print_stats(top // 2)
    out.write(f"\n=== mock WSGI app (server threads): top {top // 2} by cumulative time ===\n")
    pstats.Stats(mock_profiler, stream=out).sort_stats("cumulative").print_stats(top // 2)
    return out.getvalue(), summary, buckets


def _summary(buckets: dict[str, float], total: float, sent: int, asked: int) -> list[str]:
    """Five lines: the per-case total and the biggest shares, in plain words."""
    def share(prefix: str) -> tuple[float, float]:
        value = next(v for k, v in buckets.items() if k.startswith(prefix))
        return value, 100 * value / total if total else 0.0

    http, http_pct = share("HTTP")
    mock, mock_pct = share("  of the round trip: the mock")
    connect, _ = share("  of the round trip: opening")
    engine, engine_pct = share("hypothesis")
    glue, glue_pct = share("our glue")
    states, states_pct = share("provider")
    build, build_pct = share("building")
    judge, judge_pct = share("judging")
    return [
        f"{total:.2f} ms per case under the profiler ({sent} of {asked} cases sent).",
        f"HTTP round trip {http:.2f} ms ({http_pct:.0f}%), of which the mock's app only "
        f"{mock:.2f} ms ({mock_pct:.0f}%); new connections {connect:.2f} ms; the HTTP server and "
        "requests/urllib3 cost the rest.",
        f"Hypothesis engine {engine:.2f} ms ({engine_pct:.0f}%, averaged over all cases; the "
        f"negative half has no generation), our glue {glue:.2f} ms ({glue_pct:.0f}%).",
        f"Request building/preparing {build:.2f} ms ({build_pct:.0f}%), provider states "
        f"{states:.2f} ms ({states_pct:.0f}%).",
        f"Judging (our checks) {judge:.2f} ms ({judge_pct:.0f}%).",
    ]


#: Buckets of a profiled ``pytest suites`` run (main thread; the mock's threads are not seen).
SUITE_BUCKETS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("imports + plugin start-up (pytest_cmdline_main minus the session)",
     (("_pytest/config/__init__.py", "main"),)),
    ("collection", (("_pytest/main.py", "perform_collect"),)),
    ("running the tests (pytest_runtestloop)", (("_pytest/main.py", "pytest_runtestloop"),)),
    ("  of which hypothesis engines (run_engine)", (("hypothesis/core.py", "run_engine"),)),
    ("  of which loading OpenAPI documents into schemathesis (cases.generated.operation)",
     (("backup_conformance/cases/generated.py", "operation"),)),
    ("  of which HTTP round trips (requests send)", (("requests/sessions.py", "send"),)),
    ("  of which provider states (Run.obtain)", (("backup_conformance/runtime.py", "obtain"),)),
    ("  of which judging (Run.judge)", (("backup_conformance/runtime.py", "judge"),)),
)


def suite_profile_text(dump: str, wall: float, top: int = 30) -> str:
    """A cProfile dump of a ``pytest suites`` run as text: the buckets, then the top
    functions by cumulative time."""
    stats = pstats.Stats(dump)
    total = _cumulative(stats, (("_pytest/config/__init__.py", "main"),))
    out = io.StringIO()
    out.write(f"wall {wall:.2f} s with the profiler on; main thread {total:.2f} s\n")
    for label, wanted in SUITE_BUCKETS:
        value = _cumulative(stats, wanted)
        if label.startswith("imports"):
            value -= _cumulative(stats, (("_pytest/main.py", "_main"),))
        out.write(f"  {value:7.2f} s  {label}\n")
    stats.stream = out  # type: ignore[attr-defined]
    out.write(f"\n=== our code and schemathesis' generation: top {top} by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(
        "backup_conformance|suites/|schemathesis/(generation|specs/openapi/(_hypothesis|schemas))",
        top)
    out.write(f"\n=== everything: top {top} by own time ===\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
