"""``matrix-junit.xml``: the matrix as JUnit, one test case per API x check x case.

pytest's own ``junit.xml`` names cases after test functions (``test_invalid_request_is_
rejected[hbr.CancelBackupJob-missing-required:JobId]``); CI pages group by class name, so here
each API is a suite and each case reads ``<api>.<family>`` / ``<check> [<case>]``. A failure's
message is the broken checks, its text the received / documented / source / repro lines; a
not-run case is skipped with its reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def render(matrix: Mapping[str, Any]) -> str:
    root = ET.Element("testsuites", name="backup-conformance")
    by_api: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = {}
    for cell in matrix["cells"]:
        for case in cell["cases"]:
            by_api.setdefault(cell["api"], []).append((cell, case))
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for api in [a["id"] for a in matrix["apis"]]:
        entries = by_api.get(api, [])
        suite = ET.SubElement(root, "testsuite", name=api)
        counts = {"tests": len(entries), "failures": 0, "skipped": 0}
        elapsed = 0.0
        for cell, case in entries:
            elapsed += case["duration"]
            name = cell["check"] + (f" [{case['case']}]" if case["case"] else "")
            testcase = ET.SubElement(suite, "testcase", classname=f"{api}.{case['family']}",
                                     name=name, time=f"{case['duration']:.3f}")
            props = ET.SubElement(testcase, "properties")
            for key, value in (("api", api), ("check", cell["check"]),
                               ("family", case["family"]), ("test", case["test"])):
                ET.SubElement(props, "property", name=key, value=value)
            if case["outcome"] == "failed":
                counts["failures"] += 1
                checks = sorted({f["check"] for f in case["failures"]}) or ["error"]
                failure = ET.SubElement(testcase, "failure",
                                        message=f"{cell['check']}: {', '.join(checks)}")
                failure.text = _text(case)
            elif case["outcome"] == "not-run":
                counts["skipped"] += 1
                ET.SubElement(testcase, "skipped", message=f"not run: {case['reason']}")
            elif case["outcome"] == "expected-failure":
                counts["skipped"] += 1
                skipped = ET.SubElement(testcase, "skipped", message="expected by the baseline: "
                                        + "; ".join(case["baseline"]))
                skipped.text = _text(case)
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        suite.set("time", f"{elapsed:.3f}")
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def _text(case: Mapping[str, Any]) -> str:
    blocks = []
    for failure in case["failures"]:
        lines = [f"[{failure['check']}] {failure['title']}",
                 f"Received: {failure['received']}",
                 f"Documented: {failure['documented']}",
                 f"Source: {failure['source']} ({failure['layer']})"]
        if failure.get("quote"):
            lines.append(f"The page says: {failure['quote']}")
        if failure["repro"]:
            lines.append(f"Reproduce: {failure['repro']}")
        blocks.append("\n".join(lines))
    if case["error"]:
        blocks.append(case["error"])
    return "\n\n".join(blocks) + f"\n\nTest: {case['test']}"


def write(matrix: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(matrix), encoding="utf-8")
