"""The Pricing page's churn model: how the value gap moves the odds of churning, or why there is none."""

from __future__ import annotations

import streamlit as st

from valuegap.pricing.churn import ChurnFit, coefficients_display
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import state_keys as keys
from valuegap.ui.tables import table_downloads


def churn_model(fit: ChurnFit | None, *, has_outcomes: bool, has_customers: bool) -> None:
    """The fitted churn model's reading and coefficients; what is missing when there is no model."""
    if not has_outcomes or not has_customers:
        st.info(
            "The churn model needs outcome data and a customer table (churned, revenue, price) linked to "
            "this proposition. Upload them on the Evidence page; the what-if still shows value without them."
        )
        return
    if fit is None or fit.model is None:
        reason = fit.reason if fit is not None else ""
        st.warning(
            f"No churn model: {escape_markdown(reason)} The what-if shows value and revenue without churn."
        )
        return
    model = fit.model
    st.markdown(escape_markdown(model.gap_sentence))
    st.caption(
        f"Fitted on {model.n:,} customers, {model.churners:,} of whom churned. An odds ratio above 1 means "
        "customers with more of that term churn more often."
    )
    with st.expander("Model details"):
        shown = coefficients_display(model.coefficients)
        st.dataframe(shown, hide_index=True, width="stretch", height="content")
        table_downloads(model.coefficients, "churn model", key=keys.CHURN_DOWNLOADS)
        st.caption(
            "Logit of churned on the per-customer value gap, price and covariates. The interval is 95%; "
            "the p-value is the two-sided Wald test that the term does not move the odds."
        )
    for note in fit.notes:
        st.caption(escape_markdown(note))
