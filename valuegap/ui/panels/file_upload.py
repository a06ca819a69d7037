"""The Evidence page's "Upload a file" tab: a file of measured outcomes (or a customer table) read,
mapped, checked and imported; after an import, what was stored and where its verdicts are."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext
from valuegap.ui.panels.dataset_list import analysis_link, use_as_current
from valuegap.ui.panels.upload_mapping import check_and_import
from valuegap.ui.panels.upload_read import read_upload
from valuegap.ui.state_keys import (
    LAST_IMPORT,
    OFFER_CURRENT,
    UPLOAD_ROUND,
    UPLOADER,
    USE_UPLOAD_AS_CURRENT,
    keyed,
)

FILE_TYPES = ["csv", "tsv", "txt", "parquet", "xlsx"]


def file_upload(ctx: PageContext, proposition_id: int, metrics: Collection[str]) -> None:
    """The uploader, then the read file's mapping, check and import (``metrics``: the claims')."""
    upload = st.file_uploader(
        "Outcomes or customer table", type=FILE_TYPES,
        help="CSV/TSV (any delimiter, UTF-8 or Windows-1252, decimal comma), Parquet or Excel. Long form "
        "(a column each for the customer, the metric and its value), wide form (one column per metric) or "
        "a customer table. Columns can have any names: you say which is which after uploading.",
        # a new key after each import empties the uploader, so the stored file is not offered again
        key=keyed(UPLOADER, st.session_state.get(UPLOAD_ROUND, 0)),
    )  # fmt: skip
    if upload is None:
        if not _last_import(ctx, proposition_id):
            st.caption(
                "A file of what customers actually got: one row per customer and metric (with the "
                "customer's ID, the metric's name and the value measured), or one column per metric."
            )
        return
    st.session_state.pop(LAST_IMPORT, None)
    # read in a bounded worker process with a Cancel button; None: cancelled, or an encoding to choose
    raw = read_upload(upload.getvalue(), upload.name)
    if raw is not None:
        check_and_import(ctx, proposition_id, raw, metrics)


def _last_import(ctx: PageContext, proposition_id: int) -> bool:
    """What the last import of a file stored and where its verdicts are; False if there was none."""
    imported = st.session_state.get(LAST_IMPORT)
    if imported is None or imported[:2] != (proposition_id, "file"):
        return False
    _, _, message, dataset_id = imported
    st.success(message, icon=":material/check_circle:")
    _offer_current(ctx, proposition_id)
    if dataset_id is not None:
        analysis_link(proposition_id, dataset_id)
    return True


def _offer_current(ctx: PageContext, proposition_id: int) -> None:
    """After an upload that did not become the current evidence by itself: offer to make it so."""
    offer = st.session_state.get(OFFER_CURRENT)
    if offer is None or offer[0] != proposition_id:
        return
    try:
        dataset = ctx.store.dataset(offer[1])
    except ValueGapError:  # deleted meanwhile
        st.session_state.pop(OFFER_CURRENT, None)
        return
    current = ctx.store.current_dataset(proposition_id, dataset.kind)
    if current is not None and current.id == dataset.id:
        return
    kept = escape_markdown(current.label if current is not None else "none")
    st.info(
        f"The current {dataset.kind} evidence is still **{kept}**: the other pages and share links keep "
        "using it until you choose the new upload.",
        icon=":material/push_pin:",
    )
    label = f"Use {dataset.label} as current evidence"
    if st.button(label, icon=":material/push_pin:", key=USE_UPLOAD_AS_CURRENT):
        use_as_current(ctx, proposition_id, dataset)
