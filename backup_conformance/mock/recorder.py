"""What the mock saw: one JSON line per API request (``--record FILE``) and a run summary.

A ``FILE`` ending in ``.har`` is written as HAR 1.2 instead (``backup_conformance.har``: request
and response with bodies, auth values redacted), which ``backup-conformance audit`` re-judges.

Each line holds the API id, method, path (secret query values masked), the headers with
credential-bearing values masked (``signing.redact_headers``), the response status and the
verdict: ``conformant``, or ``non-conformant`` with every broken rule and its page line. The
summary counts requests per API and violations per rule; any violation makes the run fail.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from backup_conformance.har import HarWriter
from backup_conformance.secrets import redact_headers, redact_url

UNROUTED = "(unrouted)"


@dataclass(frozen=True)
class Exchanged:
    """What a HAR entry needs beyond a JSON line: the host, both bodies, response headers."""

    host: str
    body: bytes
    response_headers: list[tuple[str, str]]
    response_body: bytes


class Recorder:
    """Thread-safe; writes nothing unless given a path, but always keeps the counts."""

    def __init__(self, path: Path | None = None, *, keep_auth: bool = False) -> None:
        """``keep_auth`` (HAR only, for self-tests verifying signatures) keeps auth values."""
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._har: HarWriter | None = None
        if path is not None and path.suffix.lower() == ".har":
            self._har = HarWriter(path, keep_auth=keep_auth)
        elif path is not None:
            self._file = path.open("a", encoding="utf-8")
        self.requests: Counter[str] = Counter()
        self.violations: Counter[str] = Counter()
        self.nonconformant = 0

    def record(
        self,
        *,
        api_id: str | None,
        method: str,
        uri: str,
        headers: Iterable[tuple[str, str]],
        status: int,
        violations: Iterable[Mapping[str, Any]] = (),
        fault: str | None = None,
        exchange: Exchanged | None = None,
    ) -> None:
        broken = list(violations)
        headers = list(headers)
        if self._har is not None and exchange is not None:
            self._har.add(method=method, url=f"http://{exchange.host}{uri}", headers=headers,
                          body=exchange.body, status=status,
                          response_headers=exchange.response_headers,
                          response_body=exchange.response_body)
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "api_id": api_id,
            "method": method,
            "path": redact_url(uri),
            "headers": redact_headers(list(headers)),
            "status": status,
            "verdict": "non-conformant" if broken else "conformant",
        }
        if broken:
            entry["violations"] = broken
        if fault:
            entry["fault"] = fault
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self.requests[api_id or UNROUTED] += 1
            if broken:
                self.nonconformant += 1
                self.violations.update(str(v.get("rule")) for v in broken)
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()

    @property
    def wants_bodies(self) -> bool:
        """Whether ``record`` should be given the ``exchange`` (a HAR is being written)."""
        return self._har is not None

    def summary(self) -> str:
        with self._lock:
            total = sum(self.requests.values())
            lines = [f"{total} request(s), {self.nonconformant} non-conformant"]
            for api_id, count in sorted(self.requests.items()):
                lines.append(f"  {api_id}: {count}")
            if self.violations:
                lines.append("violations by rule:")
                for rule, count in sorted(self.violations.items()):
                    lines.append(f"  {rule}: {count}")
            return "\n".join(lines)

    def close(self) -> None:
        if self._har is not None:
            self._har.close()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
