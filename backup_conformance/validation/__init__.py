"""Contract-driven request validation, pure: the reference mock validates what it receives and
the offline audit judges what a recording holds with the same rules (ARCHITECTURE.md).
"""

from backup_conformance.validation.inbound import FORM, Inbound, Problem, decode_pairs
from backup_conformance.validation.rules import KEEP, Checked, RequestValidator, Violation

__all__ = ["FORM", "KEEP", "Checked", "Inbound", "Problem", "RequestValidator", "Violation",
           "decode_pairs"]
