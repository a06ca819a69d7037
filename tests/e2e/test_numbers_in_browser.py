"""Numbers a marketer can sign, in Chromium: the price slider's end is the price the tiles, the saved
scenario and the reopened link use; and the top navigation keeps the proposition on every page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Actor, Store

pytestmark = pytest.mark.browser
NAVIGATION = ("Overview", "Evidence", "Gap analysis", "Competitors", "Pricing", "Share", "Propositions")


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def _seeded(page: Page, server: Server) -> None:
    """Open the app once so it seeds the demo workspace, and wait until it shows it."""
    _open(page, f"{server.url}/overview")
    expect(page.get_by_role("heading", name="Value propositions")).to_be_visible(timeout=60_000)


def _query(page: Page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query).items()}


def _tile(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).first


def test_the_price_at_the_sliders_end_is_the_price_of_the_tiles_the_scenario_and_the_link(
    server: Server, page: Page
):
    _seeded(page, server)
    store = Store.open(server.database_url)
    try:
        stored = store.get(2)  # the streaming plan, priced in BRL; 69.99 × 3 is not 209.97 in floating point
        prop = stored.proposition.model_copy(
            update={"price": stored.proposition.price.model_copy(update={"amount": 69.99})}
        )
        version = store.save(2, prop, seen_version=stored.version, actor=Actor("tester")).version
    finally:
        store.close()

    _open(page, f"{server.url}/pricing?p=2")
    assert_clean(page)
    net = _tile(page, "Net value")
    expect(net).to_be_visible()
    slider = page.get_by_role("slider", name=re.compile(r"^Price \(BRL per month\)"))
    slider.focus()
    page.keyboard.press("End")
    settle(page)
    assert_clean(page)
    assert _query(page).get("price_2") == "209.97", page.url
    # the price rises by 209.97 - 69.99 = 139.98 and nothing else changes: net value falls by as much
    expect(net).to_contain_text("-BRL 139.98")
    expect(page.get_by_text("209.97", exact=True).first).to_be_visible()  # the slider's own label

    page.get_by_role("textbox", name="Save this what-if as").fill("At the slider's end")
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    assert_clean(page)
    store = Store.open(server.database_url)
    try:
        [saved] = store.scenarios(2)
    finally:
        store.close()
    assert saved.scenario.price == 209.97 and saved.scenario.version == version

    # the link, reloaded, keeps the price; and the saved scenario's link reopens it
    _open(page, f"{server.url}/pricing?p=2&price_2=209.97")
    assert_clean(page)
    assert _query(page).get("price_2") == "209.97", page.url
    expect(_tile(page, "Net value")).to_contain_text("-BRL 139.98")
    page.reload(wait_until="domcontentloaded")
    settle(page)
    assert _query(page).get("price_2") == "209.97", page.url
    expect(_tile(page, "Net value")).to_contain_text("-BRL 139.98")

    _open(page, f"{server.url}/pricing?p=2&scenario={saved.id}")
    assert_clean(page)
    expect(_tile(page, "Net value")).to_contain_text("-BRL 139.98")
    assert _query(page).get("scenario") == str(saved.id), page.url  # reloading reopens the scenario
    page.reload(wait_until="domcontentloaded")
    settle(page)
    expect(_tile(page, "Net value")).to_contain_text("-BRL 139.98")
    page.screenshot(path=str(server.log.parent / "pricing.png"), full_page=True)
    # a move away from the scenario: the link now carries the move instead
    slider = page.get_by_role("slider", name=re.compile(r"^Price \(BRL per month\)"))
    slider.focus()
    page.keyboard.press("ArrowLeft")
    settle(page)
    assert _query(page).get("price_2") == "209.96" and "scenario" not in _query(page), page.url
    expect(_tile(page, "Net value")).to_contain_text("-BRL 139.97")


def test_the_top_navigation_keeps_the_proposition_on_every_page(server: Server, page: Page):
    _seeded(page, server)
    store = Store.open(server.database_url)
    try:
        listed = store.list_propositions()
        chosen = listed[-1]  # not the one a page opens on by default
        assert chosen.id != listed[0].id
        name = chosen.proposition.name
    finally:
        store.close()

    _open(page, f"{server.url}/propositions?p={chosen.id}")
    assert_clean(page)
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value(name)
    for title in NAVIGATION:
        page.get_by_role("link", name=title, exact=True).first.click()
        settle(page)
        assert_clean(page)
        assert _query(page).get("p") == str(chosen.id), (title, page.url)
        if title == "Overview":  # lists every proposition; it has no single one to show
            continue
        if title == "Propositions":
            expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value(name)
        else:
            expect(page.get_by_role("combobox", name="Proposition", exact=True)).to_have_value(name)
