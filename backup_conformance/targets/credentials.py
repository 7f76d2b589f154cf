"""Credentials moved to ``backup_conformance.secrets`` (their one home); these names stay
importable from here for code written before the move."""

from backup_conformance.secrets import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    ALIBABA_STS,
    HUAWEI_AK,
    HUAWEI_PROJECT,
    HUAWEI_SK,
    HUAWEI_TOKEN,
    REQUIRED,
    Credentials,
    credentials_for,
)

__all__ = ["ALIBABA_AK", "ALIBABA_SECRET", "ALIBABA_STS", "HUAWEI_AK", "HUAWEI_PROJECT",
           "HUAWEI_SK", "HUAWEI_TOKEN", "REQUIRED", "Credentials", "credentials_for"]
