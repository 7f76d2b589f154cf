"""``backup-conformance extract [PAGE...] [--out DIR] [--check]``: pages to contracts."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from backup_conformance.extract.model import Operation
from backup_conformance.extract.page import PageFormatError
from backup_conformance.extract.pipeline import Sources, extract_all, render_operations
from backup_conformance.extract.sync import difference, write
from backup_conformance.paths import contracts_dir

_API_ID = re.compile(r"^[a-z][a-z0-9-]*\.[A-Za-z]\w*$")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "extract",
        help="extract contracts from the API reference pages",
        description=(
            "Extract contracts from API reference pages. With no PAGE, the pages in SOURCES "
            "(default: contracts/sources). A PAGE named like a page in SOURCES replaces it; "
            "otherwise exactly the PAGEs given are extracted (write them with --out DIR)."
        ),
    )
    parser.add_argument("pages", nargs="*", metavar="PAGE", type=Path,
                        help="a page file to extract: a newer copy of a page in SOURCES (same "
                             "name), or any other page, e.g. fixtures/reference/docs/more/*.txt")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="contracts folder to write (default: the project's contracts/)")
    parser.add_argument("--sources", type=Path, default=None, metavar="DIR",
                        help="folder of source pages, vendor appendices and metadata "
                             "(default: contracts/sources)")
    parser.add_argument("--api-id", default=None, metavar="SERVICE.OPERATION",
                        help="API id of the one PAGE given, when the page does not tell it")
    parser.add_argument("--version", default=None, metavar="VERSION",
                        help="API version of the one PAGE given (Alibaba: e.g. 2017-09-08)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff when the contracts are stale")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = args.out or contracts_dir()
    sources_dir = args.sources or contracts_dir() / "sources"
    try:
        sources = _sources(sources_dir, args.pages, args.out, args)
        ops = extract_all(sources)
        rendered = render_operations(ops, sources)
    except (PageFormatError, _UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.pages:
        for op in ops:
            print(summary(op))
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


def summary(op: Operation) -> str:
    """What one page gave and what it lacks, one line per gap."""
    identity = f"{op.method} {op.path}" if op.method else f"Action={op.action}"
    fields = sum(len(r.fields) for r in op.responses)
    lines = [
        f"{op.page}: {op.api_id} ({identity}, version {op.version or 'unset'}): "
        f"{len(op.parameters)} parameters, {fields} response fields, "
        f"{len(op.error_codes)} error codes, {len(op.authorization)} authorization rows, "
        f"{len(op.examples)} examples, {len(op.anomalies)} anomalies"
    ]
    lines += [f"  gap {op.page}:{gap.source.line}: {gap.what}" for gap in op.gaps]
    if not op.service:
        lines.append(f"  no service: {op.page} states none; a run routes and signs by service, "
                     f"so pass --api-id SERVICE.{op.api_id}")
    return "\n".join(lines)


class _UsageError(Exception):
    pass


def _sources(
    sources_dir: Path, pages: list[Path], out: Path | None, args: argparse.Namespace
) -> Sources:
    if not sources_dir.is_dir():
        raise _UsageError(f"{sources_dir}: no such folder of source pages")
    found = {path.name: path for path in sorted(sources_dir.glob("*.txt"))}
    for page in pages:
        if not page.is_file():
            raise _UsageError(f"{page}: no such page file")
    if pages and any(page.name not in found for page in pages):
        if out is None and not args.check:
            raise _UsageError("new pages are written to a folder of their own: add --out DIR")
        found = {}
    found.update({page.name: page for page in pages})
    if not found:
        raise _UsageError(f"{sources_dir}: no *.txt pages to extract")
    return Sources(
        pages=found,
        vendor_common=sources_dir / "vendor-common",
        metadata=sources_dir / "metadata",
        identity=_identity(pages, args),
    )


def _identity(pages: list[Path], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    if args.api_id is None and args.version is None:
        return {}
    if len(pages) != 1:
        raise _UsageError("--api-id and --version apply to exactly one PAGE")
    given: dict[str, Any] = {}
    if args.api_id is not None:
        if not _API_ID.match(args.api_id):
            raise _UsageError(f"--api-id {args.api_id!r}: expected service.Operation")
        given["api_id"] = args.api_id
        given["service"] = args.api_id.split(".", 1)[0]
    if args.version is not None:
        given["version"] = args.version
    return {pages[0].name: given}
