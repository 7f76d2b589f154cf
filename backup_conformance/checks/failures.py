"""A check failure: an ``AssertionError`` pytest reports natively, carrying what a report needs.

The message is short fact lines, in the order a reader wants them: what broke, what was
received, what the documents say, and the line that says it.
"""

from __future__ import annotations

from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")


class CheckFailure(AssertionError):
    """One broken documented point, with its provenance and a redacted reproduction command."""

    def __init__(
        self,
        check: str,
        title: str,
        *,
        received: Any,
        documented: Any,
        source: str,
        layer: str,
        severity: str = "high",
        api_id: str = "",
        repro: str = "",
    ) -> None:
        self.check, self.title, self.received, self.documented = check, title, received, documented
        self.source, self.layer, self.severity = source, layer, severity
        self.api_id, self.repro = api_id, repro
        super().__init__(self.render())

    def render(self) -> str:
        lines = [
            f"[{self.check}] {self.title}",
            f"Received: {self.received}",
            f"Documented: {self.documented}",
            f"Source: {self.source} ({self.layer})",
        ]
        if self.repro:
            lines.append(f"Reproduce: {self.repro}")
        return "\n".join(lines)

    def with_context(self, api_id: str, repro: str) -> CheckFailure:
        """The same failure, naming the API and how to reproduce the request."""
        return CheckFailure(
            self.check, self.title, received=self.received, documented=self.documented,
            source=self.source, layer=self.layer, severity=self.severity,
            api_id=api_id, repro=repro,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check, "title": self.title, "received": str(self.received),
            "documented": str(self.documented), "source": self.source, "layer": self.layer,
            "severity": self.severity, "api_id": self.api_id, "repro": self.repro,
        }


class Violation(Exception):
    """What a check observed, and nothing about the check itself: the registry, which knows
    the check's name, layer and severity, turns it into a ``CheckFailure``.

    ``severity`` is given only when this outcome is graver (or lighter) than the check's
    registered severity, e.g. a second cancel that *succeeds* versus a first one that fails.
    """

    def __init__(self, title: str, *, received: Any, documented: Any, source: str,
                 severity: str | None = None) -> None:
        self.title, self.received, self.documented = title, received, documented
        self.source, self.severity = source, severity
        super().__init__(title)


class CheckFailures(AssertionError):
    """Several checks failed on one exchange; each is kept for the reports."""

    def __init__(self, failures: list[CheckFailure]) -> None:
        self.failures = failures
        super().__init__("\n\n".join(f.render() for f in failures))
