"""What the two Alibaba ``requests`` auths share: credentials, an injectable clock and nonce,
and a ``repr`` that never shows a secret."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import requests


class AlibabaSigningAuth(requests.auth.AuthBase):
    """Base of ``Acs3Auth`` and ``RpcV1Auth``: each signs the final prepared request."""

    def __init__(
        self,
        access_key_id: str,
        secret: str,
        *,
        security_token: str | None = None,
        clock: Callable[[], datetime] | None = None,
        nonce: Callable[[], str] | None = None,
    ) -> None:
        self._ak, self._secret, self._token = access_key_id, secret, security_token
        self._clock = clock or (lambda: datetime.now(UTC))
        self._nonce = nonce or (lambda: uuid.uuid4().hex)

    def __repr__(self) -> str:  # never show the secret
        return f"{type(self).__name__}(access_key_id='***')"
