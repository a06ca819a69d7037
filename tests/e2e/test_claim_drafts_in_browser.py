"""In Chromium: drafting claims from pasted or uploaded copy on the Propositions page and accepting them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Store

pytestmark = pytest.mark.browser

COPY = (
    "Invoicing for freelancers and small agencies.\n"
    "Saves you 5 hours of admin every week on average. Join 10,000 freelancers.\n"
    "95% of invoices are paid within 30 days. Resolve disputes 3x faster than InvoiceHub.\n"
    "The easiest invoicing app, guaranteed."
)


def open_panel(page: Page, server: Server) -> Locator:
    page.goto(f"{server.url}/propositions?p=1", wait_until="domcontentloaded")
    settle(page)
    page.get_by_role("tab", name="Claims").click()
    settle(page)
    page.get_by_text("Draft claims from your copy").click()
    settle(page)
    panel = page.locator('[data-testid="stExpander"]').filter(has_text="Draft claims from your copy")
    expect(panel.get_by_role("button", name="Find claims in the copy")).to_be_visible()
    return panel


def cards(panel: Locator) -> Locator:
    return panel.locator('[class*="st-key-vg_card_1_"]')


def decide(panel: Locator, index: int, decision: str) -> None:
    cards(panel).nth(index).get_by_text(decision, exact=True).click()
    settle(panel.page)


def stored_claims(server: Server) -> tuple[int, list]:
    store = Store.open(server.database_url)
    try:
        current = store.get(1)
        return current.version, list(current.proposition.claims)
    finally:
        store.close()


def screenshot(page: Page, target: Locator, name: str, tmp_path: Path) -> None:
    """A picture of the panel for a person to look at (VALUEGAP_SCREENSHOTS names a folder to keep it)."""
    folder = Path(os.environ.get("VALUEGAP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    target.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }")
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / name))


def test_drafting_claims_from_pasted_copy_and_accepting_them(server: Server, page: Page, tmp_path: Path):
    panel = open_panel(page, server)
    _, before = stored_claims(server)
    box = panel.get_by_role("textbox", name="Paste your copy")
    box.fill(COPY)
    box.press("Control+Enter")
    settle(page)
    panel.get_by_role("button", name="Find claims in the copy").click()
    settle(page)
    assert_clean(page)
    expect(cards(panel)).to_have_count(4)
    expect(cards(panel).nth(0)).to_contain_text("Saves you 5 hours of admin every week on average.")
    expect(cards(panel).nth(0)).to_contain_text("metric hours_saved_per_week")
    expect(cards(panel).nth(3)).to_contain_text("Absolute word")  # the wording flags sit beside the draft
    expect(panel.get_by_role("button", name="Add the 0 accepted claims")).to_be_disabled()

    decide(panel, 0, "Accept")
    decide(panel, 1, "Accept")
    decide(panel, 3, "Skip")
    add = panel.get_by_role("button", name="Add the 2 accepted claims")
    expect(add).to_be_enabled()
    screenshot(page, panel, "claim-drafts-panel.png", tmp_path)  # at the 1400 x 1000 viewport
    add.click()
    settle(page)
    assert_clean(page)

    version, claims = stored_claims(server)
    assert version == 2 and claims[: len(before)] == before
    new = claims[len(before) :]
    assert [(c.id, c.form.value, c.claimed, c.direction.value, c.share) for c in new] == [
        ("hours-saved-per-week", "average", 5.0, "higher", None),
        ("days-to-payment", "share", 30.0, "lower", 0.95),
    ]
    # the editor above now shows the new version with the added claims
    expect(page.get_by_text("Version 2 · saved")).to_be_visible()


def test_drafting_claims_from_an_uploaded_word_file(server: Server, page: Page, tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("Get paid 9 days sooner.")
    document.add_paragraph("Trusted by 2 million customers.")
    path = tmp_path / "sales deck.docx"
    document.save(str(path))

    panel = open_panel(page, server)
    panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    settle(page)
    panel.get_by_role("button", name="Find claims in the copy").click()
    settle(page)
    assert_clean(page)
    expect(cards(panel)).to_have_count(1)
    expect(panel.get_by_text("1 draft from sales deck.docx")).to_be_visible()
    decide(panel, 0, "Accept")
    panel.get_by_role("button", name="Add the 1 accepted claim").click()
    settle(page)
    assert_clean(page)
    version, claims = stored_claims(server)
    assert version == 2
    assert (claims[-1].text, claims[-1].claimed, claims[-1].direction.value) == (
        "Get paid 9 days sooner.",
        -9.0,
        "lower",
    )
