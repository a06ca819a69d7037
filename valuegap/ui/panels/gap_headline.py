"""Rows of headline figures (:class:`~valuegap.evidence.gaps.Tile`) that wrap instead of being cut:
the Gap analysis headline and the value gap's figures.

Each tile is as wide as a figure and its label need and the row wraps onto a second line on a narrow
page: in five equal columns at 1024 px the money tiles read "Value gap …" and "USD…".
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui.cached_evidence import show_chart

LABEL_CHAR = 7.5  # px per character of a metric's label (it never wraps: a longer one is cut with "…")
VALUE_CHAR = 19.0  # px per character of the figure (it never wraps either; measured ~18)
HELP_ICON = 36  # px: the help icon after the label, and room to spare
MIN_WIDTH = 130  # px: a note under a short figure still reads as a few lines, not a column of words


def tile_width(tile: gaps.Tile) -> int:
    """A width in pixels that shows the tile's label and figure whole; its note wraps inside it."""
    label = len(tile.label) * LABEL_CHAR + HELP_ICON
    value = len(tile.value) * VALUE_CHAR
    delta = len(tile.delta or "") * LABEL_CHAR + HELP_ICON
    return int(max(MIN_WIDTH, label, value, delta))


def tile_row(tiles: Sequence[gaps.Tile]) -> None:
    """The tiles side by side, wrapping onto further rows when the page is narrow."""
    row = st.container(horizontal=True, gap="small")
    for tile in tiles:
        cell = row.container(width=tile_width(tile), gap=None)
        cell.metric(tile.label, tile.value, delta=tile.delta, help=tile.help or None)
        if tile.note:
            cell.caption(escape_markdown(tile.note))


def gap_headline(analysis: Analysis, currency: str) -> None:
    """The Gap analysis headline: the verdict counts, then the value gap and net value in money."""
    tiles = gaps.verdict_tiles(gaps.verdict_counts(analysis))
    if analysis.value is not None:
        tiles += gaps.headline_tiles(analysis.value, currency)
    tile_row(tiles)


def value_gap_figures(analysis: Analysis) -> None:
    """The value gap tab: the waterfall from promised to net value, its four figures and the claims
    left out of the money (nothing without a value gap)."""
    if analysis.value is None:
        return
    currency = analysis.proposition.price.currency
    show_chart("waterfall", gaps.waterfall_steps(analysis.value, analysis.proposition), currency=currency)
    tile_row(gaps.value_tiles(analysis.value, currency))
    notes = gaps.left_out_of_the_money(analysis.value, analysis.proposition.claims)
    if notes:
        st.caption(
            "Left out of the money: "
            + "; ".join(f"“{escape_markdown(title)}” ({escape_markdown(why)})" for title, why in notes)
        )
