"""The behaviour of any operation served from its contract alone (no per-API code).

Validation has already passed (``validation.py``, driven by the same contract). The call then
meets its inferred lifecycle (``backup_conformance.inferred``): every resource its id
parameters name must exist (else the vendor's not-found error), and its verb's effect is
applied (Delete removes, Cancel/Stop/Start... record the new status, Create records the ids
its answer names). The success body comes from the response schema and the page's sample
(``bodies.py``), with the requested ids echoed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backup_conformance.contracts import Contract
from backup_conformance.inferred import CREATE, lifecycle_of
from backup_conformance.mock.bodies import BodyTemplate
from backup_conformance.mock.generic_state import GenericWorld, registers_created
from backup_conformance.mock.operations import Outcome


class GenericOperation:
    """A ``Handler`` (``operations.HANDLERS`` signature) for one contract."""

    def __init__(self, contract: Contract, world: GenericWorld) -> None:
        self.contract = contract
        self.lifecycle = lifecycle_of(contract)
        self.template = BodyTemplate(contract, contract.success_status)
        self.world = world
        self._record = registers_created(self.lifecycle)

    def __call__(self, _world: Any, values: Mapping[str, Any], path: Mapping[str, str],
                 status: int, switches: frozenset[str] = frozenset()) -> Outcome:
        named = {**values, **path}
        missing = self.world.apply(self.lifecycle, named)
        if missing is not None:
            shown = str(named.get(missing))[:80]
            return Outcome.fail("not-found", parameter=missing,
                                detail=f"{missing} {shown} does not exist.")
        echo = {s.name: named.get(s.name) for s in self.lifecycle.ids}
        body = self.template.render(echo, fresh_ids=self.lifecycle.effect == CREATE)
        if self._record is not None and body is not None:
            self._record(self.world, body)
        return Outcome(status, body)
