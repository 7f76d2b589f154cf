"""``backup-conformance mock``: the reference mock as a standalone server (docs/design.md §5).

Serves the five APIs and ``/_states`` until SIGINT/SIGTERM, then prints a summary (requests per
API, violations per rule) and exits 1 if any request broke the contract, else 0. Usage and setup
errors (a bad flag, a port in use, an unreadable credentials or fault file) exit 2 with one line.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from backup_conformance.contracts import ContractError, load_catalogue
from backup_conformance.mock import MockApp, MockServer, Recorder
from backup_conformance.mock.auth import (
    HUAWEI_PROJECT_ENV,
    Credentials,
    CredentialsError,
    authenticator_for,
)
from backup_conformance.mock.faults import (
    Fault,
    FaultInjector,
    FaultSpecError,
    load_file,
    parse_spec,
)
from backup_conformance.mock.routing import SERVICE_PREFIX
from backup_conformance.mock.server import LOOPBACK
from backup_conformance.mock.state import checked_project_id

EXIT_OK, EXIT_NONCONFORMANT, EXIT_USAGE = 0, 1, 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "mock",
        help="serve the reference mock of the five APIs",
        description=(
            "Serve the reference mock of the five APIs and the provider-state endpoint "
            "(/_states) on loopback. Signatures and tokens are verified against the "
            "credentials in ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET, HUAWEICLOUD_SDK_AK/_SK, "
            "OS_AUTH_TOKEN (or --credentials); with none, auth must only be present and well "
            "formed. Stop with Ctrl-C: exit 1 if any request broke the contract."
        ),
    )
    parser.add_argument("--host", default=LOOPBACK,
                        help="address to bind (default 127.0.0.1; anything else exposes the mock)")
    parser.add_argument("--port", type=_port, default=0, metavar="N",
                        help="port to bind (default 0: a free port, printed on start)")
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="append one JSON line per request (secrets redacted) to FILE; a FILE "
                             "ending in .har is written as HAR 1.2 (bodies kept, auth redacted)")
    parser.add_argument("--strict", action="store_true",
                        help="reject non-conformant requests, undocumented extras included, "
                             "naming the rule and page line")
    parser.add_argument("--no-auth", action="store_true", help="accept any request unsigned")
    parser.add_argument("--credentials", type=Path, metavar="FILE",
                        help="JSON or TOML file with the same keys as the environment variables")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="KIND:PROBABILITY[:ARG][@API_ID] (KIND throttle, error, latency) "
                             "or a JSON/TOML fault file; repeatable")
    parser.add_argument("--fault-seed", type=int, default=0, metavar="N",
                        help="seed of the fault draws (default 0; a fault file's seed wins)")
    parser.add_argument("--project-id", default=None, metavar="ID",
                        help="the Huawei project every provider state is made in unless its "
                             "params name another (default: HUAWEICLOUD_SDK_PROJECT_ID, else "
                             "a new project per state); other projects' requests are not found")
    parser.add_argument("--contracts", type=Path, default=None, metavar="DIR",
                        help="contracts folder (default: the project's or the wheel's)")
    parser.error = _one_line_error  # type: ignore[method-assign]
    parser.parse_known_args = _no_extras(parser)  # type: ignore[method-assign]
    parser.set_defaults(handler=run)


def _one_line_error(message: str) -> NoReturn:
    print(f"error: backup-conformance mock: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def _no_extras(parser: argparse.ArgumentParser) -> Any:
    """Report unknown flags here, in one line, rather than at the top-level parser (which
    prints its usage first)."""
    original = parser.parse_known_args

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = original(args, namespace)
        if extras:
            _one_line_error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    return parse_known_args


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port {text!r} is not a number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port {value} is outside 0..65535")
    return value


class _Usage(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    try:
        app = _build_app(args)
    except (_Usage, ContractError, CredentialsError, FaultSpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    server = MockServer(app, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port} ({exc.strerror or exc})",
              file=sys.stderr)
        app.recorder.close()
        return EXIT_USAGE
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.host != LOOPBACK:
        print(f"warning: the mock listens on {args.host}, not only on loopback", file=sys.stderr)
    print(f"backup-conformance mock: serving {len(app.catalogue)} APIs on {server.url} "
          f"(provider states: {server.url}/_states); auth: {app.authenticator.description}"
          f"{'; strict' if app.strict else ''}"
          f"{f'; Huawei project {app.states.project_id}' if app.states.project_id else ''}"
          ". Ctrl-C to stop.", flush=True)
    if app.router.prefixed:
        print(f"  services sharing a route with another: call them under "
              f"{server.url}{SERVICE_PREFIX}<service>: {', '.join(sorted(app.router.prefixed))}",
              flush=True)
    while not stop.wait(0.2):
        pass
    server.stop()
    print(app.recorder.summary(), flush=True)
    app.recorder.close()
    return EXIT_NONCONFORMANT if app.recorder.nonconformant else EXIT_OK


def _build_app(args: argparse.Namespace) -> MockApp:
    catalogue = load_catalogue(args.contracts.resolve() if args.contracts else None)
    credentials = (Credentials.from_file(args.credentials) if args.credentials
                   else Credentials.from_environment())
    faults: list[Fault] = []
    seed = args.fault_seed
    for spec in args.fault:
        path = Path(spec)
        if path.suffix.lower() in (".json", ".toml"):
            loaded, file_seed = load_file(path, catalogue)
            faults.extend(loaded)
            seed = file_seed if file_seed is not None else seed
        else:
            faults.append(parse_spec(spec, catalogue))
    try:
        recorder = Recorder(_record_path(args.record))
    except OSError as exc:
        raise _Usage(f"--record {args.record}: {exc.strerror or exc}") from None
    project_id = args.project_id
    source = "--project-id"
    if project_id is None and credentials.huawei_project_id is not None:
        project_id, source = credentials.huawei_project_id, HUAWEI_PROJECT_ENV
    try:
        project_id = checked_project_id(project_id) if project_id is not None else None
    except ValueError as exc:
        recorder.close()
        raise _Usage(f"{source}: {exc}") from None
    return MockApp(
        catalogue,
        authenticator=authenticator_for(credentials, no_auth=args.no_auth),
        strict=args.strict,
        faults=FaultInjector(faults, seed),
        recorder=recorder,
        project_id=project_id,
    )


def _record_path(path: Path | None) -> Path | None:
    if path is None:
        return None
    if path.is_dir() or not path.parent.is_dir():
        raise _Usage(f"--record {path}: not a writable file path")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m backup_conformance.commands.mock ...``: the sub-command on its own."""
    parser = argparse.ArgumentParser(prog="backup-conformance")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["mock", *(sys.argv[1:] if argv is None else argv)])
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
