"""Claim tests (METHODS 1-3) against independent computations, including degenerate cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestPower
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind

from valuegap.evidence import ArraySample, Side, Verdict, adjust, test_claim, threshold
from valuegap.model import Claim

RNG = np.random.default_rng(20261122)


def claim(**fields) -> Claim:
    base = {"id": "c", "text": "t", "benefit": "money", "form": "average", "metric": "m", "claimed": 5.0}
    return Claim.model_validate(base | fields)


def close(a, b, rel=1e-9):
    return a == pytest.approx(b, rel=rel, abs=1e-12)


# ----------------------------------------------------------------------------- average


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_average_matches_statsmodels(direction):
    x = RNG.normal(4.6, 2.0, 40)
    c = claim(direction=direction)
    result = test_claim(c, ArraySample.of(x))
    bar = threshold(c)
    assert bar == (4.5 if direction == "higher" else 5.5)
    d = DescrStatsW(x)
    smaller, larger = d.ttest_mean(bar, alternative="smaller")[1], d.ttest_mean(bar, alternative="larger")[1]
    worse, better = (smaller, larger) if direction == "higher" else (larger, smaller)
    assert close(result.p_worse, worse) and close(result.p_better, better)
    assert close(result.ci_low, d.tconfint_mean(0.05)[0]) and close(result.ci_high, d.tconfint_mean(0.05)[1])
    one_sided = d.tconfint_mean(0.10)  # its ends are the one-sided 95% bounds
    assert close(result.defensible, one_sided[0] if direction == "higher" else one_sided[1])
    assert close(result.fulfilment, x.mean() / 5.0)
    assert close(result.p_value, min(worse, better))


def test_average_evidence_still_needed_matches_ttestpower():
    x = RNG.normal(4.45, 2.0, 30)
    result = test_claim(claim(), ArraySample.of(x))
    effect = abs(x.mean() - 4.5) / x.std(ddof=1)
    needed = TTestPower().solve_power(effect_size=effect, alpha=0.05, power=0.8, alternative="larger")
    assert result.evidence_needed == max(0, math.ceil(needed) - 30)
    [verdict] = adjust([result])
    assert verdict.verdict is Verdict.inconclusive and verdict.test.evidence_needed == result.evidence_needed


def test_evidence_needed_is_dropped_once_decided():
    [verdict] = adjust([test_claim(claim(), ArraySample.of(RNG.normal(9, 1, 50)))])
    assert verdict.verdict is Verdict.substantiated and verdict.test.evidence_needed is None


@pytest.mark.parametrize(
    ("values", "verdict", "reason"),
    [
        ([], Verdict.no_evidence, "no outcomes"),
        ([7.0], Verdict.inconclusive, "only 1 customer"),
        ([9.0] * 10, Verdict.inconclusive, "all measured values are equal"),  # statsmodels says p = 0
        ([1.0] * 10, Verdict.inconclusive, "all measured values are equal"),
    ],
)
def test_average_degenerate_cases_get_a_reason_not_nan(values, verdict, reason):
    [result] = adjust([test_claim(claim(), ArraySample.of(values) if values else None)])
    assert result.verdict is verdict and reason in result.test.reason
    for value in result.to_dict().values():
        assert not (isinstance(value, float) and not math.isfinite(value))


def test_two_customers_are_enough_for_a_t_test():
    result = test_claim(claim(), ArraySample.of([5.0, 7.0]))
    assert close(result.p_better, DescrStatsW(np.array([5.0, 7.0])).ttest_mean(4.5, alternative="larger")[1])


def test_non_finite_values_are_refused():
    with pytest.raises(Exception, match="missing or infinite"):
        ArraySample.of([1.0, float("nan")])
    with pytest.raises(Exception, match="missing or infinite"):
        ArraySample.of([1.0, float("inf")])


# ----------------------------------------------------------------------------- median


def test_median_rank_interval_is_the_textbook_one():
    x = np.arange(1.0, 21.0)  # n = 20: the 95% interval for the median is (x(6), x(15))
    result = test_claim(claim(form="median", claimed=10.0, tolerance=0.0), ArraySample.of(x))
    assert (result.ci_low, result.ci_high) == (6.0, 15.0)
    assert result.defensible == 6.0  # one-sided 95%: P(B <= 5) = 0.021 <= 0.05 < P(B <= 6) = 0.058
    assert result.estimate == 10.5


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_median_test_is_an_exact_binomial_on_the_share_reaching_t(direction):
    x = RNG.normal(5.2, 2, 61)
    c = claim(form="median", direction=direction)
    result = test_claim(c, ArraySample.of(x))
    bar = threshold(c)
    k = int((x >= bar).sum()) if direction == "higher" else int((x <= bar).sum())
    assert close(result.p_worse, stats.binomtest(k, 61, 0.5, alternative="less").pvalue)
    assert close(result.p_better, stats.binomtest(k, 61, 0.5, alternative="greater").pvalue)
    ordered = np.sort(x)
    lower = stats.binom.ppf(0.05, 61, 0.5)  # check the bound's rank with scipy directly
    rank = int(lower) if stats.binom.cdf(lower - 1, 61, 0.5) <= 0.05 else int(lower) - 1
    expected = ordered[rank - 1] if direction == "higher" else ordered[61 - rank]
    assert result.defensible == expected


def test_ties_at_the_threshold_count_as_reaching_it():
    x = [4.5] * 6 + [1.0] * 4  # T = 4.5 for C = 5 with 10% tolerance
    result = test_claim(claim(form="median"), ArraySample.of(x))
    assert close(result.p_better, stats.binomtest(6, 10, 0.5, alternative="greater").pvalue)


def test_tiny_median_sample_says_why_its_interval_is_wide():
    result = test_claim(claim(form="median"), ArraySample.of([1.0, 2.0, 3.0]))
    assert result.defensible is None and "too few customers" in result.reason
    assert (result.ci_low, result.ci_high) == (1.0, 3.0)


# ----------------------------------------------------------------------------- up_to and share


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_up_to_uses_no_tolerance_and_pi0(direction):
    x = RNG.normal(40, 8, 200)
    c = claim(form="up_to", claimed=40.0, direction=direction, tolerance=0.3)
    result = test_claim(c, ArraySample.of(x), up_to_share=0.9)
    k = int((x >= 40).sum()) if direction == "higher" else int((x <= 40).sum())
    assert close(result.estimate, k / 200)
    assert close(result.p_worse, stats.binomtest(k, 200, 0.9, alternative="less").pvalue)
    low, high = proportion_confint(k, 200, alpha=0.05, method="wilson")
    assert close(result.ci_low, low) and close(result.ci_high, high)
    assert close(result.defensible, np.quantile(x, 0.1 if direction == "higher" else 0.9))
    [verdict] = adjust([result])
    assert verdict.verdict is Verdict.exaggerated  # about half reach 40, far from 90%


def test_share_tests_against_p0_less_tolerance_and_defends_the_wilson_bound():
    x = RNG.normal(1.0, 1.0, 300)
    c = claim(form="share", claimed=0.0, share=0.9, tolerance=0.05)
    result = test_claim(c, ArraySample.of(x))
    k = int((x >= 0).sum())
    null = 0.9 - 0.05 * 0.9
    assert close(result.p_worse, stats.binomtest(k, 300, null, alternative="less").pvalue)
    assert close(result.p_better, stats.binomtest(k, 300, null, alternative="greater").pvalue)
    assert close(result.defensible, proportion_confint(k, 300, alpha=0.10, method="wilson")[0])


def test_all_equal_values_above_a_share_bar_are_fine_for_exact_tests():
    result = test_claim(claim(form="share", claimed=0.0, share=0.5), ArraySample.of([3.0] * 10))
    # null share = p0 (1 - tolerance) = 0.45, so P(X >= 10) = 0.45 ** 10; and no zero-variance guard here
    assert result.estimate == 1.0 and close(result.p_better, 0.45**10)


# ----------------------------------------------------------------------------- comparative and parity


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_comparative_is_welch_on_scaled_rival(direction):
    ours, rival = RNG.normal(20, 5, 80), RNG.normal(10, 4, 60)
    c = claim(form="comparative", competitor="Rival", ratio=2.0, direction=direction)
    result = test_claim(c, ArraySample.of(ours), ArraySample.of(rival))
    scale = 2.0 * (0.9 if direction == "higher" else 1.1)
    cm = CompareMeans(DescrStatsW(ours), DescrStatsW(scale * rival))
    smaller = cm.ttest_ind(usevar="unequal", alternative="smaller")[1]
    larger = cm.ttest_ind(usevar="unequal", alternative="larger")[1]
    worse, better = (smaller, larger) if direction == "higher" else (larger, smaller)
    assert close(result.p_worse, worse) and close(result.p_better, better)
    low, high = cm.tconfint_diff(alpha=0.05, usevar="unequal")
    assert close(result.ci_low, low) and close(result.ci_high, high)
    assert close(result.estimate, ours.mean() / rival.mean())


def test_parity_is_tost_within_tolerance_of_the_rival_mean():
    ours, rival = RNG.normal(10, 2, 120), RNG.normal(10.1, 2, 100)
    c = claim(form="parity", competitor="Rival", tolerance=0.1)
    result = test_claim(c, ArraySample.of(ours), ArraySample.of(rival))
    margin = 0.1 * rival.mean()
    expected = ttost_ind(ours, rival, -margin, margin, usevar="unequal")[0]
    assert close(result.p_better, expected) and result.p_worse is None
    assert result.side is Side.better
    [verdict] = adjust([result])
    assert verdict.verdict is Verdict.substantiated


def test_comparison_without_rival_data_and_constant_groups():
    c = claim(form="comparative", competitor="Rival", ratio=2.0)
    missing = adjust([test_claim(c, ArraySample.of([1.0, 2.0]), None)])[0]
    assert missing.verdict is Verdict.no_evidence and missing.test.reason.startswith("Rival:")
    constant = adjust([test_claim(c, ArraySample.of([3.0] * 5), ArraySample.of([1.0] * 5))])[0]
    assert constant.verdict is Verdict.inconclusive and "all equal" in constant.test.reason


def test_puffery_is_not_testable():
    [verdict] = adjust([test_claim(claim(form="puffery", metric=None, claimed=None), None)])
    assert verdict.verdict is Verdict.not_testable and verdict.p_adjusted is None


# ----------------------------------------------------------------------------- adjustment


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjustment_matches_multipletests_and_skips_untested_claims(method):
    tests = [
        test_claim(claim(id="a"), ArraySample.of(RNG.normal(4.0, 2, 50))),
        test_claim(claim(id="b"), ArraySample.of(RNG.normal(6.5, 2, 50))),
        test_claim(claim(id="p", form="puffery", metric=None, claimed=None), None),
        test_claim(claim(id="c"), ArraySample.of(RNG.normal(4.6, 2, 50))),
    ]
    verdicts = adjust(tests, correction=method)
    raw = [tests[i].p_value for i in (0, 1, 3)]
    expected = multipletests(raw, method=method)[1]
    assert [verdicts[i].p_adjusted for i in (0, 1, 3)] == pytest.approx(list(expected))
    assert verdicts[2].p_adjusted is None
    for v in verdicts:
        if v.p_adjusted is not None and v.p_adjusted < 0.05:
            assert v.verdict is (Verdict.exaggerated if v.test.side is Side.worse else Verdict.substantiated)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40), st.randoms(use_true_random=False))
def test_row_order_never_changes_a_result(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    for form, extra in (("average", {}), ("median", {}), ("share", {"share": 0.8}), ("up_to", {})):
        c = claim(form=form, **extra)
        assert test_claim(c, ArraySample.of(values)) == test_claim(c, ArraySample.of(shuffled))


# ----------------------------------------------------------------------------- calibration (METHODS 8)


def exaggerated_rate(c: Claim, draw, runs: int = 10_000) -> float:
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(runs):
        [v] = adjust([test_claim(c, ArraySample.of(draw(rng)))], correction="none")
        hits += v.verdict is Verdict.exaggerated
    return hits / runs


@pytest.mark.slow
def test_calibration_at_the_threshold():
    t_rate = exaggerated_rate(claim(), lambda rng: rng.normal(4.5, 2.0, 30))  # mean exactly T
    assert 0.04 <= t_rate <= 0.06
    share_claim = claim(form="share", claimed=0.0, share=0.9, tolerance=0.0)
    share_rate = exaggerated_rate(share_claim, lambda rng: (rng.random(100) < 0.9).astype(float) - 0.5)
    assert share_rate <= 0.055
    median_claim = claim(form="median", tolerance=0.0)
    median_rate = exaggerated_rate(median_claim, lambda rng: rng.normal(5.0, 1.0, 51))
    assert median_rate <= 0.055


@pytest.mark.slow
def test_power_far_below_the_threshold():
    rate = exaggerated_rate(claim(), lambda rng: rng.normal(3.5, 2.0, 200), runs=2_000)
    assert rate >= 0.99


def test_evidence_needed_is_the_smallest_n_with_power_80_percent():
    from statsmodels.stats.power import TTestPower

    from valuegap.evidence import _more_customers, _smallest_n_with_power

    power = TTestPower()
    for effect in (0.05, 0.3, 1.5, 4.0):
        n = _smallest_n_with_power(effect, 0.05)
        assert power.power(effect_size=effect, nobs=n, alpha=0.05, alternative="larger") >= 0.8
        if n > 2:
            assert power.power(effect_size=effect, nobs=n - 1, alpha=0.05, alternative="larger") < 0.8
        assert _more_customers(1, effect, 0.05) is not None


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.05, 0.5, 1.0])), min_size=1, max_size=30
    )
)
def test_holm_matches_statsmodels_including_ties_and_extremes(p_values):
    from valuegap.evidence import _holm

    expected = multipletests(p_values, method="holm")[1]
    assert _holm(p_values) == pytest.approx(list(expected), abs=1e-15)
