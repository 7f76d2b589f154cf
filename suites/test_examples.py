"""Doc examples: every request example a page documents is replayed against the target, on a
resource obtained for it, and the answer is judged as a positive case; where the page shows a
sample response for the answer's status, the answer must also have the sample's shape
(``sample-shape``, strict layer: the pages never say every sample key is always returned).

A sample request that does not fit its own page (a recorded doc anomaly) is reported as not
run, with the anomaly as the reason.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from backup_conformance.cases.examples import Replay, replay_params, replays, samples
from backup_conformance.cases.judging import judge_all
from backup_conformance.cases.running import NotRunnable
from backup_conformance.checks import Case, judge_sequence
from backup_conformance.checks.example_checks import SampleReplay
from backup_conformance.contracts import Contract
from backup_conformance.plugin import catalogue_for
from backup_conformance.runtime import Run

pytestmark = pytest.mark.check("doc-example")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "replay" not in metafunc.fixturenames:
        return
    cases = [
        pytest.param((contract, replay), id=f"{api_id}-{replay.id}",
                     marks=pytest.mark.api(api_id))
        for api_id, contract in catalogue_for(metafunc.config).items()
        for replay in replays(contract)
    ]
    metafunc.parametrize("replay", cases)


def test_doc_example_is_honoured(bc_run: Run, replay: tuple[Contract, Replay]) -> None:
    contract, example = replay
    if example.not_run:
        raise NotRunnable(example.not_run)
    params, _ = replay_params(contract, example, bc_run.obtain)
    exchange = bc_run.send(contract, params)
    case = Case(contract, "positive", bc_run.strictness)
    shapes = [partial(_sample_shape, case, sample, exchange.curl())
              for sample in samples(contract)]
    judge_all(bc_run, contract, "positive", exchange, extra=shapes)


def _sample_shape(case: Case, sample: Any, repro: str, observed: Any) -> None:
    judge_sequence("sample-shape", case, SampleReplay(observed, sample), repro=repro)
