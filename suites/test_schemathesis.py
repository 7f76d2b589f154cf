"""Schemathesis runs: generated cases of each OpenAPI document, in positive and negative mode,
sent through the run's client (auth, safety guard) and judged twice: by schemathesis' own
``not_a_server_error`` and by our checks for the case's real kind.

Two tests draw them two ways. ``test_generated_case_is_judged`` (the profile's examples) draws
schemathesis ``Case`` objects from strategies built once per operation from the contract's
schemas (``cases/drawing.py``: ~4x cheaper per case than schemathesis' own drawing, which
rebuilds its schemas for every case). ``test_schemathesis_drawn_case_is_judged`` draws a sample
(a fifth of the profile's examples, at least 2) through schemathesis' own
``APIOperation.as_strategy``, so its generation stays in the loop. Both go through the same
``cases/generated.py`` and the same checks.

Generated ids name nothing we own: positive cases get live resources, negative ones reserved
ids (or live ones when only another parameter is broken); the kind is read off the request
actually sent (``cases/generated.py``), and a case whose kind is unclear is judged only by the
checks that hold for every kind. Examples follow the active hypothesis profile (``ci``: 10 per
API and mode, deterministic). Failures are not shrunk: a generated case shrinks through
hundreds of calls, each one more request to the target (and, in positive mode, one more
resource); the failing example is reported with its exact request instead.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from backup_conformance.cases import drawing
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
#: The schemathesis-drawn sample: this share of the profile's examples (at least 2).
SAMPLE_SHARE = 5


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_case_is_judged(bc_run: Run, bc_contract: Contract, mode: str) -> None:
    _judge_generated(bc_run, bc_contract, mode, drawing.strategy(bc_contract, mode))


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_drawn_case_is_judged(bc_run: Run, bc_contract: Contract,
                                           mode: str) -> None:
    sample = max(2, (settings.default or settings()).max_examples // SAMPLE_SHARE)
    _judge_generated(bc_run, bc_contract, mode, strategy(bc_contract, mode), sample)


def _judge_generated(run: Run, contract: Contract, mode: str, cases: st.SearchStrategy[Any],
                     max_examples: int | None = None) -> None:
    def one(case: Any) -> None:
        generated = from_case(contract, case, mode, run.obtain)
        if not sendable(contract, generated.params):
            reject()
        exchange = run.send(contract, generated.params)
        judge_all(run, contract, generated.kind, exchange,
                  extra=[not_a_server_error(case, exchange)])

    try:
        run_examples(cases, one, shrink=False, scope=run.each_example,
                     suppress=(HealthCheck.filter_too_much,), max_examples=max_examples)
    except Unsatisfiable:
        # E.g. negative mode on an operation whose only parameters are unconstrained path
        # strings: nothing to break that HTTP can carry.
        raise NotRunnable(f"generated no sendable {mode} case for {contract.api_id}") from None
