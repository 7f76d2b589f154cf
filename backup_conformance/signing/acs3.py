"""Alibaba Cloud ACS3-HMAC-SHA256 (OpenAPI signature V3), as alibabacloud-tea-openapi sends it.

Canonicalisation follows ``alibabacloud_tea_openapi.utils`` (0.4.6) exactly, quirks included:
``get_canonical_query_string`` sorts by the *raw* parameter name and percent-encodes only the
value (``quote(v, safe='~')``); ``get_canonicalized_headers`` lower-cases names, strips values
and joins repeated values sorted with ``,``; ``Utils.get_authorization`` builds
``METHOD\\nURI\\nQUERY\\nHEADERS\\nSIGNED\\nHEX(SHA256(body))`` and signs
``ACS3-HMAC-SHA256\\nHEX(SHA256(canonical request))`` with HMAC-SHA256 keyed by the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import requests

from .alibaba_auth import AlibabaSigningAuth, accept_once
from .authorization import ACS3_HEADER, SignedAuthorization, accept_shape, with_signed_names
from .errors import AlibabaErrors
from .request import SignableRequest, utc
from .verdict import DEFAULT_MAX_SKEW, NonceCache, SecretFor, Verdict

__all__ = [
    "ACS3_ALGORITHM",
    "Acs3Auth",
    "Acs3Authorization",
    "acs3_canonical_request",
    "acs3_signature",
    "check_well_formed_acs3",
    "parse_acs3_authorization",
    "sign_acs3",
    "verify_acs3",
]

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
ALIBABA_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_REQUIRED_SIGNED = ("host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce")
_SIGN_IF_PRESENT = ("x-acs-action", "x-acs-version", "x-acs-security-token", "x-acs-accesskey-id")
_ALIBABA_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


def _canonical_query(pairs: Iterable[tuple[str, str]], *, encode_names: bool) -> str:
    """SDK rule (``encode_names=False``) or the documented RFC 3986 rule (``True``)."""
    items = sorted(pairs, key=lambda pair: pair[0])
    parts = []
    for name, value in items:
        key = quote(name, safe="~") if encode_names else name
        parts.append(f"{key}={quote(value, safe='~')}")
    return "&".join(parts)


def _canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> str:
    wanted = {name.lower() for name in names}
    grouped: dict[str, list[str]] = {}
    for key, value in headers.items():
        if key.lower() in wanted:
            grouped.setdefault(key.lower(), []).append(str(value).strip())
    return "".join(f"{key}:{','.join(sorted(grouped.get(key, [])))}\n" for key in sorted(wanted))


def acs3_canonical_request(method: str, path: str, query: Iterable[tuple[str, str]],
                           headers: Mapping[str, str], signed_headers: Iterable[str],
                           payload_sha256: str, *, encode_names: bool = False) -> str:
    """The canonical request string of the V3 signature (see the module doc)."""
    names = sorted({name.lower() for name in signed_headers})
    return "\n".join(
        (
            method.upper(),
            path or "/",
            _canonical_query(query, encode_names=encode_names),
            _canonical_headers(headers, names),
            ";".join(names),
            payload_sha256,
        )
    )


def acs3_signature(canonical_request: str, secret: str) -> str:
    """Lower-case hex HMAC-SHA256 over the string to sign."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = f"{ACS3_ALGORITHM}\n{digest}"
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), "sha256").hexdigest()


def _default_signed(headers: Mapping[str, str]) -> list[str]:
    """Sign host, content-type and every ``x-acs-*`` header, as the V3 docs require.

    Transport headers that ``requests`` adds (User-Agent, Connection...) stay unsigned so a
    proxy rewriting them cannot break the signature.
    """
    names = {key.lower() for key in headers}
    return sorted(n for n in names if n in ("host", "content-type") or n.startswith("x-acs-"))


def sign_acs3(request: SignableRequest, access_key_id: str, secret: str, *, now: datetime,
              nonce: str, security_token: str | None = None,
              signed_headers: Iterable[str] | None = None) -> dict[str, str]:
    """Return the headers to add (host, x-acs-date/-signature-nonce/-content-sha256,
    token headers, Authorization). ``now`` and ``nonce`` are injected for reproducibility."""
    added = {
        "x-acs-date": utc(now).strftime(ALIBABA_DATE_FORMAT),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(request.body).hexdigest(),
    }
    if request.header("host") is None:
        added["host"] = request.host
    if security_token:
        added["x-acs-accesskey-id"] = access_key_id
        added["x-acs-security-token"] = security_token
    full, names = with_signed_names(request, added, signed_headers, _default_signed)
    canonical = acs3_canonical_request(
        full.method, full.path, full.query_pairs(), full.headers, names,
        added["x-acs-content-sha256"],
    )
    added["Authorization"] = ACS3_HEADER.write(ACS3_ALGORITHM, access_key_id, names,
                                               acs3_signature(canonical, secret))
    return added


Acs3Authorization = SignedAuthorization  # the parsed header (``access_key_id``)


#: ``ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex``; ValueError if garbled.
parse_acs3_authorization = ACS3_HEADER.parse


def _parse_time(value: str) -> datetime:
    if not _ALIBABA_TIME_RE.match(value):
        raise ValueError(value)
    return datetime.strptime(value[:19] + "Z", ALIBABA_DATE_FORMAT).replace(tzinfo=UTC)


def _shape(request: SignableRequest) -> Verdict | SignedAuthorization:
    """The parsed header of a complete ACS3 request, or the gateway's refusal."""
    header = request.header("authorization")
    if not header or not header.strip():
        return AlibabaErrors.incomplete_signature("The Authorization header is missing.")
    if not header.strip().upper().startswith("ACS3-"):
        return AlibabaErrors.incomplete_signature()
    try:
        auth = parse_acs3_authorization(header)
    except ValueError:
        return AlibabaErrors.incomplete_signature()
    if auth.algorithm != ACS3_ALGORITHM:
        return AlibabaErrors.invalid_signature_method(auth.algorithm)
    for name in _REQUIRED_SIGNED:
        if request.header(name) is None:
            return AlibabaErrors.missing_parameter(name)
    for name in _REQUIRED_SIGNED + _SIGN_IF_PRESENT:
        if request.header(name) is not None and name not in auth.signed_headers:
            return AlibabaErrors.incomplete_signature(f"{name} must be signed.")
    if any(request.header(name) is None for name in auth.signed_headers):
        return AlibabaErrors.incomplete_signature("A signed header is absent.")
    try:
        _parse_time(request.header("x-acs-date") or "")
    except ValueError:
        return AlibabaErrors.bad_timestamp_format()
    return auth


def verify_acs3(request: SignableRequest, secret_for: SecretFor, *, now: datetime,
                max_skew: timedelta = DEFAULT_MAX_SKEW, nonces: NonceCache | None = None
                ) -> Verdict:
    """Verify as the POP gateway does: shape, clock, key, payload hash, signature, nonce.

    Both query-name encodings are accepted (the SDK's raw names and the documented RFC 3986
    names); they differ only for names outside ``[A-Za-z0-9-_.~]``.
    """
    auth = _shape(request)
    if isinstance(auth, Verdict):
        return auth
    ak = auth.key_id
    signed_at = _parse_time(request.header("x-acs-date") or "")
    if abs(utc(now) - signed_at) > max_skew:
        return AlibabaErrors.expired_timestamp(ak)
    secret = secret_for(ak)
    if secret is None:
        return AlibabaErrors.unknown_access_key(ak)
    payload = hashlib.sha256(request.body).hexdigest()
    if not hmac.compare_digest((request.header("x-acs-content-sha256") or "").lower(), payload):
        return AlibabaErrors.signature_mismatch(ak)
    pairs = request.query_pairs()
    matched = False
    for encode_names in (False, True):
        canonical = acs3_canonical_request(
            request.method, request.path, pairs, request.headers, auth.signed_headers, payload,
            encode_names=encode_names,
        )
        if hmac.compare_digest(acs3_signature(canonical, secret), auth.signature):
            matched = True
            break
    if not matched:
        return AlibabaErrors.signature_mismatch(ak)
    return accept_once(ak, request.header("x-acs-signature-nonce") or "", now, nonces)


def check_well_formed_acs3(request: SignableRequest) -> Verdict:
    """Shape-only check for a mock with no credentials: header present, parseable, complete."""
    return accept_shape(_shape(request))


class Acs3Auth(AlibabaSigningAuth):
    """``requests`` auth that signs the final prepared request with ACS3-HMAC-SHA256."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers.update(self._signed(SignableRequest.from_prepared(r), sign_acs3))
        return r
