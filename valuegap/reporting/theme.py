"""The one chart theme of the app and the report: palette, row height, marks limit and missing values.

Every chart module (evidence, market, pricing) draws with these, so a colour means the same thing on
every page and in the report. The palette is Okabe and Ito's, which stays distinguishable for
colour-blind readers and in greyscale print.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import altair as alt
import pandas as pd

from valuegap.errors import ValueGapError

# What a chart function returns: Altair types .properties() on a layer as "a layer or a facet"
AnyChart = (
    alt.Chart | alt.LayerChart | alt.FacetChart | alt.ConcatChart | alt.HConcatChart | alt.VConcatChart
    | alt.RepeatChart
)  # fmt: skip

# Okabe-Ito, by name
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#7F7F7F"  # neutral marks: competitors, rules, ranges
LIGHT_GREY = "#999999"  # what has no data
TEXT_GREY = "#666666"  # empty-chart messages
BAR = "#4C78A8"  # histogram bars: counts, not a judgement

# What a colour means, everywhere: good news green, a warning orange, bad news vermillion
GOOD, WATCH, BAD = BLUISH_GREEN, ORANGE, VERMILLION
VERDICT_COLORS = {
    "substantiated": GOOD,
    "exaggerated": BAD,
    "inconclusive": WATCH,
    "no evidence": LIGHT_GREY,
    "not testable": SKY_BLUE,
}
# Categories with no meaning of their own (saved scenarios, offers): in this order
SERIES = [LIGHT_GREY, BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, YELLOW, BLACK]

MAX_MARKS = 5_000  # charts take aggregated data: one row per claim, bin, price or cell
# Charts with a row per claim, segment or item set a row's height, whatever the axes take: a fixed
# chart height includes the axes once Streamlit fits the chart to its column, so three rows got 45 px.
ROW = alt.Step(36)
LegendSide = Literal["left", "right", "top", "bottom"]
LEGEND_LABEL_LIMIT = 0  # legends show their labels whole ("not testable" was cut at Vega's default)
# Legend and axis values shown in sentence case ("not testable" → "Not testable") while the data keep
# their own values, which tests, tables and the report read.
SENTENCE_CASE = "upper(substring(datum.label, 0, 1)) + substring(datum.label, 1)"
DARK_TEXT, LIGHT_TEXT = BLACK, "#FFFFFF"


def color_scale(colors: Mapping[str, str], domain: Sequence[str] | None = None) -> alt.Scale:
    """An Altair colour scale from label → colour, in the mapping's order (or ``domain``'s)."""
    labels = list(domain) if domain is not None else list(colors)
    return alt.Scale(domain=labels, range=[colors.get(label, GREY) for label in labels])


def legend(
    title: str | None = None, *, orient: LegendSide = "right", sentence_case: bool = True
) -> alt.Legend:
    """A legend whose labels are never cut, shown in sentence case unless ``sentence_case`` is False
    (names a user typed, such as saved scenarios, are shown as typed)."""
    if sentence_case:
        return alt.Legend(title=title, labelLimit=LEGEND_LABEL_LIMIT, orient=orient, labelExpr=SENTENCE_CASE)
    return alt.Legend(title=title, labelLimit=LEGEND_LABEL_LIMIT, orient=orient)


def luminance(color: str) -> float:
    """The relative luminance (WCAG 2) of a ``#RRGGBB`` colour: 0 for black, 1 for white."""
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# Text turns white on marks darker than this luminance. WCAG 2's ratio picks black on vermillion and
# bluish green, which readers find hard (APCA, the perceptual successor, picks white there).
LIGHT_TEXT_BELOW = 0.3


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return LIGHT_TEXT if luminance(background) < LIGHT_TEXT_BELOW else DARK_TEXT


def text_scale(colors: Mapping[str, str], domain: Sequence[str] | None = None) -> alt.Scale:
    """A colour scale for text drawn on marks coloured by ``colors``: black or white per label."""
    labels = list(domain) if domain is not None else list(colors)
    return alt.Scale(domain=labels, range=[text_color_on(colors.get(label, GREY)) for label in labels])


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """At most :data:`MAX_MARKS` rows of finite numbers or missing values, ready for a chart spec.

    An infinity becomes missing, and missing numbers become ``None``, which Altair writes as JSON
    null: the browser and the HTML report then always get valid JSON (``NaN`` is not JSON).
    """
    if len(frame) > MAX_MARKS:
        raise ValueGapError(f"a chart got {len(frame):,} rows; aggregate to at most {MAX_MARKS:,} first.")
    frame = frame.astype(object)
    return frame.map(lambda v: None if isinstance(v, float) and not math.isfinite(v) else v)


def empty_chart(message: str = "No data yet") -> alt.Chart:
    """A chart-sized message where a chart has nothing to draw."""
    return (
        alt.Chart(pd.DataFrame({"text": [message]})).mark_text(size=14, color=TEXT_GREY).encode(text="text:N")
    )
