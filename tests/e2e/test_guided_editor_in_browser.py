"""In Chromium: the Propositions page's guided claim editor adds a claim without touching the grid, and
History shows the newest versions and changes as sentences after a save and a restore.

Screenshots of the page at 1400 x 1000 and 1024 x 768 go to VALUEGAP_SCREENSHOTS when set (for a
person to look at), else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Store

pytestmark = pytest.mark.browser

GUIDED = "Add or edit one claim, step by step"


def stored(server: Server):  # type: ignore[no-untyped-def]
    store = Store.open(server.database_url)
    try:
        return store.get(1)
    finally:
        store.close()


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VALUEGAP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def open_claims(page: Page, server: Server) -> Locator:
    page.goto(f"{server.url}/propositions?p=1", wait_until="domcontentloaded")
    settle(page)
    page.get_by_role("tab", name="Claims").click()
    settle(page)
    page.get_by_text(GUIDED).click()
    settle(page)
    panel = page.locator('[data-testid="stExpander"]').filter(has_text=GUIDED)
    expect(panel.get_by_role("button", name="Add this claim")).to_be_visible()
    return panel


def choose(panel: Locator, label: str, option: str) -> None:
    panel.get_by_role("combobox", name=label, exact=True).click()
    panel.page.get_by_role("option", name=option, exact=True).click()
    settle(panel.page)


def answer(panel: Locator, label: str, text: str) -> None:
    box = panel.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Enter" if box.evaluate("e => e.tagName") == "INPUT" else "Control+Enter")
    settle(panel.page)


def test_the_guided_editor_adds_a_claim_without_touching_the_grid(server: Server, page: Page, tmp_path: Path):
    panel = open_claims(page, server)
    before = stored(server)
    answer(panel, "The claim, as written in your copy", "95% of invoices are paid within 30 days")
    choose(panel, "What kind of promise is it?", "Share of customers (“95% of …”)")
    expect(panel.get_by_role("textbox", name="What share of customers must reach it?")).to_be_visible()
    expect(panel.get_by_role("textbox", name="Which competitor does it compare with?")).to_have_count(0)
    answer(panel, "What is measured?", "days_to_payment")
    answer(panel, "What value does the copy promise?", "30")
    answer(panel, "In what unit?", "days")
    panel.get_by_text("Lower is better").click()
    settle(page)
    answer(panel, "What share of customers must reach it?", "1.5")
    expect(panel.get_by_text("1.5% or 150%", exact=False)).to_be_visible()  # refused beside the field
    answer(panel, "What share of customers must reach it?", "95")
    expect(panel.get_by_text("Wording checks · updated as you type")).to_be_visible()
    screenshot(page, "propositions-guided-editor-1400.png", tmp_path)
    page.set_viewport_size({"width": 1024, "height": 768})
    settle(page)
    screenshot(page, "propositions-guided-editor-1024.png", tmp_path)
    page.set_viewport_size({"width": 1400, "height": 1000})
    settle(page)
    panel.get_by_role("button", name="Add this claim").click()
    settle(page)
    assert_clean(page)

    after = stored(server)
    assert after.version == before.version + 1
    assert after.proposition.claims[:-1] == before.proposition.claims
    added = after.proposition.claims[-1]
    assert (added.id, added.form.value, added.claimed, added.unit, added.direction.value, added.share) == (
        "95-of-invoices-are-paid-within", "share", 30.0, "days", "lower", 0.95,
    )  # fmt: skip
    expect(page.get_by_text(f"Version {after.version} · saved")).to_be_visible()


def test_history_after_save_and_restore_shows_the_newest_versions_in_sentences(
    server: Server, page: Page, tmp_path: Path
):
    page.goto(f"{server.url}/propositions?p=1", wait_until="domcontentloaded")
    settle(page)
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_be_visible(timeout=60_000)  # seeded
    original = stored(server).proposition.name
    for name in ("Invoicing, second", "Invoicing, third"):
        name_box = page.get_by_role("textbox", name="Name", exact=True)
        name_box.fill(name)
        name_box.press("Enter")
        settle(page)
        page.get_by_role("button", name="Save").click()
        settle(page)
        assert_clean(page)
    page.get_by_role("tab", name="History").click()
    settle(page)
    history = page.get_by_role("tabpanel", name="History")
    expect(history.get_by_role("combobox", name="From version")).to_have_value("2")
    expect(history.get_by_role("combobox", name="To version")).to_have_value("3")
    expect(history.get_by_role("button", name="Restore version 2")).to_be_visible()

    restore_from = history.get_by_role("combobox", name="Version to restore")
    restore_from.scroll_into_view_if_needed()  # below the fold: a click that scrolls first leaves it closed
    settle(page)
    restore_from.click()
    page.get_by_role("option", name="1", exact=True).click()
    settle(page)
    history.get_by_role("button", name="Restore version 1").click()
    settle(page)
    assert_clean(page)
    assert stored(server).version == 4 and stored(server).proposition.name == original

    page.get_by_role("tab", name="History").click()
    settle(page)
    history = page.get_by_role("tabpanel", name="History")
    expect(history.get_by_role("combobox", name="From version")).to_have_value("3")
    expect(history.get_by_role("combobox", name="To version")).to_have_value("4")
    screenshot(page, "propositions-history-1400.png", tmp_path)
    page.set_viewport_size({"width": 1024, "height": 768})
    settle(page)
    screenshot(page, "propositions-history-1024.png", tmp_path)
    # (escape_markdown puts an invisible word joiner after "Name:")
    sentence = re.compile("Name:\u2060? " + re.escape(f"“Invoicing, third” → “{original}”"))
    expect(history.get_by_role("listitem").filter(has_text=sentence)).to_have_count(2)  # version 4, compare
    expect(history.get_by_text("{")).to_have_count(0)
