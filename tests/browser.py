"""Find Debian's Chromium for the report page's browser test, installing it when it is missing.

The README's test command (``python -m pytest``) must pass on a fresh machine with no set-up by
hand, so the browser test brings its own browser: Debian's ``chromium`` package, through
``apt-get`` (playwright's own browser downloads are never used; they cannot be fetched here).
Where it cannot be installed (not root, no ``apt-get``, or ``BC_NO_BROWSER_INSTALL=1``) the test
fails with the command to run: a browser test that skipped would stop testing the page without
anyone noticing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"])
INSTALL_TIMEOUT_S = 600
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
LOCK = Path("/tmp/backup-conformance-chromium-install.lock")  # parallel runs install once
HOW = "apt-get update && apt-get install -y chromium"


class BrowserUnavailable(Exception):
    """Chromium is missing and could not be installed; the message says what to run."""


def ensure_chromium() -> Path:
    """The Chromium executable, installed from Debian's packages on first use if missing."""
    if _usable(CHROMIUM):
        return CHROMIUM
    refusal = _why_not_installable()
    if refusal:
        raise BrowserUnavailable(f"{CHROMIUM} is missing and {refusal}; run: {HOW}")
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _usable(CHROMIUM):
            print(f"\n[browser test] {CHROMIUM} is missing: installing Debian's chromium "
                  "(once per machine)", file=sys.stderr, flush=True)
            _install()
    if not _usable(CHROMIUM):
        raise BrowserUnavailable(f"apt-get installed chromium but {CHROMIUM} is not executable")
    return CHROMIUM


def _install() -> None:
    for command in INSTALL:
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=INSTALL_TIMEOUT_S, env=APT_ENV)
        except subprocess.TimeoutExpired as exc:
            raise BrowserUnavailable(f"`{' '.join(command)}` took over {INSTALL_TIMEOUT_S} s"
                                     f"; run: {HOW}") from exc
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise BrowserUnavailable(f"`{' '.join(command)}` exited {done.returncode}: "
                                     f"{' / '.join(tail)}; run: {HOW}")


def _usable(path: Path) -> bool:
    return path.exists() and shutil.which(str(path)) is not None


def _why_not_installable() -> str:
    if os.environ.get("BC_NO_BROWSER_INSTALL") == "1":
        return "BC_NO_BROWSER_INSTALL=1 forbids installing it"
    if shutil.which("apt-get") is None:
        return "this machine has no apt-get"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return "installing it needs root"
    return ""
