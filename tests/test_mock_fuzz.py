"""Schemathesis over every contract against the running mock: positive and negative cases,
bounded and deterministic; the mock must never answer 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.codes import ErrorCodes

CATALOGUE = load_catalogue()
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with MockServer(MockApp(CATALOGUE)) as server:
        yield server.url


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
@pytest.mark.parametrize("api_id", list(CATALOGUE))
def test_no_generated_request_gets_a_5xx(url: str, api_id: str,
                                         mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_dict(dict(CATALOGUE[api_id].openapi))
    (operation,) = [result.ok() for result in schema.get_all_operations()]
    statuses: list[int] = []
    rejected: list[str] = []
    errors = ErrorCodes.of(CATALOGUE[api_id])
    validation_codes = {errors.get(s).code for s in ("missing-parameter", "invalid-parameter")}

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), _=st.just(None))
    def check(case: schemathesis.Case, _: None) -> None:
        response = case.call(base_url=url, timeout=10)
        statuses.append(response.status_code)
        body = response.json() if response.content else {}
        code = body.get("Code") or body.get("error_code")
        if response.status_code < 500 and code in validation_codes:
            rejected.append(f"{code}: {case.as_curl_command()}")
        assert response.status_code < 500, (case.as_curl_command(), response.text)

    check()
    assert statuses, "schemathesis generated nothing"
    if mode == schemathesis.GenerationMode.POSITIVE:  # the mock agrees with its contract
        assert not rejected, f"valid requests rejected as invalid: {rejected[:3]}"
    if mode == schemathesis.GenerationMode.NEGATIVE:
        assert any(400 <= s < 500 for s in statuses)
