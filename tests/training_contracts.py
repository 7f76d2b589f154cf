"""Build a contracts folder from training pages (the self-test corpus of issue 14, item 5).

Calls the extractor API the way ``backup-conformance extract PAGE... --out DIR`` does and
writes ``DIR`` with a ``catalogue.json`` in the committed format, so the suites and the mock
can load it with ``--contracts DIR``. Pages the extractor of this checkout cannot read yet are
left out and listed, never papered over: the caller decides whether that is acceptable.

Run directly to (re)build a folder by hand::

    python tests/training_contracts.py /tmp/training-contracts
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from backup_conformance.extract.cross_document import cross_document_anomalies
from backup_conformance.extract.model import Operation
from backup_conformance.extract.page import PageFormatError
from backup_conformance.extract.pipeline import catalogue, extract_page
from backup_conformance.extract.render import render_catalogue, render_operation
from backup_conformance.extract.vendor_common import (
    alibaba_layer,
    huawei_layer,
    render_vendor_common,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "fixtures" / "reference" / "docs"
VENDOR_COMMON = ROOT / "contracts" / "sources" / "vendor-common"
#: The service (API id prefix) of a training page, from its file name's product word.
SERVICES = {"vbs": "vbs", "geminidb": "gaussdbfornosql"}
_NAME = re.compile(r"^huawei_(?P<product>[a-z]+)_(?P<operation>[A-Za-z]+)(?P<rest>.*)\.txt$")


def training_pages() -> list[Path]:
    """The training pages kept in the repository (Huawei OTC siblings of the five)."""
    return sorted(DOCS.glob("huawei_*.txt"))


def entry_for(path: Path) -> dict[str, str]:
    """The API id and service of a training page: ``<service>.<Operation>`` plus a version
    suffix when the file name carries one (two editions of QueryingBackups)."""
    match = _NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: not a huawei_<product>_<Operation>... training page")
    service = SERVICES[match["product"]]
    version = re.search(r"_v(\d+)", match["rest"])
    suffix = f"V{version[1]}" if version else ""
    return {"service": service, "api_id": f"{service}.{match['operation']}{suffix}"}


def build(out: Path, pages: list[Path] | None = None, *, with_originals: bool = False
          ) -> tuple[list[str], list[str]]:
    """Write the contracts of ``pages`` (default: every training page) into ``out``, and
    with ``with_originals`` the five hand-tuned APIs' beside them.

    Returns ``(api ids written, pages refused with the extractor's one-line reason)``."""
    ops: list[Operation] = []
    refused: list[str] = []
    if with_originals:
        known = catalogue()
        ops += [extract_page(ROOT / "contracts" / "sources" / name, entry)
                for name, entry in sorted(known.items())]
    for path in pages if pages is not None else training_pages():
        try:
            ops.append(extract_page(path, entry_for(path)))
        except PageFormatError as exc:
            refused.append(str(exc))
    files: dict[str, str] = {}
    for op in ops:
        files.update(render_operation(op))
    files["catalogue.json"] = render_catalogue(ops)
    huawei = huawei_layer(VENDOR_COMMON)
    huawei["page_conflicts"] = cross_document_anomalies(ops, huawei)
    files.update(render_vendor_common(alibaba_layer(VENDOR_COMMON), huawei))
    for rel, text in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(op.api_id for op in ops), refused


if __name__ == "__main__":
    written, problems = build(Path(sys.argv[1]))
    print(f"{len(written)} contracts: {', '.join(written)}")
    for problem in problems:
        print(f"refused: {problem}", file=sys.stderr)
