"""The Pricing page's saved scenarios: compared side by side, each with its link and (for editors)
a delete button; what changed in the proposition since one was saved is said above the table."""

from __future__ import annotations

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.pricing import scenario_charts, scenarios
from valuegap.pricing.scenarios import ScenarioResult
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import StoredProposition
from valuegap.ui import CURRENT_SCENARIO, PageContext, flash, page, remember_scenario
from valuegap.ui import state_keys as keys
from valuegap.ui.charts import show_altair
from valuegap.ui.panels.scenario_editor import InputsFor, scenario_notes
from valuegap.ui.tables import table_downloads


def saved_scenarios(ctx: PageContext, stored: StoredProposition, inputs_for: InputsFor) -> None:
    """Every saved scenario of the proposition against today, the best of each row named."""
    saved = ctx.store.scenarios(stored.id)
    if not saved:
        st.info("No saved scenarios yet. Set a what-if above and save it by name to compare it here.")
        return
    results: dict[str, ScenarioResult] = {}
    for item in saved:
        said = scenario_notes(ctx, stored, item)
        if said:
            st.warning(
                f"**{escape_markdown(item.name)}**: " + " ".join(escape_markdown(text) for text in said),
                icon=":material/history:",
            )
        try:
            results[item.name] = scenarios.evaluate(inputs_for(item.scenario.segment), item.scenario)
        except ValueGapError as error:
            st.warning(f"{escape_markdown(item.name)}: {escape_markdown(error.message)}")
    frame = scenarios.comparison_frame(results)
    best = scenarios.best_per_metric(results)
    frame["best"] = [best.get(metric, "") for metric in frame["metric"]]
    shown = frame.rename(columns={**scenarios.DISPLAY_HEADINGS, "best": "Best"})
    styled = scenarios.metric_styler(shown, stored.proposition.price.currency)
    st.dataframe(styled, hide_index=True, width="stretch", height="content")
    table_downloads(frame, "saved scenarios", key=keys.SCENARIOS_DOWNLOADS)
    st.caption(
        "Each saved scenario's what-if beside today; 'Best' names the scenario that does best on each row."
    )
    if results:
        show_altair(
            scenario_charts.comparison_chart(results), "saved scenarios", key=keys.SCENARIOS_DOWNLOADS,
            caption=scenario_charts.COMPARISON_CAPTION,
        )  # fmt: skip
    cells = st.columns(min(len(saved), 4))
    for index, item in enumerate(saved):
        with cells[index % len(cells)]:
            st.page_link(
                page("6_pricing.py").path, label=escape_markdown(f"Open '{item.name}'"),
                icon=":material/link:",
                query_params={links.PROPOSITION: str(stored.id), links.SCENARIO: str(item.id)},
            )  # fmt: skip
            if ctx.actor.can_edit and st.button("Delete", key=keys.keyed(keys.DELETE_SCENARIO, item.id)):
                ctx.store.delete_scenario(item.id, actor=ctx.actor)
                if st.session_state.get(CURRENT_SCENARIO) == (stored.id, item.id):
                    remember_scenario(stored.id, None)
                flash(f"Deleted the scenario '{item.name}'.")
                st.rerun()
