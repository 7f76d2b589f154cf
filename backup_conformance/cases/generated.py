"""Schemathesis-generated cases made safe to send and given an honest kind.

Schemathesis generates from the OpenAPI document alone, so its resource ids name nothing we
own. Positive mode: every resource-id parameter is replaced by a freshly obtained resource
(and ``positive.json`` applied), the other generated values kept. Negative mode: each id is
replaced by a reserved ``bc-nonexistent-`` id (empty strings, booleans and nulls, which name
nothing, stay), keeping the value's structure; when the case breaks the contract, each id it
does not break is bound to a live resource instead (when the target can provide one), so a
target that skips the validation acts on it and answers 2xx rather than a masking 404.
Protocol headers come from the case in negative mode (a dropped ``x-acs-action`` is sent
dropped); credentials never do.

The kind is then read off the request as the server will decode it, not off the mode: a
"negative" case whose violation vanished on the wire (``5`` sent as a string parameter is the
string ``"5"``) is not negative. Any definite violation -> ``negative``; otherwise a positive
mode case -> ``positive``; a negative mode case naming only reserved or empty ids ->
``business-error`` (it names no existing resource, so it must be refused; for the five
hand-tuned APIs only: an inferred lifecycle is a convention, not a page's word); anything in doubt
(undocumented parameters, encodings servers read differently) -> ``None``: judge only what
holds for every kind.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Ok

from backup_conformance.cases.positive import apply_rules, fresh_values, resource_parameters
from backup_conformance.cases.running import NotRunnable
from backup_conformance.cases.valid import Obtain, binding, hand_tuned, valid_params
from backup_conformance.checks import CheckFailure, Observed
from backup_conformance.contracts import Contract, ParameterSpec, schema_validator
from backup_conformance.targets import (
    OMIT,
    Exchange,
    Raw,
    build_request,
    is_reserved,
    nonexistent_id,
)

_INTEGER = re.compile(r"[+-]?\d+")
#: Headers the HTTP client always sends when the request has a body: never missing on the wire.
_WIRE_HEADERS = frozenset({"content-type"})


@dataclass(frozen=True)
class Generated:
    """A generated case as the suite sends it: ``params`` for ``Run.send``, its ``kind`` (None:
    unsure) and why, for the report."""

    params: dict[str, Any]
    kind: str | None
    reason: str


_OPERATIONS: dict[str, Any] = {}


def operation(contract: Contract) -> Any:
    """The schemathesis ``APIOperation`` of ``contract``'s OpenAPI document (loaded once)."""
    if contract.api_id not in _OPERATIONS:
        schema = schemathesis.openapi.from_dict(json.loads(json.dumps(contract.openapi)))
        (result,) = list(schema.get_all_operations())
        if not isinstance(result, Ok):
            raise ValueError(f"{contract.api_id}: schemathesis cannot read the OpenAPI "
                             f"document: {result.err()}")
        _OPERATIONS[contract.api_id] = result.ok()
    return _OPERATIONS[contract.api_id]


def strategy(contract: Contract, mode: str) -> Any:
    return operation(contract).as_strategy(GenerationMode(mode))


def from_case(contract: Contract, case: Any, mode: str, obtain: Obtain) -> Generated:
    """The request to send for schemathesis ``case`` (see the module doc)."""
    taken = resource_parameters(contract)
    params, extras = _documented(contract, case, headers=mode == "negative")
    if mode == "positive":
        live, values = valid_params(contract, obtain)
        params = {k: v for k, v in params.items() if k not in taken}
        params = apply_rules(contract, {**live, **params}, values)
    else:
        params = fresh_values(contract, {
            k: (reserve(v, path=contract.parameter(k).location == "path") if k in taken else v)
            for k, v in params.items()})
    params.update(extras)
    violations, doubts = _read(contract, params)
    if violations and mode == "negative":
        params = _on_live_resource(contract, params, obtain, {name for name, _ in violations})
    if violations:
        return Generated(params, "negative", "; ".join(text for _, text in violations))
    if extras:
        doubts.append(f"undocumented parameters {', '.join(sorted(extras))}")
    if doubts:
        return Generated(params, None, "; ".join(doubts))
    if mode == "positive":
        return Generated(params, "positive", "valid call on live resources")
    named = [k for k in taken if k in params and _names_nothing(params[k])]
    if named and not hand_tuned(contract):
        # An inferred lifecycle is our convention, not a page's word: naming no existing
        # resource is judged only by what holds for every kind.
        return Generated(params, None, f"naming no existing resource ({', '.join(sorted(named))})"
                                       " of an inferred lifecycle")
    if named:
        return Generated(params, "business-error",
                         f"valid call naming no existing resource ({', '.join(sorted(named))})")
    return Generated(params, None, "valid call naming no resource at all")


def _on_live_resource(contract: Contract, params: dict[str, Any], obtain: Obtain,
                      broken: set[str]) -> dict[str, Any]:
    """``params`` with each present, unbroken resource id taken from a freshly obtained
    resource (a missing or broken one stays as it is), or unchanged when none qualifies or
    the target cannot provide a resource."""
    names = [n for n in binding(contract).params if n in params and n not in broken]
    if not names:
        return params
    try:
        live, values = valid_params(contract, obtain)
    except NotRunnable:
        return params
    params.update({name: live[name] for name in names})
    return apply_rules(contract, params, values)


def _documented(contract: Contract, case: Any, *, headers: bool
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Documented values of ``case`` by parameter name, and undocumented query parameters."""
    query = dict(case.query or {})
    path = dict(case.path_parameters or {})
    given = {k.lower(): v for k, v in (case.headers or {}).items()}
    body = case.body if isinstance(case.body, Mapping) else {}
    params: dict[str, Any] = {}
    for spec in contract.parameters:
        if spec.location == "query" and spec.name in query:
            params[spec.name] = _json_value(spec, query.pop(spec.name))
        elif spec.location == "path" and spec.name in path:
            params[spec.name] = unquote(str(path[spec.name]))
        elif spec.location == "body" and spec.name in body:
            params[spec.name] = body[spec.name]
        elif spec.location == "header" and headers:
            params[spec.name] = given.get(spec.name.lower(), OMIT)
    return params, query


def _json_value(spec: ParameterSpec, value: Any) -> Any:
    """Schemathesis serialises a JSON-content parameter to its text; take the value back."""
    if spec.wire != "json" or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return Raw(value)


def reserve(value: Any, *, path: bool = False) -> Any:
    """``value`` with every id it could name replaced by a reserved one, structure kept."""
    if isinstance(value, Raw):
        return Raw(nonexistent_id())  # unparseable JSON text stays unparseable
    if isinstance(value, str):
        return value if value == "" and not path else nonexistent_id()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [reserve(item) for item in value]
    if isinstance(value, Mapping):
        return {key: reserve(item) for key, item in value.items()}
    return nonexistent_id()  # numbers are words to the safety guard


def _names_nothing(value: Any) -> bool:
    """Whether ``value`` names at least one id and every id it names is reserved or empty."""
    if isinstance(value, str):
        return value == "" or is_reserved(value)
    if isinstance(value, list):
        return bool(value) and all(_names_nothing(item) for item in value)
    return False


def _read(contract: Contract, params: Mapping[str, Any]
          ) -> tuple[list[tuple[str, str]], list[str]]:
    """``(violations as (parameter, text), doubts)`` of ``params`` read as the server decodes
    them."""
    violations: list[tuple[str, str]] = []
    doubts: list[str] = []
    for spec in contract.parameters:
        value = params.get(spec.name, OMIT if spec.location != "header" else None)
        if spec.location == "header" and (value is None or (
                value is OMIT and spec.name.lower() in _WIRE_HEADERS)):
            continue  # the wire adds protocol headers left unset (Content-Type of a body)
        if value is OMIT:
            if spec.required:
                violations.append((spec.name, f"missing-required:{spec.name} ({spec.source})"))
            continue
        verdict = _judge_value(contract, spec, value)
        if verdict is False:
            violations.append((spec.name, f"invalid:{spec.name} ({spec.source})"))
        elif verdict is None:
            doubts.append(f"unclear:{spec.name} ({spec.source})")
    return violations, doubts


def _judge_value(contract: Contract, spec: ParameterSpec, value: Any) -> bool | None:
    """True: valid; False: violates the schema; None: depends on how a server reads it."""
    if spec.wire == "json":
        if isinstance(value, Raw):
            return False
        return schema_validator(spec.schema).is_valid(value)
    if spec.location == "body":
        return schema_validator(spec.schema).is_valid(value)
    if isinstance(value, (list, tuple, dict)):
        return None  # repeated or JSON-encoded on the wire: servers differ
    text = value.text if isinstance(value, Raw) else (
        ("true" if value else "false") if isinstance(value, bool) else str(value))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    kind = spec.schema.get("type")
    decoded: Any = text
    if kind == "boolean":
        if text not in ("true", "false"):
            return None if text.lower() in ("true", "false", "0", "1") else False
        decoded = text == "true"
    elif kind in ("integer", "number"):
        try:
            decoded = int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:
            return False
    return schema_validator(spec.schema).is_valid(decoded)


def not_a_server_error(case: Any, exchange: Exchange) -> Callable[[Observed], None]:
    """Schemathesis' own ``not_a_server_error`` check on ``exchange``'s answer, reported as a
    ``CheckFailure`` like ours (its repro redacted, through our client's ``curl``)."""
    def check(observed: Observed) -> None:
        try:
            case.validate_response(_as_requests(exchange, observed),
                                   checks=[checks.not_a_server_error])
        except BaseExceptionGroup as group:
            titles = ", ".join(str(getattr(e, "title", type(e).__name__))
                               for e in group.exceptions)
            raise CheckFailure(
                "not-a-server-error", f"schemathesis: {titles}",
                received=f"{observed.status} {observed.excerpt(120)}",
                documented="no 5xx answer to any generated request",
                source="schemathesis.checks.not_a_server_error", layer="schemathesis",
                api_id=exchange.api_id, repro=exchange.curl()) from None
    return check


def _as_requests(exchange: Exchange, observed: Observed) -> requests.Response:
    sent = exchange.redacted().request
    response = requests.Response()
    response.status_code = observed.status
    response.headers = CaseInsensitiveDict(dict(observed.headers))
    response._content = observed.body
    response.url = sent.url
    # The request as sent (redacted), set field by field: ``Request.prepare`` would encode
    # it all over again for every generated case.
    prepared = requests.PreparedRequest()
    prepared.method, prepared.url = sent.method, sent.url
    prepared.headers = CaseInsensitiveDict(dict(sent.headers))
    prepared.body = sent.body or None
    response.request = prepared
    elapsed = exchange.response.elapsed if exchange.response else 0.0
    response.elapsed = datetime.timedelta(seconds=elapsed)
    return response


def sendable(contract: Contract, params: Mapping[str, Any]) -> bool:
    """Whether HTTP can carry ``params`` at all (a lone surrogate has no UTF-8 form, a header
    value cannot hold a line break): such a case is not a request, so it is not sent."""
    try:
        wire = build_request(contract, params, "http://127.0.0.1")
        wire.to_requests().prepare()
    except (UnicodeError, ValueError, requests.exceptions.InvalidHeader):
        return False
    return True
