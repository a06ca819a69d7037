"""What browser tests share: waiting for Streamlit to settle and checking a page rendered cleanly."""

from __future__ import annotations

from playwright.sync_api import Page, expect

QUIET_MS = 300
"""How long the script state must stay unchanged before a page counts as done."""


def settle(page: Page, timeout: float = 45_000) -> None:
    """Wait until the app has run its script to the end and stayed idle for :data:`QUIET_MS`.

    The app root carries ``data-test-script-state``: ``initial`` before the first run, ``running``
    while a rerun is under way, ``notRunning`` when done. A click only starts a rerun after a round
    trip, so give it a moment before checking. A spinner still showing (the first run on a fresh
    server opens the workspace behind one) means the page is not done, whatever the state says.
    A page's first load can run twice (app.py's navigation, then the page) with a moment of
    ``notRunning`` between: a page read in that moment was half drawn (twice in CI runs), so the
    state must also have been quiet for a while, which a MutationObserver on the app root times.
    """
    page.wait_for_timeout(250)
    page.wait_for_function(
        """(quietMs) => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) return false;
            if (window.__valuegapWatched !== app) {
                window.__valuegapWatched = app;
                window.__valuegapChanged = performance.now();
                new MutationObserver(() => { window.__valuegapChanged = performance.now(); })
                    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
            }
            return app.getAttribute('data-test-script-state') === 'notRunning'
                && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                && !document.querySelector('[data-testid="stSpinner"]')
                && performance.now() - window.__valuegapChanged >= quietMs;
        }""",
        arg=QUIET_MS,
        timeout=timeout,
    )


VISIBLE_TEXT = (
    "(document.body.innerText + ' ' + "
    "[...document.querySelectorAll('input, textarea')].map(e => e.value).join(' '))"
)
"""What the user reads, as a JavaScript expression: the page's text and the values in its inputs."""


def visible_text(page: Page) -> str:
    """What the user reads: the page's text and the values shown in its inputs."""
    return page.evaluate(f"() => {VISIBLE_TEXT}")


def assert_clean(page: Page) -> None:
    """No exception box, no error alert, no 'page not found'."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    errors = page.locator('[data-testid="stAlertContentError"]')
    try:
        expect(errors).to_have_count(0)
    except AssertionError:  # say what the page said, not only that it said something
        raise AssertionError(f"the page shows an error: {errors.all_inner_texts()}") from None
    expect(page.get_by_text("Page not found")).to_have_count(0)
