"""Churn and revenue at risk from the value gap (METHODS.md section 7, "Churn and revenue").

Three steps, each returning a frozen dataclass:

1. :func:`gap_basis` / :func:`customer_gaps`: section 5's value gap applied to each customer,
   ``gap_i = Σ_k (C_k − x_ik) · m_k`` over the monetary claims, from the per-customer means the
   outcome summary already holds.
2. :func:`churn_data`: the customer table joined with those gaps, with every customer left out
   counted and explained.
3. :func:`fit_churn`: ``Logit(churned ~ gap + price + covariates)``. It never raises for data
   problems; a :class:`ChurnFit` without a model says why in plain words. The fitted
   :class:`ChurnModel` holds plain arrays only (picklable, cheap to cache) and answers what-if
   scenarios (price, value gap, segment) with numpy alone: churn rate with a delta-method band,
   revenue at risk and the part of it due to the value gap.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from valuegap.aggregates import OutcomeSummary
from valuegap.errors import ValueGapError
from valuegap.formatting import format_money
from valuegap.model import ClaimForm, Proposition
from valuegap.value import money_per_unit

MIN_CLASS_SIZE = 10
"""Fewest churners, and fewest stayers, the churn model is fitted with."""

MAX_STANDARDIZED = 10.0
"""Largest believable coefficient (or standard error) per standard deviation of its term; beyond it
the data separate churners from stayers and the estimate is not finite in truth (odds × e^10)."""

MIN_TENURE_SHARE = 0.5
"""Tenure enters the model when at least this share of the usable customers has it."""

GAP_FORMS = frozenset({ClaimForm.average, ClaimForm.median, ClaimForm.up_to, ClaimForm.share})
"""Claim forms whose promised value is in the metric's own units (so ``C − x`` is money after ``m``)."""

_PERIOD_ADJECTIVE = {
    "order": "per-order",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


# --------------------------------------------------------------------------- per-customer value gap


@dataclass(frozen=True, eq=False)
class GapBasis:
    """The per-customer value gap and what it was computed from.

    ``frame`` has ``customer_id, gap`` (money per period, positive = less than promised), one row per
    customer of our offer(s); ``claim_ids`` are the claims that entered it; ``missing`` counts, per
    claim, the customers without a value for its metric (they get the claim's mean over customers).
    """

    frame: pd.DataFrame
    claim_ids: tuple[str, ...]
    offers: tuple[str, ...]
    missing: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": len(self.frame),
            "mean_gap": float(self.frame["gap"].mean()) if len(self.frame) else 0.0,
            "claim_ids": list(self.claim_ids),
            "offers": list(self.offers),
            "missing": dict(self.missing),
            "notes": list(self.notes),
        }


def _our_offers(prop: Proposition, summary: OutcomeSummary, offer: str | None) -> list[int]:
    """Offer codes of "our" customers: ``offer`` if given, else every offer but the named rivals."""
    if offer is not None:
        return [i for i, name in enumerate(summary.offers) if name == offer]
    rivals = {
        c.competitor
        for c in prop.claims
        if c.form in (ClaimForm.comparative, ClaimForm.parity) and c.competitor
    }
    return [i for i, name in enumerate(summary.offers) if name not in rivals]


def _gather(summary: OutcomeSummary, groups: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Customer codes and values of the given groups, concatenated (one slice per group, not per customer)."""
    bounds = list(zip(groups["start"].astype(int), groups["stop"].astype(int), strict=True))
    if not bounds:
        return np.empty(0, np.int64), np.empty(0)
    codes = np.concatenate([summary.customers[a:b] for a, b in bounds]).astype(np.int64)
    values = np.concatenate([summary.values[a:b] for a, b in bounds])
    return codes, values


def gap_basis(prop: Proposition, summary: OutcomeSummary, *, offer: str | None = None) -> GapBasis:
    """Each customer's value gap in money per period (METHODS section 5, applied per customer).

    ``gap_i = Σ_k (C_k − x_ik) · m_k`` over the claims of a form that promises a value in the metric's
    own units (average, median, up to, share) with a metric, a claimed value and a money rate
    (:func:`valuegap.value.money_per_unit`); ``x_ik`` is customer ``i``'s mean of metric ``k`` over all
    periods, for our offer: ``offer`` if given, else every offer except the competitors the
    proposition's comparative and parity claims name.

    A customer without a value for claim ``k`` gets that claim's mean over the customers who have
    one: this keeps the mean of the per-customer gaps equal to the aggregate gap of section 5 for
    average claims, and lets every customer of the offer into the churn model. A customer measured
    in several groups of one metric (e.g. two segments) gets the mean of those group means.
    Without monetary claims every gap is 0 and a note says why.
    """
    offer_codes = _our_offers(prop, summary, offer)
    offers = tuple(summary.offers[i] for i in offer_codes)
    empty = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "gap": pd.Series([], dtype=float)})
    groups = summary.groups
    base = groups[(groups["period"] == -1) & groups["offer"].isin(offer_codes)]
    if base.empty:
        which = f"the offer {offer!r}" if offer is not None else "our offer"
        return GapBasis(empty, (), offers, notes=(f"The outcomes hold no customer of {which}.",))
    size = len(summary.customer_ids) or int(summary.customers.max(initial=-1)) + 1
    codes, _ = _gather(summary, base)
    present = np.zeros(size, dtype=bool)
    present[codes] = True
    ours = np.flatnonzero(present)

    gap = np.zeros(ours.size)
    used: list[str] = []
    missing: list[tuple[str, int]] = []
    notes: list[str] = []
    for claim in prop.claims:
        if claim.form not in GAP_FORMS or claim.metric is None or claim.claimed is None:
            continue
        rate = money_per_unit(claim, prop)
        if rate is None:
            notes.append(f"Claim {claim.id!r} is left out of the gap: it has no money value per unit.")
            continue
        code = summary.metrics.index(claim.metric) if claim.metric in summary.metrics else -1
        codes, values = _gather(summary, base[base["metric"] == code])
        if codes.size == 0:
            notes.append(f"Claim {claim.id!r} is left out of the gap: its metric is not measured yet.")
            continue
        sums = np.bincount(codes, weights=values, minlength=size)[ours]
        counts = np.bincount(codes, minlength=size)[ours]
        has = counts > 0
        x = np.divide(sums, counts, out=np.zeros_like(sums), where=has)
        x[~has] = x[has].mean()
        gap += (claim.claimed - x) * rate
        used.append(claim.id)
        if (~has).any():
            missing.append((claim.id, int((~has).sum())))
    if not used:
        notes.insert(
            0,
            "No claim promises a measured value in money (or in time with a value of time), so every "
            "customer's value gap is 0.",
        )
    for claim_id, count in missing:
        notes.append(
            f"{count} of {ours.size} customers have no value for claim {claim_id!r}; they are given the "
            "claim's mean over the customers who have one."
        )
    labels = np.asarray(summary.customer_ids, dtype=object) if len(summary.customer_ids) else ours.astype(str)
    frame = pd.DataFrame({"customer_id": labels[ours].astype(str).astype(object), "gap": gap + 0.0})
    return GapBasis(frame, tuple(used), offers, tuple(missing), tuple(notes))


def customer_gaps(prop: Proposition, summary: OutcomeSummary, *, offer: str | None = None) -> pd.DataFrame:
    """``customer_id, gap`` per customer of our offer; see :func:`gap_basis` for the rule."""
    return gap_basis(prop, summary, offer=offer).frame


# --------------------------------------------------------------------------- model data


@dataclass(frozen=True, eq=False)
class ChurnData:
    """Customers ready for the churn model, and who was left out and why.

    ``frame`` holds the customers used: ``customer_id, segment, churned (0/1), gap, price, revenue``
    and one column per name in ``covariates`` (e.g. ``log(tenure)``, ``segment[agency]``).
    ``table_revenue`` / ``table_segment`` cover every customer of the table with a known revenue, so
    a scenario can still show revenue when no model can be fitted.
    """

    frame: pd.DataFrame
    covariates: tuple[str, ...] = ()
    has_churn: bool = True
    customers_in_table: int = 0
    matched: int = 0
    notes: tuple[str, ...] = ()
    gap_claims: tuple[str, ...] = ()
    currency: str = "USD"
    period: str = "month"
    table_revenue: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    table_segment: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object), repr=False)

    @property
    def used(self) -> int:
        return len(self.frame)

    @property
    def churners(self) -> int:
        return int(self.frame["churned"].sum()) if self.used else 0

    @property
    def stayers(self) -> int:
        return self.used - self.churners

    @classmethod
    def from_arrays(
        cls,
        churned: Sequence[float] | np.ndarray,
        gap: Sequence[float] | np.ndarray,
        price: Sequence[float] | np.ndarray,
        revenue: Sequence[float] | np.ndarray | None = None,
        *,
        covariates: Mapping[str, Sequence[float] | np.ndarray] | None = None,
        segment: Sequence[str] | np.ndarray | None = None,
        currency: str = "USD",
        period: str = "month",
    ) -> ChurnData:
        """Model data straight from arrays (already clean), e.g. for a known data set or a test."""
        y = np.asarray(churned, dtype=float)
        n = y.size
        frame = pd.DataFrame(
            {
                "customer_id": [str(i + 1) for i in range(n)],
                "segment": np.asarray(segment if segment is not None else [""] * n, dtype=object),
                "churned": y.astype(int),
                "gap": np.asarray(gap, dtype=float),
                "price": np.asarray(price, dtype=float),
                "revenue": np.asarray(revenue if revenue is not None else price, dtype=float),
            }
        )
        for name, values in (covariates or {}).items():
            frame[name] = np.asarray(values, dtype=float)
        return cls(
            frame, tuple(covariates or ()), True, n, n, currency=currency, period=period,
            table_revenue=frame["revenue"].to_numpy(), table_segment=frame["segment"].to_numpy(),
        )  # fmt: skip

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers_in_table": self.customers_in_table,
            "matched": self.matched,
            "used": self.used,
            "churners": self.churners,
            "stayers": self.stayers,
            "has_churn": self.has_churn,
            "covariates": list(self.covariates),
            "gap_claims": list(self.gap_claims),
            "notes": list(self.notes),
        }


def _numbers(customers: pd.DataFrame, column: str) -> np.ndarray:
    if column not in customers.columns:
        return np.full(len(customers), np.nan)
    return pd.to_numeric(customers[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _left_out(count: int, lacking: str, where: str = "") -> str:
    """'3 customers have no price and are left out.' (singular for one customer)."""
    has, are = ("has", "is") if count == 1 else ("have", "are")
    return f"{_plural(count, 'customer', 'customers')}{where} {has} {lacking} and {are} left out."


def churn_data(
    prop: Proposition, summary: OutcomeSummary, customers: pd.DataFrame, *, offer: str | None = None
) -> ChurnData:
    """Join the customer table with each customer's value gap and choose the model's covariates.

    Customers are kept when they have outcomes (a gap), a churn flag of 0 or 1, and a finite price
    and revenue; each reason for leaving customers out becomes a note. Covariates: tenure when most
    customers have it (``log(tenure)`` when every tenure is positive), and segment dummies when there
    are two or more segments (reference: the largest segment).
    """
    basis = gap_basis(prop, summary, offer=offer)
    notes: list[str] = list(basis.notes)
    table = customers.reset_index(drop=True)
    in_table = len(table)
    ids = (
        table["customer_id"].astype(str).to_numpy(dtype=object)
        if "customer_id" in table.columns
        else np.full(in_table, "", dtype=object)
    )
    segments = (
        table["segment"].astype(object).where(table["segment"].notna(), "").astype(str).to_numpy(dtype=object)
        if "segment" in table.columns
        else np.full(in_table, "", dtype=object)
    )
    churned = _numbers(table, "churned")
    price, revenue, tenure = _numbers(table, "price"), _numbers(table, "revenue"), _numbers(table, "tenure")
    has_churn = bool(np.isfinite(churned).any())
    known_revenue = np.isfinite(revenue)
    common = dict(
        customers_in_table=in_table, gap_claims=basis.claim_ids, currency=prop.price.currency,
        period=prop.price.period.value, table_revenue=revenue[known_revenue],
        table_segment=segments[known_revenue],
    )  # fmt: skip

    first = ~pd.Series(ids).duplicated(keep="first").to_numpy()
    if (~first).any():
        notes.append(f"{_plural(int((~first).sum()), 'row repeats', 'rows repeat')} a customer id; "
                     "only the first row of each customer is used.")  # fmt: skip
    gaps = basis.frame.set_index("customer_id")["gap"]
    gap = gaps.reindex(ids).to_numpy(dtype=float)
    matched = first & np.isfinite(gap)
    unmatched = int((first & ~matched).sum())
    if unmatched:
        notes.append(_left_out(unmatched, "no outcomes for our offer", " in the customer table"))
    keep = matched.copy()
    if not has_churn:
        notes.append("The customer table has no churn column (churned 0/1).")
        keep[:] = False
    else:
        bad = keep & ~np.isin(churned, (0.0, 1.0))
        if bad.any():
            notes.append(_left_out(int(bad.sum()), "no churn flag (0 or 1)"))
        keep &= ~bad
    for values, what in ((price, "price"), (revenue, "revenue")):
        bad = keep & ~np.isfinite(values)
        if bad.any():
            notes.append(_left_out(int(bad.sum()), f"no {what}"))
        keep &= ~bad

    covariates: dict[str, np.ndarray] = {}
    has_tenure = keep & np.isfinite(tenure)
    if keep.any() and has_tenure.any():
        if has_tenure.sum() >= MIN_TENURE_SHARE * keep.sum():
            dropped = int((keep & ~has_tenure).sum())
            if dropped:
                notes.append(_left_out(dropped, "no tenure (a covariate of the model)"))
            keep = has_tenure
            if (tenure[keep] > 0).all():
                covariates["log(tenure)"] = np.log(tenure)
            else:
                covariates["tenure"] = tenure
                notes.append("Some tenures are 0 or negative, so tenure enters as is, not as its log.")
        else:
            notes.append(f"Tenure is left out of the model: only {int(has_tenure.sum())} of "
                         f"{int(keep.sum())} customers have it.")  # fmt: skip
    used_segments = segments[keep]
    levels, counts = np.unique(used_segments, return_counts=True)
    if levels.size >= 2:
        reference = levels[np.argmax(counts)]  # largest; ties go to the first label
        for level in levels:
            if level != reference:
                covariates[f"segment[{level or '(none)'}]"] = (segments == level).astype(float)
        notes.append(f"Segments are compared with the largest one, {reference or '(none)'!r}.")

    frame = pd.DataFrame(
        {
            "customer_id": ids[keep],
            "segment": used_segments,
            "churned": churned[keep].astype(int) if keep.any() else np.empty(0, int),
            "gap": gap[keep],
            "price": price[keep],
            "revenue": revenue[keep],
            **{name: values[keep] for name, values in covariates.items()},
        }
    )
    return ChurnData(
        frame, tuple(covariates), has_churn, matched=int(matched.sum()), notes=tuple(notes), **common
    )


# --------------------------------------------------------------------------- the fitted model


def _expit(eta: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(−η)) without overflow warnings (scipy's ufunc: one pass, no masked copies,
    which matters when a slider move evaluates it for every customer)."""
    from scipy.special import expit

    return expit(eta)


def _nice_step(spread: float) -> float:
    """A round amount about a tenth of a typical gap difference (USD 10 for a spread of ~100)."""
    if not math.isfinite(spread) or spread <= 0:
        return 1.0
    return float(10.0 ** (round(math.log10(spread)) - 1))


def _check_scenario(price_factor: float, gap_shift: float) -> None:
    if not (math.isfinite(price_factor) and price_factor >= 0):
        raise ValueGapError(f"the price factor must be a finite number of at least 0 (got {price_factor}).")
    if not math.isfinite(gap_shift):
        raise ValueGapError(f"the value gap change must be a finite amount (got {gap_shift}).")


def revenue_without_model(
    revenue: np.ndarray | Sequence[float], horizon: float, price_factor: float = 1.0
) -> float:
    """Revenue over ``horizon`` periods if nobody churns, revenue scaling with price (no model needed)."""
    _check_scenario(price_factor, 0.0)
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueGapError(f"the horizon must be a number of periods of at least 0 (got {horizon}).")
    values = np.asarray(revenue, dtype=float)
    return float(values[np.isfinite(values)].sum() * price_factor * horizon)


@dataclass(frozen=True, eq=False)
class ChurnModel:
    """A fitted churn Logit as plain arrays: coefficients, covariance and the customers it was fitted on.

    ``X`` is the design matrix (first column the constant) with one column per name in ``terms``;
    ``gap``, ``price``, ``revenue`` and ``segment`` are per customer (``price`` and ``gap`` are kept
    even when their column was dropped from ``X``). Scenarios change each customer's price by a
    factor and gap by a shift and recompute ``p̂_i = 1 / (1 + exp(−x_i'β))`` with numpy alone.
    """

    terms: tuple[str, ...]
    params: np.ndarray
    cov: np.ndarray
    X: np.ndarray
    revenue: np.ndarray
    price: np.ndarray
    gap: np.ndarray
    segment: np.ndarray
    churned: np.ndarray
    pseudo_r2: float = 0.0
    currency: str = "USD"
    period: str = "month"
    alpha: float = 0.05
    _eta: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_eta", self.X @ self.params)

    # ---------------------------------------------------------------- description

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def churners(self) -> int:
        return int(np.sum(self.churned))

    def _coef(self, term: str) -> float:
        return float(self.params[self.terms.index(term)]) if term in self.terms else 0.0

    @property
    def coefficients(self) -> pd.DataFrame:
        """term, coef, std_err, odds_ratio = exp(coef), ci_low, ci_high (odds ratio, Wald, level
        ``1 − alpha``) and p_value (two-sided Wald z test)."""
        se = np.sqrt(np.clip(np.diag(self.cov), 0.0, None))
        z = NormalDist().inv_cdf(1 - self.alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = np.where(se > 0, np.abs(self.params) / se, np.inf)
        p_value = np.array([math.erfc(s / math.sqrt(2)) if math.isfinite(s) else 0.0 for s in stat])
        return pd.DataFrame(
            {
                "term": list(self.terms),
                "coef": self.params,
                "std_err": se,
                "odds_ratio": np.exp(self.params),
                "ci_low": np.exp(self.params - z * se),
                "ci_high": np.exp(self.params + z * se),
                "p_value": np.clip(p_value, 0.0, 1.0),
            }
        )

    @property
    def gap_step(self) -> float:
        """The gap difference the plain-words sentence speaks of (a round amount)."""
        return _nice_step(float(np.std(self.gap)))

    @property
    def gap_odds_ratio(self) -> tuple[float, float, float] | None:
        """Odds ratio of churning per one unit of money of gap, with its CI; None without a gap term."""
        if "gap" not in self.terms:
            return None
        row = self.coefficients.set_index("term").loc["gap"]
        return float(row["odds_ratio"]), float(row["ci_low"]), float(row["ci_high"])

    @property
    def gap_sentence(self) -> str:
        """The gap's effect in plain words, for a round step of money per period."""
        if "gap" not in self.terms:
            return "The value gap is the same for every customer, so its effect on churn cannot be estimated."
        odds = self.gap_odds_ratio
        assert odds is not None
        step = self.gap_step
        ratio, low, high = (value**step for value in odds)
        adjective = _PERIOD_ADJECTIVE.get(self.period, f"per-{self.period}")
        level = round(100 * (1 - self.alpha))
        return (
            f"Each extra {format_money(step, self.currency)} of {adjective} value gap multiplies the odds "
            f"of churning by {ratio:.2f} ({level}% CI {low:.2f} to {high:.2f})."
        )

    def to_frame(self) -> pd.DataFrame:
        return self.coefficients

    def to_dict(self) -> dict[str, Any]:
        odds = self.gap_odds_ratio
        return {
            "n": self.n,
            "churners": self.churners,
            "pseudo_r2": self.pseudo_r2,
            "gap_odds_ratio": odds[0] if odds else None,
            "gap_ci": [odds[1], odds[2]] if odds else None,
            "gap_sentence": self.gap_sentence,
            "coefficients": self.coefficients.to_dict(orient="records"),
        }

    # ---------------------------------------------------------------- scenarios

    def _mask(self, segment: str | None) -> np.ndarray | slice:
        if segment is None:
            return slice(None)
        mask = self.segment == segment
        if not mask.any():
            raise ValueGapError(f"no customer of the segment {segment!r} is in the churn model.")
        return mask

    def _scenario(
        self, price_factor: float, gap_shift: float, zero_gap: bool, segment: str | None
    ) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray, np.ndarray]:
        """Rows, linear predictor, price and gap of the scenario's customers."""
        _check_scenario(price_factor, gap_shift)
        rows = self._mask(segment)
        price = self.price[rows] * price_factor
        gap = np.zeros_like(self.gap[rows]) if zero_gap else self.gap[rows] + gap_shift
        eta = self._eta[rows].copy()
        if price_factor != 1.0:
            eta += self._coef("price") * (price - self.price[rows])
        if zero_gap or gap_shift != 0.0:
            eta += self._coef("gap") * (gap - self.gap[rows])
        return rows, eta, price, gap

    def probabilities(
        self,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        zero_gap: bool = False,
        segment: str | None = None,
    ) -> np.ndarray:
        """Each customer's churn probability with price × ``price_factor`` and gap + ``gap_shift``
        (or 0 when ``zero_gap``), for one segment's customers when ``segment`` is given."""
        return _expit(self._scenario(price_factor, gap_shift, zero_gap, segment)[1])

    def churn_rate(
        self,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        zero_gap: bool = False,
        segment: str | None = None,
        alpha: float = 0.05,
    ) -> tuple[float, float, float]:
        """Mean churn probability of the scenario and its ``1 − alpha`` band by the delta method.

        The gradient of the mean with respect to β is the mean of ``p̂_i (1 − p̂_i) x_i`` over the
        scenario's design rows; its variance ``gᵀ Σ g``. The band is clipped to [0, 1].
        """
        rows, eta, price, gap = self._scenario(price_factor, gap_shift, zero_gap, segment)
        return self._rate_band(rows, _expit(eta), price, gap, alpha)

    def _rate_band(
        self, rows: np.ndarray | slice, p: np.ndarray, price: np.ndarray, gap: np.ndarray, alpha: float
    ) -> tuple[float, float, float]:
        weight = p * (1.0 - p) / p.size
        gradient = weight @ self.X[rows]
        if "price" in self.terms:
            gradient[self.terms.index("price")] = weight @ price
        if "gap" in self.terms:
            gradient[self.terms.index("gap")] = weight @ gap
        rate = float(p.mean())
        se = math.sqrt(max(float(gradient @ self.cov @ gradient), 0.0))
        half = NormalDist().inv_cdf(1 - alpha / 2) * se
        return rate, max(rate - half, 0.0), min(rate + half, 1.0)

    def figures(
        self,
        horizon: float,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        segment: str | None = None,
        alpha: float = 0.05,
    ) -> ChurnFigures:
        """Churn rate with its band, revenue at risk and the part due to the gap, from one pass over
        the customers: what a what-if shows, at half the cost of asking for each separately."""
        rows, eta, price, gap = self._scenario(price_factor, gap_shift, False, segment)
        p = _expit(eta)
        rate, low, high = self._rate_band(rows, p, price, gap, alpha)
        revenue = self.revenue[rows] * (price_factor * _horizon(horizon))
        without_gap = _expit(eta - self._coef("gap") * gap)
        at_risk = float(p @ revenue)
        return ChurnFigures(rate, low, high, at_risk, at_risk - float(without_gap @ revenue))

    def total_revenue(
        self, horizon: float, *, price_factor: float = 1.0, segment: str | None = None, **_: Any
    ) -> float:
        """Revenue of the model's customers over ``horizon`` periods if nobody churned."""
        rows = self._mask(segment)
        return revenue_without_model(self.revenue[rows], horizon, price_factor)

    def revenue_at_risk(
        self,
        horizon: float,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        zero_gap: bool = False,
        segment: str | None = None,
    ) -> float:
        """``Σ_i p̂_i · revenue_i · price_factor · H``: revenue expected to leave with churners."""
        rows, eta, _, _ = self._scenario(price_factor, gap_shift, zero_gap, segment)
        return float(_expit(eta) @ self.revenue[rows]) * price_factor * _horizon(horizon)

    def gap_revenue_at_risk(
        self,
        horizon: float,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        zero_gap: bool = False,
        segment: str | None = None,
    ) -> float:
        """``Σ_i [p̂_i(gap_i) − p̂_i(0)] · revenue_i · price_factor · H``: the part due to the gap."""
        rows, eta, _, gap = self._scenario(price_factor, gap_shift, zero_gap, segment)
        without = eta - self._coef("gap") * gap
        difference = _expit(eta) - _expit(without)
        return float(difference @ self.revenue[rows]) * price_factor * _horizon(horizon)


def _horizon(horizon: float) -> float:
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueGapError(f"the horizon must be a number of periods of at least 0 (got {horizon}).")
    return float(horizon)


@dataclass(frozen=True)
class ChurnFigures:
    """A scenario's churn rate (with its band) and revenue at risk over the horizon."""

    rate: float
    low: float
    high: float
    revenue_at_risk: float
    gap_revenue_at_risk: float


@dataclass(frozen=True, eq=False)
class ChurnFit:
    """The churn model, or why there is none (``model is None`` and ``reason`` in plain words).

    ``revenue`` and ``segment`` cover every customer of the table with a known revenue, for
    :func:`revenue_without_model` when there is no model.
    """

    model: ChurnModel | None
    reason: str = ""
    notes: tuple[str, ...] = ()
    customers_in_table: int = 0
    matched: int = 0
    used: int = 0
    churners: int = 0
    revenue: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    segment: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object), repr=False)

    @property
    def ok(self) -> bool:
        return self.model is not None

    def revenue_without_churn(
        self, horizon: float, *, price_factor: float = 1.0, segment: str | None = None
    ) -> float:
        """Revenue over the horizon of the table's customers (one segment's when given), nobody churning."""
        rows = self.segment == segment if segment is not None else slice(None)
        return revenue_without_model(self.revenue[rows], horizon, price_factor)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fitted": self.ok,
            "reason": self.reason,
            "notes": list(self.notes),
            "customers_in_table": self.customers_in_table,
            "matched": self.matched,
            "used": self.used,
            "churners": self.churners,
            "model": self.model.to_dict() if self.model else None,
        }


def _independent_columns(X: np.ndarray) -> list[int]:
    """Columns kept left to right while each adds to the rank (scaled, so units do not matter)."""
    scale = np.abs(X).max(axis=0)
    scaled = X / np.where(scale > 0, scale, 1.0)
    keep: list[int] = []
    for j in range(X.shape[1]):
        if np.linalg.matrix_rank(scaled[:, [*keep, j]]) > len(keep):
            keep.append(j)
    return keep


def fit_churn(data: ChurnData, *, alpha: float = 0.05) -> ChurnFit:
    """Fit ``Logit(churned ~ gap + price + covariates)`` with a constant (statsmodels, Newton).

    Never raises for data problems: no churn column, too few churners or stayers
    (:data:`MIN_CLASS_SIZE`), perfect or quasi-perfect separation and a fit that does not converge
    each give a :class:`ChurnFit` without a model and a reason. A term that is the same for every
    customer (e.g. one price for all) or a combination of other terms is dropped with a note.
    """
    notes = list(data.notes)
    used, churners, stayers = data.used, data.churners, data.stayers

    def without(reason: str) -> ChurnFit:
        return ChurnFit(
            None, reason, tuple(notes), data.customers_in_table, data.matched, used, churners,
            data.table_revenue, data.table_segment,
        )  # fmt: skip

    if not data.has_churn:
        return without("The customer table has no churn column (churned 0/1), so churn cannot be modelled.")
    if used == 0:
        return without("No customer could be used for the churn model. " + " ".join(data.notes))
    if churners < MIN_CLASS_SIZE or stayers < MIN_CLASS_SIZE:
        return without(
            f"The churn model needs at least {MIN_CLASS_SIZE} customers who churned and {MIN_CLASS_SIZE} "
            f"who stayed; the data have {churners} who churned and {stayers} who stayed."
        )

    frame = data.frame
    names = ["const", "gap", "price", *data.covariates]
    X = np.column_stack([np.ones(used), *(frame[name].to_numpy(dtype=float) for name in names[1:])])
    y = frame["churned"].to_numpy(dtype=float)
    if not np.isfinite(X).all():
        return without("Some customers have a missing or infinite gap, price or covariate.")
    keep = [0]
    for j, name in enumerate(names[1:], start=1):
        if np.ptp(X[:, j]) > 0:
            keep.append(j)
        elif name == "price":
            notes.append(
                f"Every customer pays the same price ({format_money(float(X[0, j]), data.currency)}), so "
                "price is left out of the model: a price scenario changes revenue, not churn."
            )
        elif name == "gap":
            notes.append("Every customer has the same value gap, so the gap is left out of the model.")
        else:
            notes.append(f"{name} is the same for every customer and is left out of the model.")
    independent = [keep[i] for i in _independent_columns(X[:, keep])]
    for j in keep:
        if j not in independent:
            notes.append(
                f"{names[j]} follows from the other terms (e.g. price set by segment) and is left out "
                "of the model."
            )
    X = X[:, independent]
    terms = tuple(names[j] for j in independent)

    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    separated = (
        "Churners and stayers are (almost) perfectly separated by the model's terms ("
        + ", ".join(t for t in terms if t != "const")
        + "), so its coefficients would be infinite; more customers, or fewer terms, are needed."
    )
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            result = Logit(y, X).fit(disp=0, maxiter=100)
        except (PerfectSeparationError, np.linalg.LinAlgError):
            # the design has full rank, so a singular Hessian means every p̂(1 − p̂) went to 0
            return without(separated)
        except (ValueError, OverflowError) as error:
            return without(f"The churn model could not be fitted ({error}); the terms may be collinear.")
        params = np.asarray(result.params, dtype=float)
        cov = np.asarray(result.cov_params(), dtype=float)
        pseudo_r2 = float(result.prsquared)
        converged = bool(result.mle_retvals.get("converged", True))
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return without(separated)
    se = np.sqrt(np.diag(cov)) if np.isfinite(cov).all() and (np.diag(cov) >= 0).all() else None
    if se is None or not np.isfinite(params).all():
        return without(separated)
    spread = X.std(axis=0)
    slope = np.arange(len(terms)) > 0
    if (slope & ((np.abs(params) * spread > MAX_STANDARDIZED) | (se * spread > MAX_STANDARDIZED))).any():
        return without(separated)
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return without(
            "The churn model did not converge (the estimates kept changing); this usually means "
            "churners and stayers are almost separated, or the terms are nearly collinear."
        )
    model = ChurnModel(
        terms=terms, params=params, cov=cov, X=X,
        revenue=frame["revenue"].to_numpy(dtype=float), price=frame["price"].to_numpy(dtype=float),
        gap=frame["gap"].to_numpy(dtype=float), segment=frame["segment"].to_numpy(dtype=object),
        churned=y, pseudo_r2=pseudo_r2 if math.isfinite(pseudo_r2) else 0.0,
        currency=data.currency, period=data.period, alpha=alpha,
    )  # fmt: skip
    return ChurnFit(
        model, "", tuple(notes), data.customers_in_table, data.matched, used, churners,
        data.table_revenue, data.table_segment,
    )  # fmt: skip
