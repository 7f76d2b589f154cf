"""Injected faults (off by default): throttling, server errors and latency, per API, seeded.

A spec on the command line is ``KIND:PROBABILITY[:ARG][@API_ID]``:
``throttle:0.3@hbr.CancelBackupJob``, ``error:0.1:503``, ``latency:1:250`` (milliseconds).
A file (JSON or TOML) holds ``{"seed": 7, "faults": [{"kind", "probability", "api", "status",
"latency_ms"}]}``. Draws come from one seeded ``random.Random`` under a lock, so a sequential run
is reproducible; throttling uses each vendor's own code (error_choices.json ``throttled``).
"""

from __future__ import annotations

import json
import random
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("throttle", "error", "latency")
ERROR_STATUSES = (500, 502, 503, 504)


class FaultSpecError(ValueError):
    """A fault spec or file that cannot be used; one readable line."""


@dataclass(frozen=True)
class Fault:
    kind: str
    probability: float
    api: str | None = None  # None: every API
    status: int = 500  # error faults
    latency_ms: int = 100  # latency faults

    def applies_to(self, api_id: str | None) -> bool:
        return self.api is None or self.api == api_id


@dataclass(frozen=True)
class Decision:
    """What to do to one request: sleep first, then maybe answer with a fault."""

    latency_ms: int = 0
    kind: str | None = None  # "throttle" | "error" | None
    status: int = 500


def parse_spec(spec: str, known_apis: Iterable[str] = ()) -> Fault:
    text, _, api = spec.partition("@")
    parts = text.split(":")
    kind = parts[0].strip().lower()
    if kind not in KINDS or len(parts) not in (2, 3):
        raise FaultSpecError(f"--fault {spec!r}: expected KIND:PROBABILITY[:ARG][@API_ID] "
                             f"with KIND one of {', '.join(KINDS)}")
    try:
        probability = float(parts[1])
        arg = int(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise FaultSpecError(f"--fault {spec!r}: probability must be a number and ARG an "
                             "integer") from None
    return _fault({"kind": kind, "probability": probability, "api": api or None,
                   "status": arg if kind == "error" else None,
                   "latency_ms": arg if kind == "latency" else None}, spec, known_apis)


def load_file(path: Path, known_apis: Iterable[str] = ()) -> tuple[list[Fault], int | None]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except OSError as exc:
        raise FaultSpecError(f"{path}: cannot read fault file ({exc.strerror})") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise FaultSpecError(f"{path}: not valid {path.suffix or 'JSON'} ({exc})") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("faults", []), list):
        raise FaultSpecError(f"{path}: expected {{\"seed\": N, \"faults\": [...]}}")
    seed = data.get("seed")
    if seed is not None and not isinstance(seed, int):
        raise FaultSpecError(f"{path}: seed must be an integer")
    faults = [_fault(item, f"{path} faults[{i}]", known_apis)
              for i, item in enumerate(data.get("faults", []))]
    return faults, seed


def _fault(raw: Any, where: str, known_apis: Iterable[str]) -> Fault:
    if not isinstance(raw, Mapping):
        raise FaultSpecError(f"{where}: expected an object")
    kind = raw.get("kind")
    probability = raw.get("probability", 1.0)
    if kind not in KINDS:
        raise FaultSpecError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if not isinstance(probability, int | float) or not 0 <= probability <= 1:
        raise FaultSpecError(f"{where}: probability must be between 0 and 1")
    api = raw.get("api")
    known = list(known_apis)
    if api is not None and api != "*" and known and api not in known:
        raise FaultSpecError(f"{where}: unknown API id {api!r}; valid: {', '.join(known)}")
    status = raw.get("status") or 500
    if kind == "error" and status not in ERROR_STATUSES:
        raise FaultSpecError(f"{where}: error status must be one of {ERROR_STATUSES}")
    latency = raw.get("latency_ms") or 100
    if not isinstance(latency, int) or not 0 <= latency <= 60_000:
        raise FaultSpecError(f"{where}: latency must be 0..60000 milliseconds")
    return Fault(str(kind), float(probability), None if api in (None, "*") else str(api),
                 int(status), latency)


class FaultInjector:
    """Draws the faults of each request; thread-safe and seeded."""

    def __init__(self, faults: Iterable[Fault] = (), seed: int = 0) -> None:
        self.faults = list(faults)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.faults)

    def decide(self, api_id: str | None) -> Decision:
        if not self.faults:
            return Decision()
        latency, kind, status = 0, None, 500
        with self._lock:
            for fault in self.faults:
                if not fault.applies_to(api_id) or self._random.random() >= fault.probability:
                    continue
                if fault.kind == "latency":
                    latency += fault.latency_ms
                elif kind is None:
                    kind, status = fault.kind, fault.status
        return Decision(latency, kind, status)
