"""End to end in Chromium: deep links on a fresh server, editing claims, and two editors colliding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle
from valuegap.evidence import charts
from valuegap.store import Actor, Store
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser


def open_page(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


@pytest.mark.parametrize("path", ["overview", "propositions?p=2"])
def test_deep_link_is_the_first_request_of_a_fresh_server(server: Server, page: Page, path: str):
    open_page(page, f"{server.url}/{path}")
    assert_clean(page)
    if path == "overview":
        expect(page.get_by_role("heading", name="Value propositions")).to_be_visible()
        expect(page.get_by_text("Propositions", exact=True).first).to_be_visible()
    else:
        # a deep link's first run goes through app.py (which opens and seeds the workspace) and then
        # the page, with an idle moment between: the page's own field shows it is past both
        name = page.get_by_role("textbox", name="Name", exact=True)
        expect(name).to_be_visible(timeout=45_000)
        store = Store.open(server.database_url)
        second = store.get(2).proposition.name
        store.close()
        expect(name).to_have_value(second)
        assert re.search(r"[?&]p=2\b", page.url)
    # the top navigation reaches the other page too
    other = "Propositions" if path == "overview" else "Overview"
    page.get_by_role("link", name=other).first.click()
    settle(page)
    assert_clean(page)


def edit_first_claim_claimed(page: Page, value: str) -> None:
    """Type into the 'Claimed' cell of the first claim row of the claims data editor."""
    page.get_by_role("tab", name="Claims").click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]:visible').first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    # first body row sits one header-row below the top; click its first cell, then walk right
    page.mouse.click(box["x"] + 90, box["y"] + 35 + 17)  # inside the ID cell, right of the row gutter
    page.wait_for_timeout(500)  # the canvas grid takes focus asynchronously
    for _ in range(3):  # id, text, form -> claimed (the grid's column order, see CLAIM_COLUMNS)
        page.keyboard.press("ArrowRight")
    page.keyboard.type(value)  # typing on a selected cell opens its editor
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    settle(page)


def test_edit_a_claim_cell_and_save(server: Server, page: Page):
    open_page(page, f"{server.url}/propositions?p=1")
    edit_first_claim_claimed(page, "7")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    settle(page)
    expect(page.get_by_text("All changes saved")).to_be_visible()
    assert_clean(page)
    store = Store.open(server.database_url)
    saved = store.get(1)
    store.close()
    assert saved.version == 2
    assert saved.proposition.claims[0].claimed == 7


def rename(page: Page, name: str) -> None:
    field = page.get_by_role("textbox", name="Name", exact=True)
    field.fill(name)
    field.press("Enter")
    settle(page)


def test_second_of_two_editors_gets_the_conflict_message(server: Server, browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        ana, bo = (context.new_page() for context in contexts)
        for page, who in ((ana, "Ana"), (bo, "Bo")):
            open_page(page, f"{server.url}/propositions?p=1")
            your_name = page.get_by_role("textbox", name="Your name", exact=True)
            your_name.fill(who)
            your_name.press("Enter")
            settle(page)
        rename(ana, "Ana's name for it")
        ana.get_by_role("button", name="Save").click()
        settle(ana)
        expect(ana.get_by_text("All changes saved")).to_be_visible()

        rename(bo, "Bo's name for it")
        bo.get_by_role("button", name="Save").click()
        settle(bo)
        refused = re.compile(r"Not saved: Ana saved this proposition \(version 2")
        expect(bo.get_by_text(refused)).to_be_visible()
        expect(bo.get_by_role("button", name="Load their version", exact=True)).to_be_visible()
        store = Store.open(server.database_url)
        current = store.get(1)
        store.close()
        assert current.version == 2 and current.proposition.name == "Ana's name for it"
        assert current.updated_by == "Ana"

        bo.get_by_role("button", name="Load their version", exact=True).click()
        settle(bo)
        expect(bo.get_by_role("textbox", name="Name", exact=True)).to_have_value("Ana's name for it")
    finally:
        for context in contexts:
            context.close()


def test_import_names_the_bad_field_then_imports_a_good_file(server: Server, page: Page, tmp_path):
    from tests.conftest import sample
    from valuegap.model import proposition_files

    good = sample(name="Imported from a file")
    bad_path = tmp_path / "bad.yaml"
    bad_path.write_text(proposition_files.dumps(good) + "colour: red\n")
    good_path = tmp_path / "good.json"
    proposition_files.write(good, good_path)

    open_page(page, f"{server.url}/overview")
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files(str(bad_path))
    settle(page)
    page.get_by_role("button", name="Import").click()
    settle(page)
    expect(page.get_by_text("bad.yaml: colour: is not a known field")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    uploader.set_input_files(str(good_path))
    settle(page)
    page.get_by_role("button", name="Import").click()
    settle(page)
    # a successful import opens the new proposition in the editor
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Imported from a file")
    assert_clean(page)
    store = Store.open(server.database_url)
    imported = [p for p in store.list_propositions() if p.proposition.name == "Imported from a file"]
    assert len(imported) == 1 and imported[0].proposition == good
    assert store.revisions(imported[0].id)[0].summary == "imported from a file"
    store.close()


def test_uploaded_outcomes_become_verdicts_on_the_gap_analysis_page(server: Server, page: Page):
    store = open_workspace(server.database_url)  # seeded as the app would seed it
    for dataset in store.datasets():  # start without evidence, so the verdicts can only come from the upload
        store.delete_dataset(dataset.id, Actor("setup"))
    store.close()
    outcomes = Path(__file__).resolve().parents[2] / "data" / "outcomes" / "streaming-plan.csv"

    open_page(page, f"{server.url}/gap_analysis?p=2")
    expect(page.get_by_text("No outcome data yet")).to_be_visible()
    open_page(page, f"{server.url}/evidence?p=2")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(outcomes))
    settle(page)
    expect(page.get_by_text("Outcomes, long form (one row per measurement)")).to_be_visible()
    page.get_by_role("button", name="Check rows").click()
    settle(page)
    expect(page.get_by_text("Every row passed the checks.")).to_be_visible()
    page.get_by_role("button", name="Import 28,820 rows as 'streaming-plan'").click()
    settle(page)
    assert_clean(page)

    store = Store.open(server.database_url)
    (dataset,) = store.datasets(kind="outcomes", proposition_id=2)
    assert dataset.rows_kept == 28_820 and dataset.name == "streaming-plan"
    store.close()
    # the upload tab says what was stored, no longer offers the same file, and leads to the verdicts
    expect(page.get_by_text(f"Imported {dataset.label}: 28,820 rows kept.").first).to_be_visible()
    expect(page.get_by_role("button", name="Check rows")).to_have_count(0)
    page.get_by_role("link", name="See the verdicts on the Gap analysis page").first.click()
    settle(page)
    assert "/gap_analysis" in page.url, page.url
    expect(page.get_by_text(f"Evidence: {dataset.label}")).to_be_visible()
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table).to_be_visible()
    # the headline tile (the verdict chart's legend says it too)
    expect(page.get_by_role("paragraph").get_by_text("Exaggerated", exact=True)).to_be_visible()
    assert_clean(page)
    # only the open tab runs; opening another one draws it and puts it in the address
    page.get_by_role("tab", name="By segment").click()
    settle(page)
    expect(page.get_by_text(charts.caption("heatmap"))).to_be_visible()
    assert "tab=By+segment" in page.url or "tab=By%20segment" in page.url, page.url
    assert_clean(page)


def _metric(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _set_weight(page: Page, attribute: str, value: str) -> None:
    field = page.get_by_role("spinbutton", name=f"Weight of {attribute}")
    field.fill(value)
    field.press("Enter")
    settle(page)


def test_editing_a_weight_moves_our_offer_on_the_value_map(server: Server, page: Page):
    open_page(page, f"{server.url}/competitors?p=1")
    assert_clean(page)
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=30_000)
    quality, advantage = (
        _metric(page, "Our relative quality (claimed)"),
        _metric(page, "Value advantage (claimed)"),
    )
    page.get_by_role("tab", name="Edit the market").click()
    _set_weight(page, "Getting paid", "15")
    expect(page.get_by_text("Weights total 95 of 100: add 5 before saving.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the market")).to_be_disabled()
    _set_weight(page, "Integrations", "20")
    expect(page.get_by_text("Weights total 100: ready to save.")).to_be_visible()
    assert float(_metric(page, "Our relative quality (claimed)")) < float(quality)
    assert float(_metric(page, "Value advantage (claimed)")) < float(advantage)
    page.get_by_role("button", name="Save the market").click()
    settle(page)
    assert_clean(page)
    store = Store.open(server.database_url)
    saved = store.competitors(1)
    store.close()
    assert saved.version == 2 and saved.offers.attributes["Integrations"] == 20


def test_moving_the_price_slider_changes_the_url_and_the_results(server: Server, page: Page):
    open_page(page, f"{server.url}/pricing?p=1")
    assert_clean(page)
    churn, ratio = _metric(page, "Churn"), _metric(page, "Value ratio")
    thumb = (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Price (USD per month)")
        .get_by_role("slider")
    )
    thumb.focus()
    for _ in range(12):  # 0.5 a step: USD 49 → 55
        thumb.press("ArrowRight")
    settle(page)
    assert_clean(page)
    expect(page).to_have_url(re.compile(r"[?&]price_1=55(\.0)?\b"))
    assert float(_metric(page, "Churn").rstrip("%")) > float(churn.rstrip("%"))
    assert float(_metric(page, "Value ratio")) < float(ratio)
    # the copied link reopens the same what-if in a fresh page
    copied = page.url
    fresh = page.context.new_page()
    open_page(fresh, copied)
    assert_clean(fresh)
    expect(
        fresh.locator('[data-testid="stSlider"]').filter(has_text="Price (USD per month)")
    ).to_contain_text("55")
    assert _metric(fresh, "Churn") == _metric(page, "Churn")
    fresh.close()


def test_a_table_download_neutralises_formulas(server: Server, page: Page):
    from valuegap.pricing.scenarios import Scenario

    store = open_workspace(server.database_url)
    store.save_scenario(1, Scenario('=HYPERLINK("http://evil","x")', price=55.0), actor=Actor("ana"))
    store.close()
    open_page(page, f"{server.url}/pricing?p=1")
    assert_clean(page)
    with page.expect_download() as caught:
        page.get_by_role("button", name="CSV", exact=True).nth(1).click()  # 0: the what-if, 1: saved
    download = caught.value
    assert download.suggested_filename == "saved-scenarios.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("metric,today,") and "'=HYPERLINK" in header
    assert "=HYPERLINK" not in header.replace("'=HYPERLINK", "")


def test_the_report_downloads_opens_offline_and_matches_the_app(server: Server, page: Page, tmp_path):
    from valuegap.evidence import gaps
    from valuegap.evidence.analysis import analyze_summary
    from valuegap.workspace.imports import load_evidence

    store = open_workspace(server.database_url)
    dataset = store.datasets(kind="outcomes", proposition_id=1)[0]
    analysis = analyze_summary(store.get(1).proposition, load_evidence(store, dataset))
    expected = gaps.claims_table(analysis)[["title", "measured", "verdict"]]  # claims named by their words
    store.close()
    open_page(page, f"{server.url}/gap_analysis?p=1&d={dataset.id}")
    assert_clean(page)
    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name="Stakeholder report (HTML)").click()
    report = tmp_path / "report.html"
    caught.value.save_as(report)
    offline = page.context.browser.new_context(offline=True)
    reader = offline.new_page()
    requests: list[str] = []
    reader.on("request", lambda request: requests.append(request.url))
    reader.goto(report.as_uri())
    text = reader.locator("body").inner_text()
    assert requests == [report.as_uri()]  # nothing else was fetched
    assert dataset.label in text and reader.locator("svg").count() >= 3
    for row in expected.itertuples(index=False):
        assert f"{row.title}\t" in text and row.measured in text, row
    assert text.count("\texaggerated\t") == int((expected["verdict"] == "exaggerated").sum())
    offline.close()
