"""The Propositions page's editors: the proposition's fields, its cost-of-access table and the claims
grid, each labelled in words, each with a place below it where the Save bar shows its problems.

Number cells of the claims grid are text, so what is typed can be read and refused with a reason
("two", "1.5" in Share) instead of the grid turning it into 0 or 1.00: see
:func:`valuegap.model.editing.read_claim_cells`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from valuegap.model.editing import access_frame, claims_grid, read_segment, segment_text
from valuegap.model.proposition import (
    ACCESS_KIND_WORDS,
    ACCESS_UNIT_WORDS,
    BENEFIT_WORDS,
    DIRECTION_WORDS,
    FORM_WORDS,
    FREQUENCY_WORDS,
    Period,
    Proposition,
    Status,
)
from valuegap.ui.panels.claim_editor import grid_wording_checks
from valuegap.ui.panels.verdict_table import table_height, wrapped_row_height
from valuegap.ui.state_keys import keyed
from valuegap.workspace.overview import STATUS_LABELS

FIELD_LABELS = {
    "name": "Name",
    "segment": "Target segment",
    "status": "Status",
    "offer": "Offer",
    "price.amount": "Price",
    "price.currency": "Currency",
    "price.period": "Per",
    "value_of_time": "Value of the customer's time (per hour)",
    "horizon": "Horizon (periods)",
    "canvas.jobs": "Customer jobs",
    "canvas.pains": "Pains",
    "canvas.gains": "Gains",
}


def _choice(label: str, words: dict[str, str], **kw: Any) -> Any:
    """A selectbox column showing each option in words; the stored value is unchanged."""
    return st.column_config.SelectboxColumn(
        label, options=list(words), format_func=lambda value: words[str(value)], **kw
    )


# Widths in pixels: at 1400 px wide the ID, the claim, its kind, promised value, unit and direction all
# show without scrolling; the rest scroll into view. Not pinned: Streamlit greys a pinned column's text,
# which reads as "cannot edit".
CLAIM_TEXT_WIDTH = 300  # px of the claim's copy, which wraps in its cell
CLAIM_LINES = 2  # lines of copy a row shows (the longest claim would make every row as tall as itself)
CLAIM_COLUMNS = {
    "id": st.column_config.TextColumn(
        "ID",
        help="Short name for reports and links; made from the text when left blank",
        max_chars=40,
        width=115,
    ),
    "text": st.column_config.TextColumn("Claim as written in the copy", width=CLAIM_TEXT_WIDTH),
    "form": _choice("Kind of promise", FORM_WORDS, help="Picks the test", width=230),
    "claimed": st.column_config.TextColumn(
        "Promised value", help="The value the copy promises, in digits", width=125
    ),
    "unit": st.column_config.TextColumn("Unit", width=125),
    "direction": _choice("Better is", DIRECTION_WORDS, default="higher", width=125),
    "benefit": _choice("Benefit", BENEFIT_WORDS, width=190),
    "metric": st.column_config.TextColumn(
        "What is measured",
        help="The measured outcome, named as the column of the evidence files that holds it (such as "
        "evening_rating); blank for a claim nobody could measure",
        width=200,
    ),
    "share": st.column_config.TextColumn(
        "Share of customers", help="For share claims: 95% (or 95, or 0.95) of customers reach it", width=150
    ),
    "competitor": st.column_config.TextColumn(
        "Competitor", help="For claims against a competitor: which one", width=120
    ),
    "ratio": st.column_config.TextColumn(
        "Times the competitor", help="For comparative claims: 2 = 2×", width=165
    ),
    "tolerance": st.column_config.TextColumn(
        "Tolerance",
        default="10%",
        width=95,
        help="How far short still counts as kept, as a share of the promised value: 10% (or 0.1)",
    ),
    "money_per_unit": st.column_config.TextColumn(
        "Money per unit",
        help="Converts the metric to money (blank: money = 1, time = value of time)",
        width=135,
    ),
    "importance": st.column_config.TextColumn("Importance", default="1", width=115),
}
# What the item is comes first and its made-up ID last, so at 1024 px the columns that matter show first.
ACCESS_LABEL_WIDTH = 180  # px of what a cost-of-access item is
ACCESS_COLUMNS = {
    # 34 px of row handles + 180 + 80 + 80 + 65 + 95 + 80 px fit the 620 px column of a 1024 px screen
    "label": st.column_config.TextColumn("What it is", width=ACCESS_LABEL_WIDTH),
    "kind": _choice("Kind", ACCESS_KIND_WORDS, width=80),
    "amount": st.column_config.NumberColumn(
        "Amount", min_value=0.0, format="%.2f", width=80, help="Hours, or money in the price's currency"
    ),
    "unit": _choice("Unit", ACCESS_UNIT_WORDS, default="hours", width=65),
    "frequency": _choice("How often", FREQUENCY_WORDS, default="per_period", width=95),
    "id": st.column_config.TextColumn(
        "ID",
        help="Names the item in saved scenarios and links; made from the label when left blank",
        max_chars=40,
        width=80,
    ),
}
CLAIM_LABELS = {key: column["label"] for key, column in CLAIM_COLUMNS.items()}
ACCESS_LABELS = {key: column["label"] for key, column in ACCESS_COLUMNS.items()}


@dataclass
class ProblemSlots:
    """Where the Save bar shows problems: below each field (by path), the access table, the claims grid."""

    fields: dict[str, Any]
    access: Any = None
    claims: Any = None


def proposition_fields(
    base: Proposition, widgets: str, editable: bool
) -> tuple[dict[str, Any], ProblemSlots]:
    """The proposition's own fields as typed (price and canvas nested), and a slot below each."""
    slots = ProblemSlots(fields={})
    disabled = not editable

    def slot(path: str) -> None:
        slots.fields[path] = st.empty()

    def key(name: str) -> str:
        return keyed(widgets, name)

    left, right = st.columns([3, 2])
    with left:
        name = st.text_input(FIELD_LABELS["name"], base.name, key=key("name"), disabled=disabled)
        slot("name")
        offer = st.text_area(
            FIELD_LABELS["offer"], base.offer, key=key("offer"), disabled=disabled, height=100,
            placeholder="What the customer gets",
        )  # fmt: skip
        slot("offer")
    with right:
        segment = read_segment(
            st.text_input(
                FIELD_LABELS["segment"],
                segment_text(base.segment),
                key=key("segment"),
                disabled=disabled,
                help="Who it is for: a group of customers, or everyone",
            )
        )
        slot("segment")
        statuses = [member.value for member in Status]
        status = st.selectbox(
            FIELD_LABELS["status"], statuses, index=statuses.index(base.status.value),
            format_func=STATUS_LABELS.__getitem__, key=key("status"), disabled=disabled,
        )  # fmt: skip
        slot("status")

    st.markdown("##### Price and cost to the customer")
    cols = st.columns([3, 2, 2]) + st.columns([3, 2])  # two rows, so each label fits at 1024 px
    with cols[0]:
        amount = st.number_input(
            FIELD_LABELS["price.amount"], min_value=0.0, value=float(base.price.amount), step=1.0,
            format="%.2f", key=key("price_amount"), disabled=disabled,
        )  # fmt: skip
        slot("price.amount")
    with cols[1]:
        currency = st.text_input(
            FIELD_LABELS["price.currency"], base.price.currency, max_chars=3, key=key("currency"),
            disabled=disabled, help="ISO code: USD, EUR, BRL, ...",
        )  # fmt: skip
        slot("price.currency")
    with cols[2]:
        periods = [member.value for member in Period]
        period = st.selectbox(
            FIELD_LABELS["price.period"], periods, index=periods.index(base.price.period.value),
            key=key("period"), disabled=disabled,
        )  # fmt: skip
        slot("price.period")
    with cols[3]:
        value_of_time = st.number_input(
            FIELD_LABELS["value_of_time"], min_value=0.0, value=base.value_of_time, step=1.0,
            key=key("value_of_time"), disabled=disabled, placeholder="blank = not priced",
            help="Turns hours saved or spent into money",
        )  # fmt: skip
        slot("value_of_time")
    with cols[4]:
        horizon = st.number_input(
            FIELD_LABELS["horizon"], min_value=1, max_value=600, value=int(base.horizon), step=1,
            key=key("horizon"), disabled=disabled, help="One-off costs are spread over this many periods",
        )  # fmt: skip
        slot("horizon")

    with st.expander("Value proposition canvas: jobs, pains, gains", expanded=False):
        canvas = {}
        for col, part in zip(st.columns(3), ("jobs", "pains", "gains"), strict=True):
            with col:
                canvas[part] = st.text_area(
                    FIELD_LABELS[f"canvas.{part}"], getattr(base.canvas, part), key=key(f"canvas_{part}"),
                    disabled=disabled, height=120,
                )  # fmt: skip
                slot(f"canvas.{part}")
    fields = {
        "name": name,
        "segment": segment,
        "offer": offer,
        "price": {"amount": amount, "currency": currency, "period": period},
        "value_of_time": value_of_time,
        "horizon": horizon,
        "canvas": canvas,
        "status": status,
    }
    return fields, slots


def _table_editor(
    frame: pd.DataFrame, columns: dict[str, Any], key: str, editable: bool, row_height: int | None = None
) -> pd.DataFrame:
    """An editable table; rows can be added and deleted only by editors; ``row_height`` wraps long cells
    (the table is then as tall as its rows and the row that adds one)."""
    return st.data_editor(
        frame, column_config=columns, num_rows="dynamic" if editable else "fixed", disabled=not editable,
        hide_index=True, key=key, width="stretch", column_order=list(columns), row_height=row_height,
        height=table_height(len(frame) + editable, row_height),
    )  # fmt: skip


def access_table(base: Proposition, widgets: str, editable: bool, slots: ProblemSlots) -> pd.DataFrame:
    """The cost-of-access table as edited; its problems go to ``slots.access``."""
    st.markdown("**Cost of access**: what it takes the customer, beyond the price, to get the value")
    frame = access_frame(base)
    # what the item is wraps in its cell: at 180 px a long one was cut after a few words
    row = wrapped_row_height(frame["label"], ACCESS_LABEL_WIDTH)
    edited = _table_editor(frame, ACCESS_COLUMNS, keyed(widgets, "access"), editable, row_height=row)
    slots.access = st.empty()
    return edited


def claims_table(base: Proposition, widgets: str, editable: bool, slots: ProblemSlots) -> pd.DataFrame:
    """The claims grid as edited, with its wording checks; its problems go to ``slots.claims``."""
    st.caption(
        "All claims as a table, one row per promise in the copy: the kind of promise picks how it is "
        "tested against customer outcomes."
        + (" Add rows with the + at the bottom of the table." if editable else "")
    )
    frame = claims_grid(base)
    # the copy wraps in its cell (on one line a claim read "Save 3 hours of cooking every wee")
    row = wrapped_row_height(frame["text"], CLAIM_TEXT_WIDTH, max_lines=CLAIM_LINES)
    edited = _table_editor(frame, CLAIM_COLUMNS, keyed(widgets, "claims"), editable, row_height=row)
    slots.claims = st.empty()
    grid_wording_checks(edited, live=editable)
    return edited
