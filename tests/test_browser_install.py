"""``tests/browser.py`` on a machine without Chromium: it installs the browser, or fails naming
the command to run, and never leaves the browser test to skip.

A fake ``apt-get`` on ``PATH`` stands in for Debian's, so these run on any machine; the real
install (``apt-get remove chromium`` then the browser test) was run by hand on 2026-12-03 and is
what ``test_reporting_html.py`` does on a fresh machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import browser
import pytest


def _fake_apt(bin_dir: Path, chromium: Path, *, fail_install: bool) -> Path:
    """An ``apt-get`` that logs its arguments and "installs" an executable at ``chromium``."""
    log = bin_dir / "apt.log"
    script = bin_dir / "apt-get"
    install = ('echo "E: Unable to locate package chromium" >&2; exit 100' if fail_install
               else f'printf "#!/bin/sh\\n" > {chromium}; chmod +x {chromium}')
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        f'if [ "$1" = install ]; then {install}; fi\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


@pytest.fixture
def missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Chromium path that does not exist, a fake ``apt-get`` first on ``PATH``, and root."""
    chromium = tmp_path / "chromium"
    monkeypatch.setattr(browser, "CHROMIUM", chromium)
    monkeypatch.setattr(browser, "LOCK", tmp_path / "install.lock")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("BC_NO_BROWSER_INSTALL", raising=False)
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    monkeypatch.setattr(browser, "APT_ENV", {**os.environ, "PATH": os.environ["PATH"]})
    return chromium


def test_a_missing_browser_is_installed_once(missing: Path, tmp_path: Path) -> None:
    log = _fake_apt(tmp_path, missing, fail_install=False)
    assert browser.ensure_chromium() == missing
    assert browser.ensure_chromium() == missing  # the second call finds it and installs nothing
    assert log.read_text().splitlines() == ["update -qq", "install -y -qq chromium"]


def test_a_failed_install_names_the_command(missing: Path, tmp_path: Path) -> None:
    _fake_apt(tmp_path, missing, fail_install=True)
    with pytest.raises(browser.BrowserUnavailable) as raised:
        browser.ensure_chromium()
    message = str(raised.value)
    assert "exited 100" in message and "Unable to locate package chromium" in message
    assert browser.HOW in message


def test_install_forbidden_or_impossible_says_what_to_run(
        missing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_apt(tmp_path, missing, fail_install=False)
    monkeypatch.setenv("BC_NO_BROWSER_INSTALL", "1")
    with pytest.raises(browser.BrowserUnavailable, match="BC_NO_BROWSER_INSTALL=1 forbids"):
        browser.ensure_chromium()
    monkeypatch.delenv("BC_NO_BROWSER_INSTALL")
    monkeypatch.setattr(browser.os, "geteuid", lambda: 1000)
    with pytest.raises(browser.BrowserUnavailable, match=r"needs root.*apt-get install"):
        browser.ensure_chromium()
    assert not log.exists()  # nothing was attempted
