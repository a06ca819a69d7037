"""Overview: the start. Where each proposition stands and what to do next; create, import,
duplicate, archive and delete."""

from __future__ import annotations

import streamlit as st

from valuegap.ui import PageContext, page_setup, run_page, visible_propositions
from valuegap.ui.panels.overview_actions import create_and_import, proposition_actions
from valuegap.ui.panels.overview_cards import current_evidence, start_here, status_cards, status_table
from valuegap.ui.state_keys import SHOW_ARCHIVED
from valuegap.workspace.overview import first_steps, workspace_status

ctx = page_setup("Overview", ":material/dashboard:")


def render(ctx: PageContext) -> None:
    st.title("Value propositions")
    st.caption(
        "Each proposition promises customers value for a price. Draft its claims, bring what customers "
        "actually got, and see which claims hold and what the gap costs them."
    )
    show_archived = st.toggle("Show archived", key=SHOW_ARCHIVED)
    items = visible_propositions(ctx, include_archived=show_archived)
    statuses = workspace_status(items, current_evidence(ctx, items))
    if ctx.actor.can_edit:
        start_here(first_steps(statuses))  # a new workspace's three first steps, until done
    if not items:
        if ctx.actor.can_edit:
            create_and_import(ctx)
        st.info(
            "No propositions yet. Create one with **New proposition** above, or import a YAML or JSON "
            "proposition file."
            if not show_archived
            else "The workspace is empty."
        )
        return

    status_cards(statuses, can_edit=ctx.actor.can_edit)
    st.subheader("All propositions")
    selected = status_table(statuses, show_archived=show_archived)
    if selected is not None:
        proposition_actions(ctx, next(item for item in items if item.id == selected))
    if ctx.actor.can_edit:
        st.subheader("Add a proposition")
        create_and_import(ctx)


run_page(render, ctx)
