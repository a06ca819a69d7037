"""Altair charts for the Gap analysis page and the report: aggregated data in, a chart out.

Every chart takes data that is already aggregated (one row per claim, bin, step or cell), refuses
more than :data:`MAX_MARKS` rows, and never puts NaN into the spec (the browser and the HTML report
get valid JSON). Each has a one-line caption in :data:`CAPTIONS` saying how to read it.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from valuegap.reporting import theme
from valuegap.reporting.theme import ROW, VERDICT_COLORS

MAX_MARKS = theme.MAX_MARKS  # the most rows a chart takes (the theme's limit, named where it is used)

CAPTIONS = {
    "claims": "Each dot is the claim's fulfilment: how much of the promise customers got (1 = as promised, "
    "the grey line), read in each claim's direction, so better than promised is always to the right of 1; "
    "the line is its confidence interval and colour is the verdict.",
    "distribution": "Bars count customers by their measured outcome; the solid line is the promise and, for "
    "average and median claims, the dashed line the bar the test uses (the promise less its tolerance).",
    "waterfall": "From the promised benefit per customer and period, each claim's shortfall (orange) or "
    "surplus (green) leads to the realized benefit; price and cost of access then give the net customer "
    "value.",
    "heatmap": "Each cell is one claim in one segment: colour is the verdict, the number the fulfilment; "
    "p-values are adjusted together across all cells.",
    "expectation": "For each survey item, the grey dot is what customers expected and the coloured dot what "
    "they experienced; a drop means under-delivery against the expectation the promise set.",
}
_LINES = ["promised", "bar the test uses"]  # the legend's words for the two rules
_SCALE = theme.color_scale(VERDICT_COLORS)


def caption(name: str) -> str:
    return CAPTIONS[name]


def claims_chart(frame: pd.DataFrame) -> theme.AnyChart:
    """Each claim's fulfilment with its interval on one axis (METHODS §2), one row per claim."""
    data = theme.clean(frame)
    data = data[data["estimate"].notna()] if len(data) else data
    if data.empty:
        return theme.empty_chart("No claim has a measured estimate yet")
    # sort=None keeps the rows' order (the proposition's claim order) without naming the claims in
    # the spec, so the spec is the same for any data of the same length (see chart_spec)
    y = alt.Y("claim:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("claim:N", title="Claim"), alt.Tooltip("tooltip_claimed:N", title="Promised"),
        alt.Tooltip("tooltip_estimate:N", title="Measured"), alt.Tooltip("verdict:N", title="Verdict"),
    ]  # fmt: skip
    base = alt.Chart(data)
    ci = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="Fulfilment (1 = as promised; better to the right)"), x2="ci_high:Q", y=y,
        color=alt.Color("verdict:N", scale=_SCALE, legend=theme.legend("Verdict")), tooltip=tooltip,
    )  # fmt: skip
    dots = base.mark_point(filled=True, size=90).encode(
        x="estimate:Q", y=y, color=alt.Color("verdict:N", scale=_SCALE), tooltip=tooltip
    )
    promise = (
        alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=theme.GREY, strokeDash=[4, 3]).encode(x="x:Q")
    )
    return (promise + ci + dots).properties(height=ROW)


def distribution_chart(
    bins: pd.DataFrame,
    *,
    claimed: float | None,
    threshold: float | None,
    unit: str = "",
    direction: str = "higher",
) -> theme.AnyChart:
    """Histogram of per-customer outcomes with the promise and the threshold."""
    data = theme.clean(bins)
    if data.empty:
        return theme.empty_chart()
    better = "right" if direction == "higher" else "left"
    bars = alt.Chart(data).mark_bar(color=theme.BAR, opacity=0.8).encode(
        x=alt.X("bin_start:Q", title=f"Outcome per customer ({unit or 'units'}; better to the {better})"),
        x2="bin_end:Q", y=alt.Y("count:Q", title="Customers"), y2=alt.datum(0),  # bars rise from zero
        tooltip=[alt.Tooltip("bin_start:Q", title="From", format=".3g"),
                 alt.Tooltip("bin_end:Q", title="To", format=".3g"),
                 alt.Tooltip("count:Q", title="Customers")],
    )  # fmt: skip
    lines = pd.DataFrame(
        [{"x": v, "what": w} for v, w in ((claimed, _LINES[0]), (threshold, _LINES[1])) if v is not None]
    )
    if lines.empty:
        return bars
    rules = alt.Chart(lines).mark_rule(size=2).encode(
        x="x:Q",
        color=alt.Color(
            "what:N", scale=alt.Scale(domain=_LINES, range=[theme.BAD, theme.BLACK]), legend=theme.legend()
        ),
        strokeDash=alt.StrokeDash(
            "what:N", scale=alt.Scale(domain=_LINES, range=[[1, 0], [5, 4]]), legend=None
        ),
        tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("x:Q", title="Value", format=".3g")],
    )  # fmt: skip
    return (bars + rules).properties(height=260)


def waterfall_chart(steps: pd.DataFrame, *, currency: str = "") -> theme.AnyChart:
    """Promised benefit → claim gaps → realized benefit → costs → net value."""
    return _waterfall(_waterfall_rows(steps), currency=currency)


def _waterfall_rows(steps: pd.DataFrame) -> pd.DataFrame:
    """One bar per step with where it starts and ends."""
    if steps.empty:
        return pd.DataFrame(
            columns=["order", "label", "start", "end", "amount", "type", "bar_low", "bar_high", "label_at"]
        )
    rows: list[dict[str, Any]] = []
    level = 0.0
    for order, step in enumerate(steps.itertuples(index=False)):
        amount = float(step.amount)
        if step.kind == "total":
            start, end = 0.0, amount
            level = amount
        else:
            start, end = level, level + amount
            level = end
        colour = (
            "total"
            if step.kind == "total"
            else "cost"
            if step.kind == "cost"
            else "surplus"
            if amount >= 0
            else "shortfall"
        )
        rows.append(
            {
                "order": order,
                "label": step.label,
                "start": start,
                "end": end,
                "amount": amount,
                "type": colour,
            }
        )
    frame = pd.DataFrame(rows)
    # a step too small to see still gets a bar: at least MIN_BAR of the chart's height, drawn from
    # where the step starts (``start``/``end`` stay the true amounts: tooltips and tests read them)
    span = max([abs(v) for v in (*frame["start"], *frame["end"])] + [1e-9])
    least = MIN_BAR * span
    low = frame[["start", "end"]].min(axis=1)
    high = frame[["start", "end"]].max(axis=1)
    short = (high - low) < least
    up = frame["amount"] >= 0
    frame["bar_low"] = low.where(~short, frame["start"].where(up, frame["start"] - least))
    frame["bar_high"] = high.where(~short, frame["start"].where(~up, frame["start"] + least))
    # the amount is printed outside its bar: above a rise, below a fall
    frame["label_at"] = frame["bar_high"].where(up, frame["bar_low"])
    return theme.clean(frame)


MIN_BAR = 0.006  # of the largest level on the waterfall


def _waterfall(data: pd.DataFrame, *, currency: str = "") -> theme.AnyChart:
    if data.empty:
        return theme.empty_chart()
    # every step named: Vega would otherwise drop every other label where they overlap
    axis = alt.Axis(labelAngle=-40, labelLimit=140, labelOverlap=False)
    x = alt.X("label:N", sort=None, title=None, axis=axis)
    colours = alt.Scale(
        domain=["total", "shortfall", "surplus", "cost"],
        range=[theme.BAR, theme.BAD, theme.GOOD, theme.LIGHT_GREY],
    )
    # short enough for the plot's height at any width ("Money per customer and period (USD)" was cut
    # to "…(USD"); the caption says per period
    y_title = f"Per customer ({currency})" if currency else "Money per customer"
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("bar_low:Q", title=y_title), y2="bar_high:Q",
        color=alt.Color("type:N", scale=colours, legend=theme.legend()),
        tooltip=[alt.Tooltip("label:N", title="Step"), alt.Tooltip("amount:Q", title="Amount", format=",.2f"),
                 alt.Tooltip("type:N", title="Kind")],
    )  # fmt: skip
    # amounts with two decimals, as money is shown everywhere else, outside their bars (dark text on
    # white, whatever the bar's colour): above a rise, below a fall
    text = alt.Text("amount:Q", format=",.2f")
    rises = (
        alt.Chart(data)
        .mark_text(dy=-3, baseline="bottom", fontSize=11, color=theme.BLACK)
        .encode(x=x, y="label_at:Q", text=text)
        .transform_filter(alt.datum.amount >= 0)
    )
    falls = (
        alt.Chart(data)
        .mark_text(dy=3, baseline="top", fontSize=11, color=theme.BLACK)
        .encode(x=x, y="label_at:Q", text=text)
        .transform_filter(alt.datum.amount < 0)
    )
    return alt.layer(bars, rises, falls).properties(height=320)


def heatmap_chart(cells: pd.DataFrame) -> theme.AnyChart:
    """Segment × claim verdicts with fulfilment."""
    if cells.empty:
        return theme.empty_chart()
    data = cells.copy()
    data["label"] = [
        f"{f:.0%}" if isinstance(f, float) and math.isfinite(f) else "–" for f in data["fulfilment"]
    ]
    data = theme.clean(data)
    named = "title" if "title" in data else "claim"  # the claim's short title, else its ID
    # a row per claim, its title written whole beside it (slanted under columns, titles overlapped and
    # Vega dropped every other one); a column per segment, as there are few
    base = alt.Chart(data).encode(
        y=alt.Y(
            f"{named}:N", title=None, sort=list(dict.fromkeys(data[named])), axis=alt.Axis(labelLimit=320)
        ),
        x=alt.X(
            "segment:N", title=None, axis=alt.Axis(labelExpr=theme.SENTENCE_CASE, labelAngle=0, orient="top")
        ),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("verdict:N", scale=_SCALE, legend=theme.legend("Verdict")),
        tooltip=["segment:N", alt.Tooltip(f"{named}:N", title="Claim"), "verdict:N",
                 alt.Tooltip("fulfilment:Q", format=".0%"),
                 alt.Tooltip("p_adjusted:Q", format=".3g", title="adjusted p"), "n:Q"],
    )  # fmt: skip
    # black on light cells, white on dark ones (vermillion, green)
    text = base.mark_text(fontSize=12).encode(
        text="label:N", color=alt.Color("verdict:N", scale=theme.text_scale(VERDICT_COLORS), legend=None)
    )
    return alt.layer(rects, text).resolve_scale(color="independent").properties(height=ROW)


def expectation_chart(
    items: pd.DataFrame, *, scale_range: tuple[float, float] | None = None
) -> theme.AnyChart:
    """Expected vs experienced per survey item (dumbbell), on the survey's scale from its lowest score.

    ``scale_range`` is the survey's scale (e.g. ``(1, 7)``); without it the axis runs from 1 (0 when a
    mean lies below 1) to the whole number above the highest mean, so small gaps are not blown up.
    """
    if items.empty:
        return theme.empty_chart("No survey items")
    data = theme.clean(items)
    means = [float(v) for v in (*data["expected"], *data["experienced"]) if v is not None]
    if scale_range is not None:
        bottom, top = float(scale_range[0]), float(scale_range[1])
    else:
        bottom = 1.0 if means and min(means) >= 1 else 0.0
        top = float(math.ceil(max(means))) if means else 1.0
    domain = [bottom, max(top, bottom + 1)]
    title = f"Mean score on the survey's scale (axis from {domain[0]:g} to {domain[1]:g})"
    readings = ["expected", "under-delivery", "as expected", "over-delivery"]
    reading = alt.Scale(domain=readings, range=[theme.GREY, theme.BAD, theme.WATCH, theme.GOOD])
    color = alt.Color("reading:N", scale=reading, legend=theme.legend("Mean score"))
    y = alt.Y("item:N", title=None, axis=alt.Axis(labelExpr=theme.SENTENCE_CASE))
    x = alt.X("expected:Q", title=title, scale=alt.Scale(domain=domain, nice=False))
    link = (
        alt.Chart(data).mark_rule(color=theme.LIGHT_GREY, strokeWidth=3).encode(x=x, x2="experienced:Q", y=y)
    )
    expected = (
        alt.Chart(data)
        .transform_calculate(reading="'expected'")
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            x="expected:Q", y=y, color=color,
            tooltip=[alt.Tooltip("item:N", title="Item"),
                     alt.Tooltip("expected:Q", title="Expected", format=".2f"),
                     alt.Tooltip("n:Q", title="Respondents")],
        )
    )  # fmt: skip
    experienced = (
        alt.Chart(data)
        .transform_calculate(reading="datum.verdict_text")
        .mark_point(filled=True, size=110, opacity=1)
        .encode(
            x="experienced:Q", y=y, color=color,
            tooltip=[alt.Tooltip("item:N", title="Item"),
                     alt.Tooltip("experienced:Q", title="Experienced", format=".2f"),
                     alt.Tooltip("gap:Q", title="Gap", format="+.2f"),
                     alt.Tooltip("ci_low:Q", title="Gap from", format="+.2f"),
                     alt.Tooltip("ci_high:Q", title="Gap to", format="+.2f"),
                     alt.Tooltip("verdict_text:N", title="Reading")],
        )
    )  # fmt: skip
    return alt.layer(link, expected, experienced).properties(height=ROW)


# ------------------------------------------------------------------ specs with their data swapped in

MAIN = "main"
_TEMPLATES: dict[tuple[Any, ...], dict[str, Any]] = {}
_MAX_TEMPLATES = 256


def _claims_rows(frame: pd.DataFrame) -> pd.DataFrame:
    data = theme.clean(frame)
    return data[data["estimate"].notna()].reset_index(drop=True) if len(data) else data


# name → (the data the chart draws, the chart drawn from that data)
_TEMPLATED: dict[str, tuple[Any, Any]] = {
    "claims": (_claims_rows, claims_chart),
    "waterfall": (_waterfall_rows, _waterfall),
    "distribution": (theme.clean, distribution_chart),
}
_PLAIN: dict[str, Any] = {"heatmap": heatmap_chart, "expectation": expectation_chart}


def _json_value(value: Any) -> Any:
    """A cell as Vega-Lite data holds it: a missing number is null, as Altair writes it (NaN is not
    JSON, and a template must recognise its rows in Altair's spec)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value


def _records(data: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in data.to_dict(orient="records")]


def chart_spec(name: str, frame: pd.DataFrame, **options: Any) -> dict[str, Any]:
    """The Vega-Lite spec of chart ``name`` for ``frame``.

    Building an Altair chart validates every encoding against the Vega-Lite schema (tens of
    milliseconds each). The claims, waterfall and distribution charts depend on their data only
    through its values and length, so each (chart, options, columns, length) is built once and
    later specs take that template with the new rows swapped in.
    """
    if name in _PLAIN:
        return _PLAIN[name](frame, **options).to_dict()
    prepare, build = _TEMPLATED[name]
    data = prepare(frame)
    rows = _records(data)
    key = (name, tuple(sorted(options.items())), tuple(data.columns), len(data))
    template = _TEMPLATES.get(key)
    if template is None:
        spec = build(data, **options).to_dict()
        template = _as_template(spec, rows)
        if template is None:  # the data are not one inline dataset (e.g. the "no data" chart)
            return spec
        if len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.clear()
        _TEMPLATES[key] = template
    return {**template, "datasets": {**template["datasets"], MAIN: rows}}


def _as_template(spec: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    import json

    names = [name for name, values in spec.get("datasets", {}).items() if values == rows]
    if len(names) != 1:
        return None
    text = json.dumps(spec).replace(json.dumps(names[0]), json.dumps(MAIN))
    return json.loads(text)
