"""Redaction for anything that might reach a report, a log or a repro command.

Three nets, each for what the one before cannot see:
- by name: credential headers and query values (``names.py``) are masked whole by ``***``
  (a signature or token prefix is still a credential; an access key id is what an attacker
  needs to start guessing at the account);
- by value: every secret a run holds is scrubbed wherever it appears (a target echoing a
  signed header back in its error body);
- from the environment: the last line of defence before a report is written masks every
  credential value of the vendors' variables, whatever route the text took;
and a logging filter for HTTP libraries that log request lines themselves.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from backup_conformance.secrets.names import SECRET_HEADERS, SECRET_QUERY_PARAMS, SECRET_VARIABLES

MASK = "***"
MIN_SECRET = 4  # shorter environment values would mask ordinary words; no credential is this short


# --- by name -----------------------------------------------------------------------------


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


# --- by value ----------------------------------------------------------------------------


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (longest first)."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text


def scrub_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """``scrub`` for a body."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            data = data.replace(secret.encode("utf-8"), MASK.encode())
    return data


def scrub_map(headers: Mapping[str, str], secrets: Iterable[str]) -> dict[str, str]:
    """``scrub`` over every value of ``headers``."""
    return {key: scrub(str(value), secrets) for key, value in headers.items()}


def scrub_json(value: Any, secrets: tuple[str, ...]) -> Any:
    """``scrub`` over a parsed JSON answer (a secret with JSON syntax in it masks it all)."""
    if not secrets or value is None:
        return value
    try:
        return json.loads(scrub(json.dumps(value, ensure_ascii=False), secrets))
    except ValueError:
        return MASK


# --- from the environment ----------------------------------------------------------------


def secret_values(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The values of the vendors' credential variables in ``env`` (default: the process's)."""
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


# --- logs --------------------------------------------------------------------------------

_SECRET_QUERY = re.compile(
    r"(?i)\b(Signature|AccessKeyId|SecurityToken|BearerToken|X-Auth-Token|token)=[^&\s\"']+")


class RedactingFilter(logging.Filter):
    """Masks credential query values in log records of HTTP libraries (urllib3 logs every
    request line at DEBUG, which for RPC v1 carries ``AccessKeyId`` and ``Signature``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_QUERY.sub(lambda m: f"{m.group(1)}={MASK}", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the filter to urllib3's request logger (idempotent)."""
    logger = logging.getLogger("urllib3.connectionpool")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
