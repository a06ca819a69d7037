"""Propositions: edit one proposition, its cost of access and its claims; history; import/export."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from valuegap.errors import ConflictError, InvalidInput
from valuegap.model import proposition_files
from valuegap.model.editing import (
    access_frame,
    claims_grid,
    proposition_data,
    route_problems,
)
from valuegap.model.proposition import (
    ACCESS_KIND_WORDS,
    ACCESS_UNIT_WORDS,
    BENEFIT_WORDS,
    DIRECTION_WORDS,
    FORM_WORDS,
    FREQUENCY_WORDS,
    Period,
    Proposition,
    Status,
    parse_proposition,
)
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, choose_proposition, flash, page_setup, run_page
from valuegap.ui.panels.claim_drafts import claim_drafts
from valuegap.ui.panels.claim_editor import claim_editor, grid_wording_checks
from valuegap.ui.panels.proposition_history import changes_frame, history
from valuegap.workspace.overview import STATUS_LABELS

ctx = page_setup("Propositions", ":material/edit_note:")

FIELD_LABELS = {
    "name": "Name",
    "segment": "Target segment",
    "status": "Status",
    "offer": "Offer",
    "price.amount": "Price",
    "price.currency": "Currency",
    "price.period": "Per",
    "value_of_time": "Value of the customer's time (per hour)",
    "horizon": "Horizon (periods)",
    "canvas.jobs": "Customer jobs",
    "canvas.pains": "Pains",
    "canvas.gains": "Gains",
}


def _options(enum: type) -> list[str]:
    return [member.value for member in enum]


def _choice(label: str, words: dict[str, str], **kw: Any) -> Any:
    """A selectbox column showing each option in words; the stored value is unchanged."""
    return st.column_config.SelectboxColumn(label, options=list(words), format_func=words.__getitem__, **kw)


# Number cells are text, so what is typed can be read and refused with a reason ("two", "1.5" in
# Share) instead of the grid turning it into 0 or 1.00: see valuegap.model.editing.read_claim_cells.
CLAIM_COLUMNS = {
    "id": st.column_config.TextColumn(
        "ID", help="Short name for reports and links; made from the text when left blank", max_chars=40
    ),
    "text": st.column_config.TextColumn("Claim as written in the copy", width="large"),
    "benefit": _choice("Benefit", BENEFIT_WORDS, width="medium"),
    "form": _choice("Kind of promise", FORM_WORDS, help="Picks the test", width="medium"),
    "metric": st.column_config.TextColumn("What is measured", help="Name of the measured outcome"),
    "claimed": st.column_config.TextColumn("Promised value", help="The value the copy promises, in digits"),
    "unit": st.column_config.TextColumn("Unit"),
    "direction": _choice("Better is", DIRECTION_WORDS, default="higher"),
    "share": st.column_config.TextColumn(
        "Share of customers", help="For share claims: 95% (or 95, or 0.95) of customers reach it"
    ),
    "competitor": st.column_config.TextColumn("Competitor"),
    "ratio": st.column_config.TextColumn("Times the competitor", help="For comparative claims: 2 = 2×"),
    "tolerance": st.column_config.TextColumn(
        "Tolerance", default="10%", help="How far short still counts as kept, as a share of the claim"
    ),
    "money_per_unit": st.column_config.TextColumn(
        "Money per unit", help="Converts the metric to money (blank: money = 1, time = value of time)"
    ),
    "importance": st.column_config.TextColumn("Importance", default="1"),
}

ACCESS_COLUMNS = {
    "id": st.column_config.TextColumn(
        "ID",
        help="Names the item in saved scenarios and links; made from the label when left blank",
        max_chars=40,
    ),
    "kind": _choice("Kind", ACCESS_KIND_WORDS),
    "label": st.column_config.TextColumn("What it is", width="large"),
    "amount": st.column_config.NumberColumn("Amount", min_value=0.0),
    "unit": _choice("Unit", ACCESS_UNIT_WORDS, default="hours"),
    "frequency": _choice("How often", FREQUENCY_WORDS, default="per_period"),
}
CLAIM_LABELS = {key: column["label"] for key, column in CLAIM_COLUMNS.items()}
ACCESS_LABELS = {key: column["label"] for key, column in ACCESS_COLUMNS.items()}


# ----------------------------------------------------------------------------- state


def _seen_key(proposition_id: int) -> str:
    return f"vg_seen_{proposition_id}"


def _generation(proposition_id: int, seen: int) -> str:
    """Widget key prefix: a new one (after reload, discard or save) starts the editor afresh."""
    bump = st.session_state.get(f"vg_gen_{proposition_id}", 0)
    return f"ed{proposition_id}_{seen}_{bump}"


def _discard(proposition_id: int) -> None:
    st.session_state[f"vg_gen_{proposition_id}"] = st.session_state.get(f"vg_gen_{proposition_id}", 0) + 1


def _load_version(proposition_id: int, version: int) -> None:
    st.session_state[_seen_key(proposition_id)] = version
    st.session_state.pop(f"vg_conflict_{proposition_id}", None)


# ----------------------------------------------------------------------------- page


def render(ctx: PageContext) -> None:
    top = st.columns([3, 2])
    with top[0]:
        proposition_id = choose_proposition(ctx, label_visibility="collapsed")
    if proposition_id is None:
        return
    current = ctx.store.get(proposition_id)
    seen = st.session_state.setdefault(_seen_key(proposition_id), current.version)
    base = ctx.store.revision(proposition_id, seen).proposition
    gen = _generation(proposition_id, seen)
    with top[1]:
        st.caption(
            f"Version {seen} · saved {current.updated_at:%Y-%m-%d %H:%M} UTC by "
            f"{escape_markdown(current.updated_by)}"
            if current.version == seen
            else f"You are editing version {seen}"
        )
    if current.archived:
        st.info("This proposition is archived. Unarchive it on the Overview page to list it again.")
    if current.version > seen and f"vg_conflict_{proposition_id}" not in st.session_state:
        newer = st.container(border=True)
        newer.warning(
            f"{escape_markdown(current.updated_by)} saved a newer version ({current.version}) while you "
            f"were editing version {seen}. Saving now will be refused; reload to see their changes."
        )
        if newer.button("Reload their version", key=f"reload_{gen}"):
            _load_version(proposition_id, current.version)
            st.rerun()

    bar = st.container()
    tabs = st.tabs(["Proposition", "Claims", "History", "Import / export"])
    with tabs[0]:
        fields, field_slots = _proposition_fields(base, gen, ctx.actor.can_edit)
        access, access_slot = _access_editor(base, gen, ctx.actor.can_edit)
    with tabs[1]:
        guided = st.container()
        claims, claims_slot = _claims_editor(base, gen, ctx.actor.can_edit)
    with tabs[2]:
        history(ctx, proposition_id, seen, lambda version: _restored(proposition_id, version))
    with tabs[3]:
        _import_export(ctx, current, seen)

    editor = proposition_data(fields, access, claims)
    with bar:
        _save_bar(ctx, proposition_id, seen, base, editor, field_slots, access_slot, claims_slot)
    if ctx.actor.can_edit:
        with guided, st.expander("Add or edit one claim, step by step", icon=":material/edit:"):
            claim_editor(ctx, proposition_id, seen, base, editor, lambda v: _load_version(proposition_id, v))
        with tabs[1], st.expander("Draft claims from your copy", icon=":material/auto_awesome:"):
            claim_drafts(ctx, proposition_id, seen, base, editor, lambda v: _load_version(proposition_id, v))


def _restored(proposition_id: int, version: int) -> None:
    _load_version(proposition_id, version)
    _discard(proposition_id)


def _proposition_fields(base: Proposition, gen: str, editable: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    slots: dict[str, Any] = {}
    disabled = not editable

    def slot(path: str) -> None:
        slots[path] = st.empty()

    left, right = st.columns([3, 2])
    with left:
        name = st.text_input(FIELD_LABELS["name"], base.name, key=f"{gen}_name", disabled=disabled)
        slot("name")
        offer = st.text_area(
            FIELD_LABELS["offer"], base.offer, key=f"{gen}_offer", disabled=disabled, height=100,
            placeholder="What the customer gets",
        )  # fmt: skip
        slot("offer")
    with right:
        segment = st.text_input(
            FIELD_LABELS["segment"], base.segment, key=f"{gen}_segment", disabled=disabled
        )
        slot("segment")
        statuses = _options(Status)
        status = st.selectbox(
            FIELD_LABELS["status"], statuses, index=statuses.index(base.status.value),
            format_func=STATUS_LABELS.__getitem__, key=f"{gen}_status", disabled=disabled,
        )  # fmt: skip
        slot("status")

    st.markdown("##### Price and cost to the customer")
    cols = st.columns([2, 1, 1, 2, 1])
    with cols[0]:
        amount = st.number_input(
            FIELD_LABELS["price.amount"], min_value=0.0, value=float(base.price.amount), step=1.0,
            format="%.2f", key=f"{gen}_price_amount", disabled=disabled,
        )  # fmt: skip
        slot("price.amount")
    with cols[1]:
        currency = st.text_input(
            FIELD_LABELS["price.currency"], base.price.currency, max_chars=3, key=f"{gen}_currency",
            disabled=disabled, help="ISO code: USD, EUR, BRL, ...",
        )  # fmt: skip
        slot("price.currency")
    with cols[2]:
        periods = _options(Period)
        period = st.selectbox(
            FIELD_LABELS["price.period"], periods, index=periods.index(base.price.period.value),
            key=f"{gen}_period", disabled=disabled,
        )  # fmt: skip
        slot("price.period")
    with cols[3]:
        value_of_time = st.number_input(
            FIELD_LABELS["value_of_time"], min_value=0.0, value=base.value_of_time, step=1.0,
            key=f"{gen}_vot", disabled=disabled, placeholder="blank = not priced",
            help="Turns hours saved or spent into money",
        )  # fmt: skip
        slot("value_of_time")
    with cols[4]:
        horizon = st.number_input(
            FIELD_LABELS["horizon"], min_value=1, max_value=600, value=int(base.horizon), step=1,
            key=f"{gen}_horizon", disabled=disabled, help="One-off costs are spread over this many periods",
        )  # fmt: skip
        slot("horizon")

    with st.expander("Value proposition canvas: jobs, pains, gains", expanded=False):
        canvas_cols = st.columns(3)
        canvas = {}
        for col, part in zip(canvas_cols, ("jobs", "pains", "gains"), strict=True):
            with col:
                canvas[part] = st.text_area(
                    FIELD_LABELS[f"canvas.{part}"], getattr(base.canvas, part), key=f"{gen}_canvas_{part}",
                    disabled=disabled, height=120,
                )  # fmt: skip
                slot(f"canvas.{part}")
    fields = {
        "name": name,
        "segment": segment,
        "offer": offer,
        "price": {"amount": amount, "currency": currency, "period": period},
        "value_of_time": value_of_time,
        "horizon": horizon,
        "canvas": canvas,
        "status": status,
    }
    return fields, slots


def _table_editor(frame: pd.DataFrame, columns: dict, key: str, editable: bool) -> pd.DataFrame:
    """An editable table; rows can be added and deleted only by editors."""
    return st.data_editor(
        frame,
        column_config=columns,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        hide_index=True,
        key=key,
        width="stretch",
    )


def _access_editor(base: Proposition, gen: str, editable: bool) -> tuple[pd.DataFrame, Any]:
    st.markdown("**Cost of access**: what it takes the customer, beyond the price, to get the value")
    edited = _table_editor(access_frame(base), ACCESS_COLUMNS, f"{gen}_access", editable)
    return edited, st.empty()


def _claims_editor(base: Proposition, gen: str, editable: bool) -> tuple[pd.DataFrame, Any]:
    st.caption(
        "All claims as a table, one row per promise in the copy: the kind of promise picks how it is "
        "tested against customer outcomes. Add rows with the + at the bottom of the table."
    )
    edited = _table_editor(claims_grid(base), CLAIM_COLUMNS, f"{gen}_claims", editable)
    slot = st.empty()
    grid_wording_checks(edited)
    return edited, slot


def _problem_table(rows: list[tuple[int, str, str]], labels: dict[str, str]) -> pd.DataFrame:
    """One sentence per problem, naming the row and the column by its heading in the table."""
    said = [
        f"Row {row}, {labels.get(column, column)}: {message}" if column else f"Row {row}: {message}"
        for row, column, message in rows
    ]
    return pd.DataFrame({"What to fix": said}, dtype="object")


def _save_bar(
    ctx: PageContext,
    proposition_id: int,
    seen: int,
    base: Proposition,
    editor: Any,
    field_slots: dict[str, Any],
    access_slot: Any,
    claims_slot: Any,
) -> None:
    try:
        draft: Proposition | None = parse_proposition(editor.data)
        problems = None
    except InvalidInput as exc:
        draft, problems = None, exc.problems
    dirty = draft != base
    conflict = st.session_state.get(f"vg_conflict_{proposition_id}")
    if not ctx.actor.can_edit:
        st.info("You have view-only access to this proposition.", icon=":material/visibility:")
        return
    row = st.container(horizontal=True, vertical_alignment="center")  # buttons keep their width
    save = row.button("Save", type="primary", icon=":material/save:", disabled=not dirty, key="vg_save")
    if row.button("Discard changes", icon=":material/undo:", disabled=not dirty):
        _discard(proposition_id)
        st.rerun()
    row.caption("Unsaved changes" if dirty else "All changes saved")

    if editor.cell_problems:  # shown as soon as typed, not only on Save
        with claims_slot.container():
            st.error(
                "Some cells in the claims table cannot be read; fix them to save:", icon=":material/error:"
            )
            cells = [(p.row, p.column, f"{p.message}") for p in editor.cell_problems]
            st.dataframe(_problem_table(cells, CLAIM_LABELS), hide_index=True, width="stretch")
    if save:
        if problems or editor.cell_problems:
            _show_problems(problems or [], editor, field_slots, access_slot, claims_slot)
            return
        assert draft is not None
        try:
            saved = ctx.store.save(proposition_id, draft, seen_version=seen, actor=ctx.actor)
        except ConflictError as exc:
            conflict = (exc.message, exc.changes, exc.current.version)
            st.session_state[f"vg_conflict_{proposition_id}"] = conflict
        else:
            _load_version(proposition_id, saved.version)
            flash(f"Saved version {saved.version}.")
            st.rerun()
    if conflict:
        _show_conflict(proposition_id, conflict, draft)


def _show_problems(problems, editor, field_slots, access_slot, claims_slot) -> None:  # type: ignore[no-untyped-def]
    routed = route_problems(problems, editor)
    routed.claims += [(p.row, p.column, p.message) for p in editor.cell_problems]
    routed.claims.sort(key=lambda problem: problem[0])
    where = []
    for path, messages in routed.fields.items():
        label = FIELD_LABELS.get(path, path)
        slot = field_slots.get(path)
        if slot is not None:
            slot.error(escape_markdown(f"{label} {'; '.join(messages)}"))
        where.append(label)
    if routed.access:
        access_slot.error("Cost of access has problems:")
        access_slot.dataframe(_problem_table(routed.access, ACCESS_LABELS), hide_index=True, width="stretch")
        where.append(_rows("cost of access", routed.access))
    if routed.claims:
        with claims_slot.container():
            st.error("These claims need fixing before the proposition can be saved:")
            st.dataframe(_problem_table(routed.claims, CLAIM_LABELS), hide_index=True, width="stretch")
        where.append(_rows("claims table", routed.claims))
    for message in routed.general:
        where.append(message)
    count = routed.count + len(editor.cell_problems)
    st.error(
        escape_markdown(
            f"Not saved: {count} problem{'s' if count != 1 else ''} to fix ({'; '.join(where)}). "
            "Your edits are kept."
        ),
        icon=":material/error:",
    )


def _rows(table: str, rows: list[tuple[int, str, str]]) -> str:
    """ "claims table, rows 2 and 4" """
    numbers = [str(row) for row in sorted({row for row, _, _ in rows})]
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"{table}, row{'s' if len(numbers) > 1 else ''} {listed}"


def _show_conflict(proposition_id: int, conflict: tuple, draft: Proposition | None) -> None:
    message, changes, their_version = conflict
    box = st.container(border=True)
    box.error(escape_markdown(message), icon=":material/sync_problem:")
    if changes:
        box.dataframe(changes_frame(changes), hide_index=True, width="stretch")
    cols = box.columns(2)
    if cols[0].button("Load their version", icon=":material/refresh:", key="vg_load_theirs"):
        _load_version(proposition_id, their_version)
        st.rerun()
    if draft is not None:
        cols[1].download_button(
            "Download my unsaved edits (YAML)",
            proposition_files.dumps(draft),
            file_name="my-unsaved-edits.yaml",
            mime="application/x-yaml",
            icon=":material/download:",
            on_click="ignore",
        )


def _import_export(ctx: PageContext, current: StoredProposition, seen: int) -> None:
    prop = current.proposition
    slug = "".join(c if c.isalnum() else "-" for c in prop.name.lower()).strip("-") or "proposition"
    st.markdown("**Export** the saved version as a proposition file (the format the CLI reads)")
    cols = st.columns(4)
    cols[0].download_button(
        "YAML", proposition_files.dumps(prop, "yaml"), f"{slug}.yaml", "application/x-yaml",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    cols[1].download_button(
        "JSON", proposition_files.dumps(prop, "json"), f"{slug}.json", "application/json",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    if not ctx.actor.can_edit:
        return
    st.markdown("**Replace from a file**: saved as a new version, so it can be undone from History")
    with st.form("replace_from_file", clear_on_submit=True):
        upload = st.file_uploader("Proposition file", type=["yaml", "yml", "json"])
        if st.form_submit_button("Replace with the file's content", icon=":material/upload_file:"):
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
            saved = ctx.store.save(current.id, new, seen_version=seen, actor=ctx.actor, action="import")
            _load_version(current.id, saved.version)
            flash(f"Replaced with {upload.name}: version {saved.version}.")
            st.rerun()


run_page(render, ctx)
