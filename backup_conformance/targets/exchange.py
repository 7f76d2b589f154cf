"""One request as sent and the answer as received: what checks judge and reports quote.

The request is captured *after* signing (the bytes on the wire), so a report can show exactly
what was sent. Anything leaving the process (reports, logs, repro commands) goes through
``redacted()`` or ``curl()``, which mask credential headers and query values and scrub every
known secret value from URL, headers and bodies: a secret echoed back by a server is masked too.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backup_conformance.secrets import (
    redact_headers,
    redact_url,
    scrub,
    scrub_bytes,
    scrub_json,
    scrub_map,
)


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
                              scrub_map(redact_headers(req.headers), self._secrets),
                              scrub_bytes(req.body, self._secrets))
        response = self.response
        if response is not None:
            response = replace(
                response, headers=scrub_map(redact_headers(response.headers), self._secrets),
                body=scrub_bytes(response.body, self._secrets),
                json=scrub_json(response.json, self._secrets))
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
