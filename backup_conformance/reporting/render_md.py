"""``matrix.md``: the matrix as a pull-request comment.

Checks are rows and APIs columns here (five APIs fit a comment's width, eighteen checks do
not); every failure follows in a collapsed block with what was received, what is documented,
the documentation line and the redacted repro. GitHub cuts comments at 65,536 characters, so
the failure details stop at ``MAX_DETAILS`` and say how many were left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backup_conformance.reporting import evidence_view

SYMBOLS = {"pass": "✅ pass", "fail": "❌ fail", "not-run": "\u2796 not run",
           "expected-fail": "⚠️ expected"}
MAX_DETAILS = 40
MAX_FIELD = 600


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _clip(text: str, limit: int = MAX_FIELD) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _fence(text: str) -> str:
    """A code block that no backtick run inside ``text`` can close early."""
    longest = max((len(run) for run in text.split("\n") for run in _runs(run)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _runs(line: str) -> list[str]:
    runs, current = [], ""
    for char in line:
        if char == "`":
            current += char
        elif current:
            runs.append(current)
            current = ""
    return [*runs, current] if current else runs


def render(matrix: Mapping[str, Any]) -> str:
    totals = matrix["totals"]
    verdict = "❌ non-conformant" if matrix["verdict"] == "non-conformant" else "✅ conformant"
    out = [f"## Conformance matrix: {verdict}", "",
           f"Target: {matrix['target'] or 'unknown'}; strictness: "
           f"`{matrix['strictness'] or '?'}`; {matrix['generated_at']}.", "",
           f"**{totals['passed']} passed, {totals['failed']} failed, {totals['not_run']} not "
           f"run, {totals['expected']} expected (baseline)** test cases.", ""]
    out += ["| API | vendor | passed | failed | not run | expected |",
            "| --- | --- | ---: | ---: | ---: | ---: |"]
    for api in matrix["apis"]:
        counts = matrix["per_api"].get(api["id"], {})
        out.append(f"| `{api['id']}` | {api['vendor']} | {counts.get('passed', 0)} | "
                   f"{counts.get('failed', 0)} | {counts.get('not_run', 0)} | "
                   f"{counts.get('expected', 0)} |")
    out.append("")
    cells = {(c["api"], c["check"]): c for c in matrix["cells"]}
    apis = [a["id"] for a in matrix["apis"]]
    out += ["| check | " + " | ".join(f"`{a}`" for a in apis) + " |",
            "| --- | " + " | ".join("---" for _ in apis) + " |"]
    for check in matrix["checks"]:
        row = [f"`{check['name']}`"]
        for api in apis:
            cell = cells.get((api, check["name"]))
            row.append(_cell(cell) if cell else "")
        out.append("| " + " | ".join(row) + " |")
    out += ["", "Empty: the check does not apply to that API. Not run: see the reasons below.",
            ""]
    out += _failures(matrix) + _not_run(matrix) + _baseline(matrix.get("baseline"))
    out += _evidence(matrix)
    return "\n".join(out).rstrip() + "\n"


def _evidence(matrix: Mapping[str, Any]) -> list[str]:
    rows = [f"| `{line.check}` | {line.layer} | {', '.join(line.levels)} | "
            f"{_esc(_clip('; '.join(line.shown()), 900))} |"
            for line in evidence_view.lines(matrix)]
    if not rows:
        return []
    return [f"<details><summary>Evidence per check (at <code>{evidence_view.level_of(matrix)}"
            "</code>; every level in matrix.json)</summary>", "",
            "| check | layer | judged at | rests on |", "| --- | --- | --- | --- |", *rows, "",
            "</details>", ""]


def _cell(cell: Mapping[str, Any]) -> str:
    text = SYMBOLS[cell["status"]]
    total = cell["passed"] + cell["failed"] + cell["not_run"] + cell["expected"]
    if total > 1:
        shown = cell["failed"] if cell["status"] == "fail" else cell["passed"]
        if cell["status"] in ("fail", "pass"):
            text += f" {shown}/{total}"
    return text


def _failures(matrix: Mapping[str, Any]) -> list[str]:
    found = [(cell, case, failure)
             for cell in matrix["cells"] if cell["status"] in ("fail", "expected-fail")
             for case in cell["cases"] if case["outcome"] in ("failed", "expected-failure")
             for failure in (case["failures"] or [None])]
    if not found:
        return []
    out = [f"### Failures ({len(found)})", ""]
    for cell, case, failure in found[:MAX_DETAILS]:
        expected = " (expected by the baseline)" if case["outcome"] == "expected-failure" else ""
        if failure is None:
            out += [f"<details><summary><code>{cell['api']}</code> &times; <code>{cell['check']}"
                    f"</code>: error{expected}</summary>", "", f"Test: `{case['test']}`", "",
                    _fence(_clip(case["error"], 2000)), "", "</details>", ""]
            continue
        out += [f"<details><summary><code>{cell['api']}</code> &times; "
                f"<code>{cell['check']}</code>: [{failure['check']}] "
                f"{_esc(failure['title'])}{expected}</summary>", "",
                f"- Test: `{case['test']}`",
                f"- Source: `{failure['source']}` ({failure['layer']}, {failure['severity']})"]
        if failure.get("quote"):
            out.append(f"- The page says: “{_esc(_clip(failure['quote'], 300))}”")
        out += [f"- Rests on: {_esc(_clip(text, 400))}"
                for text in evidence_view.rested_on(failure)]
        lines = [f"Received:   {_clip(failure['received'])}",
                 f"Documented: {_clip(failure['documented'])}"]
        if failure["repro"]:
            lines.append(f"Reproduce:  {_clip(failure['repro'], 1500)}")
        out += ["", _fence("\n".join(lines)), "", "</details>", ""]
    if len(found) > MAX_DETAILS:
        out += [f"… and {len(found) - MAX_DETAILS} more failure(s): see matrix.html or "
                "matrix.json.", ""]
    return out


def _not_run(matrix: Mapping[str, Any]) -> list[str]:
    reasons: dict[str, list[str]] = {}
    for cell in matrix["cells"]:
        for case in cell["cases"]:
            if case["outcome"] == "not-run":
                reasons.setdefault(case["reason"], []).append(cell["api"])
    if not reasons:
        return []
    out = ["### Not run", ""]
    for reason, apis in sorted(reasons.items()):
        names = ", ".join(f"`{a}`" for a in dict.fromkeys(apis))
        out.append(f"- {len(apis)} &times; {_esc(_clip(reason, 400))} ({names})")
    return [*out, ""]


def _baseline(verdict: Mapping[str, Any] | None) -> list[str]:
    if not verdict:
        return []
    out = ["### Baseline", "",
           f"`{verdict['file']}`: {len(verdict['expected'])} expected failure(s) held, "
           f"{len(verdict['new'])} new, {len(verdict['fixed'])} fixed, "
           f"{len(verdict['expired'])} expired.", ""]
    for entry in verdict["fixed"]:
        out.append(f"- no longer fails, prune it: `{entry['api']}` &times; "
                   f"`{entry['check']}` &times; `{entry['test']}`")
    for entry in verdict["expired"]:
        out.append(f"- expired on {entry['expires']}, fails again: `{entry['api']}` &times; "
                   f"`{entry['check']}` &times; `{entry['test']}`")
    return [*out, ""]
