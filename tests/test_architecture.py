"""The layering of ARCHITECTURE.md, enforced: the judge never depends on what it judges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backup_conformance"

# package (or module) -> project packages it must never import
FORBIDDEN = {
    "extract": {"contracts", "checks", "mock", "targets", "cases", "runtime", "plugin"},
    "contracts": {"checks", "mock", "targets", "cases", "extract", "runtime", "plugin"},
    "checks": {"mock", "targets", "extract", "runtime", "plugin", "cases"},
    "signing": {"contracts", "checks", "mock", "targets", "extract", "plugin"},
    "mock": {"checks", "targets", "cases", "extract", "runtime", "plugin"},
    "targets": {"mock", "checks", "cases", "extract", "runtime", "plugin"},
    "cases": {"mock", "extract", "plugin"},
    "reporting": {"mock", "runtime", "cases", "extract", "plugin", "embedded"},
    "validation": {"checks", "mock", "targets", "cases", "extract", "runtime", "plugin",
                   "reporting", "audit"},
    "har": {"contracts", "checks", "mock", "targets", "cases", "extract", "runtime", "plugin",
            "audit"},
    "audit": {"mock", "runtime", "embedded", "cases", "extract", "plugin", "commands"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "backup_conformance" and len(parts) > 1:
                found.add(parts[1])
    return found


def _files(layer: str) -> list[Path]:
    folder = PACKAGE / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{layer}.py"]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_architecture_allows(layer: str) -> None:
    broken = {f"{path.relative_to(PACKAGE)} imports {bad}"
              for path in _files(layer) for bad in _imports(path) & FORBIDDEN[layer]}
    assert not broken, sorted(broken)


def test_only_the_plugin_touches_pytest_internals() -> None:
    allowed = {PACKAGE / "plugin.py", PACKAGE / "commands" / "run.py"}  # run.py: pytest.main
    users = {path for path in PACKAGE.rglob("*.py")
             if "pytest" in {n.split(".")[0] for n in _module_names(path)}}
    assert users <= allowed, sorted(str(p.relative_to(PACKAGE)) for p in users - allowed)


def _module_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names
