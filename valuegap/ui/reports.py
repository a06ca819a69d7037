"""The stakeholder report downloads, shared by the Gap analysis and Share pages: the report as HTML and
as PDF, and its charts as PNGs for slides. Each file is built only when its button is clicked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.evidence.analysis import Analysis
from valuegap.pricing.scenarios import ScenarioResult
from valuegap.store import StoredDataset
from valuegap.ui import PageContext, evidence_dataset
from valuegap.ui.state_keys import REPORT_DOWNLOADS, keyed

if TYPE_CHECKING:  # imported where used: building a report loads Jinja2, Altair's SVG export, WeasyPrint
    from valuegap.pricing.churn import ChurnFit
    from valuegap.reporting.report import ReportInputs


def report_download(
    ctx: PageContext, analysis: Analysis, dataset: StoredDataset, proposition_id: int, *,
    scenario: ScenarioResult | None = None, key: str = REPORT_DOWNLOADS,
) -> None:  # fmt: skip
    """Download buttons for the report of ``analysis`` (HTML, PDF) and its charts (PNG, zipped).

    With a customer table among the proposition's evidence (for a share link: the one it pinned), the
    report's summary gives revenue at risk from the churn model fitted on it."""
    from valuegap.reporting.report import pdf_unavailable

    market = ctx.store.competitors(proposition_id).offers
    customers = evidence_dataset(ctx, proposition_id, "customers")

    def inputs() -> ReportInputs:
        from valuegap.market.competition import value_map
        from valuegap.reporting.report import ReportInputs

        return ReportInputs(
            analysis, dataset_label=dataset.label, value_map=value_map(market) if market else None,
            scenario=scenario, generated_by=ctx.actor.name,
            churn=_churn(ctx, analysis, dataset, customers) if customers is not None else None,
            customers_label=customers.label if customers is not None else "",
        )  # fmt: skip

    def html() -> bytes:
        from valuegap.reporting.report import build_report

        return build_report(inputs()).encode("utf-8")

    def pdf() -> bytes:
        from valuegap.reporting.report import build_pdf

        return build_pdf(inputs())

    def pngs() -> bytes:
        from valuegap.reporting.chart_files import png_zip
        from valuegap.reporting.report import report_charts

        return png_zip(report_charts(inputs()))

    what = "the summary, the verdicts, wording flags and rewordings, the value gap" + (
        ", revenue at risk" if customers is not None else ""
    )
    what += ", the value map" + (" and the chosen what-if." if scenario is not None else ".")
    no_pdf = pdf_unavailable()
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "Stakeholder report (HTML)", html, file_name="value-gap-report.html", mime="text/html",
            on_click="ignore", icon=":material/summarize:", key=key,
            help="One file that opens offline: " + what,
        )  # fmt: skip
        st.download_button(
            "PDF", pdf, file_name="value-gap-report.pdf", mime="application/pdf", on_click="ignore",
            icon=":material/picture_as_pdf:", key=keyed(key, "pdf"), disabled=bool(no_pdf),
            help=no_pdf or "The same report as a PDF (A4) for the board: the summary on the first page.",
        )  # fmt: skip
        st.download_button(
            "Charts (PNG)", pngs, file_name="value-gap-charts.zip", mime="application/zip",
            on_click="ignore", icon=":material/slideshow:", key=keyed(key, "png"),
            help="The report's charts as PNG images, one file each in a zip, for slides.",
        )  # fmt: skip


def _churn(
    ctx: PageContext, analysis: Analysis, dataset: StoredDataset, customers: StoredDataset
) -> ChurnFit:
    """The churn model of the analysed proposition on the outcome dataset and customer table, or a
    model-less fit saying in words why there is none."""
    from valuegap.pricing import churn
    from valuegap.ui.cached_evidence import cached_summary
    from valuegap.workspace.imports import load_rows

    try:
        data = churn.churn_data(
            analysis.proposition, cached_summary(ctx.store, dataset.id), load_rows(ctx.store, customers.id)
        )
        return churn.fit_churn(data)
    except ValueGapError as error:
        return churn.ChurnFit(
            None, f"the customer table “{customers.label}” could not be used: {error.message}"
        )
