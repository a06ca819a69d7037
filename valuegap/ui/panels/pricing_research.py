"""The Pricing page's price research: Van Westendorp, Gabor-Granger and elasticity from the newest
survey of each method (:func:`valuegap.pricing.research.newest_surveys`), and the upload tab."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.pricing import charts, research
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import StoredDataset, StoredProposition
from valuegap.ui import PageContext
from valuegap.ui import state_keys as keys
from valuegap.ui.cached_pricing import cached_elasticity, cached_gabor_granger, cached_van_westendorp
from valuegap.ui.charts import show_altair
from valuegap.ui.panels.survey_upload import survey_upload
from valuegap.ui.tables import money_texts, table_downloads

GG_MONEY = ("price", "revenue", "profit")
"""The Gabor-Granger demand table's money columns."""

UPLOAD_TAB = "Upload research data"
MISSING = {
    "van_westendorp": "No Van Westendorp survey",
    "gabor_granger": "No Gabor-Granger survey",
    "transactions": "No transactions (price and quantity per sale)",
}


def price_research(ctx: PageContext, stored: StoredProposition, surveys: Mapping[str, StoredDataset]) -> None:
    """One tab per method, read from ``surveys`` (method → dataset), and a tab to upload another."""
    currency = stored.proposition.price.currency
    tabs = st.tabs(["Van Westendorp", "Gabor-Granger", "Elasticity", UPLOAD_TAB])
    with tabs[0]:
        _van_westendorp(ctx, surveys.get("van_westendorp"), currency)
    with tabs[1]:
        _gabor_granger(ctx, surveys.get("gabor_granger"), currency)
    with tabs[2]:
        _elasticity(ctx, surveys.get("transactions"))
    with tabs[3]:
        survey_upload(ctx, stored)


def _missing(method: str) -> None:
    st.info(f"{MISSING[method]} linked to this proposition yet; upload it in the **{UPLOAD_TAB}** tab.")


def _van_westendorp(ctx: PageContext, dataset: StoredDataset | None, currency: str) -> None:
    if dataset is None:
        _missing("van_westendorp")
        return
    try:
        vw = cached_van_westendorp(ctx.store, dataset.id)
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    st.caption(f"From **{escape_markdown(dataset.label)}**.")
    for note in vw.notes:  # a point the data do not identify
        st.warning(escape_markdown(note), icon=":material/help:")
    points = vw.points_frame()
    show_altair(
        charts.van_westendorp_chart(vw), "van westendorp", key=keys.VAN_WESTENDORP_DOWNLOADS,
        caption=charts.van_westendorp_caption(vw, currency),
    )  # fmt: skip
    money = st.column_config.NumberColumn(format=f"{currency} %.2f")
    st.dataframe(
        points, hide_index=True, width="stretch", height="content",
        column_config={
            "point": st.column_config.TextColumn("Price point"),
            "price": st.column_config.NumberColumn("Price", format=f"{currency} %.2f"), "note": "Note",
            "95% low": money, "95% high": money,
        },
    )  # fmt: skip
    table_downloads(points, "van westendorp points", key=keys.VW_POINTS_DOWNLOADS)
    st.caption(
        f"{vw.n} respondents used; {vw.dropped} dropped: {vw.dropped_incomplete} with a blank answer and "
        f"{vw.dropped_inconsistent} with answers out of order (too cheap < cheap < expensive < too "
        "expensive must hold). Both range definitions are shown."
        + (" Intervals: bootstrap over respondents (small sample)." if vw.intervals else "")
    )
    left_out = (
        ("respondents with a blank answer", vw.rows_of(research.INCOMPLETE), keys.VW_INCOMPLETE_DOWNLOADS),
        ("respondents with answers out of order", vw.rows_of(research.INCONSISTENT), keys.VW_ORDER_DOWNLOADS),
        ("respondents with invalid answers, left out at import", vw.invalid_rows, keys.VW_INVALID_DOWNLOADS),
    )  # fmt: skip
    for what, rows, key in left_out:
        if len(rows):
            with st.expander(f"The {len(rows)} {what}"):
                st.caption(
                    f"The {len(rows)} {what}: their answers, by row of the survey file. Correct them in the "
                    "file and upload it again in the **Upload research data** tab to count them."
                )
                st.dataframe(rows, hide_index=True, width="stretch")
                table_downloads(rows, f"van westendorp {what}", key=key)


def _gabor_granger(ctx: PageContext, dataset: StoredDataset | None, currency: str) -> None:
    if dataset is None:
        _missing("gabor_granger")
        return
    unit_cost = st.number_input(
        f"Unit cost ({currency}, optional)", min_value=0.0, value=None, step=1.0,
        help="With a unit cost the profit-maximising price is shown too.", key=keys.UNIT_COST,
    )  # fmt: skip
    try:
        gg = cached_gabor_granger(ctx.store, dataset.id, unit_cost)
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    st.caption(f"From **{escape_markdown(dataset.label)}**.")
    show_altair(
        charts.gabor_granger_chart(gg), "gabor-granger demand", key=keys.GABOR_GRANGER_DOWNLOADS,
        caption=charts.gabor_granger_caption(gg, currency),
    )  # fmt: skip
    # money as text: a loss per respondent reads "-USD 3.40", never "USD -3.40"; the downloads keep numbers
    money = {name: money_texts(gg.demand[name], currency) for name in GG_MONEY if name in gg.demand}
    st.dataframe(
        gg.demand.assign(**money), hide_index=True, width="stretch", height="content",
        column_config={
            "price": st.column_config.TextColumn("Tested price"),
            "share": st.column_config.NumberColumn("Would buy", format="percent"),
            "revenue": st.column_config.TextColumn("Revenue per respondent"),
            "profit": st.column_config.TextColumn("Profit per respondent"),
        },
    )  # fmt: skip
    table_downloads(gg.demand, "gabor-granger demand", key=keys.GG_DEMAND_DOWNLOADS)
    for note in gg.notes:
        st.caption(escape_markdown(note))


def _elasticity(ctx: PageContext, dataset: StoredDataset | None) -> None:
    if dataset is None:
        _missing("transactions")
        return
    try:
        result = cached_elasticity(ctx.store, dataset.id)
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    cells = st.columns(3)
    cells[0].metric("Price elasticity", f"{result.elasticity:.2f}")
    known = result.ci_low is not None and result.ci_high is not None
    interval = f"{result.ci_low:.2f} – {result.ci_high:.2f}" if known else "—"
    cells[1].metric("95% interval", interval)
    cells[2].metric("Transactions used", f"{result.n:,}")
    st.caption(f"Log-log OLS of quantity on price. {escape_markdown(result.note)}")
