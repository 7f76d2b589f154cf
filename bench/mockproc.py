"""Serve the reference mock from a child process for ``pipelines.MockProcess``.

Prints the mock's URL on one line, then serves until stdin closes (so the mock can never
outlive the benchmark that started it).
"""

from __future__ import annotations

import sys

from backup_conformance.mock import MockApp, MockServer


def main() -> None:
    """Start the mock on a free loopback port, say where, wait for stdin to close."""
    server = MockServer(MockApp()).start()
    print(server.url, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
