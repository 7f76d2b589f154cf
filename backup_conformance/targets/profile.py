"""Target profiles (``--target PROFILE.toml``, docs/design.md §4): where each service lives and how.

Credentials never live in a profile: they are read from the environment by the vendors' own
variable names, so a profile can be committed and shared. A profile is validated completely
before anything is sent; every problem is a ``ProfileError`` naming the file, the dotted key
and the valid choices. URLs must be loopback unless ``allow_remote = true``: pointing a
destructive suite at a real cloud has to be a deliberate act.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from backup_conformance.secrets import Credentials, credentials_for
from backup_conformance.targets.errors import ProfileError

SERVICES = {"hbr": "alibaba-rpc", "dbs": "alibaba-rpc",
            "vbs": "huawei-rest", "gaussdbfornosql": "huawei-rest"}


def register_services(services: Mapping[str, str]) -> None:
    """Services (name -> family) of a catalogue beyond the four: a run over extracted
    contracts of other services (``--contracts DIR``) may name them in profiles too."""
    for name, family in services.items():
        SERVICES.setdefault(name, family)


SCHEMES = {"alibaba-rpc": ("acs3", "acs-rpc-v1", "none"),
           "huawei-rest": ("huawei-aksk", "huawei-token", "none")}
TOP_KEYS = ("time_limit", "dry_run", "allow_remote", "services", "provider")
SERVICE_KEYS = ("base_url", "auth", "region", "project_id", "timeout", "rate_limit",
                "retries", "max_backoff", "request_budget", "allowlist")
PROVIDER_KEYS = ("state_url", "hook", "static")
_SECRET_WORDS = ("secret", "password", "token", "access_key", "accesskey")


def _looks_secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in ("ak", "sk") or any(word in lowered for word in _SECRET_WORDS)


@dataclass(frozen=True)
class Timeout:
    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class ServiceTarget:
    """One service of a target: where, how to authenticate, and how gently to call it."""

    name: str
    family: str
    base_url: str
    auth: str = "none"
    credentials: Credentials = field(default_factory=Credentials)
    region: str | None = None
    project_id: str | None = None
    timeout: Timeout = field(default_factory=Timeout)
    rate_limit: float | None = None  # requests per second
    retries: int = 2  # extra attempts for throttled answers
    max_backoff: float = 10.0  # seconds; caps backoff and Retry-After
    request_budget: int | None = None
    allowlist: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProviderSpec:
    """How provider states are obtained: exactly one of the three, or none at all."""

    state_url: str | None = None
    hook: str | None = None
    static: Mapping[str, tuple[Mapping[str, Any], ...]] | None = None


@dataclass(frozen=True)
class Profile:
    source: str
    services: Mapping[str, ServiceTarget]
    provider: ProviderSpec = field(default_factory=ProviderSpec)
    time_limit: float | None = None
    dry_run: bool = False
    allow_remote: bool = False

    def service(self, name: str) -> ServiceTarget:
        """The service's settings; a readable error when the profile leaves it out."""
        try:
            return self.services[name]
        except KeyError:
            raise ProfileError(self.source, f"services.{name}",
                               "this profile does not define the service",
                               valid=self.services, given=name) from None


def load_profile(path: str | Path, env: Mapping[str, str] | None = None) -> Profile:
    """Read and validate a TOML profile; credentials come from ``env`` (default os.environ)."""
    source = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(source, "", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, "", f"not valid TOML ({exc})") from None
    return profile_from_data(source, data, os.environ if env is None else env)


def profile_from_data(source: str, data: Mapping[str, Any], env: Mapping[str, str]) -> Profile:
    """Validate an already-parsed profile (``source`` names it in error messages)."""
    return _Reader(source, env).profile(data)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Reader:
    """Validation with the file name at hand, so every error can name it."""

    def __init__(self, source: str, env: Mapping[str, str]) -> None:
        self.source, self.env = source, env

    def fail(self, key: str, problem: str, valid: Any = None, given: Any = None) -> ProfileError:
        return ProfileError(self.source, key, problem, valid,
                            given if isinstance(given, str) else None)

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                dotted = f"{prefix}.{key}" if prefix else key
                if _looks_secret(key):
                    raise self.fail(dotted, "credentials never go in a profile; set them in "
                                    "the environment (see the auth scheme's variables)")
                raise self.fail(dotted, "unknown key", allowed, key)

    def table(self, data: Mapping[str, Any], key: str, dotted: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(dotted, f"expected a table, got {value!r}")
        return value

    def number(self, value: Any, key: str, *, minimum: float = 0.0) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= minimum:
            raise self.fail(key, f"expected a number above {minimum:g}, got {value!r}")
        return float(value)

    def integer(self, value: Any, key: str, *, minimum: int, maximum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not \
                minimum <= value <= maximum:
            raise self.fail(key, f"expected an integer from {minimum} to {maximum}, "
                            f"got {value!r}")
        return value

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        return value

    def url(self, value: Any, key: str, allow_remote: bool) -> str:
        text = self.text(value, key)
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(key, f"expected an http(s) URL with a host, got {text!r}")
        if parts.query or parts.fragment:
            raise self.fail(key, f"a base URL carries no query or fragment, got {text!r}")
        if not allow_remote and not is_loopback(text):
            raise self.fail(key, f"{parts.hostname!r} is not a loopback address; set "
                            "allow_remote = true at the top of the profile to call a real "
                            "target deliberately")
        return text.rstrip("/")

    def profile(self, data: Mapping[str, Any]) -> Profile:
        self.keys(data, TOP_KEYS, "")
        allow_remote = self.boolean(data.get("allow_remote", False), "allow_remote")
        time_limit = data.get("time_limit")
        services_table = self.table(data, "services", "services")
        self.keys(services_table, tuple(SERVICES), "services")
        if not services_table:
            raise self.fail("services", "a profile needs at least one service", SERVICES)
        services = {name: self.service(name, self.table(services_table, name,
                                                         f"services.{name}"), allow_remote)
                    for name in services_table}
        return Profile(
            source=self.source, services=services,
            provider=self.provider(self.table(data, "provider", "provider"), allow_remote),
            time_limit=None if time_limit is None else self.number(time_limit, "time_limit"),
            dry_run=self.boolean(data.get("dry_run", False), "dry_run"),
            allow_remote=allow_remote,
        )

    def service(self, name: str, table: Mapping[str, Any], allow_remote: bool) -> ServiceTarget:
        prefix = f"services.{name}"
        self.keys(table, SERVICE_KEYS, prefix)
        family = SERVICES[name]
        if "base_url" not in table:
            raise self.fail(f"{prefix}.base_url", "missing; every service needs its base URL")
        auth = table.get("auth", "none")
        if auth not in SCHEMES[family]:
            raise self.fail(f"{prefix}.auth", f"unknown auth scheme {auth!r} for {name}",
                            SCHEMES[family], auth)
        project_id = table.get("project_id")
        if project_id is not None:
            project_id = self.text(project_id, f"{prefix}.project_id")
        try:
            credentials = credentials_for(auth, self.env, project_id=project_id)
        except KeyError as exc:
            raise self.fail(f"{prefix}.auth", f"auth = {auth!r} needs the environment "
                            f"variable {exc.args[0]}, which is not set") from None
        allowlist = table.get("allowlist", [])
        if not isinstance(allowlist, list) or not all(
                isinstance(item, str) and item for item in allowlist):
            raise self.fail(f"{prefix}.allowlist", "expected a list of resource ids (strings)")
        budget = table.get("request_budget")
        rate = table.get("rate_limit")
        region = table.get("region")
        return ServiceTarget(
            name=name, family=family,
            base_url=self.url(table["base_url"], f"{prefix}.base_url", allow_remote),
            auth=auth, credentials=credentials,
            region=None if region is None else self.text(region, f"{prefix}.region"),
            project_id=project_id or credentials.project_id,
            timeout=self.timeout(table.get("timeout"), f"{prefix}.timeout"),
            rate_limit=None if rate is None else self.number(rate, f"{prefix}.rate_limit"),
            retries=self.integer(table.get("retries", 2), f"{prefix}.retries",
                                 minimum=0, maximum=10),
            max_backoff=self.number(table.get("max_backoff", 10.0), f"{prefix}.max_backoff"),
            request_budget=None if budget is None else self.integer(
                budget, f"{prefix}.request_budget", minimum=1, maximum=10**6),
            allowlist=frozenset(allowlist),
        )

    def timeout(self, value: Any, key: str) -> Timeout:
        if value is None:
            return Timeout()
        if isinstance(value, Mapping):
            self.keys(value, ("connect", "read"), key)
            default = Timeout()
            return Timeout(self.number(value.get("connect", default.connect), f"{key}.connect"),
                           self.number(value.get("read", default.read), f"{key}.read"))
        seconds = self.number(value, key)
        return Timeout(seconds, seconds)

    def provider(self, table: Mapping[str, Any], allow_remote: bool) -> ProviderSpec:
        self.keys(table, PROVIDER_KEYS, "provider")
        given = [key for key in PROVIDER_KEYS if key in table]
        if len(given) > 1:
            raise self.fail("provider", f"give one way to obtain resources, not {given}",
                            PROVIDER_KEYS)
        if "state_url" in table:
            return ProviderSpec(state_url=self.url(table["state_url"], "provider.state_url",
                                                   allow_remote))
        if "hook" in table:
            hook = self.text(table["hook"], "provider.hook")
            module, _, function = hook.partition(":")
            if not module or not function.isidentifier():
                raise self.fail("provider.hook", f"expected 'package.module:function', "
                                f"got {hook!r}")
            return ProviderSpec(hook=hook)
        if "static" in table:
            return ProviderSpec(static=self.static(self.table(table, "static",
                                                              "provider.static")))
        return ProviderSpec()

    def static(self, table: Mapping[str, Any]) -> dict[str, tuple[Mapping[str, Any], ...]]:
        from backup_conformance.targets.data import state_names

        self.keys(table, tuple(state_names()), "provider.static")
        result: dict[str, tuple[Mapping[str, Any], ...]] = {}
        for state, values in table.items():
            key = f'provider.static."{state}"'
            items = [values] if isinstance(values, Mapping) else values
            if not isinstance(items, list) or not all(isinstance(v, Mapping) for v in items):
                raise self.fail(key, "expected a table of values or an array of tables")
            result[state] = tuple(dict(v) for v in items)
        return result
