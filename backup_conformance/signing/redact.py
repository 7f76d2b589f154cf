"""Redaction for anything that might reach a report, a log or a repro command.

Values are replaced whole by ``***``: a signature or token prefix is still a credential, and an
access key id is what an attacker needs to start guessing at the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote_plus, urlsplit, urlunsplit

__all__ = ["MASK", "SECRET_HEADERS", "SECRET_QUERY_PARAMS", "redact_headers", "redact_url"]

MASK = "***"
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-auth-token",
        "x-subject-token",
        "x-security-token",
        "x-acs-security-token",
        "x-acs-accesskey-id",
        "x-acs-bearer-token",
        "cookie",
        "set-cookie",
    }
)
SECRET_QUERY_PARAMS = frozenset(
    {"signature", "accesskeyid", "securitytoken", "bearertoken", "x-auth-token", "token"}
)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` with credential-bearing values replaced by ``***``."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {key: MASK if key.lower() in SECRET_HEADERS else value for key, value in items}


_PAIR = re.compile(r"([^&=]*)(=?)([^&]*)")


def redact_url(url: str) -> str:
    """``url`` with secret query values masked; every other byte of the URL is kept as is."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:  # user:password@host
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    if not parts.query and netloc == parts.netloc:
        return url

    def mask(match: re.Match[str]) -> str:
        name, eq, value = match.groups()
        if unquote_plus(name).lower() in SECRET_QUERY_PARAMS and value:
            return f"{name}{eq}{MASK}"
        return match.group(0)

    query = "&".join(_PAIR.sub(mask, piece, count=1) for piece in parts.query.split("&"))
    return urlunsplit(parts._replace(query=query, netloc=netloc))
