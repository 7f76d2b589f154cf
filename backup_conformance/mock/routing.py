"""Request to API: Alibaba RPC by (action, version), Huawei REST by method and path template.

Routes two services share are served only under ``/_services/<service>`` (``SERVICE_PREFIX``);
every other route is served there and at ``/`` too, so the five APIs are where they always were.

Alibaba RPC (vendor-common ``protocol``): ``POST`` or ``GET /``, the action and version in the
``x-acs-action`` / ``x-acs-version`` headers (ACS3) or the ``Action`` / ``Version`` parameters
(RPC v1). Huawei REST: the contract's method and path template; a path that matches a template
under another method is a 405, a path that matches none a 404 (both in the Huawei envelope).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.contracts import Catalogue, Contract, ContractError
from backup_conformance.mock.codes import ErrorCodes, VendorError
from backup_conformance.mock.envelopes import ALIBABA, HUAWEI
from backup_conformance.mock.params import Inbound

_TEMPLATE_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Route:
    contract: Contract
    path_params: Mapping[str, str] = field(default_factory=dict)


class RoutingError(Exception):
    """No API answers this request; carries the vendor error and the rule it broke."""

    def __init__(self, family: str, error: VendorError, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.family = family
        self.error = error
        self.rule = rule
        self.detail = detail


@dataclass(frozen=True)
class _Template:
    contract: Contract
    pattern: re.Pattern[str]


#: Every service is also served under ``/_services/<service>``: two services may document the
#: same route (``DELETE /v3/{project_id}/backups/{backup_id}`` is CBR's, RDS's and VBS's, each
#: on its own host), and one mock has one host. Routes no two services share stay at ``/``.
SERVICE_PREFIX = "/_services/"


def split_service(path: str) -> tuple[str | None, str]:
    """``/_services/rds/v3/p/backups`` -> ``("rds", "/v3/p/backups")``; else ``(None, path)``."""
    if not path.startswith(SERVICE_PREFIX):
        return None, path
    service, _, rest = path[len(SERVICE_PREFIX):].partition("/")
    return service, "/" + rest


def _route_key(contract: Contract) -> tuple[str, ...]:
    if contract.family == ALIBABA:
        action = contract.action or contract.api_id.split(".", 1)[-1]
        return ("rpc", action, contract.version or "")
    return (contract.method, _TEMPLATE_VAR.sub("{}", contract.path).rstrip("/"))


class _Table:
    """The routes of some contracts: RPC (action, version) and REST templates."""

    def __init__(self, contracts: list[Contract]) -> None:
        self.rpc: dict[str, dict[str, Contract]] = {}
        self.templates: list[_Template] = []
        self.methods: dict[str, set[str]] = {}
        for contract in contracts:
            if contract.family == ALIBABA:
                action = contract.action or contract.api_id.split(".", 1)[1]
                self.rpc.setdefault(action, {})[contract.version or ""] = contract
                protocol: Mapping[str, Any] = contract.vendor_common.get("protocol", {})
                methods = {str(m).upper() for m in protocol.get("methods", ["POST", "GET"])}
                self.methods[contract.api_id] = methods | {contract.method}
            else:
                self.templates.append(_Template(contract, _compile(contract.path)))
        # The most specific template first: ``.../os-vendor-backup-sharing/detail`` must win
        # over ``.../os-vendor-backup-sharing/{id}`` (a literal segment beats a variable).
        self.templates.sort(key=lambda t: _specificity(t.contract.path))


class Router:
    """Built once from the catalogue; ``route`` is pure and thread-safe."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._family_errors: dict[str, ErrorCodes] = {}
        by_key: dict[tuple[str, ...], list[Contract]] = {}
        by_service: dict[str, list[Contract]] = {}
        for contract in catalogue.values():
            self._family_errors.setdefault(
                contract.family, ErrorCodes.of_family(contract.family, contract.vendor_common))
            by_key.setdefault(_route_key(contract), []).append(contract)
            by_service.setdefault(contract.service, []).append(contract)
        for key, group in by_key.items():
            services = [c.service for c in group]
            twice = sorted({s for s in services if services.count(s) > 1})
            if twice:
                names = ", ".join(sorted(c.api_id for c in group if c.service in twice))
                raise ContractError(f"{catalogue.root}: {names} document the same route "
                                    f"({' '.join(key)}) in one service: a mock cannot tell "
                                    "them apart; keep one in this contracts folder")
        shared = [c for group in by_key.values() if len(group) > 1 for c in group]
        #: Services with a route another service documents too: reach them by prefix.
        self.prefixed = frozenset(c.service for c in shared)
        self._shared = _Table(shared)
        self._root = _Table([c for group in by_key.values() if len(group) == 1 for c in group])
        self._services = {name: _Table(group) for name, group in by_service.items()}

    def errors(self, family: str) -> ErrorCodes:
        return self._family_errors.get(family) or ErrorCodes(family, None, [])

    @staticmethod
    def family_of(path: str) -> str:
        """``/`` (or ``/_services/<service>/``) is the RPC endpoint; every other path is a REST
        resource."""
        return ALIBABA if split_service(path)[1] in ("", "/") else HUAWEI

    def route(self, inbound: Inbound) -> Route:
        service, path = split_service(inbound.path)
        family = self.family_of(path)
        table = self._root if service is None else self._services.get(service)
        if table is None:
            raise RoutingError(family, self.errors(family).get(
                "no-such-api" if family == HUAWEI else "unknown-action"), "unknown-service",
                f"no documented API of a service {str(service)[:40]!r} (under {SERVICE_PREFIX})")
        try:
            if family == ALIBABA:
                return self._route_rpc(table, inbound)
            return self._route_rest(table, inbound, path)
        except RoutingError as exc:
            if service is None and self._shared_route(inbound, path, family):
                names = ", ".join(sorted(self.prefixed))
                raise RoutingError(exc.family, exc.error, "shared-route",
                                   f"{exc.detail}; several services document this route: "
                                   f"call it under {SERVICE_PREFIX}<service> ({names})") from None
            raise

    def _shared_route(self, inbound: Inbound, path: str, family: str) -> bool:
        try:
            if family == ALIBABA:
                self._route_rpc(self._shared, inbound)
            else:
                self._route_rest(self._shared, inbound, path)
        except RoutingError:
            return False
        return True

    def _route_rpc(self, table: _Table, inbound: Inbound) -> Route:
        errors = self.errors(ALIBABA)
        params = inbound.rpc_params()
        action = inbound.header("x-acs-action") or params.get("Action")
        version = inbound.header("x-acs-version") or params.get("Version")
        if not action:
            raise RoutingError(ALIBABA, errors.get("missing-parameter", parameter="Action"),
                               "missing-action", "no x-acs-action header or Action parameter")
        versions = table.rpc.get(action)
        if versions is None:
            raise RoutingError(ALIBABA, errors.get("unknown-action"), "unknown-action",
                               f"no documented API has the action {action[:80]!r}")
        if not version:
            raise RoutingError(ALIBABA, errors.get("missing-parameter", parameter="Version"),
                               "missing-version", "no x-acs-version header or Version parameter")
        contract = versions.get(version)
        if contract is None:
            known = ", ".join(sorted(versions))
            raise RoutingError(ALIBABA, errors.get("unknown-version"), "unknown-version",
                               f"{action} is documented for version {known}, not {version[:40]!r}")
        if inbound.method not in table.methods[contract.api_id]:
            raise RoutingError(ALIBABA, errors.get("unsupported-method"), "method",
                               f"{inbound.method} is not an RPC method (POST or GET)")
        return Route(contract)

    def _route_rest(self, table: _Table, inbound: Inbound, path: str) -> Route:
        path_matched: list[Contract] = []
        for template in table.templates:
            match = template.pattern.match(path)
            if not match:
                continue
            if template.contract.method == inbound.method:
                return Route(template.contract, match.groupdict())
            path_matched.append(template.contract)
        errors = self.errors(HUAWEI)
        if path_matched:
            allowed = ", ".join(sorted({c.method for c in path_matched}))
            raise RoutingError(HUAWEI, errors.get("method-not-allowed"), "method",
                               f"{inbound.method} {path[:120]}: documented method is "
                               f"{allowed}")
        raise RoutingError(HUAWEI, errors.get("no-such-api"), "unknown-path",
                           f"no documented API at {inbound.method} {path[:120]}")


def _specificity(template: str) -> tuple[tuple[int, ...], str]:
    """Sort key: per segment 0 for a literal and 1 for a variable, then the text (stable)."""
    segments = [s for s in template.split("/") if s]
    return tuple(1 if _TEMPLATE_VAR.fullmatch(s) else 0 for s in segments), template


def _compile(template: str) -> re.Pattern[str]:
    """``/v3/{project_id}/backups/{backup_id}`` -> a regex with one named group per variable;
    a trailing ``/`` is tolerated (the Huawei SDK signs a canonical URI ending in ``/``)."""
    parts = []
    last = 0
    for match in _TEMPLATE_VAR.finditer(template):
        parts.append(re.escape(template[last:match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    parts.append(re.escape(template[last:].rstrip("/")))
    return re.compile("^" + "".join(parts) + "/?$")
