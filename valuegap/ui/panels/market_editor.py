"""The Competitors page's market editor: attribute weights and links, the offers grid, Save and Discard.

The market being edited is a :class:`valuegap.market.editing.MarketDraft` kept in the session per
proposition; every rule about it (when it is kept, what counts as an edit, when the widgets are drawn
afresh) is the draft's. This panel only draws it and hands it what the widgets say. Its widget keys
carry the draft's revision, so after a save, a discard or a file taken the widgets show the draft
and keep nothing from before.
"""

from __future__ import annotations

import streamlit as st

from valuegap.errors import ConflictError
from valuegap.market.editing import NOT_MEASURED, MarketDraft, weight_status
from valuegap.model.proposition import Proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import StoredOffers
from valuegap.ui import PageContext, flash
from valuegap.ui.state_keys import (
    MARKET_ADD_ATTRIBUTE,
    MARKET_DRAFT,
    MARKET_DROP,
    MARKET_LINK,
    MARKET_OFFERS_GRID,
    MARKET_WEIGHT,
    keyed,
)

LINK_HELP = "The metric (or survey item) whose measured delivery scales our score on this attribute."


def current_draft(saved: StoredOffers, prop: Proposition) -> MarketDraft:
    """The session's draft of this proposition's market, started afresh when someone saved a newer one."""
    key = keyed(MARKET_DRAFT, saved.proposition_id)
    previous = st.session_state.get(key)
    draft = MarketDraft.for_saved(previous if isinstance(previous, MarketDraft) else None, saved, prop)
    st.session_state[key] = draft
    return draft


def market_editor(
    ctx: PageContext, draft: MarketDraft, saved: StoredOffers, prop: Proposition, metrics: list[str]
) -> None:
    """The whole editor: attributes, the offers grid, what keeps the draft from being saved, Save."""
    _attributes(draft, saved.proposition_id, metrics)
    _offers_grid(draft, saved.proposition_id, prop.price.currency)
    offers, problems = draft.check(prop)
    for problem in problems:
        st.caption(f":material/error: {escape_markdown(problem)}")
    row = st.container(horizontal=True)  # buttons as wide as their words: in columns, "Save the …"
    if (
        row.button("Save the market", type="primary", disabled=offers is None or not draft.dirty)
        and offers is not None
    ):
        try:
            stored = ctx.store.save_competitors(
                saved.proposition_id, offers, draft.measured_by, seen_version=draft.base_version,
                actor=ctx.actor,
            )  # fmt: skip
        except ConflictError as conflict:
            st.error(escape_markdown(conflict.message))
            return
        draft.reset(stored, prop)
        flash(f"Market saved as version {stored.version}.")
        st.query_params[links.PROPOSITION] = str(saved.proposition_id)
        st.rerun()
    if row.button("Discard edits", disabled=not draft.dirty):
        draft.reset(saved, prop)
        st.rerun()


def _attributes(draft: MarketDraft, proposition_id: int, metrics: list[str]) -> None:
    """One row per attribute (weight, the metric measuring it, remove), the running total, Add."""
    revision = draft.revision
    st.markdown("**Attributes and their importance** (weights sum to 100)")
    for attribute in list(draft.attributes):
        name = escape_markdown(attribute)
        cells = st.columns([3, 2, 3, 1], vertical_alignment="bottom")
        cells[0].markdown(name)
        weight = cells[1].number_input(
            f"Weight of {name}", min_value=0.0, max_value=100.0, step=1.0,
            value=float(draft.attributes[attribute] or 0), label_visibility="collapsed",
            key=keyed(MARKET_WEIGHT, proposition_id, revision, attribute),
        )  # fmt: skip
        draft.set_weight(attribute, weight)
        options = [NOT_MEASURED, *metrics]
        current = draft.link(attribute)
        if current not in options:
            options.append(current)
        link = cells[2].selectbox(
            f"Measured by ({name})", options, index=options.index(current), label_visibility="collapsed",
            key=keyed(MARKET_LINK, proposition_id, revision, attribute), help=LINK_HELP,
        )  # fmt: skip
        draft.set_link(attribute, link)
        drop = keyed(MARKET_DROP, proposition_id, revision, attribute)
        if cells[3].button(":material/delete:", key=drop, help=f"Remove {name}"):
            draft.remove_attribute(attribute)
            st.rerun()
    ok, status = weight_status(draft.weight_total)
    (st.success if ok else st.error)(status, icon=":material/check:" if ok else ":material/error:")
    form = keyed(MARKET_ADD_ATTRIBUTE, proposition_id, revision)
    with st.form(form, clear_on_submit=True, border=False):
        cells = st.columns([3, 1], vertical_alignment="bottom")
        name = cells[0].text_input("New attribute", placeholder="e.g. Integrations", max_chars=120)
        if cells[1].form_submit_button("Add attribute") and name.strip():
            problem = draft.add_attribute(name)
            if problem:
                st.error(escape_markdown(problem))
            else:
                st.rerun()


def _offers_grid(draft: MarketDraft, proposition_id: int, currency: str) -> None:
    """The offers and their scores, one row each; rows can be added and removed."""
    st.markdown("**Offers and their scores** (ours is the ticked row; add a row per competitor)")
    edited = st.data_editor(
        draft.grid(), key=keyed(MARKET_OFFERS_GRID, proposition_id, draft.revision), num_rows="dynamic",
        hide_index=True, width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Offer", required=True, max_chars=120),
            "price": st.column_config.NumberColumn(f"Price ({currency})", min_value=0.0, format="%.2f"),
            "ours": st.column_config.CheckboxColumn("Ours"),
            **{a: st.column_config.NumberColumn(a, min_value=0.0) for a in draft.attributes},
        },
    )  # fmt: skip
    draft.take_grid(edited)
