"""``python -m independent`` (from ``tests/``): serve the independent server until Ctrl-C.

Credentials come from the vendors' variables (a vendor without them is served without
authentication); states are made in ``HUAWEICLOUD_SDK_PROJECT_ID`` (else ``--project-id``).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading

from .server import FAULTS, IndependentApp, IndependentServer
from .signatures import Keys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m independent")
    parser.add_argument("--project-id", default=os.environ.get("HUAWEICLOUD_SDK_PROJECT_ID",
                                                               "independent-project"))
    parser.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS),
                        help="switch on a single-point fault (repeatable)")
    args = parser.parse_args()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    app = IndependentApp(Keys.from_env(os.environ), args.project_id, args.fault)
    with IndependentServer(app) as server:
        print(f"independent server on {server.url} (states: {server.url}/_states); "
              "Ctrl-C to stop", flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
