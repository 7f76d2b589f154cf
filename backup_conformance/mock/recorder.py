"""What the mock saw: one JSON line per API request (``--record FILE``) and a run summary.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from backup_conformance.secrets import redact_headers, redact_url

UNROUTED = "(unrouted)"


class Recorder:
    """Thread-safe; writes nothing unless given a path, but always keeps the counts."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
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
    ) -> None:
        broken = list(violations)
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
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
