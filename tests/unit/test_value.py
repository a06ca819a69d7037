"""Value gap and customer value (METHODS 5) against hand-computed figures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.conftest import sample, sample_data
from valuegap.model import parse_proposition
from valuegap.value import experience_gap, money_per_unit, sacrifice, value_gap


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


def test_value_gap_by_hand():
    prop = sample()  # paid-sooner: C = 5 days x 12; on-time: C = 0 x 45
    result = value_gap(prop, {"paid-sooner": 4.0, "on-time": 0.5})
    assert result.promised_benefit == pytest.approx(5 * 12 + 0 * 45)
    assert result.realized_benefit == pytest.approx(4 * 12 + 0.5 * 45)
    assert result.gap == pytest.approx(60 - 70.5)
    by_id = {c.claim_id: c for c in result.claims}
    assert by_id["paid-sooner"].gap == pytest.approx(12) and by_id["on-time"].gap == pytest.approx(-22.5)
    assert by_id["paid-sooner"].gap_share + by_id["on-time"].gap_share == pytest.approx(1)
    s = sacrifice(prop)
    assert result.net_value == pytest.approx(70.5 - s) and result.value_ratio == pytest.approx(70.5 / s)
    assert result.value_ratio_as_promised == pytest.approx(60 / s)


def test_unmeasured_and_non_monetary_claims_are_left_out_with_a_note():
    result = value_gap(sample(), {"paid-sooner": float("nan")})
    assert result.promised_benefit == 0 and result.gap == 0
    assert {c.note for c in result.claims} == {"not measured yet"}
    assert all(c.gap_share is None for c in result.claims)


def test_free_offer_has_no_ratio_but_no_nan():
    prop = parse_proposition(sample_data(price={"amount": 0.0}, cost_of_access=[]))
    result = value_gap(prop, {"paid-sooner": 5.0})
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
