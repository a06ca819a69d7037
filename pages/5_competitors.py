"""Competitors: where our offer stands on the customer value map, as claimed and as measured."""

from __future__ import annotations

import streamlit as st

from valuegap.market.editing import (
    MARKET_TAB_NAMES,
    cannot_draw_line,
    cannot_draw_text,
    market_caption,
    opening_tab,
    standing_line,
)
from valuegap.ui import PageContext, choose_proposition, page_setup, run_page
from valuegap.ui.panels.market_editor import current_draft, market_editor
from valuegap.ui.panels.market_files import market_files
from valuegap.ui.panels.market_views import (
    competitor_claims_view,
    market_evidence,
    relative_view,
    value_map_view,
)
from valuegap.ui.state_keys import MARKET_TABS, keyed

ctx = page_setup("Competitors", ":material/leaderboard:")


def render(ctx: PageContext) -> None:
    st.title("Competitors")
    pickers = st.columns(2)
    with pickers[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    prop = stored.proposition
    saved = ctx.store.competitors(proposition_id)
    draft = current_draft(saved, prop)
    with pickers[1]:
        evidence = market_evidence(ctx, stored)
    # the price line under the pickers, full width: beside them it squeezed the pickers' names
    st.caption(market_caption(prop, saved))
    start = opening_tab(saved.version, can_edit=ctx.actor.can_edit)
    map_tab, relative_tab, edit_tab, files_tab, claims_tab = st.tabs(
        MARKET_TAB_NAMES, default=start, key=keyed(MARKET_TABS, proposition_id)
    )

    # the editor first: what is typed there is what the other tabs show
    standing = None
    with edit_tab:
        if ctx.actor.can_edit:
            standing = st.empty()  # one line, filled below: how the draft places us, or why it can't
            market_editor(ctx, draft, saved, prop, evidence.metrics)
        else:
            st.info("You have view-only access: the market is shown as saved.")
    offers, problems = draft.check(prop)
    with files_tab:
        market_files(ctx, draft, offers, prop, proposition_id)  # an upload works from any draft
    with claims_tab:
        competitor_claims_view(prop, offers, evidence)

    if offers is None:
        for tab in (map_tab, relative_tab):
            tab.warning(cannot_draw_text(problems))
        if standing is not None:
            standing.caption(":material/error: " + cannot_draw_line(problems))
        return
    vm = evidence.value_map(offers, draft.measured_by)
    if standing is not None:
        standing.caption(":material/insights: " + standing_line(vm, dirty=draft.dirty))
    with map_tab:
        value_map_view(vm, prop, dirty=draft.dirty)
    with relative_tab:
        relative_view(vm)


run_page(render, ctx)
