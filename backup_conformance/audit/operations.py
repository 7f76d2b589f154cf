"""Which documented operation a recorded request is: Alibaba RPC by action and version (the
``x-acs-action`` / ``x-acs-version`` headers, or ``Action`` / ``Version`` in the query or form
body), Huawei REST by method and path template. Anything else is an undocumented operation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from backup_conformance.contracts import Catalogue, Contract
from backup_conformance.validation import Inbound

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Resolved:
    """The contract (``None``: undocumented) and, for REST, the path parameters; ``received``
    and ``documented`` say what the request named and what the contracts know."""

    contract: Contract | None
    path_params: Mapping[str, str] = field(default_factory=dict)
    received: str = ""
    documented: str = ""
    source: str = ""


class Operations:
    """Built once per audit from the catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._rpc: dict[tuple[str, str], Contract] = {}
        self._rest: list[tuple[re.Pattern[str], Contract]] = []
        for contract in catalogue.values():
            if contract.family == "alibaba-rpc":
                action = contract.action or contract.api_id.split(".", 1)[1]
                self._rpc[(action, contract.version or "")] = contract
            else:
                self._rest.append((_template(contract.path), contract))

    def resolve(self, inbound: Inbound) -> Resolved:
        if inbound.path in ("", "/"):
            return self._rpc_call(inbound)
        for pattern, contract in self._rest:
            match = pattern.match(inbound.path)
            if match and contract.method == inbound.method:
                return Resolved(contract, match.groupdict())
        known = sorted(f"{c.method} {c.path}" for _, c in self._rest)
        return Resolved(None, received=f"{inbound.method} {inbound.path[:120]}",
                        documented=", ".join(known),
                        source="the Huawei pages' URI sections (contracts/catalogue.json)")

    def _rpc_call(self, inbound: Inbound) -> Resolved:
        params = inbound.rpc_params()
        action = inbound.header("x-acs-action") or params.get("Action") or ""
        version = inbound.header("x-acs-version") or params.get("Version") or ""
        contract = self._rpc.get((action, version))
        if contract is not None:
            return Resolved(contract)
        known = ", ".join(f"{a} ({v})" for a, v in sorted(self._rpc))
        return Resolved(None, received=f"Action={action[:80] or '(none)'} "
                                       f"Version={version[:40] or '(none)'}",
                        documented=known,
                        source="the Alibaba pages' API names and versions "
                               "(contracts/catalogue.json)")


def _template(path: str) -> re.Pattern[str]:
    """``/v3/{project_id}/backups/{backup_id}``: one named group per variable; a trailing ``/``
    is tolerated (the Huawei SDK signs a canonical URI ending in ``/``)."""
    parts, last = [], 0
    for match in _VARIABLE.finditer(path):
        parts += [re.escape(path[last:match.start()]), f"(?P<{match.group(1)}>[^/]+)"]
        last = match.end()
    parts.append(re.escape(path[last:].rstrip("/")))
    return re.compile("^" + "".join(parts) + "/?$")
