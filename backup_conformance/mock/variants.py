"""Mock variants: the reference behaviour and a deliberately different but *conforming* one.

``Behaviour`` is the set of hook points ``MockApp`` consults (request ids, the auth verdict,
validation, handler switches, and one post-processor of every API reply); the reference
behaviour leaves everything as it is. ``Relaxed`` differs from the reference only where no
document pins the detail down, so the suites must pass it at ``docs`` and ``vendor``: a suite
that fails it demands something undocumented (a false positive). Mutants (``mutations.py``)
use the same hooks to break exactly one documented point each.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Response

from backup_conformance.mock.codes import VendorError
from backup_conformance.mock.envelopes import ALIBABA, JSON, new_request_id
from backup_conformance.signing import SignableRequest, Verdict

#: Reply kinds the post-processor sees (why the mock answers what it answers).
SUCCESS, REJECTED, BUSINESS, AUTH, ROUTING, FAULT = (
    "success", "rejected", "business", "auth", "routing", "fault")


@dataclass(frozen=True)
class Reply:
    """The post-processor's view of one API reply: which API, why, and the error if any."""

    api_id: str | None
    family: str
    service: str
    kind: str
    request_id: str
    situation: str | None = None  # error_choices.json situation (rejected / business)
    rule: str | None = None  # the validation rule that rejected the request
    parameter: str | None = None
    error: VendorError | None = None


class Behaviour:
    """The reference mock's behaviour: every hook returns its input unchanged."""

    name = "reference"

    def request_id(self, family: str) -> str:
        return new_request_id(family)

    def auth(self, api_id: str, request: SignableRequest, verdict: Verdict) -> Verdict:
        return verdict

    def tolerated(self, api_id: str) -> Mapping[tuple[str, str], Any]:
        """(rule, parameter) violations validation lets through, with the value to use."""
        return {}

    def switches(self, api_id: str) -> frozenset[str]:
        """Named behaviour switches the handlers in ``operations.py`` consult."""
        return frozenset()

    def finish(self, reply: Reply, response: Response) -> Response:
        return response


# --- the relaxed variant -------------------------------------------------------------------

#: Error codes where no complete table documents them (HBR and DBS tables are cut short, so
#: 'vendor' accepts any code there): the relaxed variant names situations its own way.
_RELAXED_CODES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("hbr", "not-found"): ("InvalidResource.NotFound", "The resource does not exist."),
    ("hbr", "job-not-cancellable"): ("Job.StatusInvalid", "The job has already finished."),
    ("hbr", "invalid-parameter"): ("InvalidParameter.Value", "A parameter value is invalid."),
    ("hbr", "missing-parameter"): ("MissingParameter.Required", "A required parameter is "
                                                                "missing."),
    ("dbs", "plan-not-found"): ("BackupPlan.NotExists", "The backup plan does not exist."),
    ("dbs", "invalid-parameter"): ("Param.Invalid", "A parameter value is not valid."),
    ("dbs", "missing-parameter"): ("Param.Missing", "A required parameter is missing."),
}
#: Business refusals Alibaba pages allow as HTTP 200 with ``"Success": false`` (Success row).
_ALIBABA_BUSINESS = frozenset({"not-found", "job-not-cancellable", "plan-not-found",
                               "idempotent-mismatch"})
#: Huawei API Gateway's "not found", listed among GeminiDB's 404 codes at 'vendor' and free for
#: VBS (its error table gives no statuses).
_GATEWAY_NOT_FOUND = VendorError(
    "APIGW.0101", 404, "The API does not exist or has not been published in the environment.",
    "Huawei API Request Signing Guide, Error Codes")


class Relaxed(Behaviour):
    """Conforming, but unlike the reference wherever the documents leave room:

    - request ids: lower-case, 24 hex characters (no UUID shape), header named ``x-request-id``;
    - ``application/json; charset=utf-8``; keys in reverse order; extra fields in JSON bodies;
    - Alibaba errors without ``HostId`` / ``Recommend`` (only RequestId, Code, Message required);
    - Alibaba business refusals (unknown job, plan or clients, job already cancelled) as HTTP 200
      with ``"Success": false`` and the error code in the page's own fields;
    - its own HBR / DBS error codes and messages (no complete table documents them);
    - Huawei "not found" as the gateway's ``APIGW.0101`` 404; GeminiDB ``job_id`` as 32 hex.
    """

    name = "relaxed"

    def request_id(self, family: str) -> str:
        return secrets.token_hex(12)

    def finish(self, reply: Reply, response: Response) -> Response:
        if reply.kind in (REJECTED, BUSINESS) and reply.error is not None:
            response = self._error(reply, response)
        body = reply_json(response)
        if isinstance(body, dict):
            body = self._extras(reply, body, response.status_code)
            out = json.dumps(dict(reversed(list(body.items()))), ensure_ascii=False)
            response.set_data(out.encode("utf-8"))
            response.headers["Content-Type"] = f"{JSON}; charset=utf-8"
        if reply.family != ALIBABA and "X-Request-Id" in response.headers:
            value = response.headers.pop("X-Request-Id")
            response.headers["x-request-id"] = value
        return response

    def _error(self, reply: Reply, response: Response) -> Response:
        error = reply.error
        assert error is not None
        situation = reply.situation or ""
        if reply.family == ALIBABA:
            code, message = _RELAXED_CODES.get((reply.service, situation),
                                               (error.code, error.message))
            if reply.kind == BUSINESS and situation in _ALIBABA_BUSINESS:
                return _alibaba_business(reply, code, message)
            body = {"RequestId": reply.request_id, "Code": code, "Message": message}
            return _json(error.status, body, response)
        if situation == "not-found":
            body = {"error_code": _GATEWAY_NOT_FOUND.code, "error_msg": _GATEWAY_NOT_FOUND.message}
            return _json(_GATEWAY_NOT_FOUND.status, body, response)
        return response

    def _extras(self, reply: Reply, body: dict[str, Any], status: int) -> dict[str, Any]:
        extra = dict(body)
        if reply.family == ALIBABA:
            extra["AccessDeniedDetail"] = ""
        elif "job_id" in extra:
            extra["job_id"] = secrets.token_hex(16)
            extra["request_region"] = "eu-west-101"
        elif "error_code" in extra:
            extra["request_id"] = reply.request_id
        return extra


def _alibaba_business(reply: Reply, code: str, message: str) -> Response:
    """A refusal in the page's success shape: ``Success: false`` and the error fields the page
    documents (HBR ``Code``/``Message``, DBS ``ErrCode``/``ErrMessage``)."""
    body: dict[str, Any] = {"RequestId": reply.request_id, "Success": False}
    if reply.service == "dbs":
        body.update({"ErrCode": code, "ErrMessage": message, "HttpStatusCode": 200})
    else:
        body.update({"Code": code, "Message": message})
    response = Response(json.dumps(body).encode("utf-8"), status=200, content_type=JSON)
    response.headers["x-acs-request-id"] = reply.request_id
    return response


def _json(status: int, body: Mapping[str, Any], template: Response) -> Response:
    response = Response(json.dumps(body).encode("utf-8"), status=status, content_type=JSON)
    for key, value in template.headers.items():
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


def reply_json(response: Response) -> Any:
    """The reply's JSON body, or None when it has none (or it is not JSON)."""
    data = response.get_data()
    if not data.strip():
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


VARIANTS: Mapping[str, type[Behaviour]] = {"reference": Behaviour, "relaxed": Relaxed}
