"""Write every matrix format into one directory (what ``--matrix-dir`` asks for)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backup_conformance.reporting import junit, render_html, render_md
from backup_conformance.reporting.matrix import write_json

FILES = ("matrix.json", "matrix.md", "matrix.html", "matrix-junit.xml")


def write_all(matrix: Mapping[str, Any], directory: Path) -> list[Path]:
    """matrix.json (schema-validated first), matrix.md, matrix.html, matrix-junit.xml; a
    ``parity.json`` already in ``directory`` (``snapshot verify``) becomes a page section."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in FILES]
    write_json(matrix, paths[0])
    paths[1].write_text(render_md.render(matrix), encoding="utf-8")
    paths[2].write_text(render_html.render(matrix, parity=_parity(directory)), encoding="utf-8")
    junit.write(matrix, paths[3])
    return paths


def _parity(directory: Path) -> Mapping[str, Any] | None:
    """The snapshot parity report of this folder, if one was written (unreadable: none)."""
    try:
        parity: Mapping[str, Any] = json.loads((directory / "parity.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return parity if isinstance(parity, Mapping) and "operations" in parity else None
