"""The lifecycle implications of the pages (``lifecycles.json``), as data the lifecycle suite
runs: which behaviour applies to which API, the page lines behind it and its settings."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.contracts import Catalogue, Contract

_FILE = Path(__file__).with_name("lifecycles.json")


@dataclass(frozen=True)
class Citation:
    line: str  # "page.txt:N"
    quote: str  # text found on that line


@dataclass(frozen=True)
class Lifecycle:
    """One behaviour of one API: what to do with its resources and what the pages imply."""

    behaviour: str
    contract: Contract
    citations: tuple[Citation, ...]
    reading: str
    settings: Mapping[str, Any]

    @property
    def api_id(self) -> str:
        return self.contract.api_id

    @property
    def source(self) -> str:
        """The cited lines, as a check failure's ``Source``: ``page:9, page:71 (reading)``."""
        return f"{', '.join(c.line for c in self.citations)} ({self.reading})"

    @property
    def id(self) -> str:
        return f"{self.behaviour}:{self.api_id}"

    def __repr__(self) -> str:  # hypothesis prints machine arguments: keep them short
        return self.id


@cache
def _data() -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
    data: Mapping[str, Mapping[str, Mapping[str, Any]]] = json.loads(
        _FILE.read_text(encoding="utf-8"))["behaviours"]
    return data


def behaviours() -> list[str]:
    return list(_data())


def lifecycles(catalogue: Catalogue, behaviour: str | None = None) -> list[Lifecycle]:
    """The lifecycles of the APIs in ``catalogue`` (optionally of one behaviour), data order."""
    found = []
    for name, apis in _data().items():
        if behaviour is not None and name != behaviour:
            continue
        for api_id, raw in apis.items():
            if api_id in catalogue:
                citations = tuple(Citation(c["line"], c["quote"]) for c in raw["citations"])
                found.append(Lifecycle(name, catalogue[api_id], citations, raw["reading"],
                                       raw.get("settings", {})))
    return found


def unique_token(suffix: str = "") -> str:
    """A ClientToken no earlier request of any run has used (a target remembers tokens)."""
    return f"bc-{uuid.uuid4().hex}{suffix}"
