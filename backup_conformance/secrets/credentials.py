"""A target's credentials from the environment, by the vendors' own variable names
(``names.py``; docs/design.md §4).

They are held in a frozen object whose ``repr`` shows no value, and ``secrets()`` lists every
value so redaction can scrub them from anything that might be printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from backup_conformance.secrets import names


@dataclass(frozen=True)
class Credentials:
    """Key id + secret (or a token); never printed."""

    access_key_id: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    project_id: str | None = None

    def __repr__(self) -> str:
        held = [name for name in ("access_key_id", "secret", "security_token", "token")
                if getattr(self, name)]
        return f"Credentials(held={held}, project_id={self.project_id!r})"

    def secrets(self) -> tuple[str, ...]:
        """Every credential value (for scrubbing output); the project id is not secret."""
        values = (self.access_key_id, self.secret, self.security_token, self.token)
        return tuple(v for v in values if v)


def credentials_for(scheme: str, env: Mapping[str, str], *,
                    project_id: str | None = None) -> Credentials:
    """The credentials of ``scheme``'s vendor found in ``env``; ``KeyError(variable)`` when one
    that ``scheme`` itself needs is missing. The vendor's other credentials are kept too, so a
    per-call override can switch e.g. from AK/SK signing to a token."""
    for name in names.REQUIRED[scheme]:
        if not env.get(name):
            raise KeyError(name)
    project = project_id or env.get(names.HUAWEI_PROJECT) or None
    if scheme in ("acs3", "acs-rpc-v1"):
        return Credentials(env[names.ALIBABA_AK], env[names.ALIBABA_SECRET],
                           env.get(names.ALIBABA_STS) or None)
    if scheme in ("huawei-aksk", "huawei-token"):
        return Credentials(env.get(names.HUAWEI_AK) or None, env.get(names.HUAWEI_SK) or None,
                           token=env.get(names.HUAWEI_TOKEN) or None, project_id=project)
    return Credentials(project_id=project)
