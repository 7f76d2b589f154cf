"""Alibaba Cloud RPC signature V1 (HMAC-SHA1), the older style the gateway still accepts.

Mirrors ``alibabacloud_tea_openapi.utils.Utils.get_rpcsignature`` (0.4.6) and the parameter set
``Client.do_rpcrequest`` adds: every parameter (query and form body, minus ``Signature``) sorted
by raw name, ``name=value`` each percent-encoded with ``quote(safe='~')``, joined by ``&``; the
string to sign is ``METHOD&%2F&`` + ``quote_plus(joined, safe='~')``; the signature is
base64(HMAC-SHA1(secret + "&", string to sign)).
"""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests

from .alibaba_auth import AlibabaSigningAuth, accept_once
from .errors import AlibabaErrors
from .request import SignableRequest, utc
from .verdict import DEFAULT_MAX_SKEW, NonceCache, SecretFor, Verdict

__all__ = [
    "RpcV1Auth",
    "check_well_formed_rpc_v1",
    "rpc_v1_signature",
    "rpc_v1_string_to_sign",
    "sign_rpc_v1",
    "verify_rpc_v1",
]

RPC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_REQUIRED = ("AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Signature")


def rpc_v1_string_to_sign(
    method: str, params: Mapping[str, str], *, sort_encoded: bool = False
) -> str:
    """``METHOD&%2F&percentEncode(canonical query)``; ``Signature`` itself is never signed.

    ``sort_encoded`` sorts by encoded name (the documented rule) instead of the SDK's raw name;
    the two only differ for names with characters outside ``[A-Za-z0-9-_.~]``.
    """
    encoded = [
        (quote(name, safe="~"), quote(value, safe="~"))
        for name, value in params.items()
        if name != "Signature" and value is not None
    ]
    if sort_encoded:
        encoded.sort()
    else:
        order = {quote(name, safe="~"): name for name in params}
        encoded.sort(key=lambda pair: order[pair[0]])
    canonical = "&".join(f"{name}={value}" for name, value in encoded)
    return f"{method.upper()}&%2F&{quote_plus(canonical, safe='~')}"


def rpc_v1_signature(string_to_sign: str, secret: str) -> str:
    """base64(HMAC-SHA1(secret + '&', string_to_sign))."""
    key = (secret + "&").encode("utf-8")
    return base64.b64encode(hmac.new(key, string_to_sign.encode("utf-8"), "sha1").digest()).decode()


def _params(request: SignableRequest) -> dict[str, str]:
    params = dict(request.query_pairs())
    params.update(request.form_pairs())  # the SDK merges query, then body
    return params


def sign_rpc_v1(request: SignableRequest, access_key_id: str, secret: str, *, now: datetime,
                nonce: str, security_token: str | None = None) -> dict[str, str]:
    """Return the query parameters to add: the common auth parameters and ``Signature``.

    ``Action``, ``Version`` and ``Format`` are the caller's (they are API parameters); any
    query or form parameters already in ``request`` are signed with them.
    """
    added = {
        "Timestamp": utc(now).strftime(RPC_DATE_FORMAT),
        "SignatureNonce": nonce,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "AccessKeyId": access_key_id,
    }
    if security_token:
        added["SecurityToken"] = security_token
    params = {**_params(request), **added}
    params.pop("Signature", None)
    added["Signature"] = rpc_v1_signature(rpc_v1_string_to_sign(request.method, params), secret)
    return added


def _parse_time(value: str) -> datetime:
    if not _TIME_RE.match(value):
        raise ValueError(value)
    return datetime.strptime(value[:19] + "Z", RPC_DATE_FORMAT).replace(tzinfo=UTC)


def _shape(params: Mapping[str, str]) -> Verdict | None:
    if "Timestamp" not in params:
        return AlibabaErrors.missing_timestamp()
    for name in _REQUIRED:
        if not params.get(name):
            return AlibabaErrors.missing_parameter(name)
    if params["SignatureMethod"] != "HMAC-SHA1":
        return AlibabaErrors.invalid_signature_method(params["SignatureMethod"])
    if params["SignatureVersion"] != "1.0":
        return AlibabaErrors.incomplete_signature("SignatureVersion must be 1.0.")
    try:
        _parse_time(params["Timestamp"])
    except ValueError:
        return AlibabaErrors.bad_timestamp_format()
    return None


def check_well_formed_rpc_v1(request: SignableRequest) -> Verdict:
    """Shape-only check for a mock with no credentials."""
    params = _params(request)
    failure = _shape(params)
    return failure if failure is not None else Verdict.accept(params.get("AccessKeyId"))


def verify_rpc_v1(request: SignableRequest, secret_for: SecretFor, *, now: datetime,
                  max_skew: timedelta = DEFAULT_MAX_SKEW, nonces: NonceCache | None = None
                  ) -> Verdict:
    """Verify parameters in the query or a form body: shape, clock, key, signature, nonce."""
    params = _params(request)
    failure = _shape(params)
    if failure is not None:
        return failure
    ak = params["AccessKeyId"]
    if abs(utc(now) - _parse_time(params["Timestamp"])) > max_skew:
        return AlibabaErrors.expired_timestamp(ak)
    secret = secret_for(ak)
    if secret is None:
        return AlibabaErrors.unknown_access_key(ak)
    given = params["Signature"].encode()
    if not any(
        hmac.compare_digest(
            rpc_v1_signature(rpc_v1_string_to_sign(request.method, params, sort_encoded=s),
                             secret).encode(),
            given,
        )
        for s in (False, True)
    ):
        return AlibabaErrors.signature_mismatch(ak)
    return accept_once(ak, params["SignatureNonce"], now, nonces)


class RpcV1Auth(AlibabaSigningAuth):
    """``requests`` auth adding RPC V1 parameters and ``Signature`` to the final URL's query."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        request = SignableRequest.from_prepared(r)
        added = self._signed(request, sign_rpc_v1)
        kept = [(k, v) for k, v in request.query_pairs() if k not in added]
        parts = urlsplit(request.url)
        r.url = urlunsplit(parts._replace(query=urlencode(kept + list(added.items()))))
        return r
