"""Read recordings entry by entry: HAR 1.2, vcrpy YAML cassettes, the mock's JSON lines.

HAR files are streamed with ``ijson`` (one entry in memory at a time, so a 100k-entry export
stays flat; ``bench/audit_memory.py``); the mock's JSON lines are read line by line; vcrpy
cassettes are YAML documents read whole (vcrpy itself loads them whole). Anything unreadable
raises ``InputError`` naming the file and the entry: not JSON, not HAR, truncated, a body
that is not text.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import ijson
import yaml

from backup_conformance.audit.entries import InputError, Recorded

HAR_ENTRIES = "log.entries.item"


def read(path: Path) -> Iterator[Recorded]:
    """Every exchange in ``path``, in file order (format told from the content)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        head = handle.read(4096)
        handle.seek(0)
        if b"\x00" in head:
            raise InputError(f"{path}: binary file, not a HAR, cassette or mock recording")
        text = head.lstrip()
        if text.startswith(b"{"):
            first_line = head.split(b"\n", 1)[0]
            if _is_mock_line(first_line):
                yield from _mock_lines(path, handle)
            else:
                yield from _har(path, handle)
        elif text.startswith((b"interactions:", b"---", b"version:")) or b"interactions:" in head:
            yield from _cassette(path, handle)
        else:
            raise InputError(f"{path}: not JSON (a HAR or mock recording) nor a vcrpy YAML "
                             "cassette")


def _is_mock_line(line: bytes) -> bool:
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and {"method", "path", "status", "verdict"} <= set(value)


# --- HAR 1.2 ------------------------------------------------------------------------------
def _har(path: Path, handle: IO[bytes]) -> Iterator[Recorded]:
    index = -1
    try:
        for index, entry in enumerate(ijson.items(handle, HAR_ENTRIES, use_float=True)):
            yield _har_entry(path, index, entry)
    except ijson.JSONError as exc:
        at = f"entry {index + 1}" if index >= 0 else "its first entry"
        if _premature_end(exc):
            raise InputError(f"{path}: truncated at {at} ({_short(exc)})") from None
        raise InputError(f"{path}: not JSON at {at} ({_short(exc)})") from None
    if index < 0:
        handle.seek(0)
        try:
            versions = list(ijson.items(handle, "log.version"))
        except ijson.JSONError as exc:
            raise InputError(f"{path}: not JSON ({_short(exc)})") from None
        if not versions:
            raise InputError(f"{path}: not HAR (no log.version / log.entries)")


def _har_entry(path: Path, index: int, entry: Any) -> Recorded:
    where = f"{path} entry {index}"
    if not isinstance(entry, Mapping):
        raise InputError(f"{where}: not a HAR entry (an object with request and response)")
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, Mapping) or not isinstance(response, Mapping):
        raise InputError(f"{where}: not a HAR entry (request or response missing)")
    try:
        method, url = str(request["method"]), str(request["url"])
        status = int(response["status"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: not a HAR entry ({exc} missing or malformed)") from None
    post = request.get("postData") or {}
    body = _text_body(where, "request", post.get("text"), post.get("encoding"))
    content = response.get("content") or {}
    answer = _text_body(where, "response", content.get("text"), content.get("encoding"))
    return Recorded(str(path), index, _when(entry.get("startedDateTime")), method, url,
                    _har_headers(where, request.get("headers")), body, status,
                    _har_headers(where, response.get("headers")), answer,
                    redacted=bool(entry.get("_redacted")))


def _har_headers(where: str, headers: Any) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if not isinstance(headers, list) or not all(isinstance(h, Mapping) for h in headers):
        raise InputError(f"{where}: headers are not a list of {{name, value}} objects")
    return [(str(h.get("name", "")), str(h.get("value", ""))) for h in headers]


def _text_body(where: str, side: str, text: Any, encoding: Any) -> bytes:
    if text is None or text == "":
        return b""
    if encoding == "base64":
        try:
            raw = base64.b64decode(str(text), validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"{where}: the {side} body is not valid base64") from None
    else:
        raw = str(text).encode("utf-8", "surrogatepass")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where}: binary {side} body (not UTF-8 text); these APIs exchange "
                         "JSON and form text only") from None
    return raw


# --- the mock's JSON lines ------------------------------------------------------------------
def _mock_lines(path: Path, handle: IO[bytes]) -> Iterator[Recorded]:
    for index, line in enumerate(handle):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            method, uri, status = str(value["method"]), str(value["path"]), int(value["status"])
            raw = value.get("headers") or {}
            pairs = raw.items() if isinstance(raw, Mapping) else raw
            headers = [(str(k), str(v)) for k, v in pairs]
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path} entry {index}: not a mock recording line (truncated "
                             "or not JSON)") from None
        host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
        yield Recorded(str(path), index, _when(value.get("time")), method,
                       f"http://{host}{uri}", headers, b"", status, [], None, redacted=True)


# --- vcrpy cassettes ----------------------------------------------------------------------
def _cassette(path: Path, handle: IO[bytes]) -> Iterator[Recorded]:
    try:
        data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}:{line.strip()}: not a vcrpy YAML cassette (YAML error)"
                         ) from None
    interactions = data.get("interactions") if isinstance(data, Mapping) else None
    if not isinstance(interactions, list):
        raise InputError(f"{path}: not a vcrpy cassette (no interactions list)")
    for index, interaction in enumerate(interactions):
        yield _interaction(path, index, interaction)


def _interaction(path: Path, index: int, interaction: Any) -> Recorded:
    where = f"{path} entry {index}"
    try:
        request, response = interaction["request"], interaction["response"]
        method, url = str(request["method"]), str(request["uri"])
        status = int(response["status"]["code"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{where}: not a vcrpy interaction (request.method/uri, "
                         "response.status.code)") from None
    body = response.get("body")
    answer = body.get("string") if isinstance(body, Mapping) else body
    return Recorded(str(path), index, None, method, url,
                    _vcr_headers(request.get("headers")), _vcr_body(where, "request",
                                                                    request.get("body")),
                    status, _vcr_headers(response.get("headers")),
                    _vcr_body(where, "response", answer))


def _vcr_headers(headers: Any) -> list[tuple[str, str]]:
    if not isinstance(headers, Mapping):
        return []
    pairs = []
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((str(name), str(value)))
    return pairs


def _vcr_body(where: str, side: str, body: Any) -> bytes:
    if body is None:
        return b""
    raw = body if isinstance(body, bytes) else str(body).encode("utf-8")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where}: binary {side} body (not UTF-8 text)") from None
    return raw


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _premature_end(exc: Exception) -> bool:
    text = str(exc).lower()
    return "premature eof" in text or ("incomplete" in text and "unallowed" not in text)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
