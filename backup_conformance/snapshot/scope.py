"""One case's resources: obtained through the run's ledger, released early on request.

A lifecycle may call again once its resource has been released (a ``ClientToken`` repeat after
the plan is gone); the released ids stay nameable until the case ends, as in the lifecycle
suite, so the safety guard lets that call through.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any

from backup_conformance.runtime import Run


class CaseScope:
    """``with CaseScope(run) as scope:`` obtain with ``scope.obtain``; ``scope.release()``
    tears the resources down early; leaving the block releases everything."""

    def __init__(self, run: Run) -> None:
        self.run, self.stack = run, ExitStack()

    def __enter__(self) -> CaseScope:
        self.mark = self.run.mark()
        return self

    def obtain(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        ledger = self.run.ledger
        if ledger is None:  # no way to obtain resources: Run says so (NotRunnable)
            return self.run.obtain(state, params)
        return self.stack.enter_context(ledger.resource(state, params))

    def release(self) -> None:
        self.stack.close()

    def __exit__(self, *exc: object) -> None:
        try:
            self.stack.close()
        finally:
            self.run.release(self.mark)

