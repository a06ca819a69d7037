"""What the Gap analysis page and the report show, built from an
:class:`~valuegap.evidence.analysis.Analysis`.

Tables and chart inputs only; the statistics live in ``claim_tests``, ``value_gap`` and ``analysis``.
Every number leaving here is finite or ``None`` (never NaN), ready for a dataframe or a chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuegap.evidence.analysis import Analysis, ClaimResult
from valuegap.evidence.claim_tests import DEFAULT_UP_TO_SHARE, Verdict, fulfilment_interval, threshold
from valuegap.evidence.reasons import (
    number_text as _number,
)
from valuegap.evidence.reasons import (
    p_display,
    verdict_reason,
)
from valuegap.evidence.value_gap import ExperienceGap, ValueGap, experience_gap
from valuegap.model.claim_titles import claim_titles
from valuegap.model.proposition import FORM_WORDS, Claim, ClaimForm, Proposition
from valuegap.reporting.formatting import format_money
from valuegap.wording.checks import RULE_LABELS, WordingFlag, check_proposition
from valuegap.wording.rewording import Rewording, with_promise

VERDICT_ORDER = (
    Verdict.exaggerated.value,
    Verdict.inconclusive.value,
    Verdict.substantiated.value,
    Verdict.no_evidence.value,
    Verdict.not_testable.value,
)


NUMBER_COLUMNS = ("estimate", "ci_low", "ci_high", "fulfilment", "p_value", "p_adjusted", "defensible",
                  "gap_money", "more_customers_needed")  # fmt: skip
"""Columns that hold numbers or nothing: typed as numbers, so a missing one shows as a blank, not
"None" (an all-empty column would otherwise be a column of Python objects)."""


def _numeric(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce").astype("float64") for c in present})


def _clean(value: Any) -> Any:
    if isinstance(value, float | np.floating) and not math.isfinite(float(value)):
        return None
    return value


def promised_in_test_terms(claim: Claim, up_to_share: float = DEFAULT_UP_TO_SHARE) -> float | None:
    """What the estimate is compared with: C, the promised share, π₀, or the promised ratio."""
    return {
        ClaimForm.average: claim.claimed,
        ClaimForm.median: claim.claimed,
        ClaimForm.share: claim.share,
        ClaimForm.up_to: up_to_share,
        ClaimForm.comparative: claim.ratio,
        ClaimForm.parity: 1.0,
    }.get(claim.form)


def delivery(result: ClaimResult) -> float | None:
    """How much of the promise customers got (the fulfilment of METHODS §2): 1 = as promised, 0.5 =
    half of it, 1.2 = more, read in the claim's direction."""
    return _clean(result.verdict.test.fulfilment)


def delivery_by_metric(analysis: Analysis) -> dict[str, float | None]:
    """:func:`delivery` of each metric's first claim: what the value map's measured scores scale by."""
    found: dict[str, float | None] = {}
    for result in analysis.results:
        metric = result.claim.metric
        if metric and metric not in found and result.segment is None:
            found[metric] = delivery(result)
    return found


def estimate_text(result: ClaimResult) -> str:
    """The measured value as a marketer reads it ("4.2 h (CI 3.9–4.5)", "87% reach 2 days")."""
    test, claim = result.verdict.test, result.claim
    if test.estimate is None:
        return "–"
    unit = f" {claim.unit}" if claim.unit else ""
    if claim.form in (ClaimForm.share, ClaimForm.up_to):
        ci = f" (CI {test.ci_low:.0%}–{test.ci_high:.0%})" if test.ci_low is not None else ""
        return f"{test.estimate:.0%} reach {_number(claim.claimed)}{unit}{ci}"
    if claim.form in (ClaimForm.comparative, ClaimForm.parity):
        ci = f" (CI {test.ci_low:.2f}–{test.ci_high:.2f})" if test.ci_low is not None else ""
        return f"{test.estimate:.2f}× {claim.competitor or 'rival'}{ci}"
    ci = f" (CI {_number(test.ci_low)}–{_number(test.ci_high)})" if test.ci_low is not None else ""
    return f"{_number(test.estimate)}{unit}{ci}"


def promise_text(claim: Claim, up_to_share: float = DEFAULT_UP_TO_SHARE) -> str:
    unit = f" {claim.unit}" if claim.unit else ""
    if claim.form is ClaimForm.share:
        return f"{claim.share:.0%} reach {_number(claim.claimed)}{unit}"
    if claim.form is ClaimForm.up_to:
        return f"up to {_number(claim.claimed)}{unit} (≥ {up_to_share:.0%} reach it)"
    if claim.form is ClaimForm.comparative:
        return f"{_number(claim.ratio)}× {claim.competitor}"
    if claim.form is ClaimForm.parity:
        return f"as good as {claim.competitor}"
    if claim.form is ClaimForm.puffery:
        return "no measurable promise"
    return f"{claim.form.value} {_number(claim.claimed)}{unit}"


def readable_p_values(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``frame`` for the screen with p-value ``columns`` as text ("< 0.001", "0.023"):
    "1.32e-125" means nothing to a marketer. Downloads keep the numbers."""
    return frame.assign(**{c: [p_display(p) for p in frame[c]] for c in columns if c in frame.columns})


def untested_note(counts: Mapping[str, int]) -> str:
    """What the headline's three verdict counts leave out ("Also 1 not testable"), or ""."""
    words = {Verdict.not_testable.value: "not testable", Verdict.no_evidence.value: "without evidence"}
    left_out = [f"{counts[verdict]} {word}" for verdict, word in words.items() if counts.get(verdict)]
    return f"Also {' and '.join(left_out)}" if left_out else ""


def claims_table(
    analysis: Analysis,
    *,
    flags: Mapping[str, Sequence[Any]] | None = None,
    rewordings: Mapping[str, str] | None = None,
    up_to_share: float = DEFAULT_UP_TO_SHARE,
) -> pd.DataFrame:
    """The verdict table: one row per claim (of the analysis' single segment)."""
    flags = flags or {}
    rewordings = rewordings or {}
    refused = {claim_id: f"No rewording: {why}" for claim_id, why in rewording_refusals(analysis).items()}
    titles = claim_titles(r.claim for r in analysis.results)
    rows = []
    for result in analysis.results:
        test, verdict = result.verdict.test, result.verdict
        rows.append(
            {
                "claim": result.claim.id,
                "title": titles[result.claim.id],
                "text": result.claim.text,
                "form": FORM_WORDS[result.claim.form.value],  # "Up to (the best case)", not "up_to"
                "promised": promise_text(result.claim, up_to_share),
                "n": test.n,
                "measured": estimate_text(result),
                "estimate": _clean(test.estimate),
                "ci_low": _clean(test.ci_low),
                "ci_high": _clean(test.ci_high),
                "fulfilment": _clean(test.fulfilment),
                "p_value": _clean(test.p_value),
                "p_adjusted": _clean(verdict.p_adjusted),
                "verdict": verdict.verdict.value,
                "why": verdict_reason(result, analysis.alpha, up_to_share),
                "more_customers_needed": test.evidence_needed
                if verdict.verdict is Verdict.inconclusive
                else None,
                "defensible": _clean(test.defensible),
                "suggested_wording": rewordings.get(result.claim.id) or refused.get(result.claim.id, ""),
                "gap_money": _clean(result.gap_money),
                "wording_flags": len(flags.get(result.claim.id, ())),
            }
        )
    return _numeric(pd.DataFrame(rows), NUMBER_COLUMNS)


def claims_chart_frame(analysis: Analysis, *, up_to_share: float = DEFAULT_UP_TO_SHARE) -> pd.DataFrame:
    """Each claim's fulfilment with its interval on the same scale (1 = as promised, read in the
    claim's direction so "better than promised" is always right of 1), for ``charts.claims_chart``."""
    titles = claim_titles(r.claim for r in analysis.results)
    rows = []
    for result in analysis.results:
        claim, test = result.claim, result.verdict.test
        interval = fulfilment_interval(claim, test)
        rows.append(
            {
                "claim": titles[claim.id],
                "claim_id": claim.id,
                "verdict": result.verdict.verdict.value,
                "promised": 1.0,
                "estimate": _clean(test.fulfilment),
                "ci_low": _clean(interval[0]) if interval else None,
                "ci_high": _clean(interval[1]) if interval else None,
                "tooltip_estimate": estimate_text(result),
                "tooltip_claimed": promise_text(claim, up_to_share),
            }
        )
    return pd.DataFrame(rows)


def heatmap_cells(analysis: Analysis) -> pd.DataFrame:
    """Segment × claim cells of a by-segment analysis (p-values adjusted across all cells); ``title``
    is the claim's short title, ``claim`` its ID."""
    titles = claim_titles(r.claim for r in analysis.results)
    rows = [
        {
            "segment": result.segment or "all",
            "claim": result.claim.id,
            "title": titles[result.claim.id],
            "verdict": result.verdict.verdict.value,
            "fulfilment": _clean(result.verdict.test.fulfilment),
            "p_adjusted": _clean(result.verdict.p_adjusted),
            "n": result.verdict.test.n,
        }
        for result in analysis.results
    ]
    frame = pd.DataFrame(
        rows, columns=["segment", "claim", "title", "verdict", "fulfilment", "p_adjusted", "n"]
    )
    return _numeric(frame, NUMBER_COLUMNS)


def waterfall_steps(value: ValueGap, prop: Proposition, *, with_costs: bool = True) -> pd.DataFrame:
    """Promised benefit, each claim's gap (signed: negative = customers get less), realized benefit,
    then price and cost of access and the net value; money per customer and period. A claim's step is
    labelled with its short title (its words, as on the verdict chart), its ID kept in ``claim_id``."""
    titles = claim_titles(prop.claims)
    rows: list[dict[str, Any]] = [
        {"label": "Promised benefit", "amount": value.promised_benefit, "kind": "total"}
    ]
    for claim_value in value.claims:
        if claim_value.gap is not None:
            label = titles.get(claim_value.claim_id, claim_value.claim_id)
            rows.append(
                {"label": label, "amount": -claim_value.gap, "kind": "gap", "claim_id": claim_value.claim_id}
            )
    rows.append({"label": "Realized benefit", "amount": value.realized_benefit, "kind": "total"})
    if with_costs:
        rows.append({"label": "Price", "amount": -prop.price.amount, "kind": "cost"})
        access = value.sacrifice - prop.price.amount
        if access:
            rows.append({"label": "Cost of access", "amount": -access, "kind": "cost"})
        rows.append({"label": "Net value", "amount": value.net_value, "kind": "total"})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Tile:
    """One headline figure: its label, the value as shown, an optional delta, help and a note."""

    label: str
    value: str
    delta: str | None = None
    help: str = ""
    note: str = ""


def headline_tiles(value: ValueGap, currency: str) -> list[Tile]:
    """The value gap and net customer value tiles, never showing a number built on missing evidence
    as if it were measured: without monetary claims, or with monetary claims still lacking evidence,
    the tiles say which instead."""
    gap_help = (
        "Promised minus realized benefit per customer and period, in money (monetary claims only); "
        "positive means customers get less than promised."
    )
    net_help = "Realized benefit minus price and cost of access, per customer and period."
    if not value.monetary and not value.unmeasured:
        note = "No claim is counted in money: give claims a money-per-unit amount to see the gap in money."
        return [Tile("Value gap per customer", "–", help=gap_help, note=note),
                Tile("Net customer value", "–", help=net_help, note=note)]  # fmt: skip
    missing = ", ".join(value.unmeasured)
    if value.unmeasured:
        note = f"Not yet measured, so left out: {missing}."
        gap = (
            Tile("Value gap per customer (measured claims)", format_money(value.gap, currency), help=gap_help,
                 note=note)
            if value.monetary
            else Tile("Value gap per customer", "–", help=gap_help, note=note)
        )  # fmt: skip
        net = Tile("Net customer value", "–", help=net_help,
                   note=f"Needs evidence for every monetary claim; missing: {missing}.")  # fmt: skip
        return [gap, net]
    delta = value.net_value - value.net_value_as_promised
    return [
        Tile("Value gap per customer", format_money(value.gap, currency), help=gap_help),
        Tile("Net customer value", format_money(value.net_value, currency),
             delta=f"{format_money(delta, currency, signed=True)} vs promised",
             help=net_help + " The delta is against the "
             "value as promised."),
    ]  # fmt: skip


def verdict_counts(analysis: Analysis) -> dict[str, int]:
    """How many claims got each verdict, every verdict present (0 when none got it), in
    :data:`VERDICT_ORDER`."""
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    for result in analysis.results:
        counts[result.verdict.verdict.value] += 1
    return counts


def verdict_tiles(counts: Mapping[str, int]) -> list[Tile]:
    """The headline's three verdict counts; the last one notes the claims they leave out."""
    return [
        Tile("Exaggerated", str(counts.get(Verdict.exaggerated.value, 0))),
        Tile("Inconclusive", str(counts.get(Verdict.inconclusive.value, 0))),
        Tile("Substantiated", str(counts.get(Verdict.substantiated.value, 0)), note=untested_note(counts)),
    ]


def value_tiles(value: ValueGap, currency: str) -> list[Tile]:
    """The value gap's four figures per customer and period: promised and realized benefit, what the
    customer gives (price plus cost of access) and the value ratio with its change against the promise."""
    summary = value_summary(value)

    def money(amount: float | None) -> str:
        return format_money(amount or 0.0, currency)

    ratio, promised_ratio = summary["value_ratio"], summary["value_ratio_as_promised"]
    delta = f"{ratio - promised_ratio:+.2f} vs promised" if ratio is not None and promised_ratio else None
    return [
        Tile("Promised benefit", money(summary["promised_benefit"])),
        Tile("Realized benefit", money(summary["realized_benefit"])),
        Tile("Price + cost of access", money(summary["sacrifice"])),
        Tile("Value ratio", f"{ratio:.2f}" if ratio is not None else "–", delta=delta,
             help="Realized benefit divided by price plus cost of access (1 = the customer breaks even)."),
    ]  # fmt: skip


def left_out_of_the_money(value: ValueGap, claims: Iterable[Claim] = ()) -> list[tuple[str, str]]:
    """(claim, why) of every claim the value gap could not count in money, the claim named by its short
    title among ``claims`` (its words, as the verdict table names it), else by its ID."""
    titles = claim_titles(claims)
    return [(titles.get(claim.claim_id, claim.claim_id), claim.note) for claim in value.claims if claim.note]


def suggested_rewordings(analysis: Analysis) -> dict[str, Rewording]:
    """The defensible rewording of every claim the data do not substantiate whose copy it changes
    (:func:`valuegap.evidence.analysis.needs_rewording` decides which verdicts get one), by claim id."""
    return {
        result.claim.id: result.rewording
        for result in analysis.results
        if result.rewording is not None and result.rewording.changed
    }


def rewording_refusals(analysis: Analysis) -> dict[str, str]:
    """Why a claim the data do not substantiate gets no rewording, in words, by claim id: every claim
    :func:`valuegap.evidence.analysis.needs_rewording` picks has either a suggestion
    (:func:`suggested_rewordings`) or one of these ("the data do not show an average above zero, …;
    drop the claim")."""
    return {
        result.claim.id: result.rewording.reason
        for result in analysis.results
        if result.rewording is not None and not result.rewording.changed
    }


def wording_flags_by_claim(prop: Proposition) -> dict[str, list[WordingFlag]]:
    """The wording flags of each claim that has any, by claim id, in file order."""
    found: dict[str, list[WordingFlag]] = {}
    for flag in check_proposition(prop):
        found.setdefault(flag.claim_id, []).append(flag)
    return found


def distribution_claims(analysis: Analysis) -> list[Claim]:
    """Claims whose outcomes can be drawn against their promise: a metric and a promised number."""
    return [r.claim for r in analysis.results if r.claim.metric and r.claim.claimed is not None]


def rival_offers(prop: Proposition) -> set[str]:
    """The competitors the claims compare with: their customers are not ours in a distribution."""
    return {claim.competitor for claim in prop.claims if claim.competitor}


def distribution_marks(claim: Claim) -> dict[str, float | None]:
    """The lines the distribution chart draws: the promise, and the test's bar where it differs
    (average and median claims; share and up-to claims test the promised bar itself, METHODS §1)."""
    bar = threshold(claim) if claim.form in (ClaimForm.average, ClaimForm.median) else None
    return {"claimed": claim.claimed, "threshold": bar}


def value_summary(value: ValueGap) -> dict[str, float | None]:
    """Headline numbers: promised and realized benefit, gap, sacrifice, net value and ratio."""
    return {k: _clean(v) for k, v in value.to_dict().items() if k != "claims"}


@dataclass(frozen=True)
class RankedClaim:
    claim_id: str
    text: str
    verdict: str
    gap_money: float | None
    fulfilment: float | None
    flags: tuple[str, ...]
    why: str


def ranked_exaggerations(
    analysis: Analysis, flags: Mapping[str, Sequence[Any]] | None = None
) -> pd.DataFrame:
    """Claims that widen the gap, worst first: statistically exaggerated claims by money then
    fulfilment, then claims with wording flags only (they are a legal risk even when data agree)."""
    flags = flags or {}
    ranked: list[tuple[tuple[Any, ...], RankedClaim]] = []
    for result in analysis.results:
        claim_flags = tuple(getattr(f, "rule", str(f)) for f in flags.get(result.claim.id, ()))
        verdict = result.verdict.verdict
        if verdict is not Verdict.exaggerated and not claim_flags:
            continue
        gap = _clean(result.gap_money)
        fulfilment = _clean(result.verdict.test.fulfilment)
        why = [verdict_reason(result, analysis.alpha)] if verdict is Verdict.exaggerated else []
        if claim_flags:
            # the rules in words ("number differs from the claim"), not their names (number_mismatch)
            rules = sorted({RULE_LABELS.get(rule, rule).lower() for rule in claim_flags})
            why.append("wording: " + ", ".join(rules))
        key = (
            0 if verdict is Verdict.exaggerated else 1,
            -(gap if gap is not None else -math.inf),
            fulfilment if fulfilment is not None else math.inf,
            -len(claim_flags),
        )
        ranked.append(
            (
                key,
                RankedClaim(
                    result.claim.id,
                    result.claim.text,
                    verdict.value,
                    gap,
                    fulfilment,
                    claim_flags,
                    "; ".join(why),
                ),
            )
        )
    ranked.sort(key=lambda item: item[0])
    frame = pd.DataFrame(
        [
            {
                "rank": i + 1, "claim": r.claim_id, "text": r.text, "verdict": r.verdict,
                "gap_money": r.gap_money, "fulfilment": r.fulfilment, "why": r.why,
            }
            for i, (_, r) in enumerate(ranked)
        ],
        columns=["rank", "claim", "text", "verdict", "gap_money", "fulfilment", "why"],
    )  # fmt: skip
    return _numeric(frame, NUMBER_COLUMNS)


def survey_items(customers: pd.DataFrame) -> list[str]:
    """Items with both ``expected_<item>`` and ``experienced_<item>`` columns."""
    expected = {c.removeprefix("expected_") for c in customers.columns if c.startswith("expected_")}
    experienced = {c.removeprefix("experienced_") for c in customers.columns if c.startswith("experienced_")}
    return sorted(expected & experienced)


def expectation_gaps(customers: pd.DataFrame, *, alpha: float = 0.05) -> list[ExperienceGap]:
    """Experience minus expectation for every survey item (paired t-test, METHODS §5)."""
    return [
        experience_gap(
            item,
            pd.to_numeric(customers[f"expected_{item}"], errors="coerce"),
            pd.to_numeric(customers[f"experienced_{item}"], errors="coerce"),
            alpha=alpha,
        )
        for item in survey_items(customers)
    ]


def expectation_frame(gaps: Sequence[ExperienceGap], *, alpha: float = 0.05) -> pd.DataFrame:
    """Rows for ``charts.expectation_chart`` and the survey table."""
    rows = []
    for gap in gaps:
        if gap.p_value is not None and gap.p_value < alpha and gap.gap is not None:
            reading = "under-delivery" if gap.gap < 0 else "over-delivery"
        else:
            reading = "as expected" if gap.note == "" else gap.note
        rows.append(
            {
                "item": gap.item.replace("_", " "), "n": gap.n, "expected": _clean(gap.mean_expected),
                "experienced": _clean(gap.mean_experienced), "gap": _clean(gap.gap),
                "ci_low": _clean(gap.ci_low), "ci_high": _clean(gap.ci_high),
                "p_value": _clean(gap.p_value), "verdict_text": reading,
            }
        )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            "item",
            "n",
            "expected",
            "experienced",
            "gap",
            "ci_low",
            "ci_high",
            "p_value",
            "verdict_text",
        ],
    )


def apply_rewording(prop: Proposition, claim_id: str, rewording: Any) -> Proposition:
    """The proposition with one claim's text (and its number) replaced by a defensible rewording."""
    claims = []
    for claim in prop.claims:
        if claim.id == claim_id:
            claim = (
                with_promise(claim, rewording.value, rewording.text)
                if rewording.value is not None
                else claim.model_copy(update={"text": rewording.text})
            )
        claims.append(claim)
    from valuegap.model.proposition import parse_proposition

    return parse_proposition(
        {**prop.to_dict(), "claims": [c.model_dump(mode="json", exclude_none=True) for c in claims]}
    )
