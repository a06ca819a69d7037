"""Cached inputs of the Pricing page: the churn model, scenario inputs and price research.

Everything a slider move needs is computed once per (dataset, proposition version, segment) and kept
in ``st.cache_resource`` (read-only objects, never mutated), so the scenario panel's rerun only
evaluates arithmetic on cached arrays. Keys carry the database URL like the other caches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.evidence import gaps
from valuegap.market import competition, editing
from valuegap.pricing import churn, research
from valuegap.pricing.scenarios import ScenarioInputs, build_inputs
from valuegap.store import Store, StoredDataset, StoredProposition, StoredShareLink
from valuegap.ui.cached_evidence import _url, cached_analysis, cached_expectations, cached_summary
from valuegap.workspace.imports import load_rows


@st.cache_resource(max_entries=16, show_spinner="Reading the customer table…")
def _rows(_store: Store, url: str, dataset_id: int) -> pd.DataFrame:
    return load_rows(_store, dataset_id)


@st.cache_resource(max_entries=32, show_spinner="Fitting the churn model…")
def _churn(
    _store: Store, _stored: StoredProposition, url: str, outcomes_id: int, customers_id: int,
    proposition_id: int, version: int,
) -> churn.ChurnFit:  # fmt: skip
    data = churn.churn_data(
        _stored.proposition, cached_summary(_store, outcomes_id), _rows(_store, url, customers_id)
    )
    return churn.fit_churn(data)


def cached_churn(
    store: Store, stored: StoredProposition, outcomes_id: int, customers_id: int
) -> churn.ChurnFit:
    """The churn model of one proposition version on one outcome dataset and customer table."""
    return _churn(store, stored, _url(store), outcomes_id, customers_id, stored.id, stored.version)


@st.cache_resource(max_entries=64, show_spinner="Preparing the what-if…")
def _inputs(
    _store: Store, _stored: StoredProposition, _fit: churn.ChurnFit | None, url: str,
    outcomes_id: int | None, customers_id: int | None, proposition_id: int, version: int,
    market_version: int, segment: str | None,
) -> ScenarioInputs:  # fmt: skip
    prop = _stored.proposition
    analysis = (
        cached_analysis(_store, outcomes_id, _stored, alpha=0.05, correction="holm", segment=segment)
        if outcomes_id is not None
        else None
    )
    market = _store.competitors(proposition_id)
    offers, scores = None, None
    if market.offers is not None and market.offers.ours is not None:
        offers = market.offers.with_ours(price=prop.price.amount) if prop.price.amount > 0 else market.offers
        delivery = gaps.delivery_by_metric(analysis) if analysis is not None else {}
        if customers_id is not None:
            delivery |= editing.survey_delivery(cached_expectations(_store, customers_id, 0.05))
        scores = competition.measured_scores(offers, market.links, delivery) or None
    customers = _rows(_store, url, customers_id) if customers_id is not None else None
    model = _fit.model if _fit is not None else None
    note = _fit.reason if _fit is not None and _fit.model is None else ""
    return build_inputs(
        prop, analysis, market=offers, measured_scores=scores, churn=model, customers=customers,
        churn_note=note or "",
    )  # fmt: skip


def cached_inputs(
    store: Store,
    stored: StoredProposition,
    fit: churn.ChurnFit | None,
    *,
    outcomes_id: int | None,
    customers_id: int | None,
    segment: str | None,
) -> ScenarioInputs:
    market_version = store.competitors(stored.id).version
    return _inputs(
        store, stored, fit, _url(store), outcomes_id, customers_id, stored.id, stored.version,
        market_version, segment,
    )  # fmt: skip


@dataclass(frozen=True)
class WhatIf:
    """What a what-if needs: the churn model (when there is customer data) and the cached inputs."""

    customers: StoredDataset | None
    fit: churn.ChurnFit | None
    inputs_for: Callable[[str | None], ScenarioInputs]


def what_if_inputs(
    store: Store, stored: StoredProposition, outcomes: StoredDataset | None, *,
    shared: StoredShareLink | None = None,
) -> WhatIf:  # fmt: skip
    """The what-if inputs of a proposition on an outcome dataset and its current customer table (for a
    share-link viewer, ``shared``: the one the link pinned), never simply the newest upload."""
    customers_id = shared.pinned_dataset("customers") if shared is not None else None
    if shared is None:
        current = store.current_dataset(stored.id, "customers")
        customers_id = current.id if current is not None else None
    customers = [store.dataset(customers_id)] if customers_id is not None else []
    fit = cached_churn(store, stored, outcomes.id, customers_id) if outcomes and customers_id else None

    def inputs_for(segment: str | None) -> ScenarioInputs:
        return cached_inputs(
            store, stored, fit, outcomes_id=outcomes.id if outcomes else None, customers_id=customers_id,
            segment=segment,
        )  # fmt: skip

    return WhatIf(customers[0] if customers else None, fit, inputs_for)


@st.cache_resource(max_entries=32, show_spinner="Analysing the survey…")
def _survey(_store: Store, url: str, dataset_id: int, method: str, unit_cost: float | None) -> object:
    frame = _rows(_store, url, dataset_id)
    if method == "van_westendorp":  # the editor may have chosen to leave out invalid answers at import
        chosen = bool(_store.dataset(dataset_id).details.get("without_invalid"))
        return research.van_westendorp(frame, without_invalid=chosen)
    if method == "gabor_granger":
        return research.gabor_granger(frame, unit_cost=unit_cost)
    return research.elasticity(frame)


def cached_van_westendorp(store: Store, dataset_id: int) -> research.VanWestendorp:
    """The Van Westendorp result of a stored survey."""
    result = _survey(store, _url(store), dataset_id, "van_westendorp", None)
    assert isinstance(result, research.VanWestendorp)  # the method named above
    return result


def cached_gabor_granger(store: Store, dataset_id: int, unit_cost: float | None) -> research.GaborGranger:
    """The Gabor-Granger result of a stored survey, with the profit price when ``unit_cost`` is given."""
    result = _survey(store, _url(store), dataset_id, "gabor_granger", unit_cost)
    assert isinstance(result, research.GaborGranger)  # the method named above
    return result


def cached_elasticity(store: Store, dataset_id: int) -> research.Elasticity:
    """The price elasticity of a stored transactions dataset."""
    result = _survey(store, _url(store), dataset_id, "transactions", None)
    assert isinstance(result, research.Elasticity)  # the method named above
    return result


def cached_price_ranges(store: Store, surveys: Mapping[str, StoredDataset]) -> pd.DataFrame | None:
    """The price bands of the surveys (method → dataset) for the price slider; None when there are no
    Van Westendorp or Gabor-Granger surveys, or one of them cannot be read (its tab says why)."""
    try:
        vw = (
            cached_van_westendorp(store, surveys["van_westendorp"].id)
            if "van_westendorp" in surveys
            else None
        )
        gg = (
            cached_gabor_granger(store, surveys["gabor_granger"].id, None)
            if "gabor_granger" in surveys
            else None
        )
    except ValueGapError:
        return None
    if vw is None and gg is None:
        return None
    return research.price_ranges(vw, gg)
