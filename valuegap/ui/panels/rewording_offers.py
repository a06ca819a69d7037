"""The defensible rewordings of the claims the data do not substantiate, each with an Accept button
that saves the proposition with the new copy as a revision, and why a claim has none where it has none."""

from __future__ import annotations

import streamlit as st

from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis
from valuegap.model.claim_titles import claim_title
from valuegap.ui import PageContext, flash
from valuegap.ui.cached_evidence import accept_rewording
from valuegap.ui.state_keys import ACCEPT_REWORDING, keyed


def rewording_offers(ctx: PageContext, proposition_id: int, analysis: Analysis, version: int) -> None:
    """Each suggested rewording beside the copy it replaces, and why a claim that needs one has none
    (for editors; nothing when no claim needs one)."""
    suggested = gaps.suggested_rewordings(analysis)
    refused = gaps.rewording_refusals(analysis)
    if not (suggested or refused) or not ctx.actor.can_edit:
        return
    st.subheader("Defensible rewording")
    claims = {result.claim.id: result.claim for result in analysis.results}
    for claim_id, rewording in suggested.items():
        row = st.columns([4, 4, 2])  # room for the whole button at 1024 px
        row[0].text(f"Now: {claims[claim_id].text}")
        row[1].text(f"Suggested: {rewording.text}")
        if row[2].button("Accept", key=keyed(ACCEPT_REWORDING, claim_id, version), help=rewording.reason):
            saved = accept_rewording(ctx, proposition_id, analysis, claim_id, rewording, seen_version=version)
            flash(f"“{claim_title(claims[claim_id])}” reworded; saved as version {saved.version}.")
            st.rerun()
    for claim_id, reason in refused.items():
        row = st.columns([4, 6])
        row[0].text(f"Now: {claims[claim_id].text}")
        row[1].text(f"No rewording: {reason}.")
