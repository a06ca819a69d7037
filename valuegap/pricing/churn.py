"""Churn and revenue at risk from the value gap (METHODS.md section 7, "Churn and revenue").

Three steps, each returning a frozen dataclass:

1. :func:`gap_basis` / :func:`customer_gaps`: section 5's value gap of each customer,
   ``G_i = Σ_k g_ik`` over the monetary claims of every form but puffery, in the claim's direction
   (:func:`claim_gaps` holds the rule of each form), from the per-customer means the outcome
   summary already holds.
2. :func:`churn_data`: the customer table joined with those gaps, with every customer left out
   counted by reason.
3. :func:`fit_churn`: ``Logit(churned ~ gap + price + covariates)``. It never raises for data
   problems; a :class:`ChurnFit` without a model says why in plain words. The fitted
   :class:`ChurnModel` holds plain arrays only (picklable, cheap to cache) and answers what-if
   scenarios (price, value gap, segment) with numpy alone: churn rate with a delta-method band,
   revenue at risk, the revenue at risk from under-delivery and the net effect of delivering exactly
   the promise, each with its delta-method interval.
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

from valuegap.errors import ValueGapError
from valuegap.evidence.value_gap import money_per_unit
from valuegap.model.claim_titles import claim_title, claim_titles
from valuegap.model.proposition import Claim, ClaimForm, Direction, Proposition
from valuegap.reporting.formatting import format_money
from valuegap.sources.engine import Evidence

MIN_CLASS_SIZE = 10
"""Fewest churners, and fewest stayers, the churn model is fitted with."""

MAX_STANDARDIZED = 10.0
"""Largest believable coefficient (or standard error) per standard deviation of its term; beyond it
the data separate churners from stayers and the estimate is not finite in truth (odds × e^10)."""

MIN_TENURE_SHARE = 0.5
"""Tenure enters the model when more than this share of the usable customers has it ("most")."""

GAP_FORMS = frozenset(ClaimForm) - {ClaimForm.puffery}
"""Claim forms with a per-customer gap (METHODS section 5); puffery promises nothing measurable."""

RIVAL_FORMS = frozenset({ClaimForm.comparative, ClaimForm.parity})
"""Forms whose promise is relative to a rival's mean."""

INTERCEPT = "intercept"

_PERIOD_ADJECTIVE = {
    "order": "per-order",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


# --------------------------------------------------------------------------- per-customer value gap


def claim_gaps(
    claim: Claim,
    values: np.ndarray | Sequence[float],
    money: float,
    rival_mean: float | np.ndarray | None = None,
) -> np.ndarray:
    """Customer gaps ``g_ik`` on one claim (METHODS section 5), money per period, positive = less
    than promised, for the customers' values ``x_ik`` of the claim's metric.

    With ``s = +1`` (higher) or ``−1`` (lower): average, median and up to ``s·(C − x)·m``;
    comparative ``s·(ratio·x̄_rival − x)·m``; parity ``s·(x̄_rival − x)·m`` (``rival_mean`` one number,
    or one per value: the rival's mean in each value's segment); share
    ``(p₀ − 1[x reaches C])·m``, where reaching is ``x ≥ C`` (higher) or ``x ≤ C`` (lower).
    """
    x = np.asarray(values, dtype=float)
    sign = 1.0 if claim.direction is Direction.higher else -1.0
    form = claim.form
    if form in (ClaimForm.average, ClaimForm.median, ClaimForm.up_to):
        if claim.claimed is None:
            raise ValueGapError(f"claim {claim.id!r} promises no value, so it has no gap.")
        return sign * (claim.claimed - x) * money
    if form is ClaimForm.share:
        if claim.claimed is None or claim.share is None:
            raise ValueGapError(f"claim {claim.id!r} needs its bar and its share for a gap.")
        reaches = x >= claim.claimed if claim.direction is Direction.higher else x <= claim.claimed
        return (claim.share - reaches.astype(float)) * money
    if form in RIVAL_FORMS:
        if rival_mean is None or not np.isfinite(rival_mean).all():
            raise ValueGapError(f"claim {claim.id!r} compares with a rival whose mean is not known.")
        ratio = 1.0 if form is ClaimForm.parity else claim.ratio
        if ratio is None:
            raise ValueGapError(f"claim {claim.id!r} needs its ratio for a gap.")
        return sign * (ratio * rival_mean - x) * money
    raise ValueGapError(f"claim {claim.id!r} is puffery: it promises nothing measurable, so it has no gap.")


@dataclass(frozen=True, eq=False)
class GapBasis:
    """The per-customer value gap and what it was computed from.

    ``frame`` has ``customer_id, gap`` (money per period, positive = less than promised), one row per
    customer of our offer(s); ``per_claim`` has one column per claim in ``claim_ids`` (its ``g_ik``,
    rows aligned with ``frame``); ``missing`` counts, per claim, the customers without a value for
    its metric (they count the claim's mean gap); ``rival_ids`` are the customers measured only
    under a competitor a claim names (never ours).
    """

    frame: pd.DataFrame
    claim_ids: tuple[str, ...]
    offers: tuple[str, ...]
    missing: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()
    per_claim: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    rival_ids: frozenset[str] = frozenset()

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([self.frame, self.per_claim.add_prefix("gap:")], axis=1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": len(self.frame),
            "mean_gap": float(self.frame["gap"].mean()) if len(self.frame) else 0.0,
            "claim_ids": list(self.claim_ids),
            "offers": list(self.offers),
            "missing": dict(self.missing),
            "notes": list(self.notes),
        }


def competitors(prop: Proposition) -> frozenset[str]:
    """Offers named as a competitor by any claim: their customers are never ours."""
    return frozenset(c.competitor for c in prop.claims if c.competitor)


def _rival_mean(summary: Evidence, metric: str, rival: str, segment: str | None) -> float | None:
    sample = summary.sample(metric, offer=rival, segment=segment)
    return float(sample.mean) if sample is not None and sample.n > 0 else None


def gap_basis(prop: Proposition, summary: Evidence, *, offer: str | None = None) -> GapBasis:
    """Each customer's value gap ``G_i = Σ_k g_ik`` in money per period (METHODS section 5).

    ``g_ik`` follows :func:`claim_gaps` for every claim but puffery that has a money rate
    (:func:`valuegap.evidence.value_gap.money_per_unit`); ``x_ik`` is customer ``i``'s mean of claim ``k``'s
    metric over all periods. Our customers are those of ``offer`` if given, else of every offer but
    the competitors the claims name. For comparative and parity claims ``x̄_rival`` is the rival's
    mean in the customer's segment when the customer has one and the rival has customers there,
    else the rival's overall mean; a note says how many customers got which.

    A customer without a value for claim ``k`` counts that claim's mean gap over the customers who
    have one, so the mean of ``G_i`` is the proposition's gap ``Σ_k mean_i g_ik``. A customer
    measured in several segments of one metric counts the mean of their gaps there. Without
    monetary claims every gap is 0 and a note says why.
    """
    rivals = competitors(prop)
    if offer is not None:
        offers = tuple(o for o in summary.offers if o == offer and o not in rivals)
    else:
        offers = tuple(o for o in summary.offers if o not in rivals)
    empty = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "gap": pd.Series([], dtype=float)})
    presence = summary.customer_offers()  # customer_id, offer: who is measured under which offer
    ours_ids = pd.Index(presence.loc[presence["offer"].isin(offers), "customer_id"].unique())
    rival_only = presence.loc[presence["offer"].isin(rivals), "customer_id"]
    rival_ids = frozenset(str(c) for c in rival_only.unique() if c not in set(ours_ids))
    if ours_ids.empty:
        which = f"the offer {offer!r}" if offer is not None else "our offer"
        if offer is not None and offer in rivals:
            which += ", which a claim names as a competitor"
        return GapBasis(
            empty, (), offers, notes=(f"The outcomes hold no customer of {which}.",), rival_ids=rival_ids
        )
    ours_ids = ours_ids.sort_values()
    wanted = [
        c for c in prop.claims if c.form in GAP_FORMS and c.metric is not None and c.claimed is not None
    ]
    values = summary.customer_values({c.metric for c in wanted if c.metric is not None})
    values = values[values["offer"].isin(offers)]

    gap = np.zeros(len(ours_ids))
    per_claim: dict[str, np.ndarray] = {}
    missing: list[tuple[str, int]] = []
    notes: list[str] = []
    unpriced: list[str] = []
    for claim in wanted:
        rate = money_per_unit(claim, prop)
        if rate is None:
            unpriced.append(claim_title(claim))
            continue
        own = values[values["metric"] == claim.metric]
        if own.empty:
            notes.append(f"Claim {_named(claim)} is left out of the gap: its metric is not measured yet.")
            continue
        rival = np.full(len(own), np.nan)
        in_segment = elsewhere = 0
        if claim.form in RIVAL_FORMS:
            assert claim.metric is not None
            overall = _rival_mean(summary, claim.metric, claim.competitor or "", None)
            if overall is None:
                notes.append(
                    f"Claim {_named(claim)} is left out of the gap: {claim.competitor}'s customers have no "
                    f"values of {claim.metric}, so there is nothing to compare with."
                )
                continue
            local = {
                segment: _rival_mean(summary, claim.metric, claim.competitor or "", segment)
                if segment
                else None
                for segment in own["segment"].unique()
            }
            chosen = own["segment"].map(lambda s: overall if local[s] is None else local[s])  # noqa: B023
            rival = chosen.to_numpy(dtype=float)
            in_segment = int(own["segment"].map(lambda s: local[s] is not None).sum())  # noqa: B023
            elsewhere = len(own) - in_segment
        g = claim_gaps(
            claim, own["value"].to_numpy(dtype=float), rate, rival if claim.form in RIVAL_FORMS else None
        )
        by_customer = pd.Series(g, index=own["customer_id"].to_numpy()).groupby(level=0).mean()
        g_k = by_customer.reindex(ours_ids).to_numpy(dtype=float, copy=True)
        has = ~np.isnan(g_k)
        g_k[~has] = g_k[has].mean()
        gap += g_k
        per_claim[claim.id] = g_k + 0.0
        if (~has).any():
            missing.append((claim.id, int((~has).sum())))
        if claim.form in RIVAL_FORMS:
            notes.append(_rival_note(claim, in_segment, elsewhere))
    if unpriced:
        notes.append(unpriced_claims_note(unpriced))
    if not per_claim:
        notes.insert(
            0,
            "No claim promises a measured value in money (or in time with a value of time), so every "
            "customer's value gap is 0.",
        )
    titles = claim_titles(prop.claims)
    for claim_id, count in missing:
        notes.append(
            f"{count:,} of {len(ours_ids):,} customers have no value for claim “{titles[claim_id]}”; they "
            "count the claim's mean gap over the customers who have one."
        )
    frame = pd.DataFrame({"customer_id": ours_ids.astype(str).to_numpy(dtype=object), "gap": gap + 0.0})
    return GapBasis(
        frame, tuple(per_claim), offers, tuple(missing), tuple(notes),
        pd.DataFrame(per_claim, index=frame.index), rival_ids,
    )  # fmt: skip


def unpriced_claims_note(titles: Sequence[str]) -> str:
    """One sentence naming (by their short titles) every claim left out of the gap for having no money
    value per unit."""
    if len(titles) == 1:
        return f"Claim “{titles[0]}” is left out of the gap: it has no money value per unit."
    named = ", ".join(f"“{t}”" for t in titles[:-1]) + f" and “{titles[-1]}”"
    return f"Claims {named} are left out of the gap: they have no money value per unit."


def _named(claim: Claim) -> str:
    """The claim by its words, in quotes, for a note: “Saves you 5 hours of invoicing admin…”."""
    return f"“{claim_title(claim)}”"


def term_label(term: str) -> str:
    """A model term in words: ``log(tenure)`` → "Tenure (log)", ``segment[singles]`` → "Segment: singles"."""
    fixed = {INTERCEPT: "Baseline (intercept)", "gap": "Value gap (per 1 unit of money)", "price": "Price"}
    if term in fixed:
        return fixed[term]
    if term.startswith("log(") and term.endswith(")"):
        return f"{term_label(term[4:-1])} (log)"
    if term.startswith("segment[") and term.endswith("]"):
        return f"Segment: {term[8:-1]}"
    words = term.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def format_p_value(p: float) -> str:
    """A p-value for reading: "< 0.001" below a thousandth, else 3 decimals (2 significant digits
    above 0.01)."""
    if not math.isfinite(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def format_odds(value: float) -> str:
    """An odds ratio for reading: 3 significant digits, "< 0.001" and "> 999" at the ends (never the
    scientific notation of a baseline odds)."""
    if not math.isfinite(value):
        return "—"
    return "< 0.001" if value < 0.001 else "> 999" if value > 999 else f"{value:.3g}"


def coefficients_display(coefficients: pd.DataFrame) -> pd.DataFrame:
    """:attr:`ChurnModel.coefficients` for reading: the term in words, the odds ratio, its interval and
    the p-value as text ("< 0.001" for tiny ones)."""
    return pd.DataFrame(
        {
            "Term": [term_label(t) for t in coefficients["term"]],
            "Odds ratio": [format_odds(float(v)) for v in coefficients["odds_ratio"]],
            "95% interval": [
                f"{format_odds(float(low))} to {format_odds(float(high))}"
                for low, high in zip(coefficients["ci_low"], coefficients["ci_high"], strict=True)
            ],
            "p-value": [format_p_value(float(p)) for p in coefficients["p_value"]],
        }
    )


def _rival_note(claim: Claim, in_segment: int, elsewhere: int) -> str:
    rival = claim.competitor
    if not elsewhere:
        return (
            f"Claim {_named(claim)} compares each customer with {rival}'s mean in the customer's own segment."
        )
    if not in_segment:
        return f"Claim {_named(claim)} compares each customer with {rival}'s overall mean."
    return (
        f"Claim {_named(claim)} compares {_plural(in_segment, 'customer value', 'customer values')} with "
        f"{rival}'s mean in the customer's own segment and {elsewhere:,} (no segment, or a segment "
        f"without {rival} customers) with {rival}'s overall mean."
    )


def customer_gaps(prop: Proposition, summary: Evidence, *, offer: str | None = None) -> pd.DataFrame:
    """``customer_id, gap`` per customer of our offer; see :func:`gap_basis` for the rule."""
    return gap_basis(prop, summary, offer=offer).frame


# --------------------------------------------------------------------------- model data


@dataclass(frozen=True, eq=False)
class ChurnData:
    """Customers ready for the churn model, and who was left out and why.

    ``frame`` holds the customers used: ``customer_id, segment, churned (0/1), gap, price, revenue``
    and one column per name in ``covariates`` (e.g. ``log(tenure)``, ``segment[agency]``).
    ``left_out`` counts the customers left out per reason (in the order the checks run); ``notes``
    say everything in plain words, ``remarks`` all but who was left out (claims left out of the gap,
    which rival mean, defaults, terms).
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
    left_out: tuple[tuple[str, int], ...] = ()
    remarks: tuple[str, ...] = ()

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
            "left_out": dict(self.left_out),
            "notes": list(self.notes),
        }


def _numbers(customers: pd.DataFrame, column: str) -> np.ndarray:
    if column not in customers.columns:
        return np.full(len(customers), np.nan)
    return pd.to_numeric(customers[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _left_out(count: int, lacking: str, where: str = "") -> str:
    """'3 customers have no price and are left out.' (singular for one customer)."""
    has, are = ("has", "is") if count == 1 else ("have", "are")
    return f"{_plural(count, 'customer', 'customers')}{where} {has} {lacking} and {are} left out."


# reasons a customer of the table is left out, in the order they are checked (the CLI prints them)
REPEATED = "customer id repeats an earlier row (only the first row of each customer is used)"
RIVAL = "a competitor's customer (outcomes only under an offer a claim compares with)"
NO_OUTCOMES = "no outcomes for our offer"
NO_CHURN = "no churn flag (0 or 1)"
NO_PRICE = "no price"
NO_REVENUE = "no revenue"
NO_TENURE = "no tenure (a covariate of the model)"


def churn_data(
    prop: Proposition, summary: Evidence, customers: pd.DataFrame, *, offer: str | None = None
) -> ChurnData:
    """Join the customer table with each customer's value gap and choose the model's covariates.

    Customers are kept when they have outcomes for our offer (a gap), a churn flag of 0 or 1, and a
    finite price and revenue; each reason for leaving customers out is counted (``left_out``) and
    said in a note. ``price`` is the customer's price, the proposition's when the table has no price
    at all; ``revenue`` defaults to the customer's price. Covariates: tenure when most customers
    have it (``log(tenure)`` when every used tenure is > 0, else ``tenure``), and ``segment[NAME]``
    for every segment but the largest when there are two or more.
    """
    basis = gap_basis(prop, summary, offer=offer)
    notes: list[str] = list(basis.notes)
    left_out: list[tuple[str, int]] = []
    counted: set[str] = set()  # the notes that say who was left out (``left_out`` counts them)

    def leave_out(reason: str, count: int, sentence: str) -> None:
        left_out.append((reason, count))
        notes.append(sentence)
        counted.add(sentence)

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
    if in_table and not np.isfinite(price).any():
        price = np.full(in_table, prop.price.amount)
        notes.append(
            "The customer table has no prices, so every customer is given the proposition's price of "
            f"{format_money(prop.price.amount, prop.price.currency)} per {prop.price.period.value}."
        )
    defaulted = ~np.isfinite(revenue) & np.isfinite(price)
    if defaulted.any():
        revenue = np.where(defaulted, price, revenue)
        if int(defaulted.sum()) < in_table:
            notes.append(
                f"{_plural(int(defaulted.sum()), 'customer has', 'customers have')} no revenue; their "
                "price is taken as their revenue per period."
            )
        else:
            notes.append("The customer table has no revenue, so each customer's price is their revenue.")
    has_churn = bool(np.isfinite(churned).any())
    known_revenue = np.isfinite(revenue)
    common = dict(
        customers_in_table=in_table, gap_claims=basis.claim_ids, currency=prop.price.currency,
        period=prop.price.period.value, table_revenue=revenue[known_revenue],
        table_segment=segments[known_revenue],
    )  # fmt: skip

    first = ~pd.Series(ids).duplicated(keep="first").to_numpy()
    repeated = int((~first).sum())
    if repeated:
        leave_out(REPEATED, repeated, f"{_plural(repeated, 'row repeats', 'rows repeat')} a customer id; "
                  "only the first row of each customer is used.")  # fmt: skip
    gaps = basis.frame.set_index("customer_id")["gap"]
    gap = gaps.reindex(ids).to_numpy(dtype=float)
    matched = first & np.isfinite(gap)
    rival = first & ~matched & np.isin(ids, list(basis.rival_ids))
    if rival.any():
        names = ", ".join(sorted(competitors(prop)))
        count = int(rival.sum())
        leave_out(
            RIVAL,
            count,
            _left_out(count, f"outcomes only under a competitor ({names})", " in the customer table"),
        )
    unmatched = first & ~matched & ~rival
    if unmatched.any():
        count = int(unmatched.sum())
        leave_out(NO_OUTCOMES, count, _left_out(count, "no outcomes for our offer", " in the customer table"))
    keep = matched.copy()
    if not has_churn:
        notes.append("The customer table has no churn column (churned 0/1).")
        keep[:] = False
    else:
        bad = keep & ~np.isin(churned, (0.0, 1.0))
        if bad.any():
            leave_out(NO_CHURN, int(bad.sum()), _left_out(int(bad.sum()), "no churn flag (0 or 1)"))
        keep &= ~bad
    for values, what, reason in ((price, "price", NO_PRICE), (revenue, "revenue", NO_REVENUE)):
        bad = keep & ~np.isfinite(values)
        if bad.any():
            leave_out(reason, int(bad.sum()), _left_out(int(bad.sum()), f"no {what}"))
        keep &= ~bad

    covariates: dict[str, np.ndarray] = {}
    has_tenure = keep & np.isfinite(tenure)
    if keep.any() and has_tenure.any():
        if has_tenure.sum() > MIN_TENURE_SHARE * keep.sum():
            dropped = int((keep & ~has_tenure).sum())
            if dropped:
                leave_out(NO_TENURE, dropped, _left_out(dropped, "no tenure (a covariate of the model)"))
            keep = has_tenure
            if (tenure[keep] > 0).all():
                with np.errstate(divide="ignore", invalid="ignore"):
                    covariates["log(tenure)"] = np.where(keep, np.log(np.where(keep, tenure, 1.0)), np.nan)
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
        notes.append(f"Segments are compared with the largest one, “{reference or 'no segment'}”.")

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
        frame, tuple(covariates), has_churn, matched=int(matched.sum()), notes=tuple(notes),
        left_out=tuple(left_out), remarks=tuple(n for n in notes if n not in counted), **common,
    )  # fmt: skip


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


def _horizon(horizon: float) -> float:
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueGapError(f"the horizon must be a number of periods of at least 0 (got {horizon}).")
    return float(horizon)


def revenue_without_model(
    revenue: np.ndarray | Sequence[float], horizon: float, price_factor: float = 1.0
) -> float:
    """Revenue over ``horizon`` periods if nobody churns, revenue scaling with price (no model needed)."""
    _check_scenario(price_factor, 0.0)
    values = np.asarray(revenue, dtype=float)
    return float(values[np.isfinite(values)].sum() * price_factor * _horizon(horizon))


def promise_gap_shift(before: Proposition, after: Proposition) -> float:
    """How much every customer's gap ``G_i`` changes when the promises change from ``before`` to
    ``after`` (same claims, other promised values): ``Σ_k s_k · (C'_k − C_k) · m_k`` over the
    average, median and up-to claims with a money rate (METHODS section 5).

    A share claim's bar moves customers across it one by one, not all by one amount, and comparative
    and parity claims promise a ratio, so a change of their ``claimed`` value does not shift the gap.
    """
    shift = 0.0
    old = {claim.id: claim for claim in before.claims}
    for claim in after.claims:
        was = old.get(claim.id)
        if (
            was is None
            or claim.form not in (ClaimForm.average, ClaimForm.median, ClaimForm.up_to)
            or claim.claimed is None
            or was.claimed is None
        ):
            continue
        rate = money_per_unit(claim, after)
        if rate is None:
            continue
        sign = 1.0 if claim.direction is Direction.higher else -1.0
        shift += sign * (claim.claimed - was.claimed) * rate
    return shift


@dataclass(frozen=True)
class RevenueFigure:
    """A revenue figure over the horizon with its delta-method interval (level ``1 − alpha``)."""

    estimate: float
    ci_low: float
    ci_high: float

    def share_of(self, total: float) -> float | None:
        """The figure as a share of ``total`` (e.g. of revenue at risk), only when it lies between 0
        and the total (METHODS section 7): otherwise it is no part of it and None is returned."""
        if total > 0 and 0 <= self.estimate <= total:
            return self.estimate / total
        return None

    def to_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class ChurnFigures:
    """A scenario's churn rate (with its band) and its revenue figures over the horizon.

    ``revenue`` is the revenue of the scenario's customers if nobody churned; ``revenue_at_risk``
    ``= Σ p̂_i(G_i)·revenue_i·H``; ``under_delivery`` ``= Σ [p̂_i(G_i) − p̂_i(min(G_i, 0))]·revenue_i·H``
    (only shortfalls removed); ``net_effect`` ``= Σ [p̂_i(G_i) − p̂_i(0)]·revenue_i·H`` (negative when
    customers get more than promised on balance).
    """

    rate: float
    low: float
    high: float
    revenue: float
    revenue_at_risk: RevenueFigure
    under_delivery: RevenueFigure
    net_effect: RevenueFigure

    def sentences(self, currency: str, *, level: int = 95) -> dict[str, str]:
        """The three revenue figures in plain words (:func:`revenue_sentences`)."""
        return revenue_sentences(
            self.revenue_at_risk, self.under_delivery, self.net_effect, currency, level=level
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "churn_rate": {"estimate": self.rate, "ci_low": self.low, "ci_high": self.high},
            "revenue": self.revenue,
            "revenue_at_risk": self.revenue_at_risk.to_dict(),
            "under_delivery": self.under_delivery.to_dict(),
            "net_effect": self.net_effect.to_dict(),
        }


def revenue_sentences(
    at_risk: RevenueFigure, under: RevenueFigure, net: RevenueFigure, currency: str, *, level: int = 95
) -> dict[str, str]:
    """Plain words for revenue at risk, under-delivery and the net effect (METHODS section 7), keyed
    ``revenue_at_risk``, ``under_delivery``, ``net_effect``; ``level`` is the intervals' level in %.

    A gap figure is called a share of revenue at risk only when it lies between 0 and the total
    (METHODS section 7); otherwise it is said as what it is: a change of revenue at risk.
    """
    total = at_risk.estimate

    def money(value: float) -> str:
        return format_money(value, currency)

    def interval(figure: RevenueFigure, *, negated: bool = False) -> str:
        low, high = (-figure.ci_high, -figure.ci_low) if negated else (figure.ci_low, figure.ci_high)
        return f"{level}% CI {money(low)} to {money(high)}"

    texts = {
        "revenue_at_risk": (
            f"Revenue expected to leave with customers who churn: Σ churn probability × revenue × horizon "
            f"({interval(at_risk)})."
        )
    }
    share = under.share_of(total)
    if share is not None:
        texts["under_delivery"] = (
            f"{money(under.estimate)} ({share:.0%} of the revenue at risk) is at risk because customers get "
            f"less than promised ({interval(under)})."
        )
    elif under.estimate < 0:
        texts["under_delivery"] = (
            f"In this model a larger gap goes with less churn: removing only the shortfalls would raise "
            f"revenue at risk by {money(-under.estimate)} ({interval(under, negated=True)})."
        )
    else:
        texts["under_delivery"] = (
            f"Revenue at risk from under-delivery: {money(under.estimate)} ({interval(under)})."
        )
    share = net.share_of(total)
    if share is not None:
        texts["net_effect"] = (
            f"Delivering exactly the promise to every customer would lower revenue at risk by "
            f"{money(net.estimate)} ({share:.0%} of it; {interval(net)})."
        )
    elif net.estimate < 0:
        texts["net_effect"] = (
            f"Customers get more than promised on balance: delivering exactly the promise would raise "
            f"revenue at risk by {money(-net.estimate)} ({interval(net, negated=True)})."
        )
    else:
        texts["net_effect"] = (
            f"Delivering exactly the promise would lower revenue at risk by {money(net.estimate)} "
            f"({interval(net)})."
        )
    return texts


@dataclass(frozen=True, eq=False)
class ChurnModel:
    """A fitted churn Logit as plain arrays: coefficients, covariance and the customers it was fitted on.

    ``X`` is the design matrix (first column the intercept) with one column per name in ``terms``;
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
        """term, coef, se, odds_ratio = exp(coef), ci_low, ci_high (the odds ratio's Wald interval,
        level ``1 − alpha``) and p_value (two-sided Wald z test)."""
        se = np.sqrt(np.clip(np.diag(self.cov), 0.0, None))
        z = NormalDist().inv_cdf(1 - self.alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = np.where(se > 0, np.abs(self.params) / se, np.inf)
        p_value = np.array([math.erfc(s / math.sqrt(2)) if math.isfinite(s) else 0.0 for s in stat])
        return pd.DataFrame(
            {
                "term": list(self.terms),
                "coef": self.params,
                "se": se,
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

    def summary(self, horizon: float) -> dict[str, Any]:
        """What ``valuegap churn`` prints (DESIGN.md): ``n, churners, horizon``, the ``terms`` with
        their odds ratios' 95% intervals, and ``revenue_at_risk``, ``under_delivery`` and
        ``net_effect`` over ``horizon`` periods, each ``{estimate, ci_low, ci_high}`` (95%)."""
        at95 = self if self.alpha == 0.05 else _with_alpha(self, 0.05)
        figures = at95.figures(horizon, alpha=0.05)
        terms = at95.coefficients.to_dict(orient="records")
        return {
            "n": self.n,
            "churners": self.churners,
            "horizon": int(horizon) if float(horizon).is_integer() else _horizon(horizon),
            "terms": [{key: row[key] for key in TERM_FIELDS} for row in terms],
            "revenue_at_risk": figures.revenue_at_risk.to_dict(),
            "under_delivery": figures.under_delivery.to_dict(),
            "net_effect": figures.net_effect.to_dict(),
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

    def _design_gradients(
        self, rows: np.ndarray | slice, weights: np.ndarray, price: np.ndarray, gaps: Sequence[np.ndarray]
    ) -> np.ndarray:
        """One row per entry of ``weights`` (k × n): ``Σ_i w_i x_i`` with the scenario's price and the
        given gap in the design rows ``x_i``."""
        gradient = weights @ self.X[rows]
        if "price" in self.terms:
            gradient[:, self.terms.index("price")] = weights @ price
        if "gap" in self.terms:
            column = self.terms.index("gap")
            for k, gap in enumerate(gaps):
                gradient[k, column] = weights[k] @ gap
        return gradient

    def _rate_band(
        self, rows: np.ndarray | slice, p: np.ndarray, price: np.ndarray, gap: np.ndarray, alpha: float
    ) -> tuple[float, float, float]:
        weight = (p * (1.0 - p) / p.size)[np.newaxis, :]
        gradient = self._design_gradients(rows, weight, price, [gap])[0]
        rate = float(p.mean())
        se = math.sqrt(max(float(gradient @ self.cov @ gradient), 0.0))
        half = NormalDist().inv_cdf(1 - alpha / 2) * se
        return rate, max(rate - half, 0.0), min(rate + half, 1.0)

    def _interval(self, estimate: float, gradient: np.ndarray, alpha: float) -> RevenueFigure:
        se = math.sqrt(max(float(gradient @ self.cov @ gradient), 0.0))
        half = NormalDist().inv_cdf(1 - alpha / 2) * se
        return RevenueFigure(estimate, estimate - half, estimate + half)

    def figures(
        self,
        horizon: float,
        *,
        price_factor: float = 1.0,
        gap_shift: float = 0.0,
        segment: str | None = None,
        alpha: float = 0.05,
    ) -> ChurnFigures:
        """Churn rate with its band and the three revenue figures of METHODS section 7 over ``horizon``
        periods, each with its delta-method interval, from one pass over the scenario's customers.

        With ``w_i = revenue_i · price_factor · H`` and ``S(c) = Σ_i w_i · p̂_i(gap = c_i)``:
        revenue at risk ``S(G)``, under-delivery ``S(G) − S(min(G, 0))``, net effect ``S(G) − S(0)``.
        The gradient of ``S(c)`` with respect to β is ``Σ_i w_i q_i (1 − q_i) x_i(c)``, ``x_i(c)`` the
        design row with gap ``c_i``; a figure's variance is ``gᵀ Σ g``. Revenue at risk's interval is
        kept within [0, revenue]; the gap figures' are not clipped.
        """
        rows, eta, price, gap = self._scenario(price_factor, gap_shift, False, segment)
        weights = self.revenue[rows] * (price_factor * _horizon(horizon))
        p = _expit(eta)
        rate, low, high = self._rate_band(rows, p, price, gap, alpha)
        beta_gap = self._coef("gap")
        shortfall_only = np.minimum(gap, 0.0)
        zero = np.zeros_like(gap)
        q = [p, _expit(eta + beta_gap * (shortfall_only - gap)), _expit(eta - beta_gap * gap)]
        sums = [float(qk @ weights) for qk in q]
        gradients = self._design_gradients(
            rows, np.vstack([weights * qk * (1.0 - qk) for qk in q]), price, [gap, shortfall_only, zero]
        )
        total = float(weights.sum())
        at_risk = self._interval(sums[0], gradients[0], alpha)
        at_risk = RevenueFigure(at_risk.estimate, max(at_risk.ci_low, 0.0), min(at_risk.ci_high, total))
        if "gap" not in self.terms:  # the gap cannot move churn: both figures are exactly 0
            under = net = RevenueFigure(0.0, 0.0, 0.0)
        else:
            under = self._interval(sums[0] - sums[1], gradients[0] - gradients[1], alpha)
            net = self._interval(sums[0] - sums[2], gradients[0] - gradients[2], alpha)
        return ChurnFigures(rate, low, high, total, at_risk, under, net)

    def total_revenue(
        self, horizon: float, *, price_factor: float = 1.0, segment: str | None = None, **_: Any
    ) -> float:
        """Revenue of the model's customers over ``horizon`` periods if nobody churned."""
        rows = self._mask(segment)
        return revenue_without_model(self.revenue[rows], horizon, price_factor)

    def _revenue_sum(
        self, horizon: float, price_factor: float, gap_shift: float, segment: str | None, gap_of: Any
    ) -> float:
        rows, eta, _, gap = self._scenario(price_factor, gap_shift, False, segment)
        changed = gap_of(gap)
        q = _expit(eta + self._coef("gap") * (changed - gap))
        return float(q @ self.revenue[rows]) * price_factor * _horizon(horizon)

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

    def under_delivery(
        self, horizon: float, *, price_factor: float = 1.0, gap_shift: float = 0.0, segment: str | None = None
    ) -> float:
        """``Σ_i [p̂_i(G_i) − p̂_i(min(G_i, 0))] · revenue_i · price_factor · H``: revenue at risk from
        under-delivery (only the shortfalls removed)."""
        at_risk = self.revenue_at_risk(
            horizon, price_factor=price_factor, gap_shift=gap_shift, segment=segment
        )
        return at_risk - self._revenue_sum(
            horizon, price_factor, gap_shift, segment, lambda gap: np.minimum(gap, 0.0)
        )

    def net_effect(
        self, horizon: float, *, price_factor: float = 1.0, gap_shift: float = 0.0, segment: str | None = None
    ) -> float:
        """``Σ_i [p̂_i(G_i) − p̂_i(0)] · revenue_i · price_factor · H``: what delivering exactly the
        promise would change revenue at risk by (negative when customers get more than promised)."""
        at_risk = self.revenue_at_risk(
            horizon, price_factor=price_factor, gap_shift=gap_shift, segment=segment
        )
        return at_risk - self._revenue_sum(horizon, price_factor, gap_shift, segment, np.zeros_like)


TERM_FIELDS = ("term", "coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value")
"""The fields of each term ``valuegap churn`` prints (DESIGN.md)."""


def _with_alpha(model: ChurnModel, alpha: float) -> ChurnModel:
    return ChurnModel(
        terms=model.terms, params=model.params, cov=model.cov, X=model.X, revenue=model.revenue,
        price=model.price, gap=model.gap, segment=model.segment, churned=model.churned,
        pseudo_r2=model.pseudo_r2, currency=model.currency, period=model.period, alpha=alpha,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class ChurnFit:
    """The churn model, or why there is none (``model is None`` and ``reason`` in plain words).

    ``revenue`` and ``segment`` cover every customer of the table with a known revenue, for
    :func:`revenue_without_model` when there is no model; ``left_out`` counts the customers of the
    table left out, per reason, and ``remarks`` are the notes other than those counts.
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
    left_out: tuple[tuple[str, int], ...] = ()
    remarks: tuple[str, ...] = ()

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
            "left_out": dict(self.left_out),
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
    """Fit ``Logit(churned ~ gap + price + covariates)`` with an intercept (statsmodels, Newton).

    Never raises for data problems: no churn column, too few churners or stayers
    (:data:`MIN_CLASS_SIZE`), perfect or quasi-perfect separation and a fit that does not converge
    each give a :class:`ChurnFit` without a model and a reason. A term that is the same for every
    customer (e.g. one price for all) or a combination of other terms is dropped with a note.
    """
    notes = list(data.notes)
    used, churners, stayers = data.used, data.churners, data.stayers

    def remarks() -> tuple[str, ...]:
        return data.remarks + tuple(notes[len(data.notes) :])

    def without(reason: str) -> ChurnFit:
        return ChurnFit(
            None, reason, tuple(notes), data.customers_in_table, data.matched, used, churners,
            data.table_revenue, data.table_segment, data.left_out, remarks(),
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
    names = [INTERCEPT, "gap", "price", *data.covariates]
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
        + ", ".join(t for t in terms if t != INTERCEPT)
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
        data.table_revenue, data.table_segment, data.left_out, remarks(),
    )  # fmt: skip
