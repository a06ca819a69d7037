"""Overview: every proposition at a glance; create, import, duplicate, archive and delete."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.model import proposition_files
from valuegap.model.proposition import Price, Proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.ui import (
    PageContext,
    evidence_dataset,
    flash,
    page,
    page_setup,
    run_page,
    visible_propositions,
)  # fmt: skip
from valuegap.ui.cached_evidence import cached_analysis
from valuegap.ui.tables import table_downloads
from valuegap.workspace.overview import (
    DONE,
    Evidence,
    PropositionStatus,
    age_text,
    by_urgency,
    first_steps,
    status_frame,
    verdict_text,
    workspace_status,
)

ctx = page_setup("Overview", ":material/dashboard:")
EDITOR = page("2_propositions.py").path
CARDS = 8  # propositions shown as cards; the table below lists them all


def render(ctx: PageContext) -> None:
    st.title("Value propositions")
    st.caption(
        "Each proposition promises customers value for a price. Draft its claims, bring what customers "
        "actually got, and see which claims hold and what the gap costs them."
    )
    show_archived = st.toggle("Show archived", key="show_archived")
    items = visible_propositions(ctx, include_archived=show_archived)
    statuses = workspace_status(items, _current_evidence(ctx, items))
    _start_here(ctx, statuses)
    if not items:
        if ctx.actor.can_edit:
            _create_and_import(ctx)
        st.info(
            "No propositions yet. Create one with **New proposition** above, or import a YAML or JSON "
            "proposition file."
            if not show_archived
            else "The workspace is empty."
        )
        return
    _cards(ctx, statuses)
    frame = status_frame(statuses)
    st.subheader("All propositions")
    totals = st.columns(4)
    totals[0].metric("Propositions", len(frame))
    totals[1].metric(
        "Claims flagged",
        int(frame["Claims flagged"].sum()),
        help="Absolute words, unqualified superlatives, 'up to' phrasing, proof phrases, numbers that "
        "differ from the claim, and measurable-sounding puffery.",
    )
    totals[2].metric(
        "With evidence",
        sum(s.has_evidence for s in statuses),
        help="Propositions with current outcome data, chosen on the Evidence page",
    )
    totals[3].metric(
        "Exaggerated", sum(len(s.exaggerated) for s in statuses), help="Claims the evidence shows exaggerated"
    )
    visible = frame.drop(columns=["Claims flagged"] if show_archived else ["Claims flagged", "Archived"])
    event = st.dataframe(
        visible,
        hide_index=True,
        placeholder="–",
        on_select="rerun",
        selection_mode="single-row",
        key="overview_table",
        column_config={
            "Updated": st.column_config.DatetimeColumn("Updated", format="YYYY-MM-DD HH:mm"),
            "Wording flags": st.column_config.NumberColumn(
                "Wording flags", help="Number of wording problems across the claims"
            ),
            "Evidence": st.column_config.TextColumn(
                "Evidence", help="The outcome data the pages analyse (chosen on the Evidence page)"
            ),
            "Verdicts": st.column_config.TextColumn(
                "Verdicts", help="Claims by verdict on the current evidence (α 0.05, Holm)"
            ),
            "Value gap per customer": st.column_config.TextColumn(
                "Value gap per customer",
                help="Promised minus realized benefit per customer and period, in money; figures that "
                "leave out claims without evidence say so.",
            ),
        },
    )
    st.caption("Select a row to open, duplicate, archive or delete that proposition.")
    table_downloads(visible, "propositions", key="overview")
    selected = [row for row in (event.selection.rows if event is not None else []) if row < len(frame)]
    if selected:  # a selection can outlive its row (after a delete, or toggling archived)
        _actions(ctx, int(frame.index[selected[0]]), items)
    if ctx.actor.can_edit:
        st.subheader("Add a proposition")
        _create_and_import(ctx)


def _current_evidence(ctx: PageContext, items: list) -> dict[int, Evidence]:
    """Each proposition's current outcome data (pinned ones for a share link) and their analysis."""
    found: dict[int, Evidence] = {}
    for item in items:
        dataset = evidence_dataset(ctx, item.id)
        if dataset is None:
            continue
        try:
            analysis = cached_analysis(ctx.store, dataset.id, item, alpha=0.05, correction="holm")
        except ValueGapError as error:
            found[item.id] = Evidence(dataset, None, error.message)
        else:
            found[item.id] = Evidence(dataset, analysis)
    return found


def _start_here(ctx: PageContext, statuses: list[PropositionStatus]) -> None:
    """A new workspace's three first steps, until some proposition has done each of them."""
    steps = first_steps(statuses)
    if not ctx.actor.can_edit or all(step.done for step in steps):
        return
    st.subheader("Start here")
    for number, step in enumerate(steps, start=1):
        mark = ":material/check_circle:" if step.done else f"**{number}.**"
        cells = st.columns([5, 2], vertical_alignment="center")
        cells[0].markdown(f"{mark} {step.text}")
        spec = page(step.page)
        cells[1].page_link(spec.path, label=spec.title, icon=spec.icon)


def _cards(ctx: PageContext, statuses: list[PropositionStatus]) -> None:
    """Where each proposition stands, most urgent first, with a link to its next step."""
    shown = by_urgency(statuses)[:CARDS]
    st.subheader("Where each proposition stands")
    now = datetime.now(UTC)
    for status in shown:
        with st.container(border=True):
            top = st.columns([1, 1], vertical_alignment="center")
            archived = " · archived" if status.archived else ""
            top[0].markdown(f"**{escape_markdown(status.name)}** · {status.status}{archived}")
            step = status.next_step
            if ctx.actor.can_edit:  # a share-link viewer reads where it stands, with nothing to do
                top[1].page_link(
                    page(step.page).path,
                    label=escape_markdown(step.text),
                    icon=":material/check_circle:" if step.urgency >= DONE else ":material/arrow_forward:",
                    query_params={links.PROPOSITION: str(status.id)},
                )
            if status.has_evidence and status.evidence_uploaded is not None:
                evidence = (
                    f"{escape_markdown(status.evidence)}, uploaded {age_text(status.evidence_uploaded, now)}"
                )
            else:
                evidence = "none yet"
            exaggerated = ", ".join(status.exaggerated) or "none"
            lines = [
                f"{status.claims} claims · {status.wording_flags} wording flags · Evidence: {evidence}",
                f"Verdicts: {verdict_text(status.verdicts)}"
                + (f" · Exaggerated: {escape_markdown(exaggerated)}" if status.has_evidence else ""),
                f"Value gap per customer: {escape_markdown(status.value_gap)}",
                f"Last change {status.updated_at:%Y-%m-%d} by {escape_markdown(status.updated_by)}",
            ]
            st.caption("  \n".join(lines))
    if len(statuses) > len(shown):
        st.caption(f"{len(statuses) - len(shown)} more in the table below.")


def _create_and_import(ctx: PageContext) -> None:
    left, right = st.columns(2)
    with left, st.form("create_proposition", clear_on_submit=True):
        name = st.text_input("New proposition", placeholder="e.g. Invoicing for freelancers")
        if st.form_submit_button("Create", icon=":material/add:"):
            if not name.strip():
                st.error("Give the new proposition a name.")
            else:
                created = ctx.store.create(
                    Proposition(name=name.strip()[:120], price=Price(amount=0)), ctx.actor
                )
                flash(f"Created “{created.proposition.name}”.")
                st.switch_page(EDITOR, query_params={links.PROPOSITION: str(created.id)})
    with right, st.form("import_proposition", clear_on_submit=True):
        upload = st.file_uploader("Import a proposition file", type=["yaml", "yml", "json"])
        if st.form_submit_button("Import", icon=":material/upload_file:"):
            if upload is None:
                st.error("Choose a YAML or JSON proposition file first.")
            else:
                prop = proposition_files.loads(
                    upload.getvalue(), proposition_files.format_for(upload.name), source=upload.name
                )
                created = ctx.store.create(prop, ctx.actor, action="import")
                flash(f"Imported “{prop.name}” with {len(prop.claims)} claims.")
                st.switch_page(EDITOR, query_params={links.PROPOSITION: str(created.id)})


def _actions(ctx: PageContext, proposition_id: int, items: list) -> None:
    item = next(i for i in items if i.id == proposition_id)
    cols = st.columns([1, 1, 1, 1, 3])
    cols[0].page_link(
        EDITOR, label="Open", icon=":material/edit:", query_params={links.PROPOSITION: str(item.id)}
    )
    if not ctx.actor.can_edit:
        return
    if cols[1].button("Duplicate", icon=":material/content_copy:"):
        copy = ctx.store.duplicate(item.id, ctx.actor)
        flash(f"Created “{copy.proposition.name}”.")
        st.rerun()
    if item.archived:
        if cols[2].button("Unarchive", icon=":material/unarchive:"):
            ctx.store.set_archived(item.id, False, ctx.actor)
            flash(f"“{item.proposition.name}” is back in the list.")
            st.rerun()
    elif cols[2].button("Archive", icon=":material/archive:", help="Hide it from the list; undo any time"):
        ctx.store.set_archived(item.id, True, ctx.actor)
        flash(f"Archived “{item.proposition.name}”. Turn on “Show archived” to bring it back.")
        st.rerun()
    if cols[3].button("Delete", icon=":material/delete:", type="secondary"):
        _confirm_delete(ctx, item.id, item.proposition.name)


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


run_page(render, ctx)
