"""The mock's in-memory world: one lock, every check-and-change atomic under it.

Nothing is seeded: resources exist only once a provider state creates them (docs/design.md §4), so a
run can never depend on what an earlier run left behind. IDs look like the vendors' (the pages'
examples): ``j-…``/``v-…`` (000:40,45), ``dbs…`` (001:40), UUIDs (002:54), ``c-…`` (003:44),
32 hex + ``br06`` (004:69).
"""

from __future__ import annotations

import re
import secrets
import string
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

_ALNUM = string.ascii_lowercase + string.digits
T = TypeVar("T")

RUNNING, CANCELED, STOPPED = "RUNNING", "CANCELED", "STOPPED"


def _token(prefix: str, length: int) -> str:
    # One read of random bytes, not one per character (26 clients of 20 characters each per
    # provider state were ~1.8 ms a case); the slight modulo bias is harmless for ids.
    return prefix + "".join(_ALNUM[b % len(_ALNUM)] for b in secrets.token_bytes(length))


def new_job_id() -> str:
    return _token("j-", 20)


def new_vault_id() -> str:
    return _token("v-", 20)


def new_plan_id() -> str:
    return _token("dbs", 10)


def new_client_id() -> str:
    return _token("c-", 20)


def new_project_id() -> str:
    return uuid.uuid4().hex


#: A project id names one path segment (002:11, 004:27 ``/{project_id}/``); Huawei's are 32 hex
#: digits (004:57), but the pages fix no format, so any URL-safe segment is taken.
PROJECT_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def checked_project_id(value: str) -> str:
    """``value`` as a project id, or ``ValueError`` saying what a project id may be."""
    if not PROJECT_ID.fullmatch(value) or value in (".", ".."):
        raise ValueError(f"project id {value!r} is not one URL path segment of 1-64 letters, "
                         "digits, '_', '.' or '-' (Huawei's are 32 hex digits)")
    return value


def new_geminidb_backup_id() -> str:
    return uuid.uuid4().hex + "br06"


@dataclass
class Job:
    vault_id: str
    status: str = RUNNING


@dataclass
class Plan:
    status: str = RUNNING
    stop_method: str | None = None


@dataclass
class SharedBackup:
    project_id: str
    sharing_ids: set[str] = field(default_factory=set)


@dataclass
class Client:
    resources: list[str] = field(default_factory=lambda: ["backup-plan", "backup-job",
                                                          "snapshot"])


@dataclass(frozen=True)
class Remembered:
    """A response kept for an idempotency token: its request fingerprint and outcome."""

    fingerprint: Hashable
    outcome: Any


#: How many ClientTokens the mock remembers for idempotent replays (oldest forgotten first).
TOKEN_MEMORY = 1024


class World:
    """Every resource of the five APIs. All public methods take the one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.jobs: dict[str, Job] = {}
        self.plans: dict[str, Plan] = {}
        self.backups: dict[tuple[str, str], SharedBackup] = {}  # (project, backup) -> sharings
        self.sharings: dict[tuple[str, str], str] = {}  # (project, sharing id) -> backup id
        self.clients: dict[str, Client] = {}
        self.manual_backups: set[tuple[str, str]] = set()  # (project, backup id)
        self.tokens: OrderedDict[tuple[str, str], Remembered] = OrderedDict()

    # --- HBR backup jobs -------------------------------------------------------------------
    def add_job(self, vault_id: str | None = None) -> tuple[str, str]:
        with self.lock:
            job_id, vault = new_job_id(), vault_id or new_vault_id()
            self.jobs[job_id] = Job(vault)
            return job_id, vault

    def cancel_job(self, job_id: str, vault_id: str) -> str:
        """``ok``, ``not-found`` (no such job in that vault) or ``not-cancellable``."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or job.vault_id != vault_id:
                return "not-found"
            if job.status != RUNNING:
                return "not-cancellable"
            job.status = CANCELED
            return "ok"

    def remove_job(self, job_id: str) -> None:
        with self.lock:
            self.jobs.pop(job_id, None)

    # --- DBS backup plans ------------------------------------------------------------------
    def add_plan(self) -> str:
        with self.lock:
            plan_id = new_plan_id()
            self.plans[plan_id] = Plan()
            return plan_id

    def stop_plan(self, plan_id: str, method: str) -> bool:
        """Stopping is idempotent: a stopped plan stops again without error."""
        with self.lock:
            plan = self.plans.get(plan_id)
            if plan is None:
                return False
            plan.status, plan.stop_method = STOPPED, method
            return True

    def remove_plan(self, plan_id: str) -> None:
        with self.lock:
            self.plans.pop(plan_id, None)

    def once(self, key: tuple[str, str], fingerprint: Hashable, compute: Callable[[], T]
             ) -> tuple[T | None, bool]:
        """Idempotency: the first outcome for ``key`` is kept and replayed.

        Returns ``(outcome, True)``; ``(None, False)`` when ``key`` was used with another
        fingerprint (same token, different request). The newest ``TOKEN_MEMORY`` tokens are
        remembered (the page states no window): a long run's memory stays flat, and a repeat
        comes within a few calls of its first request in every suite.
        """
        with self.lock:
            seen = self.tokens.get(key)
            if seen is not None:
                if seen.fingerprint != fingerprint:
                    return None, False
                replay: T = seen.outcome
                return replay, True
            outcome = compute()
            self.tokens[key] = Remembered(fingerprint, outcome)
            if len(self.tokens) > TOKEN_MEMORY:
                self.tokens.popitem(last=False)
            return outcome, True

    # --- VBS shared backups ----------------------------------------------------------------
    def add_shared_backup(self, project_id: str, count: int) -> tuple[str, list[str]]:
        with self.lock:
            backup_id = str(uuid.uuid4())
            sharing_ids = [str(uuid.uuid4()) for _ in range(count)]
            self.backups[(project_id, backup_id)] = SharedBackup(project_id, set(sharing_ids))
            for sharing_id in sharing_ids:
                self.sharings[(project_id, sharing_id)] = backup_id
            return backup_id, sharing_ids

    def cancel_sharing(self, project_id: str, item_id: str, is_backup_id: bool) -> bool:
        """``is_backup_id``: cancel every sharing of the backup; else ``item_id`` is a sharing.
        False when there is nothing to cancel (unknown id, or no sharing left)."""
        with self.lock:
            if is_backup_id:
                backup = self.backups.get((project_id, item_id))
                if backup is None or not backup.sharing_ids:
                    return False
                for sharing_id in backup.sharing_ids:
                    self.sharings.pop((project_id, sharing_id), None)
                backup.sharing_ids.clear()
                return True
            backup_id = self.sharings.pop((project_id, item_id), None)
            if backup_id is None:
                return False
            self.backups[(project_id, backup_id)].sharing_ids.discard(item_id)
            return True

    def remove_shared_backup(self, project_id: str, backup_id: str) -> None:
        with self.lock:
            backup = self.backups.pop((project_id, backup_id), None)
            for sharing_id in backup.sharing_ids if backup else ():
                self.sharings.pop((project_id, sharing_id), None)

    # --- HBR clients -----------------------------------------------------------------------
    def add_clients(self, count: int) -> list[str]:
        with self.lock:
            ids = [new_client_id() for _ in range(count)]
            for client_id in ids:
                self.clients[client_id] = Client()
            return ids

    def delete_client_resources(self, client_ids: Iterable[str]) -> list[str]:
        """All or nothing: returns the unknown ids (nothing changed) or ``[]`` (done)."""
        with self.lock:
            ids = list(client_ids)
            unknown = [c for c in ids if c not in self.clients]
            if unknown:
                return unknown
            for client_id in ids:
                self.clients[client_id].resources.clear()
            return []

    def remove_clients(self, client_ids: Iterable[str]) -> None:
        with self.lock:
            for client_id in client_ids:
                self.clients.pop(client_id, None)

    # --- GeminiDB manual backups -----------------------------------------------------------
    def add_manual_backup(self, project_id: str) -> str:
        with self.lock:
            backup_id = new_geminidb_backup_id()
            self.manual_backups.add((project_id, backup_id))
            return backup_id

    def delete_manual_backup(self, project_id: str, backup_id: str) -> bool:
        with self.lock:
            if (project_id, backup_id) not in self.manual_backups:
                return False
            self.manual_backups.discard((project_id, backup_id))
            return True
