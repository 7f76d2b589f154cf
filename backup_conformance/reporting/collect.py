"""One outcome record per test, folded from pytest's per-phase reports by the plugin.

Records are plain data (``to_dict`` / ``from_dict``) because under pytest-xdist they are built
from reports that crossed a process boundary; nothing here needs pytest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from backup_conformance.checks.failures import CheckFailure, CheckFailures
from backup_conformance.secrets import scrub_secrets

#: Outcomes of one test as the reports name them.
OUTCOMES = ("passed", "failed", "not-run", "expected-failure")
MAX_TEXT = 4000  # characters kept of any free text (an error, a received body)

_PROPERTY_NAMES = ("api", "check", "family", "case", "test")


def test_id(nodeid: str) -> str:
    """A node id that does not depend on where pytest was started: ``test_negative.py::...``.

    ``pytest suites`` from a checkout says ``suites/test_x.py::``, ``backup-conformance run``
    (rootdir = the suites) says ``test_x.py::``; a baseline must match either."""
    path, sep, rest = nodeid.partition("::")
    return f"{PurePosixPath(path.replace(chr(92), '/')).name}{sep}{rest}"


@dataclass(frozen=True)
class TestMeta:
    """Where a test sits in the matrix: its API(s) and check column, from its markers."""

    __test__ = False  # not a pytest test class, whatever its name

    apis: tuple[str, ...]
    check: str
    family: str
    case: str
    test: str

    @classmethod
    def from_item(cls, nodeid: str, module: str, function: str, apis: Sequence[str],
                  checks: Sequence[str], case: str) -> TestMeta:
        """``checks`` are the test's ``check`` markers: one names its column; a test exercising
        several (the interleaved lifecycles) gets a column of its own, named after it."""
        unique_checks = list(dict.fromkeys(checks))
        if len(unique_checks) == 1:
            column = unique_checks[0]
        else:
            column = function.removeprefix("test_").replace("_", "-") or "unmarked"
        family = PurePosixPath(module).stem.removeprefix("test_")
        return cls(tuple(dict.fromkeys(apis)), column, family, case, test_id(nodeid))

    def properties(self) -> list[tuple[str, str]]:
        """JUnit ``<property>`` pairs (one ``api`` per API): what a CI page can filter on."""
        pairs = [("api", api) for api in self.apis]
        pairs += [("check", self.check), ("family", self.family), ("case", self.case),
                  ("test", self.test)]
        return pairs

    @classmethod
    def from_properties(cls, pairs: Iterable[tuple[str, Any]]) -> TestMeta | None:
        """The inverse of ``properties`` (None: not a conformance test)."""
        apis: list[str] = []
        found: dict[str, str] = {}
        for name, value in pairs:
            if name == "api":
                apis.append(str(value))
            elif name in _PROPERTY_NAMES and name not in found:
                found[name] = str(value)
        if "check" not in found or "test" not in found:
            return None
        return cls(tuple(apis), found["check"], found.get("family", ""), found.get("case", ""),
                   found["test"])


@dataclass
class CaseRecord:
    """The outcome of one test: pass, fail (with its check failures), not run (with why), or a
    failure a baseline expects."""

    apis: tuple[str, ...]
    check: str
    family: str
    case: str
    test: str
    outcome: str = "passed"
    reason: str = ""
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str = ""
    duration: float = 0.0
    baseline: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, meta: TestMeta) -> CaseRecord:
        return cls(meta.apis, meta.check, meta.family, meta.case, meta.test)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["apis"] = list(self.apis)
        data["duration"] = round(self.duration, 3)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseRecord:
        return cls(**{**data, "apis": tuple(data["apis"])})

    def failed_keys(self) -> list[tuple[str, str]]:
        return failure_keys(self.failures, self.error, self.apis, self.check)


def failure_keys(failures: Sequence[dict[str, str]], error: str, apis: Sequence[str],
                 check: str) -> list[tuple[str, str]]:
    """(api, check) of each failure: the failure's own API and check when it names them (an
    interleaved lifecycle fails on one API of several), else the test's; an error that is no
    check failure counts against the test's column."""
    keys = []
    for failure in failures:
        api = failure.get("api_id") or (apis[0] if len(apis) == 1 else "")
        keys.append((api, failure.get("check") or check))
    if error and not failures:
        keys += [(api, check) for api in apis or ("",)]
    return list(dict.fromkeys(keys))


def failure_dicts(exc: BaseException) -> tuple[list[dict[str, str]], str]:
    """The check failures inside ``exc`` (a ``CheckFailure``, ``CheckFailures`` or an
    exception group of them), and the text of anything else that broke the test."""
    found: list[dict[str, str]] = []
    others: list[str] = []
    for one in _leaves(exc):
        if isinstance(one, CheckFailure):
            found.append({k: _clip(scrub_secrets(str(v))) for k, v in one.as_dict().items()})
        else:
            text = f"{type(one).__name__}: {one}".strip()
            others.append(_clip(scrub_secrets(text)))
    return found, "\n".join(others)


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, CheckFailures):
        yield from exc.failures
    elif isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"... ({len(text)} characters)"


class Collector:
    """Folds setup / call / teardown reports into one ``CaseRecord`` per test."""

    def __init__(self) -> None:
        self._open: dict[str, CaseRecord] = {}
        self.records: list[CaseRecord] = []

    def phase(self, nodeid: str, when: str, outcome: str, meta: TestMeta, *,
              duration: float = 0.0, reason: str = "", failures: Sequence[dict[str, str]] = (),
              error: str = "", expected: Sequence[str] = ()) -> CaseRecord | None:
        """Take one phase's report; return the finished record after the teardown phase.

        ``outcome`` is pytest's (passed, failed, skipped); ``expected`` names the baseline
        entries that turned a failure into an expected one."""
        record = self._open.setdefault(nodeid, CaseRecord.start(meta))
        record.duration += duration
        if outcome == "skipped" and expected:
            record.outcome, record.baseline = "expected-failure", list(expected)
            record.failures, record.error = list(failures), error
        elif outcome == "skipped":
            record.outcome, record.reason = "not-run", _skip_reason(reason)
        elif outcome == "failed":
            if when == "teardown" and record.outcome != "passed":
                pass  # the test's own verdict stands; teardown trouble is reported by pytest
            else:
                record.outcome = "failed"
                record.failures += list(failures)
                prefix = "" if when == "call" else f"error in {when}: "
                if error or not failures:
                    record.error = prefix + (error or "the test raised")
        if when != "teardown":
            return None
        done = self._open.pop(nodeid)
        self.records.append(done)
        return done

    def add(self, record: CaseRecord) -> None:
        self.records.append(replace(record))


def _skip_reason(text: str) -> str:
    text = text.strip()
    text = text.removeprefix("Skipped: ").strip()
    return text.removeprefix("not run:").strip() or "skipped"
