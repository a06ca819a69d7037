"""Claim tests of METHODS.md version 2, sections 1-3, checked against computations written here from
the spec alone: scipy.stats, statsmodels, closed forms, brute force over counts and root-finders on
the defining equations. No expected value comes from ``valuegap``; the library is only the thing
under test (``run_claim_test`` and ``adjust`` with ``correction='none'`` on single claims).

The reference functions (``ref_*``) return the fields of a ``ClaimTest`` as METHODS defines them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.power import TTestPower
from statsmodels.stats.proportion import proportion_confint

from valuegap.evidence.claim_tests import (
    ArraySample,
    Side,
    Verdict,
    adjust,
    run_claim_test,
    share_null,
    threshold,
)
from valuegap.model.proposition import Claim

ALPHA = 0.05
PI0 = 0.90
RNG = np.random.default_rng(20261206)  # each test gets its own, seeded by its id (tests/conftest.py)
FLOAT_FIELDS = ("estimate", "ci_low", "ci_high", "p_worse", "p_better", "defensible", "fulfilment")


def claim(**fields) -> Claim:
    base = {"id": "c", "text": "t", "benefit": "money", "form": "average", "metric": "m", "claimed": 5.0}
    return Claim.model_validate(base | fields)


def rival_claim(form: str, **fields) -> Claim:
    extra = {"ratio": 2.0} if form == "comparative" else {}
    return claim(form=form, competitor="Rival", **(extra | fields))


def same(actual, expected, rel=1e-9, abs_=1e-12) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return actual == pytest.approx(expected, rel=rel, abs=abs_)


def check(result, expected: dict, rel=1e-9, abs_=1e-12) -> None:
    """Every field the reference sets agrees to a relative 1e-9 (METHODS section 1)."""
    wrong = {
        name: (getattr(result, name), value)
        for name, value in expected.items()
        if not same(getattr(result, name), value, rel, abs_)
    }
    assert not wrong, f"(library, reference): {wrong}"


def assert_finite_or_none(result) -> None:
    for name in FLOAT_FIELDS:
        value = getattr(result, name)
        assert value is None or (isinstance(value, int | float) and math.isfinite(value)), (name, value)


def verdict_of(result) -> Verdict:
    [v] = adjust([result], alpha=ALPHA, correction="none")
    for value in v.to_dict().values():
        assert not (isinstance(value, float) and not math.isfinite(value))
    return v.verdict


def expected_verdict(p_worse: float, p_better: float, alpha: float = ALPHA) -> Verdict:
    p = min(p_worse, p_better)
    if p >= alpha:
        return Verdict.inconclusive
    return Verdict.exaggerated if p_worse == p else Verdict.substantiated


def bar(c: float, tolerance: float, direction: str) -> float:
    delta = tolerance * abs(c)
    return c - delta if direction == "higher" else c + delta


# ----------------------------------------------------------------------------- references


def hall_forward(t: float, a: float) -> float:
    """METHODS 1: t_H = t + a·t²/3 + a²·t³/27 + a/6."""
    return t + a * t**2 / 3 + a**2 * t**3 / 27 + a / 6


def hall_inverse(c: float, a: float) -> float:
    """The t with t_H(t) = c, by brentq on the forward formula (t_H is increasing: dt_H/dt = (1+at/3)²)."""
    if a == 0:
        return c
    low, high = -1.0, 1.0
    while hall_forward(low, a) > c:
        low *= 2
    while hall_forward(high, a) < c:
        high *= 2
    return optimize.brentq(lambda t: hall_forward(t, a) - c, low, high, xtol=1e-15, rtol=1e-15, maxiter=500)


def ref_average(x, c: float, tolerance: float, direction: str, alpha: float = ALPHA) -> dict:
    x = np.asarray(x, dtype=float)
    t_bar = bar(c, tolerance, direction)
    y, target = (x, t_bar) if direction == "higher" else (-x, -t_bar)  # lower: apply to −x and −T
    n = y.size
    mean, s = y.mean(), y.std(ddof=1)
    m3 = np.mean((y - mean) ** 3)
    a = (m3 / s**3) / math.sqrt(n)
    se = s / math.sqrt(n)
    t_h = hall_forward((mean - target) / se, a)
    dist = stats.t(n - 1)

    def bound(crit: float) -> float:  # a bound on the mean of y
        return mean - hall_inverse(crit, a) * se

    q2, q1 = dist.ppf(1 - alpha / 2), dist.ppf(1 - alpha)
    low, high, defensible = bound(q2), bound(-q2), bound(q1)
    if direction == "lower":
        low, high, defensible = -high, -low, -defensible
    return {
        "n": n,
        "estimate": x.mean(),
        "ci_low": low,
        "ci_high": high,
        "p_worse": dist.cdf(t_h),
        "p_better": dist.sf(t_h),
        "defensible": defensible,
        "fulfilment": x.mean() / c if direction == "higher" else c / x.mean(),
    }


def reaching(x, level: float, direction: str) -> int:
    x = np.asarray(x, dtype=float)
    return int((x >= level).sum()) if direction == "higher" else int((x <= level).sum())


def ref_median(x, c: float, tolerance: float, direction: str, alpha: float = ALPHA) -> dict:
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    k = reaching(x, bar(c, tolerance, direction), direction)
    half = stats.binom(n, 0.5)  # B = number of values below the population median
    # two-sided: [x(l), x(n−l+1)] covers the median with probability 1 − 2·P(B ≤ l − 1); largest l
    ranks = [rank for rank in range(1, n // 2 + 1) if half.cdf(rank - 1) <= alpha / 2]
    low, high = (x[max(ranks) - 1], x[n - max(ranks)]) if ranks else (None, None)
    # one-sided: x(j) ≤ median with probability P(B ≥ j) = 1 − P(B ≤ j − 1); largest j
    ones = [rank for rank in range(1, n + 1) if half.cdf(rank - 1) <= alpha]
    defensible = None
    if ones:
        defensible = x[max(ones) - 1] if direction == "higher" else x[n - max(ones)]
    median = float(np.median(x))
    return {
        "n": n,
        "estimate": median,
        "ci_low": low,
        "ci_high": high,
        "p_worse": stats.binomtest(k, n, 0.5, alternative="less").pvalue,
        "p_better": stats.binomtest(k, n, 0.5, alternative="greater").pvalue,
        "defensible": defensible,
        "fulfilment": median / c if direction == "higher" else c / median,
    }


def smallest_up_to_count(n: int, pi0: float, alpha: float = ALPHA) -> int | None:
    """k*: the smallest count with P(Bin(n, π₀) ≥ k*) < α, by brute force; None when k* > n."""
    for k in range(n + 1):
        if stats.binom.sf(k - 1, n, pi0) < alpha:
            return k
    return None


def customers_needed_for_up_to(pi0: float, alpha: float = ALPHA) -> int:
    """The smallest n at which some count k* ≤ n exists (then k* = n: π₀ⁿ < α)."""
    n = 1
    while smallest_up_to_count(n, pi0, alpha) is None:
        n += 1
    return n


def ref_up_to(x, c: float, direction: str, pi0: float = PI0, alpha: float = ALPHA) -> dict:
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    k = reaching(x, c, direction)  # no tolerance for up_to
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    k_star = smallest_up_to_count(n, pi0, alpha)
    defensible = None
    if k_star is not None:
        defensible = x[n - k_star] if direction == "higher" else x[k_star - 1]
    return {
        "n": n,
        "estimate": k / n,
        "ci_low": low,
        "ci_high": high,
        "p_worse": stats.binomtest(k, n, pi0, alternative="less").pvalue,
        "p_better": stats.binomtest(k, n, pi0, alternative="greater").pvalue,
        "defensible": defensible,
        "fulfilment": x.mean() / c if direction == "higher" else c / x.mean(),
    }


def clopper_pearson_lower(k: int, n: int, alpha: float = ALPHA) -> float:
    return 0.0 if k == 0 else float(stats.beta.ppf(alpha, k, n - k + 1))


def ref_share(x, c: float, p0: float, tolerance: float, direction: str, alpha: float = ALPHA) -> dict:
    x = np.asarray(x, dtype=float)
    n = x.size
    k = reaching(x, c, direction)
    null = p0 - tolerance * (1 - p0)
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    return {
        "n": n,
        "estimate": k / n,
        "ci_low": low,
        "ci_high": high,
        "p_worse": stats.binomtest(k, n, null, alternative="less").pvalue,
        "p_better": stats.binomtest(k, n, null, alternative="greater").pvalue,
        "defensible": clopper_pearson_lower(k, n, alpha),  # the lower bound in both directions
        "fulfilment": (k / n) / p0,
    }


def welch(ours, rival, k: float, alternative: str) -> float:
    """METHODS 1: Welch on x_ours vs k·x_rival, from sufficient statistics (mean k·x̄_r, sd k·s_r)."""
    o, r = np.asarray(ours, dtype=float), np.asarray(rival, dtype=float)
    return stats.ttest_ind_from_stats(
        o.mean(), o.std(ddof=1), o.size, k * r.mean(), k * r.std(ddof=1), r.size,
        equal_var=False, alternative=alternative,
    ).pvalue  # fmt: skip


def fieller(ours, rival, tail: float) -> tuple[float, float] | None:
    """The ρ with (x̄_o − ρx̄_r)² ≤ q²(v_o + ρ²v_r), q = t quantile at probability 1 − tail with the
    Welch–Satterthwaite df at ρ̂; the roots of the quadratic. None when x̄_r² ≤ q²·v_r."""
    o, r = np.asarray(ours, dtype=float), np.asarray(rival, dtype=float)
    mo, mr = o.mean(), r.mean()
    vo, vr = o.var(ddof=1) / o.size, r.var(ddof=1) / r.size
    rho = mo / mr
    nu = (vo + rho**2 * vr) ** 2 / (vo**2 / (o.size - 1) + rho**4 * vr**2 / (r.size - 1))
    q = stats.t.ppf(1 - tail, nu)
    a = mr**2 - q**2 * vr
    if a <= 0:
        return None
    half = math.sqrt(q**2 * (vo * mr**2 + vr * mo**2 - q**2 * vo * vr))
    return (mo * mr - half) / a, (mo * mr + half) / a


def ref_comparative(ours, rival, ratio: float, tolerance: float, direction: str, alpha=ALPHA) -> dict:
    higher = direction == "higher"
    k = ratio * (1 - tolerance) if higher else ratio * (1 + tolerance)
    rho = np.mean(ours) / np.mean(rival)
    less, greater = welch(ours, rival, k, "less"), welch(ours, rival, k, "greater")
    two, one = fieller(ours, rival, alpha / 2), fieller(ours, rival, alpha)
    return {
        "n": len(ours),
        "estimate": rho,
        "ci_low": two[0] if two else None,
        "ci_high": two[1] if two else None,
        "p_worse": less if higher else greater,
        "p_better": greater if higher else less,
        "defensible": (one[0] if higher else one[1]) if one else None,
        "fulfilment": rho / ratio if higher else ratio / rho,
    }


def ref_parity(ours, rival, tolerance: float, direction: str, alpha=ALPHA) -> dict:
    low_k, high_k = 1 - tolerance, 1 + tolerance
    rho = np.mean(ours) / np.mean(rival)
    interval = fieller(ours, rival, alpha)  # the two-sided 1 − 2α interval
    if direction == "higher":
        worse = welch(ours, rival, low_k, "less")
    else:
        worse = welch(ours, rival, high_k, "greater")
    tost = max(welch(ours, rival, low_k, "greater"), welch(ours, rival, high_k, "less"))
    return {
        "n": len(ours),
        "estimate": rho,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "p_worse": worse,
        "p_better": tost,
        "defensible": None,
        "fulfilment": rho if direction == "higher" else 1 / rho,
    }


def better_than_parity(ours, rival, tolerance: float, direction: str, alpha=ALPHA) -> bool:
    if direction == "higher":
        return welch(ours, rival, 1 + tolerance, "greater") < alpha
    return welch(ours, rival, 1 - tolerance, "less") < alpha


def lognormal(n: int, rng: np.random.Generator | None = None) -> np.ndarray:
    return np.exp((rng or RNG).normal(0.0, 1.0, n))


# ----------------------------------------------------------------------------- the references themselves


@pytest.mark.parametrize("a", [-2.5, -0.4, -1e-3, 1e-3, 0.3, 1.7])
@pytest.mark.parametrize("c", [-2.6, -1.7, 0.0, 1.7, 2.6])
def test_hall_inverse_closed_form_agrees_with_the_root_finder(a, c):
    """METHODS' closed form t(c) = (3/a)(cbrt(1 + a(c − a/6)) − 1) solves t_H(t) = c."""
    closed = (3 / a) * (np.cbrt(1 + a * (c - a / 6)) - 1)
    assert hall_inverse(c, a) == pytest.approx(closed, rel=1e-9, abs=1e-12)


def test_hall_without_skew_is_the_plain_t_test():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # m3 = 0
    for direction in ("higher", "lower"):
        result = run_claim_test(claim(claimed=3.0, tolerance=0.0, direction=direction), ArraySample.of(x))
        smaller = stats.ttest_1samp(x, 3.0, alternative="less").pvalue
        larger = stats.ttest_1samp(x, 3.0, alternative="greater").pvalue
        worse, better = (smaller, larger) if direction == "higher" else (larger, smaller)
        assert same(result.p_worse, worse) and same(result.p_better, better)
        low, high = stats.t.interval(0.95, 5, loc=x.mean(), scale=stats.sem(x))
        assert same(result.ci_low, low) and same(result.ci_high, high)


def test_threshold_and_share_null_follow_the_closed_forms():
    assert threshold(claim(claimed=6.0)) == pytest.approx(5.4)
    assert threshold(claim(claimed=6.0, direction="lower")) == pytest.approx(6.6)
    assert threshold(claim(claimed=-6.0)) == pytest.approx(-6.6)  # δ = tolerance · |C|
    # "95% arrive on time" with the default tolerance is tested against 94.5% (METHODS 1)
    assert share_null(claim(form="share", share=0.95)) == pytest.approx(0.945)
    assert share_null(claim(form="share", share=0.8, tolerance=0.25)) == pytest.approx(0.75)


# ----------------------------------------------------------------------------- average


AVERAGE_DATA = {
    "normal-40": lambda: RNG.normal(4.6, 2.0, 40),
    "lognormal-25": lambda: 4.5 * lognormal(25) / math.exp(0.5),
    "lognormal-300": lambda: 4.8 * lognormal(300) / math.exp(0.5),
    "left-skewed-12": lambda: 9.0 - lognormal(12),
    "n=2": lambda: np.array([4.0, 7.0]),
    "n=2, m3 of -1.6e-17 from rounding": lambda: np.array([2.0, 1.562]),
    "symmetric n=7, m3 rounding only": lambda: np.array([0.1, 0.7, 1.3, 1.9, 2.5, 3.1, 3.7]) * 1.1,
    "n=3 skewed": lambda: np.array([4.0, 4.2, 9.0]),
    "n=5 with ties": lambda: np.array([3.0, 3.0, 3.0, 6.0, 11.0]),
}


@pytest.mark.parametrize("data", list(AVERAGE_DATA))
@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_average_is_halls_skewness_corrected_t(data, direction, alpha):
    x = AVERAGE_DATA[data]()
    c = claim(direction=direction)
    result = run_claim_test(c, ArraySample.of(x), alpha=alpha)
    expected = ref_average(x, 5.0, 0.10, direction, alpha)
    check(result, expected)
    assert result.p_value == pytest.approx(min(expected["p_worse"], expected["p_better"]), rel=1e-9)
    assert result.side is (Side.worse if expected["p_worse"] <= expected["p_better"] else Side.better)
    assert_finite_or_none(result)


def test_average_interval_and_bound_are_where_the_p_value_crosses_alpha():
    """The defensible value is the claim value at which p_better is exactly α: the same test inverted."""
    x = 3.0 * lognormal(40)
    for direction in ("higher", "lower"):
        result = run_claim_test(claim(direction=direction, claimed=3.0), ArraySample.of(x))
        assert result.defensible is not None

        def p_better_at(level, direction=direction):
            return ref_average(x, level, 0.0, direction)["p_better"] - ALPHA

        root = optimize.brentq(p_better_at, x.min() - 10, x.max() + 10, xtol=1e-13)
        assert result.defensible == pytest.approx(root, rel=1e-8)


def test_skewed_data_move_the_average_away_from_the_plain_t():
    """A guard against a silently plain t: the two p-values differ for skewed data."""
    x = 4.5 * lognormal(30) / math.exp(0.5)
    result = run_claim_test(claim(), ArraySample.of(x))
    plain = stats.ttest_1samp(x, 4.5, alternative="less").pvalue
    assert abs(result.p_worse - plain) > 1e-3
    check(result, {"p_worse": ref_average(x, 5.0, 0.1, "higher")["p_worse"]})


def test_evidence_still_needed_for_an_inconclusive_average():
    z = RNG.normal(0.0, 1.0, 30)
    x = 4.6 + 2.0 * (z - z.mean()) / z.std(ddof=1)  # mean 4.6 and spread 2 exactly: 0.1 above the bar
    result = run_claim_test(claim(), ArraySample.of(x))
    [v] = adjust([result], correction="none")
    assert v.verdict is Verdict.inconclusive
    effect = abs(x.mean() - 4.5) / x.std(ddof=1)
    needed = TTestPower().solve_power(effect_size=effect, alpha=ALPHA, power=0.8, alternative="larger")
    assert needed > 100
    assert v.test.evidence_needed is not None
    assert abs(v.test.evidence_needed - (needed - 30)) <= 1


# ----------------------------------------------------------------------------- median


MEDIAN_DATA = {
    "n=2": lambda: np.array([3.0, 6.0]),
    "n=5": lambda: np.array([4.0, 6.5, 2.0, 5.5, 9.0]),
    "n=6": lambda: np.array([4.0, 6.5, 2.0, 5.5, 9.0, 4.6]),
    "n=20": lambda: RNG.normal(5.0, 2.0, 20),
    "n=61": lambda: RNG.normal(5.2, 2.0, 61),
    "n=40 ties": lambda: np.round(RNG.normal(4.5, 1.0, 40) * 2) / 2,  # many values equal to T = 4.5
    "n=300 lognormal": lambda: 5 * lognormal(300),
}


@pytest.mark.parametrize("data", list(MEDIAN_DATA))
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_median_is_an_exact_binomial_with_order_statistic_bounds(data, direction):
    x = MEDIAN_DATA[data]()
    result = run_claim_test(claim(form="median", direction=direction), ArraySample.of(x))
    expected = ref_median(x, 5.0, 0.10, direction)
    check(result, expected)
    if expected["ci_low"] is None:
        assert result.reason, "a median without an interval must say why"
    if expected["defensible"] is None:
        assert result.reason
    assert_finite_or_none(result)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_no_median_interval_up_to_five_customers(n):
    """At α = 0.05 the widest interval [x(1), x(n)] covers with 1 − 2·0.5ⁿ < 0.95 when n ≤ 5."""
    assert 1 - 2 * stats.binom.cdf(0, n, 0.5) < 0.95
    result = run_claim_test(claim(form="median"), ArraySample.of(np.arange(1.0, n + 1)))
    assert result.ci_low is None and result.ci_high is None and result.reason
    assert (result.ci_low, result.ci_high) != (1.0, float(n))


def test_median_interval_at_six_customers_is_the_full_range():
    assert 1 - 2 * stats.binom.cdf(0, 6, 0.5) >= 0.95
    result = run_claim_test(claim(form="median"), ArraySample.of([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
    assert (result.ci_low, result.ci_high) == (1.0, 6.0)


def test_median_bounds_cover_as_their_definition_says():
    """Coverage of the reported order statistics, computed with scipy.stats.binom directly."""
    for n in (6, 7, 10, 25, 50, 101, 400):
        x = np.arange(1.0, n + 1)  # the value is the rank
        result = run_claim_test(claim(form="median", claimed=0.0), ArraySample.of(x))
        low, high = int(result.ci_low), int(result.ci_high)
        assert high == n + 1 - low  # equal tails
        coverage = stats.binom.cdf(high - 1, n, 0.5) - stats.binom.cdf(low - 1, n, 0.5)
        assert coverage >= 0.95
        if low + 1 < high - 1:  # the next narrower interval would not cover
            assert stats.binom.cdf(high - 2, n, 0.5) - stats.binom.cdf(low, n, 0.5) < 0.95
        j = int(result.defensible)
        assert stats.binom.sf(j - 1, n, 0.5) >= 0.95 and stats.binom.sf(j, n, 0.5) < 0.95


def test_median_at_five_customers_has_a_one_sided_bound_but_no_interval():
    """P(B ≥ 5) = 1/32 < 0.05: x(1) is a one-sided 95% lower bound at n = 5; n = 4 has none."""
    x = [4.0, 6.5, 2.0, 5.5, 9.0]
    higher = run_claim_test(claim(form="median"), ArraySample.of(x))
    lower = run_claim_test(claim(form="median", direction="lower"), ArraySample.of(x))
    assert higher.defensible == 2.0 and lower.defensible == 9.0 and higher.ci_low is None
    four = run_claim_test(claim(form="median"), ArraySample.of(x[:4]))
    assert four.defensible is None and four.reason


# ----------------------------------------------------------------------------- up_to


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize(("n", "spread"), [(200, 8.0), (29, 8.0), (60, 1.0), (500, 3.0)])
def test_up_to_is_exact_binomial_against_pi0(direction, n, spread):
    x = RNG.normal(40, spread, n)
    c = claim(
        form="up_to", claimed=38.0 if direction == "higher" else 42.0, direction=direction, tolerance=0.3
    )
    result = run_claim_test(c, ArraySample.of(x), up_to_share=PI0)
    check(result, ref_up_to(x, c.claimed, direction))
    assert_finite_or_none(result)


@pytest.mark.parametrize("pi0", [0.8, 0.95])
def test_up_to_follows_the_workspace_pi0(pi0):
    x = RNG.normal(40, 4, 150)
    result = run_claim_test(claim(form="up_to", claimed=35.0), ArraySample.of(x), up_to_share=pi0)
    check(result, ref_up_to(x, 35.0, "higher", pi0))


def test_up_to_ties_at_the_claim_count_as_reaching_it():
    x = np.array([47.0] * 27 + [10.0] * 3)
    for direction in ("higher", "lower"):
        result = run_claim_test(claim(form="up_to", claimed=47.0, direction=direction), ArraySample.of(x))
        check(result, ref_up_to(x, 47.0, direction))


@pytest.mark.parametrize("n", [2, 10, 28])
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_up_to_with_too_few_customers_for_any_claim(n, direction):
    """k* > n: no "up to" claim is supported; the reason names how many customers are needed."""
    needed = customers_needed_for_up_to(PI0)
    assert needed == 29 and PI0**29 < ALPHA <= PI0**28  # closed form of the brute force
    x = RNG.normal(40, 8, n)
    result = run_claim_test(claim(form="up_to", claimed=40.0, direction=direction), ArraySample.of(x))
    assert result.defensible is None
    assert str(needed) in result.reason or str(needed - n) in result.reason, result.reason
    assert_finite_or_none(result)


# ----------------------------------------------------------------------------- share


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize(("n", "p0", "tolerance"), [(300, 0.9, 0.05), (40, 0.95, 0.1), (12, 0.5, 0.2)])
def test_share_is_exact_binomial_against_p0_less_tolerance_of_the_failure_rate(direction, n, p0, tolerance):
    x = RNG.normal(1.5 if direction == "higher" else -1.5, 1.0, n)
    c = claim(form="share", claimed=0.0, share=p0, tolerance=tolerance, direction=direction)
    result = run_claim_test(c, ArraySample.of(x))
    expected = ref_share(x, 0.0, p0, tolerance, direction)
    check(result, expected)
    k = reaching(x, 0.0, direction)
    # the Clopper–Pearson bound is the one the exact test inverts: P(Bin(n, L) ≥ k) = α
    if k > 0:
        assert stats.binom.sf(k - 1, n, result.defensible) == pytest.approx(ALPHA, rel=1e-7)
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=1 - 2 * ALPHA, method="exact")
        assert result.defensible == pytest.approx(ci.low, rel=1e-9)


def test_share_of_89_percent_does_not_substantiate_95():
    """METHODS 1's example: 95% with the default tolerance is tested against 94.5%, not 85.5%."""
    x = np.array([1.0] * 267 + [-1.0] * 33)  # 89% of 300 reach the bar 0
    result = run_claim_test(claim(form="share", claimed=0.0, share=0.95), ArraySample.of(x))
    check(result, ref_share(x, 0.0, 0.95, 0.1, "higher"))
    assert verdict_of(result) is Verdict.exaggerated


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_share_when_none_or_all_reach_the_bar(direction):
    sign = 1.0 if direction == "higher" else -1.0
    everyone, nobody = sign * np.full(10, 3.0), -sign * np.full(10, 3.0)
    c = claim(form="share", claimed=0.0, share=0.5, direction=direction)
    full = run_claim_test(c, ArraySample.of(everyone))
    check(full, ref_share(everyone, 0.0, 0.5, 0.1, direction))
    assert full.defensible == pytest.approx(ALPHA ** (1 / 10))  # Beta⁻¹(α; n, 1) = α^(1/n)
    empty = run_claim_test(c, ArraySample.of(nobody))
    check(empty, {k: v for k, v in ref_share(nobody, 0.0, 0.5, 0.1, direction).items() if k != "defensible"})
    assert empty.defensible in (0.0, None)
    assert_finite_or_none(full)
    assert_finite_or_none(empty)


# ----------------------------------------------------------------------------- comparative


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize(
    ("n_ours", "n_rival", "sd_ours", "sd_rival"), [(80, 60, 5, 4), (5, 40, 9, 1), (3, 2, 2, 3)]
)
def test_comparative_is_welch_with_a_fieller_interval(direction, n_ours, n_rival, sd_ours, sd_rival):
    ours, rival = RNG.normal(20, sd_ours, n_ours), RNG.normal(10, sd_rival, n_rival)
    c = rival_claim("comparative", direction=direction)
    result = run_claim_test(c, ArraySample.of(ours), ArraySample.of(rival))
    expected = ref_comparative(ours, rival, 2.0, 0.1, direction)
    check(result, expected)
    assert_finite_or_none(result)


def test_fieller_interval_solves_its_defining_equation():
    """Independent of the quadratic: brentq on (x̄_o − ρx̄_r)² − q²(v_o + ρ²v_r) = 0 either side of ρ̂."""
    ours, rival = RNG.normal(20, 5, 50), RNG.normal(10, 4, 45)
    result = run_claim_test(rival_claim("comparative"), ArraySample.of(ours), ArraySample.of(rival))
    mo, mr = ours.mean(), rival.mean()
    vo, vr = ours.var(ddof=1) / 50, rival.var(ddof=1) / 45
    rho = mo / mr
    nu = (vo + rho**2 * vr) ** 2 / (vo**2 / 49 + rho**4 * vr**2 / 44)
    q = stats.t.ppf(0.975, nu)

    def gap(r):
        return (mo - r * mr) ** 2 - q**2 * (vo + r**2 * vr)

    assert result.ci_low == pytest.approx(optimize.brentq(gap, 0.0, rho, xtol=1e-14), rel=1e-9)
    assert result.ci_high == pytest.approx(optimize.brentq(gap, rho, 10 * rho, xtol=1e-14), rel=1e-9)


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_unbounded_fieller_interval_is_not_shown(direction):
    ours = RNG.normal(10, 1, 30)
    rival = np.array([-3.0, 4.0, -2.0, 5.0, 0.5, 1.0])  # mean 0.92, its standard error 1.4
    assert fieller(ours, rival, ALPHA / 2) is None and fieller(ours, rival, ALPHA) is None
    result = run_claim_test(
        rival_claim("comparative", direction=direction), ArraySample.of(ours), ArraySample.of(rival)
    )
    assert result.ci_low is None and result.ci_high is None and result.defensible is None
    assert "too uncertain" in result.reason.lower(), result.reason
    check(
        result, {k: v for k, v in ref_comparative(ours, rival, 2.0, 0.1, direction).items() if "ci" not in k}
    )
    assert_finite_or_none(result)


def test_fieller_bounded_one_sided_but_not_two_sided():
    """x̄_r/se_r = 1.8 lies between the one-sided (1.65) and two-sided (1.97) t quantiles."""
    z = RNG.normal(size=200)
    rival = (z - z.mean()) / z.std(ddof=1) * 5.0
    rival = rival + 1.8 * 5.0 / math.sqrt(200)
    ours = RNG.normal(3.0, 5.0, 200)
    assert fieller(ours, rival, ALPHA / 2) is None and fieller(ours, rival, ALPHA) is not None
    result = run_claim_test(rival_claim("comparative"), ArraySample.of(ours), ArraySample.of(rival))
    check(result, ref_comparative(ours, rival, 2.0, 0.1, "higher"))
    assert "too uncertain" in result.reason.lower()


def test_rival_mean_of_zero_gives_no_infinite_ratio():
    ours, rival = RNG.normal(10, 2, 20), np.array([-2.0, -1.0, 1.0, 2.0])
    for form in ("comparative", "parity"):
        result = run_claim_test(rival_claim(form), ArraySample.of(ours), ArraySample.of(rival))
        assert_finite_or_none(result)
        verdict_of(result)


# ----------------------------------------------------------------------------- parity


PARITY_DATA = {
    "equivalent": (lambda: RNG.normal(10, 2, 150), lambda: RNG.normal(10, 2, 150)),
    "ours much better": (lambda: RNG.normal(13, 2, 100), lambda: RNG.normal(10, 2, 100)),
    "ours much worse": (lambda: RNG.normal(7, 2, 100), lambda: RNG.normal(10, 2, 100)),
    "small and unequal": (lambda: RNG.normal(10, 4, 6), lambda: RNG.normal(10, 1, 30)),
}


@pytest.mark.parametrize("data", list(PARITY_DATA))
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_parity_is_tost_on_the_ratio(data, direction):
    make_ours, make_rival = PARITY_DATA[data]
    ours, rival = make_ours(), make_rival()
    result = run_claim_test(
        rival_claim("parity", direction=direction), ArraySample.of(ours), ArraySample.of(rival)
    )
    expected = ref_parity(ours, rival, 0.1, direction)
    check(result, expected)
    assert result.defensible is None
    verdict = verdict_of(result)
    assert verdict is expected_verdict(expected["p_worse"], expected["p_better"])
    if better_than_parity(ours, rival, 0.1, direction):
        assert verdict is Verdict.inconclusive and "better than parity" in result.reason
    assert_finite_or_none(result)


def test_parity_verdicts_in_the_three_clear_cases():
    equal = (RNG.normal(10, 2, 150), RNG.normal(10, 2, 150))
    better = (RNG.normal(13, 2, 100), RNG.normal(10, 2, 100))
    worse = (RNG.normal(7, 2, 100), RNG.normal(10, 2, 100))
    for direction, good, bad in (("higher", better, worse), ("lower", worse, better)):
        c = rival_claim("parity", direction=direction)

        def run(pair, c=c):
            return run_claim_test(c, ArraySample.of(pair[0]), ArraySample.of(pair[1]))

        assert verdict_of(run(equal)) is Verdict.substantiated
        assert verdict_of(run(bad)) is Verdict.exaggerated
        result = run(good)
        assert verdict_of(result) is Verdict.inconclusive and "better than parity" in result.reason


# ----------------------------------------------------------------------------- degenerate data


SINGLE_FORMS = ("average", "median", "up_to", "share")


def form_claim(form: str, **fields) -> Claim:
    if form == "share":
        return claim(form="share", claimed=0.0, share=0.8, **fields)
    if form in ("comparative", "parity"):
        return rival_claim(form, **fields)
    return claim(form=form, **fields)


def run(form: str, ours, rival=None, **fields):
    c = form_claim(form, **fields)
    ours_sample = ArraySample.of(ours) if ours is not None else None
    rival_sample = ArraySample.of(rival) if rival is not None else None
    if form in ("comparative", "parity"):
        return run_claim_test(c, ours_sample, rival_sample)
    return run_claim_test(c, ours_sample)


def assert_untested(result, verdict=Verdict.inconclusive):
    assert verdict_of(result) is verdict
    assert result.p_value is None and result.ci_low is None and result.ci_high is None
    assert result.defensible is None and result.reason
    assert_finite_or_none(result)


@pytest.mark.parametrize("form", [*SINGLE_FORMS, "comparative", "parity"])
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_one_customer_is_inconclusive_with_a_reason(form, direction):
    rival = RNG.normal(5, 1, 20)
    assert_untested(run(form, [7.0], rival, direction=direction))
    if form in ("comparative", "parity"):
        assert_untested(run(form, RNG.normal(5, 1, 20), [7.0], direction=direction))


@pytest.mark.parametrize("form", [*SINGLE_FORMS, "comparative", "parity"])
def test_no_data_is_no_evidence(form):
    result = run(form, None, RNG.normal(5, 1, 20))
    assert verdict_of(result) is Verdict.no_evidence and result.p_value is None
    assert_finite_or_none(result)


@pytest.mark.parametrize("value", [9.0, 1.0, 4.5])
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_zero_variance_average_is_inconclusive(value, direction):
    """statsmodels says p = 0 for ten identical values above the claim (METHODS 8); we say why not."""
    assert_untested(run("average", [value] * 10, direction=direction))


@pytest.mark.parametrize("form", ["comparative", "parity"])
def test_two_constant_groups_are_inconclusive(form):
    assert_untested(run(form, [3.0] * 5, [1.0] * 5))
    assert_untested(run(form, [2.0] * 8, [2.0] * 8))


@pytest.mark.parametrize("form", ["comparative", "parity"])
def test_one_constant_group_is_a_welch_test_or_a_reason(form):
    """The Welch statistic is defined when only one group varies; either it is the Welch test or
    it is refused with a reason, never NaN."""
    ours, rival = np.full(10, 22.0), RNG.normal(10, 2, 25)
    result = run(form, ours, rival)
    assert_finite_or_none(result)
    if result.p_value is not None:
        reference = ref_comparative if form == "comparative" else ref_parity
        args = (2.0, 0.1, "higher") if form == "comparative" else (0.1, "higher")
        check(
            result, {k: v for k, v in reference(ours, rival, *args).items() if k in ("p_worse", "p_better")}
        )
    else:
        assert result.reason


@pytest.mark.parametrize("form", SINGLE_FORMS)
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_two_customers(form, direction):
    x = [4.0, 7.0]
    result = run(form, x, direction=direction)
    if form == "average":
        expected = ref_average(x, 5.0, 0.1, direction)
    elif form == "median":
        expected = ref_median(x, 5.0, 0.1, direction)
    elif form == "up_to":
        expected = ref_up_to(x, 5.0, direction)
    else:
        expected = ref_share(x, 0.0, 0.8, 0.1, direction)
    check(result, expected)
    assert_finite_or_none(result)


def test_claim_of_zero_gives_no_infinite_fulfilment():
    for form in ("average", "median", "up_to"):
        result = run_claim_test(claim(form=form, claimed=0.0), ArraySample.of(RNG.normal(3, 1, 40)))
        assert_finite_or_none(result)
        verdict_of(result)


def test_share_claim_whose_tolerance_exceeds_the_allowed_failure_rate():
    """p₀ − tolerance·(1 − p₀) ≤ 0 (a 10% share with a 20% tolerance): still an answer, never a crash
    or NaN. METHODS does not say what the null is then."""
    result = run_claim_test(
        claim(form="share", claimed=0.0, share=0.1, tolerance=0.2), ArraySample.of(RNG.normal(0, 1, 30))
    )
    assert_finite_or_none(result)
    verdict_of(result)


@settings(max_examples=150, deadline=None)
@given(
    form=st.sampled_from([*SINGLE_FORMS, "comparative", "parity"]),
    direction=st.sampled_from(["higher", "lower"]),
    ours=st.lists(st.floats(-1e4, 1e4, allow_subnormal=False), max_size=12),
    rival=st.lists(st.floats(-1e4, 1e4, allow_subnormal=False), max_size=12),
    tolerance=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_never_nan(form, direction, ours, rival, tolerance):
    result = run(form, ours or None, rival or None, direction=direction, tolerance=tolerance)
    assert_finite_or_none(result)
    verdict_of(result)


# ----------------------------------------------------------------------------- defensible claims (section 3)


def towards_safe_side(value: float, down: bool) -> float:
    """Rounded to 2 decimals towards the safe side; one further unit when the value sits on the
    grid already (within 1e-6 of a unit), so the claim is never tested exactly at its bound."""
    scaled = value * 100
    nearest = round(scaled)
    if abs(scaled - nearest) < 1e-6:
        units = nearest - 1 if down else nearest + 1
    else:
        units = math.floor(scaled) if down else math.ceil(scaled)
    return units / 100


values_list = st.lists(
    st.floats(-100, 100, allow_nan=False, allow_subnormal=False).map(lambda v: round(v, 3)),
    min_size=2,
    max_size=80,
)
positive_list = st.lists(
    st.floats(0.5, 100, allow_nan=False, allow_subnormal=False).map(lambda v: round(v, 3)),
    min_size=2,
    max_size=40,
)


def defended_claim(form: str, direction: str, value: float) -> Claim | None:
    """The claim reworded to the defensible value, tolerance 0 (METHODS 3)."""
    down = direction == "higher" or form == "share"
    safe = towards_safe_side(value, down)
    if form == "share":
        return (
            claim(form="share", claimed=0.0, share=safe, tolerance=0.0, direction=direction)
            if 0 < safe <= 1
            else None
        )
    if form == "comparative":
        return (
            rival_claim("comparative", ratio=safe, tolerance=0.0, direction=direction) if safe > 0 else None
        )
    return claim(form=form, claimed=safe, tolerance=0.0, direction=direction)


@settings(max_examples=300, deadline=None)
@given(
    form=st.sampled_from(["average", "median", "up_to", "share"]),
    direction=st.sampled_from(["higher", "lower"]),
    x=values_list,
)
def test_defensible_claim_is_substantiated_on_the_same_data(form, direction, x):
    sample = ArraySample.of(x)
    original = form_claim(form, direction=direction)
    result = run_claim_test(original, sample)
    assume(result.defensible is not None)
    reworded = defended_claim(form, direction, result.defensible)
    assume(reworded is not None)
    again = run_claim_test(reworded, sample)
    assert verdict_of(again) is Verdict.substantiated, (result.defensible, again)


@pytest.mark.xfail(
    strict=False,
    reason="fails by METHODS itself, not by the code: "
    "see test_the_spec_fieller_bound_inverts_the_spec_welch_test",
)
@settings(max_examples=300, deadline=None)
@given(direction=st.sampled_from(["higher", "lower"]), ours=positive_list, rival=positive_list)
def test_defensible_comparative_claim_is_substantiated_on_the_same_data(direction, ours, rival):
    o, r = ArraySample.of(ours), ArraySample.of(rival)
    result = run_claim_test(rival_claim("comparative", direction=direction), o, r)
    assume(result.defensible is not None)
    reworded = defended_claim("comparative", direction, result.defensible)
    assume(reworded is not None)
    again = run_claim_test(reworded, o, r)
    assert verdict_of(again) is Verdict.substantiated, (result.defensible, again)


@pytest.mark.xfail(
    strict=True,
    reason="METHODS 2 takes Fieller's q at the Welch df of ρ̂, but the Welch test of a claimed ratio k "
    "uses the df at k; where ν(k) < ν(ρ̂) the bound is too close (ours=[1, 2], rival=[1, 2]: p = 0.104 "
    "at the rounded bound; about 6% of datasets at n = 10 with unequal spreads)",
)
@settings(max_examples=300, deadline=None)
@given(direction=st.sampled_from(["higher", "lower"]), ours=positive_list, rival=positive_list)
def test_the_spec_fieller_bound_inverts_the_spec_welch_test(direction, ours, rival):
    """The references alone: METHODS' one-sided Fieller bound (q at the df of ρ̂), rounded towards the
    safe side, passes METHODS' Welch test (df at the claimed ratio). Checks the spec, not the code."""
    assume(np.std(ours) > 0 and np.std(rival) > 0)
    expected = ref_comparative(ours, rival, 2.0, 0.1, direction)
    assume(expected["defensible"] is not None)
    safe = towards_safe_side(expected["defensible"], direction == "higher")
    assume(safe > 0)
    again = ref_comparative(ours, rival, safe, 0.0, direction)
    assert again["p_better"] < ALPHA
