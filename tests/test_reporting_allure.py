"""Allure results of ``backup-conformance run``: epic = vendor, feature = API, story = check,
severity from the check, request/response attachments and page-line links; and no secret in
any report, with fake credentials in the environment and a careless target that echoes the
signed request (credentials included) back in its error body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_reporting_matrix import API, run
from werkzeug import Request, Response

ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIreportAK0001",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "reportSecret0002",
    "HUAWEICLOUD_SDK_AK": "HWreportAK0003",
    "HUAWEICLOUD_SDK_SK": "HWreportSK0004",
    "OS_AUTH_TOKEN": "reportToken0005",
}


def target(request: Request) -> Response:
    """Provider states that hand out ids; every API call refused with the request echoed."""
    if request.path == "/_states":
        asked = json.loads(request.get_data() or b"{}")
        values = {"JobId": "job-0001", "VaultId": "v-0001"} if asked.get("action") == "setup" \
            else {}
        return Response(json.dumps(values), 200, content_type="application/json")
    body = {"RequestId": "R-1", "Code": "Forbidden", "Message": f"{request.url} "
            f"{dict(request.headers)}", "HostId": "h", "Recommend": ""}
    return Response(json.dumps(body), 403, content_type="application/json",
                    headers={"X-Echo-Auth": request.headers.get("Authorization", "")})


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    server = HTTPServer("127.0.0.1", 0)
    server.expect_request(__import__("re").compile(".*")).respond_with_handler(target)
    server.start()
    try:
        folder = tmp_path_factory.mktemp("allure")
        url = server.url_for("/").rstrip("/")
        done = run(folder, "--target-url", url, "--state-url", f"{url}/_states", env=ENV)
        assert done.code == 1, done.out[-3000:]  # the target refuses everything
        for secret in ENV.values():
            assert secret not in done.out, f"{secret[:6]}... in the terminal"
        return folder
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def _results(reports: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in (reports / "allure-results").glob("*-result.json")]


def test_every_result_is_labelled_vendor_api_check_and_severity(reports: Path) -> None:
    results = _results(reports)
    assert results
    for result in results:
        labels = {(label["name"], label["value"]) for label in result["labels"]}
        assert ("epic", "Alibaba Cloud") in labels
        assert ("feature", API) in labels
        assert any(name == "story" for name, _ in labels)
        assert any(name == "severity" for name, _ in labels)
    positive = next(r for r in results if "test_valid_call_succeeds" in r["fullName"])
    labels = dict((label["name"], label["value"]) for label in positive["labels"])
    assert labels["story"] == "positive" and labels["severity"] == "critical"  # high
    negative = next(r for r in results if "missing-required:JobId" in r["name"])
    labels = dict((label["name"], label["value"]) for label in negative["labels"])
    assert labels["story"] == "missing-required" and labels["severity"] == "blocker"


def test_a_failed_result_has_the_exchange_and_the_page_line(reports: Path) -> None:
    positive = next(r for r in _results(reports) if "test_valid_call_succeeds" in r["fullName"])
    assert positive["status"] == "failed"
    names = [a["name"] for a in positive["attachments"]]
    assert f"request {API}" in names and "response 403" in names and "curl" in names
    request = next(a for a in positive["attachments"] if a["name"] == f"request {API}")
    text = (reports / "allure-results" / request["source"]).read_text()
    assert text.startswith("POST http://127.0.0.1:")
    assert "Authorization: ***" in text
    assert any(link["name"].startswith("000_10d5ee10dc05d446.txt:")
               for link in positive["links"])
    assert "Documented at 000_10d5ee10dc05d446.txt:" in positive["description"]


def test_no_secret_in_any_report(reports: Path) -> None:
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"matrix.json", "matrix.html", "matrix.md", "junit.xml",
                                       "matrix-junit.xml"}
    echoed = [p for p in files if "Credential=***" in p.read_text(errors="replace")]
    assert echoed  # the echoed key id did reach the reports, masked
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        for secret in ENV.values():
            assert secret not in text, f"{secret[:6]}... in {path.relative_to(reports)}"
