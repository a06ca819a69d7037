"""Cached access to datasets and analyses for the Evidence and Gap analysis pages.

Aggregates are loaded once per process and dataset (datasets never change once stored) and kept
read-only in ``st.cache_resource``; analyses are cached by dataset, proposition version and
settings, so a filter change that was seen before costs nothing and a new one only slices aggregates.
Cache keys carry the database URL, so two workspaces in one process never share entries.

:func:`choose_analysis` picks what the Gap analysis page analyses: the proposition's current
evidence (or another dataset an editor picks) with the editor's settings, or exactly what a share
link pinned, for its viewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from valuegap.evidence import charts, gaps
from valuegap.evidence.analysis import Analysis, analyze_summary
from valuegap.evidence.claim_tests import Correction, as_correction
from valuegap.evidence.prefetching import prefetch_segments
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links, tokens
from valuegap.sources import live
from valuegap.sources.engine import ALL_PERIODS, Evidence
from valuegap.store import Store, StoredDataset, StoredProposition
from valuegap.ui import PageContext, choose_dataset, evidence_dataset, page, url_choice
from valuegap.ui.charts import chart_downloads
from valuegap.ui.panels.live_source import connection_secrets
from valuegap.ui.state_keys import PINNED_CHOICE, keyed
from valuegap.wording.rewording import Rewording
from valuegap.workspace.imports import load_evidence, load_rows

CORRECTIONS = {"holm": "Holm (confirmatory)", "fdr_bh": "Benjamini–Hochberg (exploratory)"}
ALPHAS = [f"{alpha:.2f}" for alpha in tokens.ALPHAS]


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@st.cache_resource(max_entries=8, show_spinner="Loading the dataset's aggregates…")
def _summary(_store: Store, url: str, dataset_id: int) -> Evidence:
    dataset = _store.dataset(dataset_id)
    if live.is_live(dataset):  # read in its own engine; a version's id is its cache key
        return live.load_live_evidence(_store, dataset, connection_secrets())
    return load_evidence(_store, dataset)


def cached_summary(store: Store, dataset_id: int) -> Evidence:
    return _summary(store, _url(store), dataset_id)


@st.cache_resource(max_entries=64, show_spinner="Fetching what the analyses need…")
def _prefetched(
    _store: Store, _stored: StoredProposition, url: str, dataset_id: int, proposition_id: int, version: int,
    alpha: float, correction: Correction, period: str,
) -> bool:  # fmt: skip
    """What the analyses of every segment need, fetched in one round into the cached aggregates, so
    a segment change afterwards runs no query (on a live source each would reduce its rows again)."""
    prefetch_segments(
        _stored.proposition, _summary(_store, url, dataset_id), alpha=alpha,
        correction=correction,
        period=period,
    )  # fmt: skip
    return True


@st.cache_resource(max_entries=256, show_spinner="Testing the claims…")
def _analysis(
    _store: Store, _stored: StoredProposition, url: str, dataset_id: int, proposition_id: int, version: int,
    alpha: float, correction: Correction, by_segment: bool, segment: str | None, period: str,
) -> Analysis:  # fmt: skip
    _prefetched(_store, _stored, url, dataset_id, proposition_id, version, alpha, correction, period)
    return analyze_summary(
        _stored.proposition, _summary(_store, url, dataset_id), alpha=alpha,
        correction=correction,
        by_segment=by_segment, segment=segment, period=period,
    )  # fmt: skip


def cached_analysis(
    store: Store,
    dataset_id: int,
    stored: StoredProposition,
    *,
    alpha: float,
    correction: Correction,
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
    """The checked defensible rewording of every claim that has one (METHODS §3)."""
    return {r.claim.id: r.rewording for r in analysis.results if r.rewording is not None}


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
    """Draw one of :mod:`valuegap.evidence.charts` with its one-line caption and its SVG/PNG downloads."""
    spec = _chart_spec(name, frame, tuple(sorted(options.items())))
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(charts.caption(name))
    chart_downloads(spec, name.replace("_", " "), key=key or name)


@dataclass(frozen=True)
class AnalysisChoice:
    """What the Gap analysis page analyses: which evidence, with which settings."""

    dataset: StoredDataset
    summary: Evidence
    alpha: float
    correction: Correction
    segment: str  # "all" or one segment
    period: str  # "all" or one period


def choose_analysis(
    ctx: PageContext, stored: StoredProposition, cells: Sequence[DeltaGenerator]
) -> AnalysisChoice | None:
    """The evidence and settings to analyse, their pickers drawn in ``cells`` (dataset, α, correction,
    segment, period); None, having said why, when there is nothing to analyse.

    An editor picks them, kept in the URL; the evidence opens on the proposition's current evidence.
    A share-link viewer gets exactly what the link pinned, said in plain words; the address can't
    change it (the pinned parameters in it are ignored, and the page says so).
    """
    if ctx.shared is not None:
        return _pinned(ctx, stored, cells)
    with cells[0]:
        dataset = choose_dataset(ctx, stored.id, label="Outcome data", others=True)
    if dataset is None:
        if not ctx.store.datasets(kind="outcomes", proposition_id=stored.id):
            st.info(
                "No outcome data yet. Upload measured customer outcomes on the Evidence page; the verdicts "
                "appear here."
            )
        st.page_link(page("3_evidence.py").path, label="Bring evidence", icon=":material/upload_file:")
        return None
    summary = cached_summary(ctx.store, dataset.id)
    with cells[1]:
        alpha = float(url_choice("α", ALPHAS, param=links.ALPHA, default="0.05", help="Significance level"))
    with cells[2]:
        correction = url_choice(
            "Correction", list(CORRECTIONS), param=links.CORRECTION, default="holm",
            format_func=CORRECTIONS.__getitem__,
            help="Holm controls the chance of any false verdict; Benjamini–Hochberg the share of false "
            "verdicts among the significant ones (exploratory).",
        )  # fmt: skip
    competitors = {c.competitor for c in stored.proposition.claims if c.competitor}
    periods = ["all", *summary.periods]
    with cells[3]:
        segment = url_choice(
            "Segment", ["all", *summary.segments_of(exclude_offers=competitors)], param=links.SEGMENT,
            default="all",
        )  # fmt: skip
    with cells[4]:
        period = url_choice(
            f"Period ({summary.granularity})" if summary.granularity else "Period", periods,
            param=links.PERIOD, default="all", disabled=len(periods) == 1,
            help=None if len(periods) > 1 else "The data have no observation dates.",
        )  # fmt: skip
    current = ctx.store.current_dataset(stored.id)
    if current is not None and current.id != dataset.id:
        st.caption(
            f"Showing {escape_markdown(dataset.label)}, which is not this proposition's current evidence "
            f"({escape_markdown(current.label)}): other pages and new share links use the current "
            "evidence. Make it current on the Evidence page."
        )
    return AnalysisChoice(dataset, summary, alpha, as_correction(correction), segment, period)


def pinned_view_text(ctx: PageContext, dataset: StoredDataset | None) -> str:
    """What a share link shows, in plain words (escaped): evidence, upload date and settings."""
    assert ctx.shared is not None
    line = tokens.describe_pin(
        dataset.label if dataset else None, dataset.created_at if dataset else None, ctx.shared.settings
    )
    return escape_markdown(line)


def _pinned(
    ctx: PageContext, stored: StoredProposition, cells: Sequence[DeltaGenerator]
) -> AnalysisChoice | None:
    link = ctx.shared
    assert link is not None
    ignored = tokens.ignored_params(st.query_params.to_dict())
    for param in tokens.PINNED_PARAMS:
        st.query_params.pop(param, None)
    dataset = evidence_dataset(ctx, stored.id)
    settings = link.settings
    st.info(pinned_view_text(ctx, dataset), icon=":material/push_pin:")
    when = f"{link.pinned_at:%Y-%m-%d}" if link.pinned_at else f"{link.created_at:%Y-%m-%d}"
    who = escape_markdown(link.pinned_by or link.created_by)
    note = f"This is what {who} shared on {when}; newer uploads don't change it."
    if ignored:
        note += f" The address asked for another {', '.join(ignored)}, which a shared view ignores."
    st.caption(note)
    if dataset is None:
        st.info(
            "No outcome data were shared with this link: there were none when it was made, or they have "
            "since been deleted. Ask whoever shared it for a new link."
        )
        return None
    summary = cached_summary(ctx.store, dataset.id)
    with cells[0]:  # named short, as for an editor: the whole name cut at a third of the page
        choose_dataset(ctx, stored.id, label="Outcome data")
    shown = (
        ("α", f"{settings.alpha:.2f}"), ("Correction", CORRECTIONS[settings.correction]),
        ("Segment", settings.segment or "all"), ("Period", settings.period or "all"),
    )  # fmt: skip
    for cell, (label, value) in zip(cells[1:], shown, strict=False):
        cell.selectbox(
            label, [value], disabled=True, key=keyed(PINNED_CHOICE, label), help="Fixed by the share link"
        )
    return AnalysisChoice(
        dataset,
        summary,
        settings.alpha,
        as_correction(settings.correction),
        settings.segment or "all",
        settings.period or "all",
    )
