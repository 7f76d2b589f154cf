"""Request to API: Alibaba RPC by (action, version), Huawei REST by method and path template.

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

from backup_conformance.contracts import Catalogue, Contract
from backup_conformance.mock.codes import ErrorCodes, VendorError
from backup_conformance.mock.envelopes import ALIBABA, HUAWEI
from backup_conformance.validation.inbound import Inbound

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


class Router:
    """Built once from the catalogue; ``route`` is pure and thread-safe."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._rpc: dict[str, dict[str, Contract]] = {}
        self._templates: list[_Template] = []
        self._family_errors: dict[str, ErrorCodes] = {}
        self._methods: dict[str, set[str]] = {}
        for contract in catalogue.values():
            self._family_errors.setdefault(
                contract.family, ErrorCodes.of_family(contract.family, contract.vendor_common))
            if contract.family == ALIBABA:
                action = contract.action or contract.api_id.split(".", 1)[1]
                self._rpc.setdefault(action, {})[contract.version or ""] = contract
                protocol: Mapping[str, Any] = contract.vendor_common.get("protocol", {})
                methods = {str(m).upper() for m in protocol.get("methods", ["POST", "GET"])}
                self._methods[contract.api_id] = methods | {contract.method}
            else:
                self._templates.append(_Template(contract, _compile(contract.path)))

    def errors(self, family: str) -> ErrorCodes:
        return self._family_errors.get(family) or ErrorCodes(family, None, [])

    @staticmethod
    def family_of(path: str) -> str:
        """``/`` is the RPC endpoint; every other path is a REST resource."""
        return ALIBABA if path in ("", "/") else HUAWEI

    def route(self, inbound: Inbound) -> Route:
        if self.family_of(inbound.path) == ALIBABA:
            return self._route_rpc(inbound)
        return self._route_rest(inbound)

    def _route_rpc(self, inbound: Inbound) -> Route:
        errors = self.errors(ALIBABA)
        params = inbound.rpc_params()
        action = inbound.header("x-acs-action") or params.get("Action")
        version = inbound.header("x-acs-version") or params.get("Version")
        if not action:
            raise RoutingError(ALIBABA, errors.get("missing-parameter", parameter="Action"),
                               "missing-action", "no x-acs-action header or Action parameter")
        versions = self._rpc.get(action)
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
        if inbound.method not in self._methods[contract.api_id]:
            raise RoutingError(ALIBABA, errors.get("unsupported-method"), "method",
                               f"{inbound.method} is not an RPC method (POST or GET)")
        return Route(contract)

    def _route_rest(self, inbound: Inbound) -> Route:
        path_matched: list[Contract] = []
        for template in self._templates:
            match = template.pattern.match(inbound.path)
            if not match:
                continue
            if template.contract.method == inbound.method:
                return Route(template.contract, match.groupdict())
            path_matched.append(template.contract)
        errors = self.errors(HUAWEI)
        if path_matched:
            allowed = ", ".join(sorted({c.method for c in path_matched}))
            raise RoutingError(HUAWEI, errors.get("method-not-allowed"), "method",
                               f"{inbound.method} {inbound.path[:120]}: documented method is "
                               f"{allowed}")
        raise RoutingError(HUAWEI, errors.get("no-such-api"), "unknown-path",
                           f"no documented API at {inbound.method} {inbound.path[:120]}")


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
