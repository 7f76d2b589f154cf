"""Pages in, the complete set of ``contracts/`` files out (in memory).

Which extractor reads a page is decided by the page's own layout; the catalogue
(``pages.json``) only names the API id and version that a page does not print.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backup_conformance.extract.alibaba import extract_alibaba, is_alibaba_page
from backup_conformance.extract.cross_document import cross_document_anomalies
from backup_conformance.extract.huawei import extract_huawei, is_huawei_page
from backup_conformance.extract.metadata_crosscheck import crosscheck_report, render_markdown
from backup_conformance.extract.model import Operation
from backup_conformance.extract.page import Page, PageFormatError
from backup_conformance.extract.render import (
    dump_json,
    render_anomalies,
    render_catalogue,
    render_operation,
)
from backup_conformance.extract.vendor_common import (
    alibaba_layer,
    huawei_layer,
    render_vendor_common,
)

_CATALOGUE = Path(__file__).with_name("pages.json")


@dataclass(frozen=True)
class Sources:
    """Where the inputs of one extraction live (all inside ``contracts/sources`` by default)."""

    pages: dict[str, Path]  # file name -> path
    vendor_common: Path  # vendor appendices (error and status code tables)
    metadata: Path  # vendor machine-readable metadata
    identity: dict[str, dict[str, Any]] | None = None  # file name -> --api-id/--version given


def catalogue() -> dict[str, dict[str, Any]]:
    """Page file name -> catalogue entry."""
    data = json.loads(_CATALOGUE.read_text(encoding="utf-8"))
    return {entry["page"]: entry for entry in data["pages"]}


def extract_page(
    path: Path, entry: dict[str, Any] | None = None, metadata: Path | None = None
) -> Operation:
    """One page to one ``Operation``; raises ``PageFormatError`` naming the file and line.

    ``entry`` gives what the page does not print (``api_id``, ``version``, ``service``): the
    catalogue's entry for the five product pages, or the caller's ``--api-id``/``--version``;
    ``metadata`` is the folder of vendor metadata that settles an Alibaba page's identity."""
    page = Page.read(path)
    entry = entry or {}
    if is_alibaba_page(page):
        op = extract_alibaba(page, api_id=entry.get("api_id"), version=entry.get("version"),
                             metadata_dir=metadata)
        if entry.get("version"):
            op.notes.append(
                f"version {entry['version']}: not printed on the page; from the catalogue "
                "(docs/design.md section 1)"
            )
        return op
    if is_huawei_page(page):
        return extract_huawei(page, api_id=entry.get("api_id"), service=entry.get("service"))
    raise PageFormatError(page.name, 1, "an Alibaba Cloud or Huawei Cloud API reference page")


def render_all(sources: Sources) -> dict[str, str]:
    """Every file of ``contracts/`` keyed by its relative path. Nothing is written here."""
    ops = extract_all(sources)
    return render_operations(ops, sources)


def extract_all(sources: Sources) -> list[Operation]:
    """Every page of ``sources`` as an ``Operation`` (catalogue entry, else the caller's flags)."""
    known = catalogue()
    given = sources.identity or {}
    return [
        extract_page(path, {**known.get(name, {}), **given.get(name, {})}, sources.metadata)
        for name, path in sorted(sources.pages.items())
    ]


def render_operations(ops: list[Operation], sources: Sources) -> dict[str, str]:
    """The contracts folder's files for already extracted operations."""
    _refuse_duplicate_ids(ops)
    files: dict[str, str] = {}
    for op in ops:
        files.update(render_operation(op))
    huawei = huawei_layer(sources.vendor_common)
    huawei["page_conflicts"] = cross_document_anomalies(ops, huawei)
    files["catalogue.json"] = render_catalogue(ops)
    files["ANOMALIES.md"] = render_anomalies(ops, huawei["page_conflicts"])
    files.update(render_vendor_common(alibaba_layer(sources.vendor_common), huawei))
    alibaba = [op for op in ops if op.family == "alibaba-rpc"]
    report = crosscheck_report(alibaba, sources.metadata)
    files["metadata-crosscheck.json"] = dump_json(report)
    files["metadata-crosscheck.md"] = render_markdown(report)
    for name, path in sources.pages.items():
        files[f"sources/{name}"] = path.read_text(encoding="utf-8")
    return files


def _refuse_duplicate_ids(ops: list[Operation]) -> None:
    seen: dict[str, Operation] = {}
    for op in ops:
        if op.api_id in seen:
            raise PageFormatError(
                op.page, op.title_source.line,
                f"a unique API id, but {op.api_id} is also extracted from {seen[op.api_id].page}",
            )
        seen[op.api_id] = op
