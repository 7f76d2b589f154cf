"""Verification outcomes and the replay cache shared by every verifier."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .request import utc

__all__ = ["DEFAULT_MAX_SKEW", "OK", "NonceCache", "SecretFor", "Verdict"]

#: Both vendors reject a signature time more than 15 minutes from the server's clock
#: (Alibaba: InvalidTimeStamp.Expired, help.aliyun.com/document_detail/48054.html;
#: Huawei: "API网关 ... 时间差超过15分钟 ... 将拒绝请求", API Request Signing Guide).
DEFAULT_MAX_SKEW = timedelta(minutes=15)
#: A verifier's key lookup: the secret of an access key id, or None for an unknown key.
SecretFor = Callable[[str], str | None]


@dataclass(frozen=True)
class Verdict:
    """Accepted, or rejected with the vendor's own error code, HTTP status and message.

    ``access_key_id`` names the caller on success (and on failures after the key was read) so
    the mock can log who called without ever seeing the secret.
    """

    ok: bool
    status: int = 200
    code: str | None = None
    message: str = ""
    access_key_id: str | None = None

    @classmethod
    def accept(cls, access_key_id: str | None = None) -> Verdict:
        return cls(True, 200, None, "", access_key_id)

    @classmethod
    def reject(
        cls, code: str, status: int, message: str, access_key_id: str | None = None
    ) -> Verdict:
        return cls(False, status, code, message, access_key_id)


OK = Verdict.accept()


class NonceCache:
    """Remembers nonces for ``ttl`` so a replayed request is caught; thread-safe, bounded.

    Entries older than ``ttl`` are dropped (a replay that old already fails the timestamp
    check, so the window only needs to cover the allowed clock skew on both sides). When more
    than ``max_entries`` live nonces are held the oldest are evicted first: memory stays bounded
    at the price of forgetting the oldest nonces under a flood.
    """

    def __init__(self, ttl: timedelta = 2 * DEFAULT_MAX_SKEW, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._ttl = ttl
        self._max = max_entries
        self._seen: OrderedDict[str, datetime] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def check_and_add(self, nonce: str, now: datetime) -> bool:
        """Record ``nonce``; return ``False`` when it was already seen within the TTL."""
        moment = utc(now)
        with self._lock:
            self._expire(moment)
            if nonce in self._seen:
                return False
            self._seen[nonce] = moment
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
            return True

    def _expire(self, moment: datetime) -> None:
        horizon = moment - self._ttl
        while self._seen:
            oldest_key, oldest_at = next(iter(self._seen.items()))
            if oldest_at > horizon:
                break
            del self._seen[oldest_key]
