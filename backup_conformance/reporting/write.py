"""Write every matrix format into one directory (what ``--matrix-dir`` asks for)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backup_conformance.reporting import junit, render_html, render_md
from backup_conformance.reporting.matrix import write_json

FILES = ("matrix.json", "matrix.md", "matrix.html", "matrix-junit.xml")


def write_all(matrix: Mapping[str, Any], directory: Path) -> list[Path]:
    """matrix.json (schema-validated first), matrix.md, matrix.html, matrix-junit.xml."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in FILES]
    write_json(matrix, paths[0])
    paths[1].write_text(render_md.render(matrix), encoding="utf-8")
    paths[2].write_text(render_html.render(matrix), encoding="utf-8")
    junit.write(matrix, paths[3])
    return paths
