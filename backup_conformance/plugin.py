"""The pytest plugin: options, markers and fixtures of the conformance suites.

The only module that touches pytest internals (ARCHITECTURE.md). Registered through the
``pytest11`` entry point, so ``pytest suites`` works from a checkout and from an installed wheel.

Fixtures (all documented in the README):
- ``bc_run`` (session, ``Run``): the target, client, resource ledger and judge of this run;
- ``bc_contract`` (parametrized over the catalogue, narrowed by ``--api``): one API's contract;
- ``bc_strictness`` (session, ``str``): ``docs``, ``vendor`` or ``strict``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from backup_conformance import hypothesis_profiles
from backup_conformance.contracts import STRICTNESS_LEVELS, Catalogue, load_catalogue

MARKERS = (
    "api(api_id): the API a conformance test judges",
    "check(name): the family of checks a conformance test exercises",
)


def _api_id(value: str) -> str:
    known = list(load_catalogue())
    if value in known:
        return value
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise argparse.ArgumentTypeError(
        f"unknown API id {value!r}; valid: {', '.join(known)}.{hint}")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("backup-conformance", "backup-conformance target and strictness")
    group.addoption("--target-url", dest="bc_target_url", metavar="URL", default=None,
                    help="run every API against this base URL (default: the embedded mock)")
    group.addoption("--state-url", dest="bc_state_url", metavar="URL", default=None,
                    help="the target's provider-state endpoint (POST {state, params, action})")
    group.addoption("--target", dest="bc_target", metavar="PROFILE.toml", default=None,
                    type=Path, help="a target profile (see fixtures/targets/)")
    group.addoption("--api", dest="bc_api", metavar="ID", action="append", default=[],
                    type=_api_id, help="run only this API (repeatable)")
    group.addoption("--strictness", dest="bc_strictness", default="vendor",
                    choices=STRICTNESS_LEVELS,
                    help="docs: the pages only; vendor: plus the vendor-common layer "
                         "(default); strict: plus labelled expectations no document states")
    group.addoption("--dry-run", dest="bc_dry_run", action="store_true", default=False,
                    help="print every request (redacted) instead of sending it; no resources "
                         "are obtained (tests report 'not run: dry run')")
    group.addoption("--resources-report", dest="bc_resources_report", metavar="FILE",
                    type=Path, default=None,
                    help="write every resource obtained through provider states (and whether "
                         "its teardown succeeded) to FILE as JSON")
    group.addoption("--mock-option", dest="bc_mock_options", metavar="NAME=VALUE",
                    action="append", default=[], type=_mock_option,
                    help="an option of the embedded mock, e.g. variant=relaxed or "
                         "mutation=NAME (the mutation self-test uses these)")
    group.addoption("--matrix-dir", dest="bc_matrix_dir", metavar="DIR", type=Path,
                    default=None,
                    help="write the conformance matrix to DIR: matrix.json (schema: "
                         "backup_conformance/reporting/schema/matrix.schema.json), matrix.md, "
                         "matrix.html, matrix-junit.xml (and matrix-diff.md)")
    group.addoption("--baseline", dest="bc_baseline", metavar="FILE", type=Path, default=None,
                    help="expected failures (API x check x test id, each with a reason and an "
                         "optional expiry date): they no longer fail the run; new and expired "
                         "ones do; fixed ones are reported for pruning")
    group.addoption("--update-baseline", dest="bc_update_baseline", action="store_true",
                    default=False,
                    help="write this run's failures to the --baseline FILE (reasons and expiry "
                         "dates of entries still failing are kept)")
    group.addoption("--previous-matrix", dest="bc_previous_matrix", metavar="FILE", type=Path,
                    default=None,
                    help="a matrix.json of an earlier run: report what regressed and what was "
                         "fixed since (terminal, and matrix-diff.md in --matrix-dir)")
    group.addoption("--record", dest="bc_record", metavar="FILE.har", type=Path, default=None,
                    help="write every exchange as HAR 1.2, auth redacted (backup-conformance "
                         "audit re-judges it); under xdist one file per worker")


def _mock_option(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name, setting


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        hypothesis_profiles.load_default()
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if config.getoption("bc_target") and config.getoption("bc_target_url"):
        raise pytest.UsageError("give --target PROFILE or --target-url URL, not both")
    config.pluginmanager.register(_Reports(config), _Reports.NAME)


def catalogue_for(config: pytest.Config) -> Catalogue:
    """The catalogue narrowed by ``--api``: what every suite parametrizes over."""
    return _catalogue(config)


def _catalogue(config: pytest.Config) -> Catalogue:
    catalogue = load_catalogue()
    wanted = config.getoption("bc_api")
    if not wanted:
        return catalogue
    return Catalogue({k: v for k, v in catalogue.items() if k in wanted}, catalogue.root)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bc_contract" not in metafunc.fixturenames:
        return
    catalogue = _catalogue(metafunc.config)
    metafunc.parametrize(
        "bc_contract",
        [pytest.param(c, id=api_id, marks=pytest.mark.api(api_id))
         for api_id, c in catalogue.items()],
    )


@pytest.fixture(scope="session")
def bc_strictness(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("bc_strictness"))


@pytest.fixture(scope="session")
def bc_run(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The run: starts the embedded mock when no target is given; tears everything down."""
    from backup_conformance.runtime import Run, RunOptions
    from backup_conformance.targets import TargetError

    options = RunOptions(
        target_url=pytestconfig.getoption("bc_target_url"),
        state_url=pytestconfig.getoption("bc_state_url"),
        target_profile=pytestconfig.getoption("bc_target"),
        strictness=pytestconfig.getoption("bc_strictness"),
        api_ids=tuple(pytestconfig.getoption("bc_api")),
        mock_options=dict(pytestconfig.getoption("bc_mock_options")),
        dry_run=pytestconfig.getoption("bc_dry_run"),
        record=_per_worker(pytestconfig.getoption("bc_record")),
    )
    try:
        run = Run(options, _catalogue(pytestconfig))
        if not options.dry_run:  # a dry run sends nothing, so it needs no reachable target
            run.probe()
    except (TargetError, ValueError) as exc:
        pytest.exit(f"backup-conformance: {exc}", returncode=2)
    pytestconfig.stash[_RUN] = run
    with _terminated_as_interrupt():
        yield run
    failures = run.close()
    pytestconfig.stash.setdefault(_TEARDOWN, []).extend(failures)
    report = pytestconfig.getoption("bc_resources_report")
    if report is not None and run.ledger is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({"target": run.description,
                                      "resources": run.ledger.report()}, indent=2) + "\n")


def _per_worker(path: Path | None) -> Path | None:
    """Under pytest-xdist each worker records to its own file (``run.gw0.har``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return path.with_name(f"{path.stem}.{worker}{path.suffix}") if path and worker else path


@contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, ``kill``) ends the run like Ctrl-C: pytest stops, the
    session's teardown releases every resource obtained on the target, and the reports are
    written. Python's default for SIGTERM is to die on the spot, skipping even ``atexit``.
    A handler someone else installed is left alone, as is any thread but the main one."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}: tearing down what this run obtained")

    ours = (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    if ours:
        signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        if ours:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _bc_release_resources(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tear down what a conformance test obtained as soon as it ends (the session-end
    teardown remains the safety net): a live account never holds more than one test's
    resources."""
    if "bc_run" not in request.fixturenames:
        yield
        return
    run = request.getfixturevalue("bc_run")
    mark = run.mark()
    yield
    failures = run.release(mark)
    if failures:
        request.config.stash.setdefault(_TEARDOWN, []).extend(failures)


_RUN = pytest.StashKey[Any]()
_TEARDOWN = pytest.StashKey[list[str]]()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """A test that cannot run here (no resources, no credentials, dry run) is *not run*,
    with the reason: never passed, never failed."""
    from backup_conformance.runtime import NotRunnable

    try:
        return (yield)
    except NotRunnable as exc:
        pytest.skip(f"not run: {exc}")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    reports = config.pluginmanager.get_plugin(_Reports.NAME)
    if run is None:
        if reports is not None and reports.collector.records:  # xdist: the run is in workers
            terminalreporter.section("backup-conformance")
            reports.summary(terminalreporter)
        return
    write = terminalreporter.write_line
    terminalreporter.section("backup-conformance")
    write(f"target: {run.description}; strictness: {run.strictness}")
    if run.ledger is not None:
        write(f"resources obtained through provider states: {run.ledger.obtained}")
        for state, count in sorted(run.ledger.obtained_by_state.items()):
            write(f"  {state}: {count}")
    for line in run.dry_run_output.getvalue().splitlines():
        write(line)
    for failure in config.stash.get(_TEARDOWN, []):
        write(f"teardown failed: {failure}", red=True)
    if reports is not None:
        reports.summary(terminalreporter)


# --- reports: the matrix, baselines, the previous-run diff, allure ------------------------

_META = pytest.StashKey[Any]()
_EXCHANGES = pytest.StashKey[list[Any]]()


class _Reports:
    """Feeds the reporting package: each test's markers become its matrix position (and JUnit
    properties, and allure labels); each report its outcome record; at the end the matrix,
    the baseline verdict and the diff are written. Under pytest-xdist the records are built in
    the controller from the reports the workers send (the failures travel as plain data)."""

    NAME = "backup-conformance-reports"

    def __init__(self, config: pytest.Config) -> None:
        from datetime import date

        from backup_conformance.reporting import Collector
        from backup_conformance.reporting.baseline import Baseline, BaselineError
        from backup_conformance.reporting.matrix import load_json

        self.config = config
        self.collector = Collector()
        self.today = date.today()
        self.worker = hasattr(config, "workerinput")
        self.allure = bool(getattr(config.option, "allure_report_dir", None))
        self.progress: Any = None
        self.matrix: dict[str, Any] | None = None
        self.lines: list[tuple[str, bool]] = []
        self.written: list[Path] = []
        baseline_path = config.getoption("bc_baseline", None)
        update = config.getoption("bc_update_baseline", False)
        if update and baseline_path is None:
            raise pytest.UsageError("--update-baseline needs --baseline FILE (the file to write)")
        try:
            self.baseline = (Baseline.load(baseline_path, missing_ok=update)
                             if baseline_path is not None else None)
        except BaselineError as exc:
            raise pytest.UsageError(str(exc)) from None
        previous = config.getoption("bc_previous_matrix", None)
        self.previous: dict[str, Any] | None = None
        if previous is not None:
            try:
                self.previous = load_json(previous)
            except (OSError, ValueError) as exc:
                raise pytest.UsageError(f"--previous-matrix {previous}: cannot use it "
                                        f"({str(exc).splitlines()[0]})") from None
        self.tap_list: Any = None

    # collection: markers -> matrix position, JUnit properties, allure labels
    @pytest.hookimpl(tryfirst=True)  # before allure's --allure-features selection reads labels
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        from backup_conformance.reporting import TestMeta
        from backup_conformance.reporting.allure_labels import labels
        from backup_conformance.reporting.matrix import vendor_of

        vendors = {api_id: vendor_of(c.family) for api_id, c in load_catalogue().items()}
        with_allure = hasattr(self.config.option, "allure_report_dir")
        for item in items:
            apis = [str(m.args[0]) for m in item.iter_markers("api") if m.args]
            checks = [str(m.args[0]) for m in item.iter_markers("check") if m.args]
            if not checks and not apis:
                continue  # not a conformance test (the project's self-tests)
            callspec = getattr(item, "callspec", None)
            function = getattr(item, "originalname", item.name)
            meta = TestMeta.from_item(item.nodeid, item.path.name, function, apis, checks,
                                      callspec.id if callspec is not None else "")
            item.stash[_META] = meta
            item.user_properties.extend(meta.properties())
            if with_allure:
                for label_type, value in labels(meta, vendors):
                    item.add_marker(pytest.mark.allure_label(value, label_type=label_type))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        from backup_conformance.reporting.summary import Progress

        planned: Counter[str] = Counter()
        for item in session.items:
            meta = item.stash.get(_META, None)
            if meta is not None:
                planned.update(meta.apis)
        self.progress = Progress(planned)

    # each test: capture exchanges for allure, record failures, apply the baseline
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        if not self.allure or _META not in item.stash:
            return (yield)
        run = item.config.stash.get(_RUN, None)
        if run is not None and self.tap_list is None:
            self._tap(run)
        if self.tap_list is not None:
            self.tap_list.clear()
        try:
            return (yield)
        finally:
            item.stash[_EXCHANGES] = list(self.tap_list or ())

    def _tap(self, run: Any) -> None:
        """Keep the last exchanges the test sent (the suites do not expose them), for
        allure's request and response attachments."""
        from collections import deque

        from backup_conformance.reporting.allure_labels import MAX_ATTACHED

        seen: deque[Any] = deque(maxlen=MAX_ATTACHED * 4)
        send = run.send

        def tapped(*args: Any, **kwargs: Any) -> Any:
            exchange = send(*args, **kwargs)
            seen.append(exchange)
            return exchange

        run.send = tapped
        self.tap_list = seen

    @pytest.hookimpl(wrapper=True, trylast=True)  # innermost: allure and JUnit see the result
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        meta = item.stash.get(_META, None)
        if meta is None:
            return report
        from backup_conformance.reporting import failure_dicts

        failures: list[dict[str, str]] = []
        if report.failed and call.excinfo is not None:
            failures, error = failure_dicts(call.excinfo.value)
            report.bc_failures, report.bc_error = failures, error
            if call.when == "call":
                item.user_properties.extend(
                    ("failed-check", name) for name in dict.fromkeys(f["check"]
                                                                     for f in failures))
            if self.baseline is not None and call.when == "call":
                entries = self.baseline.covering(failures, error, meta.apis, meta.check,
                                                 meta.test, self.today)
                if entries:
                    report.outcome = "skipped"
                    report.wasxfail = "baseline: " + "; ".join(dict.fromkeys(
                        e.reason for e in entries))
                    report.bc_expected = [e.label for e in entries]
        if self.allure and call.when == "call":
            self._attach(item, failures)
        return report

    def _attach(self, item: pytest.Item, failures: list[dict[str, str]]) -> None:
        import allure

        from backup_conformance.reporting import allure_labels

        exchanges = item.stash.get(_EXCHANGES, [])
        for exchange in allure_labels.chosen(exchanges, failures):
            for name, text in allure_labels.exchange_texts(exchange):
                allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)
        if not exchanges:
            for failure in failures:
                allure.attach(allure_labels.failure_text(failure), name=f"{failure['check']}",
                              attachment_type=allure.attachment_type.TEXT)
        for url, name in allure_labels.source_links(failures):
            allure.dynamic.link(url, name=name)
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        text = allure_labels.description(doc, failures)
        if text:
            allure.dynamic.description(text)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        from backup_conformance.reporting import TestMeta

        if self.worker:
            return
        meta = TestMeta.from_properties(report.user_properties)
        if meta is None:
            return
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        record = self.collector.phase(
            report.nodeid, report.when, report.outcome, meta, duration=report.duration,
            reason=str(reason), failures=getattr(report, "bc_failures", []),
            error=getattr(report, "bc_error", ""), expected=getattr(report, "bc_expected", []))
        if record is not None and self.progress is not None:
            terminal = self.config.pluginmanager.get_plugin("terminalreporter")
            for line in self.progress.finished(record):
                if terminal is not None:
                    terminal.write_line(f"[backup-conformance] finished {line}")

    # the end: matrix, baseline, diff
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker or not self.collector.records:
            return
        from backup_conformance.reporting import build_matrix, diff
        from backup_conformance.reporting.baseline import verdict_lines
        from backup_conformance.reporting.matrix import api_rows
        from backup_conformance.reporting.write import write_all

        records = self.collector.records
        verdict = self.baseline.verdict(records, self.today) if self.baseline else None
        run = self.config.stash.get(_RUN, None)
        target = run.description if run is not None else _target_text(self.config)
        self.matrix = build_matrix(records, api_rows(_catalogue(self.config)), target=target,
                                   strictness=str(self.config.getoption("bc_strictness")),
                                   baseline=verdict)
        if verdict is not None:
            self.lines += verdict_lines(verdict)
        if self.config.getoption("bc_update_baseline") and self.baseline is not None:
            path = self.baseline.path
            assert path is not None
            updated = self.baseline.updated(records, self.today)
            updated.write(path)
            self.lines.append((f"baseline {path} written: {len(updated.entries)} entr"
                               f"{'y' if len(updated.entries) == 1 else 'ies'}", False))
        directory = self.config.getoption("bc_matrix_dir")
        if self.previous is not None:
            changes = diff.diff(self.previous, self.matrix)
            self.lines += list(diff.lines(changes))
            if directory is not None:
                path = Path(directory) / "matrix-diff.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(diff.render_md(changes, self.previous, self.matrix),
                                encoding="utf-8")
                self.written.append(path)
        if directory is not None:
            self.written = write_all(self.matrix, Path(directory)) + self.written

    def summary(self, terminalreporter: Any) -> None:
        """The API x outcome table, then baseline and diff news, then the files written."""
        from backup_conformance.reporting.summary import table

        records = self.collector.records
        if not records:
            return
        write = terminalreporter.write_line
        write("")
        per_api = self.matrix["per_api"] if self.matrix is not None else None
        for line in table(records, list(_catalogue(self.config)), per_api):
            write(line)
        for line, bad in self.lines:
            write(line, red=bad, yellow=not bad)
        for path in self.written:
            write(f"report: {path}")


def _target_text(config: pytest.Config) -> str:
    profile = config.getoption("bc_target")
    url = config.getoption("bc_target_url")
    return str(profile or url or "embedded reference mock")
