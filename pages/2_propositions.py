"""Propositions: edit one proposition, its cost of access and its claims; history; import/export."""

from __future__ import annotations

import streamlit as st

from valuegap.model.editing import proposition_data
from valuegap.ui import PageContext, choose_proposition, page_setup, run_page
from valuegap.ui.panels.claim_drafts import claim_drafts
from valuegap.ui.panels.claim_editor import claim_editor
from valuegap.ui.panels.proposition_form import access_table, claims_table, proposition_fields
from valuegap.ui.panels.proposition_history import history
from valuegap.ui.panels.proposition_import_export import proposition_import_export
from valuegap.ui.panels.proposition_save import (
    edit_session,
    load_version,
    newer_version_notice,
    restored,
    save_bar,
    version_caption,
)

ctx = page_setup("Propositions", ":material/edit_note:")


def render(ctx: PageContext) -> None:
    st.title("Propositions")
    top = st.columns([3, 2])
    with top[0]:
        proposition_id = choose_proposition(ctx, label_visibility="collapsed")
    if proposition_id is None:
        return
    current = ctx.store.get(proposition_id)
    session = edit_session(proposition_id, current.version)
    base = ctx.store.revision(proposition_id, session.seen).proposition
    editable = ctx.actor.can_edit

    def on_saved(version: int) -> None:
        load_version(proposition_id, version)

    with top[1]:
        version_caption(current, session)
    if current.archived:
        st.info("This proposition is archived. Unarchive it on the Overview page to list it again.")
    notice, bar = st.container(), st.container()  # filled after the editors: they need what they hold
    tabs = st.tabs(["Proposition", "Claims", "History", "Import / export"])
    with tabs[0]:
        fields, slots = proposition_fields(base, session.widgets, editable)
        access = access_table(base, session.widgets, editable, slots)
    with tabs[1]:
        guided = st.container()
        claims = claims_table(base, session.widgets, editable, slots)
    with tabs[2]:
        history(ctx, proposition_id, session.seen, lambda version: restored(proposition_id, version))
    with tabs[3]:
        proposition_import_export(ctx, current, session.seen, on_saved)

    editor = proposition_data(fields, access, claims)
    with bar:
        save_bar(ctx, session, base, editor, slots)
    with notice:  # after the Save bar, which may have just named the newer version itself
        newer_version_notice(current, session)
    if editable:  # drawn last: they need what the editors hold, and wait while it has unsaved edits
        with guided, st.expander("Add or edit one claim, step by step", icon=":material/edit:"):
            claim_editor(ctx, proposition_id, session.seen, base, editor, on_saved)
        with tabs[1], st.expander("Draft claims from your copy", icon=":material/auto_awesome:"):
            claim_drafts(ctx, proposition_id, session.seen, base, editor, on_saved)


run_page(render, ctx)
