"""What-if scenarios (METHODS.md sections 5–7) against hand computations."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import sample, sample_data
from valuegap.errors import InvalidInput
from valuegap.evidence.value_gap import Measured
from valuegap.market.competition import parse_offers, value_map
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.scenarios import (
    DEFENSIBLE,
    Scenario,
    ScenarioInputs,
    apply,
    best_per_metric,
    comparison_frame,
    evaluate,
    notes,
    place_positions,
)

# sample(): price 49, value of time 45, horizon 24, onboarding 3 h once, setup fee 99 once;
# "paid-sooner" promises 5 days at 12 a day. Sacrifice = 49 + 3·45/24 + 99/24 = 58.75.
SACRIFICE = 49 + 3 * 45 / 24 + 99 / 24
MEASURED = {"paid-sooner": Measured(mean=4.0)}  # realized benefit 4 · 12 = 48
MARKET = parse_offers(
    {
        "attributes": {"speed": 60, "support": 40},
        "offers": [
            {"name": "Ours", "price": 49, "ours": True, "scores": {"speed": 8, "support": 6}},
            {"name": "A", "price": 40, "scores": {"speed": 6, "support": 6}},
            {"name": "B", "price": 60, "scores": {"speed": 7, "support": 8}},
            {"name": "C", "price": 30, "scores": {"speed": 4, "support": 5}},
        ],
    }
)


def inputs(**changes: object) -> ScenarioInputs:
    base = {"prop": sample(), "measured": MEASURED, "defensible": {"paid-sooner": 3.5}}
    return ScenarioInputs(**(base | changes))  # type: ignore[arg-type]


def test_apply_changes_only_what_the_scenario_names():
    prop = sample()
    what_if = apply(prop, Scenario(price=57.5, access={"setup": 49.0}, claims={"paid-sooner": 4.0}), {})
    assert what_if.price.amount == 57.5 and what_if.price.currency == prop.price.currency
    assert [c.amount for c in what_if.cost_of_access] == [3.0, 49.0]
    assert what_if.claim("paid-sooner").claimed == 4.0
    assert what_if.claim("on-time") == prop.claim("on-time")
    assert apply(prop, Scenario(), {}) == prop


def test_a_defensible_override_promises_the_defensible_value_or_keeps_the_claim_without_one():
    prop = sample()
    scenario = Scenario(claims={"paid-sooner": DEFENSIBLE, "on-time": DEFENSIBLE})
    what_if = apply(prop, scenario, {"paid-sooner": 3.5, "on-time": None})
    assert what_if.claim("paid-sooner").claimed == 3.5
    assert what_if.claim("on-time") == prop.claim("on-time")


def test_today_is_the_value_gap_by_hand():
    result = evaluate(inputs(), Scenario())
    today = result.today
    assert today.promised_benefit == pytest.approx(60.0) and today.realized_benefit == pytest.approx(48.0)
    assert today.value_gap == pytest.approx(12.0)
    assert today.sacrifice == pytest.approx(SACRIFICE)
    assert today.net_value == pytest.approx(48.0 - SACRIFICE)
    assert today.value_ratio == pytest.approx(48.0 / SACRIFICE)
    assert today.churn_rate is None and today.value_advantage is None  # no model, no market
    assert all(result.delta(name) in (0.0, None) for name in today.__dict__)


def test_a_price_rise_a_cheaper_onboarding_and_a_toned_down_claim_by_hand():
    scenario = Scenario(price=49 * 1.15, access={"onboarding": 1.5}, claims={"paid-sooner": 4.0})
    result = evaluate(inputs(), scenario)
    sacrifice = 49 * 1.15 + 1.5 * 45 / 24 + 99 / 24
    assert result.what_if.sacrifice == pytest.approx(sacrifice)
    assert result.what_if.promised_benefit == pytest.approx(48.0)
    assert result.what_if.value_gap == pytest.approx(0.0)
    assert result.delta("value_gap") == pytest.approx(-12.0)
    assert result.what_if.value_ratio == pytest.approx(48.0 / sacrifice)
    frame = result.to_frame().set_index("metric")
    assert frame.loc["Value gap", "change"] == pytest.approx(-12.0)
    assert "Predicted churn rate" not in frame.index  # no model: not shown rather than blank


def test_revenue_scales_with_the_price_and_can_be_limited_to_a_segment():
    import numpy as np

    revenue = np.array([49.0, 98.0, 49.0])
    segments = np.array(["a", "b", "a"])
    base = inputs(revenue=revenue, revenue_segments=segments)
    result = evaluate(base, Scenario(price=49 * 1.2))
    assert result.today.revenue == pytest.approx(196.0 * 24)
    assert result.what_if.revenue == pytest.approx(196.0 * 1.2 * 24)
    only_a = evaluate(base, Scenario(segment="a"))
    assert only_a.today.revenue == pytest.approx(98.0 * 24)


def test_our_place_on_the_value_map_follows_the_what_if_price():
    result = evaluate(inputs(market=MARKET), Scenario(price=60.0))
    expected = value_map(MARKET.with_ours(price=60.0)).claimed
    assert result.what_if.relative_price == pytest.approx(60.0 / ((40 + 60 + 30) / 3))
    assert result.what_if.relative_price == pytest.approx(expected.relative_price)
    assert result.what_if.value_advantage == pytest.approx(expected.value_advantage)
    assert result.today.relative_price == pytest.approx(49.0 / ((40 + 60 + 30) / 3))
    assert result.delta("value_advantage") < 0  # dearer for the same quality: worse value


@settings(max_examples=60, deadline=None)
@given(price=st.floats(0, 500), rise=st.floats(0.01, 500))
def test_raising_the_price_never_raises_the_value_ratio(price: float, rise: float):
    lower = evaluate(inputs(market=MARKET), Scenario(price=price)).what_if
    higher = evaluate(inputs(market=MARKET), Scenario(price=price + rise)).what_if
    assert higher.value_ratio <= lower.value_ratio
    assert higher.net_value < lower.net_value


@settings(max_examples=40, deadline=None)
@given(onboarding=st.floats(0, 50), value=st.floats(0, 20))
def test_a_scenario_equal_to_today_gives_zero_deltas(onboarding: float, value: float):
    prop = apply(sample(), Scenario(access={"onboarding": onboarding}, claims={"paid-sooner": value}), {})
    same = Scenario(price=prop.price.amount, access={"onboarding": onboarding}, claims={"paid-sooner": value})
    result = evaluate(inputs(prop=prop, market=MARKET), same)
    for name, value_today in result.today.__dict__.items():
        if value_today is not None:
            assert result.delta(name) == pytest.approx(0.0, abs=1e-12), name


def test_scenarios_round_trip_and_bad_stored_values_name_their_field():
    scenario = Scenario(
        "Bold",
        price=55.0,
        access={"onboarding": 2.0},
        claims={"paid-sooner": DEFENSIBLE},
        segment="x",
        version=3,
    )
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    with pytest.raises(InvalidInput) as caught:
        Scenario.from_dict(
            {"price": "lots", "access": {"0": -1, "First!": 2}, "claims": {"a": "x"}, "mood": 1, "version": 0}
        )
    paths = {p.path for p in caught.value.problems}
    assert paths == {"price", "access.0", "access.First!", "claims.a", "mood", "version"}
    assert not math.isnan(Scenario.from_dict({"price": 0}).price)


def test_saved_scenarios_side_by_side_mark_the_best_per_metric():
    base = inputs(market=MARKET)
    results = {
        "cheaper": evaluate(base, Scenario("cheaper", price=40.0)),
        "honest": evaluate(base, Scenario("honest", claims={"paid-sooner": 4.0})),
    }
    frame = comparison_frame(results).set_index("metric")
    assert list(frame.columns) == ["today", "cheaper", "honest"]
    assert frame.loc["Price", "cheaper"] == 40.0 and frame.loc["Price", "today"] == 49.0
    best = best_per_metric(results)
    assert best["Value gap"] == "honest" and best["Value ratio"] == "cheaper"
    assert "Price" not in best
    assert comparison_frame({}).empty


def test_the_comparison_chart_marks_the_best_scenario_and_is_valid_json():
    import json

    from valuegap.pricing import scenario_charts

    base = inputs(market=MARKET)
    results = {
        "cheaper": evaluate(base, Scenario("cheaper", price=40.0)),
        "honest": evaluate(base, Scenario("honest", claims={"paid-sooner": 4.0})),
    }
    long = scenario_charts.comparison_long(results)
    gap = long[long["metric"] == "Value gap"].set_index("scenario")
    assert gap.loc["honest", "best"] and not gap.loc["cheaper", "best"] and not gap.loc["today", "best"]
    spec = scenario_charts.comparison_chart(results).to_dict()
    assert "NaN" not in json.dumps(spec, allow_nan=False)
    assert scenario_charts.comparison_long({}).empty


def _fitted_churn():  # type: ignore[no-untyped-def]
    import numpy as np

    from valuegap.pricing.churn import ChurnData, fit_churn

    rng = np.random.default_rng(7)
    n = 800
    gap = rng.normal(10, 8, n)
    price = rng.choice([29.0, 49.0, 79.0], n)
    eta = -2.5 + 0.08 * gap + 0.02 * (price - 49)
    churned = rng.random(n) < 1 / (1 + np.exp(-eta))
    fit = fit_churn(ChurnData.from_arrays(churned, gap, price, price))
    assert fit.model is not None, fit.reason
    return fit.model


def test_churn_follows_the_what_if_price_and_promises_through_the_model():
    model = _fitted_churn()
    base = inputs(churn=model)
    today = evaluate(base, Scenario())
    assert today.today.churn_rate == pytest.approx(model.churn_rate()[0])
    assert all(today.delta(n) == pytest.approx(0.0) for n in ("churn_rate", "revenue_at_risk"))
    dearer = evaluate(base, Scenario(price=49 * 1.2))
    rate, low, high = model.churn_rate(price_factor=1.2)
    assert dearer.what_if.churn_rate == pytest.approx(rate) and (low, high) == pytest.approx(
        (dearer.what_if.churn_low, dearer.what_if.churn_high)
    )
    assert dearer.delta("churn_rate") > 0
    assert dearer.what_if.revenue_at_risk == pytest.approx(model.revenue_at_risk(24, price_factor=1.2))
    # promising 4 days instead of 5 at 12 a day lowers every customer's gap by 12
    honest = evaluate(base, Scenario(claims={"paid-sooner": 4.0}))
    assert honest.what_if.churn_rate == pytest.approx(model.churn_rate(gap_shift=-12.0)[0])
    assert honest.delta("churn_rate") < 0
    assert honest.delta("net_effect") < 0 and honest.delta("under_delivery") < 0
    # cost of access changes value, not predicted churn
    easier = evaluate(base, Scenario(access={"onboarding": 0.0}))
    assert easier.delta("churn_rate") == pytest.approx(0.0) and easier.delta("value_ratio") > 0


def test_no_best_is_marked_where_every_scenario_ties():
    base = inputs()
    results = {
        "a": evaluate(base, Scenario("a", price=40.0)),
        "b": evaluate(base, Scenario("b", price=45.0)),
    }
    best = best_per_metric(results)
    assert "Promised benefit" not in best and "Value gap" not in best and "Price" not in best
    assert best["Net customer value"] == "a"


# ----------------------------------------------------------------------------- slider scales
# The browser's slider (react-aria, as Streamlit's frontend uses it) snaps a value to
# ``min + floor((max - min) / step) × step`` rounded to the step's decimals, and writes that number
# into the link; Streamlit then drops a link value above ``max`` back to the default. Emulated here
# with plain doubles (JavaScript numbers are IEEE doubles) and Decimal, not with the code under test.


def _js_round_to_step(value: float, step: float) -> float:
    decimals = max(0, -Decimal(repr(step)).normalize().as_tuple().exponent)
    factor = 10**decimals
    return math.floor(value * factor + 0.5) / factor  # Math.round(value * 10^d) / 10^d


def _browser_end_value(bottom: float, top: float, step: float) -> float:
    stops = math.floor(_js_round_to_step((top - bottom) / step, step))
    return _js_round_to_step(bottom + stops * step, step)


def test_the_price_slider_end_is_the_number_the_browser_sends():
    from valuegap.pricing.scenarios import slider_scale

    scale = slider_scale(69.99)
    assert scale.top == float(Decimal("69.99") * 3) == 209.97 and scale.step == 0.01 and scale.start == 69.99
    assert _browser_end_value(scale.bottom, scale.top, scale.step) == scale.top
    assert float(f"{scale.top:.{scale.decimals}f}") == scale.top  # the link's text reads back as the top
    # the cause of the bug: three times 69.99 in floating point is just below what the browser sends
    assert _browser_end_value(0.0, 69.99 * 3, 0.01) > 69.99 * 3


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=-(10**7), max_value=10**8), places=st.sampled_from([0, 1, 2]))
def test_every_slider_top_is_a_stop_above_three_times_today(cents: int, places: int):
    from valuegap.pricing.scenarios import slider_scale

    exact = Decimal(cents).scaleb(-places)  # today's value as written, e.g. 699.9 or 69.99
    value = float(exact)
    scale = slider_scale(value)
    step, top = Decimal(repr(scale.step)), Decimal(repr(scale.top))
    assert top % step == 0 and Decimal(repr(scale.bottom)) % step == 0  # both ends are stops
    span = max(abs(exact) * 3, Decimal(10))
    assert span <= top < span + step  # the first stop at or above the span
    assert scale.bottom == (-scale.top if value < 0 else 0.0)
    assert _browser_end_value(scale.bottom, scale.top, scale.step) == scale.top
    assert float(f"{scale.top:.{scale.decimals}f}") == scale.top
    assert Decimal(repr(scale.start)) % step == 0 and abs(Decimal(repr(scale.start)) - exact) <= step / 2
    if exact % Decimal("0.01") == 0 and abs(exact) <= 1000:  # a price in cents is a stop: today is on it
        assert scale.start == value
    # at most four decades below top / 300: up to 3 million stops a side (keyboard End/Home still work)
    assert (top - Decimal(repr(scale.bottom))) / step <= 2 * 300 * 10**4


def test_small_and_awkward_values_keep_about_300_stops_or_fall_to_the_nearest_stop():
    from valuegap.pricing.scenarios import slider_scale

    assert slider_scale(49.0).step == 0.5 and slider_scale(49.0).top == 147.0  # 294 stops
    assert slider_scale(0.0).top == 10.0 and slider_scale(0.0).step == 0.05
    assert slider_scale(0.012).step == 0.002 and slider_scale(0.012).start == 0.012
    third = slider_scale(10 / 3)  # 3.333…: no step fits, the nearest cent is shown
    assert third.step == 0.01 and third.start == 3.33 and third.snap(3.3349) == 3.33
    assert third.snap(99.0) == third.top and third.snap(-1.0) == 0.0
    assert not third.contains(math.nan) and not third.contains(third.top + 0.01) and third.contains(third.top)
    assert slider_scale(49.0).text(147.0) == "147.00" and slider_scale(0.012).text(0.012) == "0.012"
    assert slider_scale(1e6).text(3e6) == "3,000,000"  # a step of 10,000 needs no decimals


# ----------------------------------------------------------------------------- overrides by item id


def _prop(*items: tuple[str, float]):  # type: ignore[no-untyped-def]
    access = [{"kind": "effort", "label": label, "amount": amount} for label, amount in items]
    return sample(cost_of_access=access)


def test_an_override_follows_its_item_when_another_is_inserted_before_it():
    before = _prop(("Onboarding", 3.0), ("Setup", 99.0))
    scenario = Scenario(access={"setup": 49.0}, version=1)
    after = parse_proposition(
        {**before.to_dict(), "cost_of_access": [
            {"kind": "effort", "label": "Training", "amount": 5.0}, *before.to_dict()["cost_of_access"],
        ]}
    )  # fmt: skip
    what_if = apply(after, scenario, {})
    assert [(i.label, i.amount) for i in what_if.cost_of_access] == [
        ("Training", 5.0), ("Onboarding", 3.0), ("Setup", 49.0)
    ]  # fmt: skip
    assert notes(scenario, after, 1) == []


def test_an_override_of_a_deleted_item_is_reported_and_applied_to_nothing():
    now = _prop(("Onboarding", 3.0))  # "Setup" was deleted since the scenario was saved at version 1
    scenario = Scenario(access={"setup": 49.0}, claims={"gone-claim": 2.0}, version=1)
    assert apply(now, scenario, {}) == now
    said = notes(scenario, now, 2)
    assert said[0].startswith("The proposition has changed since this scenario was saved")
    assert "version 1" in said[0] and "version 2" in said[0]
    assert any(
        "the item 'setup' is not applied" in s and "no cost-of-access item with that id" in s for s in said
    )
    then = _prop(("Onboarding", 3.0), ("Setup", 99.0))  # as it was saved against: the item is named
    assert any("for 'Setup' (id 'setup') is not applied" in s for s in notes(scenario, now, 2, then=then))
    assert any("'gone-claim' is not applied" in s for s in said)


def test_an_old_stored_scenario_keeps_its_positions_apart_until_they_are_placed():
    old = Scenario.from_dict({"name": "Old", "price": 50, "access": {"1": 49.0}, "claims": {}})
    assert old.version is None and old.access == {} and old.access_by_position == {1: 49.0}
    prop = _prop(("Onboarding", 3.0), ("Setup", 99.0))
    assert apply(prop, old, {}).cost_of_access == prop.cost_of_access  # never applied by position
    said = notes(old, prop, 4)
    assert any("cannot be told" in s and "version" in s for s in said)
    assert any("item 2 of the list is not applied" in s for s in said)
    placed = place_positions(old, prop, 3)
    assert placed.access == {"setup": 49.0} and placed.access_by_position == {} and placed.version == 3
    short = place_positions(Scenario(access_by_position={5: 1.0}), prop, 3)
    assert short.access == {} and short.access_by_position == {5: 1.0}  # past the end: still reported
    # round trip of the new form: ids stay ids even when they look like numbers
    numbered = Scenario(access={"2": 1.0}, version=2)
    assert Scenario.from_dict(numbered.to_dict()) == numbered
    assert Scenario.from_dict(
        Scenario(access_by_position={5: 1.0}, version=2).to_dict()
    ).access_by_position == {5: 1.0}


def test_a_negative_promise_survives_the_stored_form():
    scenario = Scenario(claims={"paid-sooner": -2.5}, version=1)
    assert Scenario.from_dict(scenario.to_dict()) == scenario


# ----------------------------------------------------------------------------- stored scenarios


def _old_body(store, prop_id: int, name: str, body: dict, created_at) -> int:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from valuegap.store.schema import scenarios as table

    with store.engine.begin() as conn:
        return conn.execute(
            sa.insert(table).values(
                proposition_id=prop_id, name=name, body=body, created_at=created_at, created_by="before ids"
            )
        ).inserted_primary_key[0]


def test_a_saved_scenario_records_the_version_it_was_made_against(store, editor):  # type: ignore[no-untyped-def]
    created = store.create(sample(), editor)
    made = store.save_scenario(created.id, Scenario("Now", access={"setup": 49.0}), actor=editor)
    assert made.scenario.version == 1 and not made.version_guessed
    store.save(created.id, sample(name="Renamed"), seen_version=1, actor=editor)
    seen = store.save_scenario(created.id, Scenario("Seen", price=40.0, version=1), actor=editor)
    assert seen.scenario.version == 1  # the version the user was shown, not the one current at saving


def test_old_scenarios_are_read_against_the_version_current_when_they_were_saved(store, editor):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    two = sample_data(cost_of_access=[
        {"kind": "time", "label": "Onboarding", "amount": 3.0, "unit": "hours"},
        {"kind": "setup_fee", "label": "Setup", "amount": 99.0, "unit": "money"},
    ])  # fmt: skip
    created = store.create(parse_proposition(two), editor)
    midway = datetime.now(UTC) + timedelta(milliseconds=5)
    # version 2 inserts an item first: position 1 now names "Onboarding", no longer "Setup"
    three = {
        **two,
        "cost_of_access": [{"kind": "effort", "label": "Training", "amount": 1.0}, *two["cost_of_access"]],
    }
    import time

    time.sleep(0.02)
    store.save(created.id, parse_proposition(three), seen_version=1, actor=editor)
    old_id = _old_body(
        store,
        created.id,
        "Old",
        {"price": 50.0, "access": {"1": 49.0}, "claims": {}, "segment": None},
        midway,
    )
    opened = store.scenario(old_id)
    assert opened.version_guessed and opened.scenario.version == 1
    assert opened.scenario.access == {"setup": 49.0} and opened.scenario.access_by_position == {}
    now = store.get(created.id)
    what_if = apply(now.proposition, opened.scenario, {})
    assert [(i.label, i.amount) for i in what_if.cost_of_access] == [
        ("Training", 1.0), ("Onboarding", 3.0), ("Setup", 49.0)
    ]  # fmt: skip
    said = notes(opened.scenario, now.proposition, now.version, version_guessed=True)
    assert "going by when it was saved" in said[0] and "version 1" in said[0] and "version 2" in said[0]
    # saved before any revision this workspace knows of: the version cannot be told, nothing is placed
    early = _old_body(store, created.id, "Early", {"access": {"0": 1.0}}, midway - timedelta(days=365))
    unknown = store.scenario(early)
    assert not unknown.version_guessed and unknown.scenario.version is None
    assert unknown.scenario.access_by_position == {0: 1.0}
    assert apply(now.proposition, unknown.scenario, {}) == now.proposition
    assert [s.name for s in store.scenarios(created.id)] == ["Old", "Early"]


def test_format_metric_shows_money_rates_and_ratios_in_their_units() -> None:
    from valuegap.pricing.scenarios import format_metric

    assert format_metric("price", 39.9, "BRL") == "BRL 39.90"
    assert format_metric("sacrifice", 65.3081, "BRL") == "BRL 65.31"
    assert format_metric("net_value", -45.571, "BRL") == "-BRL 45.57"
    assert format_metric("revenue", 1234567.891, "USD") == "USD 1,234,567.89"
    assert format_metric("value_gap", 2.5, "USD", change=True) == "+USD 2.50"
    assert format_metric("value_gap", 0.0, "USD", change=True) == "USD 0.00"
    assert format_metric("churn_rate", 0.151, "USD") == "15.1%"
    assert format_metric("churn_rate", 0.012, "USD", change=True) == "+1.20 pp"
    assert format_metric("value_ratio", 0.3021, "USD") == "0.30"
    assert format_metric("value_advantage", 0.1011, "USD") == "+0.101"
    assert format_metric("price", None, "USD") == "—"
    assert format_metric("price", float("nan"), "USD") == "—"


def test_metric_styler_keeps_the_numbers_and_formats_each_row_in_its_unit() -> None:
    import pandas as pd

    from valuegap.pricing.scenarios import metric_styler

    frame = pd.DataFrame(
        {"Metric": ["Price", "Predicted churn rate"], "Today": [39.9, 0.151], "Change": [1.0, 0.01]}
    )
    styler = metric_styler(frame, "BRL", changes=("Change",))
    assert styler.data.equals(frame)  # downloads and tests keep the numbers
    html = styler.to_html()
    for shown in ("BRL 39.90", "15.1%", "+BRL 1.00", "+1.00 pp"):
        assert shown in html


def test_claim_labels_use_the_claims_words_and_the_unit_once() -> None:
    from types import SimpleNamespace

    from valuegap.pricing.scenarios import claim_slider_label, defensible_choice_label

    claim = SimpleNamespace(id="evening-rating", text="Evenings rated 8.5 on average.", unit="points (0-10)")
    assert claim_slider_label(claim) == "Evenings rated 8.5 on average, in points (0-10)"  # type: ignore[arg-type]
    assert (
        defensible_choice_label(claim, 7.934)  # type: ignore[arg-type]
        == "Evenings rated 8.5 on average: promise the defensible value, 7.93 points (0-10)"
    )
    bare = SimpleNamespace(id="fast", text="", unit="")
    assert claim_slider_label(bare) == "fast"  # type: ignore[arg-type]
