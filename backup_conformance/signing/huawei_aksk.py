"""Huawei Cloud AK/SK signing (SDK-HMAC-SHA256), as huaweicloudsdkcore's ``Signer`` sends it.

Mirrors ``huaweicloudsdkcore/signer/signer.py`` (3.1.219): canonical URI = each path segment
unquoted then re-quoted with ``quote(safe='~')``, always ending in ``/``; canonical query =
``(name, value)`` pairs sorted, both quoted with ``quote(safe='~')``; canonical headers = the
signed names lower-cased with stripped values; payload hash = SHA-256 of the body, the empty
hash for no body, or the ``X-Sdk-Content-Sha256`` header (``UNSIGNED-PAYLOAD`` when the content
type is neither JSON nor BSON); string to sign = ``SDK-HMAC-SHA256\\nX-Sdk-Date\\nHEX(SHA256(
canonical request))``; signature = hex HMAC-SHA256 keyed by the SK.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from .auth_base import SigningAuth
from .authorization import HUAWEI_HEADER, SignedAuthorization, accept_shape, with_signed_names
from .errors import HuaweiErrors
from .request import SignableRequest, utc
from .verdict import DEFAULT_MAX_SKEW, NonceCache, SecretFor, Verdict

__all__ = [
    "HUAWEI_ALGORITHM",
    "HuaweiAkSkAuth",
    "HuaweiAuthorization",
    "check_well_formed_huawei_aksk",
    "huawei_canonical_query",
    "huawei_canonical_request",
    "huawei_canonical_uri",
    "huawei_signature",
    "parse_huawei_authorization",
    "sign_huawei_aksk",
    "verify_huawei_aksk",
]

HUAWEI_ALGORITHM = "SDK-HMAC-SHA256"
HUAWEI_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_CONTENT_HASH = "X-Sdk-Content-Sha256"
_EMPTY_HASH = hashlib.sha256(b"").hexdigest()
_DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")
_REQUIRED_SIGNED = ("host", "x-sdk-date")


def _enc(text: str) -> str:
    return quote(text, safe="~")


def huawei_canonical_uri(raw_path: str) -> str:
    """Each segment unquoted then quoted with ``safe='~'``; a trailing ``/`` is always added."""
    path = "/".join(_enc(segment) for segment in unquote(raw_path or "/").split("/"))
    return path if path.endswith("/") else path + "/"


def huawei_canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{_enc(name)}={_enc(value)}" for name, value in sorted(pairs))


def huawei_canonical_request(method: str, raw_path: str, query: Iterable[tuple[str, str]],
                             headers: Mapping[str, str], signed_headers: Iterable[str],
                             payload_hash: str) -> str:
    """The canonical request string of SDK-HMAC-SHA256 (see the module doc)."""
    names = sorted({name.lower() for name in signed_headers})
    lowered = {key.lower(): str(value).strip() for key, value in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in names)
    return "\n".join(
        (method.upper(), huawei_canonical_uri(raw_path), huawei_canonical_query(query),
         canonical_headers, ";".join(names), payload_hash)
    )


def huawei_signature(canonical_request: str, sdk_date: str, secret: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = f"{HUAWEI_ALGORITHM}\n{sdk_date}\n{digest}"
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), "sha256").hexdigest()


def _payload_hash(body: bytes, content_hash_header: str | None) -> str:
    if not body:
        return _EMPTY_HASH
    return content_hash_header or hashlib.sha256(body).hexdigest()


def _default_signed(headers: Mapping[str, str]) -> list[str]:
    """host, content-type and ``x-*`` headers; the SDK skips names containing ``_``."""
    names = {key.lower() for key in headers if "_" not in key}
    return sorted(n for n in names if n in ("host", "content-type") or n.startswith("x-"))


def sign_huawei_aksk(
    request: SignableRequest,
    access_key: str,
    secret_key: str,
    *,
    now: datetime,
    project_id: str | None = None,
    security_token: str | None = None,
    signed_headers: Iterable[str] | None = None,
) -> dict[str, str]:
    """Return the headers to add: X-Sdk-Date, Host, X-Project-Id, X-Security-Token,
    X-Sdk-Content-Sha256 (the SDK's rule for non-JSON bodies) and Authorization."""
    added = {"X-Sdk-Date": utc(now).strftime(HUAWEI_DATE_FORMAT)}
    if request.header("host") is None:
        added["Host"] = request.host
    if project_id:
        added["X-Project-Id"] = project_id
    if security_token:
        added["X-Security-Token"] = security_token
    content_type = request.header("content-type")
    if content_type and not content_type.startswith(("application/json", "application/bson")):
        added[_CONTENT_HASH] = "UNSIGNED-PAYLOAD"
    full, names = with_signed_names(request, added, signed_headers, _default_signed)
    canonical = huawei_canonical_request(
        full.method, full.path, full.query_pairs(), full.headers, names,
        _payload_hash(full.body, full.header(_CONTENT_HASH)),
    )
    signature = huawei_signature(canonical, added["X-Sdk-Date"], secret_key)
    added["Authorization"] = HUAWEI_HEADER.write(HUAWEI_ALGORITHM, access_key, names, signature)
    return added


HuaweiAuthorization = SignedAuthorization  # the parsed header (``access_key``)


#: ``SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex``; ValueError if garbled.
parse_huawei_authorization = HUAWEI_HEADER.parse


def _wire_text(value: str) -> str:
    """The SDK sends UTF-8 header bytes; servers decode them as Latin-1. Undo that."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _shape(request: SignableRequest) -> Verdict | SignedAuthorization:
    """The parsed header of a complete AK/SK request, or the gateway's refusal."""
    header = request.header("authorization")
    if not header or not header.strip():
        return HuaweiErrors.token_missing()  # no Authorization and no token
    try:
        auth = parse_huawei_authorization(header)
    except ValueError:
        return HuaweiErrors.malformed("invalid authorization header")
    if auth.algorithm != HUAWEI_ALGORITHM:
        return HuaweiErrors.malformed(f"unsupported signing algorithm {auth.algorithm}")
    for name in _REQUIRED_SIGNED:
        if name not in auth.signed_headers or request.header(name) is None:
            return HuaweiErrors.malformed(f"{name} must be signed")
    if not _DATE_RE.match(request.header("x-sdk-date") or ""):
        return HuaweiErrors.malformed("invalid x-sdk-date")
    return auth


def verify_huawei_aksk(request: SignableRequest, secret_for: SecretFor, *, now: datetime,
                       max_skew: timedelta = DEFAULT_MAX_SKEW, nonces: NonceCache | None = None
                       ) -> Verdict:
    """Verify as API Gateway does for IAM-authenticated APIs.

    ``nonces`` is accepted only so every AK/SK verifier shares one signature; it is ignored,
    because the Huawei scheme carries no nonce and APIG does not reject replays within the
    15-minute window.
    """
    del nonces
    auth = _shape(request)
    if isinstance(auth, Verdict):
        return auth
    ak = auth.key_id
    sdk_date = request.header("x-sdk-date") or ""
    try:
        signed_at = datetime.strptime(sdk_date, HUAWEI_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return HuaweiErrors.malformed("invalid x-sdk-date")
    if abs(utc(now) - signed_at) > max_skew:
        return HuaweiErrors.signature_expired(sdk_date, utc(now).strftime(HUAWEI_DATE_FORMAT), ak)
    secret = secret_for(ak)
    if secret is None:
        return HuaweiErrors.unknown_access_key(ak)
    declared = request.header(_CONTENT_HASH)
    if request.body and declared and declared != "UNSIGNED-PAYLOAD":
        actual = hashlib.sha256(request.body).hexdigest()
        if not hmac.compare_digest(declared.lower(), actual):
            return HuaweiErrors.signature_mismatch(ak)
    headers = {key: _wire_text(value) for key, value in request.headers.items()}
    canonical = huawei_canonical_request(
        request.method, request.path, request.query_pairs(), headers, auth.signed_headers,
        _payload_hash(request.body, declared),
    )
    if not hmac.compare_digest(huawei_signature(canonical, sdk_date, secret), auth.signature):
        return HuaweiErrors.signature_mismatch(ak)
    return Verdict.accept(ak)


def check_well_formed_huawei_aksk(request: SignableRequest) -> Verdict:
    """Shape-only check for a mock with no credentials."""
    return accept_shape(_shape(request))


class HuaweiAkSkAuth(SigningAuth):
    """``requests`` auth that signs the final request and, like the SDK, rewrites the query
    into its canonical encoding (``%20`` rather than ``+``) so the gateway reads what was signed."""

    KEY_NAME = "access_key"

    def __init__(self, access_key: str, secret_key: str, *, project_id: str | None = None,
                 security_token: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(access_key, secret_key, security_token=security_token, clock=clock)
        self._project_id = project_id

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        request = SignableRequest.from_prepared(r)
        parts = urlsplit(request.url)
        canonical_url = urlunsplit(parts._replace(query=huawei_canonical_query(
            request.query_pairs())))
        request = request.with_url(canonical_url)
        added = sign_huawei_aksk(
            request, self._ak, self._secret, now=self._clock(), project_id=self._project_id,
            security_token=self._token,
        )
        r.url = canonical_url
        r.headers.update(added)
        return r
