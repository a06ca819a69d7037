"""The stakeholder report: one standalone HTML file that opens offline, and the same report as a PDF.

It opens with a one-screen summary for an executive (what holds, what is exaggerated, the money at
stake per customer and, when a customer table is given, in revenue at risk, and the suggested copy),
then the detail: every claim's verdict with labelled columns, the wording flags, the rewordings, the
value gap in money, revenue at risk, the proposition, the value map (when a market is known) and a
what-if (when one is chosen), with the dataset, the analysis settings and the date.

The page is a Jinja2 template (``templates/report.html.j2``) with autoescape on, so every piece of
user text is escaped; charts are the app's own Vega-Lite specs rendered to inline SVG by
``vl-convert`` (no JavaScript, no network). The PDF is that same HTML laid out by WeasyPrint, which
needs the Pango library of the system (:func:`pdf_unavailable` says when it cannot load).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeGuard

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from valuegap import __version__
from valuegap.errors import ValueGapError
from valuegap.evidence import charts, gaps
from valuegap.evidence.analysis import Analysis, ClaimResult
from valuegap.evidence.claim_tests import Verdict
from valuegap.evidence.reasons import p_display
from valuegap.market.competition import ValueMap
from valuegap.model.claim_titles import claim_titles
from valuegap.model.proposition import AccessUnit, Frequency, Proposition
from valuegap.pricing.scenarios import METRICS, ScenarioResult
from valuegap.reporting import chart_files
from valuegap.reporting.formatting import format_money, format_price
from valuegap.wording.checks import RULE_LABELS, check_proposition

if TYPE_CHECKING:
    from valuegap.pricing.churn import ChurnFit

VALUE_MAP_CAPTION = (
    "Each dot is an offer: quality relative to the others (right = better) against price relative to the "
    "others (up = dearer). Offers below the fair-value line give more than fair value; the shaded band is "
    "the fair-value zone."
)

VERDICT_WORDS = {
    Verdict.substantiated: "holds",
    Verdict.exaggerated: "exaggerated",
    Verdict.inconclusive: "not proven yet",
    Verdict.no_evidence: "without evidence",
    Verdict.not_testable: "not testable",
}
"""How the summary names each verdict."""

VERDICT_COLUMNS = (
    ("Claim", ""), ("Promised", "mid"), ("Measured", "mid"), ("Verdict", "verdict"), ("Why", "wide"),
    ("Fulfilment", "num"), ("Adjusted p", "num"), ("Customers", "num"), ("Gap per customer", "num"),
)  # fmt: skip
"""The verdict table's column labels and their CSS class (width, or right-aligned numbers)."""

_MONEY_METRICS = frozenset(
    {"price", "sacrifice", "promised_benefit", "realized_benefit", "value_gap", "net_value", "revenue",
     "revenue_at_risk", "under_delivery", "net_effect"}
)  # fmt: skip
_WITHOUT_INTERVAL = re.compile(r" \(CI [^)]*\)$")
_METRIC_NAMES = {label: name for name, label, _ in METRICS}
_PERIOD_PLURAL = {"day": "days", "week": "weeks", "month": "months", "quarter": "quarters", "year": "years",
                  "order": "orders"}  # fmt: skip


@dataclass(frozen=True)
class ReportInputs:
    """What a report is built from. ``churn`` is the churn model fitted on a customer table (optional:
    without it the report says that revenue at risk needs one); ``customers_label`` names that table."""

    analysis: Analysis
    dataset_label: str
    value_map: ValueMap | None = None
    scenario: ScenarioResult | None = None
    generated_at: datetime | None = None
    generated_by: str = ""
    churn: ChurnFit | None = None
    customers_label: str = ""


# --------------------------------------------------------------------------- numbers as words


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: object) -> float | None:
    """A table cell as a finite number, or None."""
    return float(value) if _finite(value) else None


def _money(amount: object, currency: str) -> str:
    return format_money(amount, currency) if _finite(amount) else "–"


def _percent(value: object) -> str:
    return f"{value:.0%}" if _finite(value) else "–"


def _plain(value: Any, digits: int = 3) -> str:
    if not _finite(value):
        return "–" if value is None or isinstance(value, float) else str(value)
    return f"{value:,.{digits}f}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _per_period(prop: Proposition) -> str:
    return f"a {prop.price.period.value}"


def _access_cost(item: Any, prop: Proposition) -> str:
    """``USD 99 once``, ``4 hours once``, ``0.5 hours a month``."""
    amount = (
        format_money(item.amount, prop.price.currency)
        if item.unit is AccessUnit.money
        else f"{item.amount:g} {'hour' if item.amount == 1 else 'hours'}"
    )
    when = "once" if item.frequency is Frequency.once else _per_period(prop)
    return f"{amount} {when}"


CORRECTION_WORDS = {
    "holm": "Holm correction",
    "fdr_bh": "Benjamini–Hochberg correction",
    "none": "no correction",
}
"""How the report names the multiple-testing correction ("holm" and "fdr_bh" are the file words)."""


def correction_words(correction: str) -> str:
    """The analysis' p-value correction in words: "Holm correction", not "holm"."""
    return CORRECTION_WORDS.get(correction, f"{correction} correction")


# --------------------------------------------------------------------------- charts


def report_charts(inputs: ReportInputs) -> dict[str, dict[str, Any]]:
    """The report's charts as Vega-Lite specs by name ("claims", "value gap", "value map"): the same
    charts the report draws, for slides (:func:`valuegap.reporting.chart_files.png_zip`)."""
    analysis = inputs.analysis
    found = {"claims": charts.chart_spec("claims", gaps.claims_chart_frame(analysis))}
    if analysis.value is not None:
        steps = gaps.waterfall_steps(analysis.value, analysis.proposition)
        found["value gap"] = charts.chart_spec(
            "waterfall", steps, currency=analysis.proposition.price.currency
        )
    if inputs.value_map is not None:
        from valuegap.market import charts as market_charts

        found["value map"] = market_charts.value_map_chart(inputs.value_map).to_dict()
    return found


_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)(?=[A-Za-z_])')


def _svg(spec: dict[str, Any], name: str) -> Markup:
    """A chart as inline SVG (vl-convert writes the chart's text escaped). Every chart numbers its
    clip paths from 1, and ids are shared by the whole page, so a chart would clip its marks with
    another's rectangle: each chart's ids and references get the chart's ``name`` in front."""
    return Markup(_SVG_ID.sub(lambda m: f"{m.group(1)}{name}-", chart_files.to_svg(spec)))


# --------------------------------------------------------------------------- the summary


def _claim_money(result: ClaimResult, prop: Proposition) -> str:
    gap = result.gap_money
    if not _finite(gap) or gap == 0:
        return ""
    currency, per = prop.price.currency, _per_period(prop)
    if gap > 0:
        return f"customers get {format_money(gap, currency)} {per} less than promised"
    return f"customers get {format_money(-gap, currency)} {per} more than promised"


def _summary_item(result: ClaimResult, prop: Proposition, up_to_share: float) -> dict[str, str]:
    claim, verdict = result.claim, result.verdict.verdict
    measured = _WITHOUT_INTERVAL.sub("", gaps.estimate_text(result))  # the interval is in the detail
    parts = [f"promised {gaps.promise_text(claim, up_to_share)}, measured {measured}"]
    money = _claim_money(result, prop)
    if money and verdict is not Verdict.inconclusive:
        parts.append(money)
    needed = result.verdict.test.evidence_needed
    if verdict is Verdict.inconclusive and _finite(needed) and needed > 0:
        parts.append(f"about {int(needed):,} more customers would settle it")
    return {"text": claim.text, "detail": "; ".join(parts)}


def _verdict_tiles(counts: Mapping[Verdict, int]) -> list[dict[str, str]]:
    tiles = [
        {"label": "Claims that hold", "value": str(counts[Verdict.substantiated]), "css": "holds", "sub": ""},
        {"label": "Exaggerated", "value": str(counts[Verdict.exaggerated]), "css": "exaggerated", "sub": ""},
        {"label": "Not proven yet", "value": str(counts[Verdict.inconclusive]), "css": "open",
         "sub": "the data can't tell yet"},
    ]  # fmt: skip
    untested = counts[Verdict.no_evidence] + counts[Verdict.not_testable]
    if untested:
        words = []
        if counts[Verdict.not_testable]:
            words.append(f"{counts[Verdict.not_testable]} promise nothing measurable")
        if counts[Verdict.no_evidence]:
            words.append(f"{counts[Verdict.no_evidence]} without evidence")
        tiles.append({"label": "Not tested", "value": str(untested), "css": "", "sub": "; ".join(words)})
    return tiles


def _money_tiles(analysis: Analysis, revenue: Mapping[str, Any]) -> tuple[list[dict[str, str]], list[str]]:
    """Value gap and net value per customer (never a number built on missing evidence shown as
    measured: :func:`valuegap.evidence.gaps.headline_tiles`), then revenue at risk when there is a model."""
    prop = analysis.proposition
    tiles: list[dict[str, str]] = []
    notes: list[str] = []
    if analysis.value is not None:
        per = f"per customer, {_per_period(prop)}"
        for tile in gaps.headline_tiles(analysis.value, prop.price.currency):
            sub = per if tile.value != "–" else ""
            if tile.delta:
                sub += f"; {tile.delta}"
            tiles.append({"label": tile.label, "value": tile.value, "sub": sub})
            if tile.note and tile.note not in notes:
                notes.append(tile.note)
        value = analysis.value
        if value.monetary and not value.unmeasured and _finite(value.gap) and value.gap != 0:
            currency = prop.price.currency
            more_or_less = "less" if value.gap > 0 else "more"
            notes.insert(0, f"On average each customer gets {format_money(abs(value.gap), currency)} "
                            f"{_per_period(prop)} {more_or_less} than the claims promise.")  # fmt: skip
    else:
        notes.append("No value-gap figures: the analysis ran by segment.")
    if revenue.get("figures"):
        at_risk, under = revenue["figures"][0], revenue["figures"][1]
        tiles.append({"label": f"Revenue at risk over {revenue['horizon']}", "value": at_risk["estimate"],
                      "sub": f"95% interval {at_risk['interval']}"})  # fmt: skip
        tiles.append({"label": "of it from under-delivery", "value": under["estimate"],
                      "sub": revenue["under_share"]})  # fmt: skip
    else:
        notes.append(revenue["missing"])
    return tiles, notes


def _flags_line(flags: list[dict[str, str]]) -> str:
    if not flags:
        return ""
    return "; ".join(f"“{f['words']}” in {f['claim']} ({f['rule'].lower()})" for f in flags) + "."


def _summary(analysis: Analysis, flags: list[dict[str, str]], rewordings: list[dict[str, str]],
             revenue: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    prop, share = analysis.proposition, analysis.up_to_share
    results = [r for r in analysis.results if r.segment is None] or list(analysis.results)
    counts = {verdict: 0 for verdict in Verdict}
    for result in results:
        counts[result.verdict.verdict] += 1

    def items(verdict: Verdict) -> list[dict[str, str]]:
        return [_summary_item(r, prop, share) for r in results if r.verdict.verdict is verdict]

    total = len(results)
    lead = (
        f"Of {_count(total, 'claim')}, {counts[Verdict.substantiated]} "
        f"{'holds' if counts[Verdict.substantiated] == 1 else 'hold'} up on the evidence, "
        f"{counts[Verdict.exaggerated]} {'is' if counts[Verdict.exaggerated] == 1 else 'are'} exaggerated "
        f"and {counts[Verdict.inconclusive]} {'is' if counts[Verdict.inconclusive] == 1 else 'are'} not "
        f"proven yet."
    )
    if flags:
        lead += f" {_count(len(flags), 'wording flag')} to fix."
    money_tiles, money_notes = _money_tiles(analysis, revenue)
    return {
        "lead": lead,
        "verdict_tiles": _verdict_tiles(counts),
        "money_tiles": money_tiles,
        "money_notes": money_notes,
        "holds": items(Verdict.substantiated),
        "exaggerated": items(Verdict.exaggerated),
        "open": items(Verdict.inconclusive),
        "suggested": rewordings,
        "refused": _refused(analysis, verdicts=frozenset({Verdict.exaggerated})),
        "flags": _flags_line(flags),
    }


# --------------------------------------------------------------------------- the detail


def _verdicts(analysis: Analysis) -> dict[str, Any]:
    table = gaps.claims_table(analysis, up_to_share=analysis.up_to_share)
    currency = analysis.proposition.price.currency
    rows = [
        {
            "claim": row.title,
            "promised": row.promised,
            "measured": row.measured,
            "verdict": row.verdict,
            "why": row.why,
            "fulfilment": _percent(row.fulfilment),
            "p_adjusted": p_display(_number(row.p_adjusted)) or "–",
            "n": f"{int(_number(row.n) or 0):,}",
            "gap_money": _money(row.gap_money, currency),
        }
        for row in table.itertuples(index=False)
    ]
    per = _per_period(analysis.proposition)
    return {
        "columns": [{"label": label, "css": css} for label, css in VERDICT_COLUMNS],
        "rows": rows,
        "note": (
            f"Fulfilment: how much of the promise customers got (100% = as promised). Adjusted p: the "
            f"one-sided test's p-value adjusted across all claims ({correction_words(analysis.correction)})."
            f" Customers: how many were measured. Gap per customer: what customers miss in money {per} "
            f"(negative: they get more than promised; – where the claim is not counted in money)."
        ),
        "chart": _svg(charts.chart_spec("claims", gaps.claims_chart_frame(analysis)), "claims"),
        "caption": charts.caption("claims"),
    }


def _flags(prop: Proposition) -> list[dict[str, str]]:
    titles = claim_titles(prop.claims)
    return [
        {
            "claim": titles.get(f.claim_id, f.claim_id), "words": f.words,
            "rule": RULE_LABELS.get(f.rule, f.rule), "why": f.why,
        }
        for f in check_proposition(prop)
    ]  # fmt: skip


def _checked(substantiated: bool | None) -> str:
    if substantiated is None:
        return "not tested"
    return "holds on the same data" if substantiated else "not shown by the same data either"


def _rewordings(analysis: Analysis) -> list[dict[str, str]]:
    titles = claim_titles(analysis.proposition.claims)
    return [
        {
            "claim": titles.get(r.claim.id, r.claim.id),
            "before": r.claim.text,
            "after": r.rewording.text,
            "reason": r.rewording.reason,
            "checked": _checked(r.rewording.substantiated),
        }
        for r in analysis.results
        if r.rewording is not None and r.rewording.changed
    ]


def _refused(analysis: Analysis, *, verdicts: frozenset[Verdict] | None = None) -> list[dict[str, str]]:
    """Claims the data do not substantiate that get no rewording, each with why in words
    (:func:`valuegap.evidence.gaps.rewording_refusals`); only those of ``verdicts`` when given."""
    titles = claim_titles(analysis.proposition.claims)
    why = gaps.rewording_refusals(analysis)
    return [
        {"claim": titles.get(r.claim.id, r.claim.id), "text": r.claim.text, "reason": why[r.claim.id]}
        for r in analysis.results
        if r.claim.id in why and (verdicts is None or r.verdict.verdict in verdicts)
    ]


def _value(analysis: Analysis) -> dict[str, Any] | None:
    if analysis.value is None:
        return None
    prop, value = analysis.proposition, analysis.value
    currency = prop.price.currency
    summary = gaps.value_summary(value)
    complete = value.monetary and not value.unmeasured

    def money(amount: float | None, *, measured: bool = True) -> str:
        return _money(amount, currency) if measured else "–"

    totals = [
        ("Promised benefit", money(summary["promised_benefit"], measured=value.monetary)),
        ("Realized benefit", money(summary["realized_benefit"], measured=complete)),
        ("Value gap (promised − realized)", money(value.gap, measured=value.monetary)),
        ("Price + cost of access", money(summary["sacrifice"])),
        ("Net customer value", money(summary["net_value"], measured=complete)),
        ("Value ratio (realized benefit ÷ price and cost)",
         _plain(summary["value_ratio"], 2) if complete and summary["value_ratio"] is not None else "–"),
    ]  # fmt: skip
    notes = []
    for tile in gaps.headline_tiles(value, currency):
        if tile.note and tile.note not in notes:
            notes.append(tile.note)
    titles = claim_titles(prop.claims)
    claims = [
        {
            "claim": titles.get(c.claim_id, c.claim_id),
            "rate": money(c.money_per_unit) if c.money_per_unit is not None else "–",
            "promised": money(c.promised),
            "realized": money(c.realized),
            "gap": money(c.gap),
            "note": c.note,
        }
        for c in value.claims
    ]
    steps = gaps.waterfall_steps(value, prop)
    return {
        "heading": f"Per customer, {_per_period(prop)}",
        "totals": totals,
        "notes": notes,
        "claims": claims,
        "chart": _svg(charts.chart_spec("waterfall", steps, currency=currency), "waterfall"),
        "caption": charts.caption("waterfall"),
    }


def _revenue(fit: ChurnFit | None, prop: Proposition, customers_label: str) -> dict[str, Any]:
    """Revenue at risk, under-delivery and the net effect over the proposition's horizon (95%
    intervals, METHODS section 7), with the churn model's plain-words sentences."""
    from valuegap.pricing.churn import RevenueFigure, revenue_sentences

    horizon = prop.horizon
    period = prop.price.period.value
    span = f"{horizon:g} {period if horizon == 1 else _PERIOD_PLURAL.get(period, period + 's')}"
    if fit is None:
        return {"figures": [], "horizon": span, "missing": "Revenue at risk needs a customer table (each "
                "customer's ID, whether they churned, and their revenue); none was given, so it is not "
                "estimated."}  # fmt: skip
    if fit.model is None:
        return {"figures": [], "horizon": span, "missing": f"No revenue at risk: {fit.reason}"}
    model = fit.model
    summary = model.summary(horizon)
    currency = model.currency
    figures = {
        name: RevenueFigure(**summary[name]) for name in ("revenue_at_risk", "under_delivery", "net_effect")
    }
    words = revenue_sentences(
        figures["revenue_at_risk"], figures["under_delivery"], figures["net_effect"], currency
    )
    labels = {
        "revenue_at_risk": "Revenue at risk",
        "under_delivery": "Of it from under-delivery",
        "net_effect": "Change from delivering exactly the promise",
    }
    rows = [
        {
            "label": labels[name],
            "estimate": format_money(figure.estimate, currency),
            "interval": f"{_money(figure.ci_low, currency)} to {_money(figure.ci_high, currency)}",
            "words": words[name],
        }
        for name, figure in figures.items()
    ]
    share = figures["under_delivery"].share_of(figures["revenue_at_risk"].estimate)
    under_share = f"{share:.0%} of the revenue at risk" if share is not None else "not a share of it"
    source = f" ({customers_label})" if customers_label else ""
    basis = (
        f"From the churn model on {_count(model.n, 'customer')}{source}, "
        f"{_count(model.churners, 'churner')}. {model.gap_sentence}"
    )
    left_out = [f"{_count(count, 'customer')} left out: {reason}" for reason, count in fit.left_out]
    return {
        "figures": rows, "horizon": span, "basis": basis, "under_share": under_share,
        "notes": [*left_out, *fit.remarks], "missing": "",
    }  # fmt: skip


def _proposition(prop: Proposition) -> dict[str, Any]:
    once = any(item.frequency is Frequency.once for item in prop.cost_of_access)
    period = prop.price.period.value
    return {
        "segment": prop.segment,
        "price": format_price(prop.price),
        "status": prop.status.value.replace("_", " "),
        "value_of_time": f"{format_money(prop.value_of_time, prop.price.currency)} an hour"
        if prop.value_of_time
        else "",
        "offer": prop.offer,
        "access": [
            {
                "label": item.label or item.kind.value.replace("_", " "),
                "kind": item.kind.value.replace("_", " "),
                "cost": _access_cost(item, prop),
            }
            for item in prop.cost_of_access
        ],
        "horizon": (
            f"One-off costs are spread over {prop.horizon:g} {_PERIOD_PLURAL.get(period, period + 's')}; "
            "hours are counted at the value of time."
            if once
            else "Hours are counted at the value of time."
        ),
        "claims": [{"id": c.id, "text": c.text} for c in prop.claims],
    }


def _cells(frame: pd.DataFrame, formats: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    rows = []
    for record in frame.itertuples(index=False):
        row = []
        for column, value in zip(frame.columns, record, strict=True):
            fmt = formats.get(column)
            numeric = _finite(value)
            text = (
                fmt(value)
                if fmt is not None
                else (_plain(value) if numeric else ("–" if value is None else str(value)))
            )
            row.append({"text": text, "num": numeric})
        rows.append(row)
    return rows


def _value_map(vm: ValueMap, currency: str) -> dict[str, Any]:
    from valuegap.market import charts as market_charts

    positions = market_charts.positions_frame(vm)
    labels = {
        "offer": "Offer", "kind": "Kind", "price": "Price", "quality_ratio": "Quality ratio",
        "relative_price": "Relative price", "value_advantage": "Value advantage", "fair_value": "Fair value",
    }  # fmt: skip
    line = (
        f"Fair-value line: relative price = {vm.line.intercept:.3f} + {vm.line.slope:.3f} × relative "
        f"quality; {vm.line.zone_text}."
        if vm.line is not None
        else vm.no_line_reason
    )
    return {
        "columns": [labels.get(c, c.replace("_", " ").capitalize()) for c in positions.columns],
        "rows": _cells(positions, {"price": lambda v: _money(v, currency)}),
        "line": line,
        "chart": _svg(market_charts.value_map_chart(vm).to_dict(), "value-map"),
        "caption": VALUE_MAP_CAPTION,
    }


def _scenario_value(metric: str, value: Any, currency: str, *, change: bool = False) -> str:
    if not _finite(value):
        return "–"
    name = _METRIC_NAMES.get(metric, "")
    if name in _MONEY_METRICS:
        text = format_money(value, currency)
        return ("+" + text) if change and value > 0 else text
    if name == "churn_rate":
        return f"{100 * value:+.1f} pp" if change else f"{value:.1%}"  # a change of a rate: points
    return f"{value:+.3f}" if change else f"{value:.3f}"


def _scenario(result: ScenarioResult) -> dict[str, Any]:
    frame = result.to_frame()
    currency = result.proposition.price.currency
    rows = [
        [
            {"text": str(row["metric"]), "num": False},
            {"text": _scenario_value(row["metric"], row["today"], currency), "num": True},
            {"text": _scenario_value(row["metric"], row["what-if"], currency), "num": True},
            {"text": _scenario_value(row["metric"], row["change"], currency, change=True), "num": True},
        ]
        for row in frame.to_dict("records")
    ]
    return {"name": result.scenario.name or "What-if", "columns": ["Metric", "Today", "What-if", "Change"],
            "rows": rows}  # fmt: skip


# --------------------------------------------------------------------------- building


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("valuegap.reporting", "templates"),
        autoescape=True,  # every value is escaped unless it is Markup (the charts' SVG)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_context(inputs: ReportInputs) -> dict[str, Any]:
    """Everything the template shows, as text ready to print (numbers formatted, never NaN)."""
    analysis = inputs.analysis
    prop = analysis.proposition
    flags = _flags(prop)
    rewordings = _rewordings(analysis)
    revenue = _revenue(inputs.churn, prop, inputs.customers_label)
    correction = correction_words(analysis.correction)
    settings = (
        f"α = {analysis.alpha:g}, {correction}, "
        f"segment {analysis.segment or 'all'}, period {analysis.period or 'all'}"
    )
    method = (
        f"Each claim is tested one-sided in its own direction at α = {analysis.alpha:g}; p-values are "
        f"adjusted across all claims ({correction}). Segment: "
        f"{analysis.segment or 'all customers'}; period: {analysis.period or 'all'}. Money is per customer "
        f"and {prop.price.period.value}, in {prop.price.currency}."
    )
    return {
        "name": prop.name,
        "dataset_label": inputs.dataset_label,
        "customers_label": inputs.customers_label,
        "settings": settings,
        "method": method,
        "generated": (inputs.generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        "generated_by": inputs.generated_by,
        "version": __version__,
        "summary": _summary(analysis, flags, rewordings, revenue),
        "verdicts": _verdicts(analysis),
        "flags": flags,
        "rewordings": rewordings,
        "refused": _refused(analysis),
        "value": _value(analysis),
        "revenue": revenue,
        "proposition": _proposition(prop),
        "value_map": _value_map(inputs.value_map, prop.price.currency)
        if inputs.value_map is not None
        else None,
        "scenario": _scenario(inputs.scenario) if inputs.scenario is not None else None,
    }


def build_report(inputs: ReportInputs) -> str:
    """The report as one HTML document (UTF-8 text)."""
    return _environment().get_template("report.html.j2").render(report_context(inputs))


def _no_fetching() -> Any:
    """A WeasyPrint URL fetcher that fetches nothing: the report holds all it shows."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


@cache
def pdf_unavailable() -> str:
    """Why a PDF cannot be made on this machine ("" when it can): WeasyPrint loads Pango at import."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return (
            "The PDF needs WeasyPrint and the Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0); "
            f"it could not load: {str(error).splitlines()[0] if str(error) else type(error).__name__}."
        )
    return ""


def html_to_pdf(page: str) -> bytes:
    """An HTML report laid out as a PDF (A4) by WeasyPrint, fetching nothing from outside."""
    reason = pdf_unavailable()
    if reason:
        raise ValueGapError(reason)
    import weasyprint

    return weasyprint.HTML(string=page, url_fetcher=_no_fetching()).write_pdf()


def build_pdf(inputs: ReportInputs) -> bytes:
    """The same report as :func:`build_report`, as a PDF."""
    return html_to_pdf(build_report(inputs))
