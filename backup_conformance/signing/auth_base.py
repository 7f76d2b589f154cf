"""What every AK/SK ``requests`` auth shares: the key pair and an optional security token, an
injectable clock (tests pin the time), and a ``repr`` that never shows a secret. Each scheme's
``__call__`` signs the final prepared request its own way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

import requests


class SigningAuth(requests.auth.AuthBase):
    """Base of ``Acs3Auth``, ``RpcV1Auth`` (through ``AlibabaSigningAuth``) and
    ``HuaweiAkSkAuth``."""

    KEY_NAME: ClassVar[str] = "access_key_id"  # how the repr names the (masked) key

    def __init__(self, access_key_id: str, secret: str, *, security_token: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._ak, self._secret, self._token = access_key_id, secret, security_token
        self._clock = clock or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # never show the secret
        return f"{type(self).__name__}({self.KEY_NAME}='***')"
