"""The ``backup-conformance`` command: one sub-command per job (docs/design.md section 5).

Exit codes follow pytest's: 0 conformant / success, 1 non-conformant / drift, 2 usage or setup
errors. Every error is one readable line naming the file, line or flag at fault.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from backup_conformance.commands import audit as audit_command
from backup_conformance.commands import checks as checks_command
from backup_conformance.commands import extract as extract_command
from backup_conformance.commands import mock as mock_command
from backup_conformance.commands import run as run_command
from backup_conformance.commands import snapshot as snapshot_command

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backup-conformance",
        description="Contract tests and a reference mock for five cloud backup APIs.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    extract_command.register(commands)
    mock_command.register(commands)
    run_command.register(commands)
    audit_command.register(commands)
    snapshot_command.register(commands)
    checks_command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
