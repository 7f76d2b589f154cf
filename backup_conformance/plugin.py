"""The pytest plugin: options, markers and fixtures of the conformance suites.

The only module that touches pytest internals (ARCHITECTURE.md). Registered through the
``pytest11`` entry point, so ``pytest suites`` works from a checkout and from an installed wheel.

Fixtures (all documented in the README):
- ``bc_run`` (session, ``Run``): the target, client, resource ledger and judge of this run;
- ``bc_contract`` (parametrized over the catalogue, narrowed by ``--api``): one API's contract;
- ``bc_strictness`` (session, ``str``): ``docs``, ``vendor`` or ``strict``.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from backup_conformance import hypothesis_profiles
from backup_conformance.contracts import Catalogue, ContractError, load_catalogue
from backup_conformance.plugin_options import add_options, unknown_api

if TYPE_CHECKING:
    from backup_conformance.reporting.session import RecentExchanges
    from backup_conformance.runtime import Run

MARKERS = (
    "api(api_id): the API a conformance test judges",
    "check(name): the family of checks a conformance test exercises",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("backup-conformance", "backup-conformance target and strictness")
    add_options(group.addoption)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        hypothesis_profiles.load_default()
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if config.getoption("bc_target") and config.getoption("bc_target_url"):
        raise pytest.UsageError("give --target PROFILE or --target-url URL, not both")
    _check_catalogue_options(config)
    config.pluginmanager.register(_Reports(config), _Reports.NAME)


def catalogue_for(config: pytest.Config) -> Catalogue:
    """The catalogue narrowed by ``--api``: what every suite parametrizes over."""
    return _catalogue(config)


def _check_catalogue_options(config: pytest.Config) -> None:
    """``--contracts DIR`` loads and every ``--api`` names one of its APIs: one line, else."""
    if config.getoption("bc_contracts", None) is None and not config.getoption("bc_api"):
        return  # nothing to check (and no contracts to read for unrelated pytest sessions)
    try:
        known = list(_full_catalogue(config))
    except ContractError as exc:
        raise pytest.UsageError(f"--contracts: {exc}") from None
    for api_id in config.getoption("bc_api"):
        if api_id not in known:
            raise pytest.UsageError(f"--api: {unknown_api(api_id, known)}")


def _full_catalogue(config: pytest.Config) -> Catalogue:
    """The catalogue of ``--contracts DIR`` (default: the project's or the wheel's)."""
    return load_catalogue(config.getoption("bc_contracts", None))


def _catalogue(config: pytest.Config) -> Catalogue:
    catalogue = _full_catalogue(config)
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
def bc_run(pytestconfig: pytest.Config) -> Iterator[Run]:
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
    except (TargetError, ValueError, ContractError) as exc:
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
    run: Run = request.getfixturevalue("bc_run")
    mark = run.mark()
    yield
    failures = run.release(mark)
    if failures:
        request.config.stash.setdefault(_TEARDOWN, []).extend(failures)


_RUN = pytest.StashKey["Run"]()
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
        if reports is not None and reports.session.records:  # xdist: the run is in workers
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
    for note in getattr(run, "notes", []):
        write(note, yellow=True)
    for failure in config.stash.get(_TEARDOWN, []):
        write(f"teardown failed: {failure}", red=True)
    if reports is not None:
        reports.summary(terminalreporter)


# --- reports: hooks feeding reporting.session (the matrix, baselines, diff) and allure --------

_META = pytest.StashKey[Any]()
_EXCHANGES = pytest.StashKey[list[Any]]()


class _Reports:
    """The pytest side of the reports: each test's markers become its matrix position (and
    JUnit properties, and allure labels); each report is handed to ``SessionReports``, which
    writes everything at the session's end. Under pytest-xdist the records are built in the
    controller from the reports the workers send (the failures travel as plain data)."""

    NAME = "backup-conformance-reports"

    def __init__(self, config: pytest.Config) -> None:
        from backup_conformance.reporting.session import ReportOptionError, SessionReports

        self.config = config
        self.worker = hasattr(config, "workerinput")
        self.allure = bool(getattr(config.option, "allure_report_dir", None))
        self.recent: RecentExchanges | None = None  # observes the run once it exists
        try:
            self.session = SessionReports(
                baseline=config.getoption("bc_baseline", None),
                update_baseline=config.getoption("bc_update_baseline", False),
                previous_matrix=config.getoption("bc_previous_matrix", None))
        except ReportOptionError as exc:
            raise pytest.UsageError(str(exc)) from None

    # collection: markers -> matrix position, JUnit properties, allure labels
    @pytest.hookimpl(tryfirst=True)  # before allure's --allure-features selection reads labels
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        from backup_conformance.reporting import TestMeta
        from backup_conformance.reporting.allure_labels import labels
        from backup_conformance.reporting.matrix import vendor_of

        vendors = {api_id: vendor_of(c.family) for api_id, c in
                   _full_catalogue(self.config).items()}
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
        self.session.plan(meta for item in session.items
                          if (meta := item.stash.get(_META, None)) is not None)

    # each test: keep its exchanges for allure, record failures, apply the baseline
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        if not self.allure or _META not in item.stash:
            return (yield)
        run = item.config.stash.get(_RUN, None)
        if run is not None and self.recent is None:
            from backup_conformance.reporting.allure_labels import MAX_ATTACHED
            from backup_conformance.reporting.session import RecentExchanges

            self.recent = RecentExchanges(MAX_ATTACHED * 4)
            run.on_exchange(self.recent)
        if self.recent is not None:
            self.recent.clear()
        try:
            return (yield)
        finally:
            item.stash[_EXCHANGES] = self.recent.taken() if self.recent is not None else []

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
                entries = self.session.expected(failures, error, meta)
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
        finished = self.session.phase(
            report.nodeid, report.when, report.outcome, meta, duration=report.duration,
            reason=str(reason), failures=getattr(report, "bc_failures", []),
            error=getattr(report, "bc_error", ""), expected=getattr(report, "bc_expected", []))
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        for line in finished:
            if terminal is not None:
                terminal.write_line(f"[backup-conformance] finished {line}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker:
            return
        import backup_conformance.cases.evidence  # noqa: F401  (the sequence checks' derivers)
        from backup_conformance.checks.evidence import table
        from backup_conformance.reporting.matrix import api_rows

        run = self.config.stash.get(_RUN, None)
        self.session.finish(
            target=run.description if run is not None else _target_text(self.config),
            rows=api_rows(_catalogue(self.config)),
            strictness=str(self.config.getoption("bc_strictness")),
            matrix_dir=self.config.getoption("bc_matrix_dir"),
            evidence=table(_catalogue(self.config)))

    def summary(self, terminalreporter: Any) -> None:
        for line, colour in self.session.summary(list(_catalogue(self.config))):
            terminalreporter.write_line(line, **({colour: True} if colour else {}))


def _target_text(config: pytest.Config) -> str:
    profile = config.getoption("bc_target")
    url = config.getoption("bc_target_url")
    return str(profile or url or "embedded reference mock")
