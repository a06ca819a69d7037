"""The Gap analysis tables: claim verdicts, exaggerations ranked, expected vs experienced.

Their long text columns ("Why", "Suggested wording", "Wording") are drawn wide and their rows tall
enough for the longest text to wrap inside its cell: a grid cell never wraps at its default row
height, and the reason of a verdict (up to ~190 characters) was cut after a few words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd
import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.ui.state_keys import EXAGGERATION_DOWNLOADS, EXPECTATION_DOWNLOADS, VERDICT_DOWNLOADS
from valuegap.ui.tables import money_texts, table_downloads

TEXT_WIDTH = 320  # px of a long text column: beside the claim and its verdict even on a 1024 px screen
CHAR_WIDTH = 6.6  # px per character of a grid cell's text (a little more than measured, ~6.4)
LINE_HEIGHT = 21  # px per wrapped line
ROW_PADDING = 14  # px above and below a cell's text
WRAPPING_ROW = 65  # px: the grid wraps a cell's text only in rows taller than 4rem (64 px)
HEADER_ROW = 36  # px of the header row (the grid's default row height, and a border)
MAX_SHOWN_ROWS = 12  # rows drawn at once: a longer table scrolls inside itself

CLAIM_WIDTH = 150  # px of the claim's short title: two or three lines in a wrapped row
VERDICT_WIDTH = 100  # px: "not testable" whole
VERDICT_COLUMNS = ["title", "verdict", "why"]
"""The verdict table's columns: the claim, its verdict and why; 150 + 100 + 320 px fit the 620 px column
of a 1024 px screen. The test's numbers are in :data:`DETAIL_COLUMNS`, under the table."""
DETAIL_COLUMNS = ["title", "promised", "measured", "fulfilment", "p_adjusted", "n",
                  "more_customers_needed", "defensible", "gap_money", "wording_flags", "suggested_wording",
                  "form", "claim"]  # fmt: skip
EXAGGERATION_COLUMNS = ["text", "verdict", "gap_money", "why"]
"""Worst first, so the order is the rank; the claim's whole wording names it, so its ID, like the rank and
the fulfilment, is left to the downloads. 150 + 100 + 100 + 260 px fit a 1024 px screen; the money gap
is written with its currency ("USD 12.06"), its number kept in the downloads."""
MONEY_WIDTH = 100
EXAGGERATION_WHY_WIDTH = 260


def wrapped_row_height(
    texts: Iterable[object], width: int = TEXT_WIDTH, *, max_lines: int | None = None
) -> int | None:
    """A row height (px) at which the longest of ``texts`` wraps whole in a column ``width`` px wide
    (in at most ``max_lines`` lines, the rest cut), or None (the grid's default single line) when every
    text fits on one line."""
    longest = max((len(str(text)) for text in texts if isinstance(text, str)), default=0)
    lines = math.ceil(longest * CHAR_WIDTH / (width - 2 * ROW_PADDING)) if longest else 1
    if max_lines is not None:
        lines = min(lines, max_lines)
    if lines <= 1:
        return None
    return max(WRAPPING_ROW, lines * LINE_HEIGHT + 2 * ROW_PADDING)


def table_height(rows: int, row_height: int | None) -> int | Literal["auto"]:
    """The height (px) that draws ``rows`` rows of ``row_height`` whole (up to :data:`MAX_SHOWN_ROWS`);
    "auto" for the grid's own single-line rows."""
    if row_height is None:
        return "auto"
    return HEADER_ROW + min(max(rows, 1), MAX_SHOWN_ROWS) * row_height + 2


def wrapped_table(frame: pd.DataFrame, widths: Mapping[str, int]) -> dict[str, Any]:
    """``row_height`` and ``height`` of a table whose long-text columns are ``widths[column]`` px wide, so
    that the longest text wraps whole (the grid's own rows when every text fits one line)."""
    heights = [
        wrapped_row_height(frame[column], width) for column, width in widths.items() if column in frame
    ]
    row = max((height for height in heights if height is not None), default=None)
    return {"row_height": row, "height": table_height(len(frame), row)}


def verdict_table(table: pd.DataFrame, currency: str) -> None:
    """The claim verdicts of :func:`valuegap.evidence.gaps.claims_table`: claim, verdict and why, the
    test's numbers under "Test details" (p-values as text), with CSV/Excel downloads (numbers as computed)."""
    shown = gaps.readable_p_values(table.drop(columns=["text", "estimate", "ci_low", "ci_high", "p_value"]),
                                   ["p_adjusted"])  # fmt: skip
    shown["gap_money"] = money_texts(shown["gap_money"], currency)
    claim = st.column_config.TextColumn(
        "Claim",
        width=CLAIM_WIDTH,
        help="The claim's copy, shortened (the whole copy is on the Propositions page).",
    )
    st.dataframe(
        shown, hide_index=True, width="stretch", placeholder="–", column_order=VERDICT_COLUMNS,
        **wrapped_table(shown, {"title": CLAIM_WIDTH, "why": TEXT_WIDTH}),
        column_config={
            "title": claim, "verdict": st.column_config.TextColumn("Verdict", width=VERDICT_WIDTH),
            "why": st.column_config.TextColumn("Why", width=TEXT_WIDTH),
        },
    )  # fmt: skip
    st.caption(
        "Verdicts use one-sided tests in the claim's direction; p-values are adjusted across all claims."
    )
    with st.expander("Test details: promised and measured values, p-values, customers, money"):
        st.dataframe(
            shown, hide_index=True, width="stretch", placeholder="–", column_order=DETAIL_COLUMNS,
            **wrapped_table(shown, {"title": CLAIM_WIDTH, "suggested_wording": TEXT_WIDTH}),
            column_config={
                "title": claim, "form": "Form", "promised": "Promised",
                "n": st.column_config.NumberColumn("Customers", format="%,d"),  # "3,000", not "3000"
                "measured": "Measured", "wording_flags": "Wording flags",
                "fulfilment": st.column_config.NumberColumn("Fulfilment", format="percent"),
                "p_adjusted": st.column_config.TextColumn("Adjusted p"),
                "defensible": st.column_config.NumberColumn("Defensible value", format="%.3g"),
                "gap_money": st.column_config.TextColumn("Gap (money)"),
                "more_customers_needed": st.column_config.NumberColumn("More customers needed", format="%,d"),
                "suggested_wording": st.column_config.TextColumn("Suggested wording", width=TEXT_WIDTH),
                "claim": st.column_config.TextColumn("ID", help="The claim's ID, as in files and links."),
            },
        )  # fmt: skip
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
    shown = ranked.assign(gap_money=money_texts(ranked["gap_money"], analysis.proposition.price.currency))
    st.dataframe(
        shown, hide_index=True, width="stretch", placeholder="–", column_order=EXAGGERATION_COLUMNS,
        **wrapped_table(shown, {"text": CLAIM_WIDTH, "why": EXAGGERATION_WHY_WIDTH}),
        column_config={
            "verdict": st.column_config.TextColumn("Verdict", width=VERDICT_WIDTH),
            "text": st.column_config.TextColumn("Claim", width=CLAIM_WIDTH),
            "why": st.column_config.TextColumn("Why", width=EXAGGERATION_WHY_WIDTH),
            "gap_money": st.column_config.TextColumn(
                "Money gap", width=MONEY_WIDTH,
                help="What the claim takes out of the promise, in money per customer and period.",
            ),
        },
    )  # fmt: skip
    table_downloads(ranked, "exaggerated claims", key=EXAGGERATION_DOWNLOADS)


EXPECTATION_COLUMNS = ["item", "expected", "experienced", "gap", "verdict_text"]
"""The expectations table's columns on screen (they fit a 1024 px screen); the test's numbers are under
"Test details"."""
EXPECTATION_DETAILS = ["item", "n", "gap", "ci_low", "ci_high", "p_value"]


def expectations_table(frame: pd.DataFrame) -> None:
    """Expected vs experienced per survey item (:func:`valuegap.evidence.gaps.expectation_frame`), the
    interval, p-value and respondents under "Test details", with downloads."""
    shown = gaps.readable_p_values(frame, ["p_value"])
    config: dict[str, Any] = {
        "item": st.column_config.TextColumn("Survey item", width=140), "n": "Respondents",
        "expected": st.column_config.NumberColumn("Expected", format="%.2f", width=85,
                                                  help="The mean score customers expected"),
        "experienced": st.column_config.NumberColumn("Experienced", format="%.2f", width=95,
                                                     help="The mean score customers experienced"),
        "gap": st.column_config.NumberColumn("Gap", format="%+.2f", width=70,
                                             help="Experienced minus expected, in scale points"),
        "ci_low": st.column_config.NumberColumn("Gap CI from", format="%+.2f"),
        "ci_high": st.column_config.NumberColumn("Gap CI to", format="%+.2f"),
        "p_value": st.column_config.TextColumn("p"), "verdict_text": "Reading",
    }  # fmt: skip
    st.dataframe(
        shown, hide_index=True, width="stretch", placeholder="–", column_order=EXPECTATION_COLUMNS,
        column_config=config,
    )  # fmt: skip
    with st.expander("Test details: the gap's 95% interval, p-value and respondents"):
        st.dataframe(
            shown, hide_index=True, width="stretch", placeholder="–", column_order=EXPECTATION_DETAILS,
            column_config=config,
        )  # fmt: skip
    table_downloads(frame, "expected vs experienced", key=EXPECTATION_DOWNLOADS)
