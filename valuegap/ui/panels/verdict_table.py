"""The Gap analysis tables: claim verdicts, exaggerations ranked, expected vs experienced.

Their long text columns ("Why", "Suggested wording", "Wording") are drawn wide and their rows tall
enough for the longest text to wrap inside its cell: a grid cell never wraps at its default row
height, and the reason of a verdict (up to ~190 characters) was cut after a few words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

import pandas as pd
import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.ui.state_keys import EXAGGERATION_DOWNLOADS, EXPECTATION_DOWNLOADS, VERDICT_DOWNLOADS
from valuegap.ui.tables import table_downloads

TEXT_WIDTH = 320  # px of a long text column: beside the claim and its verdict even on a 1024 px screen
CHAR_WIDTH = 6.6  # px per character of a grid cell's text (a little more than measured, ~6.4)
LINE_HEIGHT = 21  # px per wrapped line
ROW_PADDING = 14  # px above and below a cell's text
WRAPPING_ROW = 65  # px: the grid wraps a cell's text only in rows taller than 4rem (64 px)
HEADER_ROW = 36  # px of the header row (the grid's default row height, and a border)
MAX_SHOWN_ROWS = 12  # rows drawn at once: a longer table scrolls inside itself

VERDICT_COLUMNS = ["claim", "verdict", "why", "promised", "measured", "fulfilment", "p_adjusted", "n",
                   "more_customers_needed", "defensible", "suggested_wording", "gap_money", "wording_flags",
                   "form"]  # fmt: skip
"""The verdict table's columns: the claim, its verdict and why first (they fit a 1024 px screen), then
the columns to scroll to."""
EXAGGERATION_COLUMNS = ["rank", "claim", "verdict", "why", "text", "gap_money", "fulfilment"]


def wrapped_row_height(texts: Iterable[object], width: int = TEXT_WIDTH) -> int | None:
    """A row height (px) at which the longest of ``texts`` wraps whole in a column ``width`` px wide,
    or None (the grid's default single line) when every text fits on one line."""
    longest = max((len(str(text)) for text in texts if isinstance(text, str)), default=0)
    lines = math.ceil(longest * CHAR_WIDTH / (width - 2 * ROW_PADDING)) if longest else 1
    if lines <= 1:
        return None
    return max(WRAPPING_ROW, lines * LINE_HEIGHT + 2 * ROW_PADDING)


def table_height(rows: int, row_height: int | None) -> int | Literal["auto"]:
    """The height (px) that draws ``rows`` rows of ``row_height`` whole (up to :data:`MAX_SHOWN_ROWS`);
    "auto" for the grid's own single-line rows."""
    if row_height is None:
        return "auto"
    return HEADER_ROW + min(max(rows, 1), MAX_SHOWN_ROWS) * row_height + 2


def _wrapped(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, Any]:
    """``row_height`` and ``height`` of a table whose ``columns`` hold long text."""
    row = wrapped_row_height(text for column in columns if column in frame for text in frame[column])
    return {"row_height": row, "height": table_height(len(frame), row)}


def verdict_table(table: pd.DataFrame) -> None:
    """The claim verdicts of :func:`valuegap.evidence.gaps.claims_table`, p-values as text, with its
    CSV/Excel downloads (the numbers as computed)."""
    shown = gaps.readable_p_values(table.drop(columns=["text", "estimate", "ci_low", "ci_high", "p_value"]),
                                   ["p_adjusted"])  # fmt: skip
    st.dataframe(
        shown, hide_index=True, width="stretch", placeholder="–", column_order=VERDICT_COLUMNS,
        **_wrapped(shown, ["why", "suggested_wording"]),
        column_config={
            "claim": "Claim", "form": "Form", "promised": "Promised", "n": "Customers",
            "measured": "Measured", "verdict": "Verdict", "wording_flags": "Wording flags",
            "why": st.column_config.TextColumn("Why", width=TEXT_WIDTH),
            "fulfilment": st.column_config.NumberColumn("Fulfilment", format="percent"),
            "p_adjusted": st.column_config.TextColumn("Adjusted p"),
            "defensible": st.column_config.NumberColumn("Defensible value", format="%.3g"),
            "gap_money": st.column_config.NumberColumn("Gap (money)", format="%.2f"),
            "more_customers_needed": st.column_config.NumberColumn("More customers needed", format="%d"),
            "suggested_wording": st.column_config.TextColumn("Suggested wording", width=TEXT_WIDTH),
        },
    )  # fmt: skip
    st.caption(
        "Verdicts use one-sided tests in the claim's direction; p-values are adjusted across all claims."
    )
    table_downloads(table, "claim verdicts", key=VERDICT_DOWNLOADS)


def exaggerations_table(analysis: Analysis) -> None:
    """The claims that widen the gap (:func:`valuegap.evidence.gaps.ranked_exaggerations`), worst first,
    with downloads; or that there are none."""
    ranked = gaps.ranked_exaggerations(analysis, gaps.wording_flags_by_claim(analysis.proposition))
    if ranked.empty:
        st.success("No claim is statistically exaggerated or has wording flags in this selection.")
        return
    st.caption(
        "Worst first: statistically exaggerated claims by how much money they take out of the promise "
        "(then by fulfilment), then claims whose wording alone is a risk."
    )
    st.dataframe(
        ranked, hide_index=True, width="stretch", placeholder="–", column_order=EXAGGERATION_COLUMNS,
        **_wrapped(ranked, ["why", "text"]),
        column_config={
            "rank": "Rank", "claim": "Claim", "verdict": "Verdict",
            "text": st.column_config.TextColumn("Wording", width=TEXT_WIDTH),
            "why": st.column_config.TextColumn("Why", width=TEXT_WIDTH),
            "fulfilment": st.column_config.NumberColumn("Fulfilment", format="percent"),
            "gap_money": st.column_config.NumberColumn("Gap (money per customer)", format="%.2f"),
        },
    )  # fmt: skip
    table_downloads(ranked, "exaggerated claims", key=EXAGGERATION_DOWNLOADS)


def expectations_table(frame: pd.DataFrame) -> None:
    """Expected vs experienced per survey item (:func:`valuegap.evidence.gaps.expectation_frame`)."""
    st.dataframe(
        gaps.readable_p_values(frame, ["p_value"]), hide_index=True, width="stretch", placeholder="–",
        column_config={
            "item": "Survey item", "n": "Respondents",
            "expected": st.column_config.NumberColumn("Expected (mean)", format="%.2f"),
            "experienced": st.column_config.NumberColumn("Experienced (mean)", format="%.2f"),
            "gap": st.column_config.NumberColumn("Gap", format="%+.2f"),
            "ci_low": st.column_config.NumberColumn("Gap CI from", format="%+.2f"),
            "ci_high": st.column_config.NumberColumn("Gap CI to", format="%+.2f"),
            "p_value": st.column_config.TextColumn("p"), "verdict_text": "Reading",
        },
    )  # fmt: skip
    table_downloads(frame, "expected vs experienced", key=EXPECTATION_DOWNLOADS)
