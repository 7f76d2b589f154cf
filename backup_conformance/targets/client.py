"""``TargetClient``: sends contract calls to a target the way a careful SDK user would.

One ``requests.Session`` per service (connection reuse), per-request timeouts clipped to the
run's time limit, a response-size cap, a token-bucket rate limit and a request budget per
service, throttled answers retried with capped exponential backoff honouring ``Retry-After``,
and a dry-run mode. Redirects are never followed: a signed request must not travel to a host
the profile did not name. Transport failures raise (``TargetUnreachable``, ``TargetTimeout``);
anything the target *answered*, however broken, comes back as an ``Exchange`` to be judged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import requests
from urllib3.exceptions import ReadTimeoutError

from backup_conformance.contracts import Contract
from backup_conformance.secrets import install_log_redaction, scrub
from backup_conformance.targets.auth import AuthSpec, ResolvedAuth, resolve_auth
from backup_conformance.targets.errors import TargetTimeout, TargetUnreachable, TimeLimitExceeded
from backup_conformance.targets.exchange import Exchange, Received, SentRequest
from backup_conformance.targets.limits import (
    Budget,
    Clock,
    Sleep,
    TokenBucket,
    backoff_delay,
    is_throttled,
    retry_after,
)
from backup_conformance.targets.profile import Profile, ServiceTarget, is_loopback
from backup_conformance.targets.safety import SafetyGuard
from backup_conformance.targets.wire import build_request

log = logging.getLogger("backup_conformance.targets")

MAX_BODY = 5 * 1024 * 1024
USER_AGENT = "backup-conformance/0.1"


class TargetClient:
    """Calls contracts against the services of ``profile`` (see the module doc).

    ``guard`` vets destructive calls (default: the profile's allowlists only; the plugin
    passes one wired to the run's ``ResourceLedger``). ``out`` receives dry-run output.
    """

    def __init__(self, profile: Profile, *, guard: SafetyGuard | None = None,
                 out: TextIO | None = None, max_body: int = MAX_BODY,
                 backoff_base: float = 0.5, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        install_log_redaction()
        self.profile = profile
        self.guard = guard or SafetyGuard.from_profile(profile)
        self._out, self._max_body, self._base = out, max_body, backoff_base
        self._clock, self._sleep = clock, sleep
        self._deadline = None if profile.time_limit is None else clock() + profile.time_limit
        self._sessions: dict[str, requests.Session] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self.budgets = {name: Budget(name, t.request_budget)
                        for name, t in profile.services.items()}

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def call(self, contract: Contract, params: Mapping[str, Any], *, auth: AuthSpec = None,
             headers: Mapping[str, str] | None = None, raw_body: bytes | str | None = None,
             style: str | None = None) -> Exchange:
        """Send ``params`` to ``contract``'s service; ``auth`` overrides the profile's auth
        (``"none"``, another scheme name, an ``AuthOverride``, or any requests auth)."""
        target = self.profile.service(contract.service)
        self.guard.check(contract.api_id, target.name, params)
        resolved = resolve_auth(target, auth)
        wire = build_request(contract, params, target.base_url, style=style or resolved.style,
                             headers=headers, raw_body=raw_body)
        session = self._session(target)
        if self.profile.dry_run:
            return self._dry_run(contract, target, session, wire.to_requests(), resolved)
        budget = self.budgets[target.name]
        exchange: Exchange | None = None
        for attempt in range(target.retries + 1):
            remaining = self._remaining()
            if attempt and budget.remaining == 0:
                break  # keep the throttled answer rather than fail on the budget
            budget.spend()
            self._bucket(target).acquire()
            request = wire.to_requests()
            request.auth = resolved.auth
            prepared = session.prepare_request(request)
            exchange = self._send(contract, target, session, prepared, resolved, attempt + 1,
                                  remaining)
            response = exchange.response
            if response is None or not is_throttled(response.status, response.headers,
                                                    response.json):
                return exchange
            if attempt == target.retries:
                break
            delay = backoff_delay(attempt, base=self._base, cap=target.max_backoff,
                                  hinted=retry_after(response.headers))
            left = self._remaining()
            if left is not None and delay >= left:
                break
            log.warning("%s: throttled (%s); retry %d of %d in %.2fs", contract.api_id,
                        response.status, attempt + 1, target.retries, delay)
            self._sleep(delay)
        assert exchange is not None
        return exchange

    # --- internals -------------------------------------------------------------------------
    def _remaining(self) -> float | None:
        if self._deadline is None:
            return None
        left = self._deadline - self._clock()
        if left <= 0:
            raise TimeLimitExceeded(f"{self.profile.source}: the run's time_limit of "
                                    f"{self.profile.time_limit:g}s has passed; nothing more "
                                    "is sent")
        return left

    def _session(self, target: ServiceTarget) -> requests.Session:
        session = self._sessions.get(target.name)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no .netrc credentials sneaking into auth="none"
            if not is_loopback(target.base_url):
                session.proxies = requests.utils.get_environ_proxies(target.base_url)
            session.headers["User-Agent"] = USER_AGENT
            self._sessions[target.name] = session
        return session

    def _bucket(self, target: ServiceTarget) -> TokenBucket:
        bucket = self._buckets.get(target.name)
        if bucket is None:
            rate = target.rate_limit or 1e9
            bucket = TokenBucket(rate, clock=self._clock, sleep=self._sleep)
            self._buckets[target.name] = bucket
        return bucket

    def _dry_run(self, contract: Contract, target: ServiceTarget, session: requests.Session,
                 request: requests.Request, resolved: ResolvedAuth) -> Exchange:
        request.auth = resolved.auth
        prepared = session.prepare_request(request)
        exchange = Exchange(contract.api_id, target.name, _sent(prepared), None, dry_run=True,
                            attempts=0, scheme=resolved.scheme, _secrets=resolved.secrets)
        print(f"[dry-run] {exchange.curl()}", file=self._out or sys.stdout)
        log.info("%s", exchange.summary())
        return exchange

    def _send(self, contract: Contract, target: ServiceTarget, session: requests.Session,
              prepared: requests.PreparedRequest, resolved: ResolvedAuth, attempt: int,
              remaining: float | None) -> Exchange:
        connect, read = target.timeout.connect, target.timeout.read
        if remaining is not None:
            connect, read = min(connect, remaining), min(read, remaining)
        sent = _sent(prepared)

        def shown_url() -> str:  # redacted; built only for an error message
            return _shown_url(contract, target, sent, resolved)

        started = self._clock()
        try:
            response = session.send(prepared, stream=True, timeout=(connect, read),
                                    allow_redirects=False)
        except requests.exceptions.Timeout as exc:
            raise TargetTimeout(f"{contract.api_id}: {shown_url()} did not answer within "
                                f"{read if isinstance(exc, requests.ReadTimeout) else connect:g}s "
                                f"({_cause(exc, resolved.secrets)})") from None
        except requests.exceptions.RequestException as exc:
            raise TargetUnreachable(f"{contract.api_id}: cannot reach {shown_url()} "
                                    f"({_cause(exc, resolved.secrets)})") from None
        try:
            body, body_error = self._read(response, contract.api_id, shown_url, read, resolved)
        finally:
            response.close()
        received = _received(response, body, body_error, self._clock() - started)
        exchange = Exchange(contract.api_id, target.name, sent, received, attempts=attempt,
                            scheme=resolved.scheme, _secrets=resolved.secrets)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", exchange.summary())
        return exchange

    def _read(self, response: requests.Response, api_id: str, url: Callable[[], str],
              read: float, resolved: ResolvedAuth) -> tuple[bytes, str | None]:
        """The body up to the cap; an oversized or cut-short body is reported, not raised."""
        cap = self._max_body
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            return b"", f"body of {declared} bytes exceeds the {cap}-byte cap; not read"
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > cap:
                    return b"".join(chunks), f"body exceeds the {cap}-byte cap; reading stopped"
                chunks.append(chunk)
        except requests.exceptions.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise TargetTimeout(f"{api_id}: {url()} stopped sending its body for {read:g}s"
                                    ) from None
            return b"".join(chunks), _cut_short(exc, size, resolved)
        except requests.exceptions.RequestException as exc:  # ChunkedEncodingError, decoding
            return b"".join(chunks), _cut_short(exc, size, resolved)
        return b"".join(chunks), None


def _shown_url(contract: Contract, target: ServiceTarget, sent: SentRequest,
               resolved: ResolvedAuth) -> str:
    """The request's URL as errors may show it (credentials masked); built only on error."""
    shown = Exchange(contract.api_id, target.name, sent, _secrets=resolved.secrets)
    return shown.redacted().request.url


def _cut_short(exc: BaseException, size: int, resolved: ResolvedAuth) -> str:
    return f"body cut short ({_cause(exc, resolved.secrets)}); {size} bytes kept"


def _sent(prepared: requests.PreparedRequest) -> SentRequest:
    body: Any = prepared.body or b""
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    headers = {key: str(value) for key, value in prepared.headers.items()}
    return SentRequest(str(prepared.method), str(prepared.url), headers, data)


def _received(response: requests.Response, body: bytes, body_error: str | None,
              elapsed: float) -> Received:
    parsed: Any = None
    json_error = None
    if body_error:  # a cut-short body that happens to parse would mislead the checks
        json_error = "not parsed: the body is incomplete"
    elif body.strip():
        try:
            parsed = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            json_error = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        except json.JSONDecodeError as exc:
            json_error = f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    return Received(response.status_code, dict(response.headers), body, elapsed, parsed,
                    json_error, body_error)


_OBJECT_PREFIX = re.compile(r"<[^>]*>:\s*")
_URL_IN_MESSAGE = re.compile(r"(url|URL): \S+")


def _cause(exc: BaseException, secrets: tuple[str, ...]) -> str:
    """The root cause in a few words, without the request URL (it may carry a signature)."""
    reason: Any = exc
    seen = 0
    while seen < 5 and reason is not None and reason.args:
        inner = getattr(reason, "reason", None) or next(
            (arg for arg in reason.args if isinstance(arg, BaseException)), None)
        if inner is None or inner is reason:
            break
        reason, seen = inner, seen + 1
    text = _URL_IN_MESSAGE.sub(r"\1: <redacted>", _OBJECT_PREFIX.sub("", str(reason)))
    name = type(reason).__name__
    return scrub(text if text.startswith(name) else f"{name}: {text}" if text else name, secrets)
