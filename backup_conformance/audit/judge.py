"""Judge one recorded exchange: which operation, the client's request, the server's answer, the
signature. Each part is a verdict the reports place in its own matrix column.

The request is judged by the shared contract validation (``backup_conformance.validation``,
the rules the reference mock applies), the answer by the registered response checks
(``backup_conformance.checks``) with the case kind the request implies: an invalid request
must be rejected; a valid one answered as documented (success, or a documented refusal).
Every finding names the entry, the side at fault, received vs documented and the page line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from backup_conformance.audit.entries import Recorded
from backup_conformance.audit.operations import Operations
from backup_conformance.audit.signatures import SignatureJudge
from backup_conformance.checks import Case, CheckFailure, Observed, failures
from backup_conformance.contracts import Catalogue, Contract
from backup_conformance.validation import RequestValidator, Violation

CLIENT, SERVER = "client", "server"
OPERATION, REQUEST, RESPONSE, SIGNATURE = ("audit-operation", "audit-request",
                                           "audit-response", "audit-signature")
#: Judged when the recording keeps no bodies (the mock's JSON lines): status only.
STATUS_ONLY = ("success-status", "rejects-invalid", "documented-status")


@dataclass
class Verdict:
    """One column's verdict on one entry: ``passed``, ``failed`` or ``not-run``."""

    column: str
    side: str
    outcome: str = "passed"
    reason: str = ""
    failures: list[dict[str, str]] = field(default_factory=list)


@dataclass
class EntryVerdicts:
    recorded: Recorded
    api_id: str | None
    verdicts: list[Verdict]

    @property
    def findings(self) -> list[dict[str, str]]:
        return [f for v in self.verdicts for f in v.failures]


class Auditor:
    """Judges entries against one catalogue at one strictness."""

    def __init__(self, catalogue: Catalogue, strictness: str,
                 signatures: SignatureJudge | None = None) -> None:
        self.catalogue = catalogue
        self.strictness = strictness
        self.operations = Operations(catalogue)
        self.signatures = signatures or SignatureJudge()
        self._validators = {api: RequestValidator(c) for api, c in catalogue.items()}

    def judge(self, recorded: Recorded) -> EntryVerdicts:
        inbound = recorded.inbound()
        resolved = self.operations.resolve(inbound)
        contract = resolved.contract
        if contract is None:
            failure = _finding(recorded, CLIENT, OPERATION, "undocumented-operation",
                               "The request names no documented operation", resolved.received,
                               resolved.documented, resolved.source, "page", "")
            return EntryVerdicts(recorded, None, [Verdict(OPERATION, CLIENT, "failed",
                                                          failures=[failure])])
        checked = self._validators[contract.api_id].check(inbound, resolved.path_params)
        judged = [v for v in checked.violations
                  if not v.tolerated or self.strictness == "strict"]
        verdicts = [Verdict(OPERATION, CLIENT),
                    self._request(recorded, contract, judged),
                    self._response(recorded, contract, bool(checked.rejecting)),
                    self._signature(recorded, contract)]
        return EntryVerdicts(recorded, contract.api_id, verdicts)

    def _request(self, recorded: Recorded, contract: Contract,
                 violations: Iterable[Violation]) -> Verdict:
        found = [_finding(recorded, CLIENT, REQUEST, v.rule,
                          f"Invalid request: {v.rule}" + (f" ({v.parameter})" if v.parameter
                                                          else ""),
                          v.message, _documented(v), v.source,
                          "strict" if v.tolerated else "page", contract.api_id)
                 for v in violations]
        return Verdict(REQUEST, CLIENT, "failed" if found else "passed", failures=found)

    def _response(self, recorded: Recorded, contract: Contract, invalid: bool) -> Verdict:
        observed = Observed(recorded.status, dict(recorded.response_headers),
                            recorded.response_body or b"")
        case = Case(contract, _kind(contract, observed, invalid), self.strictness,
                    f"{recorded.where}")
        only = STATUS_ONLY if recorded.response_body is None else None
        broken = failures(case, observed, only)
        found = [_from_check(recorded, f, contract.api_id) for f in broken]
        reason = "" if recorded.response_body is not None else "status only (no bodies recorded)"
        return Verdict(RESPONSE, SERVER, "failed" if found else "passed", reason, found)

    def _signature(self, recorded: Recorded, contract: Contract) -> Verdict:
        verdict = self.signatures.judge(recorded, contract)
        if verdict.outcome != "failed":
            return Verdict(SIGNATURE, CLIENT, verdict.outcome, verdict.reason)
        failure = _finding(recorded, CLIENT, SIGNATURE, "signature",
                           f"The request's signature does not verify ({verdict.code})",
                           verdict.reason, "a valid signature for the configured credentials, "
                           "dated within 15 minutes of the recorded time", verdict.source,
                           "vendor-common", contract.api_id)
        return Verdict(SIGNATURE, CLIENT, "failed", failures=[failure])


def _kind(contract: Contract, observed: Observed, invalid: bool) -> str:
    """An invalid request must be refused (negative); a valid one refused with a 4xx or an
    Alibaba ``Success: false`` is judged as a refusal; any other answer as a success."""
    if invalid:
        return "negative"
    if 400 <= observed.status < 500:
        return "business-error"
    if (contract.family == "alibaba-rpc" and observed.status == 200 and not observed.json_error
            and isinstance(observed.json, dict) and observed.json.get("Success") is False):
        return "business-error"
    return "positive"


def _documented(violation: Violation) -> str:
    if violation.tolerated:
        return "only documented parameters (strict)"
    return f"the parameter rules of the page ({violation.rule})"


def _finding(recorded: Recorded, side: str, column: str, check: str, title: str,
             received: str, documented: str, source: str, layer: str, api_id: str
             ) -> dict[str, str]:
    return {"check": check, "title": f"[{side}] {title}", "received": received,
            "documented": documented, "source": source, "layer": layer,
            "severity": "high", "api_id": api_id, "repro": recorded.summary}


def _from_check(recorded: Recorded, failure: CheckFailure, api_id: str) -> dict[str, str]:
    data = failure.as_dict()
    data.update(title=f"[{SERVER}] {failure.title}", api_id=api_id, repro=recorded.summary)
    return {k: str(v) for k, v in data.items()}
