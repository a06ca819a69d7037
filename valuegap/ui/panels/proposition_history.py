"""The Propositions page's History tab: every version with what changed in sentences, a comparison of
any two versions, and restore; and a refused save's message, which names the versions in between.

The comparison starts at the two newest versions every time a version is added (a save, a restore, an
import): its choices are keyed by the newest version, so a choice made earlier never pins it to old
ones. Changes are the sentences of :func:`valuegap.model.revisions.sentences`, as lists that wrap; user text
goes through ``escape_markdown``, so it is never read as markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import streamlit as st

from valuegap.errors import ConflictError
from valuegap.model.revisions import action_in_words, conflict_in_words, diff_propositions, sentences
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, flash
from valuegap.ui.state_keys import HISTORY_FROM, HISTORY_RESTORE, HISTORY_TO, keyed


def _bullets(said: list[str]) -> str:
    """Sentences as a markdown list that wraps (a table would cut long ones); user text escaped."""
    return "\n".join(f"- {escape_markdown(sentence)}" for sentence in said)


def conflict_text(ctx: PageContext, proposition_id: int, seen: int, error: ConflictError) -> str:
    """A refused save in words, as markdown for ``st.error``: who saved since the version ``seen``,
    when, and every change they made as a sentence."""
    authors = [r.changed_by for r in ctx.store.revisions(proposition_id) if r.version > seen]
    current = cast(StoredProposition, error.current)
    headline = escape_markdown(conflict_in_words(authors, current.version, current.updated_at, seen))
    said = sentences(error.changes)
    return headline + (f" Their changes:\n\n{_bullets(said)}" if said else "")


def history(ctx: PageContext, proposition_id: int, seen: int, on_restored: Callable[[int], None]) -> None:
    """The tab. ``seen`` is the version the editor shows (a restore is checked against it);
    ``on_restored`` is told the version a restore saved."""
    revisions = ctx.store.revisions(proposition_id)  # newest first
    with st.container(height=min(120 + 90 * len(revisions), 420)):
        for index, revision in enumerate(revisions):
            previous = revisions[index + 1].proposition if index + 1 < len(revisions) else None
            said = sentences(diff_propositions(previous, revision.proposition)) if previous else []
            st.markdown(
                f"**Version {revision.version}** · {revision.changed_at:%Y-%m-%d %H:%M} UTC · "
                f"{escape_markdown(revision.changed_by)} · "
                f"{escape_markdown(action_in_words(revision.action, revision.summary))}"
            )
            if said:
                st.markdown(_bullets(said))
            else:
                st.caption("First version" if previous is None else "No changes")
    versions = [revision.version for revision in revisions]
    if len(versions) < 2:
        st.caption("Compare and restore appear once there is more than one version.")
        return
    by_version = {revision.version: revision for revision in revisions}
    newest = versions[0]
    st.markdown("**Compare versions**")
    compare = st.columns(2)
    older = compare[0].selectbox(
        "From version", versions, index=1, key=keyed(HISTORY_FROM, proposition_id, newest)
    )
    newer = compare[1].selectbox(
        "To version", versions, index=0, key=keyed(HISTORY_TO, proposition_id, newest)
    )
    changes = diff_propositions(by_version[older].proposition, by_version[newer].proposition)
    if changes:
        with st.container(border=True):
            st.markdown(_bullets(sentences(changes)))
    else:
        st.caption("These two versions are the same.")
    if not ctx.actor.can_edit:
        return
    st.markdown("**Restore**")
    cols = st.columns([2, 2, 3], vertical_alignment="center")
    target = cols[0].selectbox(
        "Version to restore", versions[1:], key=keyed(HISTORY_RESTORE, proposition_id, newest),
        label_visibility="collapsed",
    )  # fmt: skip
    if cols[1].button(f"Restore version {target}", icon=":material/history:"):
        try:
            restored = ctx.store.restore(proposition_id, target, seen_version=seen, actor=ctx.actor)
        except ConflictError as exc:
            st.error(conflict_text(ctx, proposition_id, seen, exc), icon=":material/sync_problem:")
            return
        on_restored(restored.version)
        flash(f"Restored version {target} as version {restored.version}.")
        st.rerun()
    cols[2].caption("A restore is saved as a new version, so it can be undone the same way.")
