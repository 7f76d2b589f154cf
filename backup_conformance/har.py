"""Write exchanges as a HAR 1.2 file (``mock --record FILE.har``, ``run --record FILE.har``), so a
recording can be shared and audited later (``backup-conformance audit``).

Entries stream to disk through ``harfile`` as they happen; ``close`` ends the JSON document.
Credential headers and query values are masked (``signing.redact_headers`` / ``redact_url``),
and so are secret fields of a form body; such a recording says so in each entry's comment, and
its signatures are then "not checked" by the audit. ``keep_auth=True`` keeps them: for a test
that must verify signatures from a recording, never for a file that leaves the machine.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import harfile

from backup_conformance.signing import redact_headers, redact_url

REDACTED = "auth values redacted by backup-conformance"
_FORM = "application/x-www-form-urlencoded"


class HarWriter:
    """Thread-safe; one entry per ``add``."""

    def __init__(self, path: Path, *, keep_auth: bool = False) -> None:
        self.path = path
        self.keep_auth = keep_auth
        self._lock = threading.Lock()
        self._handle: IO[str] = path.open("w", encoding="utf-8")
        creator = harfile.Creator(name="backup-conformance", version="1")
        self._har: harfile.HarFile | None = harfile.HarFile(self._handle, creator=creator)

    def add(self, *, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes,
            status: int, response_headers: Iterable[tuple[str, str]], response_body: bytes,
            started: datetime | None = None, elapsed_ms: float = 0.0) -> None:
        sent = list(headers)
        received = list(response_headers)
        if not self.keep_auth:
            url = redact_url(url)
            sent = list(redact_headers(sent).items())
            received = list(redact_headers(received).items())
            if _media(sent) == _FORM and body:
                body = redact_url("?" + body.decode("utf-8", "replace"))[1:].encode("utf-8")
        request = harfile.Request(
            method=method, url=url, httpVersion="HTTP/1.1", headers=_records(sent),
            postData=harfile.PostData(mimeType=_media(sent), text=_text(body)[0])
            if body else None, bodySize=len(body))
        text, encoding = _text(response_body)
        response = harfile.Response(
            status=status, statusText="", httpVersion="HTTP/1.1", headers=_records(received),
            content=harfile.Content(size=len(response_body), mimeType=_media(received),
                                    text=text, encoding=encoding),
            bodySize=len(response_body))
        moment = (started or datetime.now(UTC)).isoformat(timespec="milliseconds")
        with self._lock:
            if self._har is None:
                return
            self._har.add_entry(startedDateTime=moment, time=round(elapsed_ms, 3),
                                request=request, response=response,
                                timings=harfile.Timings(send=0, wait=round(elapsed_ms, 3),
                                                        receive=0),
                                comment=None if self.keep_auth else REDACTED)
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._har is not None:
                self._har.close()
                self._har = None
                self._handle.close()


def _records(pairs: list[tuple[str, str]]) -> list[harfile.Record]:
    return [harfile.Record(name=k, value=v) for k, v in pairs]


def _media(pairs: list[tuple[str, str]]) -> str:
    value = next((v for k, v in pairs if k.lower() == "content-type"), "")
    return value.split(";", 1)[0].strip().lower()


def _text(body: bytes) -> tuple[str, str | None]:
    """UTF-8 text as is; anything else base64 (HAR 1.2 ``content.encoding``)."""
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"
