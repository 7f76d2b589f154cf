"""``backup-conformance run``: the suites against a target, reports under ``reports/``:
``junit.xml`` (pytest's), ``resources.json``, the matrix (``matrix.json`` / ``.md`` / ``.html``,
``matrix-junit.xml``, ``matrix-diff.md`` with ``--previous-matrix``) and ``allure-results/``.

A thin layer over ``pytest suites`` with the same options, taken from their one declaration in
``plugin_options.py`` (docs/design.md section 5): anything after the known options goes to
pytest unchanged, and pytest's exit code is the command's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from backup_conformance.paths import project_root, suites_dir
from backup_conformance.plugin_options import add_forwarded, forwarded_argv


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "run",
        help="run the conformance suites (default target: the embedded reference mock)",
        description=(
            "Run the conformance suites against a target and write reports. Arguments after "
            "the options below are passed to pytest (e.g. -k, -x, -n 2)."
        ),
    )
    add_forwarded(parser)
    parser.add_argument("--report-dir", type=Path, default=None, metavar="DIR",
                        help="where reports go (default: reports/ in the checkout, else ./reports)")
    parser.add_argument("--hypothesis-profile", choices=("ci", "dev", "nightly"), default=None,
                        help="how many generated cases (default: ci, fast and deterministic)")
    parser.add_argument("--no-allure", action="store_true",
                        help="do not write allure results (reports/allure-results)")
    parser.set_defaults(handler=run)


def _report_dir(requested: Path | None) -> Path:
    if requested is not None:
        return requested
    root = project_root()
    return (root if root is not None else Path.cwd()) / "reports"


def pytest_args(args: argparse.Namespace, extra: list[str]) -> list[str]:
    """The pytest command line equivalent to ``args``."""
    reports = _report_dir(args.report_dir)
    # --assert=plain: the suites report through CheckFailure, never a bare assert, and
    # rewriting every module of every pytest11 plugin costs ~2 s a start where bytecode may
    # not be cached (PYTHONDONTWRITEBYTECODE; bench/ rows d.startup*).
    argv = [str(suites_dir()), "-p", "no:cacheprovider", f"--rootdir={suites_dir()}",
            "--assert=plain",
            f"--junitxml={reports / 'junit.xml'}",
            f"--resources-report={reports / 'resources.json'}", f"--matrix-dir={reports}"]
    if not args.no_allure:
        argv += [f"--alluredir={reports / 'allure-results'}", "--clean-alluredir"]
    argv += forwarded_argv(args)
    if args.hypothesis_profile:
        argv.append(f"--hypothesis-profile={args.hypothesis_profile}")
    return argv + extra


def run(args: argparse.Namespace) -> int:
    import pytest

    argv = pytest_args(args, list(getattr(args, "extra", [])))
    _report_dir(args.report_dir).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(_report_dir(args.report_dir)
                                                              / ".hypothesis"))
    sys.stdout.flush()
    return int(pytest.main(argv))
