"""Customer value and the value gap in money (METHODS.md section 5).

The gap is defined per customer, in each claim's own units, then priced with the claim's money per
unit and averaged over customers: ``G = Σ_k mean_i g_ik``. From it: the promised benefit ``B_p``,
the realized benefit ``B_r = B_p − G``, the sacrifice ``S = price + cost of access`` and customer
value (net ``B_r − S``, ratio ``B_r / S``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from valuegap.model.proposition import (
    AccessUnit,
    BenefitKind,
    Claim,
    ClaimForm,
    Direction,
    Frequency,
    Proposition,
)

LEVEL_FORMS = frozenset({ClaimForm.average, ClaimForm.median, ClaimForm.up_to})
"""Claim forms that promise each customer a level ``C`` of the metric."""


def money_per_unit(claim: Claim, prop: Proposition) -> float | None:
    """Money one unit of the claim's metric is worth, or None when the claim stays non-monetary.

    The claim's own ``money_per_unit`` wins; otherwise 1 for money, the value of time for time, and
    nothing for capability, asset value and enjoyment (those need a user-given amount).
    """
    if claim.money_per_unit is not None:
        return claim.money_per_unit
    if claim.benefit is BenefitKind.money:
        return 1.0
    if claim.benefit is BenefitKind.time:
        return prop.value_of_time
    return None


def sacrifice(prop: Proposition) -> float:
    """Price plus cost of access in money per period (one-off items spread over the horizon)."""
    total = prop.price.amount
    for item in prop.cost_of_access:
        rate = (prop.value_of_time or 0.0) if item.unit is AccessUnit.hours else 1.0
        amount = item.amount * rate
        total += amount / prop.horizon if item.frequency is Frequency.once else amount
    return total


@dataclass(frozen=True)
class Measured:
    """What section 5 needs of one claim's evidence: our customers' mean of the metric, the share of
    them reaching the claim's bar ``C`` (``bar``; share claims) and the rival's mean (comparative and
    parity claims, in the same segment)."""

    mean: float | None = None
    reaching: float | None = None
    bar: float | None = None
    rival_mean: float | None = None


def direction_sign(claim: Claim) -> float:
    """``s_k``: +1 when more is better, −1 when less is."""
    return 1.0 if claim.direction is Direction.higher else -1.0


def promised_level(claim: Claim) -> float | None:
    """The level a customer is promised, in the units the gap is counted in: ``C`` for average,
    median and up-to claims, ``p₀`` for share claims; ``None`` for claims that promise no level."""
    if claim.form in LEVEL_FORMS:
        return claim.claimed
    if claim.form is ClaimForm.share:
        return claim.share
    return None


def claim_gap(claim: Claim, measured: Measured | None) -> float | None:
    """The mean over customers of the per-customer gap ``g_ik / m_k`` (METHODS §5), in the metric's
    own units (a share of customers for share claims); positive = customers got less than promised.
    ``None`` when the claim promises nothing measurable or lacks the evidence it needs."""
    if measured is None or claim.form is ClaimForm.puffery:
        return None
    sign = direction_sign(claim)
    if claim.form in LEVEL_FORMS:
        if claim.claimed is None or measured.mean is None:
            return None
        return sign * (claim.claimed - measured.mean)
    if claim.form is ClaimForm.share:
        if claim.share is None or measured.reaching is None or measured.bar != claim.claimed:
            return None  # the share that reaches another bar says nothing about this one
        return claim.share - measured.reaching
    if measured.mean is None or measured.rival_mean is None:
        return None
    if claim.form is ClaimForm.comparative:
        if claim.ratio is None:
            return None
        return sign * (claim.ratio * measured.rival_mean - measured.mean)
    return sign * (measured.rival_mean - measured.mean)  # parity


@dataclass(frozen=True)
class ClaimValue:
    claim_id: str
    money_per_unit: float | None
    promised: float | None  # the promised level in money (higher-is-better level claims and shares)
    realized: float | None  # promised − gap, where a level was promised
    gap: float | None  # mean per-customer gap in money
    gap_share: float | None  # this claim's part of the total gap
    note: str = ""
    gap_units: float | None = None  # the same gap in the metric's own units


@dataclass(frozen=True)
class ValueGap:
    promised_benefit: float
    realized_benefit: float
    gap: float
    sacrifice: float
    claims: tuple[ClaimValue, ...]

    @property
    def monetary(self) -> bool:
        """Whether any claim is counted in money (otherwise the net value would only be ``−S``)."""
        return any(c.gap is not None for c in self.claims)

    @property
    def unmeasured(self) -> tuple[str, ...]:
        """Ids of monetary claims left out of the figures because they lack evidence."""
        return tuple(c.claim_id for c in self.claims if c.note == NOT_MEASURED)

    @property
    def net_value(self) -> float:
        return self.realized_benefit - self.sacrifice

    @property
    def net_value_as_promised(self) -> float:
        return self.promised_benefit - self.sacrifice

    @property
    def value_ratio(self) -> float | None:
        return self.realized_benefit / self.sacrifice if self.sacrifice > 0 else None

    @property
    def value_ratio_as_promised(self) -> float | None:
        return self.promised_benefit / self.sacrifice if self.sacrifice > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "promised_benefit": self.promised_benefit,
            "realized_benefit": self.realized_benefit,
            "gap": self.gap,
            "sacrifice": self.sacrifice,
            "net_value": self.net_value,
            "net_value_as_promised": self.net_value_as_promised,
            "value_ratio": self.value_ratio,
            "value_ratio_as_promised": self.value_ratio_as_promised,
            "monetary": self.monetary,
            "unmeasured": list(self.unmeasured),
            "claims": [asdict(c) for c in self.claims],
        }


NOT_MEASURED = "not measured yet"


def value_gap(prop: Proposition, measured: Mapping[str, Measured | None]) -> ValueGap:
    """The value gap per customer and period (METHODS §5) from each claim's evidence (by claim id;
    None or absent = not measured).

    ``G = Σ_k gap_k · m_k`` over the monetary claims with evidence; the promised benefit ``B_p`` sums
    ``C_k · m_k`` over those of them that promise a level in the higher-is-better direction (average,
    median, up to) and ``p₀ · m_k`` over share claims; ``B_r = B_p − G``. Every claim left out is
    listed with a note saying why.
    """
    values: list[ClaimValue] = []
    promised_total = gap_total = 0.0
    for claim in prop.claims:
        rate = money_per_unit(claim, prop)
        gap = claim_gap(claim, measured.get(claim.id))
        note = ""
        if claim.form is ClaimForm.puffery:
            note = "promises no measurable value"
        elif rate is None:
            note = "non-monetary: give it a money-per-unit amount to count it in money"
        elif gap is None:
            note = NOT_MEASURED
        if note:
            values.append(ClaimValue(claim.id, rate, None, None, None, None, note, gap))
            continue
        assert rate is not None and gap is not None
        level = promised_level(claim)
        counts_as_benefit = level is not None and (
            claim.form is ClaimForm.share or claim.direction is Direction.higher
        )
        promised = level * rate if counts_as_benefit and level is not None else None
        money = gap * rate + 0.0  # + 0.0: a zero rate gives 0, not "−0"
        promised_total += promised or 0.0
        gap_total += money
        realized = promised - money if promised is not None else None
        values.append(ClaimValue(claim.id, rate, promised, realized, money, None, "", gap))
    shares = [
        replace(v, gap_share=v.gap / gap_total) if v.gap is not None and gap_total != 0 else v for v in values
    ]
    return ValueGap(promised_total, promised_total - gap_total, gap_total, sacrifice(prop), tuple(shares))


@dataclass(frozen=True)
class ExperienceGap:
    """Experience minus expectation on one survey item (``P − E``), paired over respondents."""

    item: str
    n: int
    mean_expected: float
    mean_experienced: float
    gap: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    note: str = ""


def experience_gap(item: str, expected: Any, experienced: Any, *, alpha: float = 0.05) -> ExperienceGap:
    """Paired t-test of ``experienced − expected`` (respondents with both answers only)."""
    import numpy as np
    from scipy import stats

    e = np.asarray(expected, dtype="float64")
    p = np.asarray(experienced, dtype="float64")
    both = np.isfinite(e) & np.isfinite(p)
    e, p = e[both], p[both]
    n = int(e.size)
    if n == 0:
        return ExperienceGap(item, 0, 0.0, 0.0, None, None, None, None, "no respondent answered both")
    diff = p - e
    mean_e, mean_p, gap = float(e.mean()), float(p.mean()), float(diff.mean())
    if n < 2 or float(diff.std(ddof=1)) == 0:
        why = "only one respondent" if n < 2 else "every respondent's difference is the same"
        return ExperienceGap(item, n, mean_e, mean_p, gap, gap, gap, None, f"no test: {why}")
    se = float(diff.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(1 - alpha / 2, n - 1)) * se
    p_value = float(stats.ttest_rel(p, e).pvalue)
    return ExperienceGap(item, n, mean_e, mean_p, gap, gap - half, gap + half, p_value)
