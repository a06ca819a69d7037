"""In Chromium: a new proposition's market imported from an offers file on the Competitors page, then
edited in the offers grid and saved, with screenshots of the Overview and Competitors pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.market import offer_files
from valuegap.store import Store

pytestmark = pytest.mark.browser

MARKET = Path(__file__).resolve().parents[2] / "data" / "competitors" / "invoicing-saas.yaml"
SIZES = ((1400, 1000), (1024, 768))


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def _stored(server: Server, name: str):  # type: ignore[no-untyped-def]
    store = Store.open(server.database_url)
    try:
        item = next(i for i in store.list_propositions() if i.proposition.name == name)
        return item.id, store.competitors(item.id)
    finally:
        store.close()


def _screenshots(page: Page, url: str, name: str, folder: Path) -> list[Path]:
    """The page at each size, top and scrolled down a screen (for a person to look at)."""
    taken = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        _open(page, url)
        page.wait_for_timeout(1500)  # the grids and charts draw after the script ends
        assert_clean(page)
        for part in (0, 1):
            page.evaluate(
                "top => { const main = document.querySelector('[data-testid=\"stMain\"]');"
                " if (main) main.scrollTop = top; window.scrollTo(0, top); }",
                part * (height - 120),
            )
            page.wait_for_timeout(400)
            path = folder / f"{name}-{width}x{height}-{part}.png"
            page.screenshot(path=str(path))
            taken.append(path)
    return taken


def test_a_market_imported_into_a_new_proposition(server: Server, page: Page, tmp_path: Path):
    folder = Path(os.environ.get("VALUEGAP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    _open(page, f"{server.url}/")
    name = page.get_by_role("textbox", name="New proposition")
    name.fill("Meal kit subscription")
    page.get_by_role("button", name="Create").click()
    settle(page)
    assert_clean(page)
    proposition_id, before = _stored(server, "Meal kit subscription")
    assert before.version == 0

    _open(page, f"{server.url}/competitors?p={proposition_id}")
    assert_clean(page)
    # a market not saved yet opens on its editor; the file is one tab away, not hidden behind a valid market
    expect(page.get_by_role("tab", name="Edit the market")).to_have_attribute("aria-selected", "true")
    page.get_by_role("tab", name="Import / export").click()
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(MARKET))
    settle(page)
    expect(page.get_by_text("invoicing-saas.yaml: 5 offers on 5 attributes.")).to_be_visible()
    page.get_by_role("button", name="Use this file as the draft").click()
    settle(page)
    assert_clean(page)

    page.get_by_role("tab", name="Edit the market").click()
    settle(page)
    expect(page.get_by_text("Our offer as claimed, on your unsaved edits:")).to_be_visible()
    save = page.get_by_role("button", name="Save the market")
    expect(save).to_be_enabled()
    save.click()
    settle(page)
    assert_clean(page)
    proposition_id, saved = _stored(server, "Meal kit subscription")
    expected = offer_files.loads(MARKET.read_bytes(), MARKET.name)
    assert saved.version == 1 and saved.offers.names == expected.names
    assert saved.offers.attributes == expected.attributes

    # right after the save the page must not go on calling the saved market an unsaved edit
    page.get_by_role("tab", name="Edit the market").click()
    settle(page)
    expect(page.get_by_text("Our offer as claimed, on the saved market:")).to_be_visible()
    expect(save).to_be_disabled()
    page.get_by_role("tab", name="Value map").click()
    settle(page)
    expect(page.get_by_text("Showing your unsaved edits")).to_have_count(0)
    expect(page.get_by_text("Customer value map")).to_be_visible()

    shots = _screenshots(page, f"{server.url}/competitors?p={proposition_id}", "competitors", folder)
    shots += _screenshots(page, f"{server.url}/", "overview", folder)
    assert all(path.stat().st_size > 10_000 for path in shots)
