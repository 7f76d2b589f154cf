"""Volatile values out of an exchange, so two runs of the same case compare equal.

Resource ids obtained through provider states become numbered references (``${state1.JobId}``:
"the id the case's first provider state returned"), fresh values become ``${token1}`` /
``${reserved1}``; a replay obtains new resources and fresh values and substitutes them back.
Request ids, timestamps, nonces and signatures become placeholders (``normalise.json``), and
every exchange is redacted first: no key, secret, token or signature reaches a snapshot.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from backup_conformance.targets import Exchange, Raw
from backup_conformance.targets.data import reserved_prefix

_RULES = Path(__file__).with_name("normalise.json")
_REF = re.compile(r"\$\{([A-Za-z0-9_.\[\]-]+)\}")
_HEX_TAIL = re.compile(r"[0-9a-f]{32}$")
TOKEN_STEM = "bc-"
MIN_REFERENCED = 4  # shorter values could occur by chance inside unrelated text
MAX_TEXT = 4000


@cache
def rules() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(_RULES.read_text(encoding="utf-8"))
    return data


class UnknownReference(KeyError):
    """A snapshot names a reference the replay has no value for."""


class References:
    """Names for one case's volatile values: provider-state values and fresh values."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}  # reference name -> value in this run
        self.fresh: dict[str, str] = {}  # reference name -> stem (stored in the snapshot)
        self.states = 0

    def add_state(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Name each value of the next provider state; returns the values as references."""
        self.states += 1
        named: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, list):
                named[key] = [self._name(f"state{self.states}.{key}[{i}]", item)
                              for i, item in enumerate(value)]
            else:
                named[key] = self._name(f"state{self.states}.{key}", value)
        return named

    def _name(self, name: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        self.values[name] = value
        return f"${{{name}}}"

    def add_fresh(self, value: str, token: bool) -> None:
        """Name a per-request value of the recording (a ClientToken, a reserved id)."""
        if value in self.values.values():
            return
        if token:
            name, stem = f"token{self._count('token') + 1}", TOKEN_STEM
        else:
            name, stem = f"reserved{self._count('reserved') + 1}", _HEX_TAIL.sub("", value)
        self.values[name], self.fresh[name] = value, stem

    def renew(self, fresh: Mapping[str, str]) -> None:
        """New values for a replay's fresh references: each stem plus a new uuid."""
        for name, stem in fresh.items():
            self.values[name] = stem + uuid.uuid4().hex
        self.fresh = dict(fresh)

    def _count(self, kind: str) -> int:
        return sum(1 for name in self.fresh if name.startswith(kind))

    # --- substitution ------------------------------------------------------------------

    def to_refs(self, value: Any) -> Any:
        """``value`` (JSON-like, ``Raw`` allowed) with every known value as its reference."""
        if isinstance(value, str):
            for name, known in sorted(self.values.items(), key=lambda kv: -len(kv[1])):
                if len(known) >= MIN_REFERENCED:
                    value = value.replace(known, f"${{{name}}}")
            return value
        if isinstance(value, Raw):
            return {"$raw": self.to_refs(value.text), "encoded": value.encoded}
        if isinstance(value, list):
            return [self.to_refs(item) for item in value]
        if isinstance(value, Mapping):
            return {key: self.to_refs(item) for key, item in value.items()}
        return value

    def from_refs(self, value: Any) -> Any:
        """The inverse of ``to_refs`` with this run's values."""
        if isinstance(value, str):
            return _REF.sub(self._lookup, value)
        if isinstance(value, list):
            return [self.from_refs(item) for item in value]
        if isinstance(value, Mapping):
            if set(value) == {"$raw", "encoded"}:
                return Raw(self.from_refs(value["$raw"]), bool(value["encoded"]))
            return {key: self.from_refs(item) for key, item in value.items()}
        return value

    def _lookup(self, match: re.Match[str]) -> str:
        try:
            return self.values[match[1]]
        except KeyError:
            raise UnknownReference(match[1]) from None


def name_fresh_values(refs: References, params: Mapping[str, Any],
                      token_names: Iterable[str]) -> None:
    """Register the recording's fresh values in ``params``: tokens by parameter name, and
    every reserved id wherever it occurs (in ``Raw`` texts too)."""
    tokens = set(token_names)
    for name, value in params.items():
        if name in tokens and isinstance(value, str):
            refs.add_fresh(value, token=True)
    text = json.dumps(refs.to_refs(params), default=str)
    for found in re.findall(re.escape(reserved_prefix()) + r"[\w-]*?[0-9a-f]{32}", text):
        refs.add_fresh(found, token=False)


# --- exchanges -----------------------------------------------------------------------------


def request(exchange: Exchange, refs: References) -> dict[str, Any]:
    """The request as sent, redacted, signing values as placeholders, ids as references."""
    sent = exchange.redacted().request
    conf = rules()["request"]
    parts = urlsplit(sent.url)
    query = {key: conf["query_placeholders"].get(key, value)
             for key, value in parse_qsl(parts.query, keep_blank_values=True)}
    headers = {name.lower(): conf["header_placeholders"].get(name.lower(), value)
               for name, value in sent.headers.items()
               if name.lower() not in conf["drop_headers"]}
    found: dict[str, Any] = {"method": sent.method, "path": parts.path,
                             "query": query, "headers": headers}
    if sent.body:
        found["body"] = sent.body.decode("utf-8", "replace")[:MAX_TEXT]
    normalised: dict[str, Any] = refs.to_refs(found)
    return normalised


def response(exchange: Exchange, refs: References) -> dict[str, Any]:
    """Status, the compared headers and the body (JSON, else its text), normalised."""
    received = exchange.redacted().response
    if received is None:
        return {"status": None, "headers": {}, "body": None}
    keep = rules()["response"]["keep_headers"]
    headers, seen = {}, {}
    for name, value in received.headers.items():
        lower = name.lower()
        if lower in keep:
            headers[lower] = keep[lower] or value
            if keep[lower]:
                seen[value] = keep[lower]
    found: dict[str, Any] = {"status": received.status, "headers": headers}
    parsed = received.json_error is None and received.body_error is None
    if parsed:
        _collect(received.json, seen)
    if not received.body:
        found["body"] = None
    elif parsed:
        found["body"] = _volatile(received.json, seen)
    else:
        found["body_text"] = _replace(received.body.decode("utf-8", "replace")[:MAX_TEXT],
                                      seen)
    normalised: dict[str, Any] = refs.to_refs(found)
    return normalised


def _collect(value: Any, seen: dict[str, str]) -> None:
    """The values of volatile body keys, by value: a request id also appears inside other
    fields (Alibaba's ``Recommend`` link quotes it)."""
    keys = rules()["response"]["volatile_body_keys"]
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in keys and isinstance(item, str) and item:
                seen[item] = keys[key]
            _collect(item, seen)
    elif isinstance(value, list):
        for item in value:
            _collect(item, seen)


def _volatile(value: Any, seen: Mapping[str, str]) -> Any:
    """Placeholders for volatile body keys (string values), their values anywhere else, and
    timestamps."""
    keys = rules()["response"]["volatile_body_keys"]
    if isinstance(value, Mapping):
        return {key: keys[key] if key in keys and isinstance(item, str)
                else _volatile(item, seen) for key, item in value.items()}
    if isinstance(value, list):
        return [_volatile(item, seen) for item in value]
    if isinstance(value, str):
        return _replace(value, seen)
    return value


def _replace(text: str, seen: Mapping[str, str]) -> str:
    for value in sorted(seen, key=len, reverse=True):
        if len(value) >= MIN_REFERENCED:
            text = text.replace(value, seen[value])
    for pattern, replacement in _patterns():
        text = pattern.sub(replacement, text)
    return _timestamp().sub("<timestamp>", text)


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern), replacement)
            for pattern, replacement in rules()["response"]["volatile_patterns"].items()]


@cache
def _timestamp() -> re.Pattern[str]:
    return re.compile(rules()["response"]["timestamp_pattern"])
