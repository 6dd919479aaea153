"""Debian's Chromium driven by playwright, for the softphone page's tests.

playwright's own browser download does not work everywhere this suite runs, so the browser is
the system's ``chromium``. Without one the tests are skipped, except in CI, which installs it.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Twilio stays unreachable: every host name but the loopback ones fails to resolve at once.
_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def chromium_path() -> str:
    """Debian's Chromium, or a skip (a failure in CI) naming what to install."""
    found = shutil.which("chromium")
    if found:
        return found
    missing = "Chromium is not installed (apt-get install chromium)."
    if os.environ.get("CI"):
        pytest.fail(missing)
    pytest.skip(missing)


@contextmanager
def chromium() -> Iterator:
    """A fresh headless Chromium; closed, with playwright, when the block ends."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=_ARGS)
        try:
            yield browser
        finally:
            browser.close()
