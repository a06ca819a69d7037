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

from valuegap.errors import ValueGapError
from valuegap.evidence import distributions
from valuegap.model.proposition import Claim, ClaimForm, Direction

DEFAULT_ALPHA = 0.05
DEFAULT_UP_TO_SHARE = 0.90  # π₀: "all or almost all customers" (the FTC's reading of "up to")
Correction = Literal["holm", "fdr_bh", "none"]


_CORRECTIONS: dict[str, Correction] = {"holm": "holm", "fdr_bh": "fdr_bh", "none": "none"}


def as_correction(name: str) -> Correction:
    """A multiplicity correction named in a link, a share setting or a widget; Holm when unknown."""
    return _CORRECTIONS.get(name, "holm")


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
    @property
    def skewness(self) -> float: ...  # γ = m₃ / s³ with m₃ = Σ(x − x̄)³ / n; 0 without spread

    def count_at_least(self, bar: float) -> int: ...
    def count_at_most(self, bar: float) -> int: ...
    def order_statistic(self, k: int) -> float: ...  # 1-based: 1 = smallest
    def quantile(self, q: float) -> float: ...  # numpy's default (linear) method


def skewness(values: np.ndarray, sd: float) -> float:
    """``γ = m₃ / s³`` with ``m₃ = Σ(x − x̄)³ / n`` and ``s`` the sample standard deviation (ddof 1),
    the skewness Hall's transform uses (METHODS §1); 0 when there is no spread."""
    if sd == 0 or values.size < 2:
        return 0.0
    centred = values - values.mean()
    return float(np.mean(centred**3) / sd**3)


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
        return float(self.values.std(ddof=1)) if self.n >= 2 and self.values[0] != self.values[-1] else 0.0

    @property
    def skewness(self) -> float:
        return skewness(self.values, self.sd)

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
    """``p₀ − δₛ``, the share a ``share`` claim is tested against, with ``δₛ = tolerance × (1 − p₀)``:
    the tolerance applies to the failure rate the claim allows (METHODS §1)."""
    assert claim.share is not None
    return claim.share - claim.tolerance * (1 - claim.share)


def comparative_scale(claim: Claim) -> float:
    """The multiple of the rival's mean ours must beat: ``ratio·(1 − tolerance)``, or
    ``ratio·(1 + tolerance)`` when lower wins."""
    assert claim.ratio is not None
    return claim.ratio * (1 - claim.tolerance if claim.direction is Direction.higher else 1 + claim.tolerance)


def parity_bounds(claim: Claim) -> tuple[float, float]:
    """``(k₋, k₊) = (1 − tolerance, 1 + tolerance)``: the ratios a parity claim must lie between."""
    return 1 - claim.tolerance, 1 + claim.tolerance


def _reaching(sample: Sample, bar: float, direction: Direction) -> int:
    """How many customers reach ``bar`` in the claim's direction (x ≥ bar, or x ≤ bar for lower)."""
    return sample.count_at_least(bar) if direction is Direction.higher else sample.count_at_most(bar)


def _binomial(k: int, n: int, p0: float) -> tuple[float, float]:
    """Exact binomial one-sided p-values: (H1 share < p0, H1 share > p0)."""
    return distributions.binomial_p_values(k, n, p0)


def _wilson(k: int, n: int, alpha: float) -> tuple[float, float]:
    return distributions.wilson_interval(k, n, alpha)


def no_outcomes_reason(metric: str | None) -> str:
    """Why a claim has no verdict when no customer was measured on its metric, in words; the metric's
    name only as the quoted label to look for in the data: "no customer outcomes measured for this
    claim's metric (“hours_saved” in the data)"."""
    label = f" (“{metric}” in the data)" if metric else ""
    return f"no customer outcomes measured for this claim's metric{label}"


def _too_small(claim: Claim, n: int, *, needed: int = 2) -> ClaimTest | None:
    if n == 0:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, 0,
            reason=no_outcomes_reason(claim.metric), untestable=Verdict.no_evidence,
        )  # fmt: skip
    if n < needed:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, n,
            reason=f"only {n} customer measured; at least {needed} are needed for a test",
            untestable=Verdict.inconclusive,
        )  # fmt: skip
    return None


def _fulfilment(estimate: float | None, promised: float | None, direction: Direction) -> float | None:
    """How much of the promise was delivered, read in the claim's direction (METHODS §2): 1.0 is as
    promised, below 1 less; ``None`` when the ratio is undefined or not positive."""
    if estimate is None or promised is None or promised == 0 or estimate == 0:
        return None
    value = estimate / promised if direction is Direction.higher else promised / estimate
    return value if math.isfinite(value) and value >= 0 else None


def fulfilment_interval(claim: Claim, test: ClaimTest) -> tuple[float, float] | None:
    """The claim's interval on the fulfilment scale (METHODS §2), so several claims share one axis
    read in each claim's direction; ``None`` where the interval is not of the fulfilment's quantity
    (up to: the interval is of the share, the fulfilment of the mean) or not positive."""
    if test.ci_low is None or test.ci_high is None:
        return None
    promised = {
        ClaimForm.average: claim.claimed,
        ClaimForm.median: claim.claimed,
        ClaimForm.share: claim.share,
        ClaimForm.comparative: claim.ratio,
        ClaimForm.parity: 1.0,
    }.get(claim.form)
    if promised is None or promised <= 0 or test.ci_low <= 0:
        return None
    if claim.direction is Direction.higher or claim.form is ClaimForm.share:
        return test.ci_low / promised, test.ci_high / promised
    return promised / test.ci_high, promised / test.ci_low


# ----------------------------------------------------------------------------- Hall's transform


def hall_t(t: float, a: float) -> float:
    """Hall's (1992) skewness-corrected statistic ``t_H = t + a·t²/3 + a²·t³/27 + a/6``."""
    return t + a * t * t / 3 + a * a * t**3 / 27 + a / 6


def hall_inverse(c: float, a: float) -> float:
    """The ``t`` with ``hall_t(t, a) = c``: ``(3/a)·(cbrt(1 + a·(c − a/6)) − 1)``, or ``c`` when
    ``a = 0`` (the transform is monotone, so the inverse is unique).

    Written as ``3z / (u² + u + 1)`` with ``z = c − a/6`` and ``u = cbrt(1 + a·z)`` (the same number,
    since ``u³ − 1 = a·z``): the textbook form divides a rounding residue by ``a`` when the skewness is
    tiny but not zero (symmetric data), and returned 0 for ``t``.
    """
    z = c - a / 6
    u = float(np.cbrt(1 + a * z))
    return 3 * z / (u * u + u + 1)


def _hall_terms(sample: Sample) -> tuple[float, float]:
    """``a = γ/√n`` and the standard error ``s/√n`` of a sample with spread."""
    root_n = math.sqrt(sample.n)
    return sample.skewness / root_n, sample.sd / root_n


# ----------------------------------------------------------------------------- forms


def _average(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    assert claim.claimed is not None
    n, mean, sd, bar = sample.n, sample.mean, sample.sd, threshold(claim)
    fulfilment = _fulfilment(mean, claim.claimed, claim.direction)
    if sd == 0:
        return ClaimTest(
            claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=mean,
            fulfilment=fulfilment, untestable=Verdict.inconclusive,
            reason="all measured values are equal, so the t-test cannot tell chance from effect",
        )  # fmt: skip
    a, se = _hall_terms(sample)
    t_h = hall_t((mean - bar) / se, a)
    below, above = distributions.t_cdf(t_h, n - 1), distributions.t_sf(t_h, n - 1)
    p_worse, p_better = (below, above) if claim.direction is Direction.higher else (above, below)
    two_sided = distributions.t_ppf(1 - alpha / 2, n - 1)
    one_sided = distributions.t_ppf(1 - alpha, n - 1)
    # a bound is x̄ − t(c)·s/√n; c = +q gives the lower bound, c = −q the upper (the same interval
    # comes out when lower wins and everything is mirrored, so one formula serves both directions)
    ci_low, ci_high = mean - hall_inverse(two_sided, a) * se, mean - hall_inverse(-two_sided, a) * se
    higher = claim.direction is Direction.higher
    defensible = mean - hall_inverse(one_sided if higher else -one_sided, a) * se
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=mean,
        ci_low=ci_low, ci_high=ci_high, p_worse=p_worse, p_better=p_better,
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


def median_rank(n: int, tail: float) -> int:
    """Largest rank ``l`` with P(Bin(n, ½) ≤ l − 1) < ``tail``, or 0 when there is none: the order
    statistic x₍ₗ₎ is then a lower bound of the median with coverage above 1 − ``tail`` (and x₍ₙ₊₁₋ₗ₎
    an upper one). That is the smallest k with P(Bin(n, ½) ≤ k) ≥ ``tail``."""
    return distributions.binom_ppf(tail, n, 0.5)


def _median(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    n, bar = sample.n, threshold(claim)
    reaching = _reaching(sample, bar, claim.direction)
    p_worse, p_better = _binomial(reaching, n, 0.5)
    median = sample.quantile(0.5)
    reasons = []
    ci_low = ci_high = defensible = None
    two_sided = median_rank(n, alpha / 2)
    if two_sided >= 1:
        ci_low, ci_high = sample.order_statistic(two_sided), sample.order_statistic(n + 1 - two_sided)
    else:
        reasons.append(
            f"with {n} customers no interval of the median reaches {1 - alpha:.0%} confidence, "
            "so none is shown"
        )
    one_sided = median_rank(n, alpha)
    if one_sided >= 1:
        higher = claim.direction is Direction.higher
        defensible = sample.order_statistic(one_sided if higher else n + 1 - one_sided)
    else:
        reasons.append("too few customers for a one-sided bound on the median")
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=median, ci_low=ci_low,
        ci_high=ci_high, p_worse=p_worse, p_better=p_better, defensible=defensible,
        fulfilment=_fulfilment(median, claim.claimed, claim.direction), reason="; ".join(reasons),
    )  # fmt: skip


def _proportion(
    claim: Claim,
    sample: Sample,
    alpha: float,
    *,
    null: float,
    defensible: float | None,
    fulfilment: float | None,
    reason: str = "",
) -> ClaimTest:
    assert claim.claimed is not None
    n = sample.n
    reaching = _reaching(sample, claim.claimed, claim.direction)
    p_worse, p_better = _binomial(reaching, n, null)
    low, high = _wilson(reaching, n, alpha)
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, n, estimate=reaching / n, ci_low=low,
        ci_high=high, p_worse=p_worse, p_better=p_better, defensible=defensible, fulfilment=fulfilment,
        reason=reason,
    )  # fmt: skip


def up_to_count(n: int, alpha: float, up_to_share: float) -> int:
    """``k*``: the smallest count with P(Bin(n, π₀) ≥ k*) < α (``n + 1`` when even all n are not
    enough)."""
    k = distributions.binom_ppf(1 - alpha, n, up_to_share) + 1  # P(X ≥ k) = 1 − cdf(k − 1) ≤ α
    while k > 0 and distributions.binom_sf_at_least(k - 1, n, up_to_share) < alpha:
        k -= 1
    while k <= n and distributions.binom_sf_at_least(k, n, up_to_share) >= alpha:
        k += 1
    return k


def up_to_customers_needed(alpha: float, up_to_share: float) -> int:
    """The fewest customers with which any "up to" claim can be supported: π₀ⁿ < α."""
    return math.floor(math.log(alpha) / math.log(up_to_share)) + 1


def _up_to(claim: Claim, sample: Sample, alpha: float, up_to_share: float) -> ClaimTest:
    n = sample.n
    k_star = up_to_count(n, alpha, up_to_share)
    defensible = None
    reason = ""
    if k_star > n:
        needed = up_to_customers_needed(alpha, up_to_share)
        reason = (
            f"no 'up to' claim is supported by {n} customers: at least {needed} are needed "
            f"to show that {up_to_share:.0%} of customers reach a value"
        )
    elif claim.direction is Direction.higher:
        defensible = sample.order_statistic(n - k_star + 1)  # the k*-th largest value
    else:
        defensible = sample.order_statistic(k_star)  # the k*-th smallest value
    return _proportion(
        claim, sample, alpha, null=up_to_share, defensible=defensible,
        fulfilment=_fulfilment(sample.mean, claim.claimed, claim.direction), reason=reason,
    )  # fmt: skip


def clopper_pearson_lower(k: int, n: int, alpha: float) -> float:
    """One-sided ``1 − α`` Clopper–Pearson lower bound of a share: ``Beta⁻¹(α; k, n − k + 1)``."""
    return 0.0 if k == 0 else distributions.beta_ppf(alpha, k, n - k + 1)


def _share(claim: Claim, sample: Sample, alpha: float) -> ClaimTest:
    assert claim.claimed is not None and claim.share is not None
    k = _reaching(sample, claim.claimed, claim.direction)
    null = share_null(claim)
    reason = ""
    if null <= 0:
        reason = (
            f"a {claim.tolerance:.0%} tolerance on the {1 - claim.share:.0%} of customers this claim allows "
            "to miss leaves no share to test against (any customer reaching the bar would do); lower the "
            "tolerance"
        )
    return _proportion(
        claim, sample, alpha, null=max(null, 0.0),
        defensible=clopper_pearson_lower(k, sample.n, alpha), fulfilment=k / sample.n / claim.share,
        reason=reason,
    )  # fmt: skip


def satterthwaite(va: float, na: int, vb: float, nb: int) -> float:
    """Welch–Satterthwaite degrees of freedom of a difference with variance terms ``va`` and ``vb``
    (squared standard errors) from ``na`` and ``nb`` values; when both terms vanish the formula is
    0/0, and the smaller group's ``n − 1`` is the conservative answer."""
    denominator = va * va / (na - 1) + vb * vb / (nb - 1)
    if denominator == 0 or not math.isfinite(denominator):
        return float(min(na, nb) - 1)
    return (va + vb) ** 2 / denominator


def _welch_p(ours: Sample, rival: Sample, scale: float) -> tuple[float, float]:
    """Welch's one-sided p-values of ``x̄_ours − scale·x̄_rival``: (H1 below 0, H1 above 0)."""
    vo, vr = ours.sd**2 / ours.n, (scale * rival.sd) ** 2 / rival.n
    se = math.sqrt(vo + vr)
    if se == 0:
        raise _TooExtreme
    df = satterthwaite(vo, ours.n, vr, rival.n)
    t = (ours.mean - scale * rival.mean) / se
    return distributions.t_cdf(t, df), distributions.t_sf(t, df)


def fieller(ours: Sample, rival: Sample, level: float) -> tuple[float, float] | None:
    """Fieller's interval of ``x̄_ours / x̄_rival`` at two-sided coverage ``level``: the ρ with
    ``(x̄_o − ρ·x̄_r)² ≤ q²·(v_o + ρ²·v_r)``, ``q`` the t quantile with Welch–Satterthwaite degrees of
    freedom at ρ̂. ``None`` when the set is not a bounded interval (Rival's mean too uncertain)."""
    ratio = _ratio(ours, rival)
    if ratio is None:
        return None
    vo, vr = ours.sd**2 / ours.n, rival.sd**2 / rival.n
    df = satterthwaite(vo, ours.n, ratio * ratio * vr, rival.n)
    q2 = distributions.t_ppf(1 - (1 - level) / 2, df) ** 2
    a = rival.mean**2 - q2 * vr
    if a <= 0:
        return None
    b = ours.mean * rival.mean
    root = math.sqrt(max(b * b - a * (ours.mean**2 - q2 * vo), 0.0))
    low, high = (b - root) / a, (b + root) / a
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


class _TooExtreme(ArithmeticError):
    """The values are so close to 0 or so large that the comparison's arithmetic leaves the floats."""


_RIVAL_TOO_UNCERTAIN = "{rival}'s mean is too uncertain for an interval of the ratio"


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


def _ratio(ours: Sample, rival: Sample) -> float | None:
    """``x̄_ours / x̄_rival``, or ``None`` when it is not a finite number."""
    if not rival.mean:
        return None
    ratio = ours.mean / rival.mean
    return ratio if math.isfinite(ratio) else None


def _too_extreme(claim: Claim, ours: Sample, rival: Sample) -> ClaimTest:
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=_ratio(ours, rival),
        untestable=Verdict.inconclusive,
        reason="the values are too close to zero (or too large) to compare the two groups' means",
    )  # fmt: skip


def _comparative(claim: Claim, ours: Sample, rival: Sample | None, alpha: float) -> ClaimTest:
    problem = _rival_problem(claim, ours, rival, "Welch's test")
    if problem is not None:
        return problem
    assert rival is not None
    try:
        return _compare(claim, ours, rival, alpha)
    except (_TooExtreme, OverflowError, ZeroDivisionError):
        return _too_extreme(claim, ours, rival)


def _compare(claim: Claim, ours: Sample, rival: Sample, alpha: float) -> ClaimTest:
    assert claim.ratio is not None
    higher = claim.direction is Direction.higher
    below, above = _welch_p(ours, rival, comparative_scale(claim))
    p_worse, p_better = (below, above) if higher else (above, below)
    ratio = _ratio(ours, rival)
    interval = fieller(ours, rival, 1 - alpha)
    bound = fieller(ours, rival, 1 - 2 * alpha)  # its ends are the one-sided 1 − α bounds
    reasons = []
    if interval is None:
        reasons.append(_RIVAL_TOO_UNCERTAIN.format(rival=claim.competitor))
    defensible = None if bound is None else bound[0] if higher else bound[1]
    if defensible is not None and defensible <= 0:
        defensible = None  # no positive multiple of the rival's result is supported
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=ratio,
        ci_low=interval[0] if interval else None, ci_high=interval[1] if interval else None,
        p_worse=p_worse, p_better=p_better, defensible=defensible,
        fulfilment=_fulfilment(ratio, claim.ratio, claim.direction), reason="; ".join(reasons),
    )  # fmt: skip


def _parity(claim: Claim, ours: Sample, rival: Sample | None, alpha: float) -> ClaimTest:
    problem = _rival_problem(claim, ours, rival, "the equivalence test")
    if problem is not None:
        return problem
    assert rival is not None
    try:
        return _equivalence(claim, ours, rival, alpha)
    except (_TooExtreme, OverflowError, ZeroDivisionError):
        return _too_extreme(claim, ours, rival)


def _equivalence(claim: Claim, ours: Sample, rival: Sample, alpha: float) -> ClaimTest:
    low, high = parity_bounds(claim)
    below_low, above_low = _welch_p(ours, rival, low)
    below_high, above_high = _welch_p(ours, rival, high)
    # TOST: "ours > k₋·rival" and "ours < k₊·rival" must both be shown
    p_inside = max(above_low, below_high)
    if claim.direction is Direction.higher:
        p_worse, p_beyond = below_low, above_high
    else:
        p_worse, p_beyond = above_high, below_low
    ratio = _ratio(ours, rival)
    interval = fieller(ours, rival, 1 - 2 * alpha)
    reasons = []
    if p_beyond < alpha:
        reasons.append("better than parity: a comparative claim may be supported")
    if interval is None:
        reasons.append(_RIVAL_TOO_UNCERTAIN.format(rival=claim.competitor))
    fulfilment = None
    if ratio is not None and ratio > 0:
        fulfilment = ratio if claim.direction is Direction.higher else 1 / ratio
    return ClaimTest(
        claim.id, claim.form.value, claim.metric, claim.claimed, ours.n, estimate=ratio,
        ci_low=interval[0] if interval else None, ci_high=interval[1] if interval else None,
        p_worse=p_worse, p_better=p_inside, fulfilment=fulfilment, reason="; ".join(reasons),
    )  # fmt: skip


def run_claim_test(
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
        raw = [p for p in (tests[i].p_value for i in tested) if p is not None]  # none is, by `tested`
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
