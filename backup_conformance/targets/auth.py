"""Turn a service's auth scheme (or a per-call override) into a ``requests`` auth.

Auth tests must be able to send what a good client never would: no credentials, a wrong
secret, a stale or future clock, a replayed nonce, or another scheme than the profile's. An
override describes that difference from the profile; it never needs the real secret spelled
out by the test, so a test file never holds a credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from backup_conformance.signing import Acs3Auth, HuaweiAkSkAuth, HuaweiTokenAuth, RpcV1Auth
from backup_conformance.targets.errors import TargetError, choices_hint
from backup_conformance.targets.profile import SCHEMES, ServiceTarget
from backup_conformance.targets.wire import ACS3, RPC_V1

SCHEME_NAMES = ("acs3", "acs-rpc-v1", "huawei-aksk", "huawei-token", "none")


@dataclass(frozen=True)
class AuthOverride:
    """How one call's auth differs from the profile's (``None`` fields keep the profile's).

    ``clock_skew`` shifts the signing clock (``timedelta(minutes=-30)`` makes a stale request);
    ``nonce`` fixes the signature nonce so a test can replay it.
    """

    scheme: str | None = None
    access_key_id: str | None = None
    secret: str | None = None
    token: str | None = None
    clock_skew: timedelta = timedelta(0)
    nonce: str | None = None

    def __repr__(self) -> str:  # the point of an override is often a secret: never show it
        return f"AuthOverride(scheme={self.scheme!r}, clock_skew={self.clock_skew!r})"


#: What ``TargetClient.call(auth=...)`` accepts.
AuthSpec = str | AuthOverride | requests.auth.AuthBase | None


@dataclass(frozen=True)
class ResolvedAuth:
    auth: requests.auth.AuthBase | None
    scheme: str
    style: str  # the Alibaba wire style that goes with the scheme
    secrets: tuple[str, ...]


def resolve_auth(target: ServiceTarget, spec: AuthSpec = None) -> ResolvedAuth:
    """The auth object, scheme name, wire style and secret values for one call."""
    base = target.credentials.secrets()
    if isinstance(spec, requests.auth.AuthBase):
        return ResolvedAuth(spec, "custom", ACS3, base)
    override = AuthOverride(scheme=spec) if isinstance(spec, str) else spec or AuthOverride()
    scheme = override.scheme or target.auth
    if scheme not in SCHEME_NAMES:
        raise TargetError(f"unknown auth scheme {scheme!r}{choices_hint(SCHEME_NAMES, scheme)}")
    if scheme != "none" and scheme not in SCHEMES[target.family]:
        raise TargetError(f"auth {scheme!r} does not apply to {target.name}"
                          f"{choices_hint(SCHEMES[target.family], scheme)}")
    creds = target.credentials
    ak = override.access_key_id or creds.access_key_id
    secret = override.secret or creds.secret
    token = override.token or creds.token
    extra = tuple(v for v in (override.access_key_id, override.secret, override.token) if v)
    secrets = base + extra
    style = RPC_V1 if scheme == "acs-rpc-v1" else ACS3
    if scheme == "none":
        return ResolvedAuth(None, scheme, style, secrets)
    clock = _clock(override.clock_skew)
    fixed = override.nonce
    nonce: Callable[[], str] | None = (lambda: fixed) if fixed else None
    if scheme == "huawei-token":
        if not token:
            raise _missing(target, scheme, "a token (OS_AUTH_TOKEN)")
        return ResolvedAuth(HuaweiTokenAuth(token, project_id=target.project_id), scheme,
                            style, secrets)
    if not (ak and secret):
        raise _missing(target, scheme, "an access key id and secret")
    auth: Any
    if scheme == "acs3":
        auth = Acs3Auth(ak, secret, security_token=creds.security_token, clock=clock,
                        nonce=nonce)
    elif scheme == "acs-rpc-v1":
        auth = RpcV1Auth(ak, secret, security_token=creds.security_token, clock=clock,
                         nonce=nonce)
    else:
        auth = HuaweiAkSkAuth(ak, secret, project_id=target.project_id, clock=clock)
    return ResolvedAuth(auth, scheme, style, secrets)


def _clock(skew: timedelta) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + skew


def _missing(target: ServiceTarget, scheme: str, what: str) -> TargetError:
    return TargetError(f"{target.name}: auth {scheme!r} needs {what}, but the profile's "
                       f"credentials (auth {target.auth!r}) do not hold it")
