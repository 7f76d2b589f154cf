"""``--target-url URL [--state-url URL]`` as a profile (docs/design.md §4): one base URL for every
API, and signing switched on for a vendor exactly when its credentials are in the environment
(so the same command line works against an open mock and a verifying one)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from backup_conformance.secrets import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    HUAWEI_AK,
    HUAWEI_SK,
    HUAWEI_TOKEN,
)
from backup_conformance.targets.profile import SERVICES, Profile, profile_from_data


def _has(env: Mapping[str, str], *names: str) -> bool:
    return all(env.get(name) for name in names)


def default_auth(family: str, env: Mapping[str, str]) -> str:
    """ACS3 for Alibaba, AK/SK (else token) for Huawei, when the credentials are set."""
    if family == "alibaba-rpc":
        return "acs3" if _has(env, ALIBABA_AK, ALIBABA_SECRET) else "none"
    if _has(env, HUAWEI_AK, HUAWEI_SK):
        return "huawei-aksk"
    return "huawei-token" if _has(env, HUAWEI_TOKEN) else "none"


def profile_from_options(target_url: str, state_url: str | None = None,
                         env: Mapping[str, str] | None = None, *,
                         allow_remote: bool = False,
                         service_urls: Mapping[str, str] | None = None) -> Profile:
    """The profile the options describe; errors name ``--target-url`` as their source.
    ``service_urls`` gives some services a base URL of their own (the embedded mock serves
    services that share a route under a prefix each)."""
    env = os.environ if env is None else env
    urls = service_urls or {}
    services = {name: {"base_url": urls.get(name, target_url),
                       "auth": default_auth(family, env)}
                for name, family in SERVICES.items()}
    data: dict[str, Any] = {"services": services, "allow_remote": allow_remote}
    if state_url:
        data["provider"] = {"state_url": state_url}
    return profile_from_data("--target-url", data, env)
