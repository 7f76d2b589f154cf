"""Contracts folders built from the training pages (issue 14, item 5: the suites over them).

Calls the extractor API the way ``backup-conformance extract PAGE... --out DIR`` does (the
same ``Sources``, ``extract_all`` and ``render_operations``) and writes ``DIR`` with a
``catalogue.json``, so the suites and the mock load it with ``--contracts DIR``. What the pages
do not say is given as a user would give it with ``--api-id``: the Huawei service from the
file name's product word (a Huawei page names no service), the NAS legacy page's identity.

Two renderings of one operation cannot share a folder (one API id, one route), so the corpus
is two folders: ``corpus`` (one rendering of every operation) and ``alternates`` (the second
renderings). ``with_originals`` adds the five hand-tuned APIs beside the corpus, leaving out
the OTC counterpart of ``vbs.CancelBackupSharing`` (the same route).

    python tests/training_contracts.py corpus /tmp/corpus
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from backup_conformance.extract.pipeline import (
    Sources,
    catalogue,
    extract_all,
    render_operations,
)
from backup_conformance.extract.sync import write

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "fixtures" / "reference" / "docs"
SOURCES = ROOT / "contracts" / "sources"
#: A Huawei page's service (API id prefix) from its file name's product word. Huawei's RDS is
#: ``rdsv3`` here: Alibaba Cloud's RDS pages take ``rds``, and one catalogue cannot sign one
#: service name two vendors' ways (``targets.data.register_catalogue`` refuses it).
HUAWEI_SERVICES = {"cbr": "cbr", "csbs": "csbs", "geminidb": "gaussdbfornosql", "rds": "rdsv3",
                   "vbs": "vbs"}
#: Second renderings of an operation the corpus has in another rendering.
ALTERNATES = ("alibaba_dbs_ReleaseBackupPlan_b.txt", "alibaba_hbr_DeleteVault_b_id-locale.txt",
              "huawei_cbr_DeletingABackup_otc.txt")
#: Pages that do not carry their whole identity, given as ``--api-id``/``--version`` would.
GIVEN = {
    "alibaba_nas_DeleteSnapshot_d.txt": {"api_id": "nas.DeleteSnapshot", "service": "nas",
                                          "version": "2017-06-26"},
    "huawei_geminidb_QueryingBackups_v3.1_historical_otc.txt": {
        "api_id": "gaussdbfornosql.QueryingBackupsV31", "service": "gaussdbfornosql"},
}
#: The OTC counterpart of one of the five (same method and path): not beside the originals.
COUNTERPART = "huawei_vbs_CancelingSharingOfABackup_otc.txt"
_HUAWEI = re.compile(r"^huawei_(?P<product>[a-z]+)_")


def training_pages() -> list[Path]:
    """Every training page kept in the repository."""
    return sorted([*DOCS.glob("*.txt"), *(DOCS / "more").glob("*.txt"),
                   *(DOCS / "reference_training_counterparts").glob("*.txt")])


def identity(path: Path) -> dict[str, Any]:
    if path.name in GIVEN:
        return dict(GIVEN[path.name])
    match = _HUAWEI.match(path.name)
    return {"service": HUAWEI_SERVICES[match["product"]]} if match else {}


def pages_of(folder: str, *, with_originals: bool = False) -> list[Path]:
    """The pages of ``corpus`` or ``alternates``."""
    pages = [p for p in training_pages() if (p.name in ALTERNATES) == (folder == "alternates")]
    if with_originals:
        pages = [p for p in pages if p.name != COUNTERPART]
        pages += [SOURCES / name for name in sorted(catalogue())]
    return pages


def build(out: Path, folder: str = "corpus", *, with_originals: bool = False) -> list[str]:
    """Write the contracts of ``folder``'s pages into ``out``; returns the API ids written.
    A page the extractor refuses raises its ``PageFormatError`` (file:line): the corpus must
    extract whole."""
    return write_folder(out, pages_of(folder, with_originals=with_originals))


def write_folder(out: Path, pages: list[Path]) -> list[str]:
    """Extract exactly ``pages`` into ``out`` (identities as above); the API ids written."""
    sources = Sources(pages={p.name: p for p in pages}, vendor_common=SOURCES / "vendor-common",
                      metadata=SOURCES / "metadata",
                      identity={p.name: identity(p) for p in pages})
    ops = extract_all(sources)
    write(render_operations(ops, sources), out)
    return sorted(op.api_id for op in ops)


if __name__ == "__main__":
    written = build(Path(sys.argv[2]), sys.argv[1], with_originals="--originals" in sys.argv)
    print(f"{len(written)} contracts: {', '.join(written)}")
