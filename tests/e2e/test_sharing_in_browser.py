"""Sharing in Chromium: an editor's share link opened in a fresh browser is read-only and scoped,
and stays so across reloads until left or revoked; a copied deep link reopens the same view; a
revoked link opens nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Actor, Store

pytestmark = pytest.mark.browser
WRITE_LABELS = re.compile(
    r"^(Save|Create|Import|Delete|Duplicate|Archive|Accept|Revoke|Restore|Replace|Upload|Use this file)"
)
PAGES = ("Overview", "Propositions", "Evidence", "Gap analysis", "Competitors", "Pricing", "Share")


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def _reload(page: Page) -> None:
    page.reload(wait_until="domcontentloaded")
    settle(page)


def _link_from_share_page(page: Page, server: Server) -> str:
    _open(page, f"{server.url}/share?p=1")
    assert_clean(page)
    page.get_by_role("textbox", name="Note (for you)").fill("For the board")
    page.get_by_role("button", name="Create link").click()
    settle(page)
    expect(page.get_by_text("Link created.")).to_be_visible()
    code = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert code.startswith(f"{server.url}/gap_analysis?share=v1."), code
    return code


def test_a_share_link_opens_read_only_in_a_fresh_browser(server: Server, page: Page, browser):
    link = _link_from_share_page(page, server)
    store = Store.open(server.database_url)
    shared_name = store.get(1).proposition.name
    other_name = store.get(2).proposition.name
    store.close()

    viewer = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        stakeholder = viewer.new_page()
        _open(stakeholder, link)
        assert_clean(stakeholder)
        expect(stakeholder.get_by_role("heading", name="Gap analysis")).to_be_visible()
        assert "share=" not in stakeholder.url and re.search(r"[?&]p=1\b", stakeholder.url)
        expect(stakeholder.get_by_text("Read-only view shared by")).to_be_visible()
        expect(stakeholder.get_by_text(shared_name).first).to_be_visible()
        for name in PAGES:
            stakeholder.get_by_role("link", name=name, exact=True).first.click()
            settle(stakeholder)
            assert_clean(stakeholder)
            buttons = [b.strip() for b in stakeholder.get_by_role("button").all_inner_texts()]
            assert not [b for b in buttons if WRITE_LABELS.match(b)], (name, buttons)
            expect(stakeholder.locator('[data-testid="stFileUploader"]')).to_have_count(0)
            expect(stakeholder.get_by_text(other_name)).to_have_count(0)
        # exploring is allowed: the Overview shows the shared proposition only
        stakeholder.get_by_role("link", name="Overview", exact=True).first.click()
        settle(stakeholder)
        expect(stakeholder.get_by_text("Read-only view shared by")).to_be_visible()
    finally:
        viewer.close()

    store = Store.open(server.database_url)
    [made] = store.share_links(1)
    store.revoke_share_link(made.id, actor=Actor("editor"))
    store.close()
    late = browser.new_context()
    try:
        refused = late.new_page()
        _open(refused, link)
        expect(refused.get_by_role("heading", name="This link can't be opened")).to_be_visible()
        expect(refused.get_by_text("was revoked on")).to_be_visible()
        expect(refused.locator('[data-testid="stDataFrame"]')).to_have_count(0)
        expect(refused.get_by_role("link", name="Overview")).to_have_count(0)  # no way into the app
    finally:
        late.close()


def _is_viewer(page: Page) -> None:
    expect(page.get_by_text("Read-only view shared by")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your name")).to_have_count(0)


def _is_local_editor(page: Page) -> None:
    expect(page.get_by_role("textbox", name="Your name")).to_be_visible()
    expect(page.get_by_text("Read-only view shared by")).to_have_count(0)


def _share_cookie_is(context, kept: bool) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's script has stored or removed the link (it runs in an iframe, a moment
    after the page is drawn)."""
    for _ in range(100):
        present = any(c["name"] == "vg_share" and c["value"].startswith("v1.") for c in context.cookies())
        if present == kept:
            return
        time.sleep(0.1)
    raise AssertionError(f"the share cookie should be {'kept' if kept else 'gone'}: {context.cookies()}")


def _open_as_stakeholder(context, link: str) -> Page:  # type: ignore[no-untyped-def]
    stakeholder = context.new_page()
    _open(stakeholder, link)
    _is_viewer(stakeholder)
    _share_cookie_is(context, kept=True)
    return stakeholder


def test_a_reload_keeps_the_shared_view_until_it_is_left_or_revoked(server: Server, page: Page, browser):
    link = _link_from_share_page(page, server)
    viewer = browser.new_context()
    try:
        stakeholder = _open_as_stakeholder(viewer, link)
        _reload(stakeholder)  # the token left the address bar on arrival
        assert_clean(stakeholder)
        _is_viewer(stakeholder)
        expect(stakeholder.get_by_role("heading", name="Gap analysis")).to_be_visible()
        _open(stakeholder, f"{server.url}/")  # a bookmark of the app itself
        _is_viewer(stakeholder)
        stakeholder.get_by_role("button", name="Leave the shared view").click()
        settle(stakeholder)
        _is_local_editor(stakeholder)
        _share_cookie_is(viewer, kept=False)
        _reload(stakeholder)
        _is_local_editor(stakeholder)
    finally:
        viewer.close()

    viewer = browser.new_context()
    try:
        stakeholder = _open_as_stakeholder(viewer, link)
        store = Store.open(server.database_url)
        [made] = store.share_links(1)
        store.revoke_share_link(made.id, actor=Actor("editor"))
        store.close()
        _reload(stakeholder)
        expect(stakeholder.get_by_text("was revoked on")).to_be_visible()
        _share_cookie_is(viewer, kept=False)
        _reload(stakeholder)  # the revoked link is forgotten
        _is_local_editor(stakeholder)
    finally:
        viewer.close()


def test_a_copied_deep_link_reopens_the_same_view(server: Server, page: Page, browser):
    _open(page, f"{server.url}/gap_analysis?p=1&segment=agency&alpha=0.10")
    assert_clean(page)
    copied = page.url
    assert "segment=agency" in copied and "alpha=0.10" in copied
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        _open(other, copied)
        assert_clean(other)
        assert other.url == copied
        expect(other.get_by_role("combobox", name="Segment")).to_have_value("agency")
        expect(other.get_by_text("α = 0.1,")).to_be_visible()
    finally:
        fresh.close()


def test_a_chart_downloads_as_svg_and_png(server: Server, page: Page):
    _open(page, f"{server.url}/gap_analysis?p=1")
    assert_clean(page)
    # a window tall enough for the chart's download menu wherever the page puts it: in a 1000 px one
    # the menu's buttons sometimes sat past the window's edge, where the page cannot be scrolled to them
    # while the menu is open (the chart above finishes drawing after the page is idle)
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.get_by_role("button", name="Download chart").first.click()
    page.wait_for_timeout(300)
    with page.expect_download() as caught:
        page.get_by_role("button", name="SVG (for documents)").first.click()
    svg = caught.value
    assert svg.suggested_filename == "claims.svg"
    text = Path(svg.path()).read_text(encoding="utf-8")
    # the chart names the claim by its words ("Get paid 9 days sooner, guaranteed"), not its ID
    assert text.lstrip().startswith("<svg") and "Get paid 9 days sooner" in text
    with page.expect_download() as caught:
        page.get_by_role("button", name="PNG (for slides)").first.click()
    assert Path(caught.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
