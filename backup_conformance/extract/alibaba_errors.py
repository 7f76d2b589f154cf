"""Alibaba Cloud vendor-common error-code tables (``contracts/sources/vendor-common/alibaba_*``).

These pages are only pointed to by the operation pages ("visit the Service error codes"), so
they feed the vendor-common layer of the contract. Two layouts occur: pipe rows (headers may
wrap over several lines, and a later excerpt may reuse an earlier header) and space-separated
rows ``Code Description Status Semantics``. Rows a file says are cut off are skipped and
reported, never completed by guessing; where two files disagree, both rows are returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from backup_conformance.extract.model import ErrorCode, Source

_COLUMNS = {
    "http status code": "status",
    "error code": "code",
    "error message": "message",
    "description": "description",
    "action": "action",
}
_SPACED_HEADER = re.compile(r"^Error Code\s+Description\s+HTTP Status Code\s+Semantics$", re.I)
_SPACED_ROW = re.compile(
    r"^(?P<code>[A-Za-z][\w.]*)\s+(?P<message>.+?)\s+(?P<status>[1-5]\d\d)"
    r"\s+(?P<description>.+)$"
)


@dataclass
class ErrorTable:
    """One file's rows, its ``# source:`` provenance line and what was skipped or odd."""

    file: str
    provenance: str
    codes: list[ErrorCode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_alibaba_error_tables(errors_dir: Path) -> dict[str, list[ErrorCode]]:
    """Rows of every ``alibaba_*.txt`` table, keyed by file name."""
    return {name: table.codes for name, table in load_alibaba_error_tables(errors_dir).items()}


def load_alibaba_error_tables(errors_dir: Path) -> dict[str, ErrorTable]:
    """Like ``read_alibaba_error_tables`` but with provenance and notes per file."""
    return {p.name: read_alibaba_error_table(p) for p in sorted(errors_dir.glob("alibaba_*.txt"))}


def read_alibaba_error_table(path: Path) -> ErrorTable:
    """Parse one file; the first line must be its ``# source:`` provenance."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# source:"):
        raise ValueError(f"{path.name}:1: expected a '# source:' provenance line")
    table = ErrorTable(path.name, lines[0].removeprefix("# source:").strip())
    cut = _Cut.from_comments(lines)
    if any(line.lstrip().startswith("|") for line in lines):
        _read_pipe_rows(table, lines, cut)
    else:
        _read_spaced_rows(table, lines, cut)
    return table


@dataclass
class _Cut:
    """Where the file's own comments say the copy stops."""

    codes: set[str]
    tails: list[str]

    @classmethod
    def from_comments(cls, lines: list[str]) -> _Cut:
        comments = " ".join(line for line in lines if line.startswith("#"))
        codes = set(re.findall(r"truncated at the (\S+) row", comments, re.I))
        tails = re.findall(r'ends mid-word at "([^"]+)"', comments, re.I)
        return cls(codes, tails)

    def hits(self, code: str, text: str) -> bool:
        return code in self.codes or any(text.rstrip().endswith(t) for t in self.tails)


def _skip(table: ErrorTable, number: int, text: str, why: str) -> None:
    table.notes.append(f"{table.file}:{number}: skipped {why}: {text.strip()!r}")


def _pipe_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Rows starting with ``|``; a lone ``|`` opens a header wrapped over ``Cell |`` lines."""
    joined: list[tuple[int, str]] = []
    wrapping = False
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if text.startswith("|"):
            joined.append((number, text))
            wrapping = text == "|"
        elif wrapping and text.endswith("|"):
            joined[-1] = (joined[-1][0], f"{joined[-1][1]} {text}")
        else:
            wrapping = False
    return joined


def _read_pipe_rows(table: ErrorTable, lines: list[str], cut: _Cut) -> None:
    columns: list[str] = []
    rows = _pipe_lines(lines)
    actions = {_cells(t)[-1] for _, t in rows if t.endswith("|") and len(_cells(t)) >= 5}
    for number, text in rows:
        cells = _cells(text)
        names = [_COLUMNS.get(c.lower(), "") for c in cells]
        if "code" in names:
            columns = names
            continue
        if not columns:
            _skip(table, number, text, "a row before any header")
        elif not text.endswith("|") or len(cells) < len(columns) or cut.hits(cells[1], text):
            _skip(table, number, text, "a row the file says is cut off (truncated copy)")
        else:
            table.codes.append(
                _pipe_code(table, number, dict(zip(columns, cells, strict=False)), actions)
            )


def _cells(text: str) -> list[str]:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _pipe_code(table: ErrorTable, number: int, row: dict[str, str], actions: set[str]) -> ErrorCode:
    description = row.get("description", "")
    if "message" not in row:
        row["message"], description = description, ""
    if description and description in actions - {""} and not row.get("action"):
        table.notes.append(
            f"{table.file}:{number}: the Description cell holds the Action value "
            f"{description!r} and the Action cell is empty (cells shifted); "
            "description left empty"
        )
        description = ""
    code = row["code"]
    if not re.fullmatch(r"[A-Za-z][\w.]*", code):
        table.notes.append(
            f"{table.file}:{number}: error code cell {code!r} is not an identifier; kept as written"
        )
    return ErrorCode(
        code=code,
        message=row["message"],
        source=Source(table.file, number),
        status=int(row["status"]) if row.get("status", "").isdigit() else None,
        description="" if description == "-" else description,
    )


def _read_spaced_rows(table: ErrorTable, lines: list[str], cut: _Cut) -> None:
    in_table = False
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if _SPACED_HEADER.match(text):
            in_table = True
            continue
        if not in_table or not text or text.startswith("#"):
            in_table = in_table and bool(text)
            continue
        match = _SPACED_ROW.match(text)
        if match is None:
            _skip(
                table, number, text, "a line that is not a 'Code Description Status Semantics' row"
            )
        elif cut.hits(match.group("code"), text):
            _skip(table, number, text, "a row the file says is cut off (truncated copy)")
        else:
            table.codes.append(
                ErrorCode(
                    match.group("code"),
                    match.group("message"),
                    Source(table.file, number),
                    int(match.group("status")),
                    match.group("description"),
                )
            )


def status_conflicts(tables: dict[str, list[ErrorCode]]) -> dict[str, list[ErrorCode]]:
    """Codes listed with different HTTP statuses by different rows (across or within files)."""
    by_code: dict[str, list[ErrorCode]] = {}
    for codes in tables.values():
        for code in codes:
            by_code.setdefault(code.code, []).append(code)
    return {
        code: sorted(rows, key=lambda r: r.source)
        for code, rows in sorted(by_code.items())
        if len({r.status for r in rows}) > 1
    }
