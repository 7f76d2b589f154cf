"""``backup-conformance snapshot record|verify``: how faithful a target is to a recorded one.

``record`` runs the deterministic case set against a target (default: the embedded reference
mock) and writes one snapshot per API into ``--snapshots DIR``; ``verify`` replays them
against another target and writes ``parity.json`` / ``parity.md`` / ``parity.html``. Exit
codes: 0 parity, 1 a divergence (``--strict-parity``: also a free choice), 2 usage or setup
errors (one line naming the file, flag or target at fault).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backup_conformance.contracts import STRICTNESS_LEVELS, Catalogue, load_catalogue
from backup_conformance.paths import project_root
from backup_conformance.reporting import render_parity
from backup_conformance.runtime import NotRunnable, Run, RunOptions
from backup_conformance.snapshot import parity as parity_report
from backup_conformance.snapshot import store
from backup_conformance.snapshot.record import record
from backup_conformance.snapshot.verify import verify
from backup_conformance.targets import TargetError

EXIT_USAGE = 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "snapshot", help="record a target's answers, or verify another target against them",
        description="Snapshot parity: record every exchange of a deterministic case set from "
                    "one target, then replay it against another and classify each difference.")
    actions = parser.add_subparsers(dest="snapshot_action", metavar="ACTION", required=True)
    recorder = actions.add_parser("record", help="record snapshots from a target")
    verifier = actions.add_parser("verify", help="replay snapshots against a target")
    for sub in (recorder, verifier):
        sub.add_argument("--target-url", metavar="URL",
                         help="one base URL for every API (default: the embedded reference "
                              "mock); signed when the vendors' credential variables are set")
        sub.add_argument("--state-url", metavar="URL",
                         help="the target's provider-state endpoint (needed with --target-url)")
        sub.add_argument("--snapshots", metavar="DIR", type=Path, required=True,
                         help="the snapshot folder")
        sub.add_argument("--api", metavar="ID", action="append", default=[],
                         help="only this API (repeatable)")
        sub.add_argument("--mock-option", metavar="KEY=VALUE", action="append", default=[],
                         help="embedded mock only: variant=relaxed, mutation=NAME[,NAME]")
    verifier.add_argument("--strictness", choices=STRICTNESS_LEVELS, default="vendor",
                          help="the level both answers are judged at (default vendor)")
    verifier.add_argument("--strict-parity", action="store_true",
                          help="fail on free choices too, not only on divergences")
    verifier.add_argument("--report-dir", metavar="DIR", type=Path, default=None,
                          help="where parity.json/.md/.html go (default: reports/)")
    recorder.set_defaults(handler=run_record)
    verifier.set_defaults(handler=run_verify)


def run_record(args: argparse.Namespace) -> int:
    try:
        catalogue, options = _setup(args, "vendor")
        with _run(options, catalogue) as run:
            documents = record(run, _selected(catalogue, args.api), _target(run, options))
        written = store.write(args.snapshots, documents)
    except (store.SnapshotError, TargetError, NotRunnable, ValueError, OSError) as exc:
        return _usage(exc)
    cases = sum(len(d["cases"]) for d in documents.values())
    print(f"recorded {cases} case(s) of {len(documents)} API(s) from {_target(run, options)} "
          f"into {args.snapshots} ({len(written)} file(s))")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    try:
        documents = store.read(args.snapshots)
        ignore = store.IgnoreList.load(args.snapshots)
        catalogue, options = _setup(args, args.strictness)
        with _run(options, catalogue) as run:
            results = verify(run, _selected(catalogue, args.api), documents, ignore)
            target = _target(run, options)
        selected = {k: v for k, v in documents.items() if not args.api or k in args.api}
        report = parity_report.build(results, documents=selected, target=target,
                                     strictness=args.strictness,
                                     strict_parity=args.strict_parity,
                                     snapshots=str(args.snapshots), ignore=ignore)
        folder = args.report_dir or (project_root() or Path.cwd()) / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "parity.json").write_text(store.dump(report), encoding="utf-8")
        (folder / "parity.md").write_text(parity_report.render_md(report), encoding="utf-8")
        (folder / "parity.html").write_text(render_parity.page(report), encoding="utf-8")
    except (store.SnapshotError, TargetError, NotRunnable, ValueError, OSError) as exc:
        return _usage(exc)
    print(parity_report.summary(report))
    for op in report["operations"]:
        for entry in op["divergences"]:
            print(f"divergence: {op['api_id']} {entry['case']} call {entry['call']}: "
                  + "; ".join(entry["paths"] or entry["checks"]))
    print(f"report: {folder / 'parity.md'}")
    return parity_report.exit_code(report)


def _setup(args: argparse.Namespace, strictness: str) -> tuple[Catalogue, RunOptions]:
    if args.target_url and not args.state_url:
        raise ValueError("--target-url needs --state-url: every snapshot case obtains its "
                         "resources through provider states")
    if args.mock_option and args.target_url:
        raise ValueError("--mock-option applies to the embedded mock only (no --target-url)")
    mock: dict[str, str] = {}
    for item in args.mock_option:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--mock-option {item!r}: expected KEY=VALUE")
        mock[key] = value
    catalogue = load_catalogue()
    _selected(catalogue, args.api)  # an unknown id fails here, before a target is started
    return catalogue, RunOptions(target_url=args.target_url, state_url=args.state_url,
                                 strictness=strictness, mock_options=mock)


def _selected(catalogue: Catalogue, wanted: list[str]) -> Catalogue:
    if not wanted:
        return catalogue
    try:
        return Catalogue({api_id: catalogue[api_id] for api_id in wanted}, catalogue.root)
    except KeyError as exc:
        raise ValueError(f"--api: {exc.args[0]}") from None


class _run:
    """A ``Run`` probed at start and closed (resources torn down) at the end."""

    def __init__(self, options: RunOptions, catalogue: Catalogue) -> None:
        self.options, self.catalogue = options, catalogue

    def __enter__(self) -> Run:
        self.run = Run(self.options, self.catalogue)
        try:
            self.run.probe()
        except BaseException:
            self.run.close()
            raise
        return self.run

    def __exit__(self, *exc: object) -> None:
        for failure in self.run.close():
            print(f"warning: teardown: {failure}", file=sys.stderr)


def _target(run: Run, options: RunOptions) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in sorted(options.mock_options.items()))
    return run.description + (f" ({extra})" if extra else "")


def _usage(exc: BaseException) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return EXIT_USAGE
