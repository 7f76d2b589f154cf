"""The run's record of every resource obtained from a provider, and the promise to clean up.

Every resource the suite obtains is written down before the test sees it; ``teardown_all``
undoes them newest first, collects failures instead of stopping at the first, is safe to call
twice, and is registered with ``atexit`` so an interrupted run still cleans up. The ids in the
ledger are also the only ones destructive calls may name (``safety.py``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.targets.data import state_returns
from backup_conformance.targets.providers import ResourceProvider

log = logging.getLogger("backup_conformance.targets")


@dataclass
class LedgerRecord:
    state: str
    params: dict[str, Any]
    values: dict[str, Any]
    obtained_at: float
    provider: str
    torn_down: bool = False  # teardown attempted (``teardown_error`` says if it failed)
    teardown_error: str | None = None
    ids: frozenset[str] = field(default=frozenset())

    def as_dict(self) -> dict[str, Any]:
        """The report's view of this resource."""
        return {"state": self.state, "params": self.params, "values": self.values,
                "obtained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                             time.gmtime(self.obtained_at)),
                "provider": self.provider,
                "torn_down": self.torn_down and self.teardown_error is None,
                "teardown_error": self.teardown_error}


def _ids(state: str, values: Mapping[str, Any]) -> frozenset[str]:
    """The resource ids a state's values name (the table's keys only, never extras)."""
    ids: set[Any] = set()
    for key in state_returns(state):
        value = values.get(key)
        ids.update(value if isinstance(value, list) else [value])
    return frozenset(i for i in ids if isinstance(i, str) and i)


class ResourceLedger:
    """Obtain resources through ``provider``, remember them, and always tear them down."""

    def __init__(self, provider: ResourceProvider, *, clock: Callable[[], float] = time.time,
                 register_atexit: bool = True) -> None:
        self.provider = provider
        self._clock = clock
        self._records: list[LedgerRecord] = []
        self._owned: set[str] = set()
        self._lock = threading.Lock()
        self._atexit = register_atexit
        self._registered = False

    def __enter__(self) -> ResourceLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.teardown_all()

    @property
    def records(self) -> list[LedgerRecord]:
        return list(self._records)

    def report(self) -> list[dict[str, Any]]:
        """Every resource obtained in this run, oldest first, for the run's report."""
        return [record.as_dict() for record in self._records]

    def owns(self, resource_id: str) -> bool:
        """Whether ``resource_id`` came from a provider state in this run."""
        return resource_id in self._owned

    def obtain(self, state: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Set ``state`` up and record it; the values are validated by the provider layer."""
        params = dict(params or {})
        values = self.provider.setup(state, params)
        record = LedgerRecord(state, params, dict(values), self._clock(), repr(self.provider),
                              ids=_ids(state, values))
        with self._lock:
            self._records.append(record)
            self._owned.update(record.ids)
            if self._atexit and not self._registered:
                atexit.register(self.teardown_all)
                self._registered = True
        log.info("obtained %r: %s", state, sorted(record.ids))
        return dict(values)

    @contextmanager
    def resource(self, state: str, params: Mapping[str, Any] | None = None
                 ) -> Iterator[dict[str, Any]]:
        """``with ledger.resource(state) as values:`` torn down even if the body raises."""
        values = self.obtain(state, params)
        record = self._records[-1]
        try:
            yield values
        finally:
            self._teardown(record)

    def teardown_from(self, index: int) -> list[str]:
        """Undo the resources obtained since ``len(records)`` was ``index`` (one test's), newest
        first, so a run never holds more than one test's resources at a time."""
        with self._lock:
            pending = [r for r in reversed(self._records[index:]) if not r.torn_down]
        return [error for record in pending if (error := self._teardown(record))]

    def teardown_all(self) -> list[str]:
        """Undo every resource not yet undone, newest first; returns the failures (one line
        each) instead of raising, so one stuck resource does not strand the others."""
        with self._lock:
            pending = [r for r in reversed(self._records) if not r.torn_down]
        failures = [error for record in pending if (error := self._teardown(record))]
        with self._lock:
            if self._registered:
                atexit.unregister(self.teardown_all)
                self._registered = False
        return failures

    def _teardown(self, record: LedgerRecord) -> str | None:
        with self._lock:
            if record.torn_down:
                return None
            record.torn_down = True  # claimed: a second caller will not tear down again
        try:
            self.provider.teardown(record.state, record.params, record.values)
        except Exception as exc:
            record.teardown_error = f"{type(exc).__name__}: {exc}"
            message = f"teardown of {record.state!r} {sorted(record.ids)} failed: " \
                      f"{record.teardown_error}"
            log.warning("%s", message)
            return message
        return None
