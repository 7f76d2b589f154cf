"""Cross-check an extracted Alibaba operation against Alibaba's own OpenAPI metadata.

The page is what users read; the metadata (``api-docs.json``, 2024 full and 2025 stripped
snapshots) is the vendor's machine-readable view. Each disagreement becomes one row, so a
reviewer can see where a contract built from the page may differ from what the SDKs assume.
A snapshot that lacks an aspect altogether (the stripped one has no responses) is listed under
``coverage`` rather than reported as a disagreement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backup_conformance.extract.model import ErrorCode, Field, Operation, Parameter

_BOUNDS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")
_FORMATS = {"long": "int64", "int32": "int32", "int64": "int64", "float": "float"}
_META_TYPES = {"string", "integer", "boolean", "number", "object", "array"}


def crosscheck(operation: Operation, metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per disagreement between ``operation`` and every ``apis_*`` snapshot of one
    metadata file (``{"info": ..., "apis_<date>_<kind>": {name: api}}``)."""
    rows: list[dict[str, Any]] = []
    name = operation.action or operation.api_id.split(".")[-1]
    for snapshot in sorted(k for k in metadata if k.startswith("apis_")):
        api = metadata[snapshot].get(name)
        row = _Rows(operation.api_id, snapshot, rows)
        if api is None:
            row.add(
                "operation",
                "presence",
                name,
                operation.title_source.line,
                None,
                "the snapshot has no such operation",
            )
            continue
        _methods(row, api)
        _parameters(row, operation.parameters, api.get("parameters", []))
        _responses(row, operation, api)
        _error_codes(row, operation, api)
        _access_level(row, operation, api)
    return sorted(rows, key=_sort_key)


class _Rows:
    """Collects rows for one operation and snapshot."""

    def __init__(self, api_id: str, snapshot: str, rows: list[dict[str, Any]]) -> None:
        self.api_id, self.snapshot, self.rows = api_id, snapshot, rows

    def add(
        self, subject: str, aspect: str, page: Any, line: int | None, meta: Any, note: str
    ) -> None:
        self.rows.append(
            {
                "api_id": self.api_id,
                "snapshot": self.snapshot,
                "subject": subject,
                "aspect": aspect,
                "page": page,
                "page_line": line,
                "metadata": meta,
                "note": note,
            }
        )


def _sort_key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        json.dumps(row[k], sort_keys=True, ensure_ascii=False)
        for k in ("api_id", "snapshot", "subject", "aspect", "page", "metadata")
    )


def _methods(row: _Rows, api: dict[str, Any]) -> None:
    methods = sorted(m.upper() for m in api.get("methods", []))
    if methods:
        row.add(
            "operation",
            "http method",
            None,
            None,
            methods,
            "page silent: it states no HTTP method (RPC); the metadata accepts "
            + " and ".join(methods),
        )


def _parameters(row: _Rows, params: list[Parameter], meta: list[dict[str, Any]]) -> None:
    by_name = {p["name"]: p for p in meta}
    for param in params:
        subject, line = f"parameter {param.name}", param.source.line
        spec = by_name.get(param.name)
        if spec is None:
            row.add(subject, "presence", "documented", line, None, "metadata lacks it")
            continue
        schema = spec.get("schema", {})
        _required(row, subject, param, schema)
        _type(row, subject, param.doc_type, line, schema)
        _wire(row, subject, param, spec)
        _enum(row, subject, param.schema.get("enum"), line, schema)
        _bounds(row, subject, param.schema, line, schema)
    documented = {p.name for p in params}
    for name in sorted(set(by_name) - documented):
        row.add(
            f"parameter {name}",
            "presence",
            None,
            None,
            _brief(by_name[name]),
            "page silent: the metadata has a parameter the page does not document",
        )


def _brief(spec: dict[str, Any]) -> dict[str, Any]:
    schema = spec.get("schema", {})
    return {"in": spec.get("in"), "type": schema.get("type"), "required": schema.get("required")}


def _required(row: _Rows, subject: str, param: Parameter, schema: dict[str, Any]) -> None:
    if "required" not in schema or schema["required"] == param.required:
        return
    meta = {k: schema[k] for k in ("required", "docRequired") if k in schema}
    doc = (
        "; its docRequired agrees with the page"
        if schema.get("docRequired") == param.required
        else ""
    )
    row.add(
        subject,
        "required",
        param.required,
        param.source.line,
        meta,
        f"page says {'required' if param.required else 'optional'}, metadata "
        f"required={schema['required']}{doc}",
    )


def _type(row: _Rows, subject: str, doc_type: str, line: int, schema: dict[str, Any]) -> None:
    """Page type word vs metadata ``type``/``format``; a page format only when it states one."""
    meta_type, meta_format = schema.get("type"), schema.get("format")
    base = doc_type.split("<")[0]
    page_type = {
        "long": "integer",
        "int32": "integer",
        "int64": "integer",
        "float": "number",
        "double": "number",
    }.get(base, base)
    page_format = _FORMATS.get(doc_type)
    if meta_type not in _META_TYPES:
        return
    if page_type != meta_type or (page_format and meta_format and page_format != meta_format):
        meta = meta_type + (f" ({meta_format})" if meta_format else "")
        row.add(subject, "type", doc_type, line, meta, "page and metadata types differ")


def _wire(row: _Rows, subject: str, param: Parameter, spec: dict[str, Any]) -> None:
    style = spec.get("style")
    if (style == "json") != (param.wire == "json"):
        row.add(
            subject,
            "wire",
            param.wire,
            param.source.line,
            style,
            "page and metadata disagree on JSON encoding of the value",
        )


def _enum(row: _Rows, subject: str, page: Any, line: int, meta: dict[str, Any]) -> None:
    theirs = meta.get("enum")
    if page == theirs or (not page and not theirs):
        return
    if not theirs:
        prose = all(str(v) in meta.get("description", "") for v in page)
        note = "metadata lists no enum" + (" (the values appear in its prose)" if prose else "")
    else:
        note = "page lists no enum" if not page else "the value lists differ"
    row.add(subject, "enum", page, line, theirs, note)


def _bounds(
    row: _Rows, subject: str, page: dict[str, Any], line: int, meta: dict[str, Any]
) -> None:
    for key in _BOUNDS:
        ours, theirs = page.get(key), _number(meta.get(key))
        if ours == theirs:
            continue
        if theirs is None:
            prose = str(ours) in meta.get("description", "")
            note = "metadata has none" + (" (the number appears in its prose)" if prose else "")
        else:
            note = "page states none" if ours is None else "values differ"
        row.add(subject, "bound", {key: ours}, line, {key: theirs}, f"{key}: {note}")


def _number(value: Any) -> int | float | None:
    """Metadata bounds are sometimes strings (``"100"``)."""
    if isinstance(value, str):
        return float(value) if "." in value else int(value)
    return value


def _responses(row: _Rows, op: Operation, api: dict[str, Any]) -> None:
    schema = api.get("responses", {}).get("200", {}).get("schema")
    if schema is None or not op.responses:
        return
    _fields(row, op.responses[0].fields, schema.get("properties", {}), "")


def _fields(row: _Rows, fields: list[Field], meta: dict[str, Any], prefix: str) -> None:
    for item in fields:
        subject = f"response field {prefix}{item.name}"
        spec = meta.get(item.name)
        if spec is None:
            row.add(
                subject, "response field", "documented", item.source.line, None, "metadata lacks it"
            )
            continue
        _type(row, subject, item.doc_type, item.source.line, spec)
        _nested(row, item, spec, f"{prefix}{item.name}.")
    for name in sorted(set(meta) - {f.name for f in fields}):
        row.add(
            f"response field {prefix}{name}",
            "response field",
            None,
            None,
            meta[name].get("type"),
            "page silent: the metadata has a field the page lacks",
        )


def _nested(row: _Rows, item: Field, spec: dict[str, Any], prefix: str) -> None:
    if item.schema.get("type") == "object":
        _fields(row, item.children, spec.get("properties", {}), prefix)
    elif item.schema.get("type") == "array" and item.children:
        child, items = item.children[0], spec.get("items", {})
        if child.schema.get("type") == "object":
            _fields(row, child.children, items.get("properties", {}), prefix[:-1] + "[].")


def _error_codes(row: _Rows, op: Operation, api: dict[str, Any]) -> None:
    meta: dict[tuple[str, int | None], Any] = {
        (str(e.get("errorCode")), int(status)): e.get("errorMessage")
        for status, entries in api.get("errorCodes", {}).items()
        for e in entries
    }
    if not meta:
        return
    page: dict[tuple[str, int | None], ErrorCode] = {(e.code, e.status): e for e in op.error_codes}
    for key in sorted(set(page) | set(meta), key=str):
        subject = f"error {key[0]} ({key[1]})"
        ours = page.get(key)
        if ours is None:
            row.add(subject, "error code", None, None, meta[key], "page silent: not in its table")
        elif key not in meta:
            row.add(
                subject, "error code", ours.message, ours.source.line, None, "metadata lacks it"
            )
        elif ours.message != meta[key]:
            row.add(
                subject, "error code", ours.message, ours.source.line, meta[key], "messages differ"
            )


def _access_level(row: _Rows, op: Operation, api: dict[str, Any]) -> None:
    level = api.get("systemTags", {}).get("operationType")
    for auth in op.authorization[:1]:
        if level is not None and level != auth.access_level:
            row.add(
                f"RAM action {auth.action}",
                "access level",
                auth.access_level,
                auth.source.line,
                level,
                "page access level vs systemTags.operationType",
            )


def _coverage(api: dict[str, Any] | None) -> list[str]:
    """The aspects a snapshot can be checked for."""
    if api is None:
        return []
    has = {
        "http method": bool(api.get("methods")),
        "parameters": "parameters" in api,
        "response fields": "200" in api.get("responses", {}),
        "error codes": bool(api.get("errorCodes")),
        "access level": "operationType" in api.get("systemTags", {}),
    }
    return sorted(k for k, v in has.items() if v)


def crosscheck_report(operations: list[Operation], metadata_dir: Path) -> dict[str, Any]:
    """All operations against their product's metadata in ``metadata_dir``;
    sorted and deterministic so the JSON can be committed and diffed."""
    rows: list[dict[str, Any]] = []
    coverage: dict[str, dict[str, list[str]]] = {}
    files: dict[str, str] = {}
    for op in sorted(operations, key=lambda o: o.api_id):
        found = _metadata_for(op, metadata_dir)
        if found is None:
            coverage[op.api_id] = {}
            continue
        files[op.api_id], metadata = found
        rows += crosscheck(op, metadata)
        name = op.action or op.api_id.split(".")[-1]
        coverage[op.api_id] = {
            k: _coverage(metadata[k].get(name)) for k in sorted(metadata) if k.startswith("apis_")
        }
    counts: dict[str, int] = {}
    for item in rows:
        counts[item["aspect"]] = counts.get(item["aspect"], 0) + 1
    return {
        "metadata_files": dict(sorted(files.items())),
        "coverage": coverage,
        "counts": dict(sorted(counts.items())),
        "rows": sorted(rows, key=_sort_key),
    }


def _metadata_for(op: Operation, metadata_dir: Path) -> tuple[str, dict[str, Any]] | None:
    """(file name, ``{"info", "apis_<snapshot>": {...}}``) holding the operation.

    The selected-operations file of the product is used when it lists the operation; otherwise
    the full metadata files (``*.api-docs.json``, every operation of the product) are read as
    the same snapshots (the full one and the ``stripped`` one)."""
    name = op.action or op.api_id.split(".")[-1]
    pattern = f"{op.service}-{op.version or '*'}.selected-ops.json"
    found = sorted(metadata_dir.glob(pattern))
    selected = json.loads(found[0].read_text(encoding="utf-8")) if len(found) == 1 else None
    snapshots = sorted(k for k in selected or {} if k.startswith("apis_"))
    if selected is not None and all(name in selected[k] for k in snapshots):
        return found[0].name, selected
    full = sorted(metadata_dir.glob(f"{op.service}-{op.version or '*'}.api-docs.json"))
    if len(full) != 1:
        return (found[0].name, selected) if selected is not None else None
    data = json.loads(full[0].read_text(encoding="utf-8"))
    full_key = next((k for k in snapshots if k.endswith("_full")), "apis_full")
    merged: dict[str, Any] = {"info": data.get("info", {}), full_key: data.get("apis", {})}
    stripped = sorted(metadata_dir.glob(full[0].name.replace(".json", ".*stripped*.json")))
    if len(stripped) == 1:
        key = next((k for k in snapshots if k.endswith("_stripped")), "apis_stripped")
        merged[key] = json.loads(stripped[0].read_text(encoding="utf-8")).get("apis", {})
    return full[0].name, merged


def render_markdown(report: dict[str, Any]) -> str:
    """A reviewable table of the report's rows."""
    lines = [
        "# Page vs Alibaba OpenAPI metadata",
        "",
        "| API | snapshot | subject | aspect | page (line) | metadata | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        line = f" (line {row['page_line']})" if row["page_line"] is not None else ""
        cells = [
            row["api_id"],
            row["snapshot"],
            row["subject"],
            row["aspect"],
            _cell(row["page"]) + line,
            _cell(row["metadata"]),
            row["note"],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += [
        "",
        f"{len(report['rows'])} disagreements; by aspect: "
        + ", ".join(f"{k} {v}" for k, v in report["counts"].items()),
        "",
    ]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
