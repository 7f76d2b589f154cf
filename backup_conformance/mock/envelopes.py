"""The vendors' response shapes: Alibaba RPC JSON bodies and error envelope, Huawei REST bodies,
error envelope and ``X-Request-Id`` header.

Alibaba (vendor-common layer, ``error_envelope``): every body carries ``RequestId``; errors are
``{RequestId, HostId, Code, Message, Recommend}`` with the code's HTTP status. Huawei (vendor-common
layer, ``error_envelope`` and ``request_id``): errors are ``{"error_code", "error_msg"}`` and every
response carries the request id in the ``X-Request-Id`` header, since the SDK reads it there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from backup_conformance.mock.codes import VendorError

JSON = "application/json"
ALIBABA = "alibaba-rpc"
HUAWEI = "huawei-rest"


def new_request_id(family: str) -> str:
    """Alibaba: upper-case UUID as in the pages' samples (000:65); Huawei: 32 lower-case hex."""
    value = uuid.uuid4()
    return str(value).upper() if family == ALIBABA else value.hex


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text.encode("utf-8"), status=status, content_type=JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> Response:
    """A response with no body at all (Huawei sharing cancel: 200, empty; docs/design.md §3)."""
    response = Response(b"", status=status)
    response.headers.pop("Content-Type", None)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def request_id_headers(family: str, request_id: str) -> dict[str, str]:
    if family == ALIBABA:
        return {"x-acs-request-id": request_id}
    return {"X-Request-Id": request_id}


def error_response(
    family: str,
    error: VendorError,
    request_id: str,
    *,
    product: str = "",
    extra_headers: Mapping[str, str] | None = None,
) -> Response:
    """The vendor's error envelope for ``error``, with its HTTP status."""
    headers = request_id_headers(family, request_id)
    headers.update(extra_headers or {})
    if family == ALIBABA:
        body = {
            "RequestId": request_id,
            "HostId": f"{product or 'openapi'}.aliyuncs.com",
            "Code": error.code,
            "Message": error.message,
            "Recommend": (
                f"https://api.aliyun.com/troubleshoot?q={quote(error.code)}"
                f"&product={quote(product)}&requestId={request_id}"
            ),
        }
    else:
        body = {"error_code": error.code, "error_msg": error.message}
    return json_response(error.status, body, headers)


def success_response(
    family: str, status: int, body: Mapping[str, Any] | None, request_id: str
) -> Response:
    """A documented success: JSON body (Alibaba bodies always carry ``RequestId``) or none."""
    headers = request_id_headers(family, request_id)
    if body is None:
        return empty_response(status, headers)
    if not isinstance(body, Mapping):  # a page documenting a top-level JSON array
        return json_response(status, body, headers)
    payload = dict(body)
    if family == ALIBABA:
        payload["RequestId"] = request_id
    return json_response(status, payload, headers)
