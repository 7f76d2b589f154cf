"""One recorded exchange, whatever file it came from: what the audit judges.

Every reader (HAR, vcrpy cassette, the mock's JSON lines) turns its entries into ``Recorded``;
``where`` names the file and the entry index so each finding can be traced back to the
recording, and ``InputError`` is the one-line complaint about a file the audit cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from backup_conformance.signing import MASK, SignableRequest, redact_url
from backup_conformance.validation import FORM, Inbound, Problem, decode_pairs


class InputError(ValueError):
    """A recording that cannot be audited (not JSON, not HAR, truncated, a binary body)."""


@dataclass(frozen=True)
class Recorded:
    """A request and its answer as a recording holds them.

    ``response_body`` is ``None`` when the recording keeps no bodies (the mock's JSON lines):
    then only the status is judged. ``redacted`` says the recording masked its auth values, so
    its signatures cannot be verified."""

    file: str
    index: int
    started: datetime | None
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes | None = b""
    redacted: bool = False

    @property
    def where(self) -> str:
        return f"{self.file} entry {self.index}"

    @property
    def summary(self) -> str:
        """The request line for reports: credential query values masked."""
        return f"{self.where}: {self.method} {redact_url(self.url)}"

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    @property
    def masked(self) -> bool:
        """Auth values masked by whoever recorded it (ours write ``***``)."""
        values = [self.header(n) or "" for n in ("authorization", "x-auth-token")]
        return self.redacted or any(MASK in v for v in values) or f"={MASK}" in self.url \
            or "Signature=%2A%2A%2A" in self.url

    def inbound(self) -> Inbound:
        """The request as the shared validation reads it (``backup_conformance.validation``)."""
        parts = urlsplit(self.url)
        problems: list[Problem] = []
        pairs = list(self.headers)
        raw_uri = parts.path or "/"
        if parts.query:
            raw_uri += f"?{parts.query}"
        inbound = Inbound(method=self.method.upper(), path=unquote(parts.path or "/"),
                          raw_uri=raw_uri, host=parts.netloc or "127.0.0.1",
                          headers={k.lower(): v for k, v in reversed(pairs)},
                          header_pairs=pairs, body=self.body, problems=problems)
        inbound.query = decode_pairs(parts.query, "the query string", problems)
        content_type = (inbound.header("content-type") or "").split(";")[0].strip().lower()
        if content_type == FORM and self.body:
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                problems.append((None, "the form body is not UTF-8"))
            else:
                inbound.form = decode_pairs(text, "the form body", problems)
        return inbound

    def signable(self) -> SignableRequest:
        return self.inbound().signable()
