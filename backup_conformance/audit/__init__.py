"""Offline audit of recorded traffic: HAR 1.2, vcrpy cassettes and the mock's recordings judged
against the contracts, entry by entry (operation, request, response, signature).

The audit imports ``contracts``, ``checks``, ``validation``, ``signing`` and ``reporting``; never
the mock or the runtime (ARCHITECTURE.md): a recording is judged by the documents only.
"""

from backup_conformance.audit.entries import InputError, Recorded
from backup_conformance.audit.judge import CLIENT, SERVER, Auditor, EntryVerdicts, Verdict
from backup_conformance.audit.readers import read
from backup_conformance.audit.reports import AuditTally, write
from backup_conformance.audit.signatures import SignatureJudge, SignatureVerdict

__all__ = [
    # reading
    "read",
    "Recorded",
    "InputError",
    # judging
    "Auditor",
    "EntryVerdicts",
    "Verdict",
    "SignatureJudge",
    "SignatureVerdict",
    "CLIENT",
    "SERVER",
    # reports
    "AuditTally",
    "write",
]
