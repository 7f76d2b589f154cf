"""Read one WSGI request into plain text parts, never trusting the client's bytes.

Alibaba RPC parameters travel in the query string or an ``application/x-www-form-urlencoded``
body (vendor-common ``protocol.parameter_locations``); Huawei parameters travel in the path, the
query and a JSON body. Anything that does not decode (bad UTF-8, bad JSON, an oversized body) is
kept as a decoding problem for validation to report, so no input can raise past this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from backup_conformance.signing import SignableRequest

MAX_BODY = 1 << 20  # 1 MiB: far above any documented request, small enough to stay cheap
MAX_FIELDS = 1000
_FORM = "application/x-www-form-urlencoded"
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


def read_request(request: Request) -> Inbound:
    """Decode ``request`` defensively; every failure lands in ``Inbound.problems``."""
    environ = request.environ
    problems: list[Problem] = []
    path = _wsgi_text(environ.get("PATH_INFO", "") or "/", "the request path", problems)
    raw_query = environ.get("QUERY_STRING", "") or ""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
        (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) +
        (f"?{raw_query}" if raw_query else "")
    )
    pairs = [(k, v) for k, v in request.headers.items()]
    inbound = Inbound(
        method=(request.method or "GET").upper(),
        path=path or "/",
        raw_uri=raw_uri,
        host=request.host or "127.0.0.1",
        headers={k.lower(): v for k, v in reversed(pairs)},
        header_pairs=pairs,
        problems=problems,
    )
    inbound.query = _pairs(raw_query, "the query string", problems)
    inbound.body = _body(request, problems)
    content_type = (inbound.header("content-type") or "").split(";")[0].strip().lower()
    if content_type == _FORM and inbound.body:
        try:
            text = inbound.body.decode("utf-8")
        except UnicodeDecodeError:
            problems.append((None, "the form body is not UTF-8"))
        else:
            inbound.form = _pairs(text, "the form body", problems, already_text=True)
    return inbound


def _wsgi_text(value: str, what: str, problems: list[Problem]) -> str:
    """WSGI strings are latin-1 views of the wire bytes; the vendors speak UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        problems.append((None, f"{what} is not UTF-8"))
        return value.encode("latin-1", "replace").decode("utf-8", "replace")


def _pairs(raw: str, what: str, problems: list[Problem], *, already_text: bool = False
           ) -> list[tuple[str, str]]:
    """Form-decode ``raw`` pair by pair so a bad value is blamed on its own parameter."""
    text = raw if already_text else _wsgi_text(raw, what, problems)
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


def _body(request: Request, problems: list[Problem]) -> bytes:
    request.max_content_length = MAX_BODY
    try:
        return request.get_data(cache=True)
    except HTTPException:
        problems.append((None, f"the request body is larger than {MAX_BODY} bytes"))
        return b""
