"""Turn an extracted ``Operation`` into one OpenAPI 3.1 document.

The document holds only what the page says, plus the few protocol facts without which no tool
could call the API at all (Alibaba's action/version headers); those carry ``x-layer:
vendor-common`` so nobody mistakes them for page facts. Every parameter, field and table row
keeps its page line in ``x-source``.
"""

from __future__ import annotations

import copy
from typing import Any

from backup_conformance.extract.model import Field, Operation, Parameter, Response, Source

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_HUAWEI_TOKEN = "X-Auth-Token"
_ALIBABA_PROTOCOL = "vendor-common/alibaba-rpc.json#/protocol"


def source_ref(source: Source) -> str:
    """``page:line``, the compact provenance used inside OpenAPI documents."""
    return f"{source.page}:{source.line}"


def build_openapi(op: Operation) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``op`` (deterministic: no timestamps, page order kept)."""
    operation: dict[str, Any] = {
        "operationId": op.action or op.api_id.split(".", 1)[-1],
        "summary": op.summary,
        "x-api-id": op.api_id,
        "x-source": source_ref(op.title_source),
        "parameters": _parameters(op),
        "responses": _responses(op),
        "x-status-codes": [
            {"status": s.status, "kind": s.kind, "phrase": s.phrase,
             "description": s.description, "x-source": source_ref(s.source)}
            for s in op.status_codes
        ],
        "x-error-codes": [
            {"status": e.status, "code": e.code, "message": e.message,
             "x-source": source_ref(e.source)}
            for e in op.error_codes
        ],
        "x-authorization": [
            {"action": a.action, "access_level": a.access_level,
             "resource_types": a.resource_types, "resource_patterns": a.resource_patterns,
             "x-source": source_ref(a.source)}
            for a in op.authorization
        ],
        "x-anomalies": [a.id for a in op.anomalies],
    }
    if op.description:
        operation["description"] = op.description
    if op.gaps:  # what the page does not give: a suite must not judge the target on it
        operation["x-gaps"] = [
            {"what": gap.what, "x-source": source_ref(gap.source)} for gap in op.gaps
        ]
    body = _request_body(op)
    if body:
        operation["requestBody"] = body
    security = _security(op)
    if security:
        operation["security"] = [{name: []} for name in security]
    method, path = _identity(op)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": f"{op.api_id}: {op.title}",
            "version": op.version or "unversioned",
            "description": f"Extracted from {op.page}. Facts carry their page line in x-source.",
        },
        "x-api-id": op.api_id,
        "x-family": op.family,
        "x-source-page": op.page,
        "paths": {path: {method: operation}},
    }
    if security:
        document["components"] = {"securitySchemes": security}
    return document


def _identity(op: Operation) -> tuple[str, str]:
    if op.family == "alibaba-rpc":
        return "post", "/"
    if not (op.method and op.path):
        raise ValueError(f"{op.page}: a REST operation needs a method and a path")
    return op.method.lower(), op.path


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    if op.family == "alibaba-rpc":
        params += _alibaba_protocol_headers(op)
    for p in op.parameters:
        if p.location == "body" or (p.location == "header" and p.name == _HUAWEI_TOKEN):
            continue
        params.append(_parameter(p))
    return params


def _alibaba_protocol_headers(op: Operation) -> list[dict[str, Any]]:
    """``x-acs-action`` / ``x-acs-version``: how today's SDKs name the RPC action (DESIGN §3)."""
    headers = [("x-acs-action", op.action)]
    if op.version:
        headers.append(("x-acs-version", op.version))
    return [
        {"name": name, "in": "header", "required": True,
         "schema": {"type": "string", "enum": [value]},
         "x-layer": "vendor-common", "x-source": _ALIBABA_PROTOCOL}
        for name, value in headers
    ]


def _parameter(p: Parameter) -> dict[str, Any]:
    schema = _annotated(p.schema, p.description, p.source)
    result: dict[str, Any] = {
        "name": p.name,
        "in": p.location,
        "required": p.required or p.location == "path",
        "description": p.description,
        "x-doc-type": p.doc_type,
        "x-source": source_ref(p.source),
    }
    # With ``content`` (a JSON-encoded value) the examples belong to the media type object.
    holder: dict[str, Any] = result
    if p.wire == "json":
        holder = {"schema": schema}
        result["content"] = {"application/json": holder}
    else:
        result["schema"] = schema
    if p.example is not None:
        holder["examples"] = {"page": {"value": p.example}}
    if p.enum_descriptions:
        result["x-enum-descriptions"] = p.enum_descriptions
    return result


def _request_body(op: Operation) -> dict[str, Any] | None:
    fields = [p for p in op.parameters if p.location == "body"]
    if not fields:
        return None
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: _annotated(p.schema, p.description, p.source) for p in fields},
    }
    required = [p.name for p in fields if p.required]
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _responses(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for response in op.responses:
        responses[str(response.status)] = _response(op, response)
    for status in op.status_codes:
        key = str(status.status)
        if key not in responses:
            text = " ".join(t for t in (status.phrase, status.description) if t)
            responses[key] = {
                "description": text or status.kind, "x-source": source_ref(status.source),
            }
    for error in op.error_codes:
        if error.status is None:
            continue
        entry = responses.setdefault(
            str(error.status),
            {"description": f"{error.code}: {error.message}", "x-source": source_ref(error.source)},
        )
        entry.setdefault("x-error-codes", []).append(error.code)
    return dict(sorted(responses.items()))


def _response(op: Operation, response: Response) -> dict[str, Any]:
    result: dict[str, Any] = {
        "description": response.description or "Documented response",
        "x-source": source_ref(response.source),
    }
    if not response.body:
        result["x-empty-body"] = True
        return result
    media: dict[str, Any] = {"schema": response_schema(response)}
    examples = {
        f"page-line-{e.source.line}": {"summary": e.title, "value": e.body}
        for e in op.examples
        if e.kind == "response" and e.status == response.status and e.body is not None
    }
    if examples:
        media["examples"] = examples
    result["content"] = {"application/json": media}
    return result


def response_schema(response: Response) -> dict[str, Any]:
    """The JSON Schema of a documented response body: documented fields typed, nothing more.

    Fields are required only where the page marks them mandatory; extra fields stay allowed,
    because the pages never say a body holds *only* the documented fields.
    """
    return _object_schema(response.fields)


def _object_schema(fields: list[Field]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    required = []
    for f in fields:
        schema["properties"][f.name] = _field_schema(f)
        if f.required:
            required.append(f.name)
    if required:
        schema["required"] = required
    return schema


def _field_schema(f: Field) -> dict[str, Any]:
    schema = _annotated(f.schema, f.description, f.source)
    if f.children and schema.get("type") == "object":
        schema.update({k: v for k, v in _object_schema(f.children).items() if k != "type"})
    elif f.children and schema.get("type") == "array":
        item = f.children[0] if len(f.children) == 1 and not f.children[0].name else None
        schema["items"] = _field_schema(item) if item else _object_schema(f.children)
    return schema


def _annotated(schema: dict[str, Any], description: str, source: Source) -> dict[str, Any]:
    result = copy.deepcopy(schema)
    if description:
        result.setdefault("description", description)
    result["x-source"] = source_ref(source)
    return result


def _security(op: Operation) -> dict[str, Any]:
    if op.family == "alibaba-rpc":
        return {"acs3": {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "ACS3-HMAC-SHA256 request signature (vendor-common layer).",
            "x-layer": "vendor-common",
        }}
    if _HUAWEI_TOKEN in op.security:
        token = next((p for p in op.parameters if p.name == _HUAWEI_TOKEN), None)
        scheme: dict[str, Any] = {"type": "apiKey", "in": "header", "name": _HUAWEI_TOKEN,
                                  "description": "User token, as the page documents."}
        if token is not None:
            scheme["x-source"] = source_ref(token.source)
        return {_HUAWEI_TOKEN: scheme}
    return {}
