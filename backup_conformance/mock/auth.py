"""Who may call the mock: an ``Authenticator`` judges each request before validation.

Three levels (docs/design.md §5): with credentials, verify signatures and tokens (ACS3, RPC v1,
Huawei AK/SK, Huawei token) exactly as ``backup_conformance.signing`` implements them; with no
credentials, only check that auth is present and well formed; ``--no-auth`` accepts anything.
Rejections carry the vendors' own codes (``signing.errors``). Secrets never leave this module.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from backup_conformance import signing
from backup_conformance.secrets import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    HUAWEI_AK,
    HUAWEI_PROJECT,
    HUAWEI_SK,
    HUAWEI_TOKEN,
)
from backup_conformance.signing import SignableRequest, Verdict

ALIBABA_ENV = (ALIBABA_AK, ALIBABA_SECRET)
HUAWEI_ENV = (HUAWEI_AK, HUAWEI_SK)
HUAWEI_PROJECT_ENV = HUAWEI_PROJECT
TOKEN_ENV = HUAWEI_TOKEN
_FAR_FUTURE = timedelta(days=3650)


class Authenticator(Protocol):
    """Judge one request of ``family`` (``alibaba-rpc`` / ``huawei-rest``)."""

    def check(self, request: SignableRequest, family: str) -> Verdict: ...

    @property
    def description(self) -> str: ...


class CredentialsError(ValueError):
    """A credentials file that cannot be read; the command turns it into one line, exit 2."""


@dataclass(frozen=True)
class Credentials:
    """Access keys by id and accepted tokens. ``repr`` never shows a secret."""

    alibaba: Mapping[str, str] = field(default_factory=dict, repr=False)
    huawei: Mapping[str, str] = field(default_factory=dict, repr=False)
    tokens: frozenset[str] = field(default_factory=frozenset, repr=False)
    huawei_project_id: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.alibaba or self.huawei or self.tokens)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Credentials:
        """Read the vendors' own variable names (docs/design.md §4) from env or a file."""
        def text(name: str) -> str | None:
            value = values.get(name)
            return value if isinstance(value, str) and value else None

        alibaba, huawei = {}, {}
        ak, secret = (text(n) for n in ALIBABA_ENV)
        if ak and secret:
            alibaba[ak] = secret
        hak, hsk = (text(n) for n in HUAWEI_ENV)
        if hak and hsk:
            huawei[hak] = hsk
        token = text(TOKEN_ENV)
        return cls(alibaba, huawei, frozenset([token] if token else []), text(HUAWEI_PROJECT_ENV))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        return cls.from_mapping(dict(os.environ if environ is None else environ))

    @classmethod
    def from_file(cls, path: Path) -> Credentials:
        """JSON or TOML with the same keys as the environment variables."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CredentialsError(f"{path}: cannot read credentials ({exc.strerror})") from None
        try:
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise CredentialsError(f"{path}: not valid {path.suffix or 'JSON'} ({exc})") from None
        if not isinstance(data, Mapping):
            raise CredentialsError(f"{path}: expected an object of {ALIBABA_ENV[0]}, ... keys")
        found = cls.from_mapping(data)
        if found.empty:
            raise CredentialsError(f"{path}: no usable credentials (expected keys such as "
                                   f"{ALIBABA_ENV[0]} and {ALIBABA_ENV[1]})")
        return found


class AcceptAll:
    """``--no-auth``: every request is let through."""

    description = "no auth (every request accepted)"

    def check(self, request: SignableRequest, family: str) -> Verdict:
        return signing.OK


class WellFormed:
    """No credentials configured: auth must be present and well formed, nothing more."""

    description = "auth checked for presence and shape only (no credentials configured)"

    def check(self, request: SignableRequest, family: str) -> Verdict:
        scheme = signing.detect_scheme(request)
        if family == "alibaba-rpc":
            if scheme == "acs-rpc-v1":
                return signing.check_well_formed_rpc_v1(request)
            return signing.check_well_formed_acs3(request)
        if scheme == "huawei-aksk":
            return signing.check_well_formed_huawei_aksk(request)
        return signing.check_well_formed_huawei_token(request)


class Verifying:
    """Credentials configured: signatures and tokens are verified; a vendor without
    credentials falls back to the well-formed check."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._nonces = signing.NonceCache()
        self._shape = WellFormed()

    @property
    def description(self) -> str:
        parts = []
        if self._credentials.alibaba:
            parts.append("Alibaba ACS3 / RPC v1 signatures verified")
        if self._credentials.huawei:
            parts.append("Huawei AK/SK signatures verified")
        if self._credentials.tokens:
            parts.append("Huawei tokens verified")
        return "; ".join(parts) or WellFormed.description

    def check(self, request: SignableRequest, family: str) -> Verdict:
        now = datetime.now(UTC)
        scheme = signing.detect_scheme(request)
        creds = self._credentials
        if family == "alibaba-rpc":
            if not creds.alibaba:
                return self._shape.check(request, family)
            if scheme == "acs-rpc-v1":
                return signing.verify_rpc_v1(request, creds.alibaba.get, now=now,
                                             nonces=self._nonces)
            return signing.verify_acs3(request, creds.alibaba.get, now=now, nonces=self._nonces)
        if scheme == "huawei-aksk" and creds.huawei:
            return signing.verify_huawei_aksk(request, creds.huawei.get, now=now)
        if scheme == "huawei-token" and creds.tokens:
            def expiry(token: str) -> datetime | None:
                return now + _FAR_FUTURE if token in creds.tokens else None
            return signing.verify_huawei_token(request, expiry, now=now)
        return self._shape.check(request, family)


def authenticator_for(credentials: Credentials | None, *, no_auth: bool = False
                      ) -> Authenticator:
    """The authenticator the command line asks for (docs/design.md §5)."""
    if no_auth:
        return AcceptAll()
    if credentials is None or credentials.empty:
        return WellFormed()
    return Verifying(credentials)
