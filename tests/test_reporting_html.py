"""``matrix.html`` in headless Chromium: the page opens from a file with no network, a failed
cell expands on click to received vs documented, the page line and the redacted repro, and a
case a doc anomaly withholds (the only "not run" of the default run: the embedded mock
verifies signatures, so the auth suite runs) gives its reason. The screenshot goes to
``reports/matrix.png`` (ignored by git);
the README's ``docs/images/matrix.png`` is a copy of one.

Needs Debian's ``chromium`` (``/usr/bin/chromium``), which ``tests/browser.py`` installs with
``apt-get`` on first use when it is missing, and the ``playwright`` package (a dev dependency;
its own browser downloads are never used). Where the browser cannot be had the test fails,
naming the command to run: a browser test that skips would stop testing the page without anyone
noticing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import BrowserUnavailable, ensure_chromium
from test_reporting_matrix import run

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "reports" / "matrix.png"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("html")
    done = run(reports, "--mock-option",
               "mutation=hbr-cancel-success-201,vbs-error-openstack-shape", whole=True)
    assert done.code == 1, done.out[-3000:]
    return reports / "matrix.html"


def test_the_page_is_self_contained(page_file: Path) -> None:
    html = page_file.read_text()
    assert "default-src 'none'" in html  # the page may not fetch anything
    for reference in ("http://", "https://"):
        remote = [line for line in html.splitlines()
                  if reference in line and "curl" not in line and "Target:" not in line
                  and "127.0.0.1" not in line]
        assert not remote, remote[:3]


def test_the_page_lists_each_checks_evidence(page_file: Path) -> None:
    html = page_file.read_text()
    assert '<table id="evidence">' in html
    assert '<tr data-check="success-status"><td><code>success-status</code></td><td>page</td>' \
           "<td>docs, vendor, strict</td>" in html
    assert "<dt>Rests on</dt>" in html  # the failure names the evidence it rested on


def test_a_failed_cell_expands_in_headless_chromium(page_file: Path) -> None:
    from playwright import sync_api

    try:
        chromium = ensure_chromium()
    except BrowserUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS,
                                             timeout=TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            assert "non-conformant" in page.locator("h1").inner_text()
            panel = page.locator("section.panel", has_text="hbr.CancelBackupJob \u00d7 positive")
            assert not panel.is_visible()
            page.click('a.cell.fail[data-api="hbr.CancelBackupJob"][data-check="positive"]')
            assert panel.is_visible()
            text = panel.inner_text()
            assert "[success-status] Undocumented status for a valid request" in text
            assert "Received\n201 " in text and "Documented\n[200]" in text
            assert "000_10d5ee10dc05d446.txt:50" in text
            assert "curl -sS -X POST" in text and "x-acs-action: CancelBackupJob" in text
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            page.click('a.cell[data-api="vbs.CancelBackupSharing"]'
                       '[data-check="doc-example"]')
            assert not panel.is_visible()  # one panel at a time
            opened = page.locator("section.panel.open").inner_text()
            assert "not run: doc anomaly example-request-omits-path-param-id" in opened
        finally:
            browser.close()
    assert all(url.startswith("file://") for url in requests), requests
