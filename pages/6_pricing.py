"""Pricing: what-if scenarios on price, cost of access and claims, and price research from surveys."""

from __future__ import annotations

import streamlit as st

from valuegap.pricing.research import newest_surveys
from valuegap.pricing.scenarios import EVERY_SEGMENT
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredDataset
from valuegap.ui import PageContext, choose_dataset, choose_proposition, page_setup, run_page
from valuegap.ui.cached_evidence import cached_summary
from valuegap.ui.cached_pricing import cached_price_ranges, what_if_inputs
from valuegap.ui.panels.churn_panel import churn_model
from valuegap.ui.panels.pricing_research import price_research
from valuegap.ui.panels.saved_scenarios import saved_scenarios
from valuegap.ui.panels.scenario_editor import open_linked_scenario, scenario_editor

ctx = page_setup("Pricing", ":material/sell:")


def render(ctx: PageContext) -> None:
    """The what-if on the chosen proposition and data, saved scenarios, the churn model, price research."""
    st.title("Pricing")
    top = st.columns(2)
    with top[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    with top[1]:
        outcomes = choose_dataset(
            ctx, stored.id,
            help="Outcome data whose measured estimates give the realized benefit and the value gap.",
        )  # fmt: skip
    what_if = what_if_inputs(ctx.store, stored, outcomes, shared=ctx.shared)
    # where the figures come from, under the pickers, full width: beside them it cut the pickers' names
    st.caption(_sources_caption(outcomes, what_if.customers))
    segments = [EVERY_SEGMENT, *(cached_summary(ctx.store, outcomes.id).named_segments if outcomes else [])]
    surveys = newest_surveys(ctx.store.datasets(kind="survey", proposition_id=stored.id))

    open_linked_scenario(ctx, stored)
    scenario_editor(ctx, stored, what_if.inputs_for, segments, cached_price_ranges(ctx.store, surveys))
    st.subheader("Saved scenarios")
    saved_scenarios(ctx, stored, what_if.inputs_for)
    st.subheader("Churn model")
    churn_model(what_if.fit, has_outcomes=outcomes is not None, has_customers=what_if.customers is not None)
    st.subheader("Price research")
    price_research(ctx, stored, surveys)


def _sources_caption(outcomes: StoredDataset | None, customers: StoredDataset | None) -> str:
    """Which data the value and the churn model come from, or what is missing."""
    value = (
        f"Value from **{escape_markdown(outcomes.label)}**."
        if outcomes
        else "No outcome data linked: value uses the promises only. Link data on the Evidence page."
    )
    churn = (
        f"Churn and revenue from **{escape_markdown(customers.label)}**."
        if customers
        else "No customer table linked: no churn or revenue."
    )
    return f"{value} {churn}"


run_page(render, ctx)
