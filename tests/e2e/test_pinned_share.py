"""A pinned share link in Chromium: after a second, partial upload (even made the current evidence),
the stakeholder's link still opens on the evidence and settings that were shared, said in plain
words, and an edited address does not change them; the sharer moves the link explicitly."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.store import Store

pytestmark = pytest.mark.browser
OUTCOMES = Path(__file__).resolve().parents[2] / "data" / "outcomes" / "invoicing-saas.csv"
PARTIAL_ROWS = 400


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def _metric(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _pinned_line(
    label: str, uploaded: str, settings: str = "α 0.05 · Holm · all segments · all periods"
) -> str:
    return f"Evidence: {label} uploaded {uploaded} · {settings}"


def _upload_partial(page: Page, server: Server, folder: Path) -> None:
    """The second, partial upload of the issue, through the Evidence page, made the current evidence."""
    partial = folder / "invoicing-partial.csv"
    lines = OUTCOMES.read_text(encoding="utf-8").splitlines()[: PARTIAL_ROWS + 1]
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _open(page, f"{server.url}/evidence?p=1")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(partial))
    settle(page)
    page.get_by_role("button", name="Check rows").click()
    settle(page)
    page.get_by_role("button", name=f"Import {PARTIAL_ROWS} rows as 'invoicing-partial'").click()
    settle(page)
    assert_clean(page)
    # an upload alone changes nothing: the page says what stays current and offers the choice
    expect(page.get_by_text("evidence is still")).to_be_visible()
    page.get_by_role("button", name="as current evidence").first.click()
    settle(page)
    assert_clean(page)


def test_a_pinned_share_link_still_shows_the_shared_evidence_after_a_newer_upload(
    server: Server, page: Page, browser, tmp_path: Path
):
    _open(page, f"{server.url}/share?p=1")
    assert_clean(page)
    page.get_by_role("button", name="Create link").click()
    settle(page)
    link = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert link.startswith(f"{server.url}/gap_analysis?share=v1."), link
    store = Store.open(server.database_url)
    shared = store.current_dataset(1)
    store.close()
    assert shared is not None
    pinned = _pinned_line(shared.label, f"{shared.created_at:%Y-%m-%d}")

    viewer = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        stakeholder = viewer.new_page()
        _open(stakeholder, link)
        assert_clean(stakeholder)
        expect(stakeholder.get_by_text(pinned)).to_be_visible()
        net_value_shared = _metric(stakeholder, "Net customer value")

        _upload_partial(page, server, tmp_path)
        store = Store.open(server.database_url)
        newer = store.current_dataset(1)
        store.close()
        assert newer is not None and newer.id != shared.id and newer.rows_kept == PARTIAL_ROWS
        _open(page, f"{server.url}/gap_analysis?p=1")  # the editor's pages follow the new current evidence
        expect(page.get_by_text(f"Evidence: {newer.label}")).to_be_visible()
        assert _metric(page, "Net customer value") != net_value_shared

        stakeholder.reload(wait_until="domcontentloaded")  # the link is kept in this browser
        settle(stakeholder)
        assert_clean(stakeholder)
        expect(stakeholder.get_by_text(pinned)).to_be_visible()
        assert _metric(stakeholder, "Net customer value") == net_value_shared
        # editing the address does not change what was shared, and the page says so
        _open(stakeholder, f"{server.url}/gap_analysis?p=1&alpha=0.10&segment=agency&d={newer.id}")
        assert_clean(stakeholder)
        expect(stakeholder.get_by_text(pinned)).to_be_visible()
        expect(stakeholder.get_by_text("which a shared view ignores")).to_be_visible()
        assert "alpha=" not in stakeholder.url and "segment=" not in stakeholder.url
        assert _metric(stakeholder, "Net customer value") == net_value_shared

        # the sharer moves the link on purpose; the stakeholder sees the new evidence at the next load
        _open(page, f"{server.url}/share?p=1")
        page.get_by_role("button", name="to the current evidence").first.click()
        settle(page)
        assert_clean(page)
        stakeholder.reload(wait_until="domcontentloaded")
        settle(stakeholder)
        assert_clean(stakeholder)
        expect(
            stakeholder.get_by_text(_pinned_line(newer.label, f"{newer.created_at:%Y-%m-%d}"))
        ).to_be_visible()
    finally:
        viewer.close()
    store = Store.open(server.database_url)
    [made] = store.share_links(1)
    [move] = store.share_link_moves(made.id)
    assert (move.from_label, move.to_label) == (shared.label, newer.label)
    store.close()
