"""The run's record of every resource obtained from a provider, and the promise to clean up.

Every resource the suite obtains is written down before the test sees it; ``teardown_all``
undoes them newest first, collects failures instead of stopping at the first, is safe to call
twice, and is registered with ``atexit`` so an interrupted run still cleans up. The ids in the
ledger are also the only ones destructive calls may name (``safety.py``): from when they are
obtained until the scope that obtained them (a test, a property example) is released, so a
test may still call on a resource it handed back early (``resource``), but a later test may not.

Memory stays flat however long the run: a released record leaves memory for a spool file (one
JSON line each, read back only for the run's resources report); only the live resources, the
ids still owned and per-state counts are held.
"""

from __future__ import annotations

import atexit
import json
import logging
import tempfile
import threading
import time
from collections import Counter
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
        self._live: dict[int, LedgerRecord] = {}  # sequence number -> not yet torn down
        self._obtained = 0
        self._by_state: Counter[str] = Counter()
        self._owned: Counter[str] = Counter()  # id -> records in scope naming it
        self._retired: dict[int, LedgerRecord] = {}  # torn down early, their scope not over
        self._spool: Any = None  # torn-down records, JSON lines, for ``report``
        self._lock = threading.Lock()
        self._atexit = register_atexit
        self._registered = False

    def __enter__(self) -> ResourceLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.teardown_all()

    @property
    def obtained(self) -> int:
        """How many resources this run obtained (also the next one's sequence number)."""
        return self._obtained

    @property
    def obtained_by_state(self) -> dict[str, int]:
        return dict(self._by_state)

    @property
    def live(self) -> list[LedgerRecord]:
        """The resources not yet torn down, oldest first."""
        with self._lock:
            return list(self._live.values())

    def report(self) -> list[dict[str, Any]]:
        """Every resource obtained in this run, oldest first, for the run's report."""
        with self._lock:
            done: list[tuple[int, dict[str, Any]]] = []
            if self._spool is not None:
                self._spool.seek(0)
                done = [(entry["seq"], entry["record"])
                        for entry in map(json.loads, self._spool)]
                self._spool.seek(0, 2)
            live = [(seq, record.as_dict())
                    for seq, record in [*self._live.items(), *self._retired.items()]]
        return [record for _, record in sorted(done + live, key=lambda pair: pair[0])]

    def owns(self, resource_id: str) -> bool:
        """Whether ``resource_id`` came from a provider state of a scope not yet released."""
        return self._owned[resource_id] > 0

    def obtain(self, state: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Set ``state`` up and record it; the values are validated by the provider layer."""
        return self._obtain(state, params)[1]

    def _obtain(self, state: str, params: Mapping[str, Any] | None
                ) -> tuple[int, dict[str, Any]]:
        params = dict(params or {})
        values = self.provider.setup(state, params)
        record = LedgerRecord(state, params, dict(values), self._clock(), repr(self.provider),
                              ids=_ids(state, values))
        with self._lock:
            seq = self._obtained
            self._live[seq] = record
            self._obtained += 1
            self._by_state[state] += 1
            self._owned.update(record.ids)
            if self._atexit and not self._registered:
                atexit.register(self.teardown_all)
                self._registered = True
        log.info("obtained %r: %s", state, sorted(record.ids))
        return seq, dict(values)

    @contextmanager
    def resource(self, state: str, params: Mapping[str, Any] | None = None
                 ) -> Iterator[dict[str, Any]]:
        """``with ledger.resource(state) as values:`` torn down even if the body raises."""
        seq, values = self._obtain(state, params)
        try:
            yield values
        finally:
            self._teardown(seq)

    def teardown_from(self, mark: int) -> list[str]:
        """Undo the resources obtained since ``obtained`` was ``mark`` (one test's or one
        example's), newest first, so a run never holds more than that at a time."""
        with self._lock:
            pending = [seq for seq in reversed(self._live) if seq >= mark]
        failures = [error for seq in pending if (error := self._teardown(seq))]
        with self._lock:
            for seq in [seq for seq in self._retired if seq >= mark]:
                self._disown(seq, self._retired.pop(seq))
        return failures

    def teardown_all(self) -> list[str]:
        """Undo every resource not yet undone, newest first; returns the failures (one line
        each) instead of raising, so one stuck resource does not strand the others."""
        failures = self.teardown_from(0)
        with self._lock:
            if self._registered:
                atexit.unregister(self.teardown_all)
                self._registered = False
        return failures

    def _teardown(self, seq: int) -> str | None:
        with self._lock:
            record = self._live.get(seq)
            if record is None or record.torn_down:
                return None
            record.torn_down = True  # claimed: a second caller will not tear down again
        message = None
        try:
            self.provider.teardown(record.state, record.params, record.values)
        except Exception as exc:
            record.teardown_error = f"{type(exc).__name__}: {exc}"
            message = f"teardown of {record.state!r} {sorted(record.ids)} failed: " \
                      f"{record.teardown_error}"
            log.warning("%s", message)
        with self._lock:
            del self._live[seq]
            self._retired[seq] = record
        return message

    def _disown(self, seq: int, record: LedgerRecord) -> None:
        """The record's scope is over: spool it, and unless its teardown failed (then the
        resource is still there, still ours to name) its ids may no longer be named."""
        if record.teardown_error is None:
            for resource_id in record.ids:
                self._owned[resource_id] -= 1
                if self._owned[resource_id] <= 0:
                    del self._owned[resource_id]
        self._spooled(seq, record)

    def _spooled(self, seq: int, record: LedgerRecord) -> None:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (lives as long as the ledger)
        self._spool.write(json.dumps({"seq": seq, "record": record.as_dict()}) + "\n")
