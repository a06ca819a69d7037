"""Verdicts in words: the bar each claim is tested against, the measured value and why a claim got
its verdict (the ``reason`` of ``valuegap analyze``, the Why column, the report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuegap.evidence.claim_tests import (
    DEFAULT_UP_TO_SHARE,
    Verdict,
    comparative_scale,
    parity_bounds,
    share_null,
    threshold,
)
from valuegap.model.proposition import Claim, ClaimForm, Direction

if TYPE_CHECKING:
    from valuegap.evidence.analysis import ClaimResult


def number_text(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def percent_text(share: float) -> str:
    """A share as a percentage with the decimals it needs ("95%", "94.5%")."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def bar_text(claim: Claim, up_to_share: float = DEFAULT_UP_TO_SHARE) -> str:
    """The bar a claim's test measures customers against, in the claim's terms, with where it comes
    from: the promise less the tolerance the test allows (METHODS section 1)."""
    unit = f" {claim.unit}" if claim.unit else ""
    allowance = (
        f"{'plus' if claim.direction is Direction.lower else 'less'} the {claim.tolerance:.0%} tolerance"
    )
    if claim.form in (ClaimForm.average, ClaimForm.median) and claim.claimed is not None:
        promised = f"the promised {number_text(claim.claimed)} {allowance}"
        return f"the bar of {number_text(threshold(claim))}{unit} ({promised})"
    if claim.form in (ClaimForm.share, ClaimForm.up_to):
        return f"{share_bar(claim, up_to_share)} of customers reaching {number_text(claim.claimed)}{unit}"
    if claim.form is ClaimForm.comparative and claim.ratio is not None:
        return (
            f"{number_text(comparative_scale(claim))}× {claim.competitor}'s customers (the promised "
            f"{number_text(claim.ratio)}× {allowance})"
        )
    if claim.form is ClaimForm.parity:
        low, high = parity_bounds(claim)
        return (
            f"between {number_text(low)}× and {number_text(high)}× {claim.competitor}'s customers "
            f"(parity within the {claim.tolerance:.0%} tolerance)"
        )
    return "the promise"


def share_bar(claim: Claim, up_to_share: float) -> str:
    """The share a share or up-to claim is tested against, with where it comes from."""
    if claim.form is ClaimForm.share and claim.share is not None:
        if claim.tolerance == 0:
            return percent_text(claim.share)
        allowed = percent_text(1 - claim.share)
        return (
            f"{percent_text(share_null(claim))} (the promised {percent_text(claim.share)}, with a "
            f"{claim.tolerance:.0%} tolerance on the {allowed} it allows to miss)"
        )
    return percent_text(up_to_share)  # "up to": all or almost all customers, no tolerance


def p_display(p: float | None) -> str | None:
    """A p-value as a reader takes it in: "< 0.001" below that, else two significant digits."""
    if p is None or p != p:
        return None
    return "< 0.001" if p < 0.001 else f"{p:.2g}"


def p_text(p: float) -> str:
    """A p-value for a sentence: "< 0.001" or "= 0.023"."""
    shown = p_display(p) or "–"
    return shown if shown.startswith("<") else f"= {shown}"


def verdict_reason(result: ClaimResult, alpha: float, up_to_share: float = DEFAULT_UP_TO_SHARE) -> str:
    """One line saying why the claim got its verdict, naming the bar it was tested against."""
    verdict, test, claim = result.verdict.verdict, result.verdict.test, result.claim
    if test.reason and verdict in (Verdict.no_evidence, Verdict.not_testable):
        return test.reason
    p = result.verdict.p_adjusted
    bar = bar_text(claim, up_to_share)
    if verdict in (Verdict.exaggerated, Verdict.substantiated) and p is not None:
        better = verdict is Verdict.substantiated
        if claim.form is ClaimForm.parity:
            low, high = parity_bounds(claim)
            rival = f"{claim.competitor}'s"
            if better:
                found = f"customers' mean lies significantly {bar}"
            elif claim.direction is Direction.higher:
                found = f"customers' mean is significantly below {number_text(low)}× {rival}"
            else:
                found = f"customers' mean is significantly above {number_text(high)}× {rival}"
        elif claim.form in (ClaimForm.share, ClaimForm.up_to):
            unit = f" {claim.unit}" if claim.unit else ""
            found = (
                f"the share of customers reaching {number_text(claim.claimed)}{unit} is significantly "
                f"{'above' if better else 'below'} {share_bar(claim, up_to_share)}"
            )
        else:
            found = f"customers fared significantly {'better' if better else 'worse'} than {bar}"
        return f"{found} (adjusted p {p_text(p)}, below α = {alpha:g})"
    if test.reason:
        return test.reason
    if test.evidence_needed:
        return (
            f"not enough evidence either way against {bar}; about {test.evidence_needed:,} more customers "
            "needed"
        )
    if p is None:
        return "not tested"
    return f"not enough evidence either way against {bar} (adjusted p {p_text(p)})"
