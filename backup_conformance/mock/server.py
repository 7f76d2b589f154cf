"""``MockServer``: serve a ``MockApp`` on loopback in a daemon thread.

Binds 127.0.0.1 unless told otherwise (the mock accepts unsigned requests, so it must not be
reachable from the network by accident); port 0 picks a free port, readable from ``.port``.

Served by cheroot rather than werkzeug's development server: werkzeug answers every request
with ``Connection: close``, so each call paid a TCP connect and a new server thread; cheroot
keeps HTTP/1.1 connections alive (and drains unread request bodies), which is most of the
loopback request rate (``bench/``).
"""

from __future__ import annotations

import threading
from types import TracebackType

from cheroot.wsgi import Server

from backup_conformance.mock.app import MockApp

LOOPBACK = "127.0.0.1"
#: Worker threads: a request waits only when this many are busy at once (an idle keep-alive
#: connection holds none).
THREADS = 16
#: How often the serving loop looks up from its selector: the longest ``stop`` waits.
POLL_SECONDS = 0.05


class MockServer:
    def __init__(self, app: MockApp | None = None, *, host: str = LOOPBACK, port: int = 0,
                 threads: int = THREADS) -> None:
        self.app = app or MockApp()
        self.host = host
        self._port = port
        self._threads = threads
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the mock server is not running")
        return int(self._server.bind_addr[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> MockServer:
        """Bind and serve in a daemon thread; raises ``OSError`` when the address cannot be
        bound (never exits the process)."""
        if self._thread is not None:
            return self
        server = Server((self.host, self._port), self.app, numthreads=self._threads,
                        server_name="backup-conformance-mock")
        server.expiration_interval = POLL_SECONDS
        server.prepare()  # binds; OSError on failure
        self._server = server
        self._thread = threading.Thread(target=server.serve, name=f"mock-server-{self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.stop()
        if thread is not None:
            thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
