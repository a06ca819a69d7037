"""The Overview's actions on propositions: create one by name, import one from a file, and open,
duplicate, archive, unarchive or delete the one selected in the table."""

from __future__ import annotations

import streamlit as st

from valuegap.model import proposition_files
from valuegap.model.proposition import Price, Proposition
from valuegap.sharing import links
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, flash, page
from valuegap.ui.state_keys import CREATE_PROPOSITION_FORM, IMPORT_PROPOSITION_FORM

EDITOR = page("2_propositions.py").path
NAME_LENGTH = 120


def create_and_import(ctx: PageContext) -> None:
    """Side by side: a new proposition by name, and one from a YAML or JSON file; both open its editor."""
    left, right = st.columns(2)
    with left, st.form(CREATE_PROPOSITION_FORM, clear_on_submit=True):
        name = st.text_input("New proposition", placeholder="e.g. Invoicing for freelancers")
        if st.form_submit_button("Create", icon=":material/add:"):
            if not name.strip():
                st.error("Give the new proposition a name.")
            else:
                new = Proposition(name=name.strip()[:NAME_LENGTH], price=Price(amount=0))
                created = ctx.store.create(new, ctx.actor)
                flash(f"Created “{created.proposition.name}”.")
                st.switch_page(EDITOR, query_params={links.PROPOSITION: str(created.id)})
    with right, st.form(IMPORT_PROPOSITION_FORM, clear_on_submit=True):
        upload = st.file_uploader("Import a proposition file", type=["yaml", "yml", "json"])
        if st.form_submit_button("Import", icon=":material/upload_file:"):
            if upload is None:
                st.error("Choose a YAML or JSON proposition file first.")
            else:
                fmt = proposition_files.format_for(upload.name)
                prop = proposition_files.loads(upload.getvalue(), fmt, source=upload.name)
                created = ctx.store.create(prop, ctx.actor, action="import")
                flash(f"Imported “{prop.name}” with {len(prop.claims)} claims.")
                st.switch_page(EDITOR, query_params={links.PROPOSITION: str(created.id)})


def proposition_actions(ctx: PageContext, item: StoredProposition) -> None:
    """Open for everyone; duplicate, archive or unarchive, and delete for editors."""
    cols = st.columns([1, 1, 1, 1, 3])
    cols[0].page_link(
        EDITOR, label="Open", icon=":material/edit:", query_params={links.PROPOSITION: str(item.id)}
    )
    if not ctx.actor.can_edit:
        return
    name = item.proposition.name
    if cols[1].button("Duplicate", icon=":material/content_copy:"):
        copy = ctx.store.duplicate(item.id, ctx.actor)
        flash(f"Created “{copy.proposition.name}”.")
        st.rerun()
    if item.archived:
        if cols[2].button("Unarchive", icon=":material/unarchive:"):
            ctx.store.set_archived(item.id, False, ctx.actor)
            flash(f"“{name}” is back in the list.")
            st.rerun()
    elif cols[2].button("Archive", icon=":material/archive:", help="Hide it from the list; undo any time"):
        ctx.store.set_archived(item.id, True, ctx.actor)
        flash(f"Archived “{name}”. Turn on “Show archived” to bring it back.")
        st.rerun()
    if cols[3].button("Delete", icon=":material/delete:", type="secondary"):
        _confirm_delete(ctx, item.id, name)


@st.dialog("Delete this proposition?")
def _confirm_delete(ctx: PageContext, proposition_id: int, name: str) -> None:
    st.text(f"“{name}” and its whole revision history will be deleted for good.")
    st.caption("To keep it but hide it, archive it instead.")
    left, right = st.columns(2)
    if left.button("Delete permanently", type="primary", icon=":material/delete_forever:"):
        ctx.store.delete(proposition_id, ctx.actor)
        flash(f"Deleted “{name}”.", icon=":material/delete:")
        st.rerun()
    if right.button("Cancel"):
        st.rerun()
