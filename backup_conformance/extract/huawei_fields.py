"""Parameter tables of a Huawei page turned into trees of fields.

A row whose description says "see Table N" (or ``:ref:`` to a table label, or "see the **x**
field description") gets the rows of that table as children. VBS pages also list nested
fields flat, right after their container; when a sample shows the nesting, ``nest_by_sample``
rebuilds it and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.extract.huawei_blocks import Block, clean
from backup_conformance.extract.huawei_schema import constrained, enum_values, type_schema
from backup_conformance.extract.model import Field, Parameter, Response, Source
from backup_conformance.extract.tables import Table

CONTAINERS = ("object", "array", "list", "dict", "map")


@dataclass
class Node:
    """One documented row, before it becomes a ``Field`` or ``Parameter``."""

    name: str
    doc_type: str
    required: bool | None
    raw: str
    line: int
    typed: bool = True
    children: list[Node] = field(default_factory=list)

    @property
    def container(self) -> bool:
        return any(word in self.doc_type.lower() for word in CONTAINERS)


class TableIndex:
    """Every table of a page, addressable the ways Huawei descriptions point at them."""

    def __init__(self, blocks: list[Block]) -> None:
        self.tables = [block for block in blocks if block.table is not None]
        self.referenced: set[int] = set()
        for block in self.tables:
            for row in block.table.rows if block.table else []:
                target = self.find(" ".join(row.cells))
                if target is not None and target is not block:
                    self.referenced.add(id(target))

    def find(self, text: str) -> Block | None:
        """The table a description refers to, if it is on the page."""
        label = re.search(r":ref:`[^`<]*<([^>]+)>`", text)
        number = re.search(r"\bTable (\d+)\b", clean(text))
        named = re.search(r"see the (\S+) field description", clean(text), re.IGNORECASE)
        typed = re.search(r"\b(?:Array of )?([A-Za-z]\w+) objects?\b", clean(text))
        for block in self.tables:
            caption = block.caption
            if typed and typed.group(1) != "Array" and re.match(
                rf"^Table \d+\s+{re.escape(typed.group(1))}$", caption
            ):
                return block  # 'Array of QueryRestoreList objects' -> 'Table 5 QueryRestoreList'

            if label and label.group(1) in block.labels:
                return block
            if number and re.match(rf"^Table {number.group(1)}\b", caption):
                return block
            if named and caption.lower() == f"{named.group(1).lower()} field description":
                return block
        return None

    def top_level(self, block: Block) -> bool:
        return id(block) not in self.referenced


def _required(text: str) -> bool | None:
    word = text.strip().lower()
    return True if word in ("yes", "true", "mandatory") else False if word else None


def table_nodes(table: Table, index: TableIndex, seen: frozenset[int] = frozenset()) -> list[Node]:
    """The rows of a parameter table as nodes, with referenced tables resolved as children."""
    name_col = table.column("parameter", "name")
    if name_col is None:
        return []
    mandatory, kind, desc = (
        table.column("mandatory", "required"),
        table.column("type"),
        (table.column("description")),
    )
    nodes = []
    for row in table.rows:
        raw = table.cell(row, desc)
        node = Node(
            clean(table.cell(row, name_col)),
            clean(table.cell(row, kind)),
            _required(table.cell(row, mandatory)) if mandatory is not None else None,
            raw,
            row.line,
            typed=kind is not None,
        )
        target = index.find(raw) or index.find(table.cell(row, kind) if kind is not None else "")
        if target is not None and target.table is not None and id(target) not in seen:
            node.children = table_nodes(target.table, index, seen | {id(target)})
        nodes.append(node)
    return nodes


def _sample_object(value: Any) -> dict[str, Any] | None:
    """The object a sample shows for a container: itself, or the union of a list's objects."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        merged: dict[str, Any] = {}
        for item in value:
            merged.update(item)
        return merged
    return None


def nest_by_sample(nodes: list[Node], sample: Any) -> tuple[list[Node], list[Node]]:
    """Rebuild nesting a flat table leaves implicit, following a sample body.

    Each row goes into the deepest open container whose sample object has its name (else the
    deepest one, keeping table order); a container row with no children opens a container.
    Returns the new top level and the containers that received rows.
    """
    root = _sample_object(sample)
    if root is None or not any(n.container and not n.children for n in nodes):
        return nodes, []
    top: list[Node] = []
    stack: list[tuple[Node | None, dict[str, Any]]] = [(None, root)]
    filled: list[Node] = []
    for node in nodes:
        holders = [i for i, (_, obj) in enumerate(stack) if node.name in obj]
        depth = holders[-1] if holders else len(stack) - 1
        del stack[depth + 1 :]
        parent = stack[-1][0]
        (parent.children if parent else top).append(node)
        if parent is not None and parent not in filled:
            filled.append(parent)
        inner = _sample_object(stack[-1][1].get(node.name))
        if node.container and not node.children and inner is not None:
            stack.append((node, inner))
    return (top, filled) if filled else (nodes, [])


def node_schema(node: Node) -> dict[str, Any]:
    """The JSON Schema of a node: its type, children as properties, stated constraints."""
    schema: dict[str, Any] = type_schema(node.doc_type) if node.typed else {"type": "string"}
    if node.children:
        body: dict[str, Any] = {
            "type": "object",
            "properties": {child.name: node_schema(child) for child in node.children},
        }
        required = [child.name for child in node.children if child.required]
        if required:
            body["required"] = required
        if schema.get("type") == "array":
            schema["items"] = body
        elif schema.get("type") in (None, "object"):
            schema = body
    return constrained(schema, node.raw)


def to_field(node: Node, page: str) -> Field:
    return Field(
        node.name,
        node.doc_type,
        clean(node.raw),
        node_schema(node),
        Source(page, node.line),
        required=node.required,
        children=[to_field(child, page) for child in node.children],
    )


def to_parameter(node: Node, location: str, page: str) -> Parameter:
    schema = node_schema(node)
    required = True if location == "path" and node.required is None else bool(node.required)
    values = enum_values(node.raw) if "enum" in schema else {}
    return Parameter(
        node.name,
        location,
        node.doc_type,
        required,
        clean(node.raw),
        schema,
        Source(page, node.line),
        enum_descriptions={k: v for k, v in values.items() if v},
    )


def fields_schema(fields: list[Field]) -> dict[str, Any]:
    """The object schema of a list of fields (required where the page says so)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: f.schema for f in fields},
    }
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def response_schema(response: Response) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a documented response body."""
    return fields_schema(response.fields)


def body_schema(parameters: list[Parameter]) -> dict[str, Any]:
    """The JSON Schema of a request body made of the ``body`` parameters."""
    body = [p for p in parameters if p.location == "body"]
    schema: dict[str, Any] = {"type": "object", "properties": {p.name: p.schema for p in body}}
    required = [p.name for p in body if p.required]
    if required:
        schema["required"] = required
    return schema
