"""The Propositions page's editing session and Save bar.

The version a user edits is the one they *saw* (DESIGN.md, "Persistence and scale"): it is kept in
session state when the editor first shows it and every save is checked against it, so a save after
someone else's is refused, their changes are shown as sentences and nothing is overwritten. The editor's
widgets are keyed by that version and a generation that Discard and a restore bump, so either draws
the editor afresh from the stored version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
import streamlit as st

from valuegap.errors import ConflictError, InvalidInput
from valuegap.model import proposition_files
from valuegap.model.editing import (
    EditorData,
    not_saved_message,
    problem_sentences,
    route_problems,
    rows_in_words,
)
from valuegap.model.proposition import Proposition, parse_proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.proposition_form import ACCESS_LABELS, CLAIM_LABELS, FIELD_LABELS, ProblemSlots
from valuegap.ui.panels.proposition_history import conflict_text
from valuegap.ui.state_keys import (
    DISCARD_EDITS,
    EDITOR_GENERATION,
    EDITOR_WIDGETS,
    LOAD_THEIRS,
    RELOAD_NEWER,
    SAVE_CONFLICT,
    SAVE_PROPOSITION,
    SEEN_VERSION,
    keyed,
)


@dataclass(frozen=True)
class EditSession:
    """What one visitor is editing: the proposition, the version they saw, their widgets' key prefix."""

    proposition_id: int
    seen: int
    widgets: str


def edit_session(proposition_id: int, current_version: int) -> EditSession:
    """The session's editing state, starting at ``current_version`` the first time a proposition opens."""
    seen = st.session_state.setdefault(keyed(SEEN_VERSION, proposition_id), current_version)
    generation = st.session_state.get(keyed(EDITOR_GENERATION, proposition_id), 0)
    return EditSession(proposition_id, seen, keyed(EDITOR_WIDGETS, proposition_id, seen, generation))


def load_version(proposition_id: int, version: int) -> None:
    """Edit ``version`` from the next run on (after a save, or to see someone else's)."""
    st.session_state[keyed(SEEN_VERSION, proposition_id)] = version
    st.session_state.pop(keyed(SAVE_CONFLICT, proposition_id), None)


def discard_edits(proposition_id: int) -> None:
    """Draw the editor afresh from the stored version on the next run."""
    key = keyed(EDITOR_GENERATION, proposition_id)
    st.session_state[key] = st.session_state.get(key, 0) + 1


def restored(proposition_id: int, version: int) -> None:
    """A restore saved ``version``: edit it, with the editor drawn afresh."""
    load_version(proposition_id, version)
    discard_edits(proposition_id)


def version_caption(current: StoredProposition, session: EditSession) -> None:
    """Which version is shown, and who saved it when."""
    st.caption(
        f"Version {session.seen} · saved {current.updated_at:%Y-%m-%d %H:%M} UTC by "
        f"{escape_markdown(current.updated_by)}"
        if current.version == session.seen
        else f"You are editing version {session.seen}"
    )


def newer_version_notice(current: StoredProposition, session: EditSession) -> None:
    """Says so when someone saved since the version shown, with a button to load theirs."""
    pid = session.proposition_id
    if current.version <= session.seen or keyed(SAVE_CONFLICT, pid) in st.session_state:
        return
    box = st.container(border=True)
    box.warning(
        f"{escape_markdown(current.updated_by)} saved a newer version ({current.version}) while you "
        f"were editing version {session.seen}. Saving now will be refused; reload to see their changes."
    )
    if box.button("Reload their version", key=keyed(RELOAD_NEWER, session.widgets)):
        load_version(pid, current.version)
        st.rerun()


def save_bar(
    ctx: PageContext, session: EditSession, base: Proposition, editor: EditorData, slots: ProblemSlots
) -> None:
    """Save and Discard, the state of the edits, and why a save was refused."""
    if not ctx.actor.can_edit:
        st.info("You have view-only access to this proposition.", icon=":material/visibility:")
        return
    pid = session.proposition_id
    try:
        draft: Proposition | None = parse_proposition(editor.data)
        problems = []
    except InvalidInput as exc:
        draft, problems = None, exc.problems
    dirty = draft != base
    row = st.container(horizontal=True, vertical_alignment="center")  # buttons keep their width
    save = row.button(
        "Save", type="primary", icon=":material/save:", disabled=not dirty, key=SAVE_PROPOSITION
    )
    if row.button("Discard changes", icon=":material/undo:", disabled=not dirty, key=DISCARD_EDITS):
        discard_edits(pid)
        st.rerun()
    row.caption("Unsaved changes" if dirty else "All changes saved")
    if editor.cell_problems:  # shown as soon as typed, not only on Save
        with slots.claims.container():
            st.error(
                "Some cells in the claims table cannot be read; fix them to save:", icon=":material/error:"
            )
            cells = [(p.row, p.column, p.message) for p in editor.cell_problems]
            _problem_table(cells, CLAIM_LABELS)
    if save and (problems or editor.cell_problems):
        _show_problems(problems, editor, slots)
    elif save and draft is not None:
        try:
            saved = ctx.store.save(pid, draft, seen_version=session.seen, actor=ctx.actor)
        except ConflictError as exc:
            their_version = cast(StoredProposition, exc.current).version
            st.session_state[keyed(SAVE_CONFLICT, pid)] = (
                conflict_text(ctx, pid, session.seen, exc),
                their_version,
            )
        else:
            load_version(pid, saved.version)
            flash(f"Saved version {saved.version}.")
            st.rerun()
    conflict = st.session_state.get(keyed(SAVE_CONFLICT, pid))
    if conflict:
        _show_conflict(pid, conflict, draft)


def _problem_table(rows: list[tuple[int, str, str]], labels: dict[str, str]) -> None:
    said = problem_sentences(rows, labels)
    st.dataframe(pd.DataFrame({"What to fix": said}, dtype="object"), hide_index=True, width="stretch")


def _show_problems(problems: list[Any], editor: EditorData, slots: ProblemSlots) -> None:
    """Every problem beside its field or in its table, and one line saying where they all are."""
    routed = route_problems(problems, editor)
    routed.claims += [(p.row, p.column, p.message) for p in editor.cell_problems]
    routed.claims.sort(key=lambda problem: problem[0])
    places = []
    for path, messages in routed.fields.items():
        label = FIELD_LABELS.get(path, path)
        slot = slots.fields.get(path)
        if slot is not None:
            slot.error(escape_markdown(f"{label} {'; '.join(messages)}"))
        places.append(label)
    if routed.access:
        with slots.access.container():
            st.error("Cost of access has problems:")
            _problem_table(routed.access, ACCESS_LABELS)
        places.append(rows_in_words("cost of access", routed.access))
    if routed.claims:
        with slots.claims.container():
            st.error("These claims need fixing before the proposition can be saved:")
            _problem_table(routed.claims, CLAIM_LABELS)
        places.append(rows_in_words("claims table", routed.claims))
    places += routed.general
    count = routed.count + len(editor.cell_problems)
    st.error(escape_markdown(not_saved_message(count, places)), icon=":material/error:")


def _show_conflict(proposition_id: int, conflict: tuple[str, int], draft: Proposition | None) -> None:
    message, their_version = conflict
    box = st.container(border=True)
    box.error(message, icon=":material/sync_problem:")
    cols = box.columns(2)
    if cols[0].button("Load their version", icon=":material/refresh:", key=LOAD_THEIRS):
        load_version(proposition_id, their_version)
        st.rerun()
    if draft is not None:
        cols[1].download_button(
            "Download my unsaved edits (YAML)", proposition_files.dumps(draft),
            file_name="my-unsaved-edits.yaml", mime="application/x-yaml", icon=":material/download:",
            on_click="ignore",
        )  # fmt: skip
