"""Where the contracts and suites live: the checkout's top-level folders, or the copies a wheel
carries inside the package (``_data``), so every command works from any directory."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path | None:
    """The checkout this package runs from, or None for an installed wheel."""
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "contracts").is_dir():
        return root
    return None


def _data_dir(name: str) -> Path:
    root = project_root()
    return root / name if root is not None else _PACKAGE / "_data" / name


def contracts_dir() -> Path:
    return _data_dir("contracts")


def suites_dir() -> Path:
    return _data_dir("suites")
