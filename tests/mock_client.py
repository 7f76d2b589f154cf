"""A small client for the mock's self-tests: a call by API id with the values given, built by
the suites' own wire encoder (``targets.wire``) so the tests and the suites speak one protocol.

Not a conformance client: strings go on the wire exactly as given (wrong values included).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from backup_conformance.cases.valid import binding, valid_params
from backup_conformance.contracts import Catalogue, load_catalogue
from backup_conformance.targets import Raw, build_request

TIMEOUT = 10.0

#: The provider state each API's positive case needs (docs/design.md section 4).
STATE_FOR_API = {api_id: binding(c).state for api_id, c in load_catalogue().items()}


def values_from_state(api_id: str, state: Mapping[str, Any]) -> dict[str, Any]:
    """A valid call's values built from what the API's provider state returned."""
    params, _ = valid_params(load_catalogue()[api_id], lambda _state, _params: dict(state))
    return params


class MockClient:
    def __init__(self, base_url: str, catalogue: Catalogue, *,
                 session: requests.Session | None = None, auth: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.catalogue = catalogue
        self.session = session or requests.Session()
        self.auth = auth

    def call(self, api_id: str, values: Mapping[str, Any], *, method: str | None = None,
             headers: Mapping[str, str] | None = None, **kwargs: Any) -> requests.Response:
        raw = {k: Raw(v) if isinstance(v, str) else v for k, v in values.items()}
        request = build_request(self.catalogue[api_id], raw, self.base_url,
                                headers=headers).to_requests()
        if method:
            request.method = method
        request.auth = kwargs.pop("auth", self.auth)
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.send(self.session.prepare_request(request), **kwargs)

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
