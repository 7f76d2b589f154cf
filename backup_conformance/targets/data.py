"""Read ``resources.json``: the provider-state table and the resource-id parameters per API."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.contracts import Contract, ContractError

_FILE = Path(__file__).with_name("resources.json")
#: Inferred provider states and API rows of the run's catalogue (``register_inferred``).
_INFERRED: dict[str, dict[str, Any]] = {"states": {}, "apis": {}}


@cache
def _file() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(_FILE.read_text(encoding="utf-8"))
    return data


def resources() -> Mapping[str, Any]:
    """The data file (read once), plus the inferred rows registered for this run."""
    data = _file()
    if not _INFERRED["apis"]:
        return data
    return {**data, "states": {**_INFERRED["states"], **data["states"]},
            "apis": {**_INFERRED["apis"], **data["apis"]}}


def hand_tuned_apis() -> list[str]:
    """The API ids ``resources.json`` itself describes (their rows are never inferred)."""
    return list(_file()["apis"])


def register_inferred(rows: Mapping[str, Mapping[str, Any]]) -> None:
    """Add inferred provider states and API rows (``backup_conformance.inferred``) for a run
    over a catalogue with operations ``resources.json`` does not describe."""
    _INFERRED["states"].update(rows.get("states", {}))
    _INFERRED["apis"].update(rows.get("apis", {}))


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


def register_catalogue(contracts: Iterable[Contract]) -> None:
    """Make a run over ``contracts`` complete: inferred rows for every operation
    ``resources.json`` does not describe, and a service entry (for ``--target-url`` and the
    embedded mock's profile) for every service the catalogue names."""
    from backup_conformance.inferred import resources_of
    from backup_conformance.targets.profile import register_services

    chosen = list(contracts)
    families: dict[str, Contract] = {}
    for contract in chosen:  # a service signs one way: two vendors under one name cannot run
        first = families.setdefault(contract.service, contract)
        if first.family != contract.family:
            raise ContractError(
                f"service {contract.service!r} is {first.family} in {first.api_id} and "
                f"{contract.family} in {contract.api_id}: give one of them another service "
                "name (extract --api-id SERVICE.Operation)")
    register_inferred(resources_of(chosen, known=hand_tuned_apis()))
    register_services({c.service: c.family for c in chosen})


def reserved_prefix() -> str:
    prefix: str = resources()["reserved_prefix"]
    return prefix
