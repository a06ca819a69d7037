"""The Overview's start: a new workspace's first steps, a card per proposition saying where it stands
(most urgent first, with a link to its next step), the workspace's totals and the table of all.

What each card and row says is :mod:`valuegap.workspace.overview`'s; this panel draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, evidence_dataset, page
from valuegap.ui.cached_evidence import cached_analysis
from valuegap.ui.state_keys import OVERVIEW_DOWNLOADS, OVERVIEW_TABLE
from valuegap.ui.tables import table_downloads
from valuegap.workspace.overview import (
    DONE,
    Evidence,
    PropositionStatus,
    Step,
    by_urgency,
    card_lines,
    status_frame,
)

CARDS = 8  # propositions shown as cards; the table below lists them all
FLAGS_HELP = (
    "Absolute words, unqualified superlatives, 'up to' phrasing, proof phrases, numbers that differ from the "
    "claim, and measurable-sounding puffery."
)
TABLE_COLUMNS = {
    "Updated": st.column_config.DatetimeColumn("Updated", format="YYYY-MM-DD HH:mm"),
    "Wording flags": st.column_config.NumberColumn(
        "Wording flags", help="Number of wording problems across the claims"
    ),
    "Evidence": st.column_config.TextColumn(
        "Evidence", help="The outcome data the pages analyse (chosen on the Evidence page)"
    ),
    "Verdicts": st.column_config.TextColumn(
        "Verdicts", help="Claims by verdict on the current evidence (α 0.05, Holm)"
    ),
    "Value gap per customer": st.column_config.TextColumn(
        "Value gap", width=95,
        help="Promised minus realized benefit per customer and period, in money; figures that leave out "
        "claims without evidence say so.",
    ),
    "Name": st.column_config.TextColumn("Name", width=215),
    "Status": st.column_config.TextColumn("Status", width=80),
    "Next step": st.column_config.TextColumn("Next step", width=185),
}  # fmt: skip
SHOWN_COLUMNS = ["Name", "Status", "Next step", "Value gap per customer"]
"""The table's columns on screen: with the row picker they fit a 1024 px screen. The cards above say the
rest (claims, flags, evidence, verdicts, last change), and the CSV/Excel downloads hold every column."""


def current_evidence(ctx: PageContext, items: Sequence[StoredProposition]) -> dict[int, Evidence]:
    """Each proposition's current outcome data (pinned ones for a share link) and their analysis."""
    found: dict[int, Evidence] = {}
    for item in items:
        dataset = evidence_dataset(ctx, item.id)
        if dataset is None:
            continue
        try:
            analysis = cached_analysis(ctx.store, dataset.id, item, alpha=0.05, correction="holm")
        except ValueGapError as error:
            found[item.id] = Evidence(dataset, None, error.message)
        else:
            found[item.id] = Evidence(dataset, analysis)
    return found


def start_here(steps: Sequence[Step]) -> None:
    """A new workspace's first steps, each with a link to its page, until all of them are done."""
    if all(step.done for step in steps):
        return
    st.subheader("Start here")
    for number, step in enumerate(steps, start=1):
        mark = ":material/check_circle:" if step.done else f"**{number}.**"
        cells = st.columns([5, 2], vertical_alignment="center")
        cells[0].markdown(f"{mark} {step.text}")
        spec = page(step.page)
        cells[1].page_link(spec.path, label=spec.title, icon=spec.icon)


def status_cards(statuses: Sequence[PropositionStatus], *, can_edit: bool) -> None:
    """Where each proposition stands, most urgent first; editors get a link to its next step."""
    shown = by_urgency(statuses)[:CARDS]
    st.subheader("Where each proposition stands")
    now = datetime.now(UTC)
    for status in shown:
        with st.container(border=True):
            top = st.columns([1, 1], vertical_alignment="center")
            archived = " · archived" if status.archived else ""
            top[0].markdown(f"**{escape_markdown(status.name)}** · {status.status}{archived}")
            step = status.next_step
            if can_edit:  # a share-link viewer reads where it stands, with nothing to do
                top[1].page_link(
                    page(step.page).path, label=escape_markdown(step.text),
                    icon=":material/check_circle:" if step.urgency >= DONE else ":material/arrow_forward:",
                    query_params={links.PROPOSITION: str(status.id)},
                )  # fmt: skip
            st.caption("  \n".join(card_lines(status, now)))
    if len(statuses) > len(shown):
        st.caption(f"{len(statuses) - len(shown)} more in the table below.")


def status_table(statuses: Sequence[PropositionStatus], *, show_archived: bool) -> int | None:
    """The workspace's totals and every proposition in a table; the id of the selected row, if any."""
    frame = status_frame(statuses)
    totals = st.columns(4)
    totals[0].metric("Propositions", len(frame))
    totals[1].metric("Claims flagged", int(frame["Claims flagged"].sum()), help=FLAGS_HELP)
    totals[2].metric(
        "With evidence", sum(s.has_evidence for s in statuses),
        help="Propositions with current outcome data, chosen on the Evidence page",
    )  # fmt: skip
    totals[3].metric(
        "Exaggerated", sum(len(s.exaggerated) for s in statuses), help="Claims the evidence shows exaggerated"
    )
    visible = frame.drop(columns=["Claims flagged"] if show_archived else ["Claims flagged", "Archived"])
    event = st.dataframe(
        visible, hide_index=True, placeholder="–", on_select="rerun", selection_mode="single-row",
        key=OVERVIEW_TABLE, column_config=TABLE_COLUMNS,
        column_order=SHOWN_COLUMNS + (["Archived"] if show_archived else []),
    )  # fmt: skip
    st.caption("Select a row to open, duplicate, archive or delete that proposition.")
    table_downloads(visible, "propositions", key=OVERVIEW_DOWNLOADS)
    rows = [row for row in (event.selection.rows if event is not None else []) if row < len(frame)]
    return int(frame.index[rows[0]]) if rows else None  # a selection can outlive its row (a delete)
