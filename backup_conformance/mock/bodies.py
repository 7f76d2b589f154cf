"""Success bodies built from a contract: its response schema, filled from the page's sample.

The page's sample response is the best picture of a real answer, so every value it shows is
kept where it fits the schema; a value that does not fit (samples show ``null`` for string
fields, or a documented field is missing from the sample) is made from the schema: enum,
example, else a plain value of its type. ``Success`` booleans are ``true`` (a success body
says so). Ids the request named are echoed in fields of the same name. Built bodies are
validated against the schema before use: a body the mock would fail itself is a mock bug.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from typing import Any

from backup_conformance.contracts import Contract, ContractError, schema_validator

MAX_ITEMS = 2
_PLAIN = {"string": "bc-value", "integer": 1, "number": 1.0, "boolean": False}


class BodyError(ContractError):
    """No body the schema accepts could be built (a contract the mock cannot serve): one line
    naming the API, like any other contract problem."""


class BodyTemplate:
    """The success body of one contract and status, built once; ``render`` fills ids."""

    def __init__(self, contract: Contract, status: int) -> None:
        self.schema = contract.response_schema(status)
        self.empty = self.schema is None and (contract.response_has_no_body(status)
                                              or contract.family != "alibaba-rpc")
        sample = _sample(contract, status)
        if self.schema is None:
            self.body: Any = None if self.empty else {}
            return
        built = build(self.schema, sample)
        if not schema_validator(self.schema).is_valid(built):
            built = build(self.schema, None)
        errors = list(schema_validator(self.schema).iter_errors(built))
        if errors:
            raise BodyError(f"{contract.api_id}: no {status} body fits the response schema "
                            f"({errors[0].message})")
        self.body = built

    def render(self, echo: Mapping[str, Any], *, fresh_ids: bool = False) -> Any:
        """A fresh copy of the body, each top-level (or one level down) string field named
        like a request parameter holding that parameter's value, where the schema allows;
        ``fresh_ids``: other id fields get new values (what a Create operation made)."""
        if self.body is None:
            return None
        body = copy.deepcopy(self.body)
        if self.schema is None or not (echo or fresh_ids):
            return body
        _echo(body, self.schema, echo, 0, fresh_ids)
        return body if schema_validator(self.schema).is_valid(body) else copy.deepcopy(
            self.body)


def _sample(contract: Contract, status: int) -> Any:
    for example in contract.examples:
        if example.get("kind") == "response" and example.get("status") in (status, None):
            return example.get("body")
    return None


def build(schema: Mapping[str, Any], sample: Any, name: str = "") -> Any:
    """A value of ``schema``: ``sample`` where it fits, else made from the schema."""
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            fitting = [o for o in options if sample is not None
                       and schema_validator(o).is_valid(sample)]
            return build((fitting or options)[0], sample, name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        given = sample if isinstance(sample, Mapping) else {}
        out: dict[str, Any] = {}
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key, sub in properties.items():
            out[key] = build(sub, given.get(key), key)
        if schema.get("additionalProperties", True) is not False:
            out.update({k: v for k, v in given.items() if k not in properties})
        return out
    if kind == "array":
        raw = schema.get("items")
        items: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        given_items = sample if isinstance(sample, list) else []
        low = int(schema.get("minItems", 0))
        count = max(low, min(len(given_items) or 1, int(schema.get("maxItems", MAX_ITEMS)),
                             MAX_ITEMS))
        return [build(items, given_items[i] if i < len(given_items) else None, name)
                for i in range(count)]
    if sample is not None and schema_validator(schema).is_valid(sample):
        return sample
    return _scalar(schema, name)


def _scalar(schema: Mapping[str, Any], name: str) -> Any:
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and schema_validator(schema).is_valid(
            examples[0]):
        return examples[0]
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "boolean" in kinds and name == "Success":
        return True
    for candidate in kinds:
        if candidate in _PLAIN:
            if candidate == "integer" and "minimum" in schema:
                return int(schema["minimum"])
            if candidate == "number" and "minimum" in schema:
                return float(schema["minimum"])
            return _PLAIN[candidate]
        if candidate == "null":
            return None
    return "bc-value"


def _echo(body: Any, schema: Mapping[str, Any], echo: Mapping[str, Any], depth: int,
          fresh_ids: bool) -> None:
    if not isinstance(body, dict) or depth > 1:
        return
    properties: Mapping[str, Any] = schema.get("properties", {})
    for key, sub in properties.items():
        text = sub.get("type") in ("string", None) and "enum" not in sub
        if key in echo and isinstance(echo[key], str) and text:
            body[key] = echo[key]
        elif fresh_ids and text and (key == "id" or key.endswith(("Id", "_id"))):
            body[key] = str(uuid.uuid4())
        elif isinstance(body.get(key), dict):
            _echo(body[key], sub, echo, depth + 1, fresh_ids)
