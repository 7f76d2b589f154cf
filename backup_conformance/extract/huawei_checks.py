"""Checks of a page's samples against the contract extracted from the same page.

Each disagreement becomes an ``Anomaly`` naming the sample and the documentation lines, and
what the contract keeps; nothing here changes the contract.
"""

from __future__ import annotations

from backup_conformance.extract.huawei_examples import request_anomalies, sample_anomaly
from backup_conformance.extract.huawei_fields import body_schema, response_schema
from backup_conformance.extract.model import Anomaly, Example, Operation, Response
from backup_conformance.extract.page import Page


def example_anomalies(page: Page, op: Operation, uri_line: int) -> list[Anomaly]:
    found: list[Anomaly] = []
    responses = {r.status: r for r in op.responses}
    for example in op.examples:
        if example.kind == "request":
            found += request_anomalies(
                page, example, op.method or "", op.path or "", uri_line, op.parameters
            )
            if isinstance(example.body, dict | list):
                anomaly = sample_anomaly(
                    example,
                    body_schema(op.parameters),
                    [p.source for p in op.parameters if p.location == "body"],
                )
                found += [anomaly] if anomaly else []
            continue
        found += _response_sample_anomalies(op, example, responses)
    return found


def _response_sample_anomalies(
    op: Operation, example: Example, responses: dict[int, Response]
) -> list[Anomaly]:
    response = responses.get(example.status or 0)
    line = example.source.line
    if response is None:
        return [
            Anomaly(
                f"example-response-status-l{line}",
                f"The sample response at line {line} is for status {example.status}, but the page "
                f"documents the response for {', '.join(map(str, responses)) or 'no status'}.",
                [example.source, *(r.source for r in responses.values())],
                "The contract keeps the documented status; the sample's body is still checked "
                "against the documented fields.",
            ),
            *_check_body(example, next(iter(responses.values()), None)),
        ]
    if not response.body and example.body is not None:
        return [
            Anomaly(
                f"example-body-for-bodyless-response-l{line}",
                f"The response for status {response.status} is documented without a body (line "
                f"{response.source.line}) but the sample at line {line} shows "
                f"{example.text.strip()}.",
                [response.source, example.source],
                "The contract documents no body for this status.",
            )
        ]
    return _check_body(example, response)


def _check_body(example: Example, response: Response | None) -> list[Anomaly]:
    if response is None or not response.body or example.body is None or not response.fields:
        return []
    anomaly = sample_anomaly(example, response_schema(response), [response.source])
    return [anomaly] if anomaly else []
