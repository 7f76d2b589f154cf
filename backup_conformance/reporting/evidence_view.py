"""The evidence table as the Markdown and HTML reports show it: one line per check, at the
run's strictness, naming the sources it rests on and flagging cut tables and contested facts.

The full table (every API and level) is in ``matrix.json`` under ``evidence``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CheckLine:
    check: str
    layer: str
    levels: tuple[str, ...]
    judged: bool  # at the run's strictness
    sources: tuple[str, ...]  # each with its table state / contest in brackets
    level: str

    def shown(self) -> tuple[str, ...]:
        """What the report's "rests on" cell lists."""
        if not self.judged:
            return (f"not judged at {self.level}",)
        return self.sources or ("nothing on these APIs",)


def level_of(matrix: Mapping[str, Any]) -> str:
    return str(matrix.get("strictness") or "vendor")


def lines(matrix: Mapping[str, Any]) -> list[CheckLine]:
    """One line per check of the matrix's evidence table (none for older matrices)."""
    level = level_of(matrix)
    found = []
    for row in matrix.get("evidence") or []:
        rows = [e for e in row["evidence"] if e["level"] == level]
        found.append(CheckLine(row["check"], row["layer"], tuple(row["levels"]),
                               level in row["levels"],
                               tuple(dict.fromkeys(describe(e) for e in rows)), level))
    return found


def describe(fact: Mapping[str, Any]) -> str:
    """``source [table; contested by …; prevails over …]`` for one evidence row."""
    notes = [f"{fact['table']} table"] if fact.get("table") else []
    notes += [f"contested by {', '.join(fact['contested'])}"] if fact.get("contested") else []
    notes += [f"prevails over {', '.join(fact['overrides'])}"] if fact.get("overrides") else []
    return _bare(fact["source"]) + (f" [{'; '.join(notes)}]" if notes else "")


def _bare(text: str) -> str:
    """Addresses without their scheme: a report names documents, it links to nothing."""
    return text.replace("https://", "").replace("http://", "")


def rested_on(failure: Mapping[str, Any]) -> list[str]:
    """``fact: source […]`` for each evidence row a failure names."""
    return [f"{e['fact']}: {describe(e)}" for e in failure.get("evidence") or []]
