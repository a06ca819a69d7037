"""Customer value and the value gap in money (METHODS.md section 5).

Per customer and period: promised benefit ``B_p = Σ C_k · m_k`` and realized benefit
``B_r = Σ estimate_k · m_k`` over the monetary claims, the gap ``G = B_p − B_r``, the sacrifice
``S = price + cost of access`` and customer value (net ``B_r − S``, ratio ``B_r / S``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from valuegap.model import AccessUnit, BenefitKind, Claim, Frequency, Proposition


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
class ClaimValue:
    claim_id: str
    money_per_unit: float | None
    promised: float | None  # C · m
    realized: float | None  # estimate · m
    gap: float | None  # promised − realized
    gap_share: float | None  # this claim's part of the total gap
    note: str = ""


@dataclass(frozen=True)
class ValueGap:
    promised_benefit: float
    realized_benefit: float
    gap: float
    sacrifice: float
    claims: tuple[ClaimValue, ...]

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
            "claims": [asdict(c) for c in self.claims],
        }


def value_gap(prop: Proposition, estimates: Mapping[str, float | None]) -> ValueGap:
    """The value gap from each claim's measured estimate (by claim id; None or absent = not measured).

    Only claims that are monetary, promise a value and were measured enter ``B_p`` and ``B_r``;
    every other claim is listed with a note saying why it was left out.
    """
    rows: list[tuple[Claim, float | None, float | None, str]] = []
    for claim in prop.claims:
        rate = money_per_unit(claim, prop)
        estimate = estimates.get(claim.id)
        note = ""
        if claim.claimed is None:
            note = "promises no measurable value"
        elif rate is None:
            note = "non-monetary: give it a money-per-unit amount to count it in money"
        elif estimate is None or not math.isfinite(estimate):
            note = "not measured yet"
            estimate = None
        rows.append((claim, rate, estimate, note))
    counted = [(c, r, e) for c, r, e, note in rows if not note]
    promised = sum(c.claimed * r for c, r, _ in counted)  # type: ignore[operator]
    realized = sum(e * r for _, r, e in counted)  # type: ignore[operator]
    gap = promised - realized
    values = []
    for claim, rate, estimate, note in rows:
        if note:
            values.append(ClaimValue(claim.id, rate, None, None, None, None, note))
            continue
        own_promised = claim.claimed * rate  # type: ignore[operator]
        own_realized = estimate * rate  # type: ignore[operator]
        own_gap = own_promised - own_realized
        values.append(
            ClaimValue(
                claim.id, rate, own_promised, own_realized, own_gap,
                own_gap / gap if gap != 0 else None,
            )
        )  # fmt: skip
    return ValueGap(promised, realized, gap, sacrifice(prop), tuple(values))


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
