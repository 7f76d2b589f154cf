"""Politeness towards a target: a token-bucket rate limit, a request budget, and the backoff
for throttled answers. Clock and sleep are injectable so the tests need not wait for real."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from backup_conformance.targets.errors import BudgetExhausted

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """At most ``rate`` requests per second on average, bursts of ``burst`` (default 1)."""

    def __init__(self, rate: float, *, burst: float = 1.0, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.capacity = rate, max(1.0, burst)
        self._tokens, self._clock, self._sleep = self.capacity, clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
            self._tokens -= 1  # may go negative: the debt is paid by the wait below
        if wait > 0:
            self._sleep(wait)
        return wait


class Budget:
    """A service's ``request_budget``: every attempt, retries included, spends one request."""

    def __init__(self, service: str, limit: int | None) -> None:
        self.service, self.limit, self.spent = service, limit, 0
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.spent

    def spend(self) -> None:
        with self._lock:
            if self.limit is not None and self.spent >= self.limit:
                raise BudgetExhausted(f"{self.service}: request budget of {self.limit} spent; "
                                      "raise request_budget in the profile to send more")
            self.spent += 1


def is_throttled(status: int, headers: Mapping[str, str], body_json: Any) -> bool:
    """HTTP 429, 503 with Retry-After, or an Alibaba ``Throttling*`` error code."""
    if status == 429:
        return True
    if status == 503 and retry_after(headers) is not None:
        return True
    code = body_json.get("Code") if isinstance(body_json, Mapping) else None
    return isinstance(code, str) and code.startswith("Throttling")


def retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or HTTP-date); ``None`` if absent or garbled."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def backoff_delay(attempt: int, *, base: float, cap: float, hinted: float | None) -> float:
    """Exponential ``base * 2**attempt``, or the server's hint if larger, never above ``cap``."""
    delay = base * (2 ** attempt)
    if hinted is not None:
        delay = max(delay, hinted)
    return min(cap, delay)
