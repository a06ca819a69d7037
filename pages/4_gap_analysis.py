"""Gap analysis: every claim promised vs measured, with its verdict, the value gap in money and a
defensible rewording; by segment; exaggerations ranked."""

from __future__ import annotations

import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.sources.engine import ALL_PERIODS
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, choose_proposition, evidence_dataset, page_setup, run_page
from valuegap.ui.cached_evidence import (
    CORRECTIONS,
    AnalysisChoice,
    cached_analysis,
    cached_expectations,
    choose_analysis,
    show_chart,
)
from valuegap.ui.panels.claim_distribution import claim_distribution
from valuegap.ui.panels.gap_headline import gap_headline, value_gap_figures
from valuegap.ui.panels.rewording_offers import rewording_offers
from valuegap.ui.panels.verdict_table import exaggerations_table, expectations_table, verdict_table
from valuegap.ui.reports import report_download
from valuegap.ui.state_keys import REPORT_DOWNLOADS

ctx = page_setup("Gap analysis", ":material/query_stats:")


def render(ctx: PageContext) -> None:
    st.title("Gap analysis")
    # what to analyse, which customers, how strictly: two pickers a row, each wide enough for its
    # longest value at 1024 px (three a row cut the proposition's name and Benjamini–Hochberg)
    what, who, how = st.columns([3, 2]), st.columns([3, 2]), st.columns([3, 2])
    with what[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    # the current evidence and the editor's settings, or exactly what a share link pinned
    choice = choose_analysis(ctx, stored, (what[1], how[1], how[0], who[0], who[1]))
    if choice is None:
        return
    dataset, period = choice.dataset, ALL_PERIODS if choice.period == "all" else choice.period
    analysis = cached_analysis(
        ctx.store, dataset.id, stored, alpha=choice.alpha, correction=choice.correction,
        segment=None if choice.segment == "all" else choice.segment, period=period,
    )  # fmt: skip
    st.caption(
        f"Evidence: **{escape_markdown(dataset.label)}**, {dataset.rows_kept:,} rows, uploaded "
        f"{dataset.created_at:%Y-%m-%d} by {escape_markdown(dataset.created_by)}. Proposition version "
        f"{stored.version}. α = {choice.alpha:g}, {CORRECTIONS[choice.correction]}."
    )
    report_download(ctx, analysis, dataset, proposition_id, key=REPORT_DOWNLOADS)
    gap_headline(analysis, stored.proposition.price.currency)
    sections = {
        "Verdicts": lambda: _verdicts(ctx, proposition_id, analysis, stored.version, choice),
        "By segment": lambda: _by_segment(ctx, stored, choice, period),
        "Value gap": lambda: value_gap_figures(analysis),
        "Expectations": lambda: _expectations(ctx, proposition_id, choice.alpha),
        "Exaggerations": lambda: exaggerations_table(analysis),
    }
    # the open tab is in the URL, and only it runs: a filter change redraws one tab's charts, not five
    tabs = st.tabs(list(sections), key=links.TAB, bind="query-params")
    for tab, show in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                show()


def _verdicts(
    ctx: PageContext, proposition_id: int, analysis: Analysis, version: int, choice: AnalysisChoice
) -> None:
    show_chart("claims", gaps.claims_chart_frame(analysis))
    flags = gaps.wording_flags_by_claim(analysis.proposition)
    suggested = {claim_id: r.text for claim_id, r in gaps.suggested_rewordings(analysis).items()}
    verdict_table(
        gaps.claims_table(analysis, flags=flags, rewordings=suggested), analysis.proposition.price.currency
    )
    rewording_offers(ctx, proposition_id, analysis, version)
    claim_distribution(analysis, choice.summary, choice.period)


def _by_segment(ctx: PageContext, stored: StoredProposition, choice: AnalysisChoice, period: str) -> None:
    analysis = cached_analysis(
        ctx.store, choice.dataset.id, stored, alpha=choice.alpha, correction=choice.correction,
        by_segment=True, period=period,
    )  # fmt: skip
    cells = gaps.heatmap_cells(analysis)
    if cells["segment"].eq("all").all():
        st.info("The outcome data have no segment column, so there is nothing to split by.")
        return
    show_chart("heatmap", cells)


def _expectations(ctx: PageContext, proposition_id: int, alpha: float) -> None:
    customers = evidence_dataset(ctx, proposition_id, "customers")  # chosen or pinned, never the newest
    if customers is None:
        st.info(
            "Upload a customer table with survey items (`expected_<item>`, `experienced_<item>`) on the "
            "Evidence page to compare what customers expected with what they experienced."
        )
        return
    frame = cached_expectations(ctx.store, customers.id, alpha)
    if frame.empty:
        st.info(f"{escape_markdown(customers.label)} has no paired expected_/experienced_ survey items.")
        return
    st.caption(f"From {escape_markdown(customers.label)}")
    show_chart("expectation", frame)
    expectations_table(frame)


run_page(render, ctx)
