"""The Evidence and Gap analysis pages in Chromium: the headline figures whole on a 1024 px screen, and
a dataset deleted only after the dialog's "Delete permanently", its Cancel leaving it be."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Store
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser

# text an element cuts (an ellipsis, or hidden overflow) is wider than the element shows
CUT_TEXTS = """cards => cards.flatMap(card => [...card.querySelectorAll('*')].filter(element => {
    const style = getComputedStyle(element);
    const cuts = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
    return cuts && element.scrollWidth > element.clientWidth + 1;
}).map(element => element.textContent))"""


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=45_000)


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1400, 1000)])
def test_the_headline_figures_are_never_cut(server: Server, page: Page, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    _open(page, f"{server.url}/gap_analysis?p=1")
    cards = page.locator('[data-testid="stMetric"]')
    # a fresh server's first run of a deep link goes through app.py and then runs the page: the app
    # is idle for a moment in between, so the tiles are waited for, not expected at once
    expect(cards).to_have_count(5, timeout=45_000)  # three verdict counts, the value gap and the net value
    settle(page)
    assert_clean(page)
    assert cards.evaluate_all(CUT_TEXTS) == []


def test_deleting_a_dataset_asks_first_and_cancel_keeps_it(server: Server, page: Page):
    store = open_workspace(server.database_url)  # seeded as the app seeds it
    count = len(store.datasets())
    store.close()
    _open(page, f"{server.url}/evidence?p=1")
    page.get_by_role("tab", name="Datasets").click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box (rows are 35 px)
    settle(page)
    page.get_by_role("button", name="Delete dataset").click()
    settle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("will be deleted for good")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    settle(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    store = Store.open(server.database_url)
    assert len(store.datasets()) == count  # Cancel deleted nothing
    store.close()

    page.get_by_role("button", name="Delete dataset").click()
    settle(page)
    page.get_by_role("dialog").get_by_role("button", name="Delete permanently").click()
    settle(page)
    assert_clean(page)
    store = Store.open(server.database_url)
    assert len(store.datasets()) == count - 1
    store.close()
