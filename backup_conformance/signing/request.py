"""A small, vendor-neutral view of one HTTP request, as signed or as received.

Signers and verifiers both work on this type so that the suite's client (``requests``), the
reference mock (``werkzeug``) and the tests (the SDKs' captured requests) share one code path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = ["SignableRequest", "detect_scheme", "utc"]

_FORM = "application/x-www-form-urlencoded"


def utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class SignableRequest:
    """One request: method, absolute URL (scheme, host[:port], path, raw query), headers, body.

    ``headers`` keeps the caller's spelling; look-ups through :meth:`header` ignore case. The
    URL's query is kept raw (as on the wire) because each vendor canonicalises it differently.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def from_prepared(cls, prepared: Any) -> SignableRequest:
        """Build from a ``requests.PreparedRequest`` (its final URL and body bytes)."""
        body = prepared.body
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            raise TypeError("streamed request bodies cannot be signed; pass bytes or str")
        return cls(str(prepared.method or "GET"), str(prepared.url), dict(prepared.headers), data)

    @classmethod
    def from_werkzeug(cls, request: Any) -> SignableRequest:
        """Build from a ``werkzeug.Request`` as received, keeping the raw request target.

        The raw target matters: werkzeug's ``request.url`` re-encodes the query, which would
        break signatures over names or values the client encoded differently.
        """
        environ = request.environ
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not target:
            query = environ.get("QUERY_STRING", "")
            target = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/"))
            target += f"?{query}" if query else ""
        if "://" not in target:
            target = f"{request.scheme}://{request.host}{target}"
        headers = {key: value for key, value in request.headers.items()}
        return cls(request.method, target, headers, request.get_data(cache=True))

    def header(self, name: str) -> str | None:
        """Case-insensitive header look-up (first match)."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    @property
    def path(self) -> str:
        """The raw (still percent-encoded) path; ``/`` when empty."""
        return urlsplit(self.url).path or "/"

    @property
    def raw_query(self) -> str:
        return urlsplit(self.url).query

    @property
    def host(self) -> str:
        """The Host header if present, else the URL's ``host[:port]``."""
        return self.header("host") or urlsplit(self.url).netloc

    def query_pairs(self) -> list[tuple[str, str]]:
        """Decoded query pairs in wire order (form decoding: ``+`` is a space)."""
        return parse_qsl(self.raw_query, keep_blank_values=True)

    def form_pairs(self) -> list[tuple[str, str]]:
        """Decoded ``application/x-www-form-urlencoded`` body pairs; empty for other bodies."""
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != _FORM or not self.body:
            return []
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def with_headers(self, extra: Mapping[str, str]) -> SignableRequest:
        """A copy with ``extra`` headers set (replacing same-named ones, any case)."""
        lowered = {key.lower() for key in extra}
        merged = {k: v for k, v in self.headers.items() if k.lower() not in lowered}
        merged.update(extra)
        return SignableRequest(self.method, self.url, merged, self.body)

    def with_url(self, url: str) -> SignableRequest:
        return SignableRequest(self.method, url, dict(self.headers), self.body)


def _names(pairs: Iterable[tuple[str, str]]) -> set[str]:
    return {name for name, _ in pairs}


def detect_scheme(request: SignableRequest) -> str | None:
    """Name the auth scheme a request uses, in the profile vocabulary (docs/design.md §4).

    Returns ``acs3``, ``acs-rpc-v1``, ``huawei-aksk``, ``huawei-token`` or ``None``. The mock uses
    this to pick a verifier; a request carrying no recognisable credentials gives ``None``.
    """
    authorization = (request.header("authorization") or "").strip()
    scheme = authorization.split(" ", 1)[0].upper()
    if scheme.startswith("ACS3-"):
        return "acs3"
    if scheme.startswith("SDK-"):
        return "huawei-aksk"
    if request.header("x-auth-token") is not None:
        return "huawei-token"
    params = _names(request.query_pairs()) | _names(request.form_pairs())
    if params & {"Signature", "SignatureMethod", "AccessKeyId"}:
        return "acs-rpc-v1"
    return None
