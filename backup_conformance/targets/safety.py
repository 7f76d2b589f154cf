"""The destructive-call guard: the suite never touches a resource it does not own.

All five APIs destroy something (cancel a job, stop a plan, cancel a sharing, delete client
resources, delete a backup). Before a destructive request is sent, every value of every
resource-id parameter of that API (``resources.json``) must be *safe*, else ``SafetyError``
and nothing is sent. A value is split into words (runs of ``[A-Za-z0-9._~-]``; JSON lists and
comma-separated lists thereby give one word per id) and is safe when, whole or word by word,
it is one of:

- an id obtained through the ``ResourceLedger`` in this run (a provider state's values);
- an id in the service's ``allowlist`` in the profile, or the profile's own ``project_id``;
- a *reserved* id: ``bc-nonexistent-`` followed by anything (``nonexistent_id()`` makes one
  from a uuid4). Negative tests use these: such an id cannot name anybody's real resource, so
  a test may vary its length, case or type of surrounding syntax freely;
- a JSON literal (``true``, ``false``, ``null``) or no word at all (empty string, ``"[]"``,
  ``"{"``): values that name nothing. Numbers count as words and are refused.

Omitted parameters are safe. ``Raw`` values are judged by their text, so a malformed-JSON
test must build its broken JSON from reserved ids, e.g. ``Raw('["bc-nonexistent-1",')``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from backup_conformance.targets.data import api_safety, reserved_prefix
from backup_conformance.targets.errors import SafetyError
from backup_conformance.targets.wire import OMIT, At, Raw

_WORD = re.compile(r"[A-Za-z0-9._~-]+")
_LITERALS = frozenset({"true", "false", "null"})


def nonexistent_id(label: str = "") -> str:
    """A reserved id that names no real resource: ``bc-nonexistent-[label-]<uuid4 hex>``."""
    middle = f"{label}-" if label else ""
    return f"{reserved_prefix()}{middle}{uuid.uuid4().hex}"


def is_reserved(value: str) -> bool:
    return value.startswith(reserved_prefix())


class SafetyGuard:
    """Refuses destructive calls naming ids outside the ledger, the allowlist and the reserve.

    ``owned`` is asked per id (normally ``ResourceLedger.owns``), so ids obtained after the
    guard was built count at once.
    """

    def __init__(self, allowlist: Mapping[str, Iterable[str]] | None = None,
                 owned: Callable[[str], bool] | None = None) -> None:
        self._allow = {svc: frozenset(ids) for svc, ids in (allowlist or {}).items()}
        self._owned = owned or (lambda _value: False)

    @classmethod
    def from_profile(cls, profile: Any, owned: Callable[[str], bool] | None = None
                     ) -> SafetyGuard:
        """Allowlists and project ids of every service of ``profile``."""
        allow = {}
        for name, target in profile.services.items():
            ids = set(target.allowlist)
            if target.project_id:
                ids.add(target.project_id)
            allow[name] = ids
        return cls(allow, owned)

    def check(self, api_id: str, service: str, params: Mapping[str, Any]) -> None:
        """Raise ``SafetyError`` unless every resource id in ``params`` is safe to touch."""
        info = api_safety(api_id)
        if not info["destructive"]:
            return
        for name in info["resource_ids"]:
            if name not in params:
                continue
            value = params[name]
            if isinstance(value, At):
                value = value.value
            for word in self._unsafe_words(service, value):
                raise SafetyError(
                    f"{api_id}: refusing to send {name}={word!r}: a destructive call may only "
                    f"name ids obtained through a provider state, allowlisted in the profile, "
                    f"or reserved ({reserved_prefix()}...); nothing was sent")

    def is_safe(self, service: str, value: str) -> bool:
        """Whether one id may be named by a destructive call on ``service``."""
        return is_reserved(value) or value in _LITERALS or self._known(service, value)

    def _unsafe_words(self, service: str, value: Any) -> list[str]:
        if value is None or value is OMIT:
            return []
        if isinstance(value, Raw):
            value = value.text
        if isinstance(value, (list, tuple)):
            return [w for item in value for w in self._unsafe_words(service, item)]
        if isinstance(value, Mapping):
            return [w for item in value.values() for w in self._unsafe_words(service, item)]
        if isinstance(value, bool):
            return []
        if not isinstance(value, str):
            value = json.dumps(value)
        if self._known(service, value):
            return []
        parsed = _json_container(value)
        if parsed is not None:  # a JSON list or object as text: judge its items
            return self._unsafe_words(service, parsed)
        return [w for w in _WORD.findall(value) if not self.is_safe(service, w)]

    def _known(self, service: str, value: str) -> bool:
        return value in self._allow.get(service, ()) or self._owned(value)


def _json_container(text: str) -> list[Any] | dict[str, Any] | None:
    stripped = text.strip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    return parsed if isinstance(parsed, (list, dict)) else None
