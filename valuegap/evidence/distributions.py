"""The few distribution functions the claim tests need, from ``scipy.special``.

``scipy.stats`` and statsmodels compute these same functions with the same special functions, but
importing them costs about a second, more than testing every claim of a large dataset; the command
line pays it on every run. Each function here is checked against ``scipy.stats`` / statsmodels in
the tests.
"""

from __future__ import annotations

import math

from scipy import special


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom (``scipy.stats.t.cdf``)."""
    return float(special.stdtr(df, t))


def t_sf(t: float, df: float) -> float:
    """P(T > t) (``scipy.stats.t.sf``), computed from the lower tail of −t for accuracy."""
    return float(special.stdtr(df, -t))


def t_ppf(q: float, df: float) -> float:
    """The ``q`` quantile of Student's t (``scipy.stats.t.ppf``)."""
    return float(special.stdtrit(df, q))


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Bin(n, p) (``scipy.stats.binom.cdf``)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return float(special.bdtr(k, n, p))


def binom_sf_at_least(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Bin(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return float(special.bdtrc(k - 1, n, p))


def binomial_p_values(k: int, n: int, p0: float) -> tuple[float, float]:
    """Exact one-sided binomial p-values (H1 share < p0, H1 share > p0), as
    ``scipy.stats.binomtest(k, n, p0, alternative='less' / 'greater')``. A share of 0 is tested as
    such (every count is at least 0; scipy's special functions return NaN there)."""
    if p0 <= 0:
        return 1.0, 0.0 if k > 0 else 1.0
    return min(binom_cdf(k, n, p0), 1.0), min(binom_sf_at_least(k, n, p0), 1.0)


def binom_ppf(q: float, n: int, p: float) -> int:
    """Smallest k with P(X ≤ k) ≥ q (``scipy.stats.binom.ppf``): start at the normal approximation
    and step to the exact answer."""
    z = float(special.ndtri(min(max(q, 1e-300), 1 - 1e-16)))
    k = min(max(int(n * p + z * math.sqrt(n * p * (1 - p))), 0), n)
    while k > 0 and binom_cdf(k - 1, n, p) >= q:
        k -= 1
    while k < n and binom_cdf(k, n, p) < q:
        k += 1
    return k


def wilson_interval(k: int, n: int, alpha: float) -> tuple[float, float]:
    """Wilson score interval (statsmodels' ``proportion_confint(method='wilson')``)."""
    z = float(special.ndtri(1 - alpha / 2))
    z2 = z * z
    share = k / n
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def beta_ppf(q: float, a: float, b: float) -> float:
    """The ``q`` quantile of the Beta(a, b) distribution (``scipy.stats.beta.ppf``)."""
    return float(special.betaincinv(a, b, q))


def t_test_power(effect: float, nobs: float, alpha: float) -> float:
    """Power of the one-sided one-sample t-test (H1: larger) for a standardised ``effect`` with
    ``nobs`` observations (statsmodels' ``TTestPower().power(..., alternative='larger')``)."""
    df = nobs - 1
    if df <= 0:
        return float("nan")
    critical = t_ppf(1 - alpha, df)
    return float(1.0 - special.nctdtr(df, effect * math.sqrt(nobs), critical))
