"""VBS CancelBackupSharing (page 002) and GeminiDB DeleteBackup (page 004), project-scoped.

Every resource lives in one project (002:11, 004:27 ``/{project_id}/``): asked for under
another project it does not exist. States are made in this server's own project unless their
params name one. Other choices than our mock's, each legal by the pages and the complete
appendix tables: VBS invalid requests are ``VolumeBackup.0002`` ("The request format is
incorrect.") and a missing sharing ``VolumeBackup.0111``; GeminiDB invalid requests are
``DBS.280001`` ("Parameter error.", 400); a request for a method the API lacks is the API
Gateway's ``APIGW.0101`` 404; a path under another project than the signed ``X-Project-Id``
is forbidden (403, each appendix's no-rights code); a sharing cancel answers ``{}``; error
bodies carry an extra ``request_id``; ``X-Request-Id`` is a dashed UUID.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

Reply = tuple[int, dict[str, Any] | None]
SHARING = re.compile(r"/v2/(?P<project>[^/]*)/os-vendor-backup-sharing(?:/(?P<id>[^/]*))?/?")
BACKUP = re.compile(r"/v3/(?P<project>[^/]*)/backups/(?P<backup>[^/]*)/?")
MAX_SHARINGS = 1000


def error(status: int, code: str, message: str) -> Reply:
    """The envelope (GeminiDB appendix, abnormal request results) plus an undocumented field."""
    return status, {"error_msg": message, "error_code": code, "request_id": uuid.uuid4().hex}


NO_API = error(404, "APIGW.0101",
               "The API does not exist or has not been published in the environment.")


class Huawei:
    """State and behaviour of the two Huawei REST operations; one lock guards it all."""

    def __init__(self, project_id: str, faults: frozenset[str]) -> None:
        self.project_id = project_id
        self.faults = faults
        self.lock = threading.Lock()
        self.sharings: dict[tuple[str, str], str] = {}  # (project, sharing id) -> backup id
        self.shared: dict[tuple[str, str], set[str]] = {}  # (project, backup id) -> sharings
        self.backups: set[tuple[str, str]] = set()  # GeminiDB (project, backup id)

    def owns(self, path: str) -> bool:
        return bool(SHARING.fullmatch(path) or BACKUP.fullmatch(path))

    # --- provider states (docs/design.md §4) ----------------------------------------------
    def states(self) -> dict[str, tuple[Callable[[Mapping[str, Any]], dict[str, Any]],
                                        Callable[[Mapping[str, Any]], None]]]:
        return {"vbs: a shared backup": (self._new_sharing, self._drop_sharing),
                "gaussdbfornosql: a manual backup": (self._new_backup, self._drop_backup)}

    def _project(self, params: Mapping[str, Any]) -> str:
        value = params.get("project_id") or self.project_id
        if not isinstance(value, str):
            raise ValueError("params.project_id must be a string")
        return value

    def _new_sharing(self, params: Mapping[str, Any]) -> dict[str, Any]:
        count = params.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SHARINGS:
            raise ValueError(f"params.count must be an integer from 1 to {MAX_SHARINGS}")
        project, backup = self._project(params), str(uuid.uuid4())
        ids = [str(uuid.uuid4()) for _ in range(count)]
        with self.lock:
            self.shared[(project, backup)] = set(ids)
            self.sharings.update({(project, s): backup for s in ids})
        return {"project_id": project, "backup_id": backup, "sharing_ids": ids}

    def _drop_sharing(self, params: Mapping[str, Any]) -> None:
        key = (str(params["project_id"]), str(params["backup_id"]))
        with self.lock:
            for sharing in self.shared.pop(key, set()):
                self.sharings.pop((key[0], sharing), None)

    def _new_backup(self, params: Mapping[str, Any]) -> dict[str, Any]:
        project, backup = self._project(params), uuid.uuid4().hex + "br06"  # 004:57
        with self.lock:
            self.backups.add((project, backup))
        return {"project_id": project, "backup_id": backup}

    def _drop_backup(self, params: Mapping[str, Any]) -> None:
        with self.lock:
            self.backups.discard((str(params["project_id"]), str(params["backup_id"])))

    # --- the operations -------------------------------------------------------------------
    def call(self, method: str, path: str, query: Mapping[str, str],
             signed_project: str | None) -> Reply:
        """``signed_project``: the ``X-Project-Id`` the caller signed for, if any; a request
        for another project's path is forbidden (the signing project scopes the call)."""
        sharing, backup = SHARING.fullmatch(path), BACKUP.fullmatch(path)
        if method != "DELETE":  # both pages document DELETE only (002:11, 004:27)
            return NO_API
        if sharing:
            if signed_project and sharing["project"] not in ("", signed_project):
                return error(403, "VolumeBackup.0042",
                             "The user does not have the rights to perform operations.")
            return self._cancel_sharing(sharing["project"], sharing["id"] or "", query)
        assert backup is not None
        if signed_project and backup["project"] not in ("", signed_project):
            return error(403, "DBS.280032", "You do not have permission to perform this "
                         "operation. Contact the administrator.")
        return self._delete_backup(backup["project"], backup["backup"])

    def _cancel_sharing(self, project: str, item: str, query: Mapping[str, str]) -> Reply:
        flag = query.get("is_backup_id", "false").lower()  # 002:45-49, a boolean
        if not project or not item or flag not in ("true", "false"):
            return error(400, "VolumeBackup.0002", "The request format is incorrect.")
        with self.lock:
            if flag == "true":
                ended = self.shared.get((project, item))
                if not ended:
                    return error(404, "VolumeBackup.0111", "The backup is not shared.")
                for sharing in ended:
                    self.sharings.pop((project, sharing), None)
                ended.clear()
            else:
                owner = self.sharings.pop((project, item), None)
                if owner is None:
                    return error(404, "VolumeBackup.0111", "The backup sharing does not exist.")
                self.shared[(project, owner)].discard(item)
        # 002:60-62 "Response None": an empty JSON object is that too below 'strict'
        return (204, None) if "sharing-204" in self.faults else (200, {})

    def _delete_backup(self, project: str, backup: str) -> Reply:
        if not project or not backup:
            return error(400, "DBS.280001", "Parameter error.")
        with self.lock:
            if (project, backup) not in self.backups:
                return error(400, "DBS.201214", "The backup file does not exist.")
            self.backups.discard((project, backup))
        if "geminidb-202-empty" in self.faults:
            return 202, {}
        return 202, {"job_id": str(uuid.uuid4())}  # 004:52-60
