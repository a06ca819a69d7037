"""The claim tests' distribution functions against scipy.stats and statsmodels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import TTestPower
from statsmodels.stats.proportion import proportion_confint

from valuegap.evidence import distributions

# p-values below 1e-250 decide nothing; in those far tails scipy.stats (boost) and scipy.special
# (cephes) agree only to about 1e-8 relative, so that is where the tolerance stops


@settings(max_examples=200, deadline=None)
@given(t=st.floats(-40, 40), df=st.floats(1, 1e6))
def test_student_t_matches_scipy(t: float, df: float):
    assert distributions.t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), rel=1e-7, abs=1e-250)
    assert distributions.t_sf(t, df) == pytest.approx(stats.t.sf(t, df), rel=1e-7, abs=1e-250)


@settings(max_examples=200, deadline=None)
@given(q=st.floats(1e-6, 1 - 1e-6), df=st.floats(1, 1e6))
def test_student_t_quantiles_match_scipy(q: float, df: float):
    assert distributions.t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-8, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 5000), data=st.data(), p0=st.floats(0.01, 0.99))
def test_exact_binomial_p_values_match_binomtest(n: int, data: st.DataObject, p0: float):
    k = data.draw(st.integers(0, n))
    less, greater = distributions.binomial_p_values(k, n, p0)
    assert less == pytest.approx(stats.binomtest(k, n, p0, alternative="less").pvalue, rel=1e-7, abs=1e-250)
    expected = stats.binomtest(k, n, p0, alternative="greater").pvalue
    assert greater == pytest.approx(expected, rel=1e-7, abs=1e-250)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100_000), q=st.floats(1e-9, 1 - 1e-9), p=st.sampled_from([0.5, 0.1, 0.9, 0.945]))
def test_binomial_quantile_matches_scipy(n: int, q: float, p: float):
    """Against scipy.stats.binom.ppf only: the smallest k with P(Bin(n, p) ≤ k) ≥ q."""
    k = distributions.binom_ppf(q, n, p)
    expected = int(stats.binom.ppf(q, n, p))
    if k != expected:
        # they may differ by one only where scipy's own cdf equals q to rounding at the smaller of them
        assert abs(k - expected) == 1 and stats.binom.cdf(min(k, expected), n, p) == pytest.approx(
            q, rel=1e-12
        )


@pytest.mark.parametrize(
    ("q", "n", "expected"),
    [
        (0.05, 20, 6),
        (0.025, 20, 6),
        (0.5, 1, 0),
        (0.5, 2, 1),
        (1 / 32, 5, 0),
        (0.04, 5, 1),
        (0.9995, 10, 10),
        (0.999, 10, 9),
    ],
)
def test_binomial_quantile_worked_examples(q: float, n: int, expected: int):
    """By hand: P(Bin(20, ½) ≤ 5) = 0.0207 and ≤ 6 is 0.0577, so the 5% and 2.5% quantiles are 6;
    P(Bin(5, ½) = 0) = 1/32 exactly, so q = 1/32 gives 0 and q = 0.04 gives 1."""
    assert distributions.binom_ppf(q, n, 0.5) == expected
    assert int(stats.binom.ppf(q, n, 0.5)) == expected


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (912, 1000), (1, 2)])
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_wilson_interval_matches_statsmodels(k: int, n: int, alpha: float):
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    assert distributions.wilson_interval(k, n, alpha) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("effect", [0.05, 0.2, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("nobs", [2, 3, 10, 57, 1000])
def test_t_test_power_matches_statsmodels(effect: float, nobs: int):
    expected = TTestPower().power(effect_size=effect, nobs=nobs, alpha=0.05, alternative="larger")
    assert distributions.t_test_power(effect, nobs, 0.05) == pytest.approx(expected, rel=1e-7)
    assert math.isnan(distributions.t_test_power(effect, 1, 0.05))
