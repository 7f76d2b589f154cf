"""The Alibaba "Response parameters" table as a tree of ``Field`` objects.

The rendered table has no indentation, so where a nested object or array item ends is not in
the table itself. The page's JSON sample response decides: a row belongs to the innermost open
container whose sample object has that key. When no sample can decide, the row stays at the
current level and an ``Anomaly`` records the guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backup_conformance.extract.alibaba_tables import (
    Row,
    base_schema,
    coerce,
    enum_values,
    note_missing_cells,
    require_cells,
)
from backup_conformance.extract.model import Anomaly, Field, Gap, Response
from backup_conformance.extract.page import Page


@dataclass
class _Level:
    """An open container: where its children go and the sample objects seen at its path."""

    children: list[Field]
    nodes: list[dict[str, Any]] = field(default_factory=list)


def build_response(
    page: Page, rows: list[Row], samples: list[Any], gaps: list[Gap] | None = None
) -> tuple[Response, list[Anomaly]]:
    """The 200 response whose first row is the bare root ``object``; ``samples`` are the parsed
    bodies of the page's sample success responses."""
    root = rows[0]
    if root.name or root.doc_type != "object":
        raise page.error(root.line, "the root row 'object' right after the table header")
    builder = _TreeBuilder(page, [s for s in samples if isinstance(s, dict)], gaps)
    for row in rows[1:]:
        builder.add(row)
    builder.close_array()
    for item in builder.root.children:
        _finish_schema(item)
    response = Response(
        status=200,
        description=root.text,
        source=page.source(root.line),
        fields=builder.root.children,
    )
    return response, builder.anomalies


class _TreeBuilder:
    """Places rows one by one into the open containers."""

    def __init__(
        self, page: Page, bodies: list[dict[str, Any]], gaps: list[Gap] | None = None
    ) -> None:
        self.page, self.gaps = page, gaps
        self.root = _Level([], bodies)
        self.stack = [self.root]
        self.anomalies: list[Anomaly] = []
        self.pending: tuple[Field, list[list[Any]]] | None = None

    def add(self, row: Row) -> None:
        item = _field(self.page, row, self.gaps)
        if self.pending is not None:
            array, lists = self.pending
            self.pending = None
            if _is_item(array, item):
                array.children = [item]
                self._open(item, [x for values in lists for x in values])
                return
            self._synthesize_item(array, lists)
        level = self._place(item, row)
        level.children.append(item)
        self._open(item, [node[item.name] for node in level.nodes if item.name in node])

    def close_array(self) -> None:
        if self.pending is not None:
            self._synthesize_item(*self.pending)
            self.pending = None

    def _open(self, item: Field, values: list[Any]) -> None:
        kind = item.schema.get("type")
        if kind == "object":
            self.stack.append(_Level(item.children, [v for v in values if isinstance(v, dict)]))
        elif kind == "array":
            self.pending = (item, [v for v in values if isinstance(v, list)])

    def _synthesize_item(self, array: Field, lists: list[list[Any]]) -> None:
        """``array<T>`` without an item row: the item's type comes from the array row."""
        if not array.doc_type.startswith("array<"):
            return
        inner = array.doc_type[6:-1]
        item = Field("", inner, "", base_schema(inner), array.source)
        array.children = [item]
        self._open(item, [x for values in lists for x in values])

    def _place(self, item: Field, row: Row) -> _Level:
        if len(self.stack) == 1:
            return self.root
        for depth in range(len(self.stack) - 1, -1, -1):
            if any(item.name in node for node in self.stack[depth].nodes):
                del self.stack[depth + 1 :]
                return self.stack[depth]
        self.anomalies.append(
            Anomaly(
                id=f"nesting-undecided:{item.name}",
                summary=f"Response row {item.name!r} follows a nested container, and no sample "
                "response shows where it belongs (the table has no indentation).",
                sources=[self.page.source(row.line)],
                choice="kept inside the innermost open container",
            )
        )
        return self.stack[-1]


def _is_item(array: Field, candidate: Field) -> bool:
    """A row right after an array row is its item when it is unnamed or repeats the array's
    name, and its type fits the array's declared item type."""
    if candidate.name not in ("", array.name):
        return False
    return array.doc_type == "array" or array.doc_type == f"array<{candidate.doc_type}>"


def _field(page: Page, row: Row, gaps: list[Gap] | None) -> Field:
    schema = base_schema(row.doc_type)
    if schema["type"] not in ("object", "array"):
        if gaps is None:
            require_cells(page, row, "response field")
        else:
            note_missing_cells(page, row, "response field", gaps)
        choices = enum_values(row)
        if choices and schema["type"] != "boolean":
            schema["enum"] = [coerce(value, schema) for value in choices]
    example = coerce(row.example[1], schema) if row.example else None
    return Field(row.name, row.doc_type, row.text, schema, page.source(row.line), example)


def _finish_schema(item: Field) -> None:
    """Fill ``properties`` / ``items`` from the children once the tree is complete."""
    for child in item.children:
        _finish_schema(child)
    if item.schema["type"] == "object" and item.children:
        item.schema["properties"] = {child.name: child.schema for child in item.children}
    elif item.schema["type"] == "array" and item.children:
        item.schema["items"] = item.children[0].schema


def response_schema(response: Response) -> dict[str, Any]:
    """JSON Schema (2020-12) of the documented body, for validating samples."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {item.name: item.schema for item in response.fields},
    }
