"""Checks on one response, each judging a single documented point.

Every failure names what was received, what the documents say and the line that says it.
"""

from __future__ import annotations

import re
from typing import Any

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.expectations import (
    business_failure,
    documented_codes,
    error_code_of,
    error_envelope,
    rejection_statuses,
    success_statuses,
)
from backup_conformance.checks.failures import Violation
from backup_conformance.checks.registry import check
from backup_conformance.contracts import Contract, schema_validator

_REJECTED = ("negative", "business-error", "auth-rejected")


@check("success-status", title="A valid request gets the documented success status", layer="page")
def success_status(case: Case, observed: Observed) -> None:
    if case.kind != "positive":
        return
    allowed = success_statuses(case.contract)
    if observed.status not in allowed.values:
        raise Violation("Undocumented status for a valid request",
                        received=f"{observed.status} {observed.excerpt(120)}",
                        documented=sorted(allowed.values), source=allowed.source)


@check("rejects-invalid", title="An invalid request is rejected with a 4xx", layer="page",
       severity="critical")
def rejects_invalid(case: Case, observed: Observed) -> None:
    if case.kind not in _REJECTED:
        return
    if 400 <= observed.status < 500:
        return
    if case.kind == "business-error" and business_failure(case.contract, observed):
        return
    if (case.kind == "negative" and case.strictness == "docs"
            and business_failure(case.contract, observed)):
        return  # the page only says "Success false: the request fails"; 4xx is vendor-common
    what = {"negative": "An invalid request was not rejected with a 4xx",
            "business-error": "A request the resource's state forbids was not refused",
            "auth-rejected": "A request with bad credentials was not rejected with a 4xx"}
    documented = "a 4xx status" + (
        " or HTTP 200 with Success=false" if case.kind == "business-error"
        and case.contract.family == "alibaba-rpc" else "")
    raise Violation(what[case.kind], received=f"{observed.status} {observed.excerpt(120)}",
                    documented=documented, source=_requirement_source(case.contract))


def _requirement_source(contract: Contract) -> str:
    rows = contract.operation.get("x-status-codes", [])
    abnormal = [r["x-source"] for r in rows if r["kind"] == "abnormal"]
    if abnormal:
        return abnormal[0]
    return f"{contract.page}: the request parameter table (required flags, types, enums)"


@check("documented-status", title="An error status is one the documents list", layer="page")
def documented_status(case: Case, observed: Observed) -> None:
    if not 400 <= observed.status < 500:
        return
    allowed = rejection_statuses(case.contract, case.strictness)
    if allowed is not None and observed.status not in allowed.values:
        raise Violation("Undocumented error status", received=observed.status,
                        documented=sorted(allowed.values), source=allowed.source)


@check("response-schema", title="A success body matches the documented schema", layer="page")
def response_schema(case: Case, observed: Observed) -> None:
    if not 200 <= observed.status < 300:
        return
    schema = case.contract.response_schema(observed.status)
    if schema is None:
        return
    if observed.json_error:
        raise Violation("The documented JSON body does not parse",
                        received=f"{observed.json_error}: {observed.excerpt()}",
                        documented="a JSON object",
                        source=str(schema.get("x-source", case.contract.page)))
    errors = sorted(schema_validator(schema).iter_errors(observed.json),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = "/".join(str(p) for p in first.absolute_path) or "(root)"
        source = first.schema.get("x-source") if isinstance(first.schema, dict) else None
        raise Violation(f"Body does not match the schema at {path}", received=f"{first.instance!r}",
                        documented=first.message, source=str(source or case.contract.page))


@check("success-flag", title="A successful Alibaba call says Success=true", layer="page")
def success_flag(case: Case, observed: Observed) -> None:
    if case.kind != "positive" or case.contract.family != "alibaba-rpc":
        return
    if observed.json_error or not isinstance(observed.json, dict):
        return
    if "Success" in observed.json and observed.json["Success"] is not True:
        spec = case.contract.response_schema(200) or {}
        row = spec.get("properties", {}).get("Success", {})
        raise Violation("A valid call reported failure",
                        received=f"Success={observed.json['Success']!r}", documented="Success=true",
                        source=str(row.get("x-source", case.contract.page)))


@check("json-content-type", title="A body is served as application/json", layer="vendor-common",
       severity="medium")
def json_content_type(case: Case, observed: Observed) -> None:
    if not observed.body.strip():
        return
    if observed.media_type != "application/json":
        source = case.contract.vendor_common["content_type"]["source"]
        raise Violation("Body not served as JSON",
                        received=observed.header("content-type") or "(no Content-Type)",
                        documented="application/json", source=source)


@check("error-envelope", title="An error body is the vendor's error envelope",
       layer="vendor-common")
def error_envelope_check(case: Case, observed: Observed) -> None:
    if observed.status < 400:
        return
    schema, source = error_envelope(case.contract)
    if observed.json_error:
        raise Violation("Error body is not JSON",
                        received=f"{observed.json_error}: {observed.excerpt()}",
                        documented="a JSON error envelope", source=source)
    errors = list(schema_validator(schema).iter_errors(observed.json))
    if errors:
        raise Violation("Error body is not the vendor's envelope", received=observed.excerpt(),
                        documented=errors[0].message, source=source)


@check("request-id", title="Every response carries the vendor's request id",
       layer="vendor-common", severity="medium")
def request_id(case: Case, observed: Observed) -> None:
    common = case.contract.vendor_common
    if case.contract.family == "alibaba-rpc":
        body = None if observed.json_error else observed.json
        value = body.get("RequestId") if isinstance(body, dict) else None
        if not (isinstance(value, str) and value):
            source = common["success_envelope" if observed.status < 400 else "error_envelope"]
            raise Violation("No RequestId in the body", received=observed.excerpt(),
                            documented="a non-empty RequestId string", source=source["source"])
    elif not observed.header("x-request-id"):
        raise Violation("No X-Request-Id header", received=sorted(observed.headers),
                        documented="an X-Request-Id response header",
                        source=common["request_id"]["source"])


@check("documented-error-code", title="An error code is one documented for its status",
       layer="vendor-common")
def documented_error_code(case: Case, observed: Observed) -> None:
    """Not for auth rejections: their codes come from the signing documents (cases/auth.json),
    which the error tables do not repeat, and the auth checks judge them against those."""
    if observed.status < 400 or observed.json_error or case.kind == "auth-rejected":
        return
    allowed = documented_codes(case.contract, observed.status, case.strictness)
    code = error_code_of(case.contract, observed.json)
    if allowed is not None and code is not None and code not in allowed.values:
        raise Violation(f"Error code undocumented for {observed.status}", received=code,
                        documented=sorted(allowed.values)[:12], source=allowed.source)


@check("empty-body", title="A response documented as 'None' has an empty body", layer="strict",
       severity="low")
def empty_body(case: Case, observed: Observed) -> None:
    if case.contract.response_has_no_body(observed.status) and observed.body.strip():
        response = case.contract.responses[str(observed.status)]
        raise Violation("Body on a response documented as having none", received=observed.excerpt(),
                        documented="no body", source=response.get("x-source", ""))


#: A field the page ties to failure ("The error code.", "The error message."): legal to omit, or
#: to fill with anything, on success (DBS ErrCode/ErrMessage, 001:70-79).
_CONDITIONAL = re.compile(r"\berror (?:code|message)\b", re.IGNORECASE)
#: The page's own word for the value a field takes on success (HBR Message, 000:58 / 003:57).
_SUCCESS_VALUE = re.compile(
    r'If the (?:request|call) is successful, (?:a value of )?"?(\w+)"? is returned')


def _sample(schema_owner: dict[str, Any]) -> dict[str, Any]:
    examples = schema_owner.get("examples") or {}
    for example in examples.values():
        value = example.get("value") if isinstance(example, dict) else None
        if isinstance(value, dict):
            return value
    return {}


@check("success-fields", title="A success body carries the fields its page always returns",
       layer="page")
def success_fields(case: Case, observed: Observed) -> None:
    """Fields in the page's table and its success sample are unconditional, unless the page ties
    them to failure; a field the page fixes on success must hold that value."""
    if case.kind != "positive" or not 200 <= observed.status < 300 or observed.json_error:
        return
    response = case.contract.responses.get(str(observed.status)) or {}
    media = (response.get("content") or {}).get("application/json") or {}
    properties = (media.get("schema") or {}).get("properties") or {}
    sample = _sample(media)
    body = observed.json if isinstance(observed.json, dict) else {}
    for name in sorted(set(properties) - {"RequestId"}):  # RequestId: the request-id check's
        row = properties[name]
        description = str(row.get("description", ""))
        source = str(row.get("x-source", case.contract.page))
        if name in sample and not _CONDITIONAL.search(description) and name not in body:
            raise Violation(f"Success body lacks {name}", received=observed.excerpt(),
                            documented=f"{name} (in the page's table and success sample)",
                            source=source)
        fixed = _SUCCESS_VALUE.search(description)
        if fixed and name in body and body[name] != fixed.group(1):
            raise Violation(f"{name} on success is not the documented value",
                            received=f"{name}={body[name]!r}",
                            documented=f"{name}={fixed.group(1)!r}", source=source)
