"""The parity report: per operation the share of replayed exchanges matching the recording,
and every free choice, divergence and recording violation with its paths.

``parity.json`` is the data; ``parity.md`` renders it for a pull-request comment and
``parity.html`` (``reporting.render_parity``) as a page; a ``run`` whose report folder holds a
``parity.json`` shows it as a section of ``matrix.html`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from backup_conformance.snapshot.store import IgnoreList
from backup_conformance.snapshot.verify import DIVERGENCE, FREE, MATCH, RECORDING, CallResult

ABOUT = ("Snapshot parity (backup-conformance snapshot verify): each recorded exchange replayed "
         "against the target. match: no difference after normalisation; free-choice: both "
         "answers conform to the contract yet differ; divergence: the target breaks a check "
         "the recording passes; recording-violates-contract: the recording itself fails a "
         "check (worth a doc anomaly).")
_LISTS = {FREE: "free_choices", DIVERGENCE: "divergences", RECORDING: "recording_violations"}


def build(results: Iterable[CallResult], *, documents: Mapping[str, Mapping[str, Any]],
          target: str, strictness: str, strict_parity: bool, snapshots: str,
          ignore: IgnoreList) -> dict[str, Any]:
    """The ``parity.json`` document of one verify."""
    operations: dict[str, dict[str, Any]] = {}
    for api_id in sorted(documents):
        operations[api_id] = {"api_id": api_id, "exchanges": 0, "matched": 0, "ignored": 0,
                              "recorded_at": documents[api_id]["recorded_at"],
                              "recorded_from": documents[api_id]["recorded_from"],
                              **{name: [] for name in _LISTS.values()}}
    for result in results:
        operation = operations[result.api_id]
        operation["exchanges"] += 1
        operation["ignored"] += len(result.ignored)
        if result.category == MATCH:  # an ignored difference may match; a violation never
            operation["matched"] += 1
        if result.category != MATCH:
            operation[_LISTS[result.category]].append(_entry(result))
    rows = [op for op in operations.values() if op["exchanges"]]
    for op in rows:
        op["match_share"] = round(op["matched"] / op["exchanges"], 4)
    totals = {"exchanges": sum(op["exchanges"] for op in rows),
              "matched": sum(op["matched"] for op in rows),
              "ignored": sum(op["ignored"] for op in rows),
              **{name: sum(len(op[name]) for op in rows) for name in _LISTS.values()}}
    failed = totals["divergences"] or (strict_parity and totals["free_choices"])
    return {"about": ABOUT, "generated_at": _now(), "ignore": ignore.entries,
            "operations": rows, "snapshots": snapshots, "strict_parity": strict_parity,
            "strictness": strictness, "target": target, "totals": totals,
            "verdict": "divergent" if failed else "parity"}


def _entry(result: CallResult) -> dict[str, Any]:
    return {"call": result.call, "case": result.case, "kind": result.kind,
            "paths": [d["description"] for d in result.differences],
            "checks": sorted({f["check"] for f in result.replay_failures}),
            "recording_checks": result.recording_violations,
            "failures": result.replay_failures}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def exit_code(parity: Mapping[str, Any]) -> int:
    return 1 if parity["verdict"] == "divergent" else 0


def summary(parity: Mapping[str, Any]) -> str:
    """One line for the terminal."""
    t = parity["totals"]
    return (f"parity: {t['matched']}/{t['exchanges']} exchanges match; "
            f"{t['divergences']} divergence(s), {t['free_choices']} free choice(s), "
            f"{t['recording_violations']} recording violation(s), {t['ignored']} ignored "
            f"difference(s) -> {parity['verdict']}")


def render_md(parity: Mapping[str, Any]) -> str:
    """``parity.md``: the per-operation table, then each non-matching exchange."""
    lines = [f"# Snapshot parity: {parity['verdict']}", "",
             f"Target: {parity['target']} · snapshots `{parity['snapshots']}` · strictness "
             f"`{parity['strictness']}`{' · strict parity' if parity['strict_parity'] else ''}"
             f" · {parity['generated_at']}", "", summary(parity), "",
             "| operation | recorded from | match | divergences | free choices | "
             "recording violates contract |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for op in parity["operations"]:
        lines.append(f"| `{op['api_id']}` | {op['recorded_from']} ({op['recorded_at']}) | "
                     f"{op['matched']}/{op['exchanges']} ({op['match_share']:.0%}) | "
                     f"{len(op['divergences'])} | {len(op['free_choices'])} | "
                     f"{len(op['recording_violations'])} |")
    for title, key in (("Divergences", "divergences"), ("Free choices", "free_choices"),
                       ("Recording violates the contract", "recording_violations")):
        entries = [(op["api_id"], e) for op in parity["operations"] for e in op[key]]
        if not entries:
            continue
        lines += ["", f"## {title}", ""]
        for api_id, entry in entries:
            checks = entry["checks"] if key != "recording_violations" else entry[
                "recording_checks"]
            lines.append(f"- `{api_id}` {entry['case']} call {entry['call']}"
                         + (f" (checks: {', '.join(checks)})" if checks else ""))
            lines += [f"  - `{path}`" for path in entry["paths"]]
    if parity["ignore"]:
        lines += ["", "## Paths ignored", ""]
        lines += [f"- `{e['path']}` ({e.get('api_id', '*')}): {e['reason']}"
                  for e in parity["ignore"]]
    return "\n".join(lines) + "\n"
