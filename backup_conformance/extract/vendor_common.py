"""The vendor-common layer: conventions the pages only point to, kept apart from page facts.

Each family's file joins the hand-written conventions (``conventions/*.json``, every fact with
its published source) and the tables parsed from the vendors' appendices in
``contracts/sources/vendor-common/`` (every row with its file and line).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from backup_conformance.extract.alibaba_errors import load_alibaba_error_tables
from backup_conformance.extract.huawei_appendix import (
    read_error_codes,
    read_error_envelope,
    read_status_codes,
)
from backup_conformance.extract.model import ErrorCode, Field, StatusCode
from backup_conformance.extract.render import dump_json

_CONVENTIONS = Path(__file__).with_name("conventions")


def conventions(family_file: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_CONVENTIONS / family_file).read_text(encoding="utf-8"))
    return data


def render_vendor_common(alibaba: dict[str, Any], huawei: dict[str, Any]) -> dict[str, str]:
    """``vendor-common/alibaba-rpc.json`` and ``vendor-common/huawei.json``."""
    return {
        "vendor-common/alibaba-rpc.json": dump_json(alibaba),
        "vendor-common/huawei.json": dump_json(huawei),
    }


def alibaba_layer(appendix_dir: Path) -> dict[str, Any]:
    layer = conventions("alibaba-rpc.json")
    tables = load_alibaba_error_tables(appendix_dir)
    rows = [_error_row(e) for name in sorted(tables) for e in tables[name].codes]
    layer["error_codes"] = rows
    layer["error_tables"] = [
        _table_entry(name, table.provenance, table.notes) for name, table in sorted(tables.items())
    ]
    layer["error_code_conflicts"] = _conflicts(rows)
    layer["layer"] = "vendor-common"
    return layer


def huawei_layer(appendix_dir: Path) -> dict[str, Any]:
    layer = conventions("huawei.json")
    envelope_file = appendix_dir / layer["error_envelope_source"]
    fields = read_error_envelope(envelope_file)
    layer["error_envelope"] = {
        "fields": [_field_row(f) for f in fields],
        "schema": {
            "type": "object",
            "required": [f.name for f in fields if f.required],
            "properties": {f.name: f.schema for f in fields},
        },
    }
    layer["status_codes"] = {
        service: [_status_row(s) for s in read_status_codes(appendix_dir / name)]
        for service, name in sorted(layer["status_code_tables"].items())
    }
    layer["error_codes"] = {
        service: [_error_row(e) for e in read_error_codes(appendix_dir / name)]
        for service, name in sorted(layer["error_code_tables"].items())
    }
    layer["error_tables"] = [
        _table_entry(name, _provenance(appendix_dir / name), [])
        for _, name in sorted(layer["error_code_tables"].items())
    ]
    layer["layer"] = "vendor-common"
    return layer


_INCOMPLETE_MARKS = ("truncated", "text ends", "not retrievable whole")


def _provenance(path: Path) -> str:
    """The ``# source:`` first line every vendor appendix starts with."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix("# source:").strip()


def _table_entry(name: str, provenance: str, notes: list[str]) -> dict[str, Any]:
    """A table is *complete* only when its source says nothing was cut and no row was skipped.

    Checks may demand that an error code is one a table lists only when the table is complete:
    a code missing from a truncated table proves nothing.
    """
    cut = any(mark in provenance.lower() for mark in _INCOMPLETE_MARKS)
    return {"file": name, "provenance": provenance, "complete": not cut and not notes,
            "notes": notes}


def _source(source: Any) -> str:
    return f"{source.page}:{source.line}"


def _error_row(error: ErrorCode) -> dict[str, Any]:
    return {"code": error.code, "status": error.status, "message": error.message,
            "description": error.description, "source": _source(error.source)}


def _status_row(status: StatusCode) -> dict[str, Any]:
    return {"status": status.status, "kind": status.kind, "phrase": status.phrase,
            "description": status.description, "source": _source(status.source)}


def _field_row(f: Field) -> dict[str, Any]:
    row = asdict(f)
    row["source"] = _source(f.source)
    return row


def _conflicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Codes that two tables give different HTTP statuses: both kept, shown side by side."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_code.setdefault(row["code"], []).append(row)
    conflicts = []
    for code, found in sorted(by_code.items()):
        statuses = sorted({r["status"] for r in found if r["status"] is not None})
        if len(statuses) > 1:
            conflicts.append({"code": code, "statuses": statuses,
                              "sources": [r["source"] for r in found]})
    return conflicts
