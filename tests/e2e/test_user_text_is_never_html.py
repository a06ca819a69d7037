"""User text (names, claim texts, dataset names, cell values) is shown as text on every page, never
run as HTML: payloads stored in every text field open no dialog and create no element."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import copy_workspace
from tests.e2e.conftest import Server
from tests.e2e.helpers import VISIBLE_TEXT, assert_clean, settle, visible_text
from valuegap import sources
from valuegap.market.competition import parse_offers
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.scenarios import Scenario
from valuegap.store import Actor
from valuegap.workspace.imports import import_survey, import_table
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1) id=injected-img>"
SCRIPT = "<script>alert(2)</script>"
BOTH = f"{IMG}{SCRIPT}"
EDITOR = Actor("ana@example.com")


def _seed(database_url: str) -> tuple[int, int]:
    store = open_workspace(database_url)
    prop = parse_proposition(
        {
            "name": f"Evil {IMG}"[:120],
            "segment": f"seg {SCRIPT}"[:80],
            "offer": f"Offer {BOTH}",
            "price": {"amount": 49, "currency": "USD", "period": "month"},
            "value_of_time": 40,
            "cost_of_access": [{"kind": "time", "label": f"Setup {IMG}", "amount": 2, "unit": "hours"}],
            "canvas": {"jobs": BOTH, "pains": BOTH, "gains": BOTH},
            "claims": [
                {
                    "id": "saves", "text": f"Saves 5 hours {BOTH}", "benefit": "time", "form": "average",
                    "metric": "hours_saved", "claimed": 5, "unit": f"h {IMG}"[:40],
                },
                {
                    "id": "rival", "text": f"Twice the speed of {IMG}", "benefit": "time",
                    "form": "comparative", "metric": "hours_saved", "claimed": 2, "ratio": 2,
                    "competitor": IMG,
                },
            ],
        }
    )  # fmt: skip
    prop_id = store.create(prop, EDITOR).id
    rows = ["customer_id,metric,value,segment,offer"]
    for i in range(40):
        who = f"C{i} {IMG}".replace(",", " ")
        offer = IMG if i % 4 == 0 else "Ours"
        rows.append(f"{who},hours_saved,{3 + i % 5},{SCRIPT if i % 2 else IMG},{offer}")
    raw = sources.read_table("\n".join(rows).encode(), f"outcomes {IMG}.csv")
    dataset = import_table(
        store, raw, sources.propose_mapping(raw), name=f"Data {BOTH}", proposition_id=prop_id, actor=EDITOR
    ).dataset
    survey = "too_cheap,cheap,expensive,too_expensive\n" + "\n".join(
        f"{10 + i},{20 + i},{30 + i},{40 + i}" for i in range(12)
    )
    raw = sources.read_table(survey.encode(), f"survey {IMG}.csv")
    import_survey(store, raw, "van_westendorp", name=f"Survey {BOTH}", proposition_id=prop_id, actor=EDITOR)
    market = parse_offers(
        {
            "attributes": {f"Speed {IMG}": 60, f"Care {SCRIPT}": 40},
            "offers": [
                {
                    "name": f"Us {IMG}", "price": 49, "ours": True,
                    "scores": {f"Speed {IMG}": 8, f"Care {SCRIPT}": 6},
                },
                {"name": IMG, "price": 40, "scores": {f"Speed {IMG}": 6, f"Care {SCRIPT}": 7}},
                {"name": SCRIPT, "price": 60, "scores": {f"Speed {IMG}": 7, f"Care {SCRIPT}": 8}},
            ],
        }
    )  # fmt: skip
    store.save_competitors(prop_id, market, {f"Speed {IMG}": "hours_saved"}, seen_version=0, actor=EDITOR)
    store.save_scenario(prop_id, Scenario(f"What if {BOTH}"[:80], price=55.0), actor=EDITOR)
    store.close()
    return prop_id, dataset.id


def _wait_for_text(page: Page, text: str, path: str) -> None:
    """``text`` shows on the page within a few seconds; else fail with everything the page showed
    (pytest's comparison cuts a page's text in the middle, where the answer usually is)."""
    try:
        page.wait_for_function(f"(wanted) => {VISIBLE_TEXT}.includes(wanted)", arg=text, timeout=15_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"{path} never showed {text!r}; it showed:\n{visible_text(page)}") from None


GAP_TABS = ("By+segment", "Value+gap", "Expectations", "Exaggerations")


def test_payloads_in_every_text_field_stay_text_on_every_page(
    server: Server, page: Page, demo_workspace_template: Path
):
    # the demo copied in, as the server's first start would seed it (seeding it here took seconds)
    copy_workspace(demo_workspace_template, Path(server.database_url.removeprefix("sqlite:///")))
    prop_id, dataset_id = _seed(server.database_url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    paths = [
        "overview",
        f"propositions?p={prop_id}",
        f"evidence?p={prop_id}",
        f"gap_analysis?p={prop_id}&d={dataset_id}",
        # only the open tab of Gap analysis is drawn: open each one
        *(f"gap_analysis?p={prop_id}&d={dataset_id}&tab={tab}" for tab in GAP_TABS),
        f"competitors?p={prop_id}",
        f"pricing?p={prop_id}",
    ]
    for path in paths:
        page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
        settle(page)
        page.mouse.move(600, 600)  # tooltips and hover states get a chance to render too
        page.wait_for_timeout(300)
        assert_clean(page)
        assert page.locator("#injected-img").count() == 0, path
        assert page.locator("script", has_text="alert(2)").count() == 0, path
        if path != "overview":  # the overview lists propositions in a canvas-drawn table
            # the payload is on the page as the text the user typed, in the proposition picker
            _wait_for_text(page, f"Evil {IMG}", path)
    assert dialogs == []
