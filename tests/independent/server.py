"""The independent server: one werkzeug WSGI app for the five APIs and ``POST /_states``.

Served by werkzeug's threaded server on 127.0.0.1 and a free port (our mock uses cheroot).
Every answer is JSON as the vendors shape it, with request ids of its own format and an extra
undocumented header; a bug inside the server is answered 500 in the vendor's envelope, never a
traceback. ``faults`` switches on single-point departures from the pages (``FAULTS``), so the
suites' kills can be proved against a target other than our mock.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
import uuid
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .alibaba import Alibaba
from .alibaba import error as alibaba_error
from .huawei import Huawei
from .huawei import error as huawei_error
from .signatures import Keys, Verifier

LOOPBACK = "127.0.0.1"
MAX_BODY = 1 << 20
#: Single-point faults, each breaking one documented point: name -> what it breaks.
FAULTS = {
    "stop-plan-without-id": "StopBackupPlan success lacks BackupPlanId (001:83, sample 001:101)",
    "geminidb-202-empty": "GeminiDB delete answers 202 {} without job_id (004:52-60)",
    "hbr-message-ok": "HBR success carries Message 'OK', not 'successful' (000:58, 003:57)",
    "unknown-job-success": "cancelling a job that does not exist reports Success: true (000:66)",
    "sharing-204": "a cancelled sharing answers 204, not its page's 200 (002:69-71)",
}
EXTRA = {"X-Served-By": "independent-conformance-server"}  # undocumented, hence legal


class IndependentApp:
    """The WSGI application. ``keys``: the credentials accepted (a vendor without keys is
    served without authentication); ``project_id``: the project states are made in."""

    def __init__(self, keys: Keys, project_id: str, faults: Iterable[str] = ()) -> None:
        chosen = frozenset(faults)
        unknown = chosen - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {sorted(FAULTS)}")
        self.keys = keys
        self.verifier = Verifier(keys)
        self.alibaba = Alibaba(chosen)
        self.huawei = Huawei(project_id, chosen)
        self.states = {**self.alibaba.states(), **self.huawei.states()}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        huawei = self.huawei.owns(request.path) or request.path.startswith(("/v2/", "/v3/"))
        try:
            if request.path == "/_states":
                response = self._states(request)
            elif huawei:
                response = self._huawei(request)
            else:
                response = self._alibaba(request)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = (_huawei_response(huawei_error(500, "DBS.200003", "Internal error."))
                        if huawei else _alibaba_response(alibaba_error(
                            500, "InternalError", "An unknown error occurred.", "")))
        return response(environ, start_response)

    def _states(self, request: Request) -> Response:
        if request.method == "GET":
            return _json(200, {"states": sorted(self.states)})
        try:
            payload = json.loads(request.get_data()[:MAX_BODY] or b"null")
            name, action = payload["state"], payload.get("action", "setup")
            params = payload.get("params") or {}
            setup, teardown = self.states[name]
            if not isinstance(params, Mapping):
                raise ValueError("params must be an object")
            if action == "setup":
                return _json(200, setup(params))
            if action == "teardown":
                teardown(params)
                return _json(200, {})
            raise ValueError(f"unknown action {action!r}")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return _json(400, {"error": f"bad provider-state request: {exc!r}",
                               "valid": sorted(self.states)})

    def _alibaba(self, request: Request) -> Response:
        body = request.get_data()[:MAX_BODY]
        params = dict(parse_qsl(request.query_string.decode("utf-8", "replace"),
                                keep_blank_values=True))
        if request.mimetype == "application/x-www-form-urlencoded":
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = request.headers.get("x-acs-action") or params.get("Action", "")
        version = request.headers.get("x-acs-version") or params.get("Version", "")
        if request.path != "/" or request.method not in ("GET", "POST"):
            return _alibaba_response(alibaba_error(
                404, "InvalidAction.NotFound", "No such API for this path and method.", version))
        if self.keys.alibaba:
            refused = self.verifier.alibaba(request, body)
            if refused:
                return _alibaba_response(alibaba_error(refused.status, refused.code,
                                                       refused.message, version))
        return _alibaba_response(self.alibaba.call(action, version, params))

    def _huawei(self, request: Request) -> Response:
        body = request.get_data()[:MAX_BODY]
        if not self.huawei.owns(request.path):
            return _huawei_response(huawei_error(
                404, "APIGW.0101", "The API does not exist or has not been published."))
        if self.keys.huawei or self.keys.tokens:
            refused = self.verifier.huawei(request, body)
            if refused:
                return _huawei_response(huawei_error(refused.status, refused.code,
                                                     refused.message))
        query = dict(parse_qsl(request.query_string.decode("utf-8", "replace"),
                               keep_blank_values=True))
        signed = request.headers.get("X-Project-Id") if request.headers.get(
            "Authorization") else None
        return _huawei_response(self.huawei.call(request.method, request.path, query, signed))


def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers={**EXTRA, **(headers or {})},
                    content_type="application/json;charset=utf-8")


def _alibaba_response(reply: tuple[int, dict[str, Any]]) -> Response:
    status, body = reply
    return _json(status, body, {"x-acs-request-id": str(body.get("RequestId", ""))})


def _huawei_response(reply: tuple[int, dict[str, Any] | None]) -> Response:
    status, body = reply
    headers = {**EXTRA, "X-Request-Id": str(uuid.uuid4())}
    if body is None:
        return Response(b"", status=status, headers=headers)
    return _json(status, body, headers)


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class IndependentServer:
    """Serve an ``IndependentApp`` on loopback in a daemon thread (a context manager)."""

    def __init__(self, app: IndependentApp) -> None:
        self.app = app
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not running"
        return f"http://{LOOPBACK}:{self._server.server_port}"

    def __enter__(self) -> IndependentServer:
        self._server = make_server(LOOPBACK, 0, self.app, threaded=True, request_handler=_Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="independent-server")
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None
