"""The embedded default target: the reference mock on a loopback port, states served in-process.

``pytest suites`` with no target options runs against this (docs/design.md §4). Mock variants and
mutations (deliberately faulty behaviours for the mutation self-test) are chosen here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backup_conformance.mock import MockApp, MockServer
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
        """Every service at the mock, no signing (the embedded app accepts any auth)."""
        return profile_from_options(self.url, None, env={})

    def provider(self) -> InProcessStates:
        return InProcessStates(self.app)
