"""A proposition's claims against long-form outcomes: the verdict table of ``valuegap analyze``.

Outcomes are ``customer_id, metric, value`` (+ optional ``segment, offer, observed_at``). Repeated
observations of a customer are reduced to that customer's mean first (METHODS notation). Rows whose
``offer`` names a claim's competitor are that competitor's customers; all other rows are ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.evidence.claim_tests import (
    DEFAULT_ALPHA,
    DEFAULT_UP_TO_SHARE,
    ClaimTest,
    ClaimVerdict,
    Correction,
    Sample,
    Verdict,
    adjust,
    run_claim_test,
)
from valuegap.evidence.reasons import verdict_reason
from valuegap.evidence.value_gap import Measured, ValueGap, value_gap
from valuegap.model.proposition import Claim, ClaimForm, Direction, Proposition
from valuegap.sources.engine import ALL_PERIODS, Evidence, evidence_of_frame
from valuegap.wording.rewording import Rewording, defensible_rewording

RESULT_FIELDS = (
    "id", "form", "metric", "claimed", "n", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted",
    "side", "verdict", "defensible", "fulfilment", "gap", "gap_money", "reason",
)  # fmt: skip


@dataclass(frozen=True)
class ClaimResult:
    """One claim's verdict in one segment (``None`` = all customers), with its gap."""

    claim: Claim
    verdict: ClaimVerdict
    segment: str | None
    gap: float | None  # METHODS §5: mean per-customer gap in the metric's units; positive = got less
    gap_money: float | None  # the same in money per customer and period (monetary claims)
    measured: Measured | None = None  # what the gap was computed from
    rewording: Rewording | None = None  # the checked defensible copy, for claims that need one

    def row(self, *, with_segment: bool = False) -> dict[str, Any]:
        """The DESIGN.md fields of ``valuegap analyze``."""
        data = self.verdict.to_dict()
        row = {"id": self.claim.id, **{k: data.get(k) for k in RESULT_FIELDS[1:-1] if k in data}}
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
    up_to_share: float = DEFAULT_UP_TO_SHARE

    @property
    def rows(self) -> tuple[dict[str, Any], ...]:
        return tuple(
            r.row(with_segment=self.by_segment) | {"reason": verdict_reason(r, self.alpha, self.up_to_share)}
            for r in self.results
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposition": self.proposition.name,
            "alpha": self.alpha,
            "correction": self.correction,
            "claims": list(self.rows),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows))


def needs_rewording(verdict: Verdict) -> bool:
    """Claims the data do not substantiate get a defensible rewording (when they have a number)."""
    return verdict in (Verdict.exaggerated, Verdict.inconclusive)


def measure(claim: Claim, ours: Sample | None, rival: Sample | None) -> Measured | None:
    """What the value gap needs of a claim's samples (METHODS §5): our mean, the share reaching the
    claim's bar and the rival's mean."""
    if ours is None or ours.n == 0:
        return None
    reaching = None
    if claim.form is ClaimForm.share and claim.claimed is not None:
        count = (
            ours.count_at_least(claim.claimed)
            if claim.direction is Direction.higher
            else ours.count_at_most(claim.claimed)
        )
        reaching = count / ours.n
    rival_mean = rival.mean if rival is not None and rival.n > 0 else None
    return Measured(mean=ours.mean, reaching=reaching, bar=claim.claimed, rival_mean=rival_mean)


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
        prop, evidence_of_frame(outcomes), alpha=alpha, correction=correction,
        by_segment=by_segment, up_to_share=up_to_share,
    )  # fmt: skip


def analyze_summary(
    prop: Proposition,
    summary: Evidence,
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
    samples: dict[tuple[str | None, str], tuple[Sample | None, Sample | None]] = {}
    for part in segments:
        for claim in prop.claims:
            ours = summary.sample(claim.metric, exclude_offers=competitors, segment=part, period=period)
            rival = (
                summary.sample(claim.metric, offer=claim.competitor, segment=part, period=period)
                if claim.competitor
                else None
            )
            samples[part, claim.id] = ours, rival

    def tests() -> list[tuple[str | None, Claim, ClaimTest]]:
        return [
            (
                part,
                claim,
                run_claim_test(claim, *samples[part, claim.id], alpha=alpha, up_to_share=up_to_share),
            )
            for part in segments
            for claim in prop.claims
        ]

    prefetch = getattr(summary, "prefetch", None)  # an engine fetches what the tests need in one go
    if prefetch is not None:
        prefetch(tests)
    planned = tests()
    measured = {(part, claim.id): measure(claim, *samples[part, claim.id]) for part, claim, _ in planned}
    verdicts = adjust([t for _, _, t in planned], alpha=alpha, correction=correction)

    def rewordings() -> dict[str, Rewording]:
        if by_segment:
            return {}
        return {
            claim.id: defensible_rewording(
                claim, verdict.test.defensible, *samples[part, claim.id], alpha=alpha, up_to_share=up_to_share
            )
            for (part, claim, _), verdict in zip(planned, verdicts, strict=True)
            if needs_rewording(verdict.verdict)
        }

    if prefetch is not None:
        prefetch(rewordings)
    reworded = rewordings()
    results: list[ClaimResult] = []
    overall: ValueGap | None = None
    for part in segments:
        here = [(c, v) for (s, c, _), v in zip(planned, verdicts, strict=True) if s == part]
        gap = value_gap(prop, {c.id: measured[part, c.id] for c, _ in here})
        if not by_segment:
            overall = gap
        by_claim = {cv.claim_id: cv for cv in gap.claims}
        for claim, verdict in here:
            own = by_claim[claim.id]
            results.append(
                ClaimResult(
                    claim, verdict, part, own.gap_units, own.gap, measured[part, claim.id],
                    reworded.get(claim.id),
                )
            )  # fmt: skip
    return Analysis(
        prop, alpha, correction, tuple(results), by_segment=by_segment, segment=segment,
        period=period, value=overall, up_to_share=up_to_share,
    )  # fmt: skip
