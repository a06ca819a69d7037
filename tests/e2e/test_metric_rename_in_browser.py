"""In Chromium (issue 19): an upload naming its metric "Hours saved" for a claim measuring hours_saved.
Accepting the proposed match imports every row and the verdicts follow; or the claim metric takes the
file's name, as a new revision, and every row is imported under it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.model.proposition import parse_proposition
from valuegap.store import Actor, Store
from valuegap.ui.state_keys import METRIC_NAMES_STEP
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser

PROPOSITION = {
    "name": "Meal kits",
    "segment": "busy parents",
    "price": {"amount": 59.0, "currency": "USD", "period": "month"},
    "value_of_time": 30.0,
    "claims": [
        {"id": "hours-saved", "text": "Save 2 hours a week on cooking", "benefit": "time",
         "form": "average", "metric": "hours_saved", "claimed": 2.0, "unit": "hours"},
    ],
}  # fmt: skip
ROWS = 300
CSV = "customer_id,metric,value\n" + "".join(
    f"K{i:03d},Hours saved,{1 + (i % 7) * 0.25}\n" for i in range(ROWS)
)
# text an element cuts (an ellipsis, or hidden overflow) is wider than the element shows
CUT_TEXTS = """steps => steps.flatMap(step => [...step.querySelectorAll('*')].filter(element => {
    const style = getComputedStyle(element);
    const cuts = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
    return cuts && element.textContent.trim() && element.scrollWidth > element.clientWidth + 1;
}).map(element => element.textContent))"""


def _proposition(server: Server) -> int:
    store = open_workspace(server.database_url)  # seeded as the app seeds it
    try:
        return store.create(parse_proposition(PROPOSITION), Actor("setup")).id
    finally:
        store.close()


def _upload(page: Page, server: Server, proposition_id: int, tmp_path: Path) -> Locator:
    path = tmp_path / "meal-kit-outcomes.csv"
    path.write_text(CSV, encoding="utf-8")
    page.goto(f"{server.url}/evidence?p={proposition_id}", wait_until="domcontentloaded")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    settle(page)
    step = page.locator(f".st-key-{METRIC_NAMES_STEP}")
    expect(step.get_by_text("“Hours saved”")).to_be_visible(timeout=45_000)  # read in a worker process
    settle(page)
    return step


def _stored(server: Server, proposition_id: int):  # type: ignore[no-untyped-def]
    store = Store.open(server.database_url)
    try:
        return store.get(proposition_id), store.datasets(kind="outcomes", proposition_id=proposition_id)
    finally:
        store.close()


def _check_and_import(page: Page, server: Server, proposition_id: int):  # type: ignore[no-untyped-def]
    """Check the rows (every one passes), import them, and give the stored dataset."""
    page.get_by_role("button", name="Check rows").click()
    settle(page)
    expect(page.get_by_text("Every row passed the checks.")).to_be_visible()
    page.get_by_role("button", name=f"Import {ROWS} rows as 'meal-kit-outcomes'").click()
    settle(page)
    assert_clean(page)
    _, (dataset,) = _stored(server, proposition_id)
    return dataset


def _screenshots(page: Page, step: Locator, tmp_path: Path, name: str) -> None:
    """The step at both screen sizes, kept for a person to look at (VALUEGAP_SCREENSHOTS names a
    folder), and nothing in it cut."""
    folder = Path(os.environ.get("VALUEGAP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1400, 1000), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)
        step.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }")
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / f"{name}-{width}x{height}.png"))
        assert step.evaluate_all(CUT_TEXTS) == [], f"cut at {width} px"
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_accepting_the_proposed_metric_imports_every_row_and_the_verdicts_follow(
    server: Server, page: Page, tmp_path: Path
):
    proposition_id = _proposition(server)
    step = _upload(page, server, proposition_id, tmp_path)
    expect(step.get_by_text("Did you mean hours_saved?")).to_be_visible()
    _screenshots(page, step, tmp_path, "metric-names-proposed")
    dataset = _check_and_import(page, server, proposition_id)
    assert dataset.rows_kept == ROWS and dataset.rows_rejected == 0
    assert dataset.details["metrics"] == ["hours_saved"]
    assert dataset.mapping["metric_renames"] == {"Hours saved": "hours_saved"}
    page.get_by_role("link", name="See the verdicts on the Gap analysis page").first.click()
    settle(page)
    assert "/gap_analysis" in page.url, page.url
    expect(page.get_by_text(f"Evidence: {dataset.label}")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    expect(page.get_by_text("No outcome data yet")).to_have_count(0)
    assert_clean(page)


def test_renaming_the_claims_metric_to_the_files_name_saves_a_version(
    server: Server, page: Page, tmp_path: Path
):
    proposition_id = _proposition(server)
    step = _upload(page, server, proposition_id, tmp_path)
    step.get_by_role("combobox", name="What to do").click()
    page.keyboard.type("Rename the claim metric")  # the choice's search box, as a keyboard user picks it
    page.keyboard.press("Enter")
    settle(page)
    _screenshots(page, step, tmp_path, "metric-names-rename-claims")
    page.get_by_role("button", name="Rename hours_saved to Hours saved in the claims").click()
    settle(page)
    assert_clean(page)
    current, _ = _stored(server, proposition_id)
    assert current.version == 2 and [c.metric for c in current.proposition.claims] == ["Hours saved"]
    # the file's name is the claim's metric now: nothing left to ask, and every row is kept
    expect(page.get_by_text("“Hours saved”")).to_have_count(0)
    dataset = _check_and_import(page, server, proposition_id)
    assert dataset.rows_rejected == 0 and dataset.details["metrics"] == ["Hours saved"]
