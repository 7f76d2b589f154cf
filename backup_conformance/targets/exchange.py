"""One request as sent and the answer as received: what checks judge and reports quote.

The request is captured *after* signing (the bytes on the wire), so a report can show exactly
what was sent. Anything leaving the process (reports, logs, repro commands) goes through
``redacted()`` or ``curl()``, which mask credential headers and query values and scrub every
known secret value from URL, headers and bodies: a secret echoed back by a server is masked too.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backup_conformance.signing import MASK, redact_headers, redact_url


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    def __repr__(self) -> str:  # an assertion failure prints this: keep credentials out
        return (f"SentRequest(method={self.method!r}, url={redact_url(self.url)!r}, "
                f"headers={redact_headers(self.headers)!r}, body={self.body!r})")


@dataclass(frozen=True)
class Received:
    """The response: status, headers, body bytes, and the JSON reading of the body.

    ``json_error`` says why the body is not JSON (``None`` when it parsed or is empty);
    ``body_error`` says why the body is incomplete (over the size cap, cut short).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed: float
    json: Any = None
    json_error: str | None = None
    body_error: str | None = None

    @property
    def request_id(self) -> str | None:
        """Alibaba's ``RequestId`` body field or Huawei's ``X-Request-Id`` header."""
        for key, value in self.headers.items():
            if key.lower() == "x-request-id":
                return value
        if isinstance(self.json, Mapping):
            found = self.json.get("RequestId")
            return found if isinstance(found, str) else None
        return None


@dataclass(frozen=True)
class Exchange:
    api_id: str
    service: str
    request: SentRequest
    response: Received | None = None
    dry_run: bool = False
    attempts: int = 1
    scheme: str = "none"
    _secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __repr__(self) -> str:  # pytest prints this on failure: show the redacted view
        safe = self.redacted()
        return (f"Exchange(api_id={self.api_id!r}, request={safe.request!r}, "
                f"response={safe.response!r}, dry_run={self.dry_run}, "
                f"attempts={self.attempts}, scheme={self.scheme!r})")

    @property
    def failure(self) -> str | None:
        """Why the answer cannot be judged as a normal response (``None``: it can)."""
        if self.response is not None and self.response.body_error:
            return self.response.body_error
        return None

    def redacted(self) -> Exchange:
        """A copy safe to print: credential headers/query values masked, secrets scrubbed."""
        req = self.request
        request = SentRequest(req.method, scrub(redact_url(req.url), self._secrets),
                              _scrub_map(redact_headers(req.headers), self._secrets),
                              scrub_bytes(req.body, self._secrets))
        response = self.response
        if response is not None:
            response = replace(
                response, headers=_scrub_map(redact_headers(response.headers), self._secrets),
                body=scrub_bytes(response.body, self._secrets),
                json=_scrub_json(response.json, self._secrets))
        return replace(self, request=request, response=response, _secrets=())

    def curl(self) -> str:
        """A shell command reproducing the request, secrets redacted (re-sign to replay)."""
        req = self.redacted().request
        parts = ["curl", "-sS", "-X", req.method, req.url]
        for name, value in req.headers.items():
            if name.lower() in ("content-length", "connection", "accept-encoding"):
                continue
            parts += ["-H", f"{name}: {value}"]
        if req.body:
            parts += ["--data-binary", req.body.decode("utf-8", "replace")]
        return " ".join(shlex.quote(part) for part in parts)

    def summary(self) -> str:
        """One line for logs: method, redacted URL, outcome."""
        req = self.redacted().request
        if self.dry_run:
            outcome = "dry run, not sent"
        elif self.response is None:
            outcome = "no response"
        else:
            outcome = f"{self.response.status} in {self.response.elapsed:.3f}s"
            if self.failure:
                outcome += f" ({self.failure})"
        return f"{self.api_id}: {req.method} {req.url} -> {outcome}"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (longest first)."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text


def scrub_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            data = data.replace(secret.encode("utf-8"), MASK.encode())
    return data


def _scrub_map(headers: Mapping[str, str], secrets: Iterable[str]) -> dict[str, str]:
    return {key: scrub(str(value), secrets) for key, value in headers.items()}


def _scrub_json(value: Any, secrets: tuple[str, ...]) -> Any:
    if not secrets or value is None:
        return value
    try:
        return json.loads(scrub(json.dumps(value, ensure_ascii=False), secrets))
    except ValueError:  # a secret with JSON syntax in it: mask the whole reading
        return MASK


_SECRET_QUERY = re.compile(
    r"(?i)\b(Signature|AccessKeyId|SecurityToken|BearerToken|X-Auth-Token|token)=[^&\s\"']+")


class RedactingFilter(logging.Filter):
    """Masks credential query values in log records of HTTP libraries (urllib3 logs every
    request line at DEBUG, which for RPC v1 carries ``AccessKeyId`` and ``Signature``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_QUERY.sub(lambda m: f"{m.group(1)}={MASK}", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the filter to urllib3's request logger (idempotent)."""
    logger = logging.getLogger("urllib3.connectionpool")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
