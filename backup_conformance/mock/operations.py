"""The five behaviours, on validated values. Each returns an ``Outcome``: a documented success
body (``RequestId`` is added by the envelope) or the situation whose vendor error answers it.

Success bodies follow the pages' response tables and samples: CancelBackupJob and
DeleteBackupClientResource ``{Code: "200", Message: "successful", Success: true}`` (000:51-72,
003:51-71); StopBackupPlan ``{HttpStatusCode: 200, Success: true, BackupPlanId}`` with ErrCode /
ErrMessage left out, since they describe failures (001:58-87); CancelBackupSharing 200 with no
body (002:63-71); DeleteBackup 202 ``{"job_id": uuid}`` (004:57-75).

``switches`` are the named behaviour switches of a mock variant or mutant (``variants.py``,
``mutations.py``); the reference passes none, and every ``if SWITCH in switches`` below is a
deliberate departure used only by the mutation self-test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.mock.state import World


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Mapping[str, Any] | None = None
    error: str | None = None  # a situation of error_choices.json
    parameter: str | None = None
    detail: str = ""

    @classmethod
    def fail(cls, situation: str, *, parameter: str | None = None, detail: str = "") -> Outcome:
        return cls(0, None, situation, parameter, detail)


Handler = Callable[[World, Mapping[str, Any], Mapping[str, str], int, frozenset[str]], Outcome]

# Behaviour switches (mutation self-test only; see mutations.json).
REPEAT_SUCCEEDS = "repeat-succeeds"  # a second cancel / delete succeeds like the first
VAULT_OPTIONAL = "vault-optional"  # CancelBackupJob without VaultId finds the job's vault
BACKUP_ID_CANCELS_ONE = "backup-id-cancels-one"  # is_backup_id=true ends a single sharing
CLIENT_TOKEN_IGNORED = "client-token-ignored"  # no replay: every repeat is a new call
SWITCHES = (REPEAT_SUCCEEDS, VAULT_OPTIONAL, BACKUP_ID_CANCELS_ONE, CLIENT_TOKEN_IGNORED)

_HBR_OK = {"Code": "200", "Message": "successful", "Success": True}


def cancel_backup_job(world: World, values: Mapping[str, Any], path: Mapping[str, str],
                      status: int, switches: frozenset[str] = frozenset()) -> Outcome:
    """A running job is cancelled once; cancelling it again is a 400 (error_choices.json)."""
    vault = values.get("VaultId")
    if vault is None and VAULT_OPTIONAL in switches:
        with world.lock:
            job = world.jobs.get(values["JobId"])
            vault = job.vault_id if job else ""
    result = world.cancel_job(values["JobId"], str(vault))
    if result == "not-cancellable" and REPEAT_SUCCEEDS in switches:
        result = "ok"
    if result == "not-found":
        return Outcome.fail("not-found", detail=f"JobId {values['JobId']} in VaultId "
                                                f"{vault} does not exist.")
    if result == "not-cancellable":
        return Outcome.fail("job-not-cancellable",
                            detail=f"The backup job {values['JobId']} is already cancelled.")
    return Outcome(status, dict(_HBR_OK))


def stop_backup_plan(world: World, values: Mapping[str, Any], path: Mapping[str, str],
                     status: int, switches: frozenset[str] = frozenset()) -> Outcome:
    """Stops a plan (stopping a stopped plan succeeds again: it is already in the asked state).

    ``ClientToken`` (001:48-52): the first outcome for a token is replayed for every repeat with
    the same parameters: same status and same body; only ``RequestId`` differs, because it names
    the request, not the result. A token reused with other parameters is refused
    (IdempotentParameterMismatch, see error_choices.json).
    """
    plan_id, method = values["BackupPlanId"], values["StopMethod"]

    def stop() -> Outcome:
        if not world.stop_plan(plan_id, method):
            return Outcome.fail("plan-not-found", parameter="BackupPlanId")
        return Outcome(status, {"HttpStatusCode": 200, "Success": True, "BackupPlanId": plan_id})

    token = values.get("ClientToken")
    if not token or CLIENT_TOKEN_IGNORED in switches:
        return stop()
    outcome, same = world.once(("dbs.StopBackupPlan", token), (plan_id, method), stop)
    if not same or outcome is None:
        return Outcome.fail("idempotent-mismatch", detail=f"ClientToken {token[:64]!r}.")
    return outcome


def delete_backup_client_resource(world: World, values: Mapping[str, Any],
                                  path: Mapping[str, str], status: int,
                                  switches: frozenset[str] = frozenset()) -> Outcome:
    """Clears the resources of existing clients (the clients stay: 003:13). Unknown client ids
    fail the whole call with HBR's ResourceNotFound 404 and change nothing."""
    ids = [str(c) for c in values["ClientIds"]]
    unknown = world.delete_client_resources(ids)
    if unknown:
        return Outcome.fail("not-found", detail=f"ClientIds {', '.join(unknown[:5])} not found.")
    return Outcome(status, dict(_HBR_OK))


def cancel_backup_sharing(world: World, values: Mapping[str, Any], path: Mapping[str, str],
                          status: int, switches: frozenset[str] = frozenset()) -> Outcome:
    """``is_backup_id=true``: ``id`` is a backup and all its sharings go; otherwise (absent or
    false) ``id`` is one sharing (002:43-49). Nothing left to cancel -> 404."""
    by_backup = bool(values.get("is_backup_id", False))
    item = path["id"]
    if by_backup and BACKUP_ID_CANCELS_ONE in switches:
        with world.lock:  # the oldest sharing, so a replayed example ends the same one
            remaining = [sharing for (project, sharing), backup in world.sharings.items()
                         if project == path["project_id"] and backup == item]
        if remaining:
            by_backup, item = False, remaining[0]
    if not world.cancel_sharing(path["project_id"], item, by_backup):
        if REPEAT_SUCCEEDS in switches:
            return Outcome(status, None)
        return Outcome.fail("not-found")
    return Outcome(status, None)


def delete_backup(world: World, values: Mapping[str, Any], path: Mapping[str, str],
                  status: int, switches: frozenset[str] = frozenset()) -> Outcome:
    """Deletes a manual backup once; the second delete is DBS.201214 (error_choices.json)."""
    deleted = world.delete_manual_backup(path["project_id"], path["backup_id"])
    if not deleted and REPEAT_SUCCEEDS not in switches:
        return Outcome.fail("not-found")
    return Outcome(status, {"job_id": str(uuid.uuid4())})


HANDLERS: dict[str, Handler] = {
    "hbr.CancelBackupJob": cancel_backup_job,
    "dbs.StopBackupPlan": stop_backup_plan,
    "hbr.DeleteBackupClientResource": delete_backup_client_resource,
    "vbs.CancelBackupSharing": cancel_backup_sharing,
    "gaussdbfornosql.DeleteBackup": delete_backup,
}
