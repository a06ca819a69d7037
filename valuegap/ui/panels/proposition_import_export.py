"""The Propositions page's Import / export tab: the saved version as a proposition file (the format
the CLI reads), and, for editors, replacing the proposition with a file's content as a new version."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from valuegap.errors import ConflictError, InvalidInput
from valuegap.model import proposition_files
from valuegap.model.identifiers import slug
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.proposition_history import conflict_text
from valuegap.ui.state_keys import REPLACE_FROM_FILE_FORM


def proposition_import_export(
    ctx: PageContext, current: StoredProposition, seen: int, on_saved: Callable[[int], None]
) -> None:
    """Export buttons, and the replace form (saved with the version ``seen``; ``on_saved`` is told the
    new version)."""
    prop = current.proposition
    stem = slug(prop.name) or "proposition"
    st.markdown(
        "**Export** the saved version as a proposition file (the file format other tools and the "
        "command line read)"
    )
    cols = st.columns(4)
    cols[0].download_button(
        "YAML", proposition_files.dumps(prop, "yaml"), f"{stem}.yaml", "application/x-yaml",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    cols[1].download_button(
        "JSON", proposition_files.dumps(prop, "json"), f"{stem}.json", "application/json",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    if not ctx.actor.can_edit:
        return
    st.markdown("**Replace from a file**: saved as a new version, so it can be undone from History")
    with st.form(REPLACE_FROM_FILE_FORM, clear_on_submit=True):
        upload = st.file_uploader("Proposition file", type=["yaml", "yml", "json"])
        if not st.form_submit_button("Replace with the file's content", icon=":material/upload_file:"):
            return
    if upload is None:
        st.error("Choose a YAML or JSON proposition file first.")
        return
    try:
        new = proposition_files.loads(
            upload.getvalue(), proposition_files.format_for(upload.name), source=upload.name
        )
    except InvalidInput as exc:
        st.error(escape_markdown(exc.in_words), icon=":material/error:")
        return
    try:
        saved = ctx.store.save(current.id, new, seen_version=seen, actor=ctx.actor, action="import")
    except ConflictError as exc:
        st.error(conflict_text(ctx, current.id, seen, exc), icon=":material/sync_problem:")
        return
    on_saved(saved.version)
    flash(f"Replaced with {upload.name}: version {saved.version}.")
    st.rerun()
