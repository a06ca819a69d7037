"""Markdown, Streamlit directives, maths, icon and emoji shortcodes and bare URLs typed into any text
field show as the text typed, to a share-link viewer and to an editor: the browser requests nothing
outside the app, and no image, link, maths, coloured text or icon is made from user text.

Every user-text field of a workspace (proposition, segment, offer, canvas, cost-of-access labels,
claim texts, units, metric names and competitors, dataset and file names, segment values, competitor
and attribute names, scenario names, the user's name) holds one group of payloads; each group is a
proposition of its own, opened on every page by an editor and, through a share link, by a viewer.

The groups share one server per test process: each page checks whatever it shows, so the other
groups' propositions on a shared page (the Overview) only add payloads to what is checked."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import copy_workspace
from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_clean, settle, visible_text
from tests.servers import start_server
from valuegap import sources
from valuegap.market.competition import parse_offers
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.scenarios import Scenario
from valuegap.store import Actor, Store
from valuegap.workspace.imports import import_survey, import_table
from valuegap.workspace.opening import open_workspace

pytestmark = pytest.mark.browser

# In pairs, so that every field (units allow 40 characters) holds a whole group.
GROUPS = {
    "image and colour": "![x](http://127.0.0.2:9/a.png) :red[RED]",
    "maths and icon": "$x^2$ :material/home: :smile:",
    "bare URLs": "www.example.invalid http://127.0.0.2:9/b",
    "html and link": "<img src=x> [link](http://127.0.0.2:9/l)",
}
JOINER = "\u2060"  # what escape_markdown adds: invisible, dropped when comparing text


def _seed(database_url: str, payload: str) -> tuple[int, int]:
    editor = Actor(f"Ana {payload}"[:120])
    store = open_workspace(database_url)
    metric = f"m {payload}"[:80]
    prop = parse_proposition(
        {
            "name": f"P {payload}"[:120],
            "segment": f"S {payload}"[:80],
            "offer": f"Offer {payload}",
            "price": {"amount": 49, "currency": "USD", "period": "month"},
            "value_of_time": 40,
            "cost_of_access": [{"kind": "time", "label": f"Setup {payload}", "amount": 2, "unit": "hours"}],
            "canvas": {"jobs": payload, "pains": payload, "gains": payload},
            "claims": [
                {
                    "id": "saves", "text": f"Saves 5 {payload}", "benefit": "time", "form": "average",
                    "metric": metric, "claimed": 5, "unit": payload[:40],
                },
                {
                    "id": "rival", "text": f"Twice {payload}", "benefit": "time", "form": "comparative",
                    "metric": metric, "claimed": 2, "ratio": 2, "competitor": f"C {payload}"[:120],
                },
                {
                    "id": "nodata", "text": f"None {payload}", "benefit": "time", "form": "average",
                    "metric": f"none {payload}"[:80], "claimed": 1, "unit": payload[:40],
                },
            ],
        }
    )  # fmt: skip
    prop_id = store.create(prop, editor).id
    rows = ["customer_id,metric,value,segment,offer"]
    for i in range(40):
        segment, offer = payload if i % 2 else "plain", payload if i % 4 else "Ours"
        rows.append(f"C{i},{metric},{3 + i % 5},{segment},{offer}")
    raw = sources.read_table("\n".join(rows).encode(), f"outcomes {payload}.csv")
    dataset = import_table(
        store, raw, sources.propose_mapping(raw), name=f"Data {payload}", proposition_id=prop_id, actor=editor
    ).dataset
    survey = "too_cheap,cheap,expensive,too_expensive\n" + "\n".join(
        f"{10 + i},{20 + i},{30 + i},{40 + i}" for i in range(12)
    )
    raw = sources.read_table(survey.encode(), f"survey {payload}.csv")
    import_survey(
        store, raw, "van_westendorp", name=f"Survey {payload}", proposition_id=prop_id, actor=editor
    )
    speed, care = f"Speed {payload}", f"Care {payload}"
    market = parse_offers(
        {
            "attributes": {speed: 60, care: 40},
            "offers": [
                {"name": f"Us {payload}", "price": 49, "ours": True, "scores": {speed: 8, care: 6}},
                {"name": f"Them {payload}", "price": 40, "scores": {speed: 6, care: 7}},
            ],
        }
    )
    store.save_competitors(prop_id, market, {speed: metric}, seen_version=0, actor=editor)
    store.save_scenario(prop_id, Scenario(f"What if {payload}"[:80], price=55.0), actor=editor)
    store.close()
    return prop_id, dataset.id


# what was made from user text under ``root`` (a CSS selector: the page, or an open tooltip)
_MARKUP = """(root) => {
    const own = location.origin;
    const found = [];
    const within = [...document.querySelectorAll(root)];
    const all = (selector) => within.flatMap(r => [...r.querySelectorAll(selector)]);
    for (const img of all('img')) {
        const src = img.getAttribute('src') || '';
        if (!src.startsWith('data:') && !src.startsWith('blob:') && !img.src.startsWith(own + '/app/static')
            && !img.src.startsWith(own + '/media')) found.push('img ' + src);
    }
    for (const a of all('a[href]')) {
        if (/127\\.0\\.0\\.2|example\\.invalid|^mailto:/.test(a.href)) found.push('a ' + a.href);
    }
    if (all('.katex, .katex-display').length) found.push('katex');
    for (const el of all('*')) {
        if (el.children.length) continue;
        const text = el.textContent.trim();
        if (text === 'RED') found.push('coloured text');
        if (text === 'home' || text === 'x2' || text === '\\u{1F604}') found.push('icon or maths: ' + text);
    }
    return found;
}"""


TOOLBAR = '[data-testid="stElementToolbar"]'


def _visible_text(page: Page) -> str:
    return visible_text(page).replace(JOINER, "")


def _opened(target: Locator) -> str:
    """Hover ``target`` and return the tooltip it opened as a CSS selector, or the whole page when
    none opened within the 150 ms the check used to wait (the page is then checked as it is)."""
    page = target.page
    page.keyboard.press("Escape")  # the tooltip still open may lie over the next target
    target.hover(force=True, timeout=5_000)  # a chart may lie over it: hover its place anyway
    handle = target.element_handle()
    try:  # an open tooltip's target names it in aria-describedby
        page.wait_for_function("(el) => el.getAttribute('aria-describedby')", arg=handle, timeout=150)
    except PlaywrightTimeoutError:
        return "body"
    return f'[id="{handle.get_attribute("aria-describedby")}"]'


def _check(page: Page, where: str, payload: str, outside: list[str]) -> list[str]:
    """What on the page was made from user text, or was requested outside the app."""
    assert_clean(page)
    found = [f"{where}: {what}" for what in page.evaluate(_MARKUP, "body")]
    # help tooltips render markdown too: open each one (not the buttons of a chart's or table's
    # toolbar, whose tooltips are Streamlit's own words and which show only while it is hovered)
    targets = page.locator(f'[data-testid="stTooltipHoverTarget"]:not({TOOLBAR} *)')
    for index in range(min(targets.count(), 40)):
        target = targets.nth(index)
        if not target.is_visible():
            continue
        found += [f"{where}, tooltip {index}: {what}" for what in page.evaluate(_MARKUP, _opened(target))]
    page.keyboard.press("Escape")
    page.mouse.move(5, 5)
    found += [f"{where}: requested {url}" for url in outside]
    outside.clear()
    return sorted(set(found))


def _visit(page: Page, server: Server, paths: list[str], payload: str, outside: list[str]) -> list[str]:
    found = []
    for path in paths:
        page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
        settle(page)
        found += _check(page, path, payload, outside)
        # the overview and competitors show the names in canvas-drawn tables and charts only
        shows_text = path and not path.startswith("competitors")
        if shows_text and payload not in _visible_text(page):  # as typed: a name, label or caption
            found.append(f"{path}: the text as typed is not on the page")
    return found


def _record_outside(page: Page, server: Server) -> list[str]:
    outside: list[str] = []

    def seen(request) -> None:  # type: ignore[no-untyped-def]
        url = request.url
        if not (url.startswith(server.url + "/") or url.startswith(("data:", "blob:"))):
            outside.append(url)

    page.on("request", seen)
    return outside


GAP_TABS = ("By+segment", "Value+gap", "Expectations", "Exaggerations")


def _paths(prop_id: int, dataset_id: int) -> list[str]:
    return [
        "",  # the Overview
        f"propositions?p={prop_id}",
        f"evidence?p={prop_id}",
        *(f"gap_analysis?p={prop_id}&d={dataset_id}&tab={tab}" for tab in GAP_TABS),
        f"competitors?p={prop_id}",
        f"pricing?p={prop_id}",
    ]


@pytest.fixture(scope="module")
def payload_server(
    tmp_path_factory: pytest.TempPathFactory, demo_workspace_template: Path
) -> Iterator[Server]:
    """One server for this module's tests, on a workspace holding the demo (as its first start seeds it)."""
    folder = tmp_path_factory.mktemp("markup-payloads")
    copy_workspace(demo_workspace_template, folder / "workbench.db")
    started = start_server(folder)
    yield started
    started.stop()


@dataclass(frozen=True)
class Seeded:
    prop_id: int
    dataset_id: int
    scenario_id: int
    token: str


@pytest.fixture(scope="module")
def seeded(payload_server: Server) -> Callable[[str], Seeded]:
    """The proposition holding a group's payloads in every text field, with a share link to it (once)."""
    done: dict[str, Seeded] = {}

    def seed(group: str) -> Seeded:
        if group not in done:
            prop_id, dataset_id = _seed(payload_server.database_url, GROUPS[group])
            store = Store.open(payload_server.database_url)
            scenario_id = store.scenarios(prop_id)[0].id
            _, token = store.create_share_link(
                prop_id, expires_at=datetime.now(UTC) + timedelta(days=7), actor=Actor("editor"),
                scenario_id=None,
            )  # fmt: skip
            store.close()
            done[group] = Seeded(prop_id, dataset_id, scenario_id, token)
        return done[group]

    return seed


@pytest.mark.parametrize("group", GROUPS)
def test_markup_in_every_text_field_shows_literally_to_an_editor_and_fetches_nothing(
    payload_server: Server, seeded: Callable[[str], Seeded], page: Page, group: str
):
    payload, server, made = GROUPS[group], payload_server, seeded(group)
    outside = _record_outside(page, server)
    paths = [*_paths(made.prop_id, made.dataset_id), f"share?p={made.prop_id}"]
    found = _visit(page, server, paths, payload, outside)
    page.goto(
        f"{server.url}/pricing?p={made.prop_id}&scenario={made.scenario_id}", wait_until="domcontentloaded"
    )
    settle(page)
    found += _check(page, "pricing with the scenario", payload, outside)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("group", GROUPS)
def test_markup_in_every_text_field_shows_literally_to_a_share_link_viewer_and_fetches_nothing(
    payload_server: Server, seeded: Callable[[str], Seeded], browser, group: str
):
    payload, server, made = GROUPS[group], payload_server, seeded(group)
    viewer = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        stakeholder = viewer.new_page()
        seen = _record_outside(stakeholder, server)
        stakeholder.goto(f"{server.url}/gap_analysis?share={made.token}", wait_until="domcontentloaded")
        settle(stakeholder)
        found = [f"viewer, {f}" for f in _check(stakeholder, "share link", payload, seen)]
        for _ in range(100):  # the link is remembered a moment after the page is drawn
            if any(c["name"] == "vg_share" for c in viewer.cookies()):
                break
            time.sleep(0.1)
        stakeholder.get_by_text("Read-only view shared by").first.wait_for()
        seen_by_viewer = _visit(stakeholder, server, _paths(made.prop_id, made.dataset_id), payload, seen)
        found += [f"viewer, {f}" for f in seen_by_viewer]
    finally:
        viewer.close()
    assert not found, "\n".join(found)
