"""The Propositions page's History tab: every version with what changed in sentences, a comparison of
any two versions, and restore.

The comparison starts at the two newest versions every time a version is added (a save, a restore, an
import): its choices are keyed by the newest version, so a choice made earlier never pins it to old
ones. Changes are the sentences of :func:`valuegap.model.revisions.sentences`, as lists that wrap; user text
goes through ``escape_markdown``, so it is never read as markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from valuegap.model.revisions import Change, diff_propositions, sentences
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext, flash

ACTION_WORDS = {
    "create": "Created",
    "save": "Edited",
    "restore": "Restored",
    "import": "Imported",
    "duplicate": "Copied",
}


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """One sentence per change, in a table (so user text is never read as markdown)."""
    return pd.DataFrame({"What changed": sentences(changes)}, dtype="object")


def _bullets(said: list[str]) -> None:
    """Sentences as a list that wraps (a table would cut long ones); user text escaped."""
    st.markdown("\n".join(f"- {escape_markdown(sentence)}" for sentence in said))


def history(ctx: PageContext, proposition_id: int, seen: int, on_restored: Callable[[int], None]) -> None:
    revisions = ctx.store.revisions(proposition_id)  # newest first
    with st.container(height=min(120 + 90 * len(revisions), 420)):
        for index, revision in enumerate(revisions):
            previous = revisions[index + 1].proposition if index + 1 < len(revisions) else None
            said = sentences(diff_propositions(previous, revision.proposition)) if previous else []
            what = ACTION_WORDS.get(revision.action, revision.action.capitalize())
            if revision.action == "restore":
                what = revision.summary[:1].upper() + revision.summary[1:]
            st.markdown(
                f"**Version {revision.version}** · {revision.changed_at:%Y-%m-%d %H:%M} UTC · "
                f"{escape_markdown(revision.changed_by)} · {escape_markdown(what)}"
            )
            if said:
                _bullets(said)
            else:
                st.caption("First version" if previous is None else "No changes")
    versions = [revision.version for revision in revisions]
    if len(versions) < 2:
        st.caption("Compare and restore appear once there is more than one version.")
        return
    by_version = {revision.version: revision for revision in revisions}
    newest = versions[0]
    st.markdown("**Compare versions**")
    cols = st.columns(2)
    older = cols[0].selectbox("From version", versions, index=1, key=f"hist_from_{proposition_id}_{newest}")
    newer = cols[1].selectbox("To version", versions, index=0, key=f"hist_to_{proposition_id}_{newest}")
    changes = diff_propositions(by_version[older].proposition, by_version[newer].proposition)
    if changes:
        with st.container(border=True):
            _bullets(sentences(changes))
    else:
        st.caption("These two versions are the same.")
    if not ctx.actor.can_edit:
        return
    st.markdown("**Restore**")
    cols = st.columns([2, 2, 3], vertical_alignment="center")
    target = cols[0].selectbox(
        "Version to restore", versions[1:], key=f"hist_restore_{proposition_id}_{newest}",
        label_visibility="collapsed",
    )  # fmt: skip
    if cols[1].button(f"Restore version {target}", icon=":material/history:"):
        restored = ctx.store.restore(proposition_id, target, seen_version=seen, actor=ctx.actor)
        on_restored(restored.version)
        flash(f"Restored version {target} as version {restored.version}.")
        st.rerun()
    cols[2].caption("A restore is saved as a new version, so it can be undone the same way.")
