"""Share: read-only links for stakeholders (create, copy, revoke) and the stakeholder report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.pricing import scenarios
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links, tokens
from valuegap.sources.engine import ALL_PERIODS
from valuegap.store import StoredDataset, StoredProposition, StoredScenario, StoredShareLink
from valuegap.ui import PageContext, choose_dataset, choose_proposition, flash, page, page_setup, run_page
from valuegap.ui.cached_evidence import ALPHAS, CORRECTIONS, cached_analysis, cached_summary
from valuegap.ui.cached_pricing import what_if_inputs
from valuegap.ui.identity import SINGLE_USER_LINKS, auth_configured, configured_share_secret
from valuegap.ui.reports import report_download
from valuegap.ui.tables import table_downloads

ctx = page_setup("Share", ":material/share:")

EXPIRIES = {"1 day": 1, "7 days": 7, "30 days": 30, "90 days": 90}
PROPOSITION_TARGET = 0  # the "what to share" choice for the whole proposition (scenario ids are > 0)


def render(ctx: PageContext) -> None:
    st.title("Share")
    proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    saved = ctx.store.scenarios(proposition_id)
    if ctx.can_edit:
        st.caption(
            "A share link opens this proposition, or one of its saved what-ifs, read-only: stakeholders "
            "can explore and download, but not change, upload, delete or share. A link shows the "
            "evidence and settings it was made with, whatever is uploaded later; you can move it to the "
            "current evidence below. Links expire, and you can revoke one at any time."
        )
        if not auth_configured():
            st.warning(SINGLE_USER_LINKS, icon=":material/lock_open:")
        _create(ctx, stored, saved)
        _list(ctx, stored, saved)
    st.subheader("Stakeholder report")
    _report(ctx, stored, saved)


def _base_url() -> str:
    """The app's root address as the browser sees it (empty when unknown, e.g. in tests)."""
    current = st.context.url
    return links.app_base(current, links.page_path(page("7_share.py").file)) if current else ""


def _link_url(link: StoredShareLink, token: str) -> str:
    target = page("6_pricing.py" if link.scenario_id else "4_gap_analysis.py")
    return links.build_url(_base_url(), links.View(page=links.page_path(target.file)), share=token)


def _scenario_name(scenario_id: int, saved: list[StoredScenario]) -> str:
    return next((f"What-if '{item.name}'" for item in saved if item.id == scenario_id), "A deleted what-if")


def _target_label(link_scenario: int | None, saved: list[StoredScenario]) -> str:
    if link_scenario is None:
        return "The proposition (opens on Gap analysis)"
    return f"{_scenario_name(link_scenario, saved)} (opens on Pricing)"


def _create(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    targets = [PROPOSITION_TARGET, *(item.id for item in saved)]
    wanted = links.parse_query(st.query_params.to_dict()).scenario
    current = ctx.store.current_dataset(stored.id)
    segments, periods = ["all"], ["all"]
    if current is not None:
        summary = cached_summary(ctx.store, current.id)
        competitors = {c.competitor for c in stored.proposition.claims if c.competitor}
        segments += summary.segments_of(exclude_offers=competitors)
        periods += summary.periods
    with st.form("vg_share_form", border=True):
        st.markdown("**New share link**")
        st.caption(
            f"It shows the current evidence, {escape_markdown(current.label)} uploaded "
            f"{current.created_at:%Y-%m-%d}, with the settings below, until you move it."
            if current is not None
            else "This proposition has no current evidence yet: the link shows it without data until you "
            "move the link to evidence chosen later."
        )  # fmt: skip
        cells = st.columns([3, 1, 3])
        target = cells[0].selectbox(
            "What to share", targets, index=targets.index(wanted) if wanted in targets else 0,
            format_func=lambda t: _target_label(None if t == PROPOSITION_TARGET else t, saved),
        )  # fmt: skip
        expiry = cells[1].selectbox("Expires after", list(EXPIRIES), index=1)
        note = cells[2].text_input(
            "Note (for you)", max_chars=200, placeholder="e.g. For the Q3 board pack",
            help="Shown in the list below so you know which link went where; viewers don't see it.",
        )  # fmt: skip
        pinned = st.columns(4)
        alpha = pinned[0].selectbox("α", ALPHAS, index=ALPHAS.index("0.05"), help="Significance level")
        correction = pinned[1].selectbox(
            "Correction", list(CORRECTIONS), format_func=CORRECTIONS.__getitem__
        )  # fmt: skip
        segment = pinned[2].selectbox("Segment", segments, disabled=len(segments) == 1)
        period = pinned[3].selectbox("Period", periods, disabled=len(periods) == 1)
        submitted = st.form_submit_button("Create link", icon=":material/add_link:", type="primary")
    if submitted:
        expires_at = datetime.now(UTC) + timedelta(days=EXPIRIES[expiry])
        settings = tokens.ViewSettings(
            float(alpha), correction, segment=None if segment == "all" else segment,
            period=None if period == "all" else period,
        )  # fmt: skip
        link, token = ctx.store.create_share_link(
            stored.id, expires_at=expires_at, actor=ctx.actor, note=note, settings=settings,
            scenario_id=None if target == PROPOSITION_TARGET else target, secret=configured_share_secret(),
        )  # fmt: skip
        st.session_state["vg_new_share"] = (link.id, _link_url(link, token))
    created = st.session_state.get("vg_new_share")
    if created is not None:
        st.success("Link created. Copy it with the button at the right of the address and send it.")
        st.code(created[1], language=None, wrap_lines=True)


def _evidence_label(dataset_id: int | None, known: dict[int, StoredDataset]) -> str:
    if dataset_id is None:
        return "none"
    found = known.get(dataset_id)
    return found.label if found is not None else f"dataset {dataset_id} (deleted)"


def _list(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    st.subheader("Share links")
    items = ctx.store.share_links(stored.id)
    if not items:
        st.info("No share links for this proposition yet. Create one above.")
        return
    now = datetime.now(UTC)
    known = {d.id: d for d in ctx.store.datasets()}
    current = ctx.store.current_evidence(stored.id)
    current_ids = (
        current["outcomes"].dataset.id if "outcomes" in current else None,
        current["customers"].dataset.id if "customers" in current else None,
    )
    frame = pd.DataFrame(
        [
            {
                "link": f"#{item.id}", "shares": _target_label(item.scenario_id, saved), "note": item.note,
                "evidence": _evidence_label(item.dataset_id, known), "settings": item.settings.describe(),
                "on current evidence": (item.dataset_id, item.customers_dataset_id) == current_ids,
                "status": item.status(now), "expires": item.expires_at.strftime("%Y-%m-%d %H:%M"),
                "created": item.created_at.strftime("%Y-%m-%d %H:%M"), "by": item.created_by,
                "revoked by": item.revoked_by or "",
            }
            for item in items
        ]
    )  # fmt: skip
    event = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key="vg_share_table",
    )  # fmt: skip
    table_downloads(frame, "share links", key="share_links")
    _offer_moves(ctx, [i for i in items if i.status(now) == "active"], current_ids, known)
    rows = event.selection.rows if event is not None else []
    if not rows or rows[0] >= len(items):
        st.caption("Select a link to copy its address again, see its moves or revoke it. Times are UTC.")
        return
    chosen = items[rows[0]]
    box = st.container(border=True)
    for move in ctx.store.share_link_moves(chosen.id):
        box.text(
            f"Moved {move.moved_at:%Y-%m-%d %H:%M} UTC by {move.moved_by}: from {move.from_label} to "
            f"{move.to_label}" + (f" ({move.note})" if move.note else "")
        )  # fmt: skip
    if chosen.status(now) != "active":
        box.caption(f"Link #{chosen.id} is {chosen.status(now)}; it no longer opens anything.")
        return
    token = ctx.store.share_token(chosen, secret=configured_share_secret())
    box.code(_link_url(chosen, token), language=None, wrap_lines=True)
    box.text(_pin_text(chosen, known))
    if box.button("Revoke this link", icon=":material/link_off:", key=f"vg_revoke_{chosen.id}"):
        _confirm_revoke(ctx, chosen)


def _pin_text(link: StoredShareLink, known: dict[int, StoredDataset]) -> str:
    """What a link shows, in the words its viewer reads."""
    pinned = known.get(link.dataset_id) if link.dataset_id is not None else None
    label = _evidence_label(link.dataset_id, known) if link.dataset_id is not None else None
    return tokens.describe_pin(label, pinned.created_at if pinned else None, link.settings)


def _offer_moves(
    ctx: PageContext, active: list[StoredShareLink], current_ids: tuple[int | None, int | None],
    known: dict[int, StoredDataset],
) -> None:  # fmt: skip
    """A button for each active link that shows other evidence than the current: the sharer moves it."""
    behind = [i for i in active if (i.dataset_id, i.customers_dataset_id) != current_ids]
    if current_ids[0] is None or not behind:
        return
    st.caption(
        f"{len(behind)} active link(s) show other evidence than the current "
        f"({escape_markdown(_evidence_label(current_ids[0], known))}). They keep it until you move them; "
        "a viewer sees the move at their next click, and the move is recorded."
    )
    for link in behind:
        row = st.columns([5, 2])
        row[0].text(
            f"Link #{link.id}" + (f" ({link.note})" if link.note else "") + f": {_pin_text(link, known)}"
        )
        if row[1].button(
            f"Move link #{link.id} to the current evidence",
            icon=":material/move_up:",
            key=f"vg_move_{link.id}",
        ):
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
    if st.button("Revoke", type="primary"):
        try:
            ctx.store.revoke_share_link(link.id, actor=ctx.actor)
        except ValueGapError as exc:
            st.error(escape_markdown(exc.message))
            return
        if st.session_state.get("vg_new_share", (None,))[0] == link.id:
            st.session_state.pop("vg_new_share")
        flash(f"Revoked share link #{link.id}.")
        st.rerun()


def _report(ctx: PageContext, stored: StoredProposition, saved: list[StoredScenario]) -> None:
    cells = st.columns([2, 2, 2])
    with cells[0]:
        dataset = choose_dataset(ctx, stored.id, label="Outcome data")
    if dataset is None:
        st.info("The report needs outcome data: there is none for this proposition yet.")
        return
    shared_scenario = ctx.shared.scenario_id if ctx.shared is not None else None
    options = [PROPOSITION_TARGET, *(item.id for item in saved)]
    with cells[1]:
        choice = st.selectbox(
            "What-if to include", options,
            index=options.index(shared_scenario) if shared_scenario in options else 0,
            format_func=lambda t: "None" if t == PROPOSITION_TARGET else _scenario_name(t, saved),
        )  # fmt: skip
    # a viewer's report is of what the link pinned; an editor's of the current evidence at the defaults
    settings = ctx.shared.settings if ctx.shared is not None else tokens.ViewSettings()
    analysis = cached_analysis(
        ctx.store, dataset.id, stored, alpha=settings.alpha, correction=settings.correction,
        segment=settings.segment, period=settings.period or ALL_PERIODS,
    )  # fmt: skip
    chosen = next((item for item in saved if item.id == choice), None)
    scenario = None
    if chosen is not None:
        inputs = what_if_inputs(ctx.store, stored, dataset, shared=ctx.shared).inputs_for(
            chosen.scenario.segment
        )
        scenario = scenarios.evaluate(inputs, chosen.scenario)
    with cells[2]:
        report_download(ctx, analysis, dataset, stored.id, scenario=scenario, key="vg_share_report")
    line = tokens.describe_pin(dataset.label, dataset.created_at, settings)
    st.caption(
        escape_markdown(f"The report's verdicts: {line}.")
        + ("" if ctx.shared is not None else " For other settings, download it from the Gap analysis page.")
    )


run_page(render, ctx)
