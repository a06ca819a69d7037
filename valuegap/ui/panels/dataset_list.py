"""The Datasets tab: which evidence the pages analyse, every dataset an editor may use, and for the one
selected its details and what to do with it (use it here, make it the current evidence, delete it)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import EVIDENCE_KINDS, StoredDataset
from valuegap.ui import PageContext, evidence_dataset, flash, page, visible_datasets
from valuegap.ui.cached_evidence import pinned_view_text
from valuegap.ui.panels.verdict_table import wrapped_table
from valuegap.ui.state_keys import (
    CANCEL_DELETE,
    CHOOSE_CURRENT,
    CONFIRM_DELETE,
    DATASET_TABLE,
    DELETE_DATASET,
    GO_TO_ANALYSIS,
    LINK_DATASET,
    OFFER_CURRENT,
    keyed,
)

COLUMNS = {
    "dataset": "Dataset", "kind": "Kind", "file": "File", "kept": "Rows kept", "rejected": "Rows rejected",
    "for this proposition": "For this proposition", "current evidence": "Current evidence",
    "uploaded": "Uploaded", "by": "By",
}  # fmt: skip
"""The Datasets table's columns and their headings."""
NAME_WIDTH = 300  # px of the Dataset column
SHOWN: dict[str, Any] = {
    "dataset": st.column_config.TextColumn("Dataset", width=NAME_WIDTH),
    "kind": st.column_config.TextColumn("Kind", width=85),
    "kept": st.column_config.NumberColumn("Rows kept", width=85, format="%,d"),  # "17,083", not "17083"
    "current evidence": st.column_config.CheckboxColumn(
        "Current", width=75, help="The current evidence of its proposition: what the pages analyse"
    ),
}
"""The columns on screen, which fit a 1024 px screen with the row picker; a selected dataset's details
name its file, who uploaded it when and why rows were rejected. A long name wraps in its column, its
version whole ("…outcomes (demo) v1", not "…outcomes (demo) v")."""


def dataset_list(ctx: PageContext, proposition_id: int) -> None:
    """The current evidence in words, the datasets table and the selected dataset's details."""
    go = st.session_state.pop(GO_TO_ANALYSIS, None)
    if go is not None:
        analysis_link(proposition_id, go)
    items = visible_datasets(ctx, proposition_id)
    if not items:
        st.info("No datasets yet. Upload a file or run a query to bring the first one.")
        return
    current = _current_evidence(ctx, proposition_id)
    frame = pd.DataFrame(
        [
            {
                "dataset": d.label, "kind": d.kind, "file": d.file_name, "kept": d.rows_kept,
                "rejected": d.rows_rejected, "for this proposition": d.proposition_id == proposition_id,
                "current evidence": d.id in current, "uploaded": d.created_at.strftime("%Y-%m-%d %H:%M"),
                "by": d.created_by,
            }
            for d in items
        ],
        columns=list(COLUMNS),
    )  # fmt: skip
    event = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=DATASET_TABLE, column_config=COLUMNS | SHOWN, column_order=list(SHOWN),
        **wrapped_table(frame, {"dataset": NAME_WIDTH}),
    )  # fmt: skip
    rows = event.selection.rows if event is not None else []
    if not rows:
        st.caption("Select a dataset to see its details.")
        return
    _details(ctx, items[rows[0]], proposition_id, current)


def analysis_link(proposition_id: int, dataset_id: int) -> None:
    """A link to the verdicts of ``dataset_id`` on the Gap analysis page."""
    st.page_link(
        page("4_gap_analysis.py").path, label="See the verdicts on the Gap analysis page",
        icon=":material/query_stats:",
        query_params={links.PROPOSITION: str(proposition_id), links.DATASET: str(dataset_id)},
    )  # fmt: skip


def use_as_current(ctx: PageContext, proposition_id: int, dataset: StoredDataset) -> None:
    """Make ``dataset`` the proposition's current evidence of its kind, say so and rerun."""
    ctx.store.set_current_evidence(proposition_id, dataset.id, ctx.actor)
    st.session_state.pop(OFFER_CURRENT, None)
    flash(
        f"{dataset.label} is now the current evidence: the pages analyse it. Existing share links keep what "
        "they showed; move them on the Share page."
    )
    st.rerun()


def linked_message(ctx: PageContext, dataset: StoredDataset, proposition_id: int) -> str:
    """What linking another proposition's ``dataset`` to this one did, and what is left to do."""
    current = ctx.store.current_dataset(proposition_id, dataset.kind)
    if current is not None and current.id == dataset.id:
        return f"{dataset.label} now belongs to this proposition and is its current evidence."
    return f"{dataset.label} now belongs to this proposition; use it as current evidence to analyse it."


def _current_evidence(ctx: PageContext, proposition_id: int) -> set[int]:
    """Say what the pages analyse (for a share-link viewer: what the link shows); the ids of it."""
    if ctx.shared is not None:
        shown = [evidence_dataset(ctx, proposition_id, kind) for kind in EVIDENCE_KINDS]
        line = pinned_view_text(ctx, shown[0])
        st.caption(f":material/push_pin: This shared view is fixed to what was shared. {line}.")
        return {d.id for d in shown if d is not None}
    chosen = ctx.store.current_evidence(proposition_id)
    parts = [
        f"{kind} **{escape_markdown(c.dataset.label)}** (chosen {c.chosen_at:%Y-%m-%d} by "
        f"{escape_markdown(c.chosen_by)})"
        for kind, c in chosen.items()
    ]
    st.caption(
        ":material/push_pin: Current evidence, what the pages analyse and new share links show: "
        + ("; ".join(parts) if parts else "none chosen yet")
        + ". A new upload does not replace it unless you choose it."
    )
    return {c.dataset.id for c in chosen.values()}


def _details(ctx: PageContext, dataset: StoredDataset, proposition_id: int, current: set[int]) -> None:
    box = st.container(border=True)
    where = f"{dataset.file_name} · uploaded {dataset.created_at:%Y-%m-%d} by {dataset.created_by}"
    box.markdown(f"**{escape_markdown(dataset.label)}** · {escape_markdown(where)}")
    details = dataset.details
    if dataset.kind == "outcomes":
        box.caption(
            f"{details.get('customers', 0):,} customers · metrics: "
            f"{escape_markdown(', '.join(details.get('metrics', [])))}"
            f" · segments: {escape_markdown(', '.join(details.get('segments', [])) or 'none')}"
            f" · periods: {len(details.get('periods', []))} ({details.get('granularity') or 'no dates'})"
        )
    else:
        box.caption(
            f"{details.get('customers', 0):,} customers · survey items: "
            f"{escape_markdown(', '.join(details.get('survey_items', [])) or 'none')}"
        )
    reasons = dataset.rejections.get("reasons", {})
    if reasons:
        box.dataframe(
            pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}), hide_index=True,
            column_config={"reason": "Why rows were rejected", "rows": "Rows"},
        )  # fmt: skip
        box.dataframe(pd.DataFrame(dataset.rejections.get("rows", [])), hide_index=True)
    if ctx.actor.can_edit:
        _actions(ctx, box, dataset, proposition_id, current)


def _actions(
    ctx: PageContext, box: DeltaGenerator, dataset: StoredDataset, proposition_id: int,
    current: set[int],
) -> None:  # fmt: skip
    cols = box.columns(3)
    if dataset.proposition_id != proposition_id and cols[0].button(
        "Use for this proposition", key=keyed(LINK_DATASET, dataset.id)
    ):
        ctx.store.link_dataset(dataset.id, proposition_id, ctx.actor)
        flash(linked_message(ctx, dataset, proposition_id))
        st.rerun()
    if dataset.kind in EVIDENCE_KINDS and dataset.id not in current:
        if cols[1].button(
            "Use as current evidence", key=keyed(CHOOSE_CURRENT, dataset.id), icon=":material/push_pin:"
        ):
            use_as_current(ctx, proposition_id, dataset)
    elif dataset.id in current:
        cols[1].caption(":material/push_pin: The current evidence")
    if cols[2].button("Delete dataset", key=keyed(DELETE_DATASET, dataset.id), icon=":material/delete:"):
        _confirm_delete(ctx, dataset)


@st.dialog("Delete dataset?")
def _confirm_delete(ctx: PageContext, dataset: StoredDataset) -> None:
    st.text(
        f"{dataset.label} and its {dataset.rows_kept:,} rows will be deleted for good. Analyses that "
        "used it will need another dataset."
    )
    row = st.container(horizontal=True, gap="small")
    delete = row.button(
        "Delete permanently", type="primary", icon=":material/delete_forever:", key=CONFIRM_DELETE
    )
    if row.button("Cancel", key=CANCEL_DELETE):
        st.rerun()
    if delete:
        try:
            ctx.store.delete_dataset(dataset.id, ctx.actor)
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        flash(f"Deleted {dataset.label}.", icon=":material/delete:")
        st.rerun()
