"""The plugin's command-line options, declared once: the pytest plugin registers them
(``pytest_addoption``) and ``backup-conformance run`` offers the forwarded ones and passes
them on to pytest, so a new option is one entry here, not two declarations that drift.

Plain argparse keywords, free of pytest (ARCHITECTURE.md: only ``plugin.py`` touches pytest).
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backup_conformance.contracts import STRICTNESS_LEVELS


def unknown_api(value: str, known: list[str]) -> str:
    """Why ``value`` is no ``--api`` id of ``known``: the valid ones and the nearest. The
    plugin checks ``--api`` against the catalogue of ``--contracts DIR`` once both are read."""
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown API id {value!r}; valid: {', '.join(known)}.{hint}"


def mock_option(value: str) -> tuple[str, str]:
    """A ``--mock-option`` value: ``NAME=VALUE``."""
    name, sep, setting = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name, setting


@dataclass(frozen=True)
class Option:
    """One option: its flag, ``dest`` and argparse keywords. ``forwarded``: ``run`` offers it
    and passes it to pytest as given (pytest's ``type=`` then validates it, so a bad value is
    pytest's usage error either way); ``exclusive``: ``run`` refuses it with the others of the
    same group (the plugin refuses the pair in ``pytest_configure``)."""

    flag: str
    dest: str
    help: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    forwarded: bool = True
    exclusive: str | None = None


OPTIONS: tuple[Option, ...] = (
    Option("--target-url", "bc_target_url",
           "run every API against this base URL (default: the embedded mock)",
           {"metavar": "URL", "default": None}, exclusive="target"),
    Option("--target", "bc_target", "a target profile (see fixtures/targets/)",
           {"metavar": "PROFILE.toml", "default": None, "type": Path}, exclusive="target"),
    Option("--state-url", "bc_state_url",
           "the target's provider-state endpoint (POST {state, params, action})",
           {"metavar": "URL", "default": None}),
    Option("--api", "bc_api", "run only this API (repeatable)",
           {"metavar": "ID", "action": "append", "default": []}),
    Option("--contracts", "bc_contracts",
           "the contracts folder to run (e.g. one `backup-conformance extract PAGE... --out "
           "DIR` wrote; default: the project's or the wheel's)",
           {"metavar": "DIR", "type": Path, "default": None}),
    Option("--strictness", "bc_strictness",
           "docs: the pages only; vendor: plus the vendor-common layer (default); strict: "
           "plus labelled expectations no document states",
           {"default": "vendor", "choices": STRICTNESS_LEVELS}),
    Option("--dry-run", "bc_dry_run",
           "print every request (redacted) instead of sending it; no resources are obtained "
           "(tests report 'not run: dry run')",
           {"action": "store_true", "default": False}),
    Option("--resources-report", "bc_resources_report",
           "write every resource obtained through provider states (and whether its teardown "
           "succeeded) to FILE as JSON",
           {"metavar": "FILE", "type": Path, "default": None}, forwarded=False),
    Option("--mock-option", "bc_mock_options",
           "an option of the embedded mock, e.g. variant=relaxed or mutation=NAME (the "
           "mutation self-test uses these)",
           {"metavar": "NAME=VALUE", "action": "append", "default": [], "type": mock_option},
           forwarded=False),
    Option("--matrix-dir", "bc_matrix_dir",
           "write the conformance matrix to DIR: matrix.json (schema: "
           "backup_conformance/reporting/schema/matrix.schema.json), matrix.md, matrix.html, "
           "matrix-junit.xml (and matrix-diff.md)",
           {"metavar": "DIR", "type": Path, "default": None}, forwarded=False),
    Option("--baseline", "bc_baseline",
           "expected failures (API x check x test id, each with a reason and an optional "
           "expiry date): they no longer fail the run; new and expired ones do; fixed ones "
           "are reported for pruning",
           {"metavar": "FILE", "type": Path, "default": None}),
    Option("--update-baseline", "bc_update_baseline",
           "write this run's failures to the --baseline FILE (reasons and expiry dates of "
           "entries still failing are kept)",
           {"action": "store_true", "default": False}),
    Option("--previous-matrix", "bc_previous_matrix",
           "a matrix.json of an earlier run: report what regressed and what was fixed since "
           "(terminal, and matrix-diff.md in --matrix-dir)",
           {"metavar": "FILE", "type": Path, "default": None}),
)


def add_options(add: Callable[..., Any], options: tuple[Option, ...] = OPTIONS) -> None:
    """Register ``options`` through ``add`` (``group.addoption`` or ``add_argument``)."""
    for option in options:
        add(option.flag, dest=option.dest, help=option.help, **option.kwargs)


def add_forwarded(parser: argparse.ArgumentParser) -> None:
    """The forwarded options on ``run``'s parser, as strings (pytest converts and checks
    them), the ``exclusive`` ones in mutually exclusive groups."""
    groups: dict[str, Any] = {}
    for option in OPTIONS:
        if not option.forwarded:
            continue
        kwargs = {k: v for k, v in option.kwargs.items() if k != "type"}
        target: Any = parser
        if option.exclusive is not None:
            if option.exclusive not in groups:
                groups[option.exclusive] = parser.add_mutually_exclusive_group()
            target = groups[option.exclusive]
        target.add_argument(option.flag, dest=option.dest, help=option.help, **kwargs)


def forwarded_argv(args: argparse.Namespace) -> list[str]:
    """The forwarded options ``args`` sets (to other than their defaults), as pytest flags."""
    argv: list[str] = []
    for option in OPTIONS:
        value = getattr(args, option.dest, None) if option.forwarded else None
        if value is None or value == option.kwargs.get("default"):
            continue
        if option.kwargs.get("action") == "store_true":
            argv.append(option.flag)
        elif option.kwargs.get("action") == "append":
            argv += [f"{option.flag}={item}" for item in value]
        else:
            argv.append(f"{option.flag}={value}")
    return argv
