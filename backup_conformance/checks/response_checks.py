"""Checks on one response, each judging a single documented point.

Every failure names what was received, what the documents say and the line that says it.
"""

from __future__ import annotations

import re
from typing import Any

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.expectations import (
    documented_codes,
    error_code_of,
    error_envelope,
    rejection_statuses,
    success_statuses,
)
from backup_conformance.checks.failures import CheckFailure
from backup_conformance.checks.registry import check
from backup_conformance.contracts import schema_validator

_REJECTED = ("negative", "business-error", "auth-rejected")


def _fail(name: str, title: str, case: Case, received: object, documented: object, source: str,
          layer: str, severity: str = "high") -> CheckFailure:
    return CheckFailure(name, title, received=received, documented=documented, source=source,
                        layer=layer, severity=severity, api_id=case.contract.api_id)


def _alibaba_business_failure(case: Case, observed: Observed) -> bool:
    """HTTP 200 with ``"Success": false``: how an Alibaba page says a call failed (Success row)."""
    if case.contract.family != "alibaba-rpc" or observed.status != 200 or observed.json_error:
        return False
    body = observed.json
    return isinstance(body, dict) and body.get("Success") is False


@check("success-status", title="A valid request gets the documented success status", layer="page")
def success_status(case: Case, observed: Observed) -> None:
    if case.kind != "positive":
        return
    allowed = success_statuses(case.contract, case.strictness)
    if observed.status not in allowed.values:
        raise _fail("success-status", "Undocumented status for a valid request", case,
                    f"{observed.status} {observed.excerpt(120)}", sorted(allowed.values),
                    allowed.source, "page")


@check("rejects-invalid", title="An invalid request is rejected with a 4xx", layer="page",
       severity="critical")
def rejects_invalid(case: Case, observed: Observed) -> None:
    if case.kind not in _REJECTED:
        return
    if 400 <= observed.status < 500:
        return
    if case.kind == "business-error" and _alibaba_business_failure(case, observed):
        return
    if (case.kind == "negative" and case.strictness == "docs"
            and _alibaba_business_failure(case, observed)):
        return  # the page only says "Success false: the request fails"; 4xx is vendor-common
    what = {"negative": "An invalid request was not rejected with a 4xx",
            "business-error": "A request the resource's state forbids was not refused",
            "auth-rejected": "A request with bad credentials was not rejected with a 4xx"}
    documented = "a 4xx status" + (
        " or HTTP 200 with Success=false" if case.kind == "business-error"
        and case.contract.family == "alibaba-rpc" else "")
    raise _fail("rejects-invalid", what[case.kind], case,
                f"{observed.status} {observed.excerpt(120)}", documented,
                _requirement_source(case), "page", "critical")


def _requirement_source(case: Case) -> str:
    rows = case.contract.operation.get("x-status-codes", [])
    abnormal = [r["x-source"] for r in rows if r["kind"] == "abnormal"]
    if abnormal:
        return abnormal[0]
    return f"{case.contract.page}: the request parameter table (required flags, types, enums)"


@check("documented-status", title="An error status is one the documents list", layer="page")
def documented_status(case: Case, observed: Observed) -> None:
    if not 400 <= observed.status < 500:
        return
    allowed = rejection_statuses(case.contract, case.strictness)
    if allowed is not None and observed.status not in allowed.values:
        raise _fail("documented-status", "Undocumented error status", case, observed.status,
                    sorted(allowed.values), allowed.source, "page")


@check("response-schema", title="A success body matches the documented schema", layer="page")
def response_schema(case: Case, observed: Observed) -> None:
    if not 200 <= observed.status < 300:
        return
    schema = case.contract.response_schema(observed.status)
    if schema is None:
        return
    if observed.json_error:
        raise _fail("response-schema", "The documented JSON body does not parse", case,
                    f"{observed.json_error}: {observed.excerpt()}", "a JSON object",
                    str(schema.get("x-source", case.contract.page)), "page")
    errors = sorted(schema_validator(schema).iter_errors(observed.json),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = "/".join(str(p) for p in first.absolute_path) or "(root)"
        source = first.schema.get("x-source") if isinstance(first.schema, dict) else None
        raise _fail("response-schema", f"Body does not match the schema at {path}", case,
                    f"{first.instance!r}", first.message, str(source or case.contract.page),
                    "page")


@check("success-flag", title="A successful Alibaba call says Success=true", layer="page")
def success_flag(case: Case, observed: Observed) -> None:
    if case.kind != "positive" or case.contract.family != "alibaba-rpc":
        return
    if observed.json_error or not isinstance(observed.json, dict):
        return
    if "Success" in observed.json and observed.json["Success"] is not True:
        spec = case.contract.response_schema(200) or {}
        row = spec.get("properties", {}).get("Success", {})
        raise _fail("success-flag", "A valid call reported failure", case,
                    f"Success={observed.json['Success']!r}", "Success=true",
                    str(row.get("x-source", case.contract.page)), "page")


@check("json-content-type", title="A body is served as application/json", layer="vendor-common",
       severity="medium")
def json_content_type(case: Case, observed: Observed) -> None:
    if not observed.body.strip():
        return
    if observed.media_type != "application/json":
        source = case.contract.vendor_common["content_type"]["source"]
        raise _fail("json-content-type", "Body not served as JSON", case,
                    observed.header("content-type") or "(no Content-Type)", "application/json",
                    source, "vendor-common", "medium")


@check("error-envelope", title="An error body is the vendor's error envelope",
       layer="vendor-common")
def error_envelope_check(case: Case, observed: Observed) -> None:
    if observed.status < 400:
        return
    schema, source = error_envelope(case.contract)
    if observed.json_error:
        raise _fail("error-envelope", "Error body is not JSON", case,
                    f"{observed.json_error}: {observed.excerpt()}", "a JSON error envelope",
                    source, "vendor-common")
    errors = list(schema_validator(schema).iter_errors(observed.json))
    if errors:
        raise _fail("error-envelope", "Error body is not the vendor's envelope", case,
                    observed.excerpt(), errors[0].message, source, "vendor-common")


@check("request-id", title="Every response carries the vendor's request id",
       layer="vendor-common", severity="medium")
def request_id(case: Case, observed: Observed) -> None:
    common = case.contract.vendor_common
    if case.contract.family == "alibaba-rpc":
        body = None if observed.json_error else observed.json
        value = body.get("RequestId") if isinstance(body, dict) else None
        if not (isinstance(value, str) and value):
            source = common["success_envelope" if observed.status < 400 else "error_envelope"]
            raise _fail("request-id", "No RequestId in the body", case, observed.excerpt(),
                        "a non-empty RequestId string", source["source"], "vendor-common",
                        "medium")
    elif not observed.header("x-request-id"):
        raise _fail("request-id", "No X-Request-Id header", case,
                    sorted(observed.headers), "an X-Request-Id response header",
                    common["request_id"]["source"], "vendor-common", "medium")


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
        raise _fail("documented-error-code", f"Error code undocumented for {observed.status}",
                    case, code, sorted(allowed.values)[:12], allowed.source, "vendor-common")


@check("empty-body", title="A response documented as 'None' has an empty body", layer="strict",
       severity="low")
def empty_body(case: Case, observed: Observed) -> None:
    if case.contract.response_has_no_body(observed.status) and observed.body.strip():
        response = case.contract.responses[str(observed.status)]
        raise _fail("empty-body", "Body on a response documented as having none", case,
                    observed.excerpt(), "no body", response.get("x-source", ""), "strict", "low")


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
            raise _fail("success-fields", f"Success body lacks {name}", case,
                        observed.excerpt(), f"{name} (in the page's table and success sample)",
                        source, "page")
        fixed = _SUCCESS_VALUE.search(description)
        if fixed and name in body and body[name] != fixed.group(1):
            raise _fail("success-fields", f"{name} on success is not the documented value",
                        case, f"{name}={body[name]!r}", f"{name}={fixed.group(1)!r}", source,
                        "page")
