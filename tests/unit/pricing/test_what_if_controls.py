"""The what-if controls: which sliders a proposition gets, what a saved scenario sets on them, what the
sliders' values mean as a scenario, and what is wrong with a link's value. No Streamlit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import sample, sample_data
from valuegap.pricing.scenarios import (
    ACCESS,
    CLAIM,
    DEFENSIBLE,
    DEFENSIBLE_CHOICE,
    EVERY_SEGMENT,
    PRICE,
    SEGMENT,
    Control,
    Scenario,
    WhatIfControls,
    access_label,
    access_slider_label,
)

# sample(): price USD 49; cost of access "onboarding" 3 h and "setup" 99; claims "paid-sooner" (5 days,
# average) and "on-time" (a share claim whose promised value is 0 days early)
PROP = sample()
ONBOARDING, SETUP = (item.id for item in PROP.cost_of_access)


def test_every_number_a_scenario_changes_gets_a_slider_and_every_claim_a_defensible_choice():
    controls = WhatIfControls.of(PROP)
    assert set(controls.scales) == {
        Control(PRICE), Control(ACCESS, ONBOARDING), Control(ACCESS, SETUP),
        Control(CLAIM, "paid-sooner"), Control(CLAIM, "on-time"),
    }  # fmt: skip
    today = controls.today()
    assert today[Control(PRICE)] == 49.0 and today[Control(ACCESS, SETUP)] == 99.0
    assert today[Control(DEFENSIBLE_CHOICE, "paid-sooner")] is False
    assert today[Control(SEGMENT)] == EVERY_SEGMENT
    # today's values give back a scenario that changes nothing but states the price
    assert controls.scenario(today, version=3) == Scenario(price=49.0, version=3)


def test_puffery_gets_no_promised_value_slider_and_a_claim_without_a_number_none_at_all():
    claims = sample_data()["claims"] + [
        {"id": "best", "text": "The best invoicing app", "benefit": "money", "form": "puffery"}
    ]
    controls = WhatIfControls.of(sample(claims=claims))
    assert [claim.id for claim in controls.promised_claims] == ["paid-sooner", "on-time"]
    assert Control(CLAIM, "best") not in controls.scales


def test_moved_sliders_become_the_scenario_and_unmoved_ones_keep_today():
    controls = WhatIfControls.of(PROP)
    values = controls.today() | {
        Control(PRICE): 59.0,
        Control(ACCESS, SETUP): 49.0,
        Control(CLAIM, "paid-sooner"): 4.0,
        Control(SEGMENT): "agency",
    }
    assert controls.scenario(values) == Scenario(
        price=59.0, access={SETUP: 49.0}, claims={"paid-sooner": 4.0}, segment="agency"
    )
    # promising the defensible value wins over the claim's slider
    values[Control(DEFENSIBLE_CHOICE, "paid-sooner")] = True
    assert controls.scenario(values).claims == {"paid-sooner": DEFENSIBLE}


def test_a_price_between_two_stops_is_todays_exact_price_until_the_slider_moves():
    controls = WhatIfControls.of(sample(price={"amount": 49.995, "currency": "USD", "period": "month"}))
    start = controls.scales[Control(PRICE)].start
    assert start == 50.0  # shown at the nearest stop of 0.01 …
    assert controls.price(start) == 49.995  # … but priced exactly
    assert controls.scenario({Control(PRICE): start}).price == 49.995
    assert controls.scenario({Control(PRICE): 50.01}).price == 50.01


def test_opening_a_saved_scenario_sets_the_sliders_it_names_and_names_what_does_not_fit():
    controls = WhatIfControls.of(PROP)
    saved = Scenario(
        price=5000.0,  # above the price slider's top (147)
        access={SETUP: 49.0, "gone": 1.0},
        claims={"paid-sooner": DEFENSIBLE, "on-time": 2.0, "deleted": 3.0},
        segment="agency",
    )
    opened = controls.opened(saved)
    assert opened.values[Control(PRICE)] == 49.0  # today's
    assert opened.values[Control(ACCESS, SETUP)] == 49.0
    assert Control(ACCESS, "gone") not in opened.values  # never given to another item
    assert opened.values[Control(DEFENSIBLE_CHOICE, "paid-sooner")] is True
    assert opened.values[Control(CLAIM, "on-time")] == 2.0
    assert opened.values[Control(SEGMENT)] == "agency"
    assert opened.outside == (
        "its price (5,000.00) is outside the slider's range (0.00 to 147.00), so the slider shows today's",
    )
    # what the opened sliders mean is the scenario again, less what could not be shown or applied
    assert controls.scenario(opened.values) == Scenario(
        price=49.0, access={SETUP: 49.0}, claims={"paid-sooner": DEFENSIBLE, "on-time": 2.0}, segment="agency"
    )


def test_the_price_the_browser_sends_at_the_sliders_end_is_taken_from_a_link_and_a_scenario():
    # 3 × 69.99 = 209.96999999999997 in floating point: a top computed so sat below the 209.97 the
    # browser writes into the link at the slider's end, and the link's price fell back to today's
    controls = WhatIfControls.of(sample(price={"amount": 69.99, "currency": "BRL", "period": "month"}))
    scale = controls.scales[Control(PRICE)]
    assert scale.top == 209.97 and f"{scale.top:.{scale.places}f}" == "209.97"
    assert controls.link_problem(Control(PRICE), "209.97") is None
    opened = controls.opened(Scenario(price=209.97))
    assert opened.outside == () and opened.values[Control(PRICE)] == 209.97
    assert controls.scenario(opened.values).price == 209.97


def test_a_links_value_the_slider_cannot_take_is_named_in_words():
    controls = WhatIfControls.of(PROP)
    assert controls.link_problem(Control(PRICE), "55") is None
    assert controls.link_problem(Control(PRICE), "5000") == (
        "The link's price (5000) is outside the slider's range (0.00 to 147.00); "
        "showing today's price instead."
    )
    assert controls.link_problem(Control(PRICE), "lots") == (
        "The link's price (lots) is not a number; showing today's price instead."
    )
    assert "is not a number" in (controls.link_problem(Control(PRICE), "inf") or "")
    label = access_label(PROP.cost_of_access[1])
    assert controls.link_problem(Control(ACCESS, SETUP), "-1") == (
        f"The link's cost of access for '{label}' (-1) is outside the slider's range (0.00 to 297.00); "
        f"showing today's cost of access for '{label}' instead."
    )
    assert controls.link_problem(Control(PRICE), "9" * 100).count("9") == 40  # cut to 40 characters


def test_an_item_without_a_label_is_named_by_its_kind():
    items = [{"kind": "switching", "amount": 2.0, "unit": "hours", "frequency": "once"}]
    prop = sample(cost_of_access=items)
    assert access_label(prop.cost_of_access[0]) == "switching"
    assert WhatIfControls.of(prop).describe(Control(ACCESS, prop.cost_of_access[0].id)) == (
        "cost of access for 'switching'"
    )


@given(st.integers(min_value=1, max_value=10_000_000).map(lambda cents: cents / 100))
def test_a_saved_price_on_the_slider_opens_at_that_price(price: float):
    controls = WhatIfControls.of(PROP)
    scale = controls.scales[Control(PRICE)]
    on_grid = scale.snap(price)
    opened = controls.opened(Scenario(price=on_grid))
    assert opened.outside == () and controls.scenario(opened.values).price in (on_grid, PROP.price.amount)
    if price > scale.top:
        assert controls.opened(Scenario(price=price)).outside  # named, never set quietly


def test_a_cost_of_access_slider_says_how_often_in_the_propositions_own_period():
    """Screenshot review: a per-month item's slider read "(hours, per period)"."""
    items = [
        {"label": "Month-end admin", "kind": "time", "amount": 2.0, "unit": "hours",
         "frequency": "per_period"},
        {"label": "Setup fee", "kind": "setup_fee", "amount": 99.0, "unit": "money", "frequency": "once"},
    ]  # fmt: skip
    prop = sample(cost_of_access=items)
    monthly, once = (access_slider_label(item, prop) for item in prop.cost_of_access)
    assert monthly == "Month-end admin (hours a month)" and once == "Setup fee (USD, once)"
    hourly_per_order = sample(
        cost_of_access=items[:1], price={"amount": 5.0, "currency": "USD", "period": "order"}
    )
    assert access_slider_label(hourly_per_order.cost_of_access[0], hourly_per_order).endswith(
        "(hours an order)"
    )
