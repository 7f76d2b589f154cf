"""``backup-conformance extract [PAGE...] [--out DIR] [--check]``: pages to contracts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backup_conformance.extract.page import PageFormatError
from backup_conformance.extract.pipeline import Sources, render_all
from backup_conformance.extract.sync import difference, write
from backup_conformance.paths import contracts_dir


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "extract",
        help="extract contracts from the API reference pages",
        description=(
            "Extract contracts from API reference pages. The pages are those in SOURCES "
            "(default: contracts/sources), each replaced by a PAGE of the same file name."
        ),
    )
    parser.add_argument("pages", nargs="*", metavar="PAGE", type=Path,
                        help="a page file to (re-)extract, e.g. newer/000_10d5ee10dc05d446.txt")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="contracts folder to write (default: the project's contracts/)")
    parser.add_argument("--sources", type=Path, default=None, metavar="DIR",
                        help="folder of source pages, vendor appendices and metadata "
                             "(default: contracts/sources)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff when the contracts are stale")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = args.out or contracts_dir()
    sources_dir = args.sources or contracts_dir() / "sources"
    try:
        sources = _sources(sources_dir, args.pages)
        rendered = render_all(sources)
    except PageFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        report = difference(rendered, out)
        if report:
            print("\n".join(report))
            print(f"error: {out} is stale; run `backup-conformance extract` and commit the result",
                  file=sys.stderr)
            return 1
        print(f"contracts in {out} match the pages ({len(rendered)} files)")
        return 0
    changed = write(rendered, out)
    print(f"{len(changed)} of {len(rendered)} files changed in {out}")
    for rel in changed:
        print(f"  {rel}")
    return 0


class _UsageError(Exception):
    pass


def _sources(sources_dir: Path, pages: list[Path]) -> Sources:
    if not sources_dir.is_dir():
        raise _UsageError(f"{sources_dir}: no such folder of source pages")
    found = {path.name: path for path in sorted(sources_dir.glob("*.txt"))}
    for page in pages:
        if not page.is_file():
            raise _UsageError(f"{page}: no such page file")
        found[page.name] = page
    if not found:
        raise _UsageError(f"{sources_dir}: no *.txt pages to extract")
    return Sources(
        pages=found,
        vendor_common=sources_dir / "vendor-common",
        metadata=sources_dir / "metadata",
    )
