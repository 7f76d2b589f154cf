"""The one home of secrets: the credential variables and the names that carry a secret
(``names``), a target's credentials read from the environment (``credentials``), and every
kind of redaction (``redact``). The bottom layer: it imports nothing else of the project, and
everything that reads or masks a credential imports it from here."""

from backup_conformance.secrets.credentials import Credentials, credentials_for
from backup_conformance.secrets.names import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    ALIBABA_STS,
    HUAWEI_AK,
    HUAWEI_PROJECT,
    HUAWEI_SK,
    HUAWEI_TOKEN,
    REQUIRED,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMS,
    SECRET_VARIABLES,
)
from backup_conformance.secrets.redact import (
    MASK,
    MIN_SECRET,
    RedactingFilter,
    install_log_redaction,
    redact_headers,
    redact_url,
    scrub,
    scrub_bytes,
    scrub_data,
    scrub_json,
    scrub_map,
    scrub_secrets,
    secret_values,
)

__all__ = [
    # names
    "ALIBABA_AK",
    "ALIBABA_SECRET",
    "ALIBABA_STS",
    "HUAWEI_AK",
    "HUAWEI_PROJECT",
    "HUAWEI_SK",
    "HUAWEI_TOKEN",
    "REQUIRED",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMS",
    "SECRET_VARIABLES",
    # credentials
    "Credentials",
    "credentials_for",
    # redaction
    "MASK",
    "MIN_SECRET",
    "RedactingFilter",
    "install_log_redaction",
    "redact_headers",
    "redact_url",
    "scrub",
    "scrub_bytes",
    "scrub_data",
    "scrub_json",
    "scrub_map",
    "scrub_secrets",
    "secret_values",
]
