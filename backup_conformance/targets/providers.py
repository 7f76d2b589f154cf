"""Provider states (docs/design.md §4, Pact's convention): how a test obtains live resources.

Three sources answer the same question, "give me the values of state X": a target's
state-setup URL, a Python hook for sandboxes where resources are made through other vendor
APIs, and static values written in the profile (each usable once). Values are checked against
the design's table (``resources.json``) here, so a suite never runs on half an answer.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

import requests

from backup_conformance.targets.data import state_names, state_returns
from backup_conformance.targets.errors import ProviderError, choices_hint


@runtime_checkable
class ResourceProvider(Protocol):
    """Something that can make (and unmake) the resources a provider state names.

    ``setup(state, params)`` creates the resource and returns the values the test needs, with
    exactly the keys docs/design.md §4 lists for ``state`` (``JobId`` and ``VaultId`` for
    ``"hbr: a running backup job"``...). ``teardown(state, params, values)`` undoes it, given
    the same params and the values setup returned; it must tolerate a resource the test
    already destroyed (the tests are destructive by nature), and raises ``ProviderError`` only
    when the resource may still exist. Both raise ``ProviderError`` with a one-line reason.
    """

    def setup(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def teardown(self, state: str, params: Mapping[str, Any],
                 values: Mapping[str, Any]) -> None: ...


def check_state(state: str) -> None:
    """Refuse unknown state names before any provider is asked."""
    if state not in state_names():
        raise ProviderError(f"unknown provider state {state!r}"
                            f"{choices_hint(state_names(), state)}")


def check_values(state: str, values: Any, origin: str) -> dict[str, Any]:
    """The values, if they hold every key of the state's row with the right shape."""
    if not isinstance(values, Mapping):
        raise ProviderError(f"state {state!r}: {origin} returned {type(values).__name__} "
                            f"{_excerpt(values)}, not a JSON object")
    for key, kind in state_returns(state).items():
        if key not in values:
            raise ProviderError(f"state {state!r}: {origin} returned no {key!r} "
                                f"(expected keys: {', '.join(state_returns(state))}; "
                                f"got: {', '.join(map(str, values)) or 'none'})")
        value = values[key]
        good = (isinstance(value, list) and bool(value) and all(
            isinstance(v, str) and v for v in value)) if kind == "list" else (
            isinstance(value, str) and bool(value))
        if not good:
            shape = "a non-empty list of strings" if kind == "list" else "a non-empty string"
            raise ProviderError(f"state {state!r}: {origin} returned {key}={_excerpt(value)}, "
                                f"expected {shape}")
    return dict(values)


def _excerpt(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else text[:limit] + "..."


class StateUrlProvider:
    """``POST url`` with ``{"state", "params", "action"}``; a 200 JSON object is the answer.

    Teardown sends the setup params merged with the values setup returned (the reference
    mock reads e.g. ``JobId`` from ``params``).
    """

    def __init__(self, url: str, *, timeout: float = 30.0,
                 session: requests.Session | None = None) -> None:
        self.url, self.timeout = url, timeout
        self._session = session or requests.Session()
        self._session.trust_env = False

    def __repr__(self) -> str:
        return f"StateUrlProvider({self.url!r})"

    def setup(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        check_state(state)
        answer = self._post(state, dict(params), "setup")
        return check_values(state, answer, f"{self.url} (setup)")

    def teardown(self, state: str, params: Mapping[str, Any],
                 values: Mapping[str, Any]) -> None:
        self._post(state, {**params, **values}, "teardown")

    def _post(self, state: str, params: dict[str, Any], action: str) -> Any:
        payload: dict[str, Any] = {"state": state, "params": params, "action": action}
        where = f"state {state!r} {action}: {self.url}"
        try:
            response = self._session.post(self.url, json=payload, timeout=self.timeout,
                                          allow_redirects=False)
        except requests.RequestException as exc:
            raise ProviderError(f"{where} could not be reached ({type(exc).__name__})"
                                ) from None
        body = response.text
        if response.status_code != 200:
            raise ProviderError(f"{where} answered {response.status_code}: "
                                f"{_excerpt(body) or '(empty body)'}")
        if action == "teardown" and not body.strip():
            return {}
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{where} answered 200 with a body that is not JSON: "
                                f"{_excerpt(body) or '(empty body)'}") from None


class HookProvider:
    """A function ``hook(state, params, action) -> dict`` named ``"package.module:function"``.

    The hook is imported at construction so a typo fails the run before any test starts.
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec
        module_name, _, attribute = spec.partition(":")
        if not module_name or not attribute:
            raise ProviderError(f"hook {spec!r}: expected 'package.module:function'")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # ImportError, or the module itself failing to import
            raise ProviderError(f"hook {spec!r}: cannot import {module_name!r} "
                                f"({type(exc).__name__}: {exc})") from None
        hook = getattr(module, attribute, None)
        if not callable(hook):
            raise ProviderError(f"hook {spec!r}: {module_name!r} has no function "
                                f"{attribute!r}")
        self._hook: Callable[..., Any] = hook

    def __repr__(self) -> str:
        return f"HookProvider({self.spec!r})"

    def setup(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        check_state(state)
        return check_values(state, self._call(state, dict(params), "setup"),
                            f"hook {self.spec}")

    def teardown(self, state: str, params: Mapping[str, Any],
                 values: Mapping[str, Any]) -> None:
        self._call(state, {**params, **values}, "teardown")

    def _call(self, state: str, params: dict[str, Any], action: str) -> Any:
        try:
            return self._hook(state, params, action)
        except ProviderError:
            raise
        except Exception as exc:
            raise ProviderError(f"state {state!r} {action}: hook {self.spec} raised "
                                f"{type(exc).__name__}: {exc}") from None


class StaticProvider:
    """Values written in the profile, per state name, each handed out once per run.

    Static resources were made by a person, so teardown does nothing: the destructive call
    under test is what consumes them.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._left: dict[str, list[dict[str, Any]]] = {}
        for state, items in values.items():
            check_state(state)
            listed = [items] if isinstance(items, Mapping) else list(items)
            self._left[state] = [check_values(state, v, "the profile's static values")
                                 for v in listed]

    def __repr__(self) -> str:
        return f"StaticProvider({ {s: len(v) for s, v in self._left.items()} })"

    def setup(self, state: str, params: Mapping[str, Any]) -> dict[str, Any]:
        check_state(state)
        left = self._left.get(state)
        if not left:
            raise ProviderError(f"no more static values for state {state!r}: each is usable "
                                "once per run; add more under [provider.static] in the profile")
        return left.pop(0)

    def teardown(self, state: str, params: Mapping[str, Any],
                 values: Mapping[str, Any]) -> None:
        return None


def provider_from_profile(profile: Any) -> ResourceProvider | None:
    """The provider a profile's ``[provider]`` table describes (``None``: no way to obtain
    resources, so the tests needing them are reported as not run)."""
    spec = profile.provider
    if spec.state_url:
        return StateUrlProvider(spec.state_url)
    if spec.hook:
        return HookProvider(spec.hook)
    if spec.static is not None:
        return StaticProvider(spec.static)
    return None
