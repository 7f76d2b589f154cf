"""The embedded default target: the reference mock on a loopback port, states served in-process.

``pytest suites`` with no target options runs against this (docs/design.md §4). Mock variants and
mutations (deliberately faulty behaviours for the mutation self-test) are chosen here.

The mock verifies signatures, so the auth suite runs by default: the run makes up ephemeral
credentials, gives them to the mock and to its own client, and never prints them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.auth import AcceptAll, Credentials, Verifying
from backup_conformance.mock.routing import SERVICE_PREFIX
from backup_conformance.targets.options import profile_from_options
from backup_conformance.targets.profile import Profile


class InProcessStates:
    """A ``ResourceProvider`` that calls the mock's provider states directly (no HTTP)."""

    def __init__(self, app: MockApp) -> None:
        self._app = app

    def setup(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._app.states.setup(state, dict(params)))

    def teardown(self, state: str, params: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        self._app.states.teardown(state, {**params, **values})

    def __repr__(self) -> str:
        return "embedded reference mock"


class EmbeddedMock:
    """Start/stop the reference mock and describe it as a target profile."""

    def __init__(self, app: MockApp | None = None) -> None:
        self.app = app or MockApp()
        self._env = ephemeral_credentials()
        if isinstance(self.app.authenticator, AcceptAll):
            self.app.authenticator = Verifying(Credentials.from_mapping(self._env))
        self.server = MockServer(self.app)

    def start(self) -> EmbeddedMock:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    def profile(self) -> Profile:
        """Every service at the mock, signing with the run's ephemeral credentials; services
        sharing a route with another are called under their prefix (``SERVICE_PREFIX``)."""
        prefixed = {name: f"{self.url}{SERVICE_PREFIX}{name}"
                    for name in self.app.router.prefixed}
        return profile_from_options(self.url, None, env=self._env, service_urls=prefixed)

    def provider(self) -> InProcessStates:
        return InProcessStates(self.app)


def ephemeral_credentials() -> dict[str, str]:
    """Fresh random keys under the vendors' variable names, for one run only."""
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIbc" + secrets.token_hex(8),
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secrets.token_urlsafe(24),
        "HUAWEICLOUD_SDK_AK": "BC" + secrets.token_hex(9).upper(),
        "HUAWEICLOUD_SDK_SK": secrets.token_urlsafe(24),
    }
