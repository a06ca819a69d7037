"""What browser tests share: waiting for Streamlit to settle and checking a page rendered cleanly."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def settle(page: Page, timeout: float = 45_000) -> None:
    """Wait until the app has run its script to the end and is idle.

    The app root carries ``data-test-script-state``: ``initial`` before the first run, ``running``
    while a rerun is under way, ``notRunning`` when done. A click only starts a rerun after a round
    trip, so give it a moment before checking. A spinner still showing (the first run on a fresh
    server opens the workspace behind one) means the page is not done, whatever the state says.
    """
    page.wait_for_timeout(250)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                && !document.querySelector('[data-testid="stSpinner"]');
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(250)


def assert_clean(page: Page) -> None:
    """No exception box, no error alert, no 'page not found'."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    errors = page.locator('[data-testid="stAlertContentError"]')
    try:
        expect(errors).to_have_count(0)
    except AssertionError:  # say what the page said, not only that it said something
        raise AssertionError(f"the page shows an error: {errors.all_inner_texts()}") from None
    expect(page.get_by_text("Page not found")).to_have_count(0)
