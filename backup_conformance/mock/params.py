"""Read one WSGI request into plain text parts, never trusting the client's bytes.

Alibaba RPC parameters travel in the query string or an ``application/x-www-form-urlencoded``
body (vendor-common ``protocol.parameter_locations``); Huawei parameters travel in the path, the
query and a JSON body. Anything that does not decode (bad UTF-8, bad JSON, an oversized body) is
kept as a decoding problem for validation to report, so no input can raise past this module.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from backup_conformance.validation.inbound import FORM, Inbound, Problem, decode_pairs

MAX_BODY = 1 << 20  # 1 MiB: far above any documented request, small enough to stay cheap


def read_request(request: Request) -> Inbound:
    """Decode ``request`` defensively; every failure lands in ``Inbound.problems``."""
    environ = request.environ
    problems: list[Problem] = []
    path = _wsgi_text(environ.get("PATH_INFO", "") or "/", "the request path", problems)
    raw_query = environ.get("QUERY_STRING", "") or ""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
        (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) +
        (f"?{raw_query}" if raw_query else "")
    )
    pairs = [(k, v) for k, v in request.headers.items()]
    inbound = Inbound(
        method=(request.method or "GET").upper(),
        path=path or "/",
        raw_uri=raw_uri,
        host=request.host or "127.0.0.1",
        headers={k.lower(): v for k, v in reversed(pairs)},
        header_pairs=pairs,
        problems=problems,
    )
    inbound.query = _pairs(raw_query, "the query string", problems)
    inbound.body = _body(request, problems)
    content_type = (inbound.header("content-type") or "").split(";")[0].strip().lower()
    if content_type == FORM and inbound.body:
        try:
            text = inbound.body.decode("utf-8")
        except UnicodeDecodeError:
            problems.append((None, "the form body is not UTF-8"))
        else:
            inbound.form = _pairs(text, "the form body", problems, already_text=True)
    return inbound


def _wsgi_text(value: str, what: str, problems: list[Problem]) -> str:
    """WSGI strings are latin-1 views of the wire bytes; the vendors speak UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        problems.append((None, f"{what} is not UTF-8"))
        return value.encode("latin-1", "replace").decode("utf-8", "replace")


def _pairs(raw: str, what: str, problems: list[Problem], *, already_text: bool = False
           ) -> list[tuple[str, str]]:
    text = raw if already_text else _wsgi_text(raw, what, problems)
    return decode_pairs(text, what, problems)


def _body(request: Request, problems: list[Problem]) -> bytes:
    request.max_content_length = MAX_BODY
    try:
        return request.get_data(cache=True)
    except HTTPException:
        problems.append((None, f"the request body is larger than {MAX_BODY} bytes"))
        return b""
