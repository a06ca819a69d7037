"""What-if scenarios (METHODS.md sections 5–7) against hand computations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import sample
from valuegap.competition import parse_offers, value_map
from valuegap.errors import InvalidInput
from valuegap.scenarios import (
    DEFENSIBLE,
    Scenario,
    ScenarioInputs,
    apply,
    best_per_metric,
    comparison_frame,
    evaluate,
)

# sample(): price 49, value of time 45, horizon 24, onboarding 3 h once, setup fee 99 once;
# "paid-sooner" promises 5 days at 12 a day. Sacrifice = 49 + 3·45/24 + 99/24 = 58.75.
SACRIFICE = 49 + 3 * 45 / 24 + 99 / 24
ESTIMATES = {"paid-sooner": 4.0}  # realized benefit 4 · 12 = 48
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
    base = {"prop": sample(), "estimates": ESTIMATES, "defensible": {"paid-sooner": 3.5}}
    return ScenarioInputs(**(base | changes))  # type: ignore[arg-type]


def test_apply_changes_only_what_the_scenario_names():
    prop = sample()
    what_if = apply(prop, Scenario(price=57.5, access={1: 49.0}, claims={"paid-sooner": 4.0}), {})
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
    scenario = Scenario(price=49 * 1.15, access={0: 1.5}, claims={"paid-sooner": 4.0})
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
    prop = apply(sample(), Scenario(access={0: onboarding}, claims={"paid-sooner": value}), {})
    same = Scenario(price=prop.price.amount, access={0: onboarding}, claims={"paid-sooner": value})
    result = evaluate(inputs(prop=prop, market=MARKET), same)
    for name, value_today in result.today.__dict__.items():
        if value_today is not None:
            assert result.delta(name) == pytest.approx(0.0, abs=1e-12), name


def test_scenarios_round_trip_and_bad_stored_values_name_their_field():
    scenario = Scenario("Bold", price=55.0, access={0: 2.0}, claims={"paid-sooner": DEFENSIBLE}, segment="x")
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    with pytest.raises(InvalidInput) as caught:
        Scenario.from_dict(
            {"price": "lots", "access": {"0": -1, "first": 2}, "claims": {"a": "x"}, "mood": 1}
        )
    paths = {p.path for p in caught.value.problems}
    assert paths == {"price", "access.0", "access.first", "claims.a", "mood"}
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

    from valuegap import scenario_charts

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

    from valuegap.churn import ChurnData, fit_churn

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
    easier = evaluate(base, Scenario(access={0: 0.0}))
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
