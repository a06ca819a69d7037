"""A what-if against today: metric tiles with their changes; the full table and what it means."""

from __future__ import annotations

import streamlit as st

from valuegap.pricing.churn import revenue_sentences
from valuegap.pricing.scenarios import ScenarioInputs, ScenarioResult
from valuegap.reporting.formatting import escape_markdown, format_money_compact
from valuegap.ui import state_keys as keys
from valuegap.ui.tables import table_downloads

# label, value, change, delta colour, help
Tile = tuple[str, str, str | None, str, str | None]
REVENUE_FIGURES = ("revenue_at_risk", "under_delivery", "net_effect")
TILE_WIDTH = 190  # pixels: two tiles a row in the what-if column at 1400 px, one a row at 1024 px


def _change(value: float | None, fmt: str) -> str | None:
    """A tile's change, or None (no arrow) when there is none."""
    return None if value is None or abs(value) < 1e-12 else fmt.format(value)


def _money_change(value: float | None, currency: str) -> str | None:
    """A tile's change in money, the sign before the currency (``+USD 3.40``, ``-USD 186.1k``), or None
    (no arrow) when there is none."""
    return None if value is None or abs(value) < 1e-12 else format_money_compact(value, currency, signed=True)


def _ratio(value: float | None, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def scenario_results(result: ScenarioResult, inputs: ScenarioInputs, currency: str, period: str) -> None:
    """Tiles for value, position, churn and revenue (the table is :func:`scenario_table`)."""
    what_if = result.what_if
    tiles: list[Tile] = [
        ("Net value", format_money_compact(what_if.net_value, currency),
         _money_change(result.delta("net_value"), currency), "normal",
         f"Net customer value per {period}: realized benefit minus price and cost of access."),
        ("Value ratio", _ratio(what_if.value_ratio, "{:.2f}"),
         _change(result.delta("value_ratio"), "{:+.3f}"), "normal",
         "Realized benefit over price plus cost of access (1 = customers get what they pay)."),
        ("Value gap", format_money_compact(what_if.value_gap, currency),
         _money_change(result.delta("value_gap"), currency), "inverse",
         f"Promised minus realized benefit per customer and {period}."),
        ("Advantage", _ratio(what_if.value_advantage, "{:+.3f}"),
         _change(result.delta("value_advantage"), "{:+.3f}"), "normal",
         "Value advantage on the value map: distance below the fair-value line against the same "
         "competitors (positive = better value)."),
    ]  # fmt: skip
    if what_if.churn_rate is not None:
        churn_change = result.delta("churn_rate")
        tiles += [
            ("Churn", f"{what_if.churn_rate:.1%}",
             None if churn_change is None else _change(100 * churn_change, "{:+.2f} pp"), "inverse",
             f"Predicted churn rate; 95% band {what_if.churn_low:.1%} – {what_if.churn_high:.1%} "
             "(delta method)."),
            *_revenue_tiles(result, currency, period),
        ]  # fmt: skip
    else:
        tiles += [
            ("Churn", "—", None, "off", inputs.churn_note or "No churn model."),
            ("Revenue", format_money_compact(what_if.revenue, currency),
             _money_change(result.delta("revenue"), currency), "normal",
             f"Revenue over {result.proposition.horizon} {period}s, without churn: no churn model."),
        ]  # fmt: skip
    with st.container(horizontal=True, gap="small"):  # tiles wrap onto more rows in a narrow column
        for label, value, delta, color, help_text in tiles:
            st.metric(label, value, delta, delta_color=color, help=help_text, width=TILE_WIDTH)  # type: ignore[arg-type]  # color is one of Streamlit's literals
    if what_if.churn_rate is None and inputs.churn_note:
        st.caption(f"No churn prediction: {escape_markdown(inputs.churn_note)}")


def scenario_table(result: ScenarioResult, currency: str) -> None:
    """Every metric today and in the what-if, each in its unit, with downloads and what the rows mean."""
    # the metric's name whole ("Net effect of delivering exactly the promise") beside three money
    # columns as wide as "BRL 1,475,533.80": 600 px, inside a 1024 px screen's column
    st.dataframe(
        result.display_table(currency), hide_index=True, width="stretch", height="content",
        column_config={
            "Metric": st.column_config.TextColumn("Metric", width=270),
            "Today": st.column_config.Column("Today", width=115),
            "What-if": st.column_config.Column("What-if", width=115),
            "Change": st.column_config.Column("Change", width=90),
        },
    )  # fmt: skip
    table_downloads(result.to_frame(), "what-if against today", key=keys.WHAT_IF_DOWNLOADS)
    st.caption(
        "Today against the what-if. The churn model sees price and the value gap; the cost of access "
        "changes customer value but not predicted churn. Revenue at risk = Σ churn probability × revenue "
        "× horizon. Under-delivery: what removing only the shortfalls (customers who got less than "
        "promised) would take off it; net effect: what delivering exactly the promise to every customer "
        "would take off it (negative when customers get more than promised). Intervals: 95%, delta method."
    )


def _revenue_tiles(result: ScenarioResult, currency: str, period: str) -> list[Tile]:
    """Revenue at risk, under-delivery and the net effect of delivering the promise (METHODS section 7):
    a gap figure is called a share of revenue at risk only when it lies between 0 and the total."""
    at_risk, under, net = figures = [result.what_if.revenue_figure(name) for name in REVENUE_FIGURES]
    words = revenue_sentences(at_risk, under, net, currency)
    labels = ("Revenue at risk", "From under-delivery", "Promise kept")
    lead = (
        f"Revenue at risk over {result.proposition.horizon} {period}s.",
        "Revenue at risk from under-delivery.",
        "Net effect of delivering exactly the promise.",
    )
    return [
        (label, format_money_compact(figure.estimate, currency), _money_change(result.delta(name), currency),
         "inverse", f"{first} {words[name]}")
        for name, label, first, figure in zip(REVENUE_FIGURES, labels, lead, figures, strict=True)
    ]  # fmt: skip
