"""The evidence each check rests on, per API and strictness level, as data the reports show.

A check's evidence is derived from the same data the check reads (the contract's ``x-source``
lines, the vendor-common tables and their completeness, the suites' lifecycle and auth data),
by a *deriver* registered beside it, so the table cannot drift from the code. Each row says:

- ``fact``: what the check holds a target to;
- ``source``: the page line or vendor-common file and line (or document) stating it;
- ``table``: when the check closes a set with a table (a code or status *not* listed fails),
  that table's state: ``complete``, ``truncated`` or ``not-held`` (a table we hold no whole
  copy of); ``""`` when the check demands a stated fact and closes no set;
- ``contested``: sources of the same standing that state otherwise (and the check picks one);
- ``overrides``: sources of lower standing the fact prevails over (the page over an appendix).

The project's rule (docs/design.md §4, Strictness): below ``strict`` no check may rest on a set
closed by a truncated or unheld table, nor pick between contested sources (``risks``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.checks.registry import LAYERS_BY_STRICTNESS, layers_for, registered
from backup_conformance.contracts import Contract

TABLE_STATES = ("complete", "truncated", "not-held", "")
#: Table states that cannot close a set below ``strict``: a cut copy proves nothing about a
#: code it lacks, and neither does a table we never held whole.
OPEN_TABLES = ("truncated", "not-held")
LEVELS = tuple(LAYERS_BY_STRICTNESS)


@dataclass(frozen=True)
class Evidence:
    """One documented fact a check judges with, and how firm it is."""

    fact: str
    source: str
    table: str = ""
    contested: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.table not in TABLE_STATES:
            raise ValueError(f"unknown table state {self.table!r}; valid: "
                             f"{', '.join(s or repr(s) for s in TABLE_STATES)}")

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        return {**row, "contested": list(self.contested), "overrides": list(self.overrides)}


#: ``deriver(contract, strictness)``: the evidence the check uses on that API at that level
#: (empty when the check has nothing to judge there).
Deriver = Callable[[Contract, str], Iterable[Evidence]]

_DERIVERS: dict[str, Deriver] = {}


def derives(name: str) -> Callable[[Deriver], Deriver]:
    """Register the evidence deriver of check ``name`` (one per check)."""
    def register(function: Deriver) -> Deriver:
        if name in _DERIVERS:
            raise ValueError(f"check {name!r} already has an evidence deriver")
        _DERIVERS[name] = function
        return function
    return register


def without_deriver(names: Iterable[str] | None = None) -> list[str]:
    """Registered checks (or ``names``) nobody derives evidence for."""
    wanted = registered() if names is None else names
    return sorted(n for n in wanted if n not in _DERIVERS)


def levels_judging(name: str) -> list[str]:
    """The strictness levels at which check ``name`` is judged."""
    layer = registered()[name].layer
    return [level for level in LEVELS if layer in layers_for(level)]


def evidence(name: str, contract: Contract, strictness: str) -> tuple[Evidence, ...]:
    """What check ``name`` rests on for ``contract`` at ``strictness`` (empty when that level
    does not judge it)."""
    if strictness not in levels_judging(name):
        return ()
    if name not in _DERIVERS:
        raise LookupError(f"check {name!r} has no evidence deriver (see checks/evidence.py)")
    return tuple(_DERIVERS[name](contract, strictness))


def table(catalogue: Mapping[str, Contract], names: Iterable[str] | None = None) -> list[
    dict[str, Any]
]:
    """The evidence table: per check (sorted by name) its title, layer, severity, the levels
    judging it and its evidence rows per API and level. Checks without a deriver get none
    (``without_deriver`` names them; the self-tests require none)."""
    specs = registered()
    rows = []
    for name in sorted(specs if names is None else names):
        spec = specs[name]
        found = []
        for level in levels_judging(name) if name in _DERIVERS else []:
            for api_id in sorted(catalogue):
                found += [{"api": api_id, "level": level, **e.as_dict()}
                          for e in evidence(name, catalogue[api_id], level)]
        rows.append({"check": name, "title": spec.title, "layer": spec.layer,
                     "severity": spec.severity, "scope": spec.scope,
                     "levels": levels_judging(name), "evidence": found})
    return rows


def risks(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Evidence rows below ``strict`` that rest on an open table or a contested fact: each a
    false positive waiting for a target that makes another documented choice."""
    found = []
    for row in rows:
        for e in row["evidence"]:
            if e["level"] == "strict":
                continue
            why = [f"closes a set with a {e['table']} table"] if e["table"] in OPEN_TABLES else []
            why += [f"contested by {', '.join(e['contested'])}"] if e["contested"] else []
            if why:
                found.append(f"{row['check']} at {e['level']} on {e['api']}: {e['fact']} "
                             f"({e['source']}) {'; '.join(why)}")
    return found


def for_failure(rows: Iterable[Mapping[str, Any]], check: str, api: str,
                strictness: str) -> list[dict[str, Any]]:
    """The evidence rows behind one failure (its check on its API at the run's level)."""
    return [{k: v for k, v in e.items() if k not in ("api", "level")}
            for row in rows if row["check"] == check
            for e in row["evidence"] if e["api"] == api and e["level"] == strictness]


@cache
def _data() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(
        Path(__file__).with_name("evidence.json").read_text(encoding="utf-8"))
    return data


def page_table_state(kind: str) -> str:
    """How complete an API page's own table of ``kind`` (``status codes``, ``error codes``)
    is, from ``evidence.json``."""
    return str(_data()["page_tables"][kind]["state"])


def table_state(contract: Contract, source: str) -> str:
    """``complete``/``truncated`` for a table ``source`` (a file, ``file:line`` or document
    address) names: from the contract's vendor-common ``error_tables``, else from
    ``evidence.json``; ``not-held`` for a table we hold no whole copy of."""
    file = source.split(" ", 1)[0].rsplit(":", 1)[0]
    file = Path(file).name if file.endswith(".txt") else file
    for t in contract.vendor_common.get("error_tables", []):
        if t["file"] == file:
            return "complete" if t["complete"] else "truncated"
    known = _data()["tables"].get(file)
    return str(known["state"]) if known else "not-held"
