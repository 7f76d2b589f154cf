"""What a check looks at: the case (which API, what kind of request) and the observed response."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from backup_conformance.contracts import Contract

CASE_KINDS = ("positive", "negative", "business-error", "auth-rejected")


@dataclass(frozen=True)
class Case:
    """One request the suite sent and what it expected of it.

    ``positive``: a valid call on a resource obtained for the test; ``negative``: a request the
    contract makes invalid; ``business-error``: a valid request the resource's state must refuse
    (a second cancel); ``auth-rejected``: a request whose credentials must be refused.
    """

    contract: Contract
    kind: str
    strictness: str = "vendor"
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CASE_KINDS:
            raise ValueError(f"unknown case kind {self.kind!r}; valid: {', '.join(CASE_KINDS)}")


_NOT_PARSED = object()


@dataclass(frozen=True)
class Observed:
    """A response as received: status, headers (looked up case-insensitively) and raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    _lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lower", {k.lower(): v for k, v in self.headers.items()})

    def header(self, name: str) -> str | None:
        return self._lower.get(name.lower())

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters such as charset, lower-cased."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @cached_property
    def _parsed(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _ParseError(str(exc))

    @property
    def json_error(self) -> str | None:
        """Why the body is not JSON, or None when it is."""
        parsed = self._parsed
        return parsed.reason if isinstance(parsed, _ParseError) else None

    @property
    def json(self) -> Any:
        """The parsed body (check ``json_error`` first)."""
        parsed = self._parsed
        if isinstance(parsed, _ParseError):
            raise ValueError(parsed.reason)
        return parsed

    def excerpt(self, limit: int = 200) -> str:
        text = self.body[:limit].decode("utf-8", "replace")
        return text + ("…" if len(self.body) > limit else "")


@dataclass(frozen=True)
class _ParseError:
    reason: str
