"""Which vendor error (code, HTTP status, message) the mock answers in each situation.

The mock never hard-codes an error code where the contracts hold one: ``error_choices.json``
names candidate codes per situation, and :class:`ErrorCodes` takes the first candidate found in
the contract's own error table or in its vendor-common layer, with that row's status and
message. Only when no table holds a candidate does the JSON's ``fallback`` apply, and each
fallback says where its code and status come from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.contracts import Contract

_CHOICES = Path(__file__).with_name("error_choices.json")
_PLACEHOLDERS = ('"<parameter name>"', '""', "%s")


@dataclass(frozen=True)
class VendorError:
    """One vendor error as sent on the wire, with where the code and status were found."""

    code: str
    status: int
    message: str
    source: str

    def with_parameter(self, name: str | None) -> VendorError:
        """Fill the table message's parameter placeholder (``""``, ``<parameter name>``, %s);
        with no name, drop the placeholder rather than show it."""
        message = self.message
        for placeholder in _PLACEHOLDERS:
            if placeholder in message:
                if name is None:
                    message = message.replace(f" {placeholder}", "", 1)
                else:
                    quoted = f'"{name}"' if placeholder != "%s" else name
                    message = message.replace(placeholder, quoted, 1)
                break
        return VendorError(self.code, self.status, message, self.source)

    def with_detail(self, detail: str) -> VendorError:
        return VendorError(self.code, self.status, f"{self.message} {detail}".strip(), self.source)


@cache
def _choices() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_CHOICES.read_text(encoding="utf-8"))
    return data


class ErrorCodes:
    """Error look-up for one API (its page rows first, then its vendor-common rows), or for a
    whole family before any API is known (``service=None``: vendor-common rows only)."""

    def __init__(self, family: str, service: str | None, rows: Iterable[Mapping[str, Any]],
                 statuses: Iterable[int] = (), complete: Iterable[str] = ()):
        self.family = family
        self.service = service
        self._rows = list(rows)
        self._statuses = frozenset(statuses)  # the page's documented 4xx/5xx, if it lists any
        self._complete = frozenset(complete)  # files of the tables that are complete

    @classmethod
    def of(cls, contract: Contract) -> ErrorCodes:
        statuses = [int(r["status"]) for r in contract.operation.get("x-status-codes", [])
                    if r.get("kind") == "abnormal"]
        tables = contract.vendor_common.get("error_tables", [])
        complete = [str(t.get("file")) for t in tables if isinstance(t, Mapping)
                    and t.get("complete")]
        return cls(contract.family, contract.service, _rows(contract), statuses, complete)

    @classmethod
    def of_family(cls, family: str, vendor_common: Mapping[str, Any]) -> ErrorCodes:
        table = vendor_common.get("error_codes", [])
        rows = table if isinstance(table, list) else []
        return cls(family, None, rows)

    def get(self, situation: str, *, parameter: str | None = None) -> VendorError:
        """The error for ``situation`` (e.g. ``missing-parameter``, ``not-found``)."""
        try:
            entry = self._entry(situation)
        except KeyError:
            if self.service is None:
                raise
            error = self._generic(situation, parameter)  # a service no entry covers
        else:
            error = self._from_tables(entry) or _fallback(entry, situation)
        return error.with_parameter(parameter)

    def _generic(self, situation: str, parameter: str | None) -> VendorError:
        """``error_choices.json`` ``generic``: with a status the page documents, a row of
        this API's tables (complete vendor tables first, since only they close the set of
        codes a status may carry), preferring a code that reads like the situation, names the
        parameter's resource (``SnapshotId`` -> ``...Snapshot...``) and is about nothing
        else (``avoid``: access keys, actions...); else the family's fallback code."""
        entry = _choices()["generic"][situation]
        wanted = [s for s in entry["statuses"] if not self._statuses or s in self._statuses]
        wanted = wanted or sorted(s for s in self._statuses if 400 <= s < 500)[:1]
        words = [w.lower() for w in entry["words"]]
        avoid = [w.lower() for w in _choices()["generic"]["avoid"]]
        stem = _stem(parameter)
        for status in wanted:
            rows = [r for r in self._rows if _status(r) == status and r.get("code")]
            rows.sort(key=lambda r: (self._file(r) not in self._complete,
                                     any(w in _text(r) for w in avoid),
                                     not (stem and stem in _text(r)),
                                     not any(w in _text(r) for w in words)))
            named = bool(entry.get("names_resource"))  # a not-found code names its resource
            generic = set(entry.get("codes", []))  # codes about any resource (ResourceNotFound)
            rows.sort(key=lambda r: str(r["code"]) not in generic)  # stable: after the above
            rows.sort(key=lambda r: not (stem and stem in _text(r)))
            rows.sort(key=lambda r: self._file(r) not in self._complete)
            usable = [r for r in rows if self._file(r) in self._complete or (
                any(w in _text(r) for w in words) and not any(w in _text(r) for w in avoid)
                and (not named or (stem and stem in _text(r)) or str(r["code"]) in generic))]
            if usable:
                row = usable[0]
                return VendorError(str(row["code"]), status, str(row.get("message") or
                                                                  row["code"]),
                                   str(row.get("source", "")))
        fb = entry["fallback"][self.family]
        status = wanted[0] if wanted else int(fb["status"])
        return VendorError(fb["code"], status, fb["message"], fb["source"])

    @staticmethod
    def _file(row: Mapping[str, Any]) -> str:
        return str(row.get("source", "")).rsplit(":", 1)[0]

    def _entry(self, situation: str) -> Mapping[str, Any]:
        choices = _choices()[self.family]
        if self.family == "alibaba-rpc":
            entry = choices.get(f"{self.service}.{situation}") or choices.get(situation)
        else:
            entry = choices.get(self.service or "", {}).get(situation)
            entry = entry or choices["gateway"].get(situation)
        if entry is None:
            raise KeyError(f"error_choices.json has no {situation!r} for {self.family} "
                           f"{self.service or '(gateway)'}")
        result: Mapping[str, Any] = entry
        return result

    def _from_tables(self, entry: Mapping[str, Any]) -> VendorError | None:
        prefer: list[str] = list(entry.get("prefer", []))
        for code in entry.get("codes", []):
            rows = [r for r in self._rows if r.get("code") == code]
            if not rows:
                continue
            rows.sort(key=lambda r: _rank(str(r.get("source", "")), prefer))
            row = rows[0]
            status = row.get("status") or entry.get("status")
            if status is None:
                continue
            return VendorError(code, int(status), str(row.get("message") or code),
                               str(row.get("source", "")))
        return None


def _fallback(entry: Mapping[str, Any], situation: str) -> VendorError:
    fb = entry.get("fallback")
    if not fb:
        raise KeyError(f"error_choices.json: {situation!r} has no fallback")
    return VendorError(fb["code"], int(fb["status"]), fb["message"], fb["source"])


def _stem(parameter: str | None) -> str:
    """``SnapshotId`` / ``backup_id`` -> ``snapshot`` / ``backup`` (the resource it names)."""
    if not parameter:
        return ""
    for suffix in ("Ids", "Id", "_ids", "_id"):
        if parameter.endswith(suffix) and len(parameter) > len(suffix):
            return parameter[: -len(suffix)].lower()
    return ""


def _status(row: Mapping[str, Any]) -> int | None:
    try:
        return int(row.get("status"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _text(row: Mapping[str, Any]) -> str:
    return f"{row.get('code', '')} {row.get('message', '')}".lower()


def _rank(source: str, prefer: list[str]) -> int:
    for index, name in enumerate(prefer):
        if source.startswith(name) or f"/{name}" in source:
            return index
    return len(prefer)


def _rows(contract: Contract) -> Iterable[Mapping[str, Any]]:
    for row in contract.error_codes:
        yield {"code": row.get("code"), "status": row.get("status"),
               "message": row.get("message"), "source": row.get("x-source", "")}
    table = contract.vendor_common.get("error_codes", [])
    if isinstance(table, Mapping):
        table = table.get(contract.service, [])
    yield from table
