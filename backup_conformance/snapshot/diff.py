"""Where two normalised responses differ, as paths with a one-line description each.

``status: 400 -> 500``, ``headers.x-request-id: present -> absent``,
``body.Success: boolean -> string``, ``body.Code: 'A' -> 'B'``: the recording's side first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_ABSENT = object()


@dataclass(frozen=True)
class Difference:
    """One point where the replay's answer departs from the recording's."""

    path: str
    recorded: Any
    replayed: Any

    @property
    def description(self) -> str:
        """``path: recorded -> replayed``, by type when the types differ."""
        old, new = self.recorded, self.replayed
        if old is _ABSENT or new is _ABSENT:
            return f"{self.path}: {_presence(old)} -> {_presence(new)}"
        if json_type(old) != json_type(new):
            return f"{self.path}: {json_type(old)} -> {json_type(new)}"
        if isinstance(old, list):
            return f"{self.path}: {len(old)} items -> {len(new)} items"
        return f"{self.path}: {_show(old)} -> {_show(new)}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "description": self.description,
                "recorded": _plain(self.recorded), "replayed": _plain(self.replayed)}


def json_type(value: Any) -> str:
    """The JSON Schema type name of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def differences(recorded: Mapping[str, Any], replayed: Mapping[str, Any]) -> list[Difference]:
    """Every difference between two ``normalise.response`` results, in path order."""
    found: list[Difference] = []
    if recorded.get("status") != replayed.get("status"):
        found.append(Difference("status", recorded.get("status"), replayed.get("status")))
    old_headers, new_headers = recorded.get("headers", {}), replayed.get("headers", {})
    for name in sorted(set(old_headers) | set(new_headers)):
        old, new = old_headers.get(name, _ABSENT), new_headers.get(name, _ABSENT)
        if old != new:
            found.append(Difference(f"headers.{name}", old, new))
    for key in ("body", "body_text"):
        _walk(key, recorded.get(key, _ABSENT), replayed.get(key, _ABSENT), found)
    return found


def _walk(path: str, old: Any, new: Any, found: list[Difference]) -> None:
    if old is _ABSENT and new is _ABSENT:
        return
    if (old is _ABSENT or new is _ABSENT or json_type(old) != json_type(new)):
        found.append(Difference(path, old, new))
    elif isinstance(old, Mapping):
        for key in sorted(set(old) | set(new)):
            _walk(f"{path}.{key}", old.get(key, _ABSENT), new.get(key, _ABSENT), found)
    elif isinstance(old, list):
        if len(old) != len(new):
            found.append(Difference(path, old, new))
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            _walk(f"{path}[{i}]", a, b, found)
    elif old != new:
        found.append(Difference(path, old, new))


def _presence(value: Any) -> str:
    return "absent" if value is _ABSENT else "present"


def _show(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _plain(value: Any) -> Any:
    return None if value is _ABSENT else value
