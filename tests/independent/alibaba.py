"""HBR CancelBackupJob (page 000), DBS StopBackupPlan (001), HBR DeleteBackupClientResource (003).

Parameters are checked by hand from each page's request table. The choices that differ from
our mock's, each legal by the pages: a business refusal (a job no longer running, a plan that
does not exist) is HTTP 200 with ``"Success": false`` (000:71, 001:73 "Indicates whether the
request is successful"), an unknown job is HBR's ``TaskNotFound`` 404 and unknown clients its
``ObjectNotExist`` 404 (HBR error-code excerpts), invalid HBR parameters are HBR's own
``BadRequest`` 400, DBS success bodies leave out ``ErrCode``/``ErrMessage`` (the page ties them
to failure, 001:70-79), HBR success bodies carry an extra ``HostId``, and keys come in
another order.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

Reply = tuple[int, dict[str, Any]]
VERSIONS = {"CancelBackupJob": "2017-09-08", "DeleteBackupClientResource": "2017-09-08",
            "StopBackupPlan": "2019-03-06"}
HOSTS = {"2017-09-08": "hbr.aliyuncs.com", "2019-03-06": "dbs-api.aliyuncs.com"}
MAX_CLIENTS = 100  # 003:45 "up to 100 client IDs"
STOP_METHODS = ("ALL", "PLAN")  # 001:43-46
TOKENS = 2048  # ClientTokens remembered, the oldest forgotten first


def request_id() -> str:
    return str(uuid.uuid4())  # lower case: the pages fix no case or format


def error(status: int, code: str, message: str, version: str) -> Reply:
    return status, {"Code": code, "Message": message, "HostId": HOSTS.get(version, "aliyuncs.com"),
                    "RequestId": request_id()}


class Alibaba:
    """State and behaviour of the three Alibaba RPC operations; one lock guards it all."""

    def __init__(self, faults: frozenset[str]) -> None:
        self.faults = faults
        self.lock = threading.Lock()
        self.jobs: dict[str, tuple[str, bool]] = {}  # job id -> (vault id, running)
        self.plans: dict[str, bool] = {}  # plan id -> running
        self.clients: dict[str, int] = {}  # client id -> resources left
        self.tokens: OrderedDict[str, tuple[tuple[str, str], Reply]] = OrderedDict()

    # --- provider states (docs/design.md §4) ----------------------------------------------
    def states(self) -> dict[str, tuple[Callable[[Mapping[str, Any]], dict[str, Any]],
                                        Callable[[Mapping[str, Any]], None]]]:
        return {
            "hbr: a running backup job": (
                self._new_job, lambda p: self._drop(self.jobs, p["JobId"])),
            "dbs: a running backup plan": (
                self._new_plan, lambda p: self._drop(self.plans, p["BackupPlanId"])),
            "hbr: backup clients with resources": (self._new_clients, self._drop_clients),
        }

    def _new_job(self, params: Mapping[str, Any]) -> dict[str, Any]:
        vault = params.get("VaultId") or f"v-{uuid.uuid4().hex[:18]}"
        job = f"job-{uuid.uuid4().hex}"
        with self.lock:
            self.jobs[job] = (str(vault), True)
        return {"JobId": job, "VaultId": vault}

    def _new_plan(self, params: Mapping[str, Any]) -> dict[str, Any]:
        plan = f"dbsplan{uuid.uuid4().hex[:12]}"
        with self.lock:
            self.plans[plan] = True
        return {"BackupPlanId": plan}

    def _new_clients(self, params: Mapping[str, Any]) -> dict[str, Any]:
        count = params.get("count", 2)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise ValueError("params.count must be an integer from 1 to 1000")
        ids = [f"c-{uuid.uuid4().hex[:20]}" for _ in range(count)]
        with self.lock:
            self.clients.update(dict.fromkeys(ids, 3))
        return {"ClientIds": ids}

    def _drop(self, table: dict[str, Any], key: str) -> None:
        with self.lock:
            table.pop(key, None)

    def _drop_clients(self, params: Mapping[str, Any]) -> None:
        with self.lock:
            for client in params["ClientIds"]:
                self.clients.pop(client, None)

    # --- the operations -------------------------------------------------------------------
    def call(self, action: str, version: str, params: Mapping[str, str]) -> Reply:
        if action not in VERSIONS:  # the PolarDB-published common client table, InvalidAction
            return error(403, "InvalidAction", f"The action {action!r} is not supported.", version)
        if version != VERSIONS[action]:
            return error(400, "NoSuchVersion", "The specified API version does not exist.",
                         version)
        handler = {"CancelBackupJob": self._cancel_job, "StopBackupPlan": self._stop_plan,
                   "DeleteBackupClientResource": self._delete_resources}[action]
        return handler(params, version)

    def _cancel_job(self, params: Mapping[str, str], version: str) -> Reply:
        missing = _missing(params, ("JobId", "VaultId"))  # 000:36-45, both required
        if missing:
            return missing_parameter(missing, version)
        with self.lock:
            job = self.jobs.get(params["JobId"])
            if job is None or job[0] != params["VaultId"]:
                if "unknown-job-success" in self.faults:
                    return 200, self._hbr_success()
                return error(404, "TaskNotFound", "The backup job does not exist in this vault.",
                             version)
            if not job[1]:
                return 200, {"Success": False, "Code": "400", "RequestId": request_id(),
                             "Message": "The backup job is not running."}
            self.jobs[params["JobId"]] = (job[0], False)
        return 200, self._hbr_success()

    def _hbr_success(self) -> dict[str, Any]:
        message = "OK" if "hbr-message-ok" in self.faults else "successful"  # 000:58
        return {"Success": True, "Code": "200", "Message": message, "RequestId": request_id(),
                "HostId": HOSTS["2017-09-08"]}  # an extra field: no page forbids one

    def _stop_plan(self, params: Mapping[str, str], version: str) -> Reply:
        missing = _missing(params, ("BackupPlanId", "StopMethod"))  # 001:38-46
        if missing:
            return missing_parameter(missing, version)
        if params["StopMethod"] not in STOP_METHODS:
            return error(400, "InvalidParameter",
                         f"StopMethod must be one of {', '.join(STOP_METHODS)}.", version)
        token = params.get("ClientToken")  # 001:48-50: the same token, the same outcome
        fingerprint = (params["BackupPlanId"], params["StopMethod"])
        with self.lock:
            if token and token in self.tokens:
                seen, reply = self.tokens[token]
                if seen != fingerprint:
                    return error(400, "IdempotentParameterMismatch",
                                 "The ClientToken was used with other parameters.", version)
                return reply[0], {**reply[1], "RequestId": request_id()}
            reply = self._stop_locked(params["BackupPlanId"])
            if token:
                self.tokens[token] = (fingerprint, reply)
                while len(self.tokens) > TOKENS:
                    self.tokens.popitem(last=False)
        return reply

    def _stop_locked(self, plan: str) -> Reply:
        if plan not in self.plans:
            return 200, {"Success": False, "HttpStatusCode": 404, "ErrCode": "Param.NotFound",
                         "ErrMessage": "The specified parameter BackupPlanId value is not valid.",
                         "RequestId": request_id()}
        self.plans[plan] = False  # stopping a stopped plan stops it again (no page refuses it)
        body: dict[str, Any] = {"Success": True, "HttpStatusCode": 200, "RequestId": request_id()}
        if "stop-plan-without-id" not in self.faults:
            body["BackupPlanId"] = plan  # 001:83
        return 200, body

    def _delete_resources(self, params: Mapping[str, str], version: str) -> Reply:
        missing = _missing(params, ("ClientIds",))  # 003:43-45
        if missing:
            return missing_parameter(missing, version)
        try:
            ids = json.loads(params["ClientIds"])
        except ValueError:
            return error(400, "BadRequest", "ClientIds is not a JSON array.", version)
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            return error(400, "BadRequest", "ClientIds must be a JSON array of client IDs.",
                         version)
        if len(ids) > MAX_CLIENTS:
            return error(400, "BadRequest", f"ClientIds names more than {MAX_CLIENTS} clients.",
                         version)
        with self.lock:
            unknown = [i for i in ids if i not in self.clients]
            if unknown:
                return error(404, "ObjectNotExist", f"No HBR client {unknown[0]}.", version)
            for client in ids:
                self.clients[client] = 0  # 003:13: the clients themselves stay
        return 200, self._hbr_success()


def _missing(params: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if not params.get(n)), None)


def missing_parameter(name: str, version: str) -> Reply:
    return error(400, "MissingParameter", f'The required parameter "{name}" is missing.',
                 version)
