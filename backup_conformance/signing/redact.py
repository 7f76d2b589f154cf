"""Redaction moved to ``backup_conformance.secrets`` (its one home); these names stay importable
from here for code written before the move."""

from backup_conformance.secrets.names import SECRET_HEADERS, SECRET_QUERY_PARAMS
from backup_conformance.secrets.redact import MASK, redact_headers, redact_url

__all__ = ["MASK", "SECRET_HEADERS", "SECRET_QUERY_PARAMS", "redact_headers", "redact_url"]
