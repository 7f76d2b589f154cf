"""Negative cases: each invalid variant a contract implies is rejected with a documented 4xx and
the vendor's error envelope (docs/design.md section 2 item 3).

Each variant is sent on a live resource obtained for it, so a target that skips the validation
acts on the resource, answers 2xx and fails here.
"""

from __future__ import annotations

import pytest

from backup_conformance.cases.negative import Variant, variants
from backup_conformance.cases.valid import valid_params
from backup_conformance.contracts import Contract
from backup_conformance.plugin import catalogue_for
from backup_conformance.runtime import Run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "negative" not in metafunc.fixturenames:
        return
    cases = [
        pytest.param((contract, variant), id=f"{api_id}-{variant.id}",
                     marks=[pytest.mark.api(api_id), pytest.mark.check(variant.rule)])
        for api_id, contract in catalogue_for(metafunc.config).items()
        for variant in variants(contract)
    ]
    metafunc.parametrize("negative", cases)


def test_invalid_request_is_rejected(bc_run: Run, negative: tuple[Contract, Variant]) -> None:
    contract, variant = negative
    params, _ = valid_params(contract, bc_run.obtain, variant.state_params)
    exchange = bc_run.send(contract, variant.mutate(params))
    bc_run.judge(contract, variant.kind, exchange)
