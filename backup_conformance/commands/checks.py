"""``backup-conformance checks``: every check, its layer, the levels judging it and the
documented facts it rests on (the evidence table of ``backup_conformance/checks/evidence.py``).

A reader deciding on ``--strictness`` sees here what each level would hold a target to, and
which facts rest on cut tables or contested sources (only ``strict`` judges those).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from backup_conformance.contracts import STRICTNESS_LEVELS, ContractError, load_catalogue

EXIT_OK, EXIT_USAGE = 0, 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "checks", help="list every check with the evidence it rests on",
        description="Every registered check: its layer, the strictness levels that judge it "
                    "and, per API, the page line or vendor source behind it, whether the table "
                    "it closes a set with is complete and whether the fact is contested.")
    parser.add_argument("--strictness", choices=STRICTNESS_LEVELS, default="vendor",
                        help="the level whose evidence is shown (default vendor)")
    parser.add_argument("--api", metavar="ID", action="append", default=[],
                        help="only this API (repeatable)")
    parser.add_argument("--json", action="store_true",
                        help="print the whole evidence table (every level) as JSON")
    parser.set_defaults(handler=checks)


def checks(args: argparse.Namespace) -> int:
    import backup_conformance.cases.evidence  # noqa: F401  (the sequence checks' derivers)
    from backup_conformance.checks.evidence import table
    from backup_conformance.reporting.evidence_view import describe

    try:
        catalogue = load_catalogue()
        chosen = {api: catalogue[api] for api in args.api} if args.api else dict(catalogue)
    except (ContractError, KeyError) as exc:
        print(f"backup-conformance checks: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_USAGE
    rows = table(chosen)
    if args.json:
        print(json.dumps(rows, indent=2, sort_keys=True))
        return EXIT_OK
    for row in rows:
        judged = args.strictness in row["levels"]
        print(f"{row['check']} ({row['layer']}; judged at {', '.join(row['levels'])})")
        if not judged:
            print(f"  not judged at {args.strictness}")
        for e in (e for e in row["evidence"] if e["level"] == args.strictness):
            print(f"  {e['api']}: {e['fact']} — {describe(e)}")
    return EXIT_OK
