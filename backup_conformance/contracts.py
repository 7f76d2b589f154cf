"""Load ``contracts/`` into typed, read-only objects shared by the mock, the checks and the suites.

A ``Contract`` is one API: its OpenAPI document (page facts only), its facts sidecar and the
vendor-common layer of its family. Strictness decides how much of the vendor-common layer a
consumer applies: ``docs`` (the page alone), ``vendor`` (plus the layer; the default) and
``strict`` (plus sensible expectations no document states, each labelled where it is used).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from backup_conformance.paths import contracts_dir

STRICTNESS_LEVELS = ("docs", "vendor", "strict")
#: Validators kept per schema object (contracts are loaded once per process); cleared if some
#: caller keeps passing fresh dicts, so it can never grow without bound.
_VALIDATORS: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}
_MAX_VALIDATORS = 1024


def schema_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator for ``schema``, built once per schema object: building
    one per request or per generated case was measurable work repeated for nothing."""
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_VALIDATORS) >= _MAX_VALIDATORS:
            _VALIDATORS.clear()
        entry = (schema, Draft202012Validator(dict(schema)))
        _VALIDATORS[id(schema)] = entry
    return entry[1]


class ContractError(Exception):
    """The contracts folder is missing a file or holds one that does not parse."""


@dataclass(frozen=True)
class ParameterSpec:
    """One request parameter: where it travels, its decoded-value schema, and its page line."""

    name: str
    location: str  # query | path | header | body
    required: bool
    schema: Mapping[str, Any]
    wire: str  # "plain" | "json" (one JSON-encoded string on the wire)
    source: str  # "page:line" or a vendor-common reference
    layer: str = "page"  # "page" | "vendor-common"


@dataclass(frozen=True)
class Contract:
    api_id: str
    family: str  # alibaba-rpc | huawei-rest
    service: str
    version: str | None
    page: str
    openapi: Mapping[str, Any]
    facts: Mapping[str, Any]
    vendor_common: Mapping[str, Any] = field(repr=False)

    # Cached: a contract is read-only, and the suites ask for these on every generated case.
    @cached_property
    def method(self) -> str:
        return self._path_item()[1].upper()

    @cached_property
    def path(self) -> str:
        return self._path_item()[0]

    @cached_property
    def operation(self) -> Mapping[str, Any]:
        path, method = self._path_item()
        result: Mapping[str, Any] = self.openapi["paths"][path][method]
        return result

    @property
    def action(self) -> str | None:
        """The Alibaba RPC action name (None for REST APIs)."""
        return self.facts.get("action")

    @cached_property
    def parameters(self) -> tuple[ParameterSpec, ...]:
        """Every documented request parameter, Huawei body fields included."""
        specs = [_spec(p) for p in self.operation.get("parameters", [])]
        body = self.operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            schema = body["schema"]
            required = set(schema.get("required", []))
            for name, prop in schema.get("properties", {}).items():
                specs.append(ParameterSpec(name, "body", name in required, prop, "plain",
                                           prop.get("x-source", "")))
        return tuple(specs)

    def parameter(self, name: str) -> ParameterSpec:
        for spec in self.parameters:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.api_id} documents no parameter {name!r}")

    @property
    def responses(self) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self.operation["responses"]
        return result

    @property
    def success_status(self) -> int:
        """The documented 2xx status of a successful call."""
        return min(int(s) for s in self.responses if s.startswith("2"))

    @property
    def documented_statuses(self) -> frozenset[int]:
        """Statuses the page itself documents (responses, status-code and error-code tables)."""
        return frozenset(int(s) for s in self.responses)

    def response_schema(self, status: int) -> Mapping[str, Any] | None:
        """The body schema the page documents for ``status`` (None: no body documented)."""
        response = self.responses.get(str(status), {})
        media = response.get("content", {}).get("application/json")
        return media["schema"] if media else None

    def response_has_no_body(self, status: int) -> bool:
        return bool(self.responses.get(str(status), {}).get("x-empty-body"))

    @property
    def error_codes(self) -> list[Mapping[str, Any]]:
        """The page's error-code table rows: status, code, message, x-source."""
        return list(self.operation.get("x-error-codes", []))

    @property
    def anomalies(self) -> list[Mapping[str, Any]]:
        return list(self.facts.get("anomalies", []))

    @property
    def examples(self) -> list[Mapping[str, Any]]:
        return list(self.facts.get("examples", []))

    def _path_item(self) -> tuple[str, str]:
        ((path, item),) = self.openapi["paths"].items()
        ((method, _),) = ((m, o) for m, o in item.items() if m in _METHODS)
        return path, method


_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _spec(raw: Mapping[str, Any]) -> ParameterSpec:
    if "content" in raw:
        schema, wire = raw["content"]["application/json"]["schema"], "json"
    else:
        schema, wire = raw["schema"], "plain"
    return ParameterSpec(
        name=raw["name"], location=raw["in"], required=bool(raw.get("required")),
        schema=schema, wire=wire, source=raw.get("x-source", ""),
        layer=raw.get("x-layer", "page"),
    )


class Catalogue(Mapping[str, Contract]):
    """Every contract by API id, in a stable order."""

    def __init__(self, contracts: Mapping[str, Contract], root: Path) -> None:
        self._contracts = dict(sorted(contracts.items()))
        self.root = root

    def __getitem__(self, api_id: str) -> Contract:
        try:
            return self._contracts[api_id]
        except KeyError:
            raise KeyError(_unknown_api(api_id, self._contracts)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._contracts)

    def __len__(self) -> int:
        return len(self._contracts)


def _unknown_api(api_id: str, known: Mapping[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(api_id, list(known), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown API id {api_id!r}; valid: {', '.join(known)}.{hint}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{path}: missing; run `backup-conformance extract`") from None
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None


def load_catalogue(root: Path | None = None) -> Catalogue:
    """All contracts under ``root`` (default: the project's or the wheel's ``contracts/``),
    loaded once per folder. A folder written by ``backup-conformance extract --out DIR`` loads
    the same way (``--contracts DIR``); a problem is one ``ContractError`` naming the file."""
    return _load((root or contracts_dir()).resolve())


#: The ``sources/`` folder of every catalogue loaded, in load order (``--contracts DIR``).
_SOURCE_FOLDERS: dict[Path, None] = {}


def source_file(name: str) -> Path | None:
    """The page or vendor appendix a contract cites by file name: from the project's sources
    or those of any catalogue loaded (so a ``--contracts DIR`` run quotes its own pages)."""
    for base in dict.fromkeys([contracts_dir() / "sources", *_SOURCE_FOLDERS]):
        for candidate in (base / name, base / "vendor-common" / Path(name).name):
            if candidate.is_file():
                return candidate
    return None


_ENTRY_KEYS = ("api_id", "family", "service", "page", "openapi", "facts", "vendor_common")


@cache
def _load(base: Path) -> Catalogue:
    if not base.is_dir():
        raise ContractError(f"{base}: no such contracts folder")
    index = _read_json(base / "catalogue.json")
    apis = index.get("apis") if isinstance(index, dict) else None
    if not isinstance(apis, list):
        raise ContractError(f"{base / 'catalogue.json'}: expected an object with an 'apis' list")
    contracts = {}
    for number, entry in enumerate(apis, 1):
        missing = [k for k in _ENTRY_KEYS if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise ContractError(f"{base / 'catalogue.json'}: entry {number} lacks "
                                f"{', '.join(missing)}")
        contract = Contract(
            api_id=entry["api_id"], family=entry["family"], service=entry["service"],
            version=entry.get("version"), page=entry["page"],
            openapi=_read_json(base / entry["openapi"]),
            facts=_read_json(base / entry["facts"]),
            vendor_common=_read_json(base / entry["vendor_common"]),
        )
        try:
            contract.operation  # noqa: B018 - one path and one method, or a clear error
        except (KeyError, ValueError, TypeError):
            raise ContractError(f"{base / entry['openapi']}: expected exactly one path with "
                                "one operation") from None
        contracts[entry["api_id"]] = contract
    if not contracts:
        raise ContractError(f"{base / 'catalogue.json'}: lists no API")
    _SOURCE_FOLDERS[base / "sources"] = None
    return Catalogue(contracts, base)
