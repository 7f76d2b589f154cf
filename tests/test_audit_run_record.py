"""``run --record FILE.har`` writes the run's traffic as HAR 1.2, auth redacted; the audit
re-judges it: the suites' deliberately invalid requests are flagged on the client side, the
reference mock's answers to every request pass on the server side.

Why: a nightly run's recording is what a team shares when a vendor disputes a verdict; it
must hold no secret and must re-audit to the same story offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backup_conformance.cli import main

TIMEOUT = 180
API = "dbs.StopBackupPlan"


def test_run_record_har_re_audits_offline(tmp_path: Path) -> None:
    har = tmp_path / "run.har"
    env = {**os.environ, "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-run-record-ak",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "run-record-secret"}
    result = subprocess.run(
        [sys.executable, "-m", "backup_conformance.cli", "run", "--report-dir",
         str(tmp_path / "run"), "--api", API, "--record", str(har), "--no-allure", "-q",
         "-p", "no:xdist", "-k", "test_invalid_request or test_valid_call"],
        capture_output=True, text=True, timeout=TIMEOUT, env=env)
    assert result.returncode == 0, result.stdout[-2000:]
    text = har.read_text(encoding="utf-8")
    entries = json.loads(text)["log"]["entries"]
    assert len(entries) > 5
    assert "run-record-secret" not in text and "LTAI-run-record-ak" not in text

    code = main(["audit", str(har), "--report-dir", str(tmp_path / "audit")])
    assert code == 1  # the negative suite's requests are invalid by design
    matrix = json.loads((tmp_path / "audit" / "matrix.json").read_text(encoding="utf-8"))
    statuses = {cell["check"]: cell["status"] for cell in matrix["cells"]
                if cell["api"] == API}
    assert statuses["audit-request"] == "fail"
    assert statuses["audit-response"] == "pass"
    assert statuses["audit-signature"] == "not-run"  # the recording is redacted
    titles = {f["title"] for cell in matrix["cells"] for case in cell["cases"]
              for f in case["failures"]}
    assert titles and all(t.startswith("[client]") for t in titles), titles
