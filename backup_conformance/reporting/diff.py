"""What changed since a previous run (``--previous-matrix FILE``): the nightly job's question.

Compared case by case (API x check x test id), so a cell that stays red for a different test
still shows the regression: regressed (passed, now fails), fixed (failed, now passes), newly
failing (not run or absent before), and coverage lost (ran before, not run now).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Key = tuple[str, str, str]

KINDS = (
    ("regressed", "Regressed (passed before, fails now)"),
    ("new_failures", "Newly failing (not run or absent before)"),
    ("fixed", "Fixed (failed before, passes now)"),
    ("coverage_lost", "No longer run (ran before, not run now)"),
)


def _cases(matrix: Mapping[str, Any]) -> dict[Key, dict[str, Any]]:
    found: dict[Key, dict[str, Any]] = {}
    for cell in matrix["cells"]:
        for case in cell["cases"]:
            found[(cell["api"], cell["check"], case["test"])] = case
    return found


def _failing(case: Mapping[str, Any] | None) -> bool:
    return case is not None and case["outcome"] == "failed"


def _ran(case: Mapping[str, Any] | None) -> bool:
    return case is not None and case["outcome"] != "not-run"


def diff(previous: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, list[dict[str,
                                                                                        Any]]]:
    """Each kind of change as a list of {api, check, test, before, after, checks}."""
    before, after = _cases(previous), _cases(current)
    result: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _ in KINDS}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if _failing(new) and not _failing(old):
            if old is not None and old["outcome"] == "expected-failure":
                continue  # a baseline stopped covering it: the baseline verdict says why
            kind = "regressed" if old is not None and old["outcome"] == "passed" \
                else "new_failures"
        elif _failing(old) and new is not None and new["outcome"] == "passed":
            kind = "fixed"
        elif _ran(old) and new is not None and new["outcome"] == "not-run":
            kind = "coverage_lost"
        else:
            continue
        result[kind].append({
            "api": key[0], "check": key[1], "test": key[2],
            "before": old["outcome"] if old else "absent",
            "after": new["outcome"] if new else "absent",
            "checks": sorted({f["check"] for f in (new or old or {}).get("failures", [])}),
            "reason": (new or {}).get("reason", ""),
        })
    return result


def lines(changes: Mapping[str, list[dict[str, Any]]]) -> Iterator[tuple[str, bool]]:
    """Terminal lines, each with whether it is bad news."""
    counts = ", ".join(f"{len(changes[k])} {k.replace('_', ' ')}" for k, _ in KINDS)
    yield f"since the previous matrix: {counts}", bool(changes["regressed"]
                                                       or changes["new_failures"])
    for kind, _ in KINDS:
        for change in changes[kind]:
            detail = f" ({', '.join(change['checks'])})" if change["checks"] else ""
            yield (f"  {kind.replace('_', ' ')}: {change['api']} x {change['check']} x "
                   f"{change['test']}{detail}", kind in ("regressed", "new_failures"))


def render_md(changes: Mapping[str, list[dict[str, Any]]], previous: Mapping[str, Any],
              current: Mapping[str, Any]) -> str:
    """``matrix-diff.md``: the changes since ``previous``, for a nightly job's summary."""
    out = ["# Conformance changes since the previous run", "",
           f"Previous: {previous.get('generated_at', '?')} ({previous.get('target', '')}); "
           f"this run: {current.get('generated_at', '?')} ({current.get('target', '')}).", ""]
    if not any(changes.values()):
        out += ["No change: every case has the outcome it had.", ""]
    for kind, title in KINDS:
        found = changes[kind]
        if not found:
            continue
        out += [f"## {title}: {len(found)}", "", "| API | check | test | before | after | "
                "failed checks |", "| --- | --- | --- | --- | --- | --- |"]
        for change in found:
            out.append(f"| `{change['api']}` | `{change['check']}` | `{_cell(change['test'])}` "
                       f"| {change['before']} | {change['after']} | "
                       f"{', '.join(change['checks']) or (change['reason'] or '-')} |")
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
