"""Replays of a page's documented request examples, on resources the run obtained.

A page's sample request names somebody's resources (or ``{placeholders}``); a replay keeps
every value the page shows except the resource ids, which come from a provider state, so the
example is sent as documented and only touches what the run owns. A page with no sample
request (the Alibaba pages) is replayed as the call its parameter examples make. An example
that does not fit the page's own URI format is not replayed: the doc anomaly recording it is
the reason it is not run.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from backup_conformance.cases.valid import Obtain, binding, resource_ids, valid_params
from backup_conformance.contracts import Contract

_HOLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MASK = re.compile(r"\*+")
_NUMBER_MASK = re.compile(r"[*xX]+")


@dataclass(frozen=True)
class Replay:
    """One documented request as the suite sends it.

    ``page_values``: every parameter value the page shows (resource ids are replaced when the
    call is built); ``not_run``: why the example cannot be replayed (a doc anomaly), or None.
    """

    api_id: str
    source: str
    title: str
    page_values: Mapping[str, Any] = field(default_factory=dict)
    not_run: str | None = None

    @property
    def id(self) -> str:
        return "line" + self.source.rsplit(":", 1)[1]


def replays(contract: Contract) -> list[Replay]:
    """Every request example of ``contract``'s page, or else its parameter-example call."""
    requests = [e for e in contract.examples if e.get("kind") == "request"]
    if requests:
        return [_from_request(contract, example) for example in requests]
    return [_from_parameter_examples(contract)]


def replay_params(contract: Contract, replay: Replay, obtain: Obtain
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(params, state values)``: the page's values on a freshly obtained resource."""
    params, values = valid_params(contract, obtain)
    # The page's ids name somebody's resources: only obtained ones are sent.
    resources = set(binding(contract).params) | resource_ids(contract)
    params.update({k: v for k, v in replay.page_values.items() if k not in resources})
    return params, values


def samples(contract: Contract) -> list[Mapping[str, Any]]:
    """The page's sample responses (each with ``status``, ``body``, ``text``, ``source``)."""
    return [e for e in contract.examples if e.get("kind") == "response"]


def _source(example: Mapping[str, Any]) -> str:
    return f"{example['source']['page']}:{example['source']['line']}"


def _from_request(contract: Contract, example: Mapping[str, Any]) -> Replay:
    source, title = _source(example), str(example.get("title") or "sample request")
    target = str(example.get("target") or "")
    parts = urlsplit(target)
    problem = None
    values: dict[str, Any] = {}
    if contract.family == "alibaba-rpc":
        return _from_rpc_request(contract, example, source, title, parts.query)
    if str(example.get("method") or "").upper() != contract.method:
        problem = f"the sample uses {example.get('method')}, the page's API {contract.method}"
    else:
        match = _template(contract.path).fullmatch(parts.path)
        if match is None:
            problem = (f"the sample's path {parts.path} does not fit the URI format "
                       f"{contract.path}")
        else:
            values.update({k: unquote(v) for k, v in match.groupdict().items()})
            values.update(parse_qsl(parts.query, keep_blank_values=True))
            if isinstance(example.get("body"), Mapping):
                values.update(example["body"])
    if problem is None:
        unbound = sorted(k for k, v in values.items() if isinstance(v, str)
                         and _HOLE.fullmatch(v) and k not in binding(contract).params)
        if unbound:
            problem = f"the sample shows only placeholders for {', '.join(unbound)}"
    if problem is None:
        return Replay(contract.api_id, source, title, values)
    return Replay(contract.api_id, source, title, values, not_run=_anomaly_reason(
        contract, example, problem))


def _from_rpc_request(contract: Contract, example: Mapping[str, Any], source: str, title: str,
                      query: str) -> Replay:
    """An RPC sample (``http(s)://[Endpoint]/?Action=...&Name=value&<Common request
    parameters>``): the page's values of its documented parameters, masks filled; the
    action, version and common parameters are the protocol's, sent as every call sends them.
    A sample naming another action does not fit its page."""
    pairs = parse_qsl(query, keep_blank_values=True)
    action = dict(pairs).get("Action")
    documented = {s.name for s in contract.parameters if s.layer == "page"}
    values = {k: _unmask_for(contract, k, v) for k, v in pairs if k in documented}
    if action and action != contract.action:
        return Replay(contract.api_id, source, title, values, not_run=_anomaly_reason(
            contract, example, f"the sample calls {action}, the page documents "
                               f"{contract.action}"))
    return Replay(contract.api_id, source, title, values)


def _anomaly_reason(contract: Contract, example: Mapping[str, Any], problem: str) -> str:
    """The recorded doc anomaly citing this example's line, as a not-run reason.

    An unfit example with no anomaly recording it means the contracts are stale or the
    extractor missed it: that is an error of this project, raised rather than skipped.
    """
    page, line = example["source"]["page"], example["source"]["line"]
    for anomaly in contract.anomalies:
        if any(s.get("page") == page and s.get("line") == line
               for s in anomaly.get("sources", [])):
            return (f"doc anomaly {anomaly['id']} ({page}:{line}): {anomaly['summary']}")
    raise ValueError(f"{contract.api_id}: the sample request at {page}:{line} cannot be "
                     f"replayed ({problem}) and no doc anomaly records it; re-run "
                     "`backup-conformance extract --check`")


def _template(path: str) -> re.Pattern[str]:
    pattern, last = "", 0
    for hole in _HOLE.finditer(path):
        pattern += re.escape(path[last:hole.start()]) + f"(?P<{hole[1]}>[^/]+)"
        last = hole.end()
    return re.compile(pattern + re.escape(path[last:]))


def _from_parameter_examples(contract: Contract) -> Replay:
    """The call the page's parameter examples make (Alibaba pages show no sample request)."""
    rows = [p for p in contract.facts.get("parameters", [])
            if p.get("location") != "header" and p.get("example") is not None]
    values = {p["name"]: _unmask_for(contract, p["name"], p["example"]) for p in rows}
    lines = [int(p["source"]["line"]) for p in contract.facts.get("parameters", [])]
    source = f"{contract.page}:{min(lines)}" if lines else contract.page + ":0"
    return Replay(contract.api_id, source, "the request parameters' examples", values)


def _unmask_for(contract: Contract, name: str, value: Any) -> Any:
    """``unmask`` with the parameter's type: a masked number (``1589753xxxxxx625``, the x's
    hiding digits) gets digits, so the page's value stays a value of its documented type."""
    try:
        kind = contract.parameter(name).schema.get("type")
    except KeyError:
        kind = None
    if kind in ("integer", "number") and isinstance(value, str):
        digits = _NUMBER_MASK.sub(lambda m: "".join(random.choices(string.digits,
                                                                   k=len(m[0]))), value)
        return digits.lstrip("0") or "0" if digits.isdigit() else digits
    return unmask(value)


def unmask(value: Any) -> Any:
    """A page example with its masked part (``****``) filled with random letters.

    Alibaba pages mask part of every example value; the mask hides a value, it is not one.
    Filling it freshly also keeps a per-request value such as ``ClientToken`` from being
    reused by the next run against the same target.
    """
    if isinstance(value, str):
        return _MASK.sub(lambda m: "".join(random.choices(
            string.ascii_letters + string.digits, k=len(m[0]))), value)
    if isinstance(value, list):
        return [unmask(item) for item in value]
    return value
