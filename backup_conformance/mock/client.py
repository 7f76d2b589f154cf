"""A tiny contract-driven HTTP client for the mock: builds each API's request from its contract
(Alibaba: ``POST /`` + action/version headers + query; Huawei: method + filled path template),
so the mock's self-tests and manual pokes never hand-write wire details. Not a conformance
client: it sends exactly what it is given, including wrong values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from backup_conformance.contracts import Catalogue, Contract

TIMEOUT = 10.0


class MockClient:
    def __init__(self, base_url: str, catalogue: Catalogue, *,
                 session: requests.Session | None = None, auth: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.catalogue = catalogue
        self.session = session or requests.Session()
        self.auth = auth

    def request_for(self, api_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """``requests.request`` keyword arguments for calling ``api_id`` with ``values``.

        Values of ``json``-wire parameters that are not strings are JSON-encoded, as the SDK
        does with ``ClientIds``; booleans become ``true``/``false``.
        """
        contract = self.catalogue[api_id]
        params: dict[str, str] = {}
        headers: dict[str, str] = {}
        path = contract.path
        for name, value in values.items():
            spec = _spec(contract, name)
            text = _wire(value, spec.wire if spec else "plain")
            if spec is not None and spec.location == "path":
                path = path.replace("{" + name + "}", quote(text, safe=""))
            elif spec is not None and spec.location == "header":
                headers[name] = text
            else:
                params[name] = text
        if contract.family == "alibaba-rpc":
            headers.setdefault("x-acs-action", contract.action or "")
            headers.setdefault("x-acs-version", contract.version or "")
        return {"method": contract.method, "url": self.base_url + path, "params": params,
                "headers": headers}

    def call(self, api_id: str, values: Mapping[str, Any], *, method: str | None = None,
             headers: Mapping[str, str] | None = None, **kwargs: Any) -> requests.Response:
        spec = self.request_for(api_id, values)
        spec["headers"].update(headers or {})
        if method:
            spec["method"] = method
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("auth", self.auth)
        return self.session.request(**spec, **kwargs)

    def setup(self, state: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = self.session.post(f"{self.base_url}/_states", timeout=TIMEOUT,
                                     json={"state": state, "params": dict(params or {}),
                                           "action": "setup"})
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def teardown(self, state: str, params: Mapping[str, Any]) -> requests.Response:
        return self.session.post(f"{self.base_url}/_states", timeout=TIMEOUT,
                                 json={"state": state, "params": dict(params),
                                       "action": "teardown"})


def _spec(contract: Contract, name: str) -> Any:
    for spec in contract.parameters:
        if spec.name == name:
            return spec
    return None


def _wire(value: Any, wire: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if wire == "json" or isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


#: The provider state each API's positive case needs (DESIGN.md §4).
STATE_FOR_API = {
    "hbr.CancelBackupJob": "hbr: a running backup job",
    "dbs.StopBackupPlan": "dbs: a running backup plan",
    "vbs.CancelBackupSharing": "vbs: a shared backup",
    "hbr.DeleteBackupClientResource": "hbr: backup clients with resources",
    "gaussdbfornosql.DeleteBackup": "gaussdbfornosql: a manual backup",
}


def values_from_state(api_id: str, state: Mapping[str, Any]) -> dict[str, Any]:
    """A valid call's values built from what the API's provider state returned."""
    if api_id == "hbr.CancelBackupJob":
        return {"JobId": state["JobId"], "VaultId": state["VaultId"]}
    if api_id == "dbs.StopBackupPlan":
        return {"BackupPlanId": state["BackupPlanId"], "StopMethod": "ALL"}
    if api_id == "vbs.CancelBackupSharing":
        return {"project_id": state["project_id"], "id": state["sharing_ids"][0]}
    if api_id == "hbr.DeleteBackupClientResource":
        return {"ClientIds": list(state["ClientIds"])}
    if api_id == "gaussdbfornosql.DeleteBackup":
        return {"project_id": state["project_id"], "backup_id": state["backup_id"]}
    raise KeyError(api_id)
