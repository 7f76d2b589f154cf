"""Read ``resources.json``: the provider-state table and the resource-id parameters per API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

_FILE = Path(__file__).with_name("resources.json")


@cache
def resources() -> Mapping[str, Any]:
    """The parsed data file (read once)."""
    data: Mapping[str, Any] = json.loads(_FILE.read_text(encoding="utf-8"))
    return data


def state_names() -> list[str]:
    return list(resources()["states"])


def state_returns(state: str) -> Mapping[str, str]:
    """The keys a provider state returns, each ``"string"`` or ``"list"``."""
    result: Mapping[str, str] = resources()["states"][state]["returns"]
    return result


def api_safety(api_id: str) -> Mapping[str, Any]:
    """``{"destructive": bool, "resource_ids": [...]}``; unknown APIs count as destructive
    with no known id parameters, so a new contract is never silently treated as harmless."""
    default = {"destructive": True, "resource_ids": []}
    result: Mapping[str, Any] = resources()["apis"].get(api_id, default)
    return result


def reserved_prefix() -> str:
    prefix: str = resources()["reserved_prefix"]
    return prefix
