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
from collections import Counter
from collections.abc import Iterator
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
    )
    try:
        run = Run(options, _catalogue(pytestconfig))
        if not options.dry_run:  # a dry run sends nothing, so it needs no reachable target
            run.probe()
    except (TargetError, ValueError) as exc:
        pytest.exit(f"backup-conformance: {exc}", returncode=2)
    pytestconfig.stash[_RUN] = run
    yield run
    failures = run.close()
    pytestconfig.stash[_TEARDOWN] = failures
    report = pytestconfig.getoption("bc_resources_report")
    if report is not None and run.ledger is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({"target": run.description,
                                      "resources": run.ledger.report()}, indent=2) + "\n")


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
    if run is None:
        return
    write = terminalreporter.write_line
    terminalreporter.section("backup-conformance")
    write(f"target: {run.description}; strictness: {run.strictness}")
    if run.ledger is not None:
        records = run.ledger.records
        write(f"resources obtained through provider states: {len(records)}")
        for state, count in sorted(Counter(r.state for r in records).items()):
            write(f"  {state}: {count}")
    for line in run.dry_run_output.getvalue().splitlines():
        write(line)
    for failure in config.stash.get(_TEARDOWN, []):
        write(f"teardown failed: {failure}", red=True)
