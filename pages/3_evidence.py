"""Evidence: bring measured customer outcomes (files or a live source), map their columns, check them,
and store them as versioned datasets for the Gap analysis page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from valuegap import sources
from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import EVIDENCE_KINDS, StoredDataset
from valuegap.ui import (
    PageContext,
    choose_proposition,
    evidence_dataset,
    flash,
    page,
    page_setup,
    run_page,
    visible_datasets,
)
from valuegap.ui.cached_evidence import pinned_view_text
from valuegap.ui.panels import live_source
from valuegap.ui.panels.upload_read import read_upload
from valuegap.workspace.imports import dataset_kind, import_table, remembered_mapping

ctx = page_setup("Evidence", ":material/upload_file:")

KIND_LABELS = {
    "long": "Outcomes, long form (one row per measurement)",
    "wide": "Outcomes, wide form (one column per metric)",
    "customers": "Customer table (segment, churn, revenue, survey items)",
}
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
NONE = "—"


def render(ctx: PageContext) -> None:
    st.title("Evidence")
    head = st.columns([2, 3])
    with head[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    prop = ctx.store.get(proposition_id).proposition
    with head[1]:
        st.caption(
            "Bring what customers actually got: usage data, survey answers or churn. Each import is a new "
            "version of a dataset, checked before anything is stored; the Gap analysis page tests every "
            f"claim of **{escape_markdown(prop.name)}** on its current evidence, which you choose here."
        )
    if not ctx.can_edit:
        st.caption("This is a read-only view: you can look at the datasets but not import or change them.")
        _datasets(ctx, proposition_id)
        return
    tabs = st.tabs(["Upload a file", "Connect a source", "Datasets"])
    with tabs[0]:
        _upload(ctx, proposition_id, {c.metric for c in prop.claims if c.metric})
    with tabs[1]:
        live_source.render(ctx, proposition_id, {c.metric for c in prop.claims if c.metric})
    with tabs[2]:
        _datasets(ctx, proposition_id)


# ----------------------------------------------------------------------------- reading


def _upload(ctx: PageContext, proposition_id: int, metrics: set[str]) -> None:
    upload = st.file_uploader(
        "Outcomes or customer table",
        type=["csv", "tsv", "txt", "parquet", "xlsx"],
        help="CSV/TSV (any delimiter, UTF-8 or Windows-1252, decimal comma), Parquet or Excel. Long form "
        "(customer_id, metric, value, …), wide form (one column per metric) or a customer table.",
        # a new key after each import empties the uploader, so the stored file is not offered again
        key=f"vg_upload_{st.session_state.get('vg_upload_round', 0)}",
    )
    if upload is None:
        if not _show_imported(ctx, proposition_id, "file"):
            st.caption(
                "A file of what customers actually got: one row per customer and metric (customer_id, "
                "metric, value), or one column per metric."
            )
        return
    st.session_state.pop("vg_imported", None)
    # read in a bounded worker process with a Cancel button; None: cancelled, or an encoding to choose
    raw = read_upload(upload.getvalue(), upload.name)
    if raw is None:
        return
    _mapping_and_import(ctx, proposition_id, raw, metrics)


def _show_imported(ctx: PageContext, proposition_id: int, source: str) -> bool:
    """What the last import from ``source`` stored and where its verdicts are; False if none."""
    imported = st.session_state.get("vg_imported")
    if imported is None or imported[:2] != (proposition_id, source):
        return False
    _, _, message, dataset_id = imported
    st.success(message, icon=":material/check_circle:")
    _offer_current(ctx, proposition_id)
    if dataset_id is not None:
        _analysis_link(proposition_id, dataset_id)
    return True


def _offer_current(ctx: PageContext, proposition_id: int) -> None:
    """After an upload that did not become the current evidence by itself: offer to make it so."""
    offer = st.session_state.get("vg_offer_current")
    if offer is None or offer[0] != proposition_id:
        return
    try:
        dataset = ctx.store.dataset(offer[1])
    except ValueGapError:  # deleted meanwhile
        st.session_state.pop("vg_offer_current", None)
        return
    current = ctx.store.current_dataset(proposition_id, dataset.kind)
    if current is not None and current.id == dataset.id:
        return
    kept = escape_markdown(current.label if current is not None else "none")
    st.info(
        f"The current {dataset.kind} evidence is still **{kept}**: the other pages and share links keep "
        "using it until you choose the new upload.",
        icon=":material/push_pin:",
    )
    if st.button(f"Use {dataset.label} as current evidence", icon=":material/push_pin:", key="vg_use_new"):
        _use_as_current(ctx, proposition_id, dataset)


def _use_as_current(ctx: PageContext, proposition_id: int, dataset: StoredDataset) -> None:
    ctx.store.set_current_evidence(proposition_id, dataset.id, ctx.actor)
    st.session_state.pop("vg_offer_current", None)
    flash(
        f"{dataset.label} is now the current evidence: the pages analyse it. Existing share links keep what "
        "they showed; move them on the Share page."
    )
    st.rerun()


def _analysis_link(proposition_id: int, dataset_id: int) -> None:
    st.page_link(
        page("4_gap_analysis.py").path, label="See the verdicts on the Gap analysis page",
        icon=":material/query_stats:",
        query_params={links.PROPOSITION: str(proposition_id), links.DATASET: str(dataset_id)},
    )  # fmt: skip


# ----------------------------------------------------------------------------- mapping and checking


def _mapping_and_import(
    ctx: PageContext, proposition_id: int, raw: sources.RawTable, metrics: set[str], key: str = "file"
) -> None:
    details = [f"{raw.rows:,} rows", f"{len(raw.frame.columns)} columns", raw.format.upper()]
    if raw.encoding:
        details.append(raw.encoding)
    if raw.delimiter:
        details.append(
            "delimiter "
            + {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(raw.delimiter, raw.delimiter)
        )
    if raw.decimal == ",":
        details.append("decimal comma")
    st.caption(escape_markdown(f"{raw.file_name}: " + " · ".join(details)))
    existing = ctx.store.dataset_by_hash(raw.content_hash)
    if existing is not None:
        st.info(
            f"This exact file was imported before as **{escape_markdown(existing.label)}** on "
            f"{existing.created_at:%Y-%m-%d} by {escape_markdown(existing.created_by)}."
        )
        if existing.proposition_id != proposition_id and st.button(
            "Use it for this proposition", key=f"use_{key}"
        ):
            ctx.store.link_dataset(existing.id, proposition_id, ctx.actor)
            flash(_linked_message(ctx, existing, proposition_id))
            st.rerun()
    st.dataframe(raw.frame.head(20), hide_index=True, width="stretch")

    remembered = remembered_mapping(ctx.store, raw)
    proposed = remembered or sources.propose_mapping(raw)
    if remembered is not None:
        st.caption(":material/auto_awesome: Mapped like the last file with these columns.")
    mapping = _mapping_editor(raw, proposed, key)
    problems = sources.check_mapping(raw, mapping)
    for problem in problems:
        st.error(escape_markdown(str(problem)))
    if problems:
        return
    name_default = raw.file_name.rsplit(".", 1)[0]
    name = st.text_input(
        "Dataset name",
        value=name_default,
        key=f"vg_name_{key}_{raw.content_hash[:8]}",
        help="Uploads with the same name become versions of one dataset.",
    )
    checked = st.session_state.get("vg_checked")
    signature = (raw.content_hash, repr(mapping.to_dict()))
    if st.button("Check rows", icon=":material/fact_check:", key=f"check_{key}"):
        bar = st.progress(0.0, "Checking rows…")
        result = sources.apply_mapping(
            raw, mapping, known_metrics=metrics or None, progress=lambda f, m: bar.progress(min(f, 1.0), m)
        )
        bar.empty()
        st.session_state["vg_checked"] = checked = (signature, result)
    if checked is None or checked[0] != signature:
        st.caption("Check the rows to see what will be kept and rejected before anything is stored.")
        return
    result = checked[1]
    _report(result.report, key)
    if st.button(
        f"Import {result.report.rows_kept:,} rows as '{name.strip()}'",
        type="primary",
        icon=":material/save:",
        key=f"import_{key}",
    ):
        bar = st.progress(0.0, "Importing…")
        stored = import_table(
            ctx.store, raw, mapping, name=name, proposition_id=proposition_id, actor=ctx.actor,
            known_metrics=metrics or None, progress=lambda f, m: bar.progress(min(f, 1.0), m),
        )  # fmt: skip
        bar.empty()
        st.session_state.pop("vg_checked", None)
        message = f"Imported {stored.dataset.label}: {stored.dataset.rows_kept:,} rows kept."
        current = ctx.store.current_dataset(proposition_id, stored.dataset.kind)
        if current is not None and current.id == stored.dataset.id:  # the first of its kind here
            message += " It is this proposition's current evidence: the pages analyse it."
        else:
            st.session_state["vg_offer_current"] = (proposition_id, stored.dataset.id)
        flash(message)
        outcomes = stored.dataset.id if dataset_kind(mapping) == "outcomes" else None
        if outcomes is not None:
            st.session_state["vg_go_analysis"] = outcomes
        # the stored table is not offered again: the uploader empties, the query result is dropped
        if key == "file":
            st.session_state["vg_upload_round"] = st.session_state.get("vg_upload_round", 0) + 1
        else:
            st.session_state.pop("vg_sql_raw", None)
        st.session_state["vg_imported"] = (proposition_id, key, escape_markdown(message), outcomes)
        st.rerun()


def _mapping_editor(raw: sources.RawTable, proposed: sources.Mapping, key: str) -> sources.Mapping:
    columns = [str(c) for c in raw.frame.columns]
    prefix = f"vg_map_{key}_{raw.content_hash[:8]}"
    st.markdown("**What each column means**")
    kinds = list(KIND_LABELS)
    kind = st.radio(
        "Kind of data",
        kinds,
        index=kinds.index(proposed.kind),
        format_func=KIND_LABELS.__getitem__,
        key=f"{prefix}_kind",
        horizontal=True,
    )
    needed = {
        "long": sources.ROLES[:6],
        "wide": ("customer_id", "segment", "offer", "observed_at"),
        "customers": ("customer_id", "segment", "churned", "revenue", "price", "tenure"),
    }[kind]
    roles: dict[str, str] = {}
    grid = st.columns(3)
    for index, role in enumerate(needed):
        options = [NONE, *columns]
        current = proposed.roles.get(role, NONE)
        choice = grid[index % 3].selectbox(
            role.replace("_", " "), options, index=options.index(current) if current in options else 0,
            key=f"{prefix}_{kind}_{role}", help=ROLE_HELP[role],
        )  # fmt: skip
        if choice != NONE:
            roles[role] = choice
    metric_columns: tuple[str, ...] = ()
    if kind == "wide":
        used = set(roles.values())
        default = [c for c in proposed.metric_columns if c in columns and c not in used]
        metric_columns = tuple(
            st.multiselect(
                "Metric columns",
                [c for c in columns if c not in used],
                default=default,
                key=f"{prefix}_metrics",
            )
        )
    survey = tuple(proposed.survey_items) if kind == "customers" else ()
    return sources.Mapping(kind=kind, roles=roles, metric_columns=metric_columns, survey_items=survey)


def _report(report: sources.ValidationReport, key: str) -> None:
    cols = st.columns(3)
    cols[0].metric("Rows read", f"{report.rows_read:,}")
    cols[1].metric("Kept", f"{report.rows_kept:,}")
    cols[2].metric("Rejected", f"{report.rows_rejected:,}")
    for note in report.notes:  # rows repeating an earlier row exactly: kept or dropped, never silently
        st.info(escape_markdown(note), icon=":material/content_copy:")
    if report.rows_rejected:
        if report.rows_rejected > report.repeats_dropped:  # double uploads need no fixing
            st.warning(
                "Rejected rows are left out; fix them in the file and upload it again to include them."
            )
        st.dataframe(report.summary(), hide_index=True, width="stretch")
        st.dataframe(report.rejections.head(500), hide_index=True, width="stretch")
        st.download_button(
            "Download rejected rows (CSV)", report.to_csv(), "rejected_rows.csv", "text/csv",
            icon=":material/download:", key=f"rejects_{key}", on_click="ignore",
        )  # fmt: skip
    else:
        st.success("Every row passed the checks.")


# ----------------------------------------------------------------------------- stored datasets


def _linked_message(ctx: PageContext, dataset: StoredDataset, proposition_id: int) -> str:
    current = ctx.store.current_dataset(proposition_id, dataset.kind)
    if current is not None and current.id == dataset.id:
        return f"{dataset.label} now belongs to this proposition and is its current evidence."
    return f"{dataset.label} now belongs to this proposition; use it as current evidence to analyse it."


def _current_evidence(ctx: PageContext, proposition_id: int) -> set[int]:
    """Say what the pages analyse (for a share-link viewer: what the link shows); the ids of it."""
    if ctx.shared is not None:
        shown = [evidence_dataset(ctx, proposition_id, kind) for kind in EVIDENCE_KINDS]
        line = pinned_view_text(ctx, shown[0])
        st.caption(f":material/push_pin: This shared view is fixed to what was shared. {line}.")
        return {d.id for d in shown if d is not None}
    chosen = ctx.store.current_evidence(proposition_id)
    parts = [
        f"{kind} **{escape_markdown(c.dataset.label)}** (chosen {c.chosen_at:%Y-%m-%d} by "
        f"{escape_markdown(c.chosen_by)})"
        for kind, c in chosen.items()
    ]
    st.caption(
        ":material/push_pin: Current evidence, what the pages analyse and new share links show: "
        + ("; ".join(parts) if parts else "none chosen yet")
        + ". A new upload does not replace it unless you choose it."
    )
    return {c.dataset.id for c in chosen.values()}


def _datasets(ctx: PageContext, proposition_id: int) -> None:
    go = st.session_state.pop("vg_go_analysis", None)
    if go is not None:
        _analysis_link(proposition_id, go)
    items = visible_datasets(ctx, proposition_id)
    if not items:
        st.info("No datasets yet. Upload a file or run a query to bring the first one.")
        return
    current = _current_evidence(ctx, proposition_id)
    frame = pd.DataFrame(
        [
            {
                "dataset": d.label, "kind": d.kind, "file": d.file_name, "kept": d.rows_kept,
                "rejected": d.rows_rejected, "for this proposition": d.proposition_id == proposition_id,
                "current evidence": d.id in current,
                "uploaded": d.created_at.strftime("%Y-%m-%d %H:%M"), "by": d.created_by,
                "hash": d.short_hash,
            }
            for d in items
        ]
    )  # fmt: skip
    event = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key="vg_dataset_table",
    )  # fmt: skip
    rows = event.selection.rows if event is not None else []
    if not rows:
        st.caption("Select a dataset to see its details.")
        return
    _dataset_details(ctx, items[rows[0]], proposition_id, current)


def _dataset_details(
    ctx: PageContext, dataset: StoredDataset, proposition_id: int, current: set[int]
) -> None:
    box = st.container(border=True)
    box.markdown(
        f"**{escape_markdown(dataset.label)}** · {escape_markdown(dataset.file_name)} · "
        f"hash `{dataset.short_hash}`"
    )
    details = dataset.details
    if dataset.kind == "outcomes":
        box.caption(
            f"{details.get('customers', 0):,} customers · metrics: "
            f"{escape_markdown(', '.join(details.get('metrics', [])))}"
            f" · segments: {escape_markdown(', '.join(details.get('segments', [])) or 'none')}"
            f" · periods: {len(details.get('periods', []))} ({details.get('granularity') or 'no dates'})"
        )
    else:
        box.caption(
            f"{details.get('customers', 0):,} customers · survey items: "
            f"{escape_markdown(', '.join(details.get('survey_items', [])) or 'none')}"
        )
    reasons = dataset.rejections.get("reasons", {})
    if reasons:
        box.dataframe(
            pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}), hide_index=True
        )
        box.dataframe(pd.DataFrame(dataset.rejections.get("rows", [])), hide_index=True)
    if not ctx.actor.can_edit:
        return
    cols = box.columns(3)
    if dataset.proposition_id != proposition_id and cols[0].button(
        "Use for this proposition", key=f"link_{dataset.id}"
    ):
        ctx.store.link_dataset(dataset.id, proposition_id, ctx.actor)
        flash(_linked_message(ctx, dataset, proposition_id))
        st.rerun()
    if dataset.kind in EVIDENCE_KINDS and dataset.id not in current:
        if cols[1].button("Use as current evidence", key=f"current_{dataset.id}", icon=":material/push_pin:"):
            _use_as_current(ctx, proposition_id, dataset)
    elif dataset.id in current:
        cols[1].caption(":material/push_pin: The current evidence")
    if cols[2].button("Delete dataset", key=f"delete_{dataset.id}", icon=":material/delete:"):
        _confirm_delete(ctx, dataset)


@st.dialog("Delete dataset?")
def _confirm_delete(ctx: PageContext, dataset: StoredDataset) -> None:
    st.text(
        f"{dataset.label} and its {dataset.rows_kept:,} rows will be deleted for good. Analyses that "
        "used it will need another dataset."
    )
    left, right = st.columns(2)
    if left.button("Delete permanently", type="primary", icon=":material/delete_forever:"):
        try:
            ctx.store.delete_dataset(dataset.id, ctx.actor)
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        flash(f"Deleted {dataset.label}.", icon=":material/delete:")
        st.rerun()
    if right.button("Cancel"):
        st.rerun()


run_page(render, ctx)
