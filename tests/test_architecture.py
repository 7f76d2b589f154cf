"""The layering of ARCHITECTURE.md, enforced: the judge never depends on what it judges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backup_conformance"

# package (or module) -> project packages it must never import
FORBIDDEN = {
    "secrets": {"contracts", "checks", "signing", "mock", "targets", "cases", "extract", "runtime",
                "embedded", "reporting", "plugin", "commands", "cli", "paths"},
    "extract": {"contracts", "checks", "mock", "targets", "cases", "runtime", "plugin"},
    "contracts": {"checks", "mock", "targets", "cases", "extract", "runtime", "plugin"},
    "inferred": {"checks", "mock", "targets", "cases", "extract", "runtime", "plugin"},
    "checks": {"mock", "targets", "extract", "runtime", "plugin", "cases"},
    "signing": {"contracts", "checks", "mock", "targets", "extract", "plugin"},
    "mock": {"checks", "targets", "cases", "extract", "runtime", "plugin"},
    "targets": {"mock", "checks", "cases", "extract", "runtime", "plugin"},
    "cases": {"mock", "extract", "plugin"},
    "reporting": {"mock", "runtime", "cases", "extract", "plugin", "embedded"},
}


def _module(path: Path) -> str:
    """``backup_conformance/cases/valid.py`` -> ``backup_conformance.cases.valid``."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _direct(module: str) -> set[str]:
    """Project modules ``module`` imports anywhere in its text (a lazy import counts too),
    with the packages Python runs on the way (``a.b.c`` runs ``a.b``'s ``__init__``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1)
                         if ".".join(parts[:i]) in MODULES)
    return found - {module}


def _reachable(module: str) -> dict[str, list[str]]:
    """Every project module ``module`` imports, directly or through others: each with the
    chain that reaches it (breadth first, so the shortest chain)."""
    chains = {module: [module]}
    queue = [module]
    while queue:
        current = queue.pop(0)
        for found in sorted(_direct(current)):
            if found not in chains:
                chains[found] = [*chains[current], found]
                queue.append(found)
    return chains


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _files(layer: str) -> list[str]:
    return [m for m in MODULES if _layer(m) == layer]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_architecture_allows(layer: str) -> None:
    """Direct and indirect: ``cases -> runtime -> embedded -> mock`` breaks the rule as
    surely as ``cases -> mock``; the message shows the chain."""
    broken: dict[tuple[str, str], list[str]] = {}
    for module in _files(layer):
        for found, chain in _reachable(module).items():  # shortest chains first
            if _layer(found) in FORBIDDEN[layer]:
                broken.setdefault((module, _layer(found)), chain)
    assert not broken, sorted(" -> ".join(chain) for chain in broken.values())


def test_indirect_imports_are_found() -> None:
    """The rule's own check: the plugin reaches the mock only through ``runtime`` (a lazy
    import there), and that chain is seen, so a layer doing the same would fail above."""
    plugin = "backup_conformance.plugin"
    assert not {m for m in _direct(plugin) if _layer(m) == "mock"}
    chain = _reachable(plugin)["backup_conformance.mock"]
    assert chain[:2] == [plugin, "backup_conformance.runtime"] and len(chain) >= 3


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


def test_secrets_have_one_home() -> None:
    """Credential variable names are bound, and redaction is defined, only in ``secrets/``:
    a second list of names or a second scrubber would drift from the first."""
    from backup_conformance.secrets import HUAWEI_PROJECT, SECRET_VARIABLES

    names = {*SECRET_VARIABLES, HUAWEI_PROJECT}
    home = PACKAGE / "secrets"
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if home in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and node.value.value in names:
                found.add(f"{path.relative_to(PACKAGE)}:{node.lineno} binds {node.value.value}")
        for node in tree.body:  # module level: a method such as Exchange.redacted may call them
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and (
                    node.name.startswith(("redact", "scrub")) or node.name == "RedactingFilter"):
                found.add(f"{path.relative_to(PACKAGE)}:{node.lineno} defines {node.name}")
    assert not found, sorted(found)
