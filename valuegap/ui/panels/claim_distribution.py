"""One claim's outcomes drawn against its promise, the claim picked in the URL (``?claim=``)."""

from __future__ import annotations

import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.evidence.claim_tests import no_outcomes_reason
from valuegap.model.claim_titles import claim_titles
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.sources.engine import ALL_PERIODS, Evidence
from valuegap.ui import url_choice
from valuegap.ui.cached_evidence import show_chart


def claim_distribution(analysis: Analysis, evidence: Evidence, period: str) -> None:
    """An expander with a claim picker and the histogram of its customers' outcomes in the selection
    (``period`` "all" or one period), the promise and the test's bar marked on it."""
    with st.expander("Distribution of a claim's outcomes"):
        measurable = gaps.distribution_claims(analysis)
        if not measurable:
            st.caption("No measurable claims.")
            return
        ids = [claim.id for claim in measurable]
        titles = claim_titles(measurable)  # the claim's words to pick by; the link keeps its ID
        chosen = url_choice("Claim", ids, param=links.CLAIM, default=ids[0], format_func=titles.__getitem__)
        claim = next(c for c in measurable if c.id == chosen)
        sample = evidence.sample(
            claim.metric, exclude_offers=gaps.rival_offers(analysis.proposition), segment=analysis.segment,
            period=ALL_PERIODS if period == "all" else period,
        )  # fmt: skip
        if sample is None:
            reason = no_outcomes_reason(claim.metric)
            st.info(escape_markdown(f"{reason[0].upper()}{reason[1:]} in this selection."))
            return
        marks = gaps.distribution_marks(claim)
        show_chart(
            "distribution", sample.histogram(), claimed=marks["claimed"], threshold=marks["threshold"],
            unit=claim.unit, direction=claim.direction.value,
        )  # fmt: skip
