"""Where the deep runs' time goes (issue 17): cProfile of test_schemathesis's path, drawn both
ways, and of the nightly lifecycle machine, as ms per case (or per HTTP call) in buckets.

Client thread only (cProfile sees the thread that enabled it): the mock's work shows up inside
the HTTP round trip, which the client spends waiting for it.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable

import stateful
from pipelines import Bench, Measure, ours_generated, ours_generated_schemathesis
from profiling import _cumulative

#: (label, [(file suffix, function)]) cumulative buckets of one generated case.
GENERATED = (
    ("HTTP round trip (requests send: the mock answering included)",
     (("requests/sessions.py", "send"),)),
    ("building, signing and preparing the request (+ sendable's trial build)",
     (("backup_conformance/targets/wire.py", "build_request"),
      ("requests/sessions.py", "prepare_request"),
      ("backup_conformance/cases/generated.py", "sendable"))),
    ("from_case (live resources, reserved ids, the kind read off the request)",
     (("backup_conformance/cases/generated.py", "from_case"),)),
    ("judging: our checks + schemathesis' not_a_server_error",
     (("backup_conformance/cases/judging.py", "judge_all"),)),
)
#: Buckets of one lifecycle machine run, per HTTP call.
LIFECYCLE = (
    ("HTTP round trip (requests send: the mock answering included)",
     (("requests/sessions.py", "send"),)),
    ("building, signing and preparing the request",
     (("backup_conformance/targets/wire.py", "build_request"),
      ("requests/sessions.py", "prepare_request"))),
    ("judging: response checks + sequence checks",
     (("backup_conformance/runtime.py", "judge"),
      ("backup_conformance/checks/judge.py", "judge_sequence"))),
    ("provider states (obtain a resource, in-process)",
     (("backup_conformance/runtime.py", "obtain"),)),
)


def _buckets(stats: pstats.Stats, wanted: tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
             total: float, per: float) -> dict[str, float]:
    found = {label: _cumulative(stats, pairs) * per for label, pairs in wanted}
    found["the rest: hypothesis engine and strategies, our glue"] = (
        total * per - sum(found.values()))
    return found


def _report(title: str, buckets: dict[str, float], unit: str, stats: pstats.Stats,
            top: int) -> str:
    out = io.StringIO()
    total = sum(buckets.values())
    out.write(f"=== {title} ===\nWhere the time goes ({unit}, under the profiler):\n")
    for label, value in buckets.items():
        share = 100 * value / total if total else 0.0
        out.write(f"  {value:7.3f}  ({share:3.0f}%)  {label}\n")
    out.write(f"\ntop {top} by cumulative time:\n")
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _profiled(run: Callable[[], Measure | dict[str, float]]) -> tuple[
        pstats.Stats, float, Measure | dict[str, float]]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = run()
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - started, result


def profile_generated(api_id: str, cases: int, top: int = 25) -> tuple[str, list[str]]:
    """test_schemathesis's path, drawn by ``cases.drawing`` and by schemathesis: the text
    and one summary line per drawing."""
    text, summary = [], []
    for name, pipeline in (("cases.drawing", ours_generated),
                           ("schemathesis as_strategy", ours_generated_schemathesis)):
        with Bench(api_id) as bench:
            pipeline(bench, 20)  # warm
            stats, wall, measure = _profiled(lambda p=pipeline, b=bench: p(b, cases))
        assert isinstance(measure, Measure)
        buckets = _buckets(stats, GENERATED, wall, 1000 / max(measure.cases, 1))
        text.append(_report(f"test_schemathesis's path, {api_id}, {measure.cases} cases "
                            f"drawn by {name}", buckets, "ms per case", stats, top))
        rest = buckets["the rest: hypothesis engine and strategies, our glue"]
        summary.append(f"test_schemathesis's path drawn by {name}: {sum(buckets.values()):.2f}"
                       f" ms per case under the profiler, of which drawing and the hypothesis "
                       f"engine {rest:.2f} ms")
    return "\n".join(text), summary


def profile_lifecycle(profile: str, top: int = 25) -> tuple[str, list[str]]:
    """The suites' lifecycle machine at ``profile``: the text and a summary line."""
    stats, wall, result = _profiled(
        lambda: stateful.time_machine(stateful.MACHINES["one-rule"], profile))
    assert isinstance(result, dict)
    calls = max(int(result["calls"]), 1)
    seconds = float(result["seconds"])  # the machine alone, not the run's start-up
    buckets = _buckets(stats, LIFECYCLE, seconds, 1000 / calls)
    text = _report(f"lifecycle machine ({stateful.API}, {profile} profile): {calls} HTTP "
                   f"calls in {seconds:.1f} s under the profiler (whole run {wall:.1f} s)",
                   buckets, "ms per HTTP call", stats, top)
    http = next(iter(buckets.values()))
    return text, [f"lifecycle machine ({profile}): {sum(buckets.values()):.2f} ms per HTTP "
                  f"call under the profiler, of which the round trip {http:.2f} ms "
                  f"({100 * http / sum(buckets.values()):.0f}%)"]
