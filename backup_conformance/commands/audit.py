"""``backup-conformance audit FILE...``: judge recorded traffic offline against the contracts.

Reads HAR 1.2 files, vcrpy YAML cassettes and the mock's recordings (``mock --record``), judges
every entry (operation, request, response, signature; ``backup_conformance.audit``) and writes
the reports a run writes. Exit codes like a run: 0 clean, 1 findings, 2 unreadable input or
contracts (one line naming the file and the entry).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backup_conformance.audit import Auditor, AuditTally, InputError, SignatureJudge, read, write
from backup_conformance.contracts import STRICTNESS_LEVELS, ContractError, load_catalogue
from backup_conformance.paths import project_root
from backup_conformance.secrets import scrub_secrets

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
SHOWN = 20  # findings printed in the terminal; the reports hold them all


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "audit",
        help="judge recorded traffic (HAR, vcrpy cassettes, mock recordings) offline",
        description=(
            "Judge every exchange of recorded traffic against the contracts: the operation, "
            "the client's request, the server's answer and, with the vendors' credential "
            "variables set, the signature. Exit 0 clean, 1 findings, 2 unreadable input."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="HAR 1.2 (.har), vcrpy cassette (.yaml) or mock recording (.jsonl)")
    parser.add_argument("--contracts", type=Path, default=None, metavar="DIR",
                        help="the contracts to judge by (default: the shipped contracts/)")
    parser.add_argument("--strictness", choices=STRICTNESS_LEVELS, default="vendor",
                        help="docs, vendor (default) or strict")
    parser.add_argument("--report-dir", type=Path, default=None, metavar="DIR",
                        help="where reports go (default: reports/ in the checkout, else "
                             "./reports)")
    parser.set_defaults(handler=audit)


def audit(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.contracts)
    except ContractError as exc:
        return _error(str(exc))
    auditor = Auditor(catalogue, args.strictness, SignatureJudge())
    tally = AuditTally()
    shown: list[str] = []
    try:
        for path in args.files:
            for recorded in read(path):
                judged = auditor.judge(recorded)
                tally.add(judged)
                for finding in judged.findings:
                    if len(shown) < SHOWN:
                        shown.append(_line(finding))
    except InputError as exc:
        return _error(str(exc))
    directory = args.report_dir or (project_root() or Path.cwd()) / "reports"
    written = write(tally, catalogue, directory, target=", ".join(map(str, args.files)),
                    strictness=args.strictness)
    for line in [*shown, *_summary(tally), *(f"report: {p}" for p in written)]:
        print(scrub_secrets(line))
    return EXIT_CLEAN if tally.clean else EXIT_FINDINGS


def _line(finding: dict[str, str]) -> str:
    return (f"{finding['repro']}\n  {finding['title']}\n  Received: {finding['received'][:300]}"
            f"\n  Documented: {finding['documented'][:300]}\n  Source: {finding['source']} "
            f"({finding['layer']})")


def _summary(tally: AuditTally) -> list[str]:
    sides = ", ".join(f"{n} {side}" for side, n in sorted(tally.findings.items())) or "none"
    lines = [f"audited {tally.entries} entr{'y' if tally.entries == 1 else 'ies'}: "
             f"findings: {sides}"]
    lines += [f"  {reason} ({count} entries)" for reason, count in
              sorted(tally.not_checked.items())]
    return lines


def _error(message: str) -> int:
    print(f"error: {scrub_secrets(message)}", file=sys.stderr)
    return EXIT_UNREADABLE
