"""The Share page's links: make one (what it shares, expiry, a note, the settings it pins), list them,
copy one's address again, move links to the current evidence, revoke.

What the list says is :mod:`valuegap.sharing.listing`; tokens are signed by the store. A new link's
address stays on screen (in session state) until it is revoked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links, listing
from valuegap.store import StoredDataset, StoredProposition, StoredScenario, StoredShareLink
from valuegap.ui import PageContext, flash, page
from valuegap.ui.cached_evidence import ALPHAS, CORRECTIONS, cached_summary
from valuegap.ui.identity import configured_share_secret
from valuegap.ui.state_keys import (
    MOVE_SHARE_LINK,
    NEW_SHARE_LINK,
    REVOKE_SHARE_LINK,
    SHARE_FORM,
    SHARE_TABLE,
    SHARE_TABLE_DOWNLOADS,
    keyed,
)
from valuegap.ui.tables import table_downloads

SHOWN: dict[str, Any] = {
    "Link": st.column_config.TextColumn("Link", width=45),
    "Shares": st.column_config.TextColumn("Shares", width=245),
    "Note": st.column_config.TextColumn("Note", width=125),
    "Status": st.column_config.TextColumn("Status", width=60),
    "Expires (UTC)": st.column_config.TextColumn("Expires (UTC)", width=110),
}
"""The links table's columns on screen, which fit a 1024 px screen with the row picker (all eleven
scrolled sideways even at 1400 px); the selected link's details say what it shows, who made it when and
who revoked it, and the downloads have every column."""


def _base_url() -> str:
    """The app's root address as the browser sees it (empty when unknown, e.g. in tests)."""
    current = st.context.url
    return links.app_base(current, links.page_path(page("7_share.py").file)) if current else ""


def link_address(link: StoredShareLink, token: str) -> str:
    """The address a viewer opens: Pricing for a what-if, else Gap analysis."""
    target = page("6_pricing.py" if link.scenario_id else "4_gap_analysis.py")
    return links.build_url(_base_url(), links.View(page=links.page_path(target.file)), share=token)


def _choices(
    ctx: PageContext, stored: StoredProposition, current: StoredDataset | None
) -> tuple[list[str], ...]:
    """The segments and periods a link can pin: those of the current evidence (competitors' offers
    left out), besides all of them."""
    segments, periods = [listing.EVERYTHING], [listing.EVERYTHING]
    if current is not None:
        summary = cached_summary(ctx.store, current.id)
        competitors = {c.competitor for c in stored.proposition.claims if c.competitor}
        segments += summary.segments_of(exclude_offers=competitors)
        periods += summary.periods
    return segments, periods


def new_share_link(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    """The form that makes a link, and the new link's address to copy."""
    targets = [listing.WHOLE_PROPOSITION, *(item.id for item in saved)]
    wanted = links.parse_query(st.query_params.to_dict()).scenario
    current = ctx.store.current_dataset(stored.id)
    segments, periods = _choices(ctx, stored, current)
    expiries = list(listing.EXPIRY_DAYS)
    with st.form(SHARE_FORM, border=True):
        st.markdown("**New share link**")
        st.caption(
            f"It shows the current evidence, {escape_markdown(current.label)} uploaded "
            f"{current.created_at:%Y-%m-%d}, with the settings below, until you move it."
            if current is not None
            else "This proposition has no current evidence yet: the link shows it without data until you "
            "move the link to evidence chosen later."
        )  # fmt: skip
        # two choices a row at most: four in a row cut "Holm (confirmatory)" and "7 days" at 1024 px
        cells = st.columns([3, 2])
        target = cells[0].selectbox(
            "What to share", targets, index=targets.index(wanted) if wanted in targets else 0,
            format_func=lambda choice: listing.target_label(choice, saved),
        )  # fmt: skip
        expiry = cells[1].selectbox("Expires after", expiries, index=expiries.index(listing.DEFAULT_EXPIRY))
        note = st.text_input(
            "Note (for you)", max_chars=200, placeholder="e.g. For the Q3 board pack",
            help="Shown in the list below so you know which link went where; viewers don't see it.",
        )  # fmt: skip
        pinned = st.columns(2)
        alpha = pinned[0].selectbox("α", ALPHAS, index=ALPHAS.index("0.05"), help="Significance level")
        correction = pinned[1].selectbox("Correction", list(CORRECTIONS), format_func=CORRECTIONS.__getitem__)
        pinned = st.columns(2)
        segment = pinned[0].selectbox("Segment", segments, disabled=len(segments) == 1)
        period = pinned[1].selectbox("Period", periods, disabled=len(periods) == 1)
        submitted = st.form_submit_button("Create link", icon=":material/add_link:", type="primary")
    if submitted:
        link, token = ctx.store.create_share_link(
            stored.id, expires_at=listing.expires_at(expiry, datetime.now(UTC)), actor=ctx.actor, note=note,
            settings=listing.pinned_settings(alpha, correction, segment, period),
            scenario_id=None if target == listing.WHOLE_PROPOSITION else target,
            secret=configured_share_secret(),
        )  # fmt: skip
        st.session_state[NEW_SHARE_LINK] = (link.id, link_address(link, token))
    created = st.session_state.get(NEW_SHARE_LINK)
    if created is not None:
        st.success("Link created. Copy it with the button at the right of the address and send it.")
        st.code(created[1], language=None, wrap_lines=True)


def share_link_list(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    """Every link of the proposition in a table; the one selected can be copied again or revoked."""
    st.subheader("Share links")
    items = ctx.store.share_links(stored.id)
    if not items:
        st.info("No share links for this proposition yet. Create one above.")
        return
    now = datetime.now(UTC)
    known = {d.id: d for d in ctx.store.datasets()}
    evidence = ctx.store.current_evidence(stored.id)
    current: listing.EvidenceIds = (
        evidence["outcomes"].dataset.id if "outcomes" in evidence else None,
        evidence["customers"].dataset.id if "customers" in evidence else None,
    )
    frame = listing.links_frame(items, saved, known, current, now)
    event = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=SHARE_TABLE, column_config=SHOWN, column_order=list(SHOWN),
    )  # fmt: skip
    table_downloads(frame, "share links", key=SHARE_TABLE_DOWNLOADS)
    _offer_moves(ctx, listing.links_behind(items, current, now), current, known)
    rows = event.selection.rows if event is not None else []
    if not rows or rows[0] >= len(items):
        st.caption("Select a link to copy its address again, see its moves or revoke it. Times are UTC.")
        return
    chosen = items[rows[0]]
    box = st.container(border=True)
    made = (
        f"Link #{chosen.id}{f' ({chosen.note})' if chosen.note else ''}: made "
        f"{chosen.created_at:%Y-%m-%d %H:%M} UTC by {chosen.created_by}, expires "
        f"{chosen.expires_at:%Y-%m-%d %H:%M} UTC"
        + (f", revoked by {chosen.revoked_by}" if chosen.revoked_by else "")
    )
    box.caption(escape_markdown(made + "."))
    for move in ctx.store.share_link_moves(chosen.id):
        box.text(
            f"Moved {move.moved_at:%Y-%m-%d %H:%M} UTC by {move.moved_by}: from {move.from_label} to "
            f"{move.to_label}" + (f" ({move.note})" if move.note else "")
        )  # fmt: skip
    if chosen.status(now) != "active":
        box.caption(f"Link #{chosen.id} is {chosen.status(now)}; it no longer opens anything.")
        return
    token = ctx.store.share_token(chosen, secret=configured_share_secret())
    box.code(link_address(chosen, token), language=None, wrap_lines=True)
    box.text(listing.pin_in_words(chosen, known))
    if box.button("Revoke this link", icon=":material/link_off:", key=keyed(REVOKE_SHARE_LINK, chosen.id)):
        _confirm_revoke(ctx, chosen)


def _offer_moves(
    ctx: PageContext,
    behind: list[StoredShareLink],
    current: listing.EvidenceIds,
    known: dict[int, StoredDataset],
) -> None:
    """A button for each active link that shows other evidence than the current: the sharer moves it."""
    if not behind:
        return
    st.caption(
        escape_markdown(listing.behind_in_words(len(behind), listing.evidence_label(current[0], known)))
    )
    for link in behind:
        row = st.columns([5, 2])
        row[0].text(
            f"Link #{link.id}"
            + (f" ({link.note})" if link.note else "")
            + f": {listing.pin_in_words(link, known)}"
        )
        label = f"Move link #{link.id} to the current evidence"
        if row[1].button(label, icon=":material/move_up:", key=keyed(MOVE_SHARE_LINK, link.id)):
            move = ctx.store.move_share_link(link.id, actor=ctx.actor)
            flash(
                f"Link #{link.id} now shows {move.to_label} (it showed {move.from_label})."
                + (f" Note: {move.note}." if move.note else "")
            )
            st.rerun()


@st.dialog("Revoke share link?")
def _confirm_revoke(ctx: PageContext, link: StoredShareLink) -> None:
    st.text(
        f"Link #{link.id} will stop working at once, also for anyone who has it open: their next click "
        "shows that the link was revoked. This can't be undone; you can create a new link instead."
    )
    cols = st.columns(2)
    if cols[0].button("Revoke", type="primary"):
        try:
            ctx.store.revoke_share_link(link.id, actor=ctx.actor)
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        if st.session_state.get(NEW_SHARE_LINK, (None,))[0] == link.id:
            st.session_state.pop(NEW_SHARE_LINK)
        flash(f"Revoked share link #{link.id}.")
        st.rerun()
    if cols[1].button("Cancel"):
        st.rerun()
