"""A parameter dict plus a contract becomes the exact HTTP request the vendor's SDK would send.

docs/design.md §3: Alibaba RPC is ``POST {base}/`` with every parameter in the query string, an
empty body and ``x-acs-action`` / ``x-acs-version`` headers (or, in the older RPC v1 style,
``Action``/``Version``/``Format`` query parameters); Huawei REST is the documented method and
path template, query parameters, and a JSON body for body fields.

Negative tests need to break the rules, so the encoder never validates: parameters outside the
contract are sent (in the query unless placed with ``At``), documented ones may be left out,
``OMIT`` removes even the protocol headers, and ``Raw`` sends a value's text untouched by the
type encoding (JSON, booleans) so a test can send malformed JSON or a wrong type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from backup_conformance.contracts import Contract

__all__ = ["ACS3", "OMIT", "RPC_V1", "At", "Raw", "WireRequest", "build_request", "encode_value"]

ACS3 = "acs3"  # x-acs-action / x-acs-version headers (today's SDKs)
RPC_V1 = "rpc-v1"  # Action / Version / Format query parameters (the older RPC style)
_LOCATIONS = ("query", "path", "header", "body")


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


#: Leave a parameter out even where the encoder would add it (``x-acs-action``, ``Format``...).
OMIT: Any = _Omit()


@dataclass(frozen=True)
class Raw:
    """Send ``text`` as the parameter's wire text, skipping JSON and boolean encoding.

    In the URL it is still percent-encoded (so the server decodes exactly ``text``) unless
    ``encoded=True``, which inserts it as is for tests of the URL syntax itself. In a JSON body
    it is pasted verbatim as the field's value, so ``Raw('[1,')`` makes the body malformed.
    """

    text: str
    encoded: bool = False


@dataclass(frozen=True)
class At:
    """Send ``value`` in ``location`` (query, path, header or body) whatever the contract says;
    how a parameter the contract does not document travels somewhere other than the query."""

    location: str
    value: Any

    def __post_init__(self) -> None:
        if self.location not in _LOCATIONS:
            raise ValueError(f"At: location must be one of {', '.join(_LOCATIONS)}, "
                             f"not {self.location!r}")


@dataclass
class WireRequest:
    """The request to send, before signing: method, absolute URL, headers, body bytes."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def to_requests(self) -> requests.Request:
        """A ``requests.Request`` that prepares to exactly this method, URL, headers and body."""
        return requests.Request(self.method, self.url, headers=dict(self.headers),
                                data=self.body or None)


def encode_value(value: Any, *, wire: str = "plain") -> str:
    """One value as wire text: JSON for ``wire == "json"``, ``true``/``false`` for booleans."""
    if isinstance(value, Raw):
        return value.text
    if wire == "json":
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _url_text(value: Any, wire: str) -> str:
    """Percent-encoded wire text for a URL (``Raw(encoded=True)`` passes through)."""
    if isinstance(value, Raw) and value.encoded:
        return value.text
    return quote(encode_value(value, wire=wire), safe="~")


def _query_pairs(name: str, value: Any, wire: str, family: str) -> list[tuple[str, str]]:
    """Encoded ``(name, value)`` pairs; plain lists follow each vendor's SDK convention."""
    if isinstance(value, (list, tuple)) and wire != "json":
        if family == "alibaba-rpc":  # RepeatList: Name.1=a&Name.2=b
            return [(f"{name}.{i}", _url_text(item, "plain")) for i, item in enumerate(value, 1)]
        return [(name, _url_text(item, "plain")) for item in value]  # Huawei: a=1&a=2
    return [(name, _url_text(value, wire))]


def _placed(contract: Contract, params: Mapping[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(name, location, wire, value) in contract order, then undocumented ones in caller order."""
    specs = {spec.name: spec for spec in contract.parameters}
    ordered = [name for name in specs if name in params]
    ordered += [name for name in params if name not in specs]
    placed = []
    for name in ordered:
        value = params[name]
        spec = specs.get(name)
        location = spec.location if spec else "query"
        wire = spec.wire if spec else "plain"
        if isinstance(value, At):
            location, value = value.location, value.value
        if value is None or value is OMIT:
            continue
        placed.append((name, location, wire, value))
    return placed


def _protocol_defaults(contract: Contract, style: str) -> dict[str, tuple[str, str]]:
    """Alibaba's action/version carriers: name -> (location, value)."""
    if contract.family != "alibaba-rpc":
        return {}
    action, version = contract.action or "", contract.version or ""
    if style == RPC_V1:
        return {"Action": ("query", action), "Version": ("query", version),
                "Format": ("query", "JSON")}
    return {"x-acs-action": ("header", action), "x-acs-version": ("header", version)}


def _fill_path(template: str, path_values: Mapping[str, str]) -> str:
    """Fill ``{name}`` holes; a hole with no value stays visible as ``{name}`` on the wire."""
    path = template
    for name, text in path_values.items():
        path = path.replace("{" + name + "}", text)
    return path


def _json_body(fields: list[tuple[str, str, Any]]) -> bytes:
    """A JSON object; ``Raw`` values are pasted verbatim so tests can send broken JSON."""
    parts = []
    for name, wire, value in fields:
        text = value.text if isinstance(value, Raw) else json.dumps(value, ensure_ascii=False)
        if wire == "json" and not isinstance(value, Raw):
            text = json.dumps(encode_value(value, wire="json"), ensure_ascii=False)
        parts.append(f"{json.dumps(name)}: {text}")
    return ("{" + ", ".join(parts) + "}").encode("utf-8")


def build_request(contract: Contract, params: Mapping[str, Any], base_url: str, *,
                  style: str = ACS3, headers: Mapping[str, str] | None = None,
                  raw_body: bytes | str | None = None) -> WireRequest:
    """The unsigned request for ``contract`` carrying ``params`` (see the module doc).

    ``style`` picks the Alibaba action carrier (``ACS3`` headers or ``RPC_V1`` query
    parameters; ignored for Huawei). ``headers`` are added last and win. ``raw_body`` replaces
    the body outright (with no Content-Type unless ``headers`` gives one).
    """
    if style not in (ACS3, RPC_V1):
        raise ValueError(f"style must be {ACS3!r} or {RPC_V1!r}, not {style!r}")
    params = dict(params)
    for name, (location, value) in _protocol_defaults(contract, style).items():
        params.setdefault(name, At(location, value) if location == "query" else value)
    query: list[tuple[str, str]] = []
    path_values: dict[str, str] = {}
    out_headers: dict[str, str] = {}
    body_fields: list[tuple[str, str, Any]] = []
    for name, location, wire, value in _placed(contract, params):
        if location == "query":
            query += _query_pairs(name, value, wire, contract.family)
        elif location == "path":
            path_values[name] = (value.text if isinstance(value, Raw) and value.encoded
                                 else quote(encode_value(value, wire=wire), safe=""))
        elif location == "header":
            out_headers[name] = encode_value(value, wire=wire)
        else:
            body_fields.append((name, wire, value))
    body = b""
    if contract.family == "alibaba-rpc":
        if body_fields:  # the older RPC style also reads form bodies
            body = "&".join(f"{quote(n, safe='~')}={_url_text(v, w)}"
                            for n, w, v in body_fields).encode("utf-8")
            out_headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body_fields:
        body = _json_body(body_fields)
        out_headers["Content-Type"] = "application/json"
    if raw_body is not None:
        body = raw_body.encode("utf-8") if isinstance(raw_body, str) else raw_body
        out_headers.pop("Content-Type", None)
    out_headers.update(headers or {})
    return WireRequest(contract.method, _join(base_url, _fill_path(contract.path, path_values),
                                              query), out_headers, body)


def _join(base_url: str, path: str, query: list[tuple[str, str]]) -> str:
    """``base`` (which may carry a path prefix) + path + encoded query."""
    parts = urlsplit(base_url)
    prefix = parts.path.rstrip("/")
    url = f"{parts.scheme}://{parts.netloc}{prefix}{path}"
    if query:
        url += "?" + "&".join(f"{quote(name, safe='~')}={value}" for name, value in query)
    return url
