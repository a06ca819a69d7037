"""Value gap and customer value (METHODS 5) against hand-computed figures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.conftest import sample, sample_data
from valuegap.evidence.value_gap import Measured, experience_gap, money_per_unit, sacrifice, value_gap
from valuegap.model.proposition import parse_proposition


def test_sacrifice_by_hand():
    # price 49 + onboarding 3 h once x 45/h over 24 periods + setup fee 99 once over 24
    assert sacrifice(sample()) == pytest.approx(49 + 3 * 45 / 24 + 99 / 24)


def test_money_items_are_not_multiplied_by_the_value_of_time():
    prop = parse_proposition(
        sample_data(
            cost_of_access=[{"kind": "setup_fee", "amount": 10.0, "unit": "money", "frequency": "per_period"}]
        )
    )
    assert sacrifice(prop) == pytest.approx(49 + 10)


def test_money_per_unit_defaults():
    prop = sample()
    paid_sooner, on_time = prop.claims
    assert money_per_unit(paid_sooner, prop) == 12.0  # its own amount wins
    assert money_per_unit(on_time, prop) == 45.0  # time: the value of time
    enjoyment = paid_sooner.model_copy(update={"benefit": "enjoyment", "money_per_unit": None})
    assert money_per_unit(enjoyment, prop) is None


# Every customer's outcome on each claim's metric (ours) and the rival's customers, by hand.
OURS = {
    "paid": [3.0, 7.0, 2.0],  # days paid sooner; promised 5, higher is better, 12 money per day
    "on_time": [1.0, -2.0, 0.0],  # days early; share claim: 95% reach 0
    "setup": [20.0, 14.0, 11.0],  # minutes to set up; promised 14, lower is better, 1 money per minute
    "recovered": [30.0, 50.0, 40.0],  # share of overdue money recovered; 2x the rival's
    "rating": [8.0, 6.0, 7.0],  # as good as the rival
}
RIVAL = {"recovered": [25.0, 15.0], "rating": [7.5, 8.5]}


def _prop():
    claims = [
        {"id": "paid", "text": "Get paid 5 days sooner", "benefit": "money", "form": "average",
         "metric": "paid", "claimed": 5.0, "money_per_unit": 12.0},
        {"id": "on-time", "text": "95% on time", "benefit": "time", "form": "share", "metric": "on_time",
         "claimed": 0.0, "share": 0.95, "money_per_unit": 30.0},
        {"id": "setup", "text": "Set up in 14 minutes", "benefit": "time", "form": "average",
         "metric": "setup", "claimed": 14.0, "direction": "lower", "money_per_unit": 1.0},
        {"id": "recovered", "text": "Recover 2x what Rival does", "benefit": "money", "form": "comparative",
         "metric": "recovered", "claimed": 2.0, "ratio": 2.0, "competitor": "Rival", "money_per_unit": 0.5},
        {"id": "rating", "text": "As good as Rival", "benefit": "enjoyment", "form": "parity",
         "metric": "rating", "claimed": 1.0, "competitor": "Rival", "money_per_unit": 2.0},
        {"id": "fun", "text": "The most fun you can have", "benefit": "enjoyment", "form": "puffery"},
    ]  # fmt: skip
    return parse_proposition(sample_data(claims=claims))


def _measured(prop):
    found = {}
    for claim in prop.claims:
        if claim.metric is None:
            continue
        ours = np.array(OURS[claim.metric])
        rival = RIVAL.get(claim.metric)
        reach = ours >= claim.claimed if claim.form.value == "share" else None
        found[claim.id] = Measured(
            mean=float(ours.mean()),
            reaching=float(reach.mean()) if reach is not None else None,
            bar=claim.claimed,
            rival_mean=float(np.mean(rival)) if rival else None,
        )
    return found


def test_value_gap_is_the_mean_of_per_customer_gaps_worked_by_hand():
    # Per customer i, METHODS §5 (s = +1 higher, -1 lower):
    #   paid:      (5 - x)*12          -> 24, -24, 36          mean 12
    #   on-time:   (0.95 - reach)*30   -> -1.5, 28.5, -1.5     mean 8.5
    #   setup:     -(14 - x)*1         -> 6, 0, -3             mean 1
    #   recovered: (2*20 - x)*0.5      -> 5, -5, 0             mean 0     (rival mean 20)
    #   rating:    (8 - x)*2           -> 0, 4, 2              mean 2     (rival mean 8)
    per_customer = [24 - 1.5 + 6 + 5 + 0, -24 + 28.5 + 0 - 5 + 4, 36 - 1.5 - 3 + 0 + 2]
    prop = _prop()
    result = value_gap(prop, _measured(prop))
    assert result.gap == pytest.approx(np.mean(per_customer)) == pytest.approx(12 + 8.5 + 1 + 0 + 2)
    by_id = {c.claim_id: c for c in result.claims}
    assert by_id["paid"].gap == pytest.approx(12) and by_id["paid"].gap_units == pytest.approx(1)
    assert by_id["on-time"].gap == pytest.approx(8.5) and by_id["on-time"].gap_units == pytest.approx(
        0.95 - 2 / 3
    )
    assert by_id["setup"].gap == pytest.approx(1)  # 15 minutes against 14 promised: customers got less
    assert by_id["recovered"].gap == pytest.approx(0) and by_id["rating"].gap == pytest.approx(2)
    assert by_id["fun"].gap is None and by_id["fun"].note
    # B_p: level promises in the higher direction (5*12) and shares (0.95*30); not setup (lower),
    # nor comparative or parity claims
    assert result.promised_benefit == pytest.approx(60 + 28.5)
    assert result.realized_benefit == pytest.approx(60 + 28.5 - 23.5)
    s = sacrifice(prop)
    assert result.net_value == pytest.approx(65 - s) and result.value_ratio == pytest.approx(65 / s)
    assert result.value_ratio_as_promised == pytest.approx(88.5 / s)
    assert sum(c.gap_share for c in result.claims if c.gap_share is not None) == pytest.approx(1)


def test_lower_is_better_claims_count_a_shortfall_as_a_positive_gap():
    # "15.4 min against a promised 14" must widen the gap, whatever the money per unit
    prop = _prop()
    measured = {"setup": Measured(mean=15.4)}
    setup = value_gap(prop, measured).claims[2]
    assert setup.claim_id == "setup" and setup.gap == pytest.approx(1.4) and setup.gap > 0


def test_an_up_to_claim_is_priced_in_its_units_not_as_a_share():
    # "Save up to $40 a week", customers saved $13.81 on average: the gap is 26.19 dollars, not 40
    claims = [{"id": "save", "text": "Save up to $40 a week", "benefit": "money", "form": "up_to",
               "metric": "saved", "claimed": 40.0}]  # fmt: skip
    prop = parse_proposition(sample_data(claims=claims))
    result = value_gap(prop, {"save": Measured(mean=13.81)})
    assert result.gap == pytest.approx(40 - 13.81)
    assert result.realized_benefit == pytest.approx(13.81)


def test_unmeasured_and_non_monetary_claims_are_left_out_with_a_note():
    result = value_gap(sample(), {"paid-sooner": None})
    assert result.promised_benefit == 0 and result.gap == 0
    assert {c.note for c in result.claims} == {"not measured yet"}
    assert result.unmeasured == ("paid-sooner", "on-time") and not result.monetary
    assert all(c.gap_share is None for c in result.claims)


def test_a_share_measured_at_another_bar_is_not_used():
    prop = sample()
    result = value_gap(prop, {"on-time": Measured(mean=1.0, reaching=0.9, bar=1.0)})
    assert result.claims[1].note == "not measured yet"


def test_free_offer_has_no_ratio_but_no_nan():
    prop = parse_proposition(sample_data(price={"amount": 0.0}, cost_of_access=[]))
    result = value_gap(prop, {"paid-sooner": Measured(mean=5.0)})
    assert result.sacrifice == 0 and result.value_ratio is None and result.net_value == 60


def test_experience_gap_is_scipys_paired_t_test():
    rng = np.random.default_rng(3)
    expected = rng.integers(1, 8, 80).astype(float)
    experienced = np.clip(expected - rng.integers(0, 3, 80), 1, 7)
    expected[5] = np.nan  # a respondent who skipped one answer is left out of the pair
    result = experience_gap("getting_paid", expected, experienced)
    keep = ~np.isnan(expected)
    reference = stats.ttest_rel(experienced[keep], expected[keep])
    assert result.n == 79 and result.p_value == pytest.approx(reference.pvalue)
    assert result.gap == pytest.approx((experienced[keep] - expected[keep]).mean())
    ci = reference.confidence_interval(0.95)
    assert (result.ci_low, result.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))


@pytest.mark.parametrize(
    ("expected", "experienced", "note"),
    [([], [], "no respondent"), ([5.0], [4.0], "only one"), ([5.0, 6.0], [4.0, 5.0], "the same")],
)
def test_experience_gap_degenerate_cases(expected, experienced, note):
    result = experience_gap("x", expected, experienced)
    assert result.p_value is None and note in result.note
