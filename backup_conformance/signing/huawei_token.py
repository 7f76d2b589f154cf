"""Huawei Cloud token authentication: the IAM token travels in ``X-Auth-Token``.

The API pages show this scheme; the official SDK never sends it (docs/design.md §3), so the suite's
client and the mock are its only users here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import requests

from .errors import HuaweiErrors
from .request import SignableRequest, utc
from .verdict import Verdict

__all__ = [
    "HuaweiTokenAuth",
    "check_well_formed_huawei_token",
    "huawei_token_headers",
    "verify_huawei_token",
]

_TOKEN_RE = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII, no spaces


def huawei_token_headers(token: str, *, project_id: str | None = None) -> dict[str, str]:
    """The headers to add for token authentication."""
    headers = {"X-Auth-Token": token}
    if project_id:
        headers["X-Project-Id"] = project_id
    return headers


def check_well_formed_huawei_token(request: SignableRequest) -> Verdict:
    """Present and made of visible ASCII; the token's content is not checked."""
    token = request.header("x-auth-token")
    if token is None or not token.strip():
        return HuaweiErrors.token_missing()
    if not _TOKEN_RE.match(token.strip()):
        return HuaweiErrors.token_invalid()
    return Verdict.accept()


def verify_huawei_token(
    request: SignableRequest,
    expiry_for: Callable[[str], datetime | None],
    *,
    now: datetime,
) -> Verdict:
    """Accept a known, unexpired token. ``expiry_for`` gives a token's expiry, or ``None`` when
    the token is unknown (IAM: "decrypt token fail")."""
    shape = check_well_formed_huawei_token(request)
    if not shape.ok:
        return shape
    token = (request.header("x-auth-token") or "").strip()
    expires_at = expiry_for(token)
    if expires_at is None:
        return HuaweiErrors.token_invalid()
    if utc(expires_at) <= utc(now):
        return HuaweiErrors.token_expired(utc(expires_at).strftime("%Y-%m-%dT%H:%M:%S.000000Z"))
    return Verdict.accept()


class HuaweiTokenAuth(requests.auth.AuthBase):
    """``requests`` auth that adds ``X-Auth-Token`` (and ``X-Project-Id`` when given)."""

    def __init__(self, token: str, *, project_id: str | None = None) -> None:
        self._headers = huawei_token_headers(token, project_id=project_id)

    def __repr__(self) -> str:  # never show the token
        return "HuaweiTokenAuth(token='***')"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers.update(self._headers)
        return r
