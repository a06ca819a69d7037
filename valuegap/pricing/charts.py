"""Charts of the Pricing page: Van Westendorp curves, Gabor-Granger demand and revenue, price bands.

Pure functions of the results in :mod:`valuegap.pricing.research`; the data are curves over the answered
or tested prices (thinned to at most :data:`MAX_CURVE_PRICES` prices), so every chart stays far below
:data:`~valuegap.reporting.theme.MAX_MARKS`. Each chart has a one-line caption function saying how to read it.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from valuegap.pricing.research import GaborGranger, VanWestendorp
from valuegap.reporting import theme
from valuegap.reporting.formatting import format_money

MAX_CURVE_PRICES = 1_000  # four curves × 1,000 prices stay under the 5,000-mark limit
CURVE_COLORS = {  # Okabe-Ito: the cheap pair in oranges, the expensive pair in blues
    "too cheap": theme.VERMILLION,
    "cheap": theme.ORANGE,
    "expensive": theme.SKY_BLUE,
    "too expensive": theme.BLUE,
}
_CURVES = dict(zip(("too_cheap", "cheap", "expensive", "too_expensive"), CURVE_COLORS, strict=True))
# named as METHODS.md §7 and the points table name them: PMC and PME by either definition, which the
# chart says in brackets (it said PMC′ and PME′ for the common one, which the table never did)
POINT_LABELS = {
    "opp": ("OPP", "optimal price point: too cheap = too expensive"),
    "idp": ("IDP", "indifference price point: cheap = expensive"),
    "pmc_original": ("PMC (original)", "point of marginal cheapness (original): too cheap = not cheap"),
    "pme_original": (
        "PME (original)",
        "point of marginal expensiveness (original): not expensive = too expensive",
    ),
    "pmc_common": ("PMC (common)", "point of marginal cheapness (common): too cheap = expensive"),
    "pme_common": ("PME (common)", "point of marginal expensiveness (common): cheap = too expensive"),
}
RANGE_COLORS = {
    "acceptable range (original)": theme.SKY_BLUE,
    "acceptable range (common)": theme.BLUE,
    "OPP–IDP": theme.BLUISH_GREEN,
    "revenue-maximising price": theme.ORANGE,
    "profit-maximising price": theme.REDDISH_PURPLE,
}
RANGE_NAMES = {"OPP–IDP": "optimal to indifference price"}  # a range's name in words, where it has one
DEMAND_COLOR, REVENUE_COLOR, PROFIT_COLOR, BEST_COLOR = (
    theme.BLUE,
    theme.BLUISH_GREEN,
    theme.REDDISH_PURPLE,
    theme.VERMILLION,
)


def _money(value: float | None, currency: str) -> str:
    return "none" if value is None else format_money(value, currency)


# ----------------------------------------------------------------------------- Van Westendorp


def van_westendorp_frame(vw: VanWestendorp) -> pd.DataFrame:
    """The four curves in long form (``price, curve, share``), thinned to MAX_CURVE_PRICES prices."""
    curves = vw.curves
    if len(curves) > MAX_CURVE_PRICES:
        keep = np.linspace(0, len(curves) - 1, MAX_CURVE_PRICES).round().astype(int)
        curves = curves.iloc[np.unique(keep)]
    long = curves.melt(id_vars="price", value_vars=list(_CURVES), var_name="curve", value_name="share")
    return long.assign(curve=long["curve"].map(_CURVES))


def van_westendorp_points(vw: VanWestendorp) -> pd.DataFrame:
    """One row per distinct point price: ``label`` joins the points that coincide (e.g. "OPP = IDP")."""
    rows = []
    for name, (short, meaning) in POINT_LABELS.items():
        price = getattr(vw, name)
        if price is None:
            continue
        low, high = vw.intervals.get(name, (None, None))
        rows.append({"price": price, "short": short, "meaning": meaning, "low": low, "high": high})
    frame = pd.DataFrame(rows, columns=["price", "short", "meaning", "low", "high"])
    if frame.empty:
        return frame.assign(label=pd.Series(dtype=str), kind=pd.Series(dtype=str))
    interval = [
        "" if lo is None or pd.isna(lo) else f" (95% interval {lo:g}–{hi:g})"
        for lo, hi in zip(frame["low"], frame["high"], strict=True)
    ]
    frame["meaning"] = frame["meaning"] + interval
    grouped = frame.groupby("price", sort=True).agg(
        label=("short", " = ".join), meaning=("meaning", "; ".join), first=("short", "first")
    )
    grouped["kind"] = np.where(grouped["first"].isin(["OPP", "IDP"]), "price point", "range end")
    return grouped.reset_index().drop(columns="first")


LABEL_ROW = 14  # px between staggered rows of point labels
VW_HEIGHT = 360  # px: the Van Westendorp plot, its labels' strip included
SHARE_TICKS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
_ASSUMED_PLOT_WIDTH = 520  # px: the narrowest the chart is drawn (a 1024 px page); labels apart at this width
_CHAR_WIDTH = 6.8  # px per character at font size 11


def label_rows(prices: list[float], labels: list[str], low: float, high: float) -> list[int]:
    """A row (0 = top) per point label, so no two labels printed right of their rule overlap.

    Each label goes to the first row whose last label ends left of it, at the chart's narrowest width.
    """
    span = max(high - low, 1e-9)
    ends: list[float] = []  # right end of the last label in each row, in px
    rows = []
    for price, label in zip(prices, labels, strict=True):
        left = (price - low) / span * _ASSUMED_PLOT_WIDTH
        right = left + 3 + _CHAR_WIDTH * len(label) + 6
        row = next((i for i, end in enumerate(ends) if end <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows.append(row)
    return rows


def label_strip(rows: pd.Series | list[int]) -> int:
    """Px from the plot's top to just under the lowest row of point labels (where the rules start)."""
    used = [int(r) for r in rows]
    return 4 + LABEL_ROW * (max(used) + 1) + 2 if used else 0


def van_westendorp_domain(vw: VanWestendorp) -> list[float]:
    """The price axis: where any curve is between 3% and 97% of respondents and every marked point, padded
    by 5% each side (the answers' long tail of very high prices says nothing)."""
    curves = vw.curves
    shares = curves[list(_CURVES)]
    moving = ((shares > 0.03) & (shares < 0.97)).any(axis=1)
    prices = [float(p) for p in curves.loc[moving, "price"]] or [float(p) for p in curves["price"]]
    prices += [float(getattr(vw, name)) for name in POINT_LABELS if getattr(vw, name) is not None]
    low, high = min(prices), max(prices)
    pad = 0.05 * max(high - low, 1e-9)
    return [max(low - pad, 0.0) if low >= 0 else low - pad, high + pad]


def van_westendorp_chart(vw: VanWestendorp) -> theme.AnyChart:
    """The four curves, the acceptable ranges shaded, and rules with labels at OPP, IDP and the range ends:
    black solid rules at OPP and IDP, grey dashed ones at the range ends, labels staggered apart."""
    domain = van_westendorp_domain(vw)
    frame = van_westendorp_points(vw)
    frame["row"] = label_rows(
        [float(p) for p in frame["price"]], [str(t) for t in frame["label"]], domain[0], domain[1]
    )
    frame["pixel"] = 4 + LABEL_ROW * frame["row"]
    # the rules start under the lowest row of labels: a rule never crosses a label, its own or another's
    rules_from = label_strip(frame["row"])
    # the labels sit in a strip above 100%, where no curve goes: the share axis reaches past 1 by the strip
    top = VW_HEIGHT / (VW_HEIGHT - rules_from)
    scale = alt.Scale(domain=domain, zero=False, nice=False)
    x = alt.X("price:Q", title="Price", scale=scale)
    curves = (
        alt.Chart(theme.clean(van_westendorp_frame(vw)))
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=x,
            y=alt.Y(
                "share:Q",
                title="Share of respondents",
                axis=alt.Axis(format="%", values=SHARE_TICKS),
                scale=alt.Scale(domain=[0, top], nice=False),
            ),
            color=alt.Color(
                "curve:N",
                title=None,
                sort=list(CURVE_COLORS),
                scale=alt.Scale(domain=list(CURVE_COLORS), range=list(CURVE_COLORS.values())),
                legend=theme.legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "curve:N",
                legend=None,
                scale=alt.Scale(domain=list(CURVE_COLORS), range=[[1, 0], [6, 3], [6, 3], [1, 0]]),
            ),
            tooltip=[
                alt.Tooltip("curve:N", title="Answer"),
                alt.Tooltip("price:Q", title="Price", format=",.2f"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    bands = pd.DataFrame(
        [
            {"range": "acceptable range (original)", "low": vw.pmc_original, "high": vw.pme_original},
            {"range": "acceptable range (common)", "low": vw.pmc_common, "high": vw.pme_common},
        ]
    ).dropna()
    shade = (
        alt.Chart(theme.clean(bands))
        .mark_rect(opacity=0.12, color=theme.GREY, clip=True)
        .encode(
            x=alt.X("low:Q", scale=scale),
            x2="high:Q",
            tooltip=[
                alt.Tooltip("range:N", title="Range"),
                alt.Tooltip("low:Q", title="From", format=",.2f"),
                alt.Tooltip("high:Q", title="To", format=",.2f"),
            ],
        )
    )
    points = alt.Chart(theme.clean(frame)).encode(x=alt.X("price:Q", scale=scale))
    tooltip = [
        alt.Tooltip("label:N", title="Point"),
        alt.Tooltip("price:Q", title="Price", format=",.2f"),
        alt.Tooltip("meaning:N", title="Meaning"),
    ]
    # fixed colours, not a colour scale: the rules must not share the curves' colours or legend
    under_labels = {"y": alt.value(rules_from), "y2": alt.value(VW_HEIGHT), "tooltip": tooltip}
    crossings = (
        points.mark_rule(strokeWidth=1.5, color=theme.BLACK)
        .encode(**under_labels)
        .transform_filter(alt.datum.kind == "price point")
    )
    range_ends = (
        points.mark_rule(strokeWidth=1.5, color=theme.GREY, strokeDash=[3, 3])
        .encode(**under_labels)
        .transform_filter(alt.datum.kind != "price point")
    )
    labels = points.mark_text(align="left", baseline="top", dx=3, fontSize=11, color=theme.BLACK).encode(
        y=alt.Y("pixel:Q", scale=None, axis=None), text="label:N"
    )
    return alt.layer(shade, curves, crossings, range_ends, labels).properties(height=VW_HEIGHT)


def van_westendorp_caption(vw: VanWestendorp, currency: str) -> str:
    """How to read the Van Westendorp chart, with the points it marks."""
    dropped = f" ({vw.dropped} dropped for blank or out-of-order answers)" if vw.dropped else ""
    intervals = " Hover a rule for its 95% bootstrap interval." if vw.intervals else ""
    return (
        f"Share of the {vw.n} respondents{dropped} who call each price too cheap, cheap, expensive or too "
        f"expensive. Black solid rules mark where the curves cross (OPP {_money(vw.opp, currency)}, IDP "
        f"{_money(vw.idp, currency)}); grey dashed rules and shading mark the acceptable range, "
        f"{_money(vw.pmc_original, currency)}–{_money(vw.pme_original, currency)} by the original "
        f"definition and {_money(vw.pmc_common, currency)}–{_money(vw.pme_common, currency)} by the common "
        f"one.{intervals}"
    )


# ----------------------------------------------------------------------------- Gabor-Granger


def gabor_granger_frame(gg: GaborGranger) -> pd.DataFrame:
    """Money per respondent in long form: ``price, series, value`` (revenue, and profit with a unit cost)."""
    columns = {"revenue": "revenue per respondent", "profit": "profit per respondent"}
    present = [c for c in columns if c in gg.demand]
    long = gg.demand.melt(id_vars="price", value_vars=present, var_name="series", value_name="value")
    return long.assign(series=long["series"].map(columns))


WOULD_BUY = "share who would buy"
PRICE_PAD = 0.04  # of the tested prices' span, each side: the end points are not drawn on the axes
BEST_LABEL_ROWS = (8, 22)  # px from the top: the best-revenue label, then the best-profit one
MONEY_HEADROOM = 0.25  # of the money axis above the highest line: the best-price labels sit there


def gabor_granger_domain(gg: GaborGranger) -> list[float] | None:
    """The price axis both panels share: the tested prices, padded a little each side."""
    prices = [float(p) for p in gg.demand["price"]]
    if not prices:
        return None
    low, high = min(prices), max(prices)
    pad = PRICE_PAD * max(high - low, 1.0)
    return [max(low - pad, 0.0), high + pad]


def _money_domain(frame: pd.DataFrame) -> list[float] | alt.UndefinedType:
    """From 0 (or the lowest loss) to the highest money line with :data:`MONEY_HEADROOM` above it."""
    values = [float(v) for v in frame["value"] if v is not None and np.isfinite(v)]
    if not values:
        return alt.Undefined
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    return [low, high + MONEY_HEADROOM * max(high - low, 1e-9)]


def gabor_granger_chart(gg: GaborGranger) -> alt.VConcatChart:
    """Demand (top) and revenue per respondent (bottom) at each tested price, the best prices marked.

    Both panels draw every layer on one price scale (a layer without it, the best-price rule, made the
    bottom panel round its axis out to 10-100 while the top one showed 19-99), and the money axis leaves
    room above its lines for the best-price labels, so no line runs through them."""
    domain = gabor_granger_domain(gg)
    scale = alt.Scale(zero=False, nice=False, domain=domain if domain is not None else alt.Undefined)
    x = alt.X("price:Q", title="Tested price", scale=scale, axis=alt.Axis(tickCount=8))
    demand = alt.Chart(theme.clean(gg.demand[["price", "share"]])).encode(
        x=x,
        y=alt.Y("share:Q", title="Would buy", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            alt.Tooltip("price:Q", title="Price", format=",.2f"),
            alt.Tooltip("share:Q", title="Would buy", format=".1%"),
        ],
    )
    share = alt.Color(
        "series:N",
        scale=alt.Scale(domain=[WOULD_BUY], range=[DEMAND_COLOR]),
        legend=theme.legend(orient="top"),
    )
    demand = demand.transform_calculate(series=f"'{WOULD_BUY}'").encode(color=share)
    top = alt.layer(demand.mark_line(), demand.mark_point(filled=True, size=60))
    frame = gabor_granger_frame(gg)
    colors = {"revenue per respondent": REVENUE_COLOR, "profit per respondent": PROFIT_COLOR}
    colors = {series: color for series, color in colors.items() if series in set(frame["series"])}
    money = alt.Chart(theme.clean(frame)).encode(
        x=x,
        y=alt.Y("value:Q", title="Per respondent", scale=alt.Scale(domain=_money_domain(frame), nice=False)),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(colors), range=list(colors.values())),
            legend=theme.legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("price:Q", title="Price", format=",.2f"),
            alt.Tooltip("value:Q", title="Per respondent", format=",.2f"),
        ],
    )
    best_rows = [
        {"price": gg.best_price, "label": f"best revenue: {gg.best_price:g}", "pixel": BEST_LABEL_ROWS[0]}
    ]
    if gg.profit_price is not None:
        best_rows.append(
            {
                "price": gg.profit_price,
                "label": f"best profit: {gg.profit_price:g}",
                "pixel": BEST_LABEL_ROWS[1],
            }
        )
    best = alt.Chart(theme.clean(pd.DataFrame(best_rows))).encode(x=x)
    rule = best.mark_rule(color=BEST_COLOR, strokeDash=[4, 3])
    # a label past the middle of the axis is written left of its rule, so it stays inside the chart
    right_half = domain is not None and gg.best_price > (domain[0] + domain[1]) / 2
    label = best.mark_text(
        align="right" if right_half else "left", dx=-4 if right_half else 4, color=BEST_COLOR, fontSize=11
    ).encode(y=alt.Y("pixel:Q", scale=None, axis=None), text="label:N")
    bottom = alt.layer(money.mark_line(), money.mark_point(filled=True, size=60), rule, label)
    # each panel keeps its own colours and legend above it (a shared legend sat on the top panel)
    return (
        alt.vconcat(top.properties(height=180), bottom.properties(height=MONEY_HEIGHT))
        .resolve_scale(color="independent")
        .resolve_legend(color="independent")
    )


MONEY_HEIGHT = 220  # px: the bottom panel


def gabor_granger_caption(gg: GaborGranger, currency: str) -> str:
    """How to read the Gabor-Granger chart, with the revenue- (and profit-) maximising price."""
    text = (
        f"Top: share of the {gg.n} respondents who would buy at each tested price. Bottom: revenue per "
        f"respondent (price × share), highest at {_money(gg.best_price, currency)} "
        f"({_money(gg.best_revenue, currency)} per respondent)"
    )
    if gg.profit_price is not None and gg.best_profit is not None:
        text += (
            f"; profit after the unit cost is highest at {_money(gg.profit_price, currency)} "
            f"({_money(gg.best_profit, currency)} per respondent)"
        )
    return text + "."


# ----------------------------------------------------------------------------- price bands


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


BAND_ROW = 30  # px per range: its name above, its band below


def price_band_chart(
    ranges: pd.DataFrame, price: float, current: float | None, low: float, high: float
) -> theme.AnyChart:
    """A strip per survey range: its name written whole above its band (single prices as ticks) on a price
    axis from ``low`` to ``high``, a solid rule at the what-if ``price`` and a dashed one at today's price.

    The names sit inside the chart, not on an axis beside it, so the price axis keeps the column's width
    and no name is dropped or cut in a narrow column.
    """
    scale = alt.Scale(domain=[float(low), float(high)], nice=False, zero=False)
    x = alt.X("low:Q", title="Price", scale=scale)
    data = theme.clean(
        ranges[["label", "low", "high"]].assign(
            single=ranges["low"] == ranges["high"],
            name=[_sentence(RANGE_NAMES.get(str(label), str(label))) for label in ranges["label"]],
        )
    )
    labels = list(ranges["label"])
    y = alt.Y("label:N", title=None, sort=labels, axis=None)
    domain = labels or list(RANGE_COLORS)
    colors = [RANGE_COLORS.get(label, theme.GREY) for label in domain]
    color = alt.Color("label:N", legend=None, scale=alt.Scale(domain=domain, range=colors))
    tooltip = [
        alt.Tooltip("name:N", title="Range"),
        alt.Tooltip("low:Q", title="From", format=",.2f"),
        alt.Tooltip("high:Q", title="To", format=",.2f"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, color=color, tooltip=tooltip)
    bands = (
        base.mark_bar(height=8, yOffset=6, clip=True).encode(x2="high:Q").transform_filter(~alt.datum.single)
    )
    ticks = base.mark_tick(thickness=4, size=14, yOffset=6, clip=True).transform_filter(alt.datum.single)
    names = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dy=-7, fontSize=11, color=theme.TEXT_GREY)
        .encode(x=alt.value(2), y=y, text="name:N")
    )
    marks = [{"low": float(price), "what": "what-if price"}]
    if current is not None:
        marks.append({"low": float(current), "what": "today's price"})
    # a piece of each rule in every range's row, beside its band and not through the name above it (a rule
    # the chart's height crossed the names: "Acceptable range (original)" was cut in two)
    pieces = pd.DataFrame(marks).merge(pd.DataFrame({"label": labels}), how="cross")
    rules = (
        alt.Chart(theme.clean(pieces))
        .mark_rule(color=theme.BLACK, strokeWidth=2, clip=True, yOffset=-1, y2Offset=BAND_ROW // 2)
        .encode(
            x=x,
            y=y,
            y2=alt.Y2("label:N"),
            strokeDash=alt.StrokeDash(
                "what:N",
                legend=None,
                scale=alt.Scale(domain=["what-if price", "today's price"], range=[[1, 0], [5, 4]]),
            ),
            tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("low:Q", title="Price", format=",.2f")],
        )
    )
    # the single prices over the rules: a price the research names stays in sight under today's price
    return alt.layer(bands, rules, ticks, names).properties(height=alt.Step(BAND_ROW))
