"""Connect a source: outcome data read where it lives, through a named connection.

An editor picks a connection by name (its URL lives in secrets.toml or the environment, never here),
then a table or one SELECT, maps its columns on a 20-row preview, says which claim metric each of the
source's metric names is (the upload's metric names step, on labels counted in the source's engine),
checks the mapping on the source itself (counts per reason and offending rows, computed in its engine)
and adds it as a live dataset.
Each live dataset of the proposition has a Refresh button: a refresh is a new version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

import pandas as pd
import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sources import live as live_sources
from valuegap.sources.mapping import SYNONYMS, Kind, Mapping
from valuegap.store import StoredDataset
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.metric_names import metric_names_of
from valuegap.ui.state_keys import (
    LIVE_ADD,
    LIVE_CHECK,
    LIVE_CHECK_BUTTON,
    LIVE_CONNECTION,
    LIVE_FORM,
    LIVE_HOW,
    LIVE_KIND,
    LIVE_METRIC_LABELS,
    LIVE_METRICS,
    LIVE_NAME,
    LIVE_REFRESH,
    LIVE_SOURCE,
    keyed,
)

NONE = "—"
LONG_ROLES = ("customer_id", "metric", "value", "segment", "offer", "observed_at")
WIDE_ROLES = ("customer_id", "segment", "offer", "observed_at")
HELP = {
    "customer_id": "Who was measured",
    "metric": "What was measured (long form)",
    "value": "The measurement (long form)",
    "segment": "Customer segment, for the segment view",
    "offer": "Whose customer: our offer or a rival's (for comparative and parity claims)",
    "observed_at": "When it was measured, for the period filter",
}
EXAMPLE = '[connections.warehouse]\nurl = "postgresql://reader:PASSWORD@db.example.com:5432/sales"'


def connection_secrets() -> dict[str, Any]:
    """``[connections]`` of Streamlit's secrets (empty when there is no secrets.toml)."""
    try:
        section = st.secrets.get("connections") or {}
    except Exception:  # no secrets.toml at all: connections may still come from the environment
        return {}
    return {str(name): dict(entry) if hasattr(entry, "keys") else entry for name, entry in section.items()}


@st.cache_resource(max_entries=8, ttl=600, show_spinner="Connecting…")
def _backend(name: str, url_digest: str, store_url: str, _url: str) -> live_sources.SourceBackend:
    # keyed by name and a digest of the URL: a changed secret connects anew, the URL is no cache key
    return live_sources.connect(_url, name=name, workspace=[store_url])


def _open(ctx: PageContext, connection: live_sources.Connection) -> live_sources.SourceBackend:
    digest = hashlib.sha256(connection.url.encode()).hexdigest()
    store_url = ctx.store.engine.url.render_as_string(hide_password=False)
    return _backend(connection.name, digest, store_url, connection.url)


def render(ctx: PageContext, proposition_id: int, metrics: Collection[str]) -> None:
    """The "Connect a source" tab: live datasets with Refresh, then connecting a new one."""
    _live_datasets(ctx, proposition_id)
    try:
        found = live_sources.connections(connection_secrets())
    except ValueGapError as exc:
        st.error(escape_markdown(exc.message))
        return
    if not found:
        st.markdown(
            ":material/cable: **No connections yet.** An administrator adds one to "
            "`.streamlit/secrets.toml` (its URL, password included, stays there: the workbench stores only "
            "the connection's name), or sets the "
            "environment variable `VALUEGAP_SOURCE_<NAME>` to the URL, then restarts the app. DuckDB "
            "files, PostgreSQL and Spark are supported."
        )
        st.code(EXAMPLE, language="toml")
        return
    names = list(found)
    name = st.selectbox(
        "Connection", names, format_func=lambda n: found[n].label, key=LIVE_CONNECTION,
        help="Named connections from secrets.toml or VALUEGAP_SOURCE_<NAME>; passwords are never shown.",
    )  # fmt: skip
    how = st.radio(
        "Read", ["table", "query"], horizontal=True, key=LIVE_HOW,
        format_func={"table": "A table", "query": "A SQL query"}.__getitem__,
    )  # fmt: skip
    with st.form(LIVE_FORM):
        if how == "table":
            table, query = st.text_input("Table", placeholder="outcomes or schema.outcomes"), None
        else:
            table = None
            query = st.text_area(
                "SQL query", placeholder="SELECT customer_id, metric, value, segment FROM outcomes",
                help="One SELECT; it runs in the source's engine and only aggregates come back.",
            )  # fmt: skip
        previewed = st.form_submit_button("Preview", icon=":material/table_view:")
    if previewed:
        try:
            backend = _open(ctx, found[name])
            frame = live_sources.preview(backend, live_sources.source_table(backend, table, query))
        except ValueGapError as exc:
            st.session_state.pop(LIVE_SOURCE, None)
            st.error(escape_markdown(exc.message))
            return
        st.session_state[LIVE_SOURCE] = {"connection": name, "table": table, "query": query, "preview": frame}
        st.session_state.pop(LIVE_CHECK, None)
    state = st.session_state.get(LIVE_SOURCE)
    if state is None or state["connection"] != name:
        st.caption("Preview a table or query to map its columns.")
        return
    _map_check_and_add(ctx, proposition_id, found[name], state, metrics)


def _map_check_and_add(
    ctx: PageContext, proposition_id: int, connection: live_sources.Connection, state: dict[str, Any],
    metrics: Collection[str],
) -> None:  # fmt: skip
    frame: pd.DataFrame = state["preview"]
    what = f"table {state['table']}" if state["table"] else "the query"
    st.caption(escape_markdown(f"{connection.name}: {what}, first {len(frame)} rows"))
    st.dataframe(frame.head(live_sources.PREVIEW_ROWS), hide_index=True, width="stretch")
    mapping = _mapping_editor([str(c) for c in frame.columns])
    known = tuple(sorted(metrics)) or None
    if known is not None:
        # the source's metric names that no claim measures: counted as a claim metric, left out or renamed
        labels = _metric_labels(ctx, connection, state, mapping)
        if labels is None:
            return
        read = hashlib.sha256(repr((connection.name, state["table"], state["query"])).encode()).hexdigest()
        mapping = metric_names_of(
            ctx, proposition_id, labels, mapping, known, _remembered(ctx, proposition_id, connection, state),
            key=read[:8], where="source",
        )  # fmt: skip
        st.caption(
            "Rows of metrics no claim of this proposition measures are left out: "
            + escape_markdown(", ".join(known))
        )
    signature = (connection.name, state["table"], state["query"], repr(mapping.to_dict()), known)
    if st.button("Check the mapping on the source", icon=":material/fact_check:", key=LIVE_CHECK_BUTTON):
        try:
            backend = _open(ctx, connection)
            rows = live_sources.source_table(backend, state["table"], state["query"])
            with st.spinner("Checking every row in the source…"):
                check = live_sources.check_mapping(backend, rows, mapping, known)
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        st.session_state[LIVE_CHECK] = (signature, check)
    checked = st.session_state.get(LIVE_CHECK)
    if checked is None or checked[0] != signature:
        st.caption("Check the mapping to see what will be kept and left out before anything is added.")
        return
    check = checked[1]
    cols = st.columns(3)
    cols[0].metric("Rows", f"{check.rows:,}")
    cols[1].metric("Kept", f"{check.kept:,}")
    cols[2].metric("Left out", f"{check.rejected:,}")
    if check.counts:
        st.warning(
            "Rows with these problems are left out of every analysis; fix them in the source to include them."
        )
        st.dataframe(check.summary(), hide_index=True, width="stretch")
        st.dataframe(check.offending, hide_index=True, width="stretch")
    else:
        st.success("Every row passed the checks.")
    if check.kept == 0:
        st.error("The mapping keeps no rows; check the columns and the metrics.")
        return
    dataset_name = st.text_input(
        "Dataset name", value=state["table"] or f"{connection.name} query", key=LIVE_NAME,
        help="Refreshes become versions of this dataset.",
    )  # fmt: skip
    if st.button("Add as live source", type="primary", icon=":material/cable:", key=LIVE_ADD):
        source = live_sources.LiveSource(connection.name, state["table"], state["query"], mapping, known)
        try:
            with st.spinner("Reading the source's aggregates…"):
                stored = live_sources.add_live_dataset(
                    ctx.store, source, name=dataset_name, proposition_id=proposition_id, actor=ctx.actor,
                    secrets=connection_secrets(),
                )  # fmt: skip
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        for key in (LIVE_SOURCE, LIVE_CHECK, LIVE_METRIC_LABELS):
            st.session_state.pop(key, None)
        message = f"Added {stored.label} as a live source: {stored.rows_kept:,} rows, read in its engine."
        current = ctx.store.current_dataset(proposition_id, "outcomes")
        if current is not None and current.id == stored.id:
            message += " It is this proposition's current evidence: the pages analyse it."
        else:
            message += " Use it as current evidence under Datasets to analyse it."
        flash(message)
        st.rerun()


def _metric_labels(
    ctx: PageContext, connection: live_sources.Connection, state: dict[str, Any], mapping: Mapping
) -> dict[str, int] | None:
    """The source's metric labels and their rows, counted in its engine once per source and metric
    column(s); {} while the mapping is incomplete (the check says what is missing), None (and the
    error shown) when the source fails."""
    signature = (
        connection.name, state["table"], state["query"], mapping.kind, mapping.roles.get("customer_id"),
        mapping.roles.get("metric"), mapping.metric_columns,
    )  # fmt: skip
    cached = st.session_state.get(LIVE_METRIC_LABELS)
    if cached is not None and cached[0] == signature:
        return cached[1]
    try:
        backend = _open(ctx, connection)
        rows = live_sources.source_table(backend, state["table"], state["query"])
        with st.spinner("Reading the source's metric names…"):
            labels = live_sources.source_metric_labels(backend, rows, mapping)
    except live_sources.SourceError as exc:
        st.error(escape_markdown(exc.message))
        return None
    except ValueGapError:  # the mapping lacks a column: nothing was asked of the source
        return {}
    st.session_state[LIVE_METRIC_LABELS] = (signature, labels)
    return labels


def _remembered(
    ctx: PageContext, proposition_id: int, connection: live_sources.Connection, state: dict[str, Any]
) -> dict[str, str]:
    """The renames of the newest live dataset of the proposition that reads the same table or query."""
    for dataset in ctx.store.datasets(kind="outcomes", proposition_id=proposition_id):  # newest first
        if not live_sources.is_live(dataset):
            continue
        source = dataset.details.get("live") or {}
        same = (source.get("connection"), source.get("table"), source.get("query"))
        if same == (connection.name, state["table"], state["query"]):
            try:
                return dict(Mapping.from_dict(dataset.mapping).metric_renames)
            except ValueGapError:
                return {}
    return {}


def _proposed(columns: list[str], role: str) -> str:
    for column in columns:
        if column.strip().lower() in SYNONYMS.get(role, ()):
            return column
    return NONE


def _mapping_editor(columns: list[str]) -> Mapping:
    st.markdown("**What each column means**")
    kind: Kind = st.radio(
        "Kind of data", ["long", "wide"], horizontal=True, key=LIVE_KIND,
        format_func={"long": "Long form (one row per measurement)",
                     "wide": "Wide form (one column per metric)"}.__getitem__,
    )  # fmt: skip
    roles: dict[str, str] = {}
    grid = st.columns(3)
    options = [NONE, *columns]
    for index, role in enumerate(LONG_ROLES if kind == "long" else WIDE_ROLES):
        proposed = _proposed(columns, role)
        choice = grid[index % 3].selectbox(
            role.replace("_", " "), options, index=options.index(proposed),
            key=keyed(LIVE_SOURCE, kind, role), help=HELP[role],
        )  # fmt: skip
        if choice != NONE:
            roles[role] = choice
    metric_columns: tuple[str, ...] = ()
    if kind == "wide":
        free = [c for c in columns if c not in roles.values()]
        metric_columns = tuple(st.multiselect("Metric columns", free, key=LIVE_METRICS))
    return Mapping(kind=kind, roles=roles, metric_columns=metric_columns)


def _live_datasets(ctx: PageContext, proposition_id: int) -> None:
    """The proposition's live datasets (newest version of each), each with a Refresh button."""
    newest: dict[str, StoredDataset] = {}
    for dataset in ctx.store.datasets(kind="outcomes", proposition_id=proposition_id):
        if live_sources.is_live(dataset) and dataset.name not in newest:
            newest[dataset.name] = dataset  # newest first
    if not newest:
        return
    st.markdown("**Live sources**")
    for dataset in newest.values():
        live = dataset.details.get("live") or {}
        when = str(live.get("refreshed_at", ""))[:16].replace("T", " ")
        row = st.columns([4, 1])
        row[0].caption(
            escape_markdown(
                f"{dataset.label} · {dataset.file_name} · read {when} UTC · {dataset.rows_kept:,} rows kept"
                f" of {dataset.rows_read:,} · fingerprint {str(live.get('fingerprint', ''))[:12]}"
            )
        )
        if row[1].button("Refresh", key=keyed(LIVE_REFRESH, dataset.id), icon=":material/refresh:"):
            try:
                with st.spinner(f"Reading {dataset.name} again…"):
                    fresh = live_sources.refresh_live_dataset(
                        ctx.store, dataset, ctx.actor, connection_secrets()
                    )
            except ValueGapError as exc:
                st.error(escape_markdown(exc.message))
                continue
            same = fresh.content_hash == dataset.content_hash
            flash(
                f"Refreshed {dataset.name}: {fresh.label}, {fresh.rows_kept:,} rows. "
                + ("Its aggregates are unchanged." if same else "Its aggregates changed since the last read.")
            )
            st.rerun()
    st.divider()
