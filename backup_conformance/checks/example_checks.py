"""Sequence checks on a replayed doc example: the answer has the shape of the page's sample.

Called by the doc-example suite after it replayed a page's request example (or the call its
parameter examples make) and judged the answer as a positive case. The sample's values are
one account's data, so only keys and JSON types are compared, never values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.failures import Violation
from backup_conformance.checks.registry import check
from backup_conformance.contracts import Contract


@dataclass(frozen=True)
class SampleReplay:
    """What the doc-example suite observed for ``sample-shape``: the target's answer to a
    replayed example and the page's sample response for that status (a ``contract.examples``
    entry of kind ``response``)."""

    observed: Observed
    sample: Mapping[str, Any]


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value (integers and floats are both ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_differences(sample: Any, received: Any, path: str = "") -> Iterator[str]:
    """Where ``received`` lacks a key of ``sample`` or holds another JSON type.

    A ``null`` in the sample shows a key, not a type; a sample array's first item is the
    shape of every received item (an empty received array has nothing to compare).
    """
    where = path or "(root)"
    if sample is None:
        return
    if json_type(sample) != json_type(received):
        yield f"{where}: {json_type(received)} where the sample has a {json_type(sample)}"
        return
    if isinstance(sample, dict):
        for key, value in sample.items():
            child = f"{path}/{key}" if path else key
            if key not in received:
                yield f"{child}: missing"
            else:
                yield from shape_differences(value, received[key], child)
    elif isinstance(sample, list) and sample:
        for index, item in enumerate(received):
            yield from shape_differences(sample[0], item, f"{path}/{index}")


_KEY_LINE = re.compile(r'^\s*"((?:\\.|[^"\\])*)"\s*:')
_STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def disputed_keys(contract: Contract, sample: Mapping[str, Any]) -> dict[str, str]:
    """Top-level sample keys whose page line a recorded doc anomaly cites, with its id.

    Such a key is in question on the page itself (e.g. DBS's success sample carrying ErrCode
    and ErrMessage, ANOMALIES.md ``success-sample-carries-error``), so a target may leave it
    out without departing from anything the page settles.
    """
    page, first = sample["source"]["page"], int(sample["source"]["line"])
    cited: dict[int, str] = {}
    for anomaly in contract.anomalies:
        for source in anomaly.get("sources", []):
            if source.get("page") == page:
                cited.setdefault(int(source["line"]), str(anomaly["id"]))
    found: dict[str, str] = {}
    depth = 0
    for offset, line in enumerate(str(sample.get("text", "")).splitlines()):
        match = _KEY_LINE.match(line)
        if match and depth == 1 and first + offset in cited:
            found[match[1]] = cited[first + offset]
        bare = _STRING.sub('""', line)
        depth += bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")
    return found


#: Statuses HTTP gives no body (RFC 9110 15.3.5, 15.4.5), whatever a page's sample shows.
_NO_CONTENT = frozenset({204, 304})
#: The anomaly id prefix of a sample value typed other than its table row (ANOMALIES.md).
_TYPE_DISPUTE = "sample-type-mismatch"
#: The anomaly id prefix of a sample the extractor found contradicting its page's table.
_NONCONFORMING = "example-response-nonconforming"


@check("sample-shape", title="A replayed example's answer has every key of the page's sample "
       "response, with the sample's JSON type", layer="strict", severity="medium",
       scope="sequence")
def sample_shape(case: Case, replay: SampleReplay) -> None:
    """``replay`` is a ``SampleReplay``. Strict layer: no page says every sample key is always
    returned. Keys a doc anomaly puts in question are not required, but typed when present,
    unless the anomaly disputes the type itself (the table's type, which ``response-schema``
    judges, then stands against the sample's)."""
    sample, observed = replay.sample, replay.observed
    source = f"{sample['source']['page']}:{sample['source']['line']}"
    if observed.status != sample.get("status"):
        return  # no sample for this status: the positive judge reports the status
    body = sample.get("body")
    if body is None or observed.status in _NO_CONTENT or (
            case.contract.response_has_no_body(observed.status)):
        return  # a sample body where the page (or HTTP) says none: empty-body judges that
    if _nonconforming(case.contract, sample):
        return  # the contract recorded this sample as disagreeing with its own page's table
    if observed.json_error:
        raise Violation("The answer is not JSON, unlike the page's sample",
                        received=f"{observed.json_error}: {observed.excerpt()}",
                        documented=f"a JSON {json_type(body)} like the sample", source=source)
    problems, expected, disputed = _shape_problems(case.contract, sample, observed.json)
    if problems and any(not _shape_problems(case.contract, other, observed.json)[0]
                        for other in _alternatives(case.contract, sample)):
        return  # the page shows another sample for this status ("or"), and the answer is that
    if problems:
        keys = ", ".join(f"{k}: {json_type(v)}" for k, v in expected.items()) if isinstance(
            expected, dict) else json_type(expected)
        waived = (f" (not required, disputed by a doc anomaly: "
                  f"{', '.join(f'{k} [{a}]' for k, a in sorted(disputed.items()))})"
                  if disputed else "")
        raise Violation("The answer lacks a key of the page's sample or "
                        "types it differently", received="; ".join(problems[:6]),
                        documented=f"{{{keys}}}{waived}", source=source)


def _shape_problems(contract: Contract, sample: Mapping[str, Any], received: Any
                    ) -> tuple[list[str], Any, dict[str, str]]:
    """How ``received`` departs from ``sample``'s shape, the shape it was held to, and the
    keys a doc anomaly puts in question."""
    body = sample.get("body")
    disputed = disputed_keys(contract, sample) if isinstance(body, dict) else {}
    expected = body
    if disputed and isinstance(body, dict) and isinstance(received, dict):
        # in question: typed when present, not required
        expected = {k: v for k, v in body.items() if k not in disputed or (
            k in received and not disputed[k].startswith(_TYPE_DISPUTE))}
    return list(shape_differences(expected, received)), expected, disputed


def _alternatives(contract: Contract, sample: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The page's other sample bodies for the same status (a page's "or" between samples)."""
    return [e for e in contract.examples if e.get("kind") == "response" and e is not sample
            and e.get("status") == sample.get("status") and e.get("body") is not None
            and e.get("source") != sample.get("source")]


def _nonconforming(contract: Contract, sample: Mapping[str, Any]) -> bool:
    """A doc anomaly records this sample as contradicting the page's table: the contract
    keeps the table, and the sample is no oracle (ANOMALIES.md, "is not used as a test
    oracle")."""
    page, line = sample["source"]["page"], int(sample["source"]["line"])
    return any(str(a.get("id", "")).startswith(_NONCONFORMING) and any(
        s.get("page") == page and int(s.get("line", 0)) == line for s in a.get("sources", []))
        for a in contract.anomalies)
