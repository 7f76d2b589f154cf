"""What the two Alibaba schemes share beyond ``SigningAuth``: an injectable nonce when
signing, and the gateway's one-use check of it when verifying."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from .auth_base import SigningAuth
from .errors import AlibabaErrors
from .request import SignableRequest
from .verdict import NonceCache, Verdict

#: A scheme's signing function: the headers or query parameters to add.
Signer = Callable[..., dict[str, str]]


class AlibabaSigningAuth(SigningAuth):
    """Base of ``Acs3Auth`` and ``RpcV1Auth``: each signs the final prepared request."""

    def __init__(self, access_key_id: str, secret: str, *, security_token: str | None = None,
                 clock: Callable[[], datetime] | None = None,
                 nonce: Callable[[], str] | None = None) -> None:
        super().__init__(access_key_id, secret, security_token=security_token, clock=clock)
        self._nonce = nonce or (lambda: uuid.uuid4().hex)

    def _signed(self, request: SignableRequest, sign: Signer) -> dict[str, str]:
        """What ``sign`` adds to ``request`` with this auth's keys, clock and nonce."""
        return sign(request, self._ak, self._secret, now=self._clock(), nonce=self._nonce(),
                    security_token=self._token)


def accept_once(access_key_id: str, nonce: str, now: datetime,
                nonces: NonceCache | None) -> Verdict:
    """The last step of an Alibaba verification: accept, unless the nonce was used already
    (``SignatureNonceUsed``); with no cache every nonce is fresh."""
    if nonces is not None and not nonces.check_and_add(f"{access_key_id}\n{nonce}", now):
        return AlibabaErrors.nonce_used(access_key_id)
    return Verdict.accept(access_key_id)
