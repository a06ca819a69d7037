"""Reading an uploaded table: in a bounded worker (:mod:`valuegap.sources.bounded`), with a progress bar
and a Cancel button beside it, and a choice of encoding for a file that mixes UTF-8 with another.

The read result waits in session state, so reruns while mapping do not parse the file again. Pressing
Cancel while the file is read makes Streamlit stop the running script at its next progress update; the
bounded read kills its worker on the way out, and the button's callback notes the cancel, so the rerun
says so instead of reading the file again.
"""

from __future__ import annotations

import streamlit as st

from valuegap import sources
from valuegap.reporting.formatting import escape_markdown
from valuegap.sources.bounded import LIMITS, Limits, read_bounded
from valuegap.sources.delimited import ENCODINGS, MixedEncoding
from valuegap.ui.state_keys import (
    READ_AGAIN,
    READ_CANCEL,
    READ_CANCELLED,
    READ_ENCODING,
    READ_ENCODING_CHOICE,
    READ_MIXED,
    READ_RAW,
    ROWS_CHECKED,
    keyed,
)


def _encoding_key(digest: str) -> str:
    return keyed(READ_ENCODING, digest[:16])


def _chosen(digest: str) -> None:
    # a widget's state goes when the widget is not drawn (after the read): the choice is kept apart
    st.session_state[_encoding_key(digest)] = st.session_state[
        keyed(_encoding_key(digest), READ_ENCODING_CHOICE)
    ]


def _cancel(digest: str) -> None:
    st.session_state[READ_CANCELLED] = digest


def read_upload(data: bytes, file_name: str, *, limits: Limits = LIMITS) -> sources.RawTable | None:
    """The upload read once per session, or None when there is nothing to show yet: the read was
    cancelled, or the file mixes encodings and the user has not chosen (this panel says so and offers
    the way on). Errors of the file itself are raised as :class:`~valuegap.errors.ValueGapError`."""
    digest = sources.content_hash(data)
    encoding = st.session_state.get(_encoding_key(digest))
    cached = st.session_state.get(READ_RAW)
    if cached is not None and cached[:3] == (digest, file_name, encoding):
        return cached[3]
    if st.session_state.get(READ_CANCELLED) == digest:
        st.info(f"Reading {escape_markdown(file_name)} was cancelled.", icon=":material/block:")
        if st.button("Read it again", icon=":material/refresh:", key=READ_AGAIN):
            st.session_state.pop(READ_CANCELLED, None)
            st.rerun()
        return None
    mixed = st.session_state.get(READ_MIXED)
    if mixed is not None and mixed[0] == digest and encoding is None:
        _choose_encoding(mixed[1], digest)
        return None
    try:
        raw = _read(data, file_name, digest, encoding, limits)
    except MixedEncoding as problem:
        st.session_state[READ_MIXED] = (digest, problem)
        _choose_encoding(problem, digest)
        return None
    st.session_state.pop(READ_MIXED, None)
    st.session_state[READ_RAW] = (digest, file_name, encoding, raw)
    st.session_state.pop(ROWS_CHECKED, None)
    return raw


def _read(data: bytes, file_name: str, digest: str, encoding: str | None, limits: Limits) -> sources.RawTable:
    shown = escape_markdown(file_name)
    status = st.empty()
    with status.container():
        bar = st.progress(0.0, text=f"Reading {shown}…")
        st.button(
            "Cancel", icon=":material/close:", key=READ_CANCEL, on_click=_cancel, args=(digest,),
            help="Stop reading this file",
        )  # fmt: skip

    def tick(seconds: float) -> None:
        # a progress update is where Streamlit stops this script when Cancel was pressed meanwhile
        bar.progress(
            min(seconds / limits.seconds, 1.0),
            text=f"Reading {shown}… {seconds:.0f} s (a read is stopped after {limits.seconds:.0f} s)",
        )

    try:
        # one update a second: each is a message to the browser, and Cancel acts at the next one
        return read_bounded(data, file_name, encoding=encoding, limits=limits, tick=tick, poll=1.0)
    finally:
        status.empty()


def _choose_encoding(problem: MixedEncoding, digest: str) -> None:
    """Say which rows are not UTF-8 and let the user choose how the file is read."""
    st.warning(escape_markdown(problem.message), icon=":material/translate:")
    if len(problem.rows) > 1:
        with st.expander(f"All {len(problem.rows):,} rows that are not UTF-8"):
            st.text(", ".join(str(row) for row in problem.rows))
    st.radio(
        "Read the file as",
        list(ENCODINGS),
        index=None,
        format_func=ENCODINGS.__getitem__,
        key=keyed(_encoding_key(digest), READ_ENCODING_CHOICE),
        on_change=_chosen,
        args=(digest,),
        help="UTF-8 keeps every other row as it is; Windows-1252 suits a file saved by an older Excel or "
        "Windows program, where 'café' in UTF-8 rows would turn into 'cafÃ©'.",
    )
