"""A proposition's claims against long-form outcomes: the verdict table of ``valuegap analyze``.

Outcomes are ``customer_id, metric, value`` (+ optional ``segment, offer, observed_at``). Repeated
observations of a customer are reduced to that customer's mean first (METHODS notation). Rows whose
``offer`` names a claim's competitor are that competitor's customers; all other rows are ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuegap.aggregates import ALL_PERIODS, OutcomeSummary
from valuegap.errors import ValueGapError
from valuegap.evidence import (
    DEFAULT_ALPHA,
    DEFAULT_UP_TO_SHARE,
    ClaimTest,
    ClaimVerdict,
    Correction,
    adjust,
    test_claim,
)
from valuegap.model import Claim, ClaimForm, Direction, Proposition
from valuegap.value import ValueGap, value_gap

REQUIRED_COLUMNS = ("customer_id", "metric", "value")
OPTIONAL_COLUMNS = ("segment", "offer", "observed_at")
RESULT_FIELDS = (
    "id", "form", "metric", "claimed", "n", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted",
    "side", "verdict", "defensible", "fulfilment", "gap", "gap_money",
)  # fmt: skip


def read_outcomes_csv(path: Path) -> pd.DataFrame:
    """Read a long-form outcomes CSV strictly; errors name the file, row and column."""
    source = str(path)
    try:
        head = path.read_bytes()[:4096]
    except FileNotFoundError:
        raise ValueGapError(f"{source}: no such file.") from None
    except IsADirectoryError:
        raise ValueGapError(f"{source}: is a folder, not an outcomes file.") from None
    if b"\x00" in head:
        raise ValueGapError(f"{source}: this is a binary file, not a CSV outcomes file.")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise ValueGapError(f"{source}: the file is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueGapError(f"{source}: not a readable CSV file ({str(exc).splitlines()[0]}).") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueGapError(
            f"{source}: missing column(s) {', '.join(missing)}; outcomes need exactly "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})."
        )
    if frame.empty:
        raise ValueGapError(f"{source}: has a header but no rows.")
    return validate_outcomes(frame, source=source)


def validate_outcomes(frame: pd.DataFrame, *, source: str = "outcomes") -> pd.DataFrame:
    """Check ids and values; return ``customer_id, metric, value, segment, offer`` with floats."""

    def fail(mask: pd.Series, column: str, problem: str) -> None:
        rows = np.flatnonzero(mask.to_numpy())
        if rows.size:
            line = int(rows[0]) + 2  # header is line 1
            more = f" (and {rows.size - 1} more rows)" if rows.size > 1 else ""
            raise ValueGapError(f"{source}: row {line}, column {column}: {problem}{more}.")

    text = frame[["customer_id", "metric"]].astype(str).apply(lambda s: s.str.strip())
    fail(text["customer_id"] == "", "customer_id", "missing customer id")
    fail(text["metric"] == "", "metric", "missing metric name")
    value = pd.to_numeric(frame["value"].astype(str).str.strip(), errors="coerce")
    not_number = value.isna()
    if not_number.any():
        fail(not_number, "value", f"not a number ({frame['value'][not_number].iloc[0]!r})")
    fail(~np.isfinite(value), "value", "infinite value")
    return pd.DataFrame(
        {
            "customer_id": text["customer_id"],
            "metric": text["metric"],
            "value": value.astype("float64"),
            "segment": frame["segment"].astype(str).str.strip() if "segment" in frame else "",
            "offer": frame["offer"].astype(str).str.strip() if "offer" in frame else "",
        }
    )


def per_customer(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One value per customer, metric, offer and segment: the mean of that customer's observations."""
    keys = ["metric", "offer", "segment", "customer_id"]
    return outcomes.groupby(keys, sort=True, observed=True)["value"].mean().reset_index()


@dataclass(frozen=True)
class ClaimResult:
    """One claim's verdict in one segment (``None`` = all customers), with its gap."""

    claim: Claim
    verdict: ClaimVerdict
    segment: str | None
    gap: float | None  # promised − measured in the claim's own terms; positive = customers got less
    gap_money: float | None  # METHODS §5, money per customer and period

    def row(self, *, with_segment: bool = False) -> dict[str, Any]:
        """The DESIGN.md fields of ``valuegap analyze``."""
        data = self.verdict.to_dict()
        row = {"id": self.claim.id, **{k: data.get(k) for k in RESULT_FIELDS[1:] if k in data}}
        row["gap"] = self.gap
        row["gap_money"] = self.gap_money
        return {"segment": self.segment or "", **row} if with_segment else row


@dataclass(frozen=True)
class Analysis:
    """Every claim of a proposition tested on one dataset slice, p-values adjusted together."""

    proposition: Proposition
    alpha: float
    correction: Correction
    results: tuple[ClaimResult, ...]
    by_segment: bool = False
    segment: str | None = None  # the filter applied to every sample (None = all segments)
    period: str = ALL_PERIODS
    value: ValueGap | None = None  # over all customers of the slice (not per segment)

    @property
    def rows(self) -> tuple[dict[str, Any], ...]:
        return tuple(r.row(with_segment=self.by_segment) for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposition": self.proposition.name,
            "alpha": self.alpha,
            "correction": self.correction,
            "claims": list(self.rows),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows))


def _shortfall(verdict: ClaimVerdict, claim: Any, up_to_share: float) -> float | None:
    """Promised minus measured in the claim's own terms; positive = customers got less."""
    estimate = verdict.test.estimate
    if estimate is None:
        return None
    promised = {
        ClaimForm.average: claim.claimed,
        ClaimForm.median: claim.claimed,
        ClaimForm.share: claim.share,
        ClaimForm.up_to: up_to_share,
        ClaimForm.comparative: claim.ratio,
        ClaimForm.parity: 1.0,
    }.get(claim.form)
    if promised is None:
        return None
    mirrored = claim.direction is Direction.lower and claim.form in (ClaimForm.average, ClaimForm.median)
    return estimate - promised if mirrored else promised - estimate


def analyze(
    prop: Proposition,
    outcomes: pd.DataFrame,
    *,
    alpha: float = DEFAULT_ALPHA,
    correction: Correction = "holm",
    by_segment: bool = False,
    up_to_share: float = DEFAULT_UP_TO_SHARE,
) -> Analysis:
    """Test every claim on long-form outcomes (per segment when asked), adjusting all p-values together."""
    return analyze_summary(
        prop, OutcomeSummary.build(outcomes), alpha=alpha, correction=correction,
        by_segment=by_segment, up_to_share=up_to_share,
    )  # fmt: skip


def analyze_summary(
    prop: Proposition,
    summary: OutcomeSummary,
    *,
    alpha: float = DEFAULT_ALPHA,
    correction: Correction = "holm",
    by_segment: bool = False,
    segment: str | None = None,
    period: str = ALL_PERIODS,
    up_to_share: float = DEFAULT_UP_TO_SHARE,
) -> Analysis:
    """Test every claim on a dataset's per-customer aggregates, optionally for one segment and period.

    With ``by_segment`` every claim is tested in every segment and all those p-values are adjusted
    together (the segment × claim heatmap). Rows whose ``offer`` names a claim's competitor are that
    competitor's customers; all other rows are ours.
    """
    if not 0 < alpha < 1:
        raise ValueGapError(f"alpha must be between 0 and 1 (got {alpha}).")
    competitors = {c.competitor for c in prop.claims if c.competitor}
    segments: list[str | None] = [segment]
    if by_segment:
        segments = list(summary.segments_of(exclude_offers=competitors)) or [None]
    planned: list[tuple[str | None, Claim, ClaimTest]] = []
    for part in segments:
        for claim in prop.claims:
            ours = summary.sample(claim.metric, exclude_offers=competitors, segment=part, period=period)
            rival = (
                summary.sample(claim.metric, offer=claim.competitor, segment=part, period=period)
                if claim.competitor
                else None
            )
            test = test_claim(claim, ours, rival, alpha=alpha, up_to_share=up_to_share)
            planned.append((part, claim, test))
    verdicts = adjust([t for _, _, t in planned], alpha=alpha, correction=correction)

    results: list[ClaimResult] = []
    overall: ValueGap | None = None
    for part in segments:
        here = [(c, v) for (s, c, _), v in zip(planned, verdicts, strict=True) if s == part]
        gap = value_gap(prop, {c.id: v.test.estimate for c, v in here})
        if not by_segment:
            overall = gap
        money = {cv.claim_id: cv.gap for cv in gap.claims}
        for claim, verdict in here:
            results.append(
                ClaimResult(
                    claim, verdict, part, _shortfall(verdict, claim, up_to_share), money.get(claim.id)
                )
            )
    return Analysis(
        prop, alpha, correction, tuple(results), by_segment=by_segment, segment=segment,
        period=period, value=overall,
    )  # fmt: skip
