"""The Share page's stakeholder report: the outcome data and a saved what-if to include, the download
buttons, and which evidence and settings its verdicts use.

A viewer's report is of what their link pinned; an editor's is of the current evidence at the
default settings (other settings: the Gap analysis page's own download).
"""

from __future__ import annotations

import streamlit as st

from valuegap.evidence.claim_tests import as_correction
from valuegap.pricing import scenarios
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import listing, tokens
from valuegap.sources.engine import ALL_PERIODS
from valuegap.store import StoredProposition, StoredScenario
from valuegap.ui import PageContext, choose_dataset
from valuegap.ui.cached_evidence import cached_analysis
from valuegap.ui.cached_pricing import what_if_inputs
from valuegap.ui.reports import report_download
from valuegap.ui.state_keys import SHARE_REPORT


def share_report(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    """The report's choices and downloads, or why there is no report yet."""
    # the two choices share a row and the downloads get their own: in a third column the dataset's
    # name was cut and the three buttons took two rows
    cells = st.columns(2)
    with cells[0]:
        dataset = choose_dataset(ctx, stored.id, label="Outcome data")
    if dataset is None:
        st.info("The report needs outcome data: there is none for this proposition yet.")
        return
    shared_scenario = ctx.shared.scenario_id if ctx.shared is not None else None
    options = [listing.WHOLE_PROPOSITION, *(item.id for item in saved)]
    with cells[1]:
        choice = st.selectbox(
            "What-if to include", options,
            index=options.index(shared_scenario) if shared_scenario in options else 0,
            format_func=lambda choice: listing.what_if_label(choice, saved),
        )  # fmt: skip
    settings = ctx.shared.settings if ctx.shared is not None else tokens.ViewSettings()
    analysis = cached_analysis(
        ctx.store, dataset.id, stored, alpha=settings.alpha, correction=as_correction(settings.correction),
        segment=settings.segment, period=settings.period or ALL_PERIODS,
    )  # fmt: skip
    chosen = next((item for item in saved if item.id == choice), None)
    scenario = None
    if chosen is not None:
        inputs = what_if_inputs(ctx.store, stored, dataset, shared=ctx.shared)
        scenario = scenarios.evaluate(inputs.inputs_for(chosen.scenario.segment), chosen.scenario)
    report_download(ctx, analysis, dataset, stored.id, scenario=scenario, key=SHARE_REPORT)
    line = tokens.describe_view(dataset.label, dataset.created_at, settings)
    st.caption(
        escape_markdown(f"The report's verdicts use {line}.")
        + ("" if ctx.shared is not None else " For other settings, download it from the Gap analysis page.")
    )
