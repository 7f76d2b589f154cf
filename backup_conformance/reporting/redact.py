"""Report scrubbing moved to ``backup_conformance.secrets`` (its one home); these names stay
importable from here for code written before the move."""

from backup_conformance.secrets import (
    MIN_SECRET,
    SECRET_VARIABLES,
    scrub_data,
    scrub_secrets,
    secret_values,
)

__all__ = ["MIN_SECRET", "SECRET_VARIABLES", "scrub_data", "scrub_secrets", "secret_values"]
