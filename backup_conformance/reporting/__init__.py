"""Reports of a conformance run: the API x check matrix (JSON, Markdown, HTML, JUnit),
baselines of expected failures, the diff against a previous run, and allure labels.

Plain Python fed by the pytest plugin (the only module touching pytest internals): the plugin
turns each test into a ``CaseRecord`` and hands the records over; everything here works on
those records and on files, so it can be tested and reused without pytest.
"""

from backup_conformance.reporting.collect import CaseRecord, Collector, TestMeta, failure_dicts
from backup_conformance.reporting.matrix import build_matrix, validate_matrix

__all__ = [
    "CaseRecord",
    "Collector",
    "TestMeta",
    "failure_dicts",
    "build_matrix",
    "validate_matrix",
]
