"""Checks: plain functions judging one documented point each, registered by name.

Importing this package registers every check.
"""

from backup_conformance.checks import example_checks as _example_checks  # noqa: F401
from backup_conformance.checks import response_checks as _response_checks  # noqa: F401
from backup_conformance.checks import response_evidence as _response_evidence  # noqa: F401
from backup_conformance.checks import sequence_checks as _sequence_checks  # noqa: F401
from backup_conformance.checks.case import CASE_KINDS, Case, Observed
from backup_conformance.checks.failures import CheckFailure, CheckFailures, Violation
from backup_conformance.checks.judge import active_checks, failures, judge, judge_sequence
from backup_conformance.checks.registry import check, layers_for, registered

__all__ = [
    # judging
    "judge",
    "judge_sequence",
    "failures",
    "active_checks",
    # data
    "Case",
    "Observed",
    "CASE_KINDS",
    # failures
    "CheckFailure",
    "CheckFailures",
    "Violation",
    # registry
    "check",
    "registered",
    "layers_for",
]
