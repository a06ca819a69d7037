"""Browser tests: the real Streamlit server on 127.0.0.1, driven through Playwright + Debian Chromium.

No browser download works here, so Playwright launches ``/usr/bin/chromium``. Locally the tests skip
when no Chromium is found; with ``VALUEGAP_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Server, start_server

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("VALUEGAP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A freshly started server (nothing requested from it yet) with an empty workspace."""
    started = start_server(tmp_path)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("VALUEGAP_REQUIRE_BROWSER") == "1":
            pytest.fail("VALUEGAP_REQUIRE_BROWSER=1 but no Chromium found at /usr/bin/chromium")
        pytest.skip("no Chromium found (install Debian's chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()
