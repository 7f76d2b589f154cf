"""Auth variants the auth suite sends, and the vendor codes that document each rejection.

The codes and statuses come from ``backup_conformance.signing.errors`` (the one place that
records the vendors' auth failures and where each was found), through the factory names in
``auth.json``: no code is written a second time here. A variant is built from the service's
profile (its scheme and credentials) as an ``AuthOverride``, so no test holds a secret.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.secrets import REQUIRED
from backup_conformance.signing import DEFAULT_MAX_SKEW, AlibabaErrors, HuaweiErrors, Verdict
from backup_conformance.targets import AuthOverride, ServiceTarget
from backup_conformance.targets.auth import AuthSpec

_FILE = Path(__file__).with_name("auth.json")
_FACTORIES: Mapping[str, Any] = {"AlibabaErrors": AlibabaErrors, "HuaweiErrors": HuaweiErrors}
_VARIABLES = {"alibaba-rpc": "/".join(REQUIRED["acs3"]),
              "huawei-rest": "/".join(REQUIRED["huawei-aksk"]) + " (or "
                             + "/".join(REQUIRED["huawei-token"]) + ")"}


#: The ``accepted`` key meaning "any vendor code, with one of these statuses".
ANY_CODE = "*"


class NotApplicable(Exception):
    """The variant cannot be expressed with the service's auth scheme (the reason says why)."""


@cache
def _data() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class AuthVariant:
    name: str  # unsigned | wrong-secret | unknown-key | stale | valid
    check: str  # the sequence check that judges it

    def accepted(self, family: str, strictness: str = "strict") -> dict[str, frozenset[int]]:
        """Vendor code -> HTTP statuses that document this failure for ``family``.

        Where sources disagree on a status (a row's ``contested``), ``strict`` keeps only the
        best-evidenced one (the factory's) and the other levels accept every documented one.
        A variant whose codes come only from truncated tables (``codes_judged_at``) is judged
        below that level by status alone: the key ``ANY_CODE`` maps to the statuses allowed.
        """
        found: dict[str, set[int]] = {}
        for row in self.rejections(family):
            owner, _, name = row["factory"].partition(".")
            verdict: Verdict = getattr(_FACTORIES[owner], name)(*row["args"])
            assert verdict.code is not None, row["factory"]
            statuses = found.setdefault(verdict.code, set())
            statuses.add(verdict.status)
            if strictness != "strict":
                statuses.update(int(c["status"]) for c in row.get("contested", []))
        judged_at = _data()["variants"][self.name].get("codes_judged_at")
        if judged_at and strictness != judged_at and found:
            found = {ANY_CODE: set().union(*found.values())}
        return {code: frozenset(statuses) for code, statuses in found.items()}

    def rejections(self, family: str) -> list[Mapping[str, Any]]:
        """The ``auth.json`` rows (factory, args, contested) documenting this failure."""
        return list(_data()["variants"][self.name]["rejections"].get(family, []))

    def source(self, family: str) -> str:
        return str(_data()["sources"][family])

    def auth_for(self, service: ServiceTarget) -> AuthSpec:
        """What to send instead of the profile's auth; ``NotApplicable`` when the scheme
        cannot express the variant."""
        if self.name == "valid":
            return None
        if self.name == "unsigned":
            return "none"
        if self.name == "wrong-secret":
            wrong = f"bc-wrong-{uuid.uuid4().hex}"
            if service.auth == "huawei-token":
                return AuthOverride(token=wrong)
            return AuthOverride(secret=wrong)
        if self.name == "unknown-key":
            if service.auth == "huawei-token":
                raise NotApplicable(
                    f"{service.name} uses huawei-token auth, whose requests carry no access key "
                    f"id; an unknown key needs AK/SK signing (set "
                    f"{'/'.join(REQUIRED['huawei-aksk'])})")
            return AuthOverride(access_key_id=f"BCUNKNOWN{uuid.uuid4().hex[:12].upper()}")
        if service.auth == "huawei-token":
            raise NotApplicable(
                f"{service.name} uses huawei-token auth, whose requests carry no signing time; "
                f"a stale request needs AK/SK signing (set {'/'.join(REQUIRED['huawei-aksk'])})")
        return AuthOverride(clock_skew=-stale_skew())


def variant(name: str) -> AuthVariant:
    raw = _data()["variants"][name]
    return AuthVariant(name, raw["check"])


def variants() -> list[AuthVariant]:
    return [variant(name) for name in _data()["variants"]]


def stale_skew() -> timedelta:
    """How far back a stale request is signed: beyond the vendors' 15-minute window
    (``signing.DEFAULT_MAX_SKEW``) by the data's factor, so clock drift cannot rescue it."""
    return DEFAULT_MAX_SKEW * int(_data()["stale_factor"])


def credentials_gap(service: ServiceTarget) -> str | None:
    """Why the service cannot be called with real credentials, or None when it can."""
    creds = service.credentials
    has = bool(creds.token) if service.auth == "huawei-token" else bool(
        creds.access_key_id and creds.secret)
    if service.auth != "none" and has:
        return None
    return (f"no credentials for {service.name}: set {_VARIABLES[service.family]} "
            f"(auth is {service.auth!r})")
