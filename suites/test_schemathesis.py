"""Schemathesis runs: cases generated from each OpenAPI document, in positive and negative
mode, sent through the run's client (auth, safety guard) and judged twice: by schemathesis'
own ``not_a_server_error`` and by our checks for the case's real kind.

Generated ids name nothing we own: positive cases get live resources, negative ones reserved
ids (or live ones when only another parameter is broken); the kind is read off the request
actually sent (``cases/generated.py``), and a case whose kind is unclear is judged only by the
checks that hold for every kind. Examples follow the active hypothesis profile (``ci``: 10 per
API and mode, deterministic). Failures are not shrunk: a schemathesis case shrinks through
hundreds of calls, each one more request to the target (and, in positive mode, one more
resource); the failing example is reported with its exact request instead.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, reject
from hypothesis.errors import Unsatisfiable

from backup_conformance.cases.generated import (
    from_case,
    not_a_server_error,
    sendable,
    strategy,
)
from backup_conformance.cases.judging import judge_all, run_examples
from backup_conformance.contracts import Contract
from backup_conformance.runtime import NotRunnable, Run

pytestmark = pytest.mark.check("schemathesis")


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_case_is_judged(bc_run: Run, bc_contract: Contract, mode: str) -> None:
    def one(case: Any) -> None:
        generated = from_case(bc_contract, case, mode, bc_run.obtain)
        if not sendable(bc_contract, generated.params):
            reject()
        exchange = bc_run.send(bc_contract, generated.params)
        judge_all(bc_run, bc_contract, generated.kind, exchange,
                  extra=[not_a_server_error(case, exchange)])

    try:
        run_examples(strategy(bc_contract, mode), one, shrink=False,
                     scope=bc_run.each_example, suppress=(HealthCheck.filter_too_much,))
    except Unsatisfiable:
        # E.g. negative mode on an operation whose only parameters are unconstrained path
        # strings: schemathesis finds nothing to break that HTTP can carry.
        raise NotRunnable(f"schemathesis generated no sendable {mode} case for "
                          f"{bc_contract.api_id}") from None
