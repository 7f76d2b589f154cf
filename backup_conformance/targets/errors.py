"""Errors of the targets layer: each one readable on one line and free of secrets.

They all derive from ``TargetError`` so the plugin can report a run as "not run (setup
error)" rather than as a conformance failure with one ``except`` clause.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class TargetError(Exception):
    """Base class: something about the target, not about conformance, went wrong."""


class ProfileError(TargetError):
    """A target profile is unusable; the message names the file, the dotted key and the fix."""

    def __init__(self, source: str, key: str, problem: str,
                 valid: Iterable[str] | None = None, given: str | None = None) -> None:
        message = f"{source}: {key}: {problem}" if key else f"{source}: {problem}"
        message += choices_hint(valid, given)
        super().__init__(message)
        self.source, self.key = source, key


class TargetUnreachable(TargetError):
    """No connection could be made (refused, DNS, TLS): the target is down or misconfigured."""


class TargetTimeout(TargetError):
    """The target accepted the connection but did not answer in time (or not even that)."""


class BudgetExhausted(TargetError):
    """The profile's ``request_budget`` for a service is spent; no more requests are sent."""


class TimeLimitExceeded(TargetError):
    """The profile's run-wide ``time_limit`` has passed."""


class ProviderError(TargetError):
    """A provider state could not be set up or torn down, or returned the wrong values."""


class SafetyError(TargetError):
    """A destructive call would name a resource this run does not own; nothing was sent."""


def choices_hint(valid: Iterable[str] | None, given: str | None = None) -> str:
    """``; valid: a, b. Did you mean 'a'?`` (empty when there is nothing to offer)."""
    if valid is None:
        return ""
    choices = list(valid)
    hint = f"; valid: {', '.join(choices)}" if choices else "; nothing is valid here"
    if given is not None:
        close = difflib.get_close_matches(given, choices, n=1, cutoff=0.5)
        if close:
            hint += f". Did you mean {close[0]!r}?"
    return hint
