"""Every page answers at its own address in Chromium, and Streamlit's automatic page list never shows.

``pages/`` sits next to ``app.py``, so a fresh server starts in Streamlit's pages-directory mode, which
draws a list of every file in ``pages/`` in the sidebar until some session has run ``app.py``'s
``st.navigation``. The app's only page list is its top navigation.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.sharing import links
from valuegap.ui import APP_NAME, PAGES

pytestmark = pytest.mark.browser

FIRST_RUN = 120_000  # ms: the first run of a fresh server seeds the demo workspace behind a spinner

# Records every moment the sidebar's automatic page list is on screen, from the first byte on.
WATCH_SIDEBAR_PAGE_LIST = """
window.__sidebarPageList = [];
new MutationObserver(() => {
  const list = document.querySelector('[data-testid="stSidebarNav"], [data-testid="stSidebarNavItems"]');
  if (list && list.getBoundingClientRect().width > 0) {
    window.__sidebarPageList.push([Math.round(performance.now()), list.innerText.slice(0, 200)]);
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def _open(page: Page, url: str, timeout: float = 45_000) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page, timeout)


def _shows(page: Page, title: str, path: str, timeout: float = 45_000) -> None:
    """The page ``title`` is open at ``path``, named in the tab, and clean.

    A deep link on a server no session has opened yet reaches its page through one more run (app.py's
    router); the app is idle for a moment in between, so wait for the address first.
    """
    page.wait_for_url(lambda url: urlsplit(url).path == path, timeout=timeout)
    settle(page, timeout)
    expect(page).to_have_title(f"{title} · {APP_NAME}")
    assert_clean(page)


def _own_path(title: str) -> str:
    return "/" + links.page_path(next(spec for spec in PAGES if spec.title == title).file)


def _current_in_navigation(page: Page, title: str) -> None:
    current = page.locator('[data-testid="stTopNavLink"][aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text(title)


def test_every_page_answers_at_its_own_path(server: Server, page: Page):
    _open(page, f"{server.url}/", FIRST_RUN)  # the server has routed a session: no first-run detour
    assert [spec.title for spec in PAGES] == [
        "Overview", "Propositions", "Evidence", "Gap analysis", "Competitors", "Pricing", "Share",
    ]  # fmt: skip
    for spec in PAGES:
        _open(page, f"{server.url}{_own_path(spec.title)}")
        _shows(page, spec.title, _own_path(spec.title))
        _current_in_navigation(page, spec.title)
        link = page.locator('[data-testid="stTopNavLink"]', has_text=spec.title)
        assert urlsplit(link.get_attribute("href") or "").path == _own_path(spec.title)


def test_the_root_address_opens_the_overview_with_the_links_parameters(server: Server, page: Page):
    _open(page, f"{server.url}/?p=2", FIRST_RUN)
    _shows(page, "Overview", "/", FIRST_RUN)
    assert "p=2" in urlsplit(page.url).query, page.url
    expect(page.get_by_role("heading", name="Value propositions")).to_be_visible()
    page.locator('[data-testid="stTopNavLink"]', has_text="Propositions").click()
    _shows(page, "Propositions", "/propositions")
    page.locator('[data-testid="stTopNavLink"]', has_text="Overview").click()
    _shows(page, "Overview", "/overview")
    _current_in_navigation(page, "Overview")


@pytest.mark.parametrize("path", ["", "evidence?p=1"])
def test_no_automatic_page_list_on_a_fresh_servers_first_load(server: Server, browser: Browser, path: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        context.add_init_script(WATCH_SIDEBAR_PAGE_LIST)
        page = context.new_page()
        _open(page, f"{server.url}/{path}", FIRST_RUN)
        _shows(page, "Evidence" if path else "Overview", "/evidence" if path else "/", FIRST_RUN)
        expect(page.locator('[data-testid="stTopNavLink"]')).to_have_count(len(PAGES))
        assert page.evaluate("window.__sidebarPageList") == []
        expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    finally:
        context.close()
