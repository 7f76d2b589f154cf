"""Run pytest (or one memory measurement) in this child process and report its peak memory.

``ru_maxrss`` only ever grows within a process, so each measurement needs a process of its
own; this wrapper runs ``pytest.main(args)`` exactly as ``python -m pytest args`` would, then
writes ``{"exit", "rss_self_kib", "rss_children_kib"}`` to the file named by ``--rss-out``
(children: pytest-xdist's workers, the largest of them).

    python bench/child.py --rss-out FILE [--profile OUT] -- <pytest args>
    python bench/child.py --rss-out FILE --memory API CASES [--tracemalloc]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def current_rss_kib() -> int:
    """The resident set now (``ru_maxrss`` is a high-water mark: growth under an earlier
    import-time peak would not show in it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _peaks() -> dict[str, int]:
    return {"rss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rss_children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def memory_run(api_id: str, cases: int, trace: bool) -> dict[str, object]:
    """``pipelines.ours`` for ``cases`` cases in this fresh process: its peak RSS; then, with
    ``trace``, a second run on a fresh mock under tracemalloc for the peak of Python
    allocations and where the memory still held at the end was allocated (by file); plus
    how many resources the ledger still holds in memory (live ones; torn-down records are
    spooled to a file), which explains any growth."""
    import gc
    import tracemalloc

    sys.path.insert(0, str(Path(__file__).parent))
    from pipelines import Bench, ours

    with Bench(api_id) as bench:
        ours(bench, 20)  # imports and first-call caches out of the way before the baseline
        gc.collect()
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        before = current_rss_kib()
        started = time.perf_counter()
        measure = ours(bench, cases)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        gc.collect()  # "held" means reachable: garbage cycles awaiting collection do not count
        after = current_rss_kib()
        ledger = bench.run.ledger
        records = len(ledger.live) if ledger is not None else 0
    result: dict[str, object] = {
        "cases": measure.cases, "seconds": seconds, "failures": measure.failures,
        "rss_baseline_kib": baseline, "rss_peak_kib": peak, "rss_before_kib": before,
        "rss_after_kib": after, "ledger_records": records}
    if trace:
        with Bench(api_id) as bench:
            ours(bench, 20)
            tracemalloc.start(1)
            ours(bench, cases)
            gc.collect()
            current, traced_peak = tracemalloc.get_traced_memory()
            top = tracemalloc.take_snapshot().statistics("filename")[:6]
            tracemalloc.stop()
        result.update(traced_current_bytes=current, traced_peak_bytes=traced_peak,
                      traced_top=[[_short(str(s.traceback[0].filename)), s.size] for s in top],
                      hypothesis_peak_bytes=_hypothesis_alone(api_id, cases // 2))
    return result


def _hypothesis_alone(api_id: str, examples: int) -> int:
    """The tracemalloc peak of hypothesis by itself: the positive half's strategy, the same
    example count, an empty test body. Within one property run hypothesis keeps every
    example's choices (its data tree), so this is the baseline our peak is compared with."""
    import tracemalloc

    from hypothesis import given
    from pipelines import profile

    from backup_conformance.cases.positive import calls
    from backup_conformance.contracts import load_catalogue

    with profile(examples):
        @given(calls(load_catalogue()[api_id]))
        def empty(call: object) -> None:
            return None

        tracemalloc.start(1)
        empty()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return int(peak)


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main() -> None:
    """Parse the wrapper's own options, run, write the peaks file, exit with pytest's code."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rss-out", type=Path, required=True)
    parser.add_argument("--memory", nargs=2, metavar=("API", "CASES"))
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--profile", type=Path, help="cProfile pytest's main thread into OUT")
    parser.add_argument("pytest_args", nargs="*")
    options = parser.parse_args()
    result: dict[str, object]
    if options.memory:
        result = memory_run(options.memory[0], int(options.memory[1]), options.tracemalloc)
        code = 0
    else:
        import pytest

        if options.profile:
            import cProfile

            profiler = cProfile.Profile()
            code = int(profiler.runcall(pytest.main, options.pytest_args))
            profiler.dump_stats(options.profile)
        else:
            code = int(pytest.main(options.pytest_args))
        result = {}
    result.update(exit=code, **_peaks())
    options.rss_out.write_text(json.dumps(result))
    sys.exit(code)


if __name__ == "__main__":
    main()
