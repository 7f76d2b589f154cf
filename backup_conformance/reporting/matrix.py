"""The conformance matrix: API rows x check columns, each cell pass / fail / not run.

A cell holds every test case of its API and check (a negative rule has one case per parameter,
a doc example one per sample). Its status is the worst of them: ``fail`` beats
``expected-fail`` (a failure a baseline expects) beats ``pass`` beats ``not-run``, so a cell is
never shown as passed when something in it failed, nor when nothing in it ran.

``matrix.json`` follows ``schema/matrix.schema.json`` (JSON Schema 2020-12, shipped in the
package): tools reading it can validate what they get.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from backup_conformance.checks.evidence import for_failure
from backup_conformance.checks.registry import registered
from backup_conformance.paths import contracts_dir
from backup_conformance.reporting.collect import CaseRecord
from backup_conformance.secrets import scrub_data

FORMAT = "backup-conformance/matrix"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("schema") / "matrix.schema.json"
STATUSES = ("fail", "expected-fail", "pass", "not-run")  # worst first
VENDORS = {"alibaba-rpc": "Alibaba Cloud", "huawei-rest": "Huawei Cloud"}
SEVERITY_ORDER = ("critical", "high", "medium", "low")


def vendor_of(family: str) -> str:
    """The vendor a contract family belongs to (an allure epic, a matrix row group)."""
    return VENDORS.get(family, family)


@cache
def _column_data() -> tuple[dict[str, Any], ...]:
    data = json.loads((Path(__file__).with_name("columns.json")).read_text(encoding="utf-8"))
    return tuple(data["columns"])


def column_info(name: str) -> dict[str, Any]:
    """Title, layer and severity of a matrix column (a check marker of the suites)."""
    specs = registered()
    spec = specs.get(name)
    if spec is not None:
        return {"name": name, "title": spec.title, "layer": spec.layer,
                "severity": spec.severity, "judged_by": [name]}
    listed = next((c for c in _column_data() if c["name"] == name), None)
    judged = [j for j in (listed or {}).get("judged_by", []) if j in specs]
    layers = {specs[j].layer for j in judged}
    severities = [specs[j].severity for j in judged] or ["high"]
    return {"name": name, "title": (listed or {}).get("title", name),
            "layer": layers.pop() if len(layers) == 1 else "mixed",
            "severity": min(severities, key=SEVERITY_ORDER.index), "judged_by": judged}


def column_order(names: Iterable[str]) -> list[str]:
    known = [c["name"] for c in _column_data()]
    wanted = set(names)
    return [n for n in known if n in wanted] + sorted(wanted - set(known))


def api_rows(catalogue: Mapping[str, Any]) -> list[dict[str, str]]:
    """The matrix rows from a contract catalogue (anything with family/service/page)."""
    return [{"id": api_id, "vendor": vendor_of(c.family), "service": c.service, "page": c.page}
            for api_id, c in catalogue.items()]


def build_matrix(records: Sequence[CaseRecord], apis: Sequence[Mapping[str, str]], *,
                 target: str = "", strictness: str = "", baseline: Mapping[str, Any] | None = None,
                 generated_at: str | None = None,
                 evidence: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The matrix document for ``records`` (see the module docstring and the schema).

    ``evidence`` is the evidence table (``checks.evidence.table``): shown per check, and each
    failure names the rows it rested on (its check, on its API, at ``strictness``)."""
    rows = sorted((dict(a) for a in apis), key=lambda r: (r["vendor"], r["id"]))
    known = {r["id"] for r in rows}
    for record in records:  # an API the catalogue lacks still gets its row
        for api in record.apis:
            if api not in known:
                known.add(api)
                rows.append({"id": api, "vendor": "", "service": "", "page": ""})
    cases: dict[tuple[str, str], list[dict[str, Any]]] = {}
    unplaced: list[dict[str, Any]] = []
    for record in records:
        if not record.apis:
            unplaced.append(_case(record, record.outcome, record.reason, record.failures))
            continue
        for api in record.apis:
            cases.setdefault((api, record.check), []).append(_case_for(record, api))
    if evidence is not None:
        _name_evidence([*unplaced, *(c for found in cases.values() for c in found)], evidence,
                       strictness)
    columns = [column_info(n) for n in column_order({check for _, check in cases})]
    cells = []
    for row in rows:
        for column in columns:
            found = cases.get((row["id"], column["name"]))
            if found:
                cells.append(_cell(row["id"], column["name"], found))
    totals = _counts(c for cell in cells for c in cell["cases"])
    per_api = {row["id"]: _counts(c for cell in cells if cell["api"] == row["id"]
                                  for c in cell["cases"]) for row in rows}
    document = {
        "format": FORMAT, "version": VERSION,
        "generated_at": generated_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "target": target, "strictness": strictness,
        "verdict": "non-conformant" if totals["failed"] else "conformant",
        "apis": rows, "checks": columns, "cells": cells,
        "totals": totals, "per_api": per_api, "unplaced": unplaced,
        "baseline": dict(baseline) if baseline is not None else None,
    }
    if evidence is not None:
        document["evidence"] = [dict(row) for row in evidence]
    return dict(scrub_data(document))


def _name_evidence(cases: Iterable[dict[str, Any]], evidence: Sequence[Mapping[str, Any]],
                   strictness: str) -> None:
    """Each registered check's failure gets the evidence rows it rested on."""
    for case in cases:
        for failure in case["failures"]:
            if failure.get("check") and failure.get("api_id"):
                failure["evidence"] = for_failure(evidence, failure["check"],
                                                  failure["api_id"], strictness)


def _case_for(record: CaseRecord, api: str) -> dict[str, Any]:
    """``record`` as seen from one of its APIs: a multi-API test failing on another API says
    nothing about this one beyond the point where it stopped."""
    if len(record.apis) == 1 or record.outcome not in ("failed", "expected-failure"):
        return _case(record, record.outcome, record.reason, record.failures)
    mine = [f for f in record.failures if f.get("api_id") in ("", api, None)]
    if mine or (record.error and not record.failures):
        return _case(record, record.outcome, record.reason, mine)
    others = sorted({f.get("api_id", "") for f in record.failures})
    return _case(record, "not-run", f"stopped early: {', '.join(others)} failed", [])


def _case(record: CaseRecord, outcome: str, reason: str,
          failures: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    return {"test": record.test, "case": record.case, "family": record.family,
            "outcome": outcome, "reason": reason,
            "failures": [_with_quote(f) for f in failures],
            "error": record.error if outcome in ("failed", "expected-failure") else "",
            "duration": round(record.duration, 3), "baseline": list(record.baseline)}


def _cell(api: str, check: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    counts = _counts(cases)
    if counts["failed"]:
        status = "fail"
    elif counts["expected"]:
        status = "expected-fail"
    elif counts["passed"]:
        status = "pass"
    else:
        status = "not-run"
    reasons = list(dict.fromkeys(c["reason"] for c in cases if c["outcome"] == "not-run"))
    return {"api": api, "check": check, "status": status, **counts, "reasons": reasons,
            "cases": cases}


def _counts(cases: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "not_run": 0, "expected": 0}
    key = {"passed": "passed", "failed": "failed", "not-run": "not_run",
           "expected-failure": "expected"}
    for case in cases:
        counts[key[case["outcome"]]] += 1
    return counts


_SOURCE = re.compile(r"^(?P<file>[\w./-]+\.txt):(?P<line>\d+)")


def _with_quote(failure: Mapping[str, str]) -> dict[str, str]:
    quoted = dict(failure)
    text = quote_source(failure.get("source", ""))
    if text:
        quoted["quote"] = text
    return quoted


QUOTE_LINES = 3  # the cited line and the next non-empty ones: page tables put a cell a line


def quote_source(source: str) -> str:
    """An excerpt of the documentation a ``page:line`` source names ('' if none): the line
    and the next non-empty ones, joined by `` / ``."""
    match = _SOURCE.match(source.strip())
    if not match:
        return ""
    lines = _page_lines(match["file"])
    number = int(match["line"])
    if not 0 < number <= len(lines):
        return ""
    picked = [text.strip() for text in lines[number - 1:number + 10] if text.strip()]
    return " / ".join(picked[:QUOTE_LINES])[:300]


@cache
def _page_lines(name: str) -> tuple[str, ...]:
    base = contracts_dir() / "sources"
    for candidate in (base / name, base / "vendor-common" / Path(name).name):
        if candidate.is_file():
            return tuple(candidate.read_text(encoding="utf-8", errors="replace").splitlines())
    return ()


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of ``matrix.json``."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validate_matrix(document: Mapping[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``document`` follows the schema."""
    import jsonschema

    jsonschema.Draft202012Validator(schema()).validate(document)


def write_json(document: Mapping[str, Any], path: Path) -> None:
    validate_matrix(document)  # never publish a file our own schema rejects
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_json(path: Path) -> dict[str, Any]:
    """A ``matrix.json`` written by an earlier run, validated."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validate_matrix(document)
    return document
