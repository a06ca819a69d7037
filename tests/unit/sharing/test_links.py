"""Deep links: every view survives a round trip through its URL; malformed links degrade, never fail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegap.sharing import links
from valuegap.sharing.links import View
from valuegap.ui import PAGES

BASE = "https://valuegap.example.com/app"


def test_a_full_view_round_trips_through_its_url():
    view = View(
        page="gap_analysis", proposition=3, dataset=12, scenario=None, segment="Freelancers & co",
        period="2026-05", claim="c2", other=(("alpha", "0.10"), ("correction", "fdr_bh")),
    )  # fmt: skip
    url = links.build_url(BASE, view)
    assert url == (
        "https://valuegap.example.com/app/gap_analysis?p=3&d=12&segment=Freelancers+%26+co&period=2026-05"
        "&claim=c2&alpha=0.10&correction=fdr_bh"
    )
    assert links.parse_url(url, BASE) == (view, None)


def test_the_home_page_and_an_empty_view():
    assert links.build_url(BASE, View()) == BASE + "/"
    assert links.parse_url(BASE + "/", BASE) == (View(), None)
    assert links.parse_url(BASE, BASE) == (View(), None)


def test_a_share_token_travels_beside_the_view_not_inside_it():
    url = links.build_url(BASE, View(page="pricing"), share="v1.abc.def")
    assert url == BASE + "/pricing?share=v1.abc.def"
    view, token = links.parse_url(url, BASE)
    assert view == View(page="pricing") and token == "v1.abc.def"
    assert links.to_query(links.parse_query({"share": "x", "p": "2"})) == {"p": "2"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), ("007", 7), ("0", None), ("-3", None), ("3.5", None), ("abc", None), ("", None),
     (" 4 ", 4), ("9" * 40, None)],
)  # fmt: skip
def test_malformed_ids_are_dropped_rather_than_failing(raw, expected):
    assert links.parse_query({"p": raw}).proposition == expected
    assert links.parse_query({"d": raw}).dataset == expected
    assert links.parse_query({"scenario": raw}).scenario == expected


def test_repeated_parameters_take_the_last_value_and_long_text_is_cut():
    view = links.parse_query({"p": ["1", "2"], "segment": "x" * 500})
    assert view.proposition == 2
    assert view.segment == "x" * links.MAX_VALUE_LENGTH
    assert links.parse_query({"p": []}).proposition is None


def test_page_paths_match_streamlits_names_for_every_page():
    assert [links.page_path(spec.file) for spec in PAGES] == [
        "overview", "propositions", "evidence", "gap_analysis", "competitors", "pricing", "share",
    ]  # fmt: skip
    assert links.page_path("pages/12_what-if.py") == "what-if"


@pytest.mark.parametrize(
    ("current", "page", "base"),
    [
        ("http://localhost:8501/share", "share", "http://localhost:8501"),
        ("http://localhost:8501/", "share", "http://localhost:8501"),
        ("http://localhost:8501", "", "http://localhost:8501"),
        ("https://h.example.com/apps/vg/share", "share", "https://h.example.com/apps/vg"),
        ("https://h.example.com/apps/vg/share/", "share", "https://h.example.com/apps/vg"),
        ("https://h.example.com/sharepoint", "share", "https://h.example.com/sharepoint"),
    ],
)
def test_the_app_root_is_found_from_a_page_address(current, page, base):
    assert links.app_base(current, page) == base


def test_parsing_a_url_under_another_root_keeps_its_whole_path():
    view, _ = links.parse_url("https://elsewhere.example.com/x/pricing?p=1", BASE)
    assert view.page == "x/pricing" and view.proposition == 1


_text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
_views = st.builds(
    View,
    page=st.sampled_from(["", "gap_analysis", "pricing", "share"]),
    proposition=st.none() | st.integers(1, 10**9),
    dataset=st.none() | st.integers(1, 10**9),
    scenario=st.none() | st.integers(1, 10**9),
    segment=st.none() | _text,
    period=st.none() | _text,
    claim=st.none() | _text,
    other=st.lists(
        st.tuples(st.sampled_from(["alpha", "correction", "price_1", "seg_1"]), _text),
        unique_by=lambda kv: kv[0],
    ).map(tuple),
)


@given(_views)
def test_any_view_round_trips(view):
    assert links.parse_url(links.build_url(BASE, view), BASE) == (view, None)


def test_the_deep_link_is_remembered_across_the_sign_in_redirect():
    view = links.View(page="gap_analysis", proposition=2, segment="agency", other=(("alpha", "0.10"),))
    value = links.remember(view)
    assert ";" not in value and " " not in value and "<" not in value  # safe as a cookie and in a script
    assert links.remembered(value, ["overview", "gap_analysis"]) == view
    assert links.remembered(value, ["overview"]) is None  # only the app's own pages
    assert links.remembered("https%3A%2F%2Fevil.example.com%2F", ["overview"]) is None
    assert links.remembered(None, ["overview"]) is None and links.remembered("", ["overview"]) is None


def test_a_page_opened_by_the_navigation_keeps_the_proposition_and_where_used_the_scenario():
    # the top navigation opens a page with no query at all
    assert links.carried({}, 4) == {"p": "4"}
    assert links.carried({}, None) == {}  # nothing chosen yet: the page picks its default
    # an address that names a proposition is never overridden, even by a different remembered one
    assert links.carried({"p": "2"}, 4) == {}
    assert links.carried({"p": "x"}, 4) == {}  # the page itself says the link's proposition is unknown
    # the scenario goes only to a page that uses one, and only with its own proposition
    assert links.carried({}, 4, (4, 9)) == {"p": "4"}
    assert links.carried({}, 4, (4, 9), with_scenario=True) == {"p": "4", "scenario": "9"}
    assert links.carried({}, 4, (3, 9), with_scenario=True) == {"p": "4"}
    assert links.carried({"p": "3"}, 4, (3, 9), with_scenario=True) == {"scenario": "9"}
    assert links.carried({"scenario": "1"}, 4, (4, 9), with_scenario=True) == {"p": "4"}


def test_the_pages_that_take_a_scenario_from_the_navigation_exist():
    from valuegap.ui import SCENARIO_PAGES

    assert {spec.title for spec in PAGES} >= SCENARIO_PAGES
