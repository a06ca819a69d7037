"""Claim tests: promised vs measured, with a verdict (METHODS.md sections 1-3).

The tests run on :class:`Sample` objects, the per-customer values of one metric for one group,
summarised as the rules need them: ``n``, mean and standard deviation (from n, Σx, Σx²), counts at
or beyond a bar, order statistics and quantiles. So a database or warehouse can feed the same
functions with aggregates it computed itself; :class:`ArraySample` is the in-memory implementation.

Every guard METHODS section 8 lists (n < 2, zero variance, no data) returns a verdict with a reason,
never NaN.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, Literal, Protocol

import numpy as np

from valuegap import distributions
from valuegap.errors import ValueGapError
from valuegap.model import Claim, ClaimForm, Direction

DEFAULT_ALPHA = 0.05
DEFAULT_UP_TO_SHARE = 0.90  # π₀: "all or almost all customers" (the FTC's reading of "up to")
Correction = Literal["holm", "fdr_bh", "none"]


class Verdict(StrEnum):
    substantiated = "substantiated"
    exaggerated = "exaggerated"
    inconclusive = "inconclusive"
    no_evidence = "no evidence"
    not_testable = "not testable"


class Side(StrEnum):
    worse = "worse"
    better = "better"


class Sample(Protocol):
    """Per-customer values of one metric for one group, as the claim tests need them."""

    @property
    def n(self) -> int: ...
    @property
    def mean(self) -> float: ...
    @property
    def sd(self) -> float: ...  # sample standard deviation (ddof = 1); 0 when n < 2

    def count_at_least(self, bar: float) -> int: ...
    def count_at_most(self, bar: float) -> int: ...
    def order_statistic(self, k: int) -> float: ...  # 1-based: 1 = smallest
    def quantile(self, q: float) -> float: ...  # numpy's default (linear) method


@dataclass(frozen=True)
class ArraySample:
    """A :class:`Sample` over values held in memory (sorted once)."""

    values: np.ndarray

    @classmethod
    def of(cls, values: Any) -> ArraySample:
        array = np.asarray(values, dtype="float64").ravel()
        if not np.isfinite(array).all():
            bad = int((~np.isfinite(array)).sum())
            raise ValueGapError(
                f"{bad} outcome value(s) are missing or infinite; remove them before testing."
            )
        return cls(np.sort(array))

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def mean(self) -> float:
        return float(self.values.mean()) if self.n else 0.0

    @property
    def sd(self) -> float:
        return float(self.values.std(ddof=1)) if self.n >= 2 else 0.0

    def count_at_least(self, bar: float) -> int:
        return int(self.n - np.searchsorted(self.values, bar, side="left"))

    def count_at_most(self, bar: float) -> int:
        return int(np.searchsorted(self.values, bar, side="right"))

    def order_statistic(self, k: int) -> float:
        return float(self.values[k - 1])

    def quantile(self, q: float) -> float:
        return float(np.quantile(self.values, q))


@dataclass(frozen=True)
class ClaimTest:
    """One claim tested on its evidence, before the p-values of all claims are adjusted together."""

    claim_id: str
    form: str
    metric: str | None
    claimed: float | None
    n: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_worse: float | None = None
    p_better: float | None = None
    defensible: float | None = None
    fulfilment: float | None = None
    evidence_needed: int | None = None  # about this many more customers (inconclusive averages)
    reason: str = ""  # why a claim could not be tested, or a caveat on its numbers
    untestable: Verdict | None = None  # set when the claim gets a verdict without a test

    @property
    def p_value(self) -> float | None:
        candidates = [p for p in (self.p_worse, self.p_better) if p is not None]
        return min(candidates) if candidates else None

    @property
    def side(self) -> Side | None:
        if self.p_value is None:
            return None
        return Side.worse if self.p_worse is not None and self.p_worse == self.p_value else Side.better


@dataclass(frozen=True)
class ClaimVerdict:
    """A claim's test with its adjusted p-value and verdict: what the app, report and CLI show."""

    test: ClaimTest
    p_adjusted: float | None
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self.test)
        data.pop("untestable")
        data.update(
            p_value=self.test.p_value,
            side=self.test.side.value if self.test.side else None,
            p_adjusted=self.p_adjusted,
            verdict=self.verdict.value,
        )
        return data


# ----------------------------------------------------------------------------- helpers


def threshold(claim: Claim) -> float:
    """``T = C − δ`` (higher is better) or ``C + δ`` (lower), with ``δ = tolerance × |C|``."""
    assert claim.claimed is not None
    delta = claim.tolerance * abs(claim.claimed)
    return claim.claimed - delta if claim.direction is Direction.higher else claim.claimed + delta


def share_null(claim: Claim) -> float:
    """``p₀ − δₛ``, the share a ``share`` claim is tested against, with ``δₛ = tolerance × p₀``."""
    assert claim.share is not None
    return claim.share - claim.tolerance * claim.share


def comparative_scale(claim: Claim) -> float:
    """The multiple of the rival's mean ours must beat: ``ratio·(1 − tolerance)``, or
    ``ratio·(1 + tolerance)`` when lower wins."""
    assert claim.ratio is not None
    return claim.ratio * (1 - claim.tolerance if claim.direction is Direction.higher else 1 + claim.tolerance)


def _reaching(sample: Sample, bar: float, direction: Direction) -> int:
    """How many customers reach ``bar`` in the claim's direction (x ≥ bar, or x ≤ bar for lower)."""
    return sample.count_at_least(bar) if direction is Direction.higher else sample.count_at_most(bar)


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _binomial(k: int, n: int, p0: float) -> tuple[float, float]:
    """Exact binomial one-sided p-values: (H1 share < p0, H1 share > p0)."""
    return distributions.binomial_p_values(k, n, p0)


def _wilson(k: int, n: int, alpha: float) -> tuple[float, float]:
    return distributions.wilson_interval(k, n, alpha)


def _too_small(claim: Claim, n: int, *, needed: int = 2) -> ClaimTest | None:
    if n == 0:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, 0,
            reason=f"no outcomes for metric '{claim.metric}'", untestable=Verdict.no_evidence,
        )  # fmt: skip
    if n < needed:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, n,
            reason=f"only {n} customer(s) measured; at least {needed} are needed for a test",
            untestable=Verdict.inconclusive,
        )  # fmt: skip
    return None


# ----------------------------------------------------------------------------- forms


def _average(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    n, mean, sd, bar = sample.n, sample.mean, sample.sd, threshold(claim)
    fulfilment = mean / claim.claimed if claim.claimed else None
    if sd == 0:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=mean, ci_low=mean,
            ci_high=mean, fulfilment=fulfilment, untestable=Verdict.inconclusive,
            reason="all measured values are equal, so the t-test cannot tell chance from effect",
        )  # fmt: skip
    se = sd / math.sqrt(n)
    t = (mean - bar) / se
    below, above = distributions.t_cdf(t, n - 1), distributions.t_sf(t, n - 1)
    p_worse, p_better = (below, above) if claim.direction is Direction.higher else (above, below)
    half = distributions.t_ppf(1 - alpha / 2, n - 1) * se
    one_sided = distributions.t_ppf(1 - alpha, n - 1) * se
    defensible = mean - one_sided if claim.direction is Direction.higher else mean + one_sided
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=mean,
        ci_low=mean - half, ci_high=mean + half, p_worse=p_worse, p_better=p_better,
        defensible=defensible, fulfilment=fulfilment,
        evidence_needed=_more_customers(n, abs(mean - bar) / sd, alpha),
    )  # fmt: skip


def _more_customers(n: int, effect: float, alpha: float) -> int | None:
    """Customers to add so a one-sided t-test at ``alpha`` has power 0.8 for this effect: the
    smallest n with enough power (power grows with n: double until it is reached, then bisect)."""
    if effect == 0:
        return None  # the data sit exactly at the threshold: no sample size separates them
    needed = _smallest_n_with_power(effect, alpha)
    return max(0, needed - n) if needed is not None else None


def _smallest_n_with_power(effect: float, alpha: float, limit: int = 10**9) -> int | None:
    def enough(nobs: int) -> bool:
        return distributions.t_test_power(effect, nobs, alpha) >= 0.8

    high = 2
    while not enough(high):
        high *= 2
        if high > limit:
            return None
    low = high // 2
    while low + 1 < high:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high


def _median_rank(n: int, tail: float) -> int:
    """Largest ``l`` with P(Bin(n, ½) ≤ l − 1) ≤ tail: the order statistic x₍ₗ₎ bounds the median."""
    rank = distributions.binom_ppf(tail, n, 0.5)  # smallest k with cdf(k) ≥ tail
    while rank >= 1 and distributions.binom_cdf(rank - 1, n, 0.5) > tail:
        rank -= 1
    while distributions.binom_cdf(rank, n, 0.5) <= tail:
        rank += 1
    return rank


def _median(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    n, bar = sample.n, threshold(claim)
    reaching = _reaching(sample, bar, claim.direction)
    p_worse, p_better = _binomial(reaching, n, 0.5)
    median = sample.quantile(0.5)
    reasons = []
    two_sided = _median_rank(n, alpha / 2)
    if two_sided >= 1:
        ci = (sample.order_statistic(two_sided), sample.order_statistic(n + 1 - two_sided))
    else:
        ci = (sample.order_statistic(1), sample.order_statistic(n))
        reasons.append(f"with {n} customers even the full range is less than a {1 - alpha:.0%} interval")
    one_sided = _median_rank(n, alpha)
    defensible = None
    if one_sided >= 1:
        low, high = sample.order_statistic(one_sided), sample.order_statistic(n + 1 - one_sided)
        defensible = low if claim.direction is Direction.higher else high
    else:
        reasons.append("too few customers for a one-sided bound on the median")
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=median, ci_low=ci[0],
        ci_high=ci[1], p_worse=p_worse, p_better=p_better, defensible=defensible,
        fulfilment=median / claim.claimed if claim.claimed else None, reason="; ".join(reasons),
    )  # fmt: skip


def _proportion(
    claim: Claim, sample: Sample, alpha: float, *, bar: float, null: float, defensible: float | None
) -> ClaimTest:
    n = sample.n
    reaching = _reaching(sample, bar, claim.direction)
    p_worse, p_better = _binomial(reaching, n, null)
    low, high = _wilson(reaching, n, alpha)
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=reaching / n, ci_low=low,
        ci_high=high, p_worse=p_worse, p_better=p_better, defensible=defensible,
    )  # fmt: skip


def _up_to(claim: Claim, sample: Sample, alpha: float, up_to_share: float) -> ClaimTest:
    assert claim.claimed is not None
    # the value at least π₀ of customers reached: the (1 − π₀) quantile, or the π₀ one when lower wins
    q = 1 - up_to_share if claim.direction is Direction.higher else up_to_share
    return _proportion(
        claim, sample, alpha, bar=claim.claimed, null=up_to_share, defensible=sample.quantile(q)
    )


def _share(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    assert claim.claimed is not None and claim.share is not None
    null = share_null(claim)
    k = _reaching(sample, claim.claimed, claim.direction)
    lower_bound = _wilson(k, sample.n, 2 * alpha)[0]
    return _proportion(claim, sample, alpha, bar=claim.claimed, null=null, defensible=lower_bound)


def _welch(mean_a: float, sd_a: float, n_a: int, mean_b: float, sd_b: float, n_b: int) -> tuple[float, float]:
    """Welch standard error and Satterthwaite degrees of freedom of ``mean_a − mean_b``."""
    va, vb = sd_a**2 / n_a, sd_b**2 / n_b
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    return se, df


def _ratio(ours: Sample, rival: Sample) -> float | None:
    return ours.mean / rival.mean if rival.mean else None


def _rival_problem(claim: Claim, ours: Sample, rival: Sample | None, test_name: str) -> ClaimTest | None:
    """Why a comparison with the competitor cannot run (too few of their customers, or no spread)."""
    too_small = _too_small(claim, rival.n if rival is not None else 0)
    if too_small is not None:
        return replace(too_small, n=ours.n, reason=f"{claim.competitor}: {too_small.reason}")
    assert rival is not None
    if ours.sd == 0 and rival.sd == 0:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=_ratio(ours, rival),
            untestable=Verdict.inconclusive,
            reason=f"both groups' values are all equal, so {test_name} cannot tell chance from effect",
        )  # fmt: skip
    return None


def _comparative(claim: Claim, ours: Sample, rival: Sample | None, alpha: float) -> ClaimTest:
    problem = _rival_problem(claim, ours, rival, "Welch's test")
    if problem is not None:
        return problem
    assert rival is not None and claim.ratio is not None
    higher = claim.direction is Direction.higher
    # "2× the savings of Rival": ours must beat ratio·(1 − tolerance)·rival (mirrored when lower wins)
    scale = comparative_scale(claim)
    ratio = _ratio(ours, rival)
    difference = ours.mean - scale * rival.mean
    se, df = _welch(ours.mean, ours.sd, ours.n, scale * rival.mean, scale * rival.sd, rival.n)
    t = difference / se
    below, above = distributions.t_cdf(t, df), distributions.t_sf(t, df)
    p_worse, p_better = (below, above) if higher else (above, below)
    half = distributions.t_ppf(1 - alpha / 2, df) * se
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=ratio,
        ci_low=difference - half, ci_high=difference + half, p_worse=p_worse, p_better=p_better,
        reason=f"interval is for mean(ours) − {scale:g} × mean({claim.competitor})",
    )  # fmt: skip


def _parity(claim: Claim, ours: Sample, rival: Sample | None, alpha: float) -> ClaimTest:
    problem = _rival_problem(claim, ours, rival, "the equivalence test")
    if problem is not None:
        return problem
    assert rival is not None
    ratio = _ratio(ours, rival)
    margin = claim.tolerance * abs(rival.mean)
    difference = ours.mean - rival.mean
    se, df = _welch(ours.mean, ours.sd, ours.n, rival.mean, rival.sd, rival.n)
    # TOST: both "difference > −δ" and "difference < +δ" must be shown
    p_tost = max(
        distributions.t_sf((difference + margin) / se, df),
        distributions.t_cdf((difference - margin) / se, df),
    )
    half = distributions.t_ppf(1 - alpha / 2, df) * se
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=ratio,
        ci_low=difference - half, ci_high=difference + half, p_better=p_tost,
        reason=f"equivalence margin ±{margin:g}; interval is for mean(ours) − mean({claim.competitor})",
    )  # fmt: skip


def test_claim(
    claim: Claim,
    ours: Sample | None,
    rival: Sample | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    up_to_share: float = DEFAULT_UP_TO_SHARE,
) -> ClaimTest:
    """Test one claim on its evidence (``rival`` for comparative and parity claims)."""
    if claim.form is ClaimForm.puffery:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, 0,
            reason="puffery makes no measurable promise", untestable=Verdict.not_testable,
        )  # fmt: skip
    too_small = _too_small(claim, ours.n if ours is not None else 0)
    if too_small is not None:
        return too_small
    assert ours is not None
    if claim.form is ClaimForm.average:
        return _average(claim, ours, alpha)
    if claim.form is ClaimForm.median:
        return _median(claim, ours, alpha)
    if claim.form is ClaimForm.up_to:
        return _up_to(claim, ours, alpha, up_to_share)
    if claim.form is ClaimForm.share:
        return _share(claim, ours, alpha)
    if claim.form is ClaimForm.comparative:
        return _comparative(claim, ours, rival, alpha)
    return _parity(claim, ours, rival, alpha)


test_claim.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite its name


def _holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values: sorted ascending, p_(i) × (m − i + 1), running maximum,
    capped at 1. Written out because statsmodels' Holm branch forces a full garbage collection on
    every call (about 0.1 s in an app process holding many objects); tests check it against
    ``statsmodels.stats.multitest.multipletests``."""
    values = np.asarray(p_values, dtype=float)
    order = np.argsort(values, kind="stable")
    scaled = values[order] * np.arange(values.size, 0, -1)
    adjusted = np.empty_like(values)
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted.tolist()


def _multiple_tests(p_values: list[float], alpha: float, correction: str) -> list[float]:
    if correction == "holm":
        return _holm(p_values)
    from statsmodels.stats.multitest import multipletests

    return list(multipletests(p_values, alpha=alpha, method=correction)[1])


def adjust(
    tests: list[ClaimTest], *, alpha: float = DEFAULT_ALPHA, correction: Correction = "holm"
) -> list[ClaimVerdict]:
    """Adjust the p-values of all tested claims together and give each claim its verdict."""
    tested = [i for i, t in enumerate(tests) if t.untestable is None and t.p_value is not None]
    adjusted: dict[int, float] = {}
    if tested:
        raw = [tests[i].p_value for i in tested]
        values = raw if correction == "none" else _multiple_tests(raw, alpha, correction)
        adjusted = {i: float(v) for i, v in zip(tested, values, strict=True)}
    verdicts = []
    for index, test in enumerate(tests):
        if index not in adjusted:
            verdicts.append(ClaimVerdict(test, None, test.untestable or Verdict.inconclusive))
            continue
        p = adjusted[index]
        verdict = Verdict.inconclusive
        if p < alpha:
            verdict = Verdict.exaggerated if test.side is Side.worse else Verdict.substantiated
            test = replace(test, evidence_needed=None)  # only an inconclusive claim needs more
        verdicts.append(ClaimVerdict(test, p, verdict))
    return verdicts
