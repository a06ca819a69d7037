"""The stakeholder report: one standalone HTML file that opens offline and matches the app's numbers.

It holds the proposition, every claim's verdict with its interval, the value-gap waterfall, the
value map (when a market is known) and a what-if scenario (when one is chosen), with the dataset
version, the analysis settings and the date. Charts are the app's own Vega-Lite specs rendered to
SVG by ``vl-convert`` (no JavaScript, no network), and every piece of user text is HTML-escaped.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from valuegap import __version__, chart_files, charts, gaps
from valuegap.analysis import Analysis
from valuegap.competition import ValueMap
from valuegap.formatting import format_money, format_price
from valuegap.scenarios import ScenarioResult

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2937; margin: 2rem auto;
       max-width: 1100px; padding: 0 1.5rem; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #e5e7eb; }
.meta { color: #6b7280; font-size: .92rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .6rem 0; }
th, td { border: 1px solid #e5e7eb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f9fafb; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict-exaggerated { color: #b45309; font-weight: 600; } .verdict-substantiated { color: #047857; }
.caption { color: #6b7280; font-size: .88rem; } figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
"""


VALUE_MAP_CAPTION = (
    "Each dot is an offer: quality relative to the others (right = better) against price relative to the "
    "others (up = dearer). Offers below the fair-value line give more than fair value; the shaded band is "
    "the fair-value zone. Below: our offer's attribute profile against the others' average."
)


@dataclass(frozen=True)
class ReportInputs:
    analysis: Analysis
    dataset_label: str
    value_map: ValueMap | None = None
    scenario: ScenarioResult | None = None
    generated_at: datetime | None = None
    generated_by: str = ""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, int | float):
        return f"{value:,.{digits}g}" if abs(value) < 1e-3 and value != 0 else f"{value:,.{digits}f}"
    return _e(value)


def _table(frame: pd.DataFrame, numeric_digits: dict[str, int] | None = None) -> str:
    digits = numeric_digits or {}
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<td class="num">{_number(value, digits.get(column, 3))}</td>')
            else:
                css = f' class="verdict-{_e(value)}"' if column == "verdict" else ""
                cells.append(f"<td{css}>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as inline SVG (rendered offline by vl-convert)."""
    return chart_files.to_svg(spec)


def _figure(spec: dict[str, Any], caption: str) -> str:
    return f'<figure>{_svg(spec)}<figcaption class="caption">{_e(caption)}</figcaption></figure>'


def _proposition(analysis: Analysis) -> str:
    prop = analysis.proposition
    access = "".join(
        f"<li>{_e(item.label or item.kind.value)}: {_e(item.amount)} {_e(item.unit.value)} "
        f"({_e(item.frequency.value.replace('_', ' '))})</li>"
        for item in prop.cost_of_access
    )
    claims = "".join(f"<li><strong>{_e(c.id)}</strong>: {_e(c.text)}</li>" for c in prop.claims)
    return (
        f"<p><strong>Segment:</strong> {_e(prop.segment)} · <strong>Price:</strong> "
        f"{_e(format_price(prop.price))} · <strong>Status:</strong> {_e(prop.status.value)}</p>"
        f"<p>{_e(prop.offer)}</p>"
        + (f"<p><strong>Cost of access</strong></p><ul>{access}</ul>" if access else "")
        + f"<p><strong>Claims as written</strong></p><ul>{claims}</ul>"
    )


def _verdicts(analysis: Analysis) -> str:
    table = gaps.claims_table(analysis)
    wanted = ("claim", "form", "promised", "n", "measured", "fulfilment", "p_adjusted", "verdict", "why")
    frame = table[[c for c in wanted if c in table.columns]]
    chart = charts.chart_spec("claims", gaps.claims_chart_frame(analysis))
    digits = {"n": 0, "fulfilment": 3, "p_adjusted": 3}
    return _table(frame, digits) + _figure(chart, charts.caption("claims"))


def _value_gap(analysis: Analysis) -> str:
    if analysis.value is None:
        return "<p>No value-gap figures: the analysis ran by segment.</p>"
    prop = analysis.proposition
    currency = prop.price.currency
    value = gaps.value_summary(analysis.value)
    complete = analysis.value.monetary and not analysis.value.unmeasured

    def money(amount: float | None, *, measured: bool = True) -> str:
        return format_money(amount or 0.0, currency) if measured else "–"

    rows = pd.DataFrame(
        [
            ("Promised benefit", money(value["promised_benefit"], measured=analysis.value.monetary)),
            ("Realized benefit", money(value["realized_benefit"], measured=complete)),
            ("Value gap", money(analysis.value.gap, measured=analysis.value.monetary)),
            ("Price + cost of access", money(value["sacrifice"])),
            ("Value ratio", _number(value["value_ratio"], 2) if complete else "–"),
        ],
        columns=[f"per customer and {prop.price.period.value}", "amount"],
    )
    notes = {tile.note for tile in gaps.headline_tiles(analysis.value, currency) if tile.note}
    # the notes say which claims the figures leave out, before the figures
    said = "".join(f"<p>{_e(note)}</p>" for note in sorted(notes))
    return said + _table(rows) + _waterfall(analysis)


def _waterfall(analysis: Analysis) -> str:
    assert analysis.value is not None
    prop = analysis.proposition
    currency = prop.price.currency
    steps = gaps.waterfall_steps(analysis.value, prop)
    chart = charts.chart_spec("waterfall", steps, currency=currency)
    return _figure(chart, charts.caption("waterfall"))


def _value_map(vm: ValueMap) -> str:
    from valuegap import market_charts

    positions = market_charts.positions_frame(vm)
    chart = market_charts.value_map_chart(vm).to_dict()
    line = (
        f"<p>Fair-value line: relative price = {vm.line.intercept:.3f} + {vm.line.slope:.3f} × relative "
        f"quality; {_e(vm.line.zone_text)}.</p>"
        if vm.line is not None
        else f"<p>{_e(vm.no_line_reason)}</p>"
    )
    return _table(positions, {"price": 2}) + line + _figure(chart, VALUE_MAP_CAPTION)


def _scenario(result: ScenarioResult) -> str:
    name = result.scenario.name or "What-if"
    return f"<p><strong>{_e(name)}</strong></p>" + _table(result.to_frame())


def build_report(inputs: ReportInputs) -> str:
    """The report as one HTML document (UTF-8 text)."""
    analysis = inputs.analysis
    prop = analysis.proposition
    when = (inputs.generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    settings = (
        f"α = {analysis.alpha:g}, correction {analysis.correction}, "
        f"segment {analysis.segment or 'all'}, period {analysis.period or 'all'}"
    )
    sections = [
        ("The proposition", _proposition(analysis)),
        ("Verdicts, claim by claim", _verdicts(analysis)),
        ("The value gap in money", _value_gap(analysis)),
    ]
    if inputs.value_map is not None:
        sections.append(("The customer value map", _value_map(inputs.value_map)))
    if inputs.scenario is not None:
        sections.append(("The chosen what-if", _scenario(inputs.scenario)))
    body = "".join(f"<section><h2>{_e(title)}</h2>{content}</section>" for title, content in sections)
    by = f" by {_e(inputs.generated_by)}" if inputs.generated_by else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(prop.name)}: value gap report</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(prop.name)}</h1>"
        f"<p class='meta'>Value gap report · data: {_e(inputs.dataset_label)} · {_e(settings)} · "
        f"generated {_e(when)}{by} · Value Gap Workbench {_e(__version__)}</p>"
        f"{body}</body></html>"
    )
