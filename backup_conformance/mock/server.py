"""``MockServer``: serve a ``MockApp`` on loopback in a daemon thread.

Binds 127.0.0.1 unless told otherwise (the mock accepts unsigned requests, so it must not be
reachable from the network by accident); port 0 picks a free port, readable from ``.port``.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from backup_conformance.mock.app import MockApp

LOOPBACK = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the recorder is the mock's log."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class MockServer:
    def __init__(self, app: MockApp | None = None, *, host: str = LOOPBACK, port: int = 0,
                 quiet: bool = True) -> None:
        self.app = app or MockApp()
        self.host = host
        self._port = port
        self._quiet = quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the mock server is not running")
        return int(self._server.port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def bind(self) -> MockServer:
        """Bind without serving; raises ``OSError`` when the address cannot be bound."""
        if self._server is None:
            # Bind our own socket: werkzeug's own bind calls sys.exit(1) on failure, which
            # neither an embedding test nor the command (exit 2, one line) can use.
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            sock = socket.create_server((self.host, self._port), family=family, backlog=128)
            try:
                handler = _QuietHandler if self._quiet else WSGIRequestHandler
                self._server = make_server(self.host, sock.getsockname()[1], self.app,
                                           threaded=True, request_handler=handler,
                                           fd=sock.fileno())
            finally:
                sock.close()  # werkzeug keeps its own duplicate of the descriptor
            self._server.daemon_threads = True  # type: ignore[attr-defined]
        return self

    def start(self) -> MockServer:
        """Bind and serve in a daemon thread."""
        if self._thread is not None:
            return self
        server = self.bind()._server
        assert server is not None
        self._thread = threading.Thread(target=server.serve_forever,
                                        name=f"mock-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread (the command line); ``shutdown`` from another thread
        or a signal handler ends it."""
        server = self.bind()._server
        assert server is not None
        server.serve_forever()

    def shutdown(self) -> None:
        """Ask ``serve_forever`` to return (safe from another thread)."""
        if self._server is not None:
            self._server.shutdown()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        if thread is not None:
            server.shutdown()
            thread.join(timeout=5)
        server.server_close()
        self._server, self._thread = None, None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
