"""Gap analysis: every claim promised vs measured, with its verdict, the value gap in money and a
defensible rewording; by segment; exaggerations ranked."""

from __future__ import annotations

import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.reporting.formatting import escape_markdown, format_money
from valuegap.sharing import links
from valuegap.sources.engine import ALL_PERIODS
from valuegap.ui import (
    PageContext,
    choose_proposition,
    evidence_dataset,
    flash,
    page_setup,
    run_page,
    url_choice,
)
from valuegap.ui.cached_evidence import (
    CORRECTIONS,
    accept_rewording,
    cached_analysis,
    cached_expectations,
    choose_analysis,
    rewordings_for,
    show_chart,
)
from valuegap.ui.reports import report_download
from valuegap.ui.tables import table_downloads
from valuegap.wording.checks import check_proposition

ctx = page_setup("Gap analysis", ":material/query_stats:")


def render(ctx: PageContext) -> None:
    st.title("Gap analysis")
    top = st.columns([2, 2, 1, 2])
    with top[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    prop = stored.proposition
    filters = st.columns([2, 2, 3])
    # the current evidence and the editor's settings, or exactly what a share link pinned
    choice = choose_analysis(ctx, stored, (top[1], top[2], top[3], filters[0], filters[1]))
    if choice is None:
        return
    dataset, summary, alpha, correction = choice.dataset, choice.summary, choice.alpha, choice.correction
    segment, period = choice.segment, choice.period
    analysis = cached_analysis(
        ctx.store, dataset.id, stored, alpha=alpha, correction=correction,
        segment=None if segment == "all" else segment, period=ALL_PERIODS if period == "all" else period,
    )  # fmt: skip
    with filters[2]:
        st.caption(
            f"Evidence: **{escape_markdown(dataset.label)}**, {dataset.rows_kept:,} rows, uploaded "
            f"{dataset.created_at:%Y-%m-%d} by {escape_markdown(dataset.created_by)}. Proposition version "
            f"{stored.version}. α = {alpha:g}, {CORRECTIONS[correction]}."
        )
        report_download(ctx, analysis, dataset, proposition_id)
    flags = _flags(prop)
    _headline(analysis, prop.price.currency)
    sections = {
        "Verdicts": lambda: _verdicts(ctx, proposition_id, analysis, flags, stored.version, summary, period),
        "By segment": lambda: _by_segment(ctx, dataset.id, stored, alpha, correction, period),
        "Value gap": lambda: _value_gap(analysis),
        "Expectations": lambda: _expectations(ctx, proposition_id, alpha),
        "Exaggerations": lambda: _exaggerations(analysis, flags),
    }
    # the open tab is in the URL, and only it runs: a filter change redraws one tab's charts, not five
    tabs = st.tabs(list(sections), key=links.TAB, bind="query-params")
    for tab, show in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                show()


def _flags(prop) -> dict[str, list]:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for flag in check_proposition(prop):
        found.setdefault(flag.claim_id, []).append(flag)
    return found


def _headline(analysis: Analysis, currency: str) -> None:
    counts = {v: 0 for v in gaps.VERDICT_ORDER}
    for result in analysis.results:
        counts[result.verdict.verdict.value] += 1
    cols = st.columns(5)
    cols[0].metric("Exaggerated", counts["exaggerated"])
    cols[1].metric("Inconclusive", counts["inconclusive"])
    cols[2].metric("Substantiated", counts["substantiated"])
    untested = gaps.untested_note(counts)
    if untested:
        cols[2].caption(untested)
    if analysis.value is not None:
        for col, tile in zip(cols[3:], gaps.headline_tiles(analysis.value, currency), strict=True):
            col.metric(tile.label, tile.value, delta=tile.delta, help=tile.help)
            if tile.note:
                col.caption(escape_markdown(tile.note))


def _verdicts(  # type: ignore[no-untyped-def]
    ctx: PageContext, proposition_id: int, analysis: Analysis, flags: dict, version: int, summary, period: str
) -> None:
    show_chart("claims", gaps.claims_chart_frame(analysis))
    rewordings = rewordings_for(analysis)
    table = gaps.claims_table(
        analysis, flags=flags, rewordings={k: r.text for k, r in rewordings.items() if r.changed}
    )
    st.dataframe(
        gaps.readable_p_values(table.drop(columns=["text", "estimate", "ci_low", "ci_high", "p_value"]),
                               ["p_adjusted"]),
        hide_index=True, width="stretch", placeholder="–",
        # what a reader looks for first, before the columns that need scrolling to
        column_order=["claim", "verdict", "promised", "measured", "why", "fulfilment", "p_adjusted", "n",
                      "more_customers_needed", "defensible", "suggested_wording", "gap_money",
                      "wording_flags", "form"],
        column_config={
            "claim": "Claim", "form": "Form", "promised": "Promised", "n": "Customers",
            "measured": "Measured", "verdict": "Verdict", "wording_flags": "Wording flags",
            "why": st.column_config.TextColumn("Why", width="large"),
            "fulfilment": st.column_config.NumberColumn("Fulfilment", format="percent"),
            "p_adjusted": st.column_config.TextColumn("Adjusted p"),
            "defensible": st.column_config.NumberColumn("Defensible value", format="%.3g"),
            "gap_money": st.column_config.NumberColumn("Gap (money)", format="%.2f"),
            "more_customers_needed": st.column_config.NumberColumn("More customers needed", format="%d"),
            "suggested_wording": st.column_config.TextColumn("Suggested wording", width="large"),
        },
    )  # fmt: skip
    st.caption(
        "Verdicts use one-sided tests in the claim's direction; p-values are adjusted across all claims."
    )
    table_downloads(table, "claim verdicts", key="verdicts")
    candidates = {k: r for k, r in rewordings.items() if r.changed}
    if candidates and ctx.actor.can_edit:
        st.subheader("Defensible rewording")
        for claim_id, rewording in candidates.items():
            claim = next(r.claim for r in analysis.results if r.claim.id == claim_id)
            row = st.columns([4, 4, 1])
            row[0].text(f"Now: {claim.text}")
            row[1].text(f"Suggested: {rewording.text}")
            if row[2].button("Accept", key=f"accept_{claim_id}_{version}", help=rewording.reason):
                saved = accept_rewording(
                    ctx, proposition_id, analysis, claim_id, rewording, seen_version=version
                )
                flash(f"Claim {claim_id} reworded; saved as version {saved.version}.")
                st.rerun()
    with st.expander("Distribution of a claim's outcomes"):
        measurable = [r.claim for r in analysis.results if r.claim.metric and r.claim.claimed is not None]
        if not measurable:
            st.caption("No measurable claims.")
            return
        ids = [c.id for c in measurable]
        chosen = url_choice("Claim", ids, param=links.CLAIM, default=ids[0])
        claim = next(c for c in measurable if c.id == chosen)
        competitors = {c.competitor for c in analysis.proposition.claims if c.competitor}
        sample = summary.sample(
            claim.metric,
            exclude_offers=competitors,
            segment=analysis.segment,
            period=period if period != "all" else ALL_PERIODS,
        )
        if sample is None:
            st.info(f"No outcomes for metric {claim.metric} in this selection.")
            return
        show_chart(
            "distribution", sample.histogram(), **gaps.distribution_marks(claim), unit=claim.unit,
            direction=claim.direction.value,
        )  # fmt: skip


def _by_segment(
    ctx: PageContext, dataset_id: int, stored, alpha: float, correction: str, period: str
) -> None:  # type: ignore[no-untyped-def]
    analysis = cached_analysis(
        ctx.store, dataset_id, stored, alpha=alpha, correction=correction, by_segment=True,
        period=ALL_PERIODS if period == "all" else period,
    )  # fmt: skip
    cells = gaps.heatmap_cells(analysis)
    if cells["segment"].eq("all").all():
        st.info("The outcome data have no segment column, so there is nothing to split by.")
        return
    show_chart("heatmap", cells)


def _value_gap(analysis: Analysis) -> None:
    if analysis.value is None:
        return
    prop = analysis.proposition
    steps = gaps.waterfall_steps(analysis.value, prop)
    show_chart("waterfall", steps, currency=prop.price.currency)
    value = gaps.value_summary(analysis.value)
    cols = st.columns(4)
    money = lambda v: format_money(v or 0.0, prop.price.currency)  # noqa: E731
    cols[0].metric("Promised benefit", money(value["promised_benefit"]))
    cols[1].metric("Realized benefit", money(value["realized_benefit"]))
    cols[2].metric("Price + cost of access", money(value["sacrifice"]))
    ratio, promised_ratio = value["value_ratio"], value["value_ratio_as_promised"]
    cols[3].metric(
        "Value ratio", f"{ratio:.2f}" if ratio is not None else "–",
        delta=f"{ratio - promised_ratio:+.2f} vs promised" if ratio is not None and promised_ratio else None,
        help="Realized benefit divided by price plus cost of access (1 = the customer breaks even).",
    )  # fmt: skip
    notes = [(c.claim_id, c.note) for c in analysis.value.claims if c.note]
    if notes:
        st.caption(
            "Left out of the money: "
            + "; ".join(f"{escape_markdown(i)} ({escape_markdown(n)})" for i, n in notes)
        )


def _expectations(ctx: PageContext, proposition_id: int, alpha: float) -> None:
    current = evidence_dataset(ctx, proposition_id, "customers")  # chosen or pinned, never the newest
    customers = [current] if current is not None else []
    if not customers:
        st.info(
            "Upload a customer table with survey items (`expected_<item>`, `experienced_<item>`) on the "
            "Evidence page to compare what customers expected with what they experienced."
        )
        return
    frame = cached_expectations(ctx.store, customers[0].id, alpha)
    if frame.empty:
        st.info(f"{escape_markdown(customers[0].label)} has no paired expected_/experienced_ survey items.")
        return
    st.caption(f"From {escape_markdown(customers[0].label)}")
    show_chart("expectation", frame)
    st.dataframe(
        gaps.readable_p_values(frame, ["p_value"]), hide_index=True, width="stretch", placeholder="–",
        column_config={
            "item": "Survey item", "n": "Respondents",
            "expected": st.column_config.NumberColumn("Expected (mean)", format="%.2f"),
            "experienced": st.column_config.NumberColumn("Experienced (mean)", format="%.2f"),
            "gap": st.column_config.NumberColumn("Gap", format="%+.2f"),
            "ci_low": st.column_config.NumberColumn("Gap CI from", format="%+.2f"),
            "ci_high": st.column_config.NumberColumn("Gap CI to", format="%+.2f"),
            "p_value": st.column_config.TextColumn("p"), "verdict_text": "Reading",
        },
    )  # fmt: skip
    table_downloads(frame, "expected vs experienced", key="expectations")


def _exaggerations(analysis: Analysis, flags: dict) -> None:
    ranked = gaps.ranked_exaggerations(analysis, flags)
    if ranked.empty:
        st.success("No claim is statistically exaggerated or has wording flags in this selection.")
        return
    st.caption(
        "Worst first: statistically exaggerated claims by how much money they take out of the promise "
        "(then by fulfilment), then claims whose wording alone is a risk."
    )
    st.dataframe(
        ranked, hide_index=True, width="stretch", placeholder="–",
        column_config={
            "rank": "Rank", "claim": "Claim", "text": "Wording", "verdict": "Verdict",
            "why": st.column_config.TextColumn("Why", width="large"),
            "fulfilment": st.column_config.NumberColumn("Fulfilment", format="percent"),
            "gap_money": st.column_config.NumberColumn("Gap (money per customer)", format="%.2f"),
        },
    )  # fmt: skip
    table_downloads(ranked, "exaggerated claims", key="exaggerations")


run_page(render, ctx)
