"""Cached access to datasets and analyses for the Evidence and Gap analysis pages.

Aggregates are loaded once per process and dataset (datasets never change once stored) and kept
read-only in ``st.cache_resource``; analyses are cached by dataset, proposition version and
settings, so a filter change that was seen before costs nothing and a new one only slices aggregates.
Cache keys carry the database URL, so two workspaces in one process never share entries.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from valuegap import charts, gaps
from valuegap.aggregates import ALL_PERIODS, OutcomeSummary
from valuegap.analysis import Analysis, analyze_summary
from valuegap.evidence import Correction
from valuegap.imports import load_rows, load_summary
from valuegap.rewording import Rewording, reword
from valuegap.store import Store, StoredProposition
from valuegap.ui import PageContext
from valuegap.ui.charts import chart_downloads


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@st.cache_resource(max_entries=8, show_spinner="Loading the dataset's aggregates…")
def _summary(_store: Store, url: str, dataset_id: int) -> OutcomeSummary:
    return load_summary(_store, dataset_id)


def cached_summary(store: Store, dataset_id: int) -> OutcomeSummary:
    return _summary(store, _url(store), dataset_id)


@st.cache_resource(max_entries=256, show_spinner="Testing the claims…")
def _analysis(
    _store: Store, _stored: StoredProposition, url: str, dataset_id: int, proposition_id: int, version: int,
    alpha: float, correction: str, by_segment: bool, segment: str | None, period: str,
) -> Analysis:  # fmt: skip
    return analyze_summary(
        _stored.proposition, _summary(_store, url, dataset_id), alpha=alpha,
        correction=correction,  # type: ignore[arg-type]
        by_segment=by_segment, segment=segment, period=period,
    )  # fmt: skip


def cached_analysis(
    store: Store,
    dataset_id: int,
    stored: StoredProposition,
    *,
    alpha: float,
    correction: Correction | str,
    by_segment: bool = False,
    segment: str | None = None,
    period: str = ALL_PERIODS,
) -> Analysis:
    """The analysis of one proposition version on one dataset (versions never change once saved)."""
    return _analysis(
        store, stored, _url(store), dataset_id, stored.id, stored.version, alpha, correction, by_segment,
        segment, period,
    )  # fmt: skip


@st.cache_data(max_entries=32, show_spinner=False)
def _expectations(_store: Store, url: str, dataset_id: int, alpha: float) -> pd.DataFrame:
    customers = load_rows(_store, dataset_id)
    return gaps.expectation_frame(gaps.expectation_gaps(customers, alpha=alpha), alpha=alpha)


def cached_expectations(store: Store, dataset_id: int, alpha: float) -> pd.DataFrame:
    return _expectations(store, _url(store), dataset_id, alpha)


def rewordings_for(analysis: Analysis) -> dict[str, Rewording]:
    """A defensible rewording of every claim that is not substantiated and has a defensible value."""
    found = {}
    for result in analysis.results:
        test = result.verdict.test
        if result.verdict.verdict.value in ("substantiated", "not testable", "no evidence"):
            continue
        if test.defensible is None:
            continue
        share = test.defensible if result.claim.form.value == "share" else None
        found[result.claim.id] = reword(result.claim, test.defensible, share=share)
    return found


def accept_rewording(
    ctx: PageContext, proposition_id: int, analysis: Analysis, claim_id: str, rewording: Rewording,
    *, seen_version: int,
) -> StoredProposition:  # fmt: skip
    """Save the proposition with the claim reworded (a new revision; a conflict is refused as usual)."""
    updated = gaps.apply_rewording(analysis.proposition, claim_id, rewording)
    return ctx.store.save(
        proposition_id, updated, seen_version=seen_version, actor=ctx.actor, action="reword"
    )


@st.cache_data(max_entries=512, show_spinner=False)
def _chart_spec(name: str, frame: pd.DataFrame, options: tuple[tuple[str, object], ...]) -> dict:
    """A chart's Vega-Lite spec, kept per (chart, data, options) so an unchanged chart costs nothing."""
    return charts.chart_spec(name, frame, **dict(options))


def show_chart(name: str, frame: pd.DataFrame, *, key: str | None = None, **options: object) -> None:
    """Draw one of :mod:`valuegap.charts` with its one-line caption and its SVG/PNG downloads."""
    spec = _chart_spec(name, frame, tuple(sorted(options.items())))
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(charts.caption(name))
    chart_downloads(spec, name.replace("_", " "), key=key or name)
