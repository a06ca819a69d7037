"""Saved scenarios side by side as a chart: a small panel per outcome, a bar per scenario."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from valuegap.pricing.scenarios import METRICS, ScenarioResult, best_per_metric, comparison_frame
from valuegap.reporting import theme

CHARTED = ("net_value", "value_ratio", "value_gap", "value_advantage", "churn_rate", "revenue_at_risk")
TODAY = "today"


def comparison_long(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """One row per (outcome, scenario) for the charted outcomes, with the best scenario marked."""
    labels = {name: label for name, label, _ in METRICS if name in CHARTED}
    frame = comparison_frame(results)
    if frame.empty:
        return pd.DataFrame(columns=["metric", "scenario", "value", "best"])
    frame = frame[frame["metric"].isin(labels.values())]
    long = frame.melt(id_vars="metric", var_name="scenario", value_name="value").dropna(subset=["value"])
    best = best_per_metric(results)
    long["best"] = [best.get(m) == s for m, s in zip(long["metric"], long["scenario"], strict=True)]
    order = list(labels.values())
    long["order"] = [order.index(m) for m in long["metric"]]
    return long.sort_values(["order", "scenario"]).drop(columns="order").reset_index(drop=True)


def comparison_chart(results: Mapping[str, ScenarioResult]) -> alt.FacetChart:
    """Bars per scenario (today in grey) in one small panel per outcome, each with its own scale;
    the best scenario per outcome is outlined."""
    data = comparison_long(results)
    scenarios = [TODAY, *results]
    palette = theme.SERIES
    colors = [palette[i % len(palette)] for i in range(len(scenarios))]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("scenario:N", title=None, sort=scenarios, axis=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "scenario:N", title=None, sort=scenarios,
                scale=alt.Scale(domain=scenarios, range=colors),
                legend=theme.legend(orient="bottom", sentence_case=False),  # names as the user typed them
            ),
            stroke=alt.condition(alt.datum.best, alt.value(theme.BAD), alt.value(None)),
            strokeWidth=alt.value(3),
            tooltip=[
                alt.Tooltip("metric:N", title="Outcome"),
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("value:Q", title="Value", format=",.3f"),
                alt.Tooltip("best:N", title="Best"),
            ],
        )
        .properties(width=160, height=130)
        .facet(facet=alt.Facet("metric:N", title=None, sort=list(dict.fromkeys(data["metric"]))), columns=3)
        .resolve_scale(y="independent")
    )  # fmt: skip


COMPARISON_CAPTION = (
    "One panel per outcome, one bar per scenario (today in grey); the outlined bar is the best scenario "
    "on that outcome (lowest for gap, churn and revenue at risk; highest otherwise; none when all tie)."
)
