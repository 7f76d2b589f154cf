"""One request as plain text parts, however it arrived (a WSGI server, a recording).

Alibaba RPC parameters travel in the query string or an ``application/x-www-form-urlencoded``
body (vendor-common ``protocol.parameter_locations``); Huawei parameters travel in the path, the
query and a JSON body. What does not decode is kept in ``problems`` for validation to report.
Shared by the mock (``mock.params`` reads WSGI into it) and the offline audit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from backup_conformance.signing import SignableRequest

MAX_FIELDS = 1000
FORM = "application/x-www-form-urlencoded"
Problem = tuple[str | None, str]  # (parameter it concerns, what failed to decode)


@dataclass
class Inbound:
    """One request as text: decoded path, query pairs, form pairs, lower-cased headers, body."""

    method: str
    path: str
    raw_uri: str
    host: str
    query: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    header_pairs: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    problems: list[Problem] = field(default_factory=list)  # what failed to decode

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def rpc_params(self) -> dict[str, str]:
        """Alibaba parameters: query first, then form; the first occurrence of a name wins."""
        merged: dict[str, str] = {}
        for name, value in [*self.query, *self.form]:
            merged.setdefault(name, value)
        return merged

    def query_params(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for name, value in self.query:
            merged.setdefault(name, value)
        return merged

    def json_body(self) -> tuple[Any, str | None]:
        """The body as JSON (``None`` when empty) and a problem text when it is not JSON."""
        if not self.body.strip():
            return None, None
        try:
            return json.loads(self.body.decode("utf-8")), None
        except (UnicodeDecodeError, ValueError) as exc:
            return None, f"the request body is not JSON ({exc.__class__.__name__})"

    def signable(self) -> SignableRequest:
        """The view the signature verifiers need: raw URI (as signed), headers, body bytes."""
        return SignableRequest(self.method, f"http://{self.host}{self.raw_uri}",
                               dict(self.header_pairs), self.body)


def decode_pairs(text: str, what: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """Form-decode ``text`` pair by pair so a bad value is blamed on its own parameter."""
    pairs: list[tuple[str, str]] = []
    for field_text in text.split("&")[:MAX_FIELDS]:
        if not field_text:
            continue
        name, _, value = field_text.partition("=")
        decoded_name = unquote_plus(name, errors="replace")
        try:
            pairs.append((unquote_plus(name, errors="strict"),
                          unquote_plus(value, errors="strict")))
        except UnicodeDecodeError:
            problems.append((decoded_name,
                             f"{what}: the value of {decoded_name[:60]!r} is not UTF-8"))
            pairs.append((decoded_name, unquote_plus(value, errors="replace")))
    return pairs
