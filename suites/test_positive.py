"""Property-based positive cases: valid calls with the free parameters drawn from their
documented schemas (enums, booleans, bounded strings; see ``cases/positive.py`` for why plain
strategies rather than schemathesis'), each on a freshly obtained resource, must succeed as the
page documents. Examples follow the active hypothesis profile (``ci``: 10, deterministic).
"""

from __future__ import annotations

import pytest

from backup_conformance.cases.judging import judge_all, run_examples
from backup_conformance.cases.positive import PositiveCall, bind_call, calls
from backup_conformance.contracts import Contract
from backup_conformance.runtime import Run

pytestmark = pytest.mark.check("positive")


def test_valid_call_succeeds(bc_run: Run, bc_contract: Contract) -> None:
    def one(call: PositiveCall) -> None:
        params, _ = bind_call(bc_contract, bc_run.obtain, call)
        judge_all(bc_run, bc_contract, "positive", bc_run.send(bc_contract, params))

    run_examples(calls(bc_contract), one, scope=bc_run.each_example)
