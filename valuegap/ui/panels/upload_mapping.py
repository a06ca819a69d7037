"""An uploaded table on its way into the workspace: what was read, what each column means, the rows
checked (kept, rejected and why) and the import as a new version of a named dataset.

Nothing is stored before the editor presses Import, and Import is offered only for a mapping whose
rows were checked: the check's result waits in session state with the file and mapping it was made
for, so a changed mapping asks for a new check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from valuegap import sources
from valuegap.reporting.formatting import escape_markdown
from valuegap.sources.mapping import ROLE_WORDS, Kind
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.dataset_list import linked_message
from valuegap.ui.panels.metric_names import metric_names
from valuegap.ui.state_keys import (
    CHECK_ROWS,
    DATASET_NAME,
    GO_TO_ANALYSIS,
    IMPORT_ROWS,
    LAST_IMPORT,
    MAPPING,
    OFFER_CURRENT,
    REJECTED_ROWS,
    ROWS_CHECKED,
    UPLOAD_ROUND,
    USE_EARLIER_IMPORT,
    keyed,
)
from valuegap.workspace.imports import dataset_kind, import_table, remembered_mapping

KIND_LABELS: dict[Kind, str] = {
    "long": "Outcomes, long form (one row per measurement)",
    "wide": "Outcomes, wide form (one column per metric)",
    "customers": "Customer table (segment, churn, revenue, survey items)",
}
KIND_ROLES: dict[Kind, tuple[str, ...]] = {
    "long": sources.ROLES[:6],
    "wide": ("customer_id", "segment", "offer", "observed_at"),
    "customers": ("customer_id", "segment", "churned", "revenue", "price", "tenure"),
}
"""The columns each kind of data can map, in the order the mapping step asks for them."""
ROLE_HELP = {
    "customer_id": "Who was measured",
    "metric": "What was measured (long form)",
    "value": "The measurement (long form)",
    "segment": "Customer segment, for the segment view",
    "offer": "Whose customer: our offer or a rival's (for comparative and parity claims)",
    "observed_at": "When it was measured, for the period filter",
    "churned": "1 = the customer left",
    "revenue": "Revenue per period",
    "price": "The customer's price per period",
    "tenure": "Periods with us",
}
DELIMITERS = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
NONE = "—"


def read_summary(raw: sources.RawTable) -> str:
    """How the file was read, in words: "outcomes.csv: 1,200 rows · 4 columns · CSV · delimiter comma"."""
    details = [f"{raw.rows:,} rows", f"{len(raw.frame.columns)} columns", raw.format.upper()]
    if raw.encoding:
        details.append(raw.encoding)
    if raw.delimiter:
        details.append("delimiter " + DELIMITERS.get(raw.delimiter, raw.delimiter))
    if raw.decimal == ",":
        details.append("decimal comma")
    return f"{raw.file_name}: " + " · ".join(details)


def check_and_import(
    ctx: PageContext, proposition_id: int, raw: sources.RawTable, metrics: Collection[str]
) -> None:
    """The read table previewed, its columns mapped, its rows checked and, on Import, stored as a
    dataset of the proposition (``metrics``: the claims' metrics; rows of others are rejected)."""
    st.caption(escape_markdown(read_summary(raw)))
    _earlier_import(ctx, proposition_id, raw)
    st.dataframe(raw.frame.head(20), hide_index=True, width="stretch")
    remembered = remembered_mapping(ctx.store, raw)
    if remembered is not None:
        st.caption(":material/auto_awesome: Mapped like the last file with these columns.")
    start = remembered or sources.propose_mapping(raw)
    mapping = mapping_editor(raw, start)
    problems = sources.check_mapping(raw, mapping)
    for problem in problems:
        st.error(escape_markdown(problem.in_words))
    if problems:
        return
    # the file's metric names that no claim measures: counted as a claim metric, left out or renamed
    mapping = metric_names(ctx, proposition_id, raw, mapping, metrics, start.metric_renames)
    name = st.text_input(
        "Dataset name", value=raw.file_name.rsplit(".", 1)[0], key=keyed(DATASET_NAME, raw.content_hash[:8]),
        help="Uploads with the same name become versions of one dataset.",
    )  # fmt: skip
    known = set(metrics) or None
    signature = (raw.content_hash, repr(mapping.to_dict()))
    if st.button("Check rows", icon=":material/fact_check:", key=CHECK_ROWS):
        bar = st.progress(0.0, "Checking rows…")
        result = sources.apply_mapping(raw, mapping, known_metrics=known, progress=_progress(bar))
        bar.empty()
        st.session_state[ROWS_CHECKED] = (signature, result)
    checked = st.session_state.get(ROWS_CHECKED)
    if checked is None or checked[0] != signature:
        st.caption("Check the rows to see what will be kept and rejected before anything is stored.")
        return
    report = checked[1].report
    validation_report(report)
    label = f"Import {report.rows_kept:,} rows as '{name.strip()}'"
    if st.button(label, type="primary", icon=":material/save:", key=IMPORT_ROWS):
        _import(ctx, proposition_id, raw, mapping, name, known)


def _earlier_import(ctx: PageContext, proposition_id: int, raw: sources.RawTable) -> None:
    """Say when this exact file was imported before, and offer it to this proposition."""
    existing = ctx.store.dataset_by_hash(raw.content_hash)
    if existing is None:
        return
    st.info(
        f"This exact file was imported before as **{escape_markdown(existing.label)}** on "
        f"{existing.created_at:%Y-%m-%d} by {escape_markdown(existing.created_by)}."
    )
    if existing.proposition_id != proposition_id and st.button(
        "Use it for this proposition", key=USE_EARLIER_IMPORT
    ):
        ctx.store.link_dataset(existing.id, proposition_id, ctx.actor)
        flash(linked_message(ctx, existing, proposition_id))
        st.rerun()


def _import(
    ctx: PageContext, proposition_id: int, raw: sources.RawTable, mapping: sources.Mapping, name: str,
    known: set[str] | None,
) -> None:  # fmt: skip
    bar = st.progress(0.0, "Importing…")
    stored = import_table(
        ctx.store, raw, mapping, name=name, proposition_id=proposition_id, actor=ctx.actor,
        known_metrics=known, progress=_progress(bar),
    )  # fmt: skip
    bar.empty()
    st.session_state.pop(ROWS_CHECKED, None)
    dataset = stored.dataset
    message = f"Imported {dataset.label}: {dataset.rows_kept:,} rows kept."
    current = ctx.store.current_dataset(proposition_id, dataset.kind)
    if current is not None and current.id == dataset.id:  # the first of its kind here
        message += " It is this proposition's current evidence: the pages analyse it."
    else:
        st.session_state[OFFER_CURRENT] = (proposition_id, dataset.id)
    flash(message)
    outcomes = dataset.id if dataset_kind(mapping) == "outcomes" else None
    if outcomes is not None:
        st.session_state[GO_TO_ANALYSIS] = outcomes
    # the stored file is not offered again: a new uploader key empties the uploader
    st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
    st.session_state[LAST_IMPORT] = (proposition_id, "file", escape_markdown(message), outcomes)
    st.rerun()


def _progress(bar: DeltaGenerator) -> Callable[[float, str], None]:
    """A progress callback moving ``bar`` (a fraction beyond 1 shows as done)."""

    def show(fraction: float, message: str) -> None:
        bar.progress(min(fraction, 1.0), message)

    return show


def mapping_editor(raw: sources.RawTable, proposed: sources.Mapping) -> sources.Mapping:
    """What each column means: the kind of data, a column per role and (wide form) the metric columns,
    opening on ``proposed``."""
    columns = [str(c) for c in raw.frame.columns]
    prefix = keyed(MAPPING, raw.content_hash[:8])
    st.markdown("**What each column means**")
    kinds: list[Kind] = list(KIND_LABELS)
    kind = st.radio(
        "Kind of data", kinds, index=kinds.index(proposed.kind), format_func=KIND_LABELS.__getitem__,
        key=keyed(prefix, "kind"), horizontal=True,
    )  # fmt: skip
    roles: dict[str, str] = {}
    grid = st.columns(3)
    options = [NONE, *columns]
    for index, role in enumerate(KIND_ROLES[kind]):
        current = proposed.roles.get(role, NONE)
        choice = grid[index % 3].selectbox(
            ROLE_WORDS[role], options, index=options.index(current) if current in options else 0,
            key=keyed(prefix, kind, role), help=ROLE_HELP[role],
        )  # fmt: skip
        if choice != NONE:
            roles[role] = choice
    metric_columns: tuple[str, ...] = ()
    if kind == "wide":
        free = [c for c in columns if c not in set(roles.values())]
        default = [c for c in proposed.metric_columns if c in free]
        metric_columns = tuple(
            st.multiselect("Metric columns", free, default=default, key=keyed(prefix, "metrics"))
        )
    survey = tuple(proposed.survey_items) if kind == "customers" else ()
    return sources.Mapping(kind=kind, roles=roles, metric_columns=metric_columns, survey_items=survey)


def validation_report(report: sources.ValidationReport) -> None:
    """Rows read, kept and rejected; repeated rows said as such; the rejections and their download."""
    cols = st.columns(3)
    cols[0].metric("Rows read", f"{report.rows_read:,}")
    cols[1].metric("Kept", f"{report.rows_kept:,}")
    cols[2].metric("Rejected", f"{report.rows_rejected:,}")
    for note in report.notes:  # rows repeating an earlier row exactly: kept or dropped, never silently
        st.info(escape_markdown(note), icon=":material/content_copy:")
    if not report.rows_rejected:
        st.success("Every row passed the checks.")
        return
    if report.rows_rejected > report.repeats_dropped:  # double uploads need no fixing
        st.warning("Rejected rows are left out; fix them in the file and upload it again to include them.")
    if report.rejections["reason"].str.startswith("unknown metric").any():
        st.caption(
            "Rows of a metric no claim measures are rejected: under Metric names above, say which claim "
            "metric they are, or rename the claim metric to the file's name."
        )
    st.dataframe(report.summary(), hide_index=True, width="stretch")
    st.dataframe(report.rejections.head(500), hide_index=True, width="stretch")
    st.download_button(
        "Download rejected rows (CSV)", report.to_csv(), "rejected_rows.csv", "text/csv",
        icon=":material/download:", key=REJECTED_ROWS, on_click="ignore",
    )  # fmt: skip
