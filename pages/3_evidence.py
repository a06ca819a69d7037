"""Evidence: bring measured customer outcomes (files or a live source), map their columns, check them,
and store them as versioned datasets for the Gap analysis page."""

from __future__ import annotations

import streamlit as st

from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext, choose_proposition, page_setup, run_page
from valuegap.ui.panels import live_source
from valuegap.ui.panels.dataset_list import dataset_list
from valuegap.ui.panels.file_upload import file_upload

ctx = page_setup("Evidence", ":material/upload_file:")


def render(ctx: PageContext) -> None:
    st.title("Evidence")
    head = st.columns([2, 3])
    with head[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    prop = ctx.store.get(proposition_id).proposition
    with head[1]:
        st.caption(
            "Bring what customers actually got: usage data, survey answers or churn. Each import is a new "
            "version of a dataset, checked before anything is stored; the Gap analysis page tests every "
            f"claim of **{escape_markdown(prop.name)}** on its current evidence, which you choose here."
        )
    if not ctx.can_edit:
        st.caption("This is a read-only view: you can look at the datasets but not import or change them.")
        dataset_list(ctx, proposition_id)
        return
    metrics = {claim.metric for claim in prop.claims if claim.metric}
    upload, source, datasets = st.tabs(["Upload a file", "Connect a source", "Datasets"])
    with upload:
        file_upload(ctx, proposition_id, metrics)
    with source:
        live_source.render(ctx, proposition_id, metrics)
    with datasets:
        dataset_list(ctx, proposition_id)


run_page(render, ctx)
