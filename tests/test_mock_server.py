"""The mock's HTTP server: persistent connections (the loopback rate depends on them), unread
request bodies drained between requests, and a bind failure raised, never an exit."""

from __future__ import annotations

import http.client
import json
import socket

import pytest

from backup_conformance.mock import MockServer


def test_one_connection_carries_many_requests() -> None:
    with MockServer() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            statuses = []
            for _ in range(3):
                connection.request("GET", "/no-such-path")
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
                assert not response.will_close
                assert (response.getheader("Connection") or "").lower() != "close"
            assert statuses == [404, 404, 404]
            assert connection.sock is not None  # still the first socket: never reconnected
        finally:
            connection.close()


def test_an_unread_request_body_does_not_leak_into_the_next_request() -> None:
    body = json.dumps({"filler": "x" * 50_000}).encode()
    with MockServer() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            connection.request("POST", "/no-such-path", body=body,
                               headers={"Content-Type": "application/json"})
            first = connection.getresponse()
            first.read()
            connection.request("GET", "/_states")
            second = connection.getresponse()
            second.read()
            assert first.status == 404 and second.status != 400  # a clean second request
        finally:
            connection.close()


def test_a_port_in_use_raises_oserror() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            MockServer(port=port).start()
