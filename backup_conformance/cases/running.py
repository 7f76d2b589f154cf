"""What a case needs of a run, without knowing how the run was built (a target, the embedded
mock): the ``CaseRun`` protocol, ``NotRunnable`` and ``observe``.

``runtime.Run`` satisfies ``CaseRun``; keeping the protocol here lets ``cases/`` judge answers
without importing ``runtime`` (and through it the embedded mock).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from backup_conformance.checks import CheckFailure, Observed
from backup_conformance.contracts import Contract
from backup_conformance.targets import Exchange, Profile, ResourceLedger


class NotRunnable(Exception):
    """A test cannot run against this target (no credentials, no way to obtain a resource)."""


class CaseRun(Protocol):
    """The run as cases and suites use it: obtain resources, send, judge, scope examples."""

    @property
    def strictness(self) -> str: ...

    @property
    def profile(self) -> Profile: ...

    @property
    def ledger(self) -> ResourceLedger | None: ...

    def obtain(self, state: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A live resource, torn down by the run; ``NotRunnable`` when none can be had."""
        ...

    def send(self, contract: Contract, params: Mapping[str, Any], **kwargs: Any) -> Exchange:
        """One call of ``contract`` with ``params``; the exchange, answered or not."""
        ...

    def judge(self, contract: Contract, kind: str, exchange: Exchange,
              only: tuple[str, ...] | None = None) -> Observed:
        """Every active check of ``kind`` on the answer; raises on broken points."""
        ...

    def each_example(self) -> AbstractContextManager[None]:
        """One property example's scope: what it obtained is released as it ends."""
        ...


def observe(exchange: Exchange) -> Observed:
    """The response of ``exchange`` as checks see it; a broken answer is a failure here."""
    response = exchange.response
    if response is None:
        raise NotRunnable("dry run: the request was printed, not sent")
    if exchange.failure:
        raise CheckFailure(
            "target-response", "The target's answer could not be read whole",
            received=exchange.failure, documented="a complete HTTP response",
            source="HTTP/1.1", layer="page", api_id=exchange.api_id, repro=exchange.curl(),
        )
    return Observed(response.status, dict(response.headers), response.body)
