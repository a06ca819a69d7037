"""Charts and tables of the Competitors page: the customer value map and relative performance.

Pure functions of a :class:`~valuegap.market.competition.ValueMap`; a handful of rows per offer or
attribute, so the charts stay far below :data:`~valuegap.reporting.theme.MAX_MARKS`.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from valuegap.market.competition import WEIGHT_TOTAL, AttributeStanding, ValueMap, shift_in_money, standings
from valuegap.reporting import theme
from valuegap.reporting.formatting import format_money

OURS_CLAIMED, OURS_MEASURED, COMPETITOR = "ours as claimed", "ours as measured", "competitor"
PICK = "offer_pick"  # the value map's click selection: the page reads the clicked offer from it
KIND_COLORS = {OURS_CLAIMED: theme.BLUE, OURS_MEASURED: theme.VERMILLION, COMPETITOR: theme.GREY}
CAPTIONS = {
    "value_map": "Each dot is an offer: quality relative to the others (right = better) against price "
    "relative to the others (up = dearer). Offers below the fair-value line give more than fair value; "
    "the shaded band is the fair-value zone. Click an offer on the map to show its attribute profile.",
    "relative": "How our offer scores on each attribute against the competitors' mean: right of 0 = ahead, "
    "left = behind.",
    "quadrant": "Attributes by importance (right = matters more) and our relative performance (up = ahead); "
    "vermillion (red-orange) dots = fix first: above-average importance and behind the competitors; orange = "
    "watch; green = keep.",
}


def positions_frame(vm: ValueMap) -> pd.DataFrame:
    """One row per point on the map (our offer twice when measured scores exist)."""
    points = [*vm.positions, *([vm.measured] if vm.measured else [])]
    rows = []
    for p in points:
        kind = COMPETITOR if not p.ours else OURS_MEASURED if p.version == "measured" else OURS_CLAIMED
        rows.append(
            {
                "offer": p.label,
                "kind": kind,
                "price": p.price,
                "quality_ratio": p.quality_ratio,
                "relative_price": p.relative_price,
                "value_advantage": p.value_advantage,
                "fair_value": "within the zone"
                if vm.line
                and vm.line.zone is not None
                and p.value_advantage is not None
                and abs(p.value_advantage) <= vm.line.zone
                else "better than fair"
                if p.value_advantage is not None and p.value_advantage > 0
                else "worse than fair"
                if p.value_advantage is not None
                else "no line",
            }
        )
    return pd.DataFrame(rows)


def profiles_frame(vm: ValueMap) -> pd.DataFrame:
    """Every point's relative performance per attribute, for the profile shown on click."""
    rows = []
    for p in vm.positions:
        for attribute, weight in vm.offers.attributes.items():
            rows.append(
                {
                    "offer": p.label,
                    "attribute": attribute,
                    "weight": weight,
                    "score": vm.offers.offer(p.name).scores[attribute],
                    "relative": float(vm.relative.loc[p.name, attribute]),
                }
            )
    if vm.measured is not None:
        for attribute, weight in vm.offers.attributes.items():
            rows.append(
                {
                    "offer": vm.measured.label,
                    "attribute": attribute,
                    "weight": weight,
                    "score": None,
                    "relative": vm.measured_relative[attribute],
                }
            )
    return pd.DataFrame(rows)


RELATIVE_CLAIMED = "Ours vs others, as claimed"
RELATIVE_MEASURED = "Ours vs others, as measured"
"""The relative table's columns of our score over the others' average (1 = as good as they are)."""


def relative_table(vm: ValueMap) -> pd.DataFrame:
    """Attributes with their weight, every offer's score and our relative performance, headed in words."""
    ours = vm.offers.ours
    table = pd.DataFrame(
        {"Attribute": list(vm.offers.attributes), "Weight": list(vm.offers.attributes.values())}
    )
    for offer in vm.offers.offers:
        table[offer.name] = [offer.scores[a] for a in vm.offers.attributes]
    if ours is not None:
        table[RELATIVE_CLAIMED] = [float(vm.relative.loc[ours.name, a]) for a in vm.offers.attributes]
        if vm.measured is not None:
            table[RELATIVE_MEASURED] = [vm.measured_relative[a] for a in vm.offers.attributes]
    return table


def _domain(values: list[float], pad: float = 0.08, right: float = 0.08) -> list[float]:
    low, high = min(values), max(values)
    span = max(high - low, 0.2)
    return [low - pad * span, high + right * span]


MAP_HEIGHT = 380  # px: the value map's plot
LABEL_SIZE = 12  # px: the offers' names on the map
_MAP_WIDTH = 520  # px: the narrowest the map's plot is drawn (a 1024 px page); labels placed for it
_CHAR = 7.0  # px per character at LABEL_SIZE
_POINT = 9  # px: a point's radius, its selection ring included
_GAP = 2  # px a label keeps from the fair-value line
PLACES: dict[
    str, dict[str, Any]
] = {  # where a label goes around its point: mark properties by name, in no order of preference
    "above right": {"align": "left", "baseline": "bottom", "dx": 6, "dy": -10},
    "below right": {"align": "left", "baseline": "top", "dx": 6, "dy": 10},
    "above left": {"align": "right", "baseline": "bottom", "dx": -6, "dy": -10},
    "below left": {"align": "right", "baseline": "top", "dx": -6, "dy": 10},
    "right": {"align": "left", "baseline": "middle", "dx": 11, "dy": 0},
    "left": {"align": "right", "baseline": "middle", "dx": -11, "dy": 0},
}
Box = tuple[float, float, float, float]  # left, top, right, bottom in px, y down


def label_box(x: float, y: float, text: str, place: str) -> Box:
    """The box a label of ``text`` at ``place`` around a point at (x, y) px takes."""
    mark = PLACES[place]
    width = _CHAR * len(text)
    left = x + mark["dx"] if mark["align"] == "left" else x + mark["dx"] - width
    top = {"bottom": y + mark["dy"] - LABEL_SIZE, "top": y + mark["dy"], "middle": y - LABEL_SIZE / 2}
    return left, top[mark["baseline"]], left + width, top[mark["baseline"]] + LABEL_SIZE


def _apart(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def label_places(
    points: pd.DataFrame, vm: ValueMap, x_domain: list[float], y_domain: list[float]
) -> list[str]:
    """A place (a key of :data:`PLACES`) for each point's label, on the map at its narrowest.

    The first place that keeps the label inside the map, off the fair-value line, the other points, the
    arrow between our two points and the labels placed before it; the side away from the line comes
    first, and a label with no such place takes that side.
    """

    def px(q: float) -> float:
        return (q - x_domain[0]) / (x_domain[1] - x_domain[0]) * _MAP_WIDTH

    def py(r: float) -> float:
        return (y_domain[1] - r) / (y_domain[1] - y_domain[0]) * MAP_HEIGHT

    xy = [
        (px(float(q)), py(float(r)))
        for q, r in zip(points["quality_ratio"], points["relative_price"], strict=True)
    ]
    taken: list[Box] = [(x - _POINT, y - _POINT, x + _POINT, y + _POINT) for x, y in xy]
    if vm.measured is not None and vm.claimed is not None:
        x0, x1 = px(vm.claimed.quality_ratio), px(vm.measured.quality_ratio)
        y0, y1 = py(vm.claimed.relative_price), py(vm.measured.relative_price)
        taken.append((min(x0, x1), min(y0, y1) - 2, max(x0, x1), max(y0, y1) + 2))  # the arrow

    def crosses_line(box: Box) -> bool:
        if vm.line is None:
            return False
        ends = [
            py(vm.line.price_at(x_domain[0] + x / _MAP_WIDTH * (x_domain[1] - x_domain[0]))) for x in box[::2]
        ]
        return min(ends) - _GAP < box[3] and box[1] < max(ends) + _GAP

    places = []
    for i, ((x, y), text) in enumerate(zip(xy, points["offer"], strict=True)):
        order = list(PLACES)
        if vm.line is not None:
            above = float(points["relative_price"].iloc[i]) > vm.line.price_at(
                float(points["quality_ratio"].iloc[i])
            )
            away = ("above " if above else "below ") + ("left" if (vm.line.slope > 0) == above else "right")
            order.remove(away)
            order.insert(0, away)
        others = [box for j, box in enumerate(taken) if j != i]
        fits = (
            place
            for place in order
            if (box := label_box(x, y, str(text), place))[0] >= 0
            and box[2] <= _MAP_WIDTH
            and box[1] >= 0
            and box[3] <= MAP_HEIGHT
            and not crosses_line(box)
            and all(_apart(box, other) for other in others)
        )
        place = next(fits, order[0])
        places.append(place)
        taken.append(label_box(x, y, str(text), place))
    return places


def value_map_chart(vm: ValueMap) -> theme.AnyChart:
    """The value map with the fair-value line and zone and our two points joined; a click selects an
    offer (:data:`PICK`) whose :func:`profile_chart` the page draws below it."""
    points = theme.clean(positions_frame(vm))
    qs = [float(q) for q in points["quality_ratio"]]
    rs = [float(r) for r in points["relative_price"]]
    x_domain = _domain(qs, pad=0.12, right=0.22)  # room for the labels either side
    if vm.line is not None:  # the fair-value line and its zone stay whole over the map's width
        half = vm.line.zone * math.sqrt(1 + vm.line.slope**2) if vm.line.zone is not None else 0.0
        ends = [vm.line.price_at(q) for q in x_domain]
        rs = [*rs, *(e - half for e in ends), *(e + half for e in ends)]
    y_domain = _domain(rs, pad=0.04, right=0.04)
    x = alt.X(
        "quality_ratio:Q",
        title="Relative quality (1 = the others' average)",
        scale=alt.Scale(domain=x_domain),
        axis=alt.Axis(tickCount=8),
    )
    y = alt.Y(
        "relative_price:Q", title="Relative price (1 = the others' average)", scale=alt.Scale(domain=y_domain)
    )
    pick = alt.selection_point(name=PICK, fields=["offer"], on="click", value=[{"offer": first_offer(vm)}])
    layers: list[alt.Chart] = []
    if vm.line is not None:
        grid = [x_domain[0] + (x_domain[1] - x_domain[0]) * i / 40 for i in range(41)]
        line = pd.DataFrame({"quality_ratio": grid, "fair": [vm.line.price_at(q) for q in grid]})
        if vm.line.zone is not None:  # drawn only from four offers on (METHODS §6)
            # the zone is perpendicular to the line; at a given quality it spans this much price
            vertical = vm.line.zone * math.sqrt(1 + vm.line.slope**2)
            line["low"], line["high"] = line["fair"] - vertical, line["fair"] + vertical
            layers.append(
                alt.Chart(line)
                .mark_area(opacity=0.15, color=theme.SKY_BLUE, clip=True)
                .encode(x=x, y=alt.Y("low:Q", scale=alt.Scale(domain=y_domain)), y2="high:Q")
            )
        layers.append(
            alt.Chart(line)
            .mark_line(color=theme.BLUE, strokeDash=[6, 4], clip=True)
            .encode(x=x, y=alt.Y("fair:Q", scale=alt.Scale(domain=y_domain)))
        )
    if vm.measured is not None and vm.claimed is not None:
        arrow = pd.DataFrame(
            [
                {
                    "quality_ratio": vm.claimed.quality_ratio,
                    "relative_price": vm.claimed.relative_price,
                    "to_quality": vm.measured.quality_ratio,
                    "to_price": vm.measured.relative_price,
                }
            ]
        )
        layers.append(
            alt.Chart(arrow)
            .mark_rule(color=KIND_COLORS[OURS_MEASURED], strokeWidth=2)
            .encode(x=x, y=y, x2="to_quality:Q", y2="to_price:Q")
        )
    color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values())),
        legend=theme.legend(orient="top"),
    )
    tooltip = [
        alt.Tooltip("offer:N", title="Offer"),
        alt.Tooltip("price:Q", title="Price", format=",.2f"),
        alt.Tooltip("quality_ratio:Q", title="Relative quality", format=".3f"),
        alt.Tooltip("relative_price:Q", title="Relative price", format=".3f"),
        alt.Tooltip("value_advantage:Q", title="Value advantage", format="+.3f"),
        alt.Tooltip("fair_value:N", title="Fair value"),
    ]
    # each label goes where no line, point or other label is: first on the side of its point away from
    # the fair-value line (the measured label, written left at its point's height, was crossed by it)
    points["place"] = label_places(points, vm, x_domain, y_domain)
    base = alt.Chart(points).encode(x=x, y=y)
    layers.append(
        base.mark_point(filled=True, size=140, cursor="pointer")
        .encode(
            color=color,
            shape=alt.Shape(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=list(KIND_COLORS), range=["circle", "diamond", "circle"]),
            ),
            strokeWidth=alt.condition(pick, alt.value(3), alt.value(0)),
            stroke=alt.value(theme.BLACK),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    for place in PLACES:
        for measured in (False, True):
            if not ((points["place"] == place) & ((points["kind"] == OURS_MEASURED) == measured)).any():
                continue
            kind = alt.datum.kind == OURS_MEASURED if measured else alt.datum.kind != OURS_MEASURED
            layers.append(
                base.mark_text(
                    **PLACES[place],
                    fontSize=LABEL_SIZE,
                    color=KIND_COLORS[OURS_MEASURED] if measured else theme.BLACK,
                )
                .encode(text="offer:N")
                .transform_filter((alt.datum.place == place) & kind)
            )
    return alt.layer(*layers).properties(height=MAP_HEIGHT)


def first_offer(vm: ValueMap) -> str:
    """The offer whose profile shows before any click: ours as claimed."""
    return next((p.label for p in vm.positions if p.ours), vm.positions[0].label)


def profile_height(vm: ValueMap) -> int:
    """The profile's height in pixels on the page, title and axis included: 30 px a bar."""
    return 30 * len(vm.offers.attributes) + 100


def profile_chart(vm: ValueMap, offer: str | None = None) -> theme.AnyChart:
    """One offer's relative performance per attribute (the offer clicked on the map; ours at first).

    Its own chart, not concatenated under the map: a concatenated chart cannot take the page's width
    and ran off the right edge of a narrow page.
    """
    frame = profiles_frame(vm)
    labels = set(frame["offer"]) if not frame.empty else set()
    chosen = offer if offer in labels else first_offer(vm)
    data = theme.clean(frame[frame["offer"] == chosen]) if not frame.empty else frame
    bars = (
        alt.Chart(data)
        .mark_bar(color=theme.BLUE, opacity=0.8)
        .encode(
            y=alt.Y("attribute:N", title=None, sort=list(vm.offers.attributes)),
            x=alt.X("relative:Q", title="Relative performance (1 = the others' average)"),
            tooltip=[
                alt.Tooltip("offer:N", title="Offer"),
                alt.Tooltip("attribute:N", title="Attribute"),
                alt.Tooltip("weight:Q", title="Importance"),
                alt.Tooltip("score:Q", title="Score"),
                alt.Tooltip("relative:Q", title="Relative", format=".2f"),
            ],
        )
    )
    parity = (
        alt.Chart(pd.DataFrame({"relative": [1.0]})).mark_rule(color=theme.TEXT_GREY).encode(x="relative:Q")
    )
    return alt.layer(bars, parity).properties(
        height=30 * len(vm.offers.attributes) + 20,
        title=alt.TitleParams(f"Attribute profile of {chosen}", anchor="start", fontSize=13),
    )


def relative_chart(vm: ValueMap) -> alt.Chart:
    """Our relative performance per attribute as bars diverging from parity."""
    rows = []
    for version, measured in (("as claimed", False), ("as measured", True)):
        if measured and vm.measured is None:
            continue
        for standing in standings(vm, measured=measured):
            rows.append(
                {
                    "attribute": standing.attribute,
                    "version": version,
                    "difference": standing.relative - 1,
                    "relative": standing.relative,
                    "weight": standing.weight,
                }
            )
    data = theme.clean(pd.DataFrame(rows))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("attribute:N", title=None, sort=list(vm.offers.attributes)),
            yOffset=alt.YOffset("version:N"),
            x=alt.X(
                "difference:Q",
                title="Ahead (+) or behind (−) the others' mean",
                axis=alt.Axis(
                    tickCount=5,
                    labelOverlap="greedy",
                    labelFlush=False,
                    labelExpr="datum.value == 0 ? '0%' : format(datum.value, '+.0%')",
                ),
            ),
            color=alt.Color(
                "version:N",
                title=None,
                scale=alt.Scale(
                    domain=["as claimed", "as measured"],
                    range=[KIND_COLORS[OURS_CLAIMED], KIND_COLORS[OURS_MEASURED]],
                ),
                legend=theme.legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("attribute:N", title="Attribute"),
                alt.Tooltip("version:N", title="Scores"),
                alt.Tooltip("relative:Q", title="Relative performance", format=".2f"),
                alt.Tooltip("weight:Q", title="Importance"),
            ],
        )
        .properties(height=alt.Step(16))
    )


def quadrant_frame(items: list[AttributeStanding]) -> pd.DataFrame:
    """One row per attribute; ``label`` names every attribute drawn on the same spot (once, on the
    first of them) so coinciding points do not print their names on top of each other."""
    frame = pd.DataFrame(
        [
            {
                "attribute": s.attribute,
                "weight": s.weight,
                "relative": s.relative,
                "priority": "fix first" if s.fix_first else "keep" if s.relative >= 1 else "watch",
            }
            for s in items
        ],
        columns=["attribute", "weight", "relative", "priority"],
    )
    spot = list(zip(frame["weight"].round(6), frame["relative"].round(3), strict=True))
    names: dict[tuple[float, float], list[str]] = {}
    for key, attribute in zip(spot, frame["attribute"], strict=True):
        names.setdefault(key, []).append(attribute)
    first = ~pd.Series(spot, dtype=object).duplicated().to_numpy(dtype=bool)
    frame["label"] = [", ".join(names[key]) if keep else "" for key, keep in zip(spot, first, strict=True)]
    return frame


def quadrant_chart(items: list[AttributeStanding]) -> theme.AnyChart:
    """Importance against our relative performance, with the 'fix first' quadrant highlighted."""
    data = theme.clean(quadrant_frame(items))
    average = WEIGHT_TOTAL / max(len(items), 1)
    # room on the right for the name of the most important attribute, printed right of its dot
    widest = max([float(w) for w in data["weight"]] + [average]) if len(data) else WEIGHT_TOTAL
    # parity (1) always shown, and a margin so no dot touches the top or bottom edge
    y_domain = _domain([float(r) for r in data["relative"]] + [1.0], pad=0.1, right=0.1)
    points = alt.Chart(data).encode(
        x=alt.X(
            "weight:Q", title="Importance (weight out of 100)", scale=alt.Scale(domain=[0, widest * 1.45])
        ),
        y=alt.Y(
            "relative:Q",
            title="Our performance (1 = parity)",
            scale=alt.Scale(domain=y_domain, zero=False, nice=False),
        ),
    )
    dots = points.mark_circle(size=160, opacity=1).encode(
        color=alt.Color(
            "priority:N",
            title=None,
            scale=alt.Scale(
                domain=["fix first", "watch", "keep"], range=[theme.BAD, theme.WATCH, theme.GOOD]
            ),
            legend=theme.legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("attribute:N", title="Attribute"),
            alt.Tooltip("weight:Q", title="Importance"),
            alt.Tooltip("relative:Q", title="Relative performance", format=".2f"),
            alt.Tooltip("priority:N", title="Priority"),
        ],
    )
    labels = points.mark_text(align="left", dx=10, fontSize=12).encode(text="label:N")
    parity = (
        alt.Chart(pd.DataFrame({"relative": [1.0]}))
        .mark_rule(color=theme.LIGHT_GREY, strokeDash=[4, 4])
        .encode(y="relative:Q")
    )
    middle = (
        alt.Chart(pd.DataFrame({"weight": [average]}))
        .mark_rule(color=theme.LIGHT_GREY, strokeDash=[4, 4])
        .encode(x="weight:Q")
    )
    return alt.layer(parity, middle, dots, labels).properties(height=320)


def shift_caption(vm: ValueMap, currency: str, period: str) -> str:
    """One line on what the exaggeration costs on the map, in money where a line exists."""
    if vm.measured is None or vm.claimed is None:
        return "Link attributes to measured metrics to place our offer a second time, as customers get it."
    shift = vm.measured.quality_ratio - vm.claimed.quality_ratio
    money = shift_in_money(vm)
    moved = (
        f"Measured, our relative quality is {vm.measured.quality_ratio:.2f} "
        f"instead of the claimed {vm.claimed.quality_ratio:.2f}"
    )
    if money is None:
        return f"{moved} (no fair-value line, so no money equivalent)."
    if abs(shift) < 1e-9:
        return f"{moved}: the claims match what customers get on the linked attributes."
    worth = format_money(abs(money), currency)
    direction = "less" if money < 0 else "more"
    return f"{moved}: at fair value that is worth {worth} per {period} {direction} than the claims suggest."
