"""No grid toolbar hands out its raw CSV: Streamlit's "Download as CSV" gave a spreadsheet live
formulas (=HYPERLINK(...), +..., @...) from stored text, to viewers too. The app's own downloads
beside each table neutralise them (tests/unit/reporting/test_exports.py)."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle

pytestmark = pytest.mark.browser


def test_no_grid_toolbar_offers_a_download(server: Server, page: Page):
    seen = 0
    for path in ("", "evidence?p=1", "gap_analysis?p=1", "competitors?p=1"):
        page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
        settle(page)
        assert_clean(page)
        with contextlib.suppress(
            PlaywrightTimeout
        ):  # a loaded machine draws grids late; some pages have none
            page.wait_for_selector('[data-testid="stDataFrame"]', state="visible", timeout=10_000)
        grids = page.locator('[data-testid="stDataFrame"]:visible')  # hidden tabs' grids aside
        seen += grids.count()
        for index in range(grids.count()):
            grids.nth(index).scroll_into_view_if_needed()
            grids.nth(index).hover(force=True)
            page.wait_for_timeout(300)
            labels = page.locator('[data-testid="stElementToolbar"] button').evaluate_all(
                "buttons => buttons.map(b => b.getAttribute('aria-label'))"
            )
            assert "Search" in labels or "Fullscreen" in labels, (path, labels)  # the toolbar is there
            assert "Download as CSV" not in labels, (path, index, labels)
    assert seen >= 3  # the demo workspace's tables were there to hover
