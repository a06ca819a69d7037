"""The Pricing page's survey upload: check a price-research file, then store it.

A Van Westendorp file with negative or non-numeric answers is not refused whole: every such cell is
listed with its row and column, and the editor can import it without those respondents (their rows
are kept in the file and left out of the analysis, as ``details["without_invalid"]`` records). The
check's result waits in session state so that choice survives the rerun its button causes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from valuegap import sources
from valuegap.errors import InvalidInput, ValueGapError
from valuegap.pricing.research import InvalidAnswers
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredDataset, StoredProposition
from valuegap.ui import PageContext, flash
from valuegap.ui.state_keys import (
    SURVEY_FILE,
    SURVEY_INVALID_DOWNLOADS,
    SURVEY_METHOD,
    SURVEY_PENDING,
    SURVEY_SAVE,
    SURVEY_SAVE_WITHOUT,
)
from valuegap.ui.tables import table_downloads
from valuegap.workspace.imports import SURVEY_METHODS, import_survey

if TYPE_CHECKING:
    from streamlit.runtime.uploaded_file_manager import UploadedFile

HOLDS = {
    "van_westendorp": "One row per respondent: too_cheap, cheap, expensive, too_expensive (prices of 0 or "
    "more; a blank answer drops that respondent).",
    "gabor_granger": "One row per respondent with max_price, or one 0/1 column per tested price.",
    "transactions": "One row per transaction with price and quantity.",
}


def survey_upload(ctx: PageContext, stored: StoredProposition) -> None:
    """The upload tab: method, file, check and save; invalid answers listed with the way on."""
    if not ctx.actor.can_edit:
        st.info("You have view-only access: surveys cannot be uploaded.")
        return
    method = st.radio(
        "What the file holds", list(SURVEY_METHODS), format_func=SURVEY_METHODS.__getitem__,
        horizontal=True, key=SURVEY_METHOD,
    )  # fmt: skip
    st.caption(HOLDS[method])
    upload = st.file_uploader(
        "Survey file (CSV, TSV or Excel)", type=["csv", "tsv", "txt", "xlsx"], key=SURVEY_FILE
    )
    if upload is None:
        st.session_state.pop(SURVEY_PENDING, None)
        return
    if st.button("Check and save", type="primary", key=SURVEY_SAVE):
        st.session_state.pop(SURVEY_PENDING, None)
        _save(ctx, stored, upload, method, without_invalid=False)
    pending = st.session_state.get(SURVEY_PENDING)
    if pending is not None and pending[:2] == (upload.file_id, method):
        _invalid(ctx, stored, upload, method, pending[2])


def _save(
    ctx: PageContext, stored: StoredProposition, upload: UploadedFile, method: str, *, without_invalid: bool
) -> None:
    try:
        raw = sources.read_table(upload.getvalue(), upload.name)
        saved = import_survey(
            ctx.store, raw, method, name=upload.name.rsplit(".", 1)[0], proposition_id=stored.id,
            actor=ctx.actor, without_invalid=without_invalid,
        )  # fmt: skip
    except InvalidAnswers as error:
        st.session_state[SURVEY_PENDING] = (upload.file_id, method, error)  # shown below, with the way on
        return
    except ValueGapError as error:
        _show_error(error)
        return
    st.session_state.pop(SURVEY_PENDING, None)
    flash(saved_message(saved))
    st.rerun()


def saved_message(saved: StoredDataset) -> str:
    """What was stored, with the respondents the analysis uses and leaves out."""
    details = saved.details
    if details.get("method") != "van_westendorp":
        return f"Saved {saved.label}."
    parts = [
        f"{details.get('respondents', 0)} respondents used",
        f"{details.get('dropped_incomplete', 0)} dropped for a blank answer",
        f"{details.get('dropped_inconsistent', 0)} for answers out of order",
    ]
    if details.get("invalid_respondents"):
        parts.append(f"{details['invalid_respondents']} with invalid answers left out")
    return f"Saved {saved.label}: {', '.join(parts)}."


def _show_error(error: ValueGapError) -> None:
    """The error, and every problem of an invalid file in a table (the message names only the first)."""
    st.error(escape_markdown(error.message))
    if isinstance(error, InvalidInput) and len(error.problems) > 1:
        problems = pd.DataFrame(
            {"where": [p.path for p in error.problems], "problem": [p.message for p in error.problems]}
        )
        st.dataframe(problems, hide_index=True, width="stretch")


def _invalid(
    ctx: PageContext, stored: StoredProposition, upload: UploadedFile, method: str, error: InvalidAnswers
) -> None:
    st.error(escape_markdown(error.summary))
    cells = error.cells.rename(columns={"row": "row in the file"})
    st.dataframe(cells, hide_index=True, width="stretch")
    table_downloads(cells, "invalid answers", key=SURVEY_INVALID_DOWNLOADS)
    people = error.respondents
    st.caption(
        "Rows count the header as row 1. Correct these cells and upload the file again, or import it "
        f"without the {people} respondent{'s' if people != 1 else ''} who gave them: their rows stay in "
        "the stored file and are left out of the analysis."
    )
    label = f"Import without the {people} respondent{'s' if people != 1 else ''} with invalid answers"
    if st.button(label, key=SURVEY_SAVE_WITHOUT, icon=":material/playlist_remove:"):
        _save(ctx, stored, upload, method, without_invalid=True)
