"""The Competitors page's read-only views: the evidence that measures our offer, the customer value
map, relative performance, and the claims made against competitors."""

from __future__ import annotations

from typing import Any

import streamlit as st

from valuegap.evidence import gaps
from valuegap.market import charts, competition
from valuegap.market.editing import (
    MarketEvidence,
    competitor_claims,
    fair_line_text,
    map_figures,
    survey_delivery,
)
from valuegap.model.proposition import Proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, choose_dataset, evidence_dataset, page
from valuegap.ui.cached_evidence import cached_analysis, cached_expectations, cached_summary
from valuegap.ui.charts import chart_downloads, show_altair
from valuegap.ui.panels.verdict_table import wrapped_table
from valuegap.ui.state_keys import (
    COMPETITOR_CLAIMS_DOWNLOADS,
    POSITIONS_DOWNLOADS,
    QUADRANT_DOWNLOADS,
    RELATIVE_DOWNLOADS,
    VALUE_MAP_CHART,
    VALUE_MAP_DOWNLOADS,
)
from valuegap.ui.tables import table_downloads

PRICE_WIDTH = 85  # px: "Price (USD)" whole
# the positions' columns but the price, which names the proposition's currency (position_columns)
POSITION_COLUMNS: dict[str, Any] = {
    "offer": st.column_config.TextColumn("Offer", width=150),
    "kind": st.column_config.TextColumn("Kind", width=120),
    "quality_ratio": st.column_config.NumberColumn("Relative quality", format="%.3f"),
    "relative_price": st.column_config.NumberColumn("Relative price", format="%.3f"),
    "value_advantage": st.column_config.NumberColumn(
        "Value advantage", format="%+.3f", width=110,
        help="How far below the fair-value line the offer sits: above 0 is better value than fair.",
    ),
    "fair_value": st.column_config.TextColumn("Fair value", width=130),
}  # fmt: skip
POSITION_SHOWN = ["offer", "kind", "price", "value_advantage", "fair_value"]
"""The positions on screen: 150 + 120 + 85 + 110 + 130 px fit the 620 px column of a 1024 px screen; the
relative quality and price (the map's axes) are under "Details"."""

RATIO_WIDTH = 195  # px: "Ours vs others, as measured" whole
CLAIM_TEXT_WIDTH = 210


def position_columns(currency: str) -> dict[str, Any]:
    """:data:`POSITION_COLUMNS` with the price named in the proposition's currency, as every offer's
    price on the map is (the prices alone read as bare numbers)."""
    price = st.column_config.NumberColumn(f"Price ({currency})", format="%.2f", width=PRICE_WIDTH)
    return {**POSITION_COLUMNS, "price": price}


def market_evidence(ctx: PageContext, stored: StoredProposition) -> MarketEvidence:
    """A picker of outcome data, and the delivery per metric (outcome data) and per survey item
    (current customer table) that scales our measured scores on the attributes linked to them."""
    dataset = choose_dataset(
        ctx, stored.id, help="Outcome data whose measured delivery scales our scores on linked attributes."
    )
    delivery: dict[str, float | None] = {}
    data_offers: frozenset[str] = frozenset()
    if dataset is not None:
        data_offers = frozenset(cached_summary(ctx.store, dataset.id).offers)
        analysis = cached_analysis(ctx.store, dataset.id, stored, alpha=0.05, correction="holm")
        delivery |= gaps.delivery_by_metric(analysis)
    customers = evidence_dataset(ctx, stored.id, "customers")  # chosen or pinned, never the newest
    if customers is not None:
        delivery |= survey_delivery(cached_expectations(ctx.store, customers.id, 0.05))
    if not delivery:
        st.caption(
            "No outcome or survey data linked to this proposition: our offer is shown as claimed only."
        )
    return MarketEvidence(delivery, data_offers)


def value_map_view(vm: competition.ValueMap, prop: Proposition, *, dirty: bool) -> None:
    """The customer value map: headline figures, the map (click an offer for its profile), the table."""
    st.subheader("Customer value map")
    if dirty:
        st.caption(":material/edit: Showing your unsaved edits.")
    # as wide as their labels, wrapping onto a second row on a narrow page (in four columns the
    # labels were cut to "Our relative quality …")
    row = st.container(horizontal=True, gap="medium")
    for figure in map_figures(vm):
        row.metric(figure.label, figure.value, delta=figure.delta, width="content")
    if vm.line is None:
        st.info(escape_markdown(vm.no_line_reason or "No fair-value line."))
    chart = charts.value_map_chart(vm)
    event = st.altair_chart(
        chart, width="stretch", on_select="rerun", selection_mode=charts.PICK, key=VALUE_MAP_CHART
    )
    picked = [row.get("offer") for row in (event.selection.get(charts.PICK) or [])] if event else []
    profile = charts.profile_chart(vm, picked[0] if picked else None)
    st.altair_chart(profile, width="stretch", height=charts.profile_height(vm))
    st.caption(charts.CAPTIONS["value_map"])
    chart_downloads(chart, "value map", key=VALUE_MAP_DOWNLOADS)
    st.caption(escape_markdown(charts.shift_caption(vm, prop.price.currency, prop.price.period.value)))
    line = fair_line_text(vm)
    if line is not None:
        st.caption(line)
    table = charts.positions_frame(vm)
    # an empty cell (no fair-value line) read "None"
    columns = position_columns(prop.price.currency)
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="–", column_order=POSITION_SHOWN,
        column_config=columns,
    )  # fmt: skip
    with st.expander("Details: relative quality and price of every offer"):
        st.dataframe(table, hide_index=True, width="stretch", placeholder="–", column_config=columns)
    table_downloads(table, "value map positions", key=POSITIONS_DOWNLOADS)


def relative_view(vm: competition.ValueMap) -> None:
    """Relative performance per attribute, importance against performance, and their table."""
    left, right = st.columns(2)
    with left:
        show_altair(
            charts.relative_chart(vm), "relative performance", key=RELATIVE_DOWNLOADS,
            caption=charts.CAPTIONS["relative"],
        )  # fmt: skip
    with right:
        measured = vm.measured is not None
        note = " Our performance here is as measured." if measured else ""
        show_altair(
            charts.quadrant_chart(competition.standings(vm, measured=measured)),
            "importance and performance", key=QUADRANT_DOWNLOADS, caption=charts.CAPTIONS["quadrant"] + note,
        )  # fmt: skip
    table = charts.relative_table(vm)
    ratios = {
        column: st.column_config.NumberColumn(
            column, format="%.2f", width=RATIO_WIDTH,
            help="Our score over the others' average on this attribute: 1 is as good as they are, "
            "above 1 better.",
        )
        for column in (charts.RELATIVE_CLAIMED, charts.RELATIVE_MEASURED)
    }  # fmt: skip
    config = {"Attribute": st.column_config.TextColumn("Attribute", width=150),
              "Weight": st.column_config.NumberColumn("Weight", width=70), **ratios}  # fmt: skip
    # every offer's own score is a column per offer: they go under "Details", however many offers there are
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="–", column_config=config,
        column_order=[c for c in ("Attribute", "Weight", *ratios) if c in table.columns],
    )  # fmt: skip
    with st.expander("Details: every offer's score per attribute"):
        st.dataframe(table, hide_index=True, width="stretch", placeholder="–", column_config=config)
    table_downloads(table, "relative performance", key=RELATIVE_DOWNLOADS)


def competitor_claims_view(
    prop: Proposition, offers: competition.Offers | None, evidence: MarketEvidence
) -> None:
    """The comparative and parity claims, whether their competitor is in the market and in the data."""
    table = competitor_claims(prop, offers, evidence.data_offers)
    if table.empty:
        st.info("This proposition has no comparative or parity claims.")
        return
    # the claim's copy wraps in its cell; its ID is in the downloads
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="–",
        **wrapped_table(table, {"text": CLAIM_TEXT_WIDTH}),
        column_order=["text", "form", "competitor", "in this market", "outcomes in the data"],
        column_config={
            "text": st.column_config.TextColumn("Claim", width=CLAIM_TEXT_WIDTH),
            "form": st.column_config.TextColumn("Kind of promise", width=150),
            "competitor": st.column_config.TextColumn("Competitor", width=100),
            "in this market": st.column_config.CheckboxColumn(
                "In market", width=75, help="The competitor is one of the offers in this market."
            ),
            "outcomes in the data": st.column_config.CheckboxColumn(
                "In data", width=70, help="The outcome data has rows of the competitor's customers."
            ),
        },
    )  # fmt: skip
    table_downloads(table, "claims against competitors", key=COMPETITOR_CLAIMS_DOWNLOADS)
    st.caption(
        "Comparative and parity claims are tested against the competitor's customers in the outcome data "
        "(rows whose offer is the competitor's name); their verdicts are on the Gap analysis page."
    )
    st.page_link(page("4_gap_analysis.py").path, label="See the verdicts", icon=":material/query_stats:")
