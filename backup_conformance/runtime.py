"""One conformance run: the target, its client, the resource ledger and the judge, free of pytest.

The pytest plugin builds a ``Run`` from the command-line options and hands it to the suites;
everything here is plain Python so it can be tested and reused without pytest.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests

from backup_conformance.cases.running import NotRunnable, observe
from backup_conformance.checks import Case, Observed, judge
from backup_conformance.contracts import Catalogue, Contract, ContractError, load_catalogue
from backup_conformance.embedded import EmbeddedMock
from backup_conformance.targets import (
    Exchange,
    ResourceLedger,
    SafetyGuard,
    TargetClient,
    TargetUnreachable,
    load_profile,
    nonexistent_id,
    profile_from_options,
    provider_from_profile,
)
from backup_conformance.targets.data import register_catalogue, resources, state_returns
from backup_conformance.targets.profile import Profile

__all__ = ["MOCK_OPTIONS", "NotRunnable", "Run", "RunOptions", "observe", "state_service"]


@dataclass
class RunOptions:
    target_url: str | None = None
    state_url: str | None = None
    target_profile: Path | None = None
    strictness: str = "vendor"
    api_ids: tuple[str, ...] = ()
    mock_options: Mapping[str, Any] = field(default_factory=dict)
    dry_run: bool = False


class Run:
    """Everything a suite needs to send requests and judge the answers: the ``CaseRun`` that
    ``cases/`` is written against (mypy checks this where the suites hand a ``Run`` over)."""

    def __init__(self, options: RunOptions, catalogue: Catalogue) -> None:
        self.options = options
        self.strictness = options.strictness
        self.catalogue = catalogue
        self.embedded: EmbeddedMock | None = None
        # Inferred states and services beyond the four, of the whole folder (``--api`` narrows
        # what runs, not what a profile may name).
        register_catalogue(load_catalogue(catalogue.root).values())
        if options.target_profile:
            profile = load_profile(options.target_profile)
        elif options.target_url:
            profile = profile_from_options(options.target_url, options.state_url, os.environ)
        else:
            self.embedded = EmbeddedMock(_mock_app(options.mock_options,
                                                   catalogue.root)).start()
            profile = self.embedded.profile()
        #: One-line notes for the terminal summary (e.g. routes a one-URL target cannot tell apart).
        self.notes: list[str] = []
        if options.target_url and not options.target_profile:
            self.notes += _shared_route_note(load_catalogue(catalogue.root))
        if options.dry_run:
            profile = replace(profile, dry_run=True)
        self.profile: Profile = profile
        self.description = (f"embedded reference mock at {self.embedded.url}" if self.embedded
                            else ", ".join(sorted({s.base_url for s in profile.services.values()})))
        provider = self.embedded.provider() if self.embedded else provider_from_profile(profile)
        self.ledger: ResourceLedger | None = ResourceLedger(provider) if provider else None
        owned = self.ledger.owns if self.ledger else None
        # Dry-run lines are collected and shown once in the terminal summary: per-test output
        # is captured by pytest and would be lost for tests that end as "not run".
        self.dry_run_output = io.StringIO()
        self._example_failures: list[str] = []
        self._observers: list[Callable[[Exchange], None]] = []
        self.client = TargetClient(profile, guard=SafetyGuard.from_profile(profile, owned=owned),
                                   out=self.dry_run_output)

    def probe(self) -> None:
        """Fail once, clearly, when a service cannot be reached at all (no per-test noise)."""
        for service in self.profile.services.values():
            try:
                requests.get(service.base_url,
                             timeout=(service.timeout.connect, min(service.timeout.read, 5.0)),
                             allow_redirects=False)
            except requests.ConnectionError as exc:
                raise TargetUnreachable(
                    f"{service.name}: cannot connect to {service.base_url} "
                    f"({type(exc).__name__})"
                ) from None
            except requests.Timeout:
                raise TargetUnreachable(
                    f"{service.name}: {service.base_url} did not answer within "
                    f"{service.timeout.connect}s"
                ) from None

    def obtain(self, state: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A live resource for one test, recorded in the ledger for teardown.

        In a dry run nothing is created: the values are reserved ids that name no resource."""
        self._require_service(state_service(state))
        if self.profile.dry_run:
            return _placeholder_values(state, params or {})
        if self.ledger is None:
            raise NotRunnable(
                f"needs the provider state {state!r}, but the target has no way to obtain "
                "resources (give --state-url, or a [provider] table in the profile)"
            )
        return self.ledger.obtain(state, params)

    def send(self, contract: Contract, params: Mapping[str, Any], **kwargs: Any) -> Exchange:
        self._require_service(contract.service)
        exchange = self.client.call(contract, params, **kwargs)
        for observer in self._observers:
            observer(exchange)
        return exchange

    def on_exchange(self, observer: Callable[[Exchange], None]) -> None:
        """Call ``observer`` with every exchange this run sends from now on (the reports keep
        the last ones for allure's attachments); the suites need not expose them."""
        self._observers.append(observer)

    def _require_service(self, service: str) -> None:
        """A profile that leaves a service out makes that service's tests not run."""
        if service not in self.profile.services:
            raise NotRunnable(f"the target profile defines no {service!r} service")

    def mark(self) -> int:
        """A point in the ledger; ``release(mark)`` undoes what was obtained after it."""
        return self.ledger.obtained if self.ledger else 0

    def release(self, mark: int) -> list[str]:
        """Tear down what was obtained since ``mark``; returns the teardown failures, with
        those of the examples released since the last call (``each_example``)."""
        held, self._example_failures = self._example_failures, []
        return held + (self.ledger.teardown_from(mark) if self.ledger else [])

    @contextmanager
    def each_example(self) -> Iterator[None]:
        """One property example's scope: what it obtained is torn down as it ends, so a
        300-example nightly test holds one example's resources at a time, never 300, and
        memory stays flat; teardown failures surface with the test's own (``release``)."""
        mark = self.mark()
        try:
            yield
        finally:
            if self.ledger is not None:
                self._example_failures += self.ledger.teardown_from(mark)

    def judge(self, contract: Contract, kind: str, exchange: Exchange,
              only: tuple[str, ...] | None = None) -> Observed:
        """Apply every active check to ``exchange``; raise on the first broken point(s)."""
        observed = observe(exchange)
        judge(Case(contract, kind, self.strictness), observed, repro=exchange.curl, only=only)
        return observed

    def close(self) -> list[str]:
        failures = self.ledger.teardown_all() if self.ledger else []
        self.client.close()
        if self.embedded:
            self.embedded.stop()
        return failures


def _shared_route_note(catalogue: Catalogue) -> list[str]:
    """With one base URL for every service, routes two services document are ambiguous."""
    from backup_conformance.mock.routing import SERVICE_PREFIX, Router

    try:
        shared = sorted(Router(catalogue).prefixed)
    except ContractError:
        return []
    if not shared:
        return []
    return [f"note: {', '.join(shared)} document routes another service documents too; one "
            f"--target-url cannot tell them apart: give a --target profile with a base_url per "
            f"service (the reference mock serves each under {SERVICE_PREFIX}<service>)"]


def state_service(state: str) -> str:
    """The service a provider state's resources belong to (targets/resources.json)."""
    service: str = resources()["states"][state]["service"]
    return service


def _placeholder_values(state: str, params: Mapping[str, Any]) -> dict[str, Any]:
    count = int(params.get("count", 2))
    return {key: [nonexistent_id(key) for _ in range(count)] if kind == "list"
            else nonexistent_id(key)
            for key, kind in state_returns(state).items()}


MOCK_OPTIONS = ("variant", "mutation")


def _mock_app(options: Mapping[str, str], contracts: Path | None = None) -> Any:
    """The embedded mock serving the whole catalogue at ``contracts`` (default: the
    project's), for ``--mock-option`` values: ``variant=NAME`` and ``mutation=A,B``."""
    from backup_conformance.contracts import load_catalogue
    from backup_conformance.mock import MockApp

    unknown = sorted(set(options) - set(MOCK_OPTIONS))
    if unknown:
        raise ValueError(f"unknown --mock-option {unknown[0]!r}; valid: {', '.join(MOCK_OPTIONS)}")
    kwargs: dict[str, Any] = {}
    if "variant" in options:
        kwargs["variant"] = options["variant"]
    if "mutation" in options:
        kwargs["mutations"] = frozenset(m for m in options["mutation"].split(",") if m)
    return MockApp(load_catalogue(contracts), **kwargs)
