"""The stakeholder report in Chromium: from the Gap analysis page, its summary on the first screen, the
same figures as the page, the PDF for the board and the charts for slides."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def _metric(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download(timeout=120_000) as caught:
        page.get_by_role("button", name=button).click()
    path = folder / caught.value.suggested_filename
    caught.value.save_as(path)
    return path


def _pdf_or_skip() -> None:
    from valuegap.reporting.report import pdf_unavailable

    reason = pdf_unavailable()
    if reason:
        if os.environ.get("VALUEGAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"VALUEGAP_REQUIRE_BROWSER=1 but no PDF can be made: {reason}")
        pytest.skip(reason)


def test_the_report_opens_with_its_summary_and_comes_as_a_pdf_and_pngs(server: Server, page: Page, tmp_path):
    _pdf_or_skip()
    store = open_workspace(server.database_url)
    outcomes = store.current_dataset(1, "outcomes")
    customers = store.current_dataset(1, "customers")
    name = store.get(1).proposition.name
    store.close()
    assert outcomes is not None and customers is not None  # the demo workspace has both
    _open(page, f"{server.url}/gap_analysis?p=1")
    assert_clean(page)
    gap = _metric(page, "Value gap per customer")
    exaggerated = _metric(page, "Exaggerated")

    # the HTML: the summary is the first thing a reader sees, on one 1400×1000 screen
    report = _download(page, "Stakeholder report (HTML)", tmp_path)
    assert report.name == "value-gap-report.html"
    reader = page.context.browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    try:
        view = reader.new_page()
        view.goto(report.as_uri())
        summary = view.locator("#summary")
        expect(summary).to_be_visible()
        box = summary.bounding_box()
        assert box is not None and box["y"] < 200 and box["y"] + box["height"] <= 1000, box
        for heading in ("What holds", "What is exaggerated", "Suggested copy", "Money at stake"):
            expect(summary.get_by_role("heading", name=heading)).to_be_visible()
        text = summary.inner_text()
        assert f"Value gap per customer\n{gap}" in text  # the page's own headline figure
        assert f"{exaggerated} Exaggerated" in text
        assert re.search(r"Revenue at risk over \d+ months\nUSD [\d,]+", text), text
        assert customers.label in view.locator(".meta").inner_text()
        view.screenshot(path=str(tmp_path / "report-1400.png"))
    finally:
        reader.close()

    # the PDF: the same report, the summary on page 1 and the verdicts after it
    from pypdf import PdfReader

    pdf = _download(page, "PDF", tmp_path)
    assert pdf.name == "value-gap-report.pdf"
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages]
    assert name in pages[0] and "Summary" in pages[0] and "Suggested copy" in pages[0]
    assert gap in pages[0] and "Revenue at risk over" in pages[0]
    assert "Verdicts, claim by claim" not in pages[0]
    assert any("Verdicts, claim by claim" in p for p in pages[1:])

    # the charts for slides: one PNG per chart of the report
    charts = _download(page, "Charts (PNG)", tmp_path)
    with zipfile.ZipFile(charts) as archive:
        names = archive.namelist()
        assert names[:2] == ["01-claims.png", "02-value-gap.png"]
        assert all(archive.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
    assert_clean(page)
