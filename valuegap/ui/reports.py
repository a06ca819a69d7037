"""The stakeholder report download, shared by the Gap analysis and Share pages."""

from __future__ import annotations

import streamlit as st

from valuegap.analysis import Analysis
from valuegap.scenarios import ScenarioResult
from valuegap.store import StoredDataset
from valuegap.ui import PageContext


def report_download(
    ctx: PageContext, analysis: Analysis, dataset: StoredDataset, proposition_id: int, *,
    scenario: ScenarioResult | None = None, key: str = "vg_report",
) -> None:  # fmt: skip
    """A download button for the report of ``analysis``; it is built only when clicked."""
    market = ctx.store.competitors(proposition_id).offers

    def build() -> bytes:
        from valuegap.competition import value_map
        from valuegap.report import ReportInputs, build_report

        inputs = ReportInputs(
            analysis, dataset_label=dataset.label, value_map=value_map(market) if market else None,
            scenario=scenario, generated_by=ctx.actor.name,
        )  # fmt: skip
        return build_report(inputs).encode("utf-8")

    st.download_button(
        "Stakeholder report (HTML)", build, file_name="value-gap-report.html", mime="text/html",
        on_click="ignore", icon=":material/summarize:", key=key,
        help="One file that opens offline: the proposition, the verdicts, the value gap, the value map"
        + (" and the chosen what-if." if scenario is not None else "."),
    )  # fmt: skip
