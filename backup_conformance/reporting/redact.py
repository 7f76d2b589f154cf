"""The last line of defence before a report is written: every credential value found in the
vendors' environment variables is masked, wherever it appears in report text.

Exchanges are already redacted at the source (``targets.exchange``); this catches what arrives
by another route, such as an exception message quoting a header or a target echoing a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from backup_conformance.signing import MASK
from backup_conformance.targets.credentials import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    ALIBABA_STS,
    HUAWEI_AK,
    HUAWEI_SK,
    HUAWEI_TOKEN,
)

SECRET_VARIABLES = (ALIBABA_AK, ALIBABA_SECRET, ALIBABA_STS, HUAWEI_AK, HUAWEI_SK, HUAWEI_TOKEN)
MIN_SECRET = 4  # shorter values would mask ordinary words; no real credential is this short


def secret_values(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    source = os.environ if env is None else env
    values = {source.get(name, "") for name in SECRET_VARIABLES}
    return tuple(sorted((v for v in values if len(v) >= MIN_SECRET), key=len, reverse=True))


def scrub_secrets(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with every credential value from the environment replaced by ``***``."""
    for value in secret_values(env):
        text = text.replace(value, MASK)
    return text


def scrub_data(value: Any, env: Mapping[str, str] | None = None) -> Any:
    """``scrub_secrets`` over every string of a JSON-like value."""
    if isinstance(value, str):
        return scrub_secrets(value, env)
    if isinstance(value, Mapping):
        return {k: scrub_data(v, env) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_data(v, env) for v in value]
    return value
