"""At 1024 px the navigation, the charts and the main tables stay inside their room.

A screenshot review found "Share" 11 px past the window, the Gabor-Granger chart 70 px wider than its
column and the verdict table scrolling sideways; a second one the Competitors tables scrolling sideways
(the positions' "Fair value" cut), the cost-of-access editor's ID past its column and the outcome data
pickers' names cut. These measure the page instead of looking at it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle

pytestmark = pytest.mark.browser

FIRST_RUN = 120_000  # the first page of a fresh server opens (and seeds) the workspace

# the right edges of what sticks out of its box: links past the window, charts past their element,
# grids wider than their frame (they would scroll sideways)
OVERFLOW = """() => {
  const width = window.innerWidth, out = [];
  for (const link of document.querySelectorAll('[data-testid="stTopNavLink"]')) {
    const box = link.getBoundingClientRect();
    if (box.width > 0 && box.right > width) out.push(`link ${link.innerText.trim()} ends at ${box.right}`);
  }
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    const box = chart.getBoundingClientRect();
    for (const drawn of chart.querySelectorAll('svg, canvas')) {
      const right = drawn.getBoundingClientRect().right;
      if (box.width > 0 && right > box.right + 1) out.push(`chart ends at ${right}, its box at ${box.right}`);
    }
  }
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (grid.closest('[data-testid="stExpander"]')) continue;  // details may scroll
    for (const scroller of grid.querySelectorAll('.dvn-scroller')) {
      if (scroller.clientWidth > 0 && scroller.scrollWidth > scroller.clientWidth + 2)
        out.push(`table ${grid.innerText.slice(0, 30)}: ${scroller.scrollWidth} in ${scroller.clientWidth}`);
    }
  }
  return out;
}"""


# the text of a picker (by its label) cut at its edge
CUT_PICKER = """(label) => {
  const out = [];
  for (const box of document.querySelectorAll('[data-testid="stSelectbox"]')) {
    if (!box.innerText.startsWith(label)) continue;
    for (const shown of box.querySelectorAll('input, div')) {
      if (shown.querySelector('div')) continue;  // the innermost: the text itself
      if (shown.clientWidth > 0 && shown.scrollWidth > shown.clientWidth + 1)
        out.push(`${label}: ${shown.value || shown.innerText}: ${shown.scrollWidth} in ${shown.clientWidth}`);
    }
  }
  return out;
}"""


def _open(page: Page, url: str, timeout: float = 45_000) -> None:
    page.goto(url)
    settle(page, timeout)
    assert_clean(page)


def test_at_1024_px_nothing_runs_past_its_room(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        _open(page, f"{server.url}/overview", FIRST_RUN)
        assert page.evaluate(OVERFLOW) == []
        _open(page, f"{server.url}/gap_analysis?p=1")  # the verdict chart and table
        assert page.evaluate(OVERFLOW) == []
        _open(page, f"{server.url}/gap_analysis?p=1&tab=Exaggerations")
        assert page.evaluate(OVERFLOW) == []
        _open(page, f"{server.url}/pricing?p=1")
        page.get_by_role("tab", name="Gabor-Granger").click()
        settle(page)
        assert page.get_by_text("Share who would buy").count() >= 1  # the chart is drawn
        assert page.evaluate(OVERFLOW) == []
    finally:
        context.close()


def test_at_1024_px_the_competitors_tables_the_access_editor_and_the_data_pickers_fit(
    server: Server, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        _open(page, f"{server.url}/overview", FIRST_RUN)
        _open(page, f"{server.url}/competitors?p=1")  # opens on the value map
        page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()  # the positions table
        assert page.evaluate(OVERFLOW) == []
        assert page.evaluate(CUT_PICKER, "Measured with") == []
        for tab in ("Relative performance", "Claims against competitors"):
            page.get_by_role("tab", name=tab).click()
            settle(page)
            page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()
            assert page.evaluate(OVERFLOW) == [], tab
        _open(page, f"{server.url}/propositions?p=1")  # the cost-of-access editor
        assert page.get_by_text("Cost of access").count() >= 1
        assert page.evaluate(OVERFLOW) == []
        # the longest correction, and the demo's longest proposition name (three pickers a row cut both)
        _open(page, f"{server.url}/gap_analysis?p=1&correction=fdr_bh")
        for label in ("Proposition", "Outcome data", "Correction", "Segment"):
            assert page.evaluate(CUT_PICKER, label) == [], label
        _open(page, f"{server.url}/share?p=1")
        assert page.evaluate(CUT_PICKER, "Outcome data") == []
    finally:
        context.close()


def test_at_1024_px_the_pricing_pickers_the_share_links_and_a_shared_views_pickers_fit(
    server: Server, browser: Browser
) -> None:
    """A third review found the Pricing pickers cut beside their caption, the share links table
    scrolling sideways and a shared Gap analysis naming its outcome data whole, cut in a third."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    viewer = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        _open(page, f"{server.url}/overview", FIRST_RUN)
        _open(page, f"{server.url}/pricing?p=1")
        assert page.evaluate(CUT_PICKER, "Proposition") == []
        assert page.evaluate(CUT_PICKER, "Measured with") == []
        _open(page, f"{server.url}/share?p=1")
        page.get_by_role("textbox", name="Note (for you)").fill("For the board")
        page.get_by_role("button", name="Create link").click()
        settle(page)
        link = page.locator('[data-testid="stCode"]').first.inner_text().strip()
        page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()  # the links table
        assert page.evaluate(OVERFLOW) == []
        shared = viewer.new_page()
        _open(shared, link)
        assert shared.get_by_text("Read-only view shared by").count() == 1
        assert shared.evaluate(CUT_PICKER, "Outcome data") == []
    finally:
        viewer.close()
        context.close()
