"""Who an Alibaba page is about: the RPC action, the product code and the API version.

The page is read first (a ``Product:Action`` title, the RAM action ``hbr:Action``, an OpenAPI
Explorer link ``/api/hbr/2017-09-08/Action``, the help-centre address ``api-hbr-2017-09-08-
action``, an ``Action`` request parameter or a sample ``?Action=`` request). What the page does
not print comes from the vendor metadata (``*.api-docs.json``, which list every operation of a
product with its version), and each such fact is labelled with where it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from backup_conformance.extract.page import Page

_TITLE = re.compile(r"^(?P<product>[A-Z][^:]{0,80}):(?P<operation>[A-Z][A-Za-z0-9]+)$")
_EXPLORER = re.compile(
    r"/api/(?P<product>[A-Za-z]+)/(?P<version>\d{4}-\d\d-\d\d)/(?P<action>[A-Z]\w+)"
)
_HELP_URL = re.compile(
    r"api-(?:doc-)?(?P<product>[a-z]+)-(?P<version>\d{4}-\d\d-\d\d)-(?:api-doc-)?(?P<action>[a-z0-9]+)\b"
)
_RAM = re.compile(r"^(?P<product>[a-z][a-z0-9-]*):(?P<action>[A-Z]\w+)\s*\|?$")
_SAMPLE = re.compile(r"[?&]\s*Action=(?P<action>[A-Z]\w+)")


@dataclass
class Identity:
    """The identity facts and, for each, the line or the source it came from."""

    action: str | None = None
    action_line: int = 1
    product: str | None = None
    version: str | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)


def read_identity(page: Page, *, ram_actions: list[tuple[int, str]]) -> Identity:
    """What the page itself says; ``ram_actions`` are the (line, ``svc:Action``) auth cells."""
    found = Identity()
    first = page.line(1) if len(page) else ""
    for number, raw in page.numbered():
        text = raw.strip()
        title = _TITLE.match(text)
        if title and found.action is None and number < 20:
            found.action, found.action_line, found.title = title.group("operation"), number, text
    for number, action in ram_actions:
        ram = _RAM.match(action)
        if ram and found.product is None:
            found.product = ram.group("product")
            if found.action is None:
                found.action, found.action_line = ram.group("action"), number
            found.notes.append(f"product {found.product}: the RAM action on line {number}")
    explorer = page.find(_EXPLORER)
    if explorer is not None:
        match = _EXPLORER.search(page.line(explorer))
        assert match is not None
        _take(found, match, explorer, "the OpenAPI Explorer link")
    if first.startswith("# source:"):
        match = _HELP_URL.search(first)
        if match:
            _take(found, match, 1, "the page address on the '# source:' line")
    if found.action is None:
        sample = page.find(_SAMPLE)
        if sample is not None:
            match = _SAMPLE.search(page.line(sample))
            assert match is not None
            found.action, found.action_line = match.group("action"), sample
    return found


def version_from_page(page: Page, found: Identity) -> None:
    """The version a Document Center page prints only in a link or its address, if any."""
    probe = read_identity(page, ram_actions=[])
    if probe.version and probe.product in (None, found.product) and found.version is None:
        found.version = probe.version
        found.notes += [n for n in probe.notes if n.startswith("version")]


def _take(found: Identity, match: re.Match[str], line: int, where: str) -> None:
    product, version, action = (
        match.group("product").lower(),
        match.group("version"),
        match.group("action"),
    )
    if found.action is None:
        found.action, found.action_line = action, line  # lower case: spelled by the metadata
    if found.product is None:
        found.product = product
        found.notes.append(f"product {product}: {where} (line {line})")
    if found.version is None and product == found.product:
        found.version = version
        found.notes.append(f"version {version}: {where} (line {line})")


def complete_from_metadata(found: Identity, metadata_dir: Path | None) -> None:
    """Fill product, version and the exact spelling of the action from the metadata files."""
    if metadata_dir is None or found.action is None:
        return
    if found.product is None and not found.title:
        return  # an action name alone is not enough: products share names (DeleteSnapshot)
    matches = sorted(
        {
            (product, version, name)
            for product, version, names in _index(metadata_dir)
            for name in names
            if name.lower() == found.action.lower()
            and (found.product is None or found.product == product)
            and (found.version is None or found.version == version)
        }
    )
    if len(matches) != 1:
        return
    product, version, name = matches[0]
    if name != found.action:
        found.notes.append(f"action {name}: spelled as in the metadata (page: {found.action})")
        found.action = name
    if found.product is None:
        found.product = product
        found.notes.append(f"product {product}: the vendor metadata lists {name} under it")
    if found.version is None:
        found.version = version
        found.notes.append(f"version {version}: the vendor metadata of {product} lists {name}")


def _index(metadata_dir: Path) -> tuple[tuple[str, str, frozenset[str]], ...]:
    return _load_index(str(metadata_dir.resolve()) if metadata_dir.is_dir() else "")


@lru_cache(maxsize=8)
def _load_index(folder: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    if not folder:
        return ()
    entries = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        info = data.get("info", {}) if isinstance(data, dict) else {}
        names: set[str] = set()
        for key, value in data.items():
            if (key == "apis" or key.startswith("apis_")) and isinstance(value, dict):
                names.update(value)
        if info.get("product") and info.get("version"):
            entries.append((str(info["product"]).lower(), str(info["version"]), frozenset(names)))
    return tuple(entries)
