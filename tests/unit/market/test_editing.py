"""The Competitors page's draft helpers and charts, without Streamlit."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from tests.conftest import sample
from valuegap.market import charts, editing
from valuegap.market.competition import parse_offers, standings, value_map
from valuegap.store import StoredOffers

MARKET = parse_offers(
    {
        "attributes": {"speed": 50, "support": 30, "price fairness": 20},
        "offers": [
            {
                "name": "Us",
                "price": 30,
                "ours": True,
                "scores": {"speed": 8, "support": 6, "price fairness": 5},
            },
            {"name": "Rival", "price": 20, "scores": {"speed": 6, "support": 6, "price fairness": 7}},
            {"name": "Cheap", "price": 10, "scores": {"speed": 3, "support": 4, "price fairness": 9}},
            {"name": "Premium", "price": 45, "scores": {"speed": 9, "support": 9, "price fairness": 4}},
        ],
    }
)


def test_the_editor_table_round_trips_a_saved_market():
    draft = editing.MarketDraft.of_market(MARKET, {"speed": "hours"}, sample())
    frame = editing.offers_frame(draft.attributes, draft.offers)
    assert list(frame.columns) == ["name", "price", "ours", "speed", "support", "price fairness"]
    draft.offers = editing.offers_from_frame(frame, list(draft.attributes))
    offers, problems = draft.check(sample().model_copy(update={"price": MARKET_PRICE}))
    assert problems == [] and offers == MARKET


MARKET_PRICE = sample().price.model_copy(update={"amount": 30.0})


def test_blank_rows_added_in_the_editor_are_ignored_and_our_price_follows_the_proposition():
    draft = editing.MarketDraft.of_market(MARKET, {}, sample())
    frame = editing.offers_frame(draft.attributes, draft.offers)
    frame.loc[len(frame)] = [None, math.nan, False, math.nan, math.nan, math.nan]
    draft.offers = editing.offers_from_frame(frame, list(draft.attributes))
    assert len(draft.offers) == 4
    prop = sample().model_copy(update={"price": MARKET_PRICE.model_copy(update={"amount": 33.0})})
    offers, _ = draft.check(prop)
    assert offers.ours.price == 33.0


def test_a_starter_market_names_the_claims_competitors_and_asks_for_what_is_missing():
    prop = sample()
    draft = editing.MarketDraft.of_market(None, {}, prop)
    assert draft.offers[0]["ours"] and draft.offers[0]["name"] == prop.name
    assert draft.base_version == 0 and not draft.dirty
    offers, problems = draft.check(prop)
    assert offers is None
    assert "Offer 2 (Competitor A), price: is missing: it must be a number greater than 0" in problems
    assert not any("None" in p for p in problems)
    missing = "Offer 1 (Invoicing for freelancers), score for Main benefit: is missing"
    assert any(missing in p for p in problems)


def test_a_draft_without_our_offer_says_which_box_to_tick():
    draft = editing.MarketDraft.of_market(MARKET, {}, sample())
    for offer in draft.offers:
        offer["ours"] = False
    _, problems = draft.check(sample())
    assert problems == ["No offer is marked as ours: tick “Ours” on the row of our own offer"]


@pytest.mark.parametrize(
    ("weights", "ready", "text"),
    [
        ([60, 40], True, "Weights total 100: ready to save."),
        ([60, 35], False, "Weights total 95 of 100: add 5 before saving."),
        ([70, 40.5], False, "Weights total 110.5 of 100: take away 10.5 before saving."),
        ([100 / 3, 100 / 3, 100 / 3], True, "Weights total 100: ready to save."),
    ],
)
def test_the_running_total_of_weights(weights, ready, text):
    total = editing.weight_total({str(i): w for i, w in enumerate(weights)})
    assert editing.weight_status(total) == (ready, text)


def test_comparative_claims_show_whether_their_competitor_is_in_the_market_and_the_data():
    from valuegap.workspace.demo import demo_propositions

    prop = dict(demo_propositions())["streaming-plan"]
    table = editing.competitor_claims(prop, MARKET, {"StreamMax"}).set_index("claim")
    assert list(table.index) == ["vs-streammax", "quality-parity"]
    assert list(table["competitor"]) == ["StreamMax", "StreamMax"]
    assert list(table["form"]) == ["Compared with a competitor (“2× …”)", "As good as a competitor"]
    assert not table["in this market"].any() and table["outcomes in the data"].all()
    assert editing.competitor_claims(sample(), MARKET, set()).empty


def test_charts_are_small_valid_json_and_show_both_versions_of_our_offer():
    vm = value_map(MARKET, {"speed": 4.0})
    for chart in (
        charts.value_map_chart(vm),
        charts.relative_chart(vm),
        charts.quadrant_chart(standings(vm, measured=True)),
    ):
        spec = chart.to_dict()
        text = json.dumps(spec, allow_nan=False)  # NaN would make the browser's JSON invalid
        assert "NaN" not in text
        rows = sum(len(v) for v in spec.get("datasets", {}).values())
        assert rows <= 5_000
    positions = charts.positions_frame(vm)
    assert list(positions["kind"]) == [
        "ours as claimed",
        "competitor",
        "competitor",
        "competitor",
        "ours as measured",
    ]
    assert set(positions["fair_value"]) <= {"within the zone", "better than fair", "worse than fair"}


def test_the_shift_caption_prices_the_exaggeration_or_says_why_not():
    vm = value_map(MARKET, {"speed": 4.0})
    text = charts.shift_caption(vm, "EUR", "month")
    assert "instead of the claimed" in text and "per month less than the claims suggest" in text
    assert "Link attributes" in charts.shift_caption(value_map(MARKET), "EUR", "month")
    two = parse_offers({"attributes": MARKET.attributes, "offers": [o.to_dict() for o in MARKET.offers[:2]]})
    assert "no fair-value line" in charts.shift_caption(value_map(two, {"speed": 4.0}), "EUR", "month")


def test_survey_items_deliver_experience_over_expectation():
    from valuegap.evidence import gaps

    customers = pd.DataFrame(
        {
            "expected_ease": [6, 8, 7],
            "experienced_ease": [3, 4, 5.5],
            "expected_none": [0, 0, 0],
            "experienced_none": [1, 2, 3],
        }
    )
    frame = gaps.expectation_frame(gaps.expectation_gaps(customers))
    delivery = editing.survey_delivery(frame)
    assert delivery["survey: ease"] == pytest.approx((3 + 4 + 5.5) / (6 + 8 + 7))
    assert delivery["survey: none"] is None  # nothing was expected: no ratio
    from valuegap.market.competition import measured_scores

    assert measured_scores(MARKET, {"speed": "survey: ease"}, delivery) == {
        "speed": pytest.approx(8 * delivery["survey: ease"])
    }


def test_attributes_on_the_same_spot_of_the_quadrant_share_one_label():
    from valuegap.market.competition import AttributeStanding

    def standing(name: str, weight: float, relative: float) -> AttributeStanding:
        return AttributeStanding(name, weight, relative, fix_first=False)

    frame = charts.quadrant_frame(
        [standing("Financing", 15, 1.04), standing("Service", 15, 1.0401), standing("Speed", 35, 1.35)]
    )
    assert list(frame["label"]) == ["Financing, Service", "", "Speed"]
    assert charts.quadrant_frame([]).empty


# ----------------------------------------------------------------------------- issue 19: layout and words


def _profile_rows(chart) -> list[dict]:  # type: ignore[no-untyped-def]
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows if "attribute" in row]


def test_the_profile_of_a_clicked_offer_is_its_score_over_the_others_mean_by_hand():
    vm = value_map(MARKET)
    rows = _profile_rows(charts.profile_chart(vm, "Rival"))
    assert {row["offer"] for row in rows} == {"Rival"}
    others = [o for o in MARKET.offers if o.name != "Rival"]
    rival = next(o for o in MARKET.offers if o.name == "Rival")
    for row in rows:
        mean = sum(o.scores[row["attribute"]] for o in others) / len(others)
        assert row["relative"] == pytest.approx(rival.scores[row["attribute"]] / mean)
    assert charts.profile_chart(vm, "Rival").to_dict()["title"]["text"] == "Attribute profile of Rival"


def test_the_profile_opens_on_our_offer_and_ignores_an_offer_no_longer_on_the_map():
    vm = value_map(MARKET)
    for picked in (None, "Gone since the last edit"):
        rows = _profile_rows(charts.profile_chart(vm, picked))
        assert {row["offer"] for row in rows} == {charts.first_offer(vm)}
        assert charts.first_offer(vm).startswith("Us")


def test_the_map_is_one_chart_that_takes_the_page_width_with_a_click_selection():
    spec = charts.value_map_chart(value_map(MARKET)).to_dict()
    assert "vconcat" not in spec and "layer" in spec  # a concatenated chart ran off a narrow page
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert [p["name"] for p in params] == [charts.PICK]


def test_chart_titles_are_short_enough_to_fit_beside_a_half_width_chart():
    vm = value_map(MARKET, {"speed": 4.0})
    relative = charts.relative_chart(vm).to_dict()
    quadrant = charts.quadrant_chart(standings(vm, measured=True)).to_dict()
    titles = [relative["encoding"]["x"]["title"]]
    titles += [layer["encoding"][axis]["title"] for layer in quadrant["layer"] for axis in ("x", "y")
               if axis in layer.get("encoding", {}) and "title" in layer["encoding"][axis]]  # fmt: skip
    assert titles and all(len(title) <= 40 for title in titles), titles


def test_the_quadrant_leaves_room_right_of_the_most_important_attribute_for_its_name():
    vm = value_map(MARKET)
    spec = charts.quadrant_chart(standings(vm, measured=False)).to_dict()
    x = next(
        layer["encoding"]["x"] for layer in spec["layer"] if "scale" in layer.get("encoding", {}).get("x", {})
    )
    assert x["scale"]["domain"][1] >= 1.4 * max(MARKET.attributes.values())


def test_the_standing_line_says_whose_market_and_where_we_stand():
    vm = value_map(MARKET)
    claimed = vm.claimed
    line = editing.standing_line(vm, dirty=True)
    assert line.startswith("Our offer as claimed, on your unsaved edits: ")
    assert f"relative quality {claimed.quality_ratio:.2f}" in line
    assert f"relative price {claimed.relative_price:.2f}" in line
    assert f"value advantage {claimed.value_advantage:+.3f}" in line
    assert "the saved market" in editing.standing_line(vm, dirty=False)
    two = parse_offers(
        {
            "attributes": {"speed": 100},
            "offers": [
                {"name": "Us", "price": 10, "ours": True, "scores": {"speed": 8}},
                {"name": "Them", "price": 12, "scores": {"speed": 4}},
            ],
        }
    )
    # no fair-value line from two offers: no value advantage to state; Q = 8 / 4 and R = 10 / 12 by hand
    assert editing.standing_line(value_map(two), dirty=False) == (
        "Our offer as claimed, on the saved market: relative quality 2.00, relative price 0.83."
    )


# ----------------------------------------------------------------------------- the market draft (issue 18)


def _saved(version: int, offers=MARKET, links=None, by: str = "Ana") -> StoredOffers:  # type: ignore[no-untyped-def]
    return StoredOffers(1, version, offers, dict(links or {}), None, by)


def test_a_draft_stands_for_the_saved_market_until_someone_saves_a_newer_one():
    prop = sample()
    first = editing.MarketDraft.for_saved(None, _saved(1), prop)
    assert first.base_version == 1 and first.revision == 1 and not first.dirty
    assert editing.MarketDraft.for_saved(first, _saved(1), prop) is first  # the same version: kept
    newer = editing.MarketDraft.for_saved(first, _saved(2, links={"speed": "hours"}), prop)
    assert newer is not first and newer.base_version == 2 and newer.links == {"speed": "hours"}
    assert newer.revision == 2  # drawn under new widget keys, so no widget shows the old values
    newer.set_weight("speed", 45.0)
    assert editing.MarketDraft.for_saved(newer, _saved(3), prop) is newer  # unsaved edits are never lost


def test_edits_mark_the_draft_and_an_unchanged_value_does_not():
    draft = editing.MarketDraft.of_market(MARKET, {}, sample(), version=1)
    draft.set_weight("speed", 50.0)
    draft.set_link("speed", editing.NOT_MEASURED)
    assert not draft.dirty and draft.revision == 1
    draft.set_link("speed", "hours_saved")
    assert draft.dirty and draft.measured_by == {"speed": "hours_saved"}
    draft.set_weight("support", 20.0)
    assert draft.weight_total == 90.0 and draft.revision == 1  # typing keeps the widgets


def test_removing_an_attribute_drops_its_link_and_every_score_on_it():
    draft = editing.MarketDraft.of_market(MARKET, {"speed": "hours", "support": "tickets"}, sample())
    draft.remove_attribute("support")
    assert list(draft.attributes) == ["speed", "price fairness"] and draft.links == {"speed": "hours"}
    assert all("support" not in offer["scores"] for offer in draft.offers)
    assert draft.dirty and draft.revision == 2
    assert list(draft.grid().columns) == ["name", "price", "ours", "speed", "price fairness"]


def test_adding_an_attribute_refuses_a_name_already_there():
    draft = editing.MarketDraft.of_market(MARKET, {}, sample())
    assert draft.add_attribute(" speed ") == "There is already an attribute called speed."
    assert draft.add_attribute("  ") == "Give the new attribute a name."
    assert not draft.dirty and draft.revision == 1
    assert draft.add_attribute(" Integrations ") is None
    assert draft.attributes["Integrations"] == 0.0 and draft.dirty and draft.revision == 2
    assert draft.grid()["Integrations"].isna().all()  # every offer's score on it still to fill in


def test_the_grid_is_given_the_same_rows_all_through_one_revision():
    draft = editing.MarketDraft.of_market(MARKET, {}, sample())
    given = draft.grid()
    edited = given.copy()
    edited.loc[len(edited)] = ["Newcomer", 25.0, False, 5.0, 5.0, 5.0]
    draft.take_grid(edited)
    assert draft.dirty and [o["name"] for o in draft.offers][-1] == "Newcomer"
    # the grid applies its edits to the data it was first given: handing it the edited offers would
    # add the new row twice
    pd.testing.assert_frame_equal(draft.grid(), given)
    draft.take_grid(draft.grid())  # the edit undone in the grid: the draft follows it
    assert [o["name"] for o in draft.offers] == MARKET.names


def test_a_save_or_discard_starts_again_from_what_is_saved_under_new_widget_keys():
    prop = sample()
    draft = editing.MarketDraft.of_market(MARKET, {}, prop, version=1)
    draft.set_weight("speed", 10.0)
    draft.grid()
    saved = _saved(2, links={"speed": "hours"})
    draft.reset(saved, prop)
    assert not draft.dirty and draft.base_version == 2 and draft.revision == 2
    assert draft.attributes == dict(MARKET.attributes) and draft.links == {"speed": "hours"}
    assert editing.MarketDraft.for_saved(draft, saved, prop) is draft  # no "unsaved edits" after a save


def test_a_file_becomes_the_draft_of_an_empty_market_and_keeps_the_links_it_can():
    prop = sample().model_copy(update={"price": MARKET_PRICE})
    draft = editing.MarketDraft.of_market(None, {}, prop)
    draft.links = {"Main benefit": "hours", "speed": "hours_saved"}
    assert draft.check(prop)[0] is None  # the starter market cannot be drawn yet
    draft.take_file(MARKET)
    assert draft.links == {"speed": "hours_saved"} and draft.dirty and draft.revision == 2
    assert draft.base_version == 0  # saving it is the market's first version
    assert draft.check(prop) == (MARKET, [])


def test_the_page_opens_on_the_editor_only_for_an_editor_of_a_market_not_saved_yet():
    assert editing.opening_tab(0, can_edit=True) == "Edit the market"
    assert editing.opening_tab(0, can_edit=False) == "Value map"
    assert editing.opening_tab(3, can_edit=True) == "Value map"
    assert editing.MARKET_TAB_NAMES[0] == "Value map" and "Import / export" in editing.MARKET_TAB_NAMES


def test_the_market_caption_names_our_price_and_who_saved_the_market():
    prop = sample().model_copy(update={"price": MARKET_PRICE})
    saved = editing.market_caption(prop, _saved(2, by="ana_b"))
    assert saved.startswith("Our offer's price is the proposition's: **")
    assert saved.endswith("Market saved as version 2 by ana\\_b.")  # user text escaped
    blank = editing.market_caption(prop, _saved(0, offers=None))
    assert "No market saved yet: fill it in on **Edit the market**" in blank
    assert "start from a file on **Import / export**" in blank


def test_why_the_map_cannot_be_drawn_lists_every_problem():
    problems = ["offers[1]: price is missing", "weights total 95"]
    text = editing.cannot_draw_text(problems)
    assert text.startswith("The market cannot be drawn yet.") and text.count("\n- ") == 2
    assert editing.cannot_draw_line(problems) == "The value map cannot be drawn yet: 2 problems listed below."
    assert editing.cannot_draw_line(problems[:1]).endswith(": 1 problem listed below.")


def test_the_headline_figures_are_the_value_map_positions():
    vm = value_map(MARKET, {"speed": 4.0})
    figures = {f.label: f for f in editing.map_figures(vm)}
    claimed, measured = vm.claimed, vm.measured
    assert figures["Our relative quality (claimed)"].value == f"{claimed.quality_ratio:.2f}"
    assert figures["Our relative price"].value == f"{claimed.relative_price:.2f}"
    assert figures["Value advantage (claimed)"].value == f"{claimed.value_advantage:+.3f}"
    shift = measured.value_advantage - claimed.value_advantage
    assert figures["Value advantage (measured)"].delta == f"{shift:+.3f} vs claimed"
    assert "Value advantage (measured)" not in {f.label for f in editing.map_figures(value_map(MARKET))}
    line = editing.fair_line_text(vm)
    assert line.startswith(f"Fair-value line: relative price = {vm.line.intercept:.3f} + {vm.line.slope:.3f}")


def test_the_figures_of_two_offers_have_no_value_advantage_or_line():
    two = parse_offers({"attributes": MARKET.attributes, "offers": [o.to_dict() for o in MARKET.offers[:2]]})
    vm = value_map(two)
    assert [f.label for f in editing.map_figures(vm)] == [
        "Our relative quality (claimed)",
        "Our relative price",
    ]
    assert editing.fair_line_text(vm) is None


def test_offers_files_are_named_after_the_proposition():
    assert editing.offers_file_name("Meal kit: Weekly box", "yaml") == "meal-kit--weekly-box-offers.yaml"
    assert editing.offers_file_name("!!!", "csv") == "offers-offers.csv"


def test_the_market_evidence_scales_our_linked_scores_by_their_delivery():
    evidence = editing.MarketEvidence({"hours": 0.5, "survey: ease": None}, frozenset({"Rival"}))
    assert evidence.metrics == ["hours", "survey: ease"]
    vm = evidence.value_map(MARKET, {"speed": "hours", "support": "survey: ease"})
    assert vm.measured is not None and vm.measured.quality_ratio < vm.claimed.quality_ratio
    by_hand = value_map(MARKET, {"speed": 8 * 0.5})  # the unmeasured survey item leaves support as claimed
    assert vm.measured.quality_ratio == pytest.approx(by_hand.measured.quality_ratio)
    assert editing.MarketEvidence().value_map(MARKET, {"speed": "hours"}).measured is None
