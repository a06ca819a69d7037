"""Competitors: where our offer stands on the customer value map, as claimed and as measured."""

from __future__ import annotations

from typing import Any

import streamlit as st

from valuegap.errors import ConflictError, ValueGapError
from valuegap.evidence import gaps
from valuegap.market import charts, competition, editing, offer_files
from valuegap.market.editing import NOT_MEASURED
from valuegap.model.proposition import Proposition
from valuegap.reporting.formatting import escape_markdown, format_price
from valuegap.sharing import links
from valuegap.store import StoredOffers, StoredProposition
from valuegap.ui import (
    PageContext,
    choose_dataset,
    choose_proposition,
    evidence_dataset,
    flash,
    page,
    page_setup,
    run_page,
)
from valuegap.ui.cached_evidence import cached_analysis, cached_expectations, cached_summary
from valuegap.ui.charts import chart_downloads, show_altair
from valuegap.ui.tables import table_downloads

ctx = page_setup("Competitors", ":material/leaderboard:")


def _draft(stored: StoredOffers, prop: Proposition) -> dict[str, Any]:
    """The editor's draft for this proposition, reset when someone saved a newer version."""
    key = f"vg_market_{stored.proposition_id}"
    old = st.session_state.get(key)
    if old is not None and (old["base_version"] == stored.version or old["dirty"]):
        return old
    draft = editing.draft_of(stored.offers, stored.links, prop)
    revision = old["revision"] + 1 if old else 1
    draft |= {"base_version": stored.version, "dirty": False, "revision": revision}
    st.session_state[key] = draft
    return draft


def _reset(draft: dict[str, Any], stored: StoredOffers, prop: Proposition) -> None:
    fresh = editing.draft_of(stored.offers, stored.links, prop)
    revision = draft["revision"] + 1  # new widget keys, so the widgets show the saved values
    draft.clear()
    draft.update(fresh, base_version=stored.version, dirty=False, revision=revision)


def render(ctx: PageContext) -> None:
    st.title("Competitors")
    top = st.columns(2)
    with top[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored_prop = ctx.store.get(proposition_id)
    prop = stored_prop.proposition
    market = ctx.store.competitors(proposition_id)
    draft = _draft(market, prop)
    with top[1]:
        delivery, metrics, data_offers = _evidence(ctx, stored_prop)
    # the price line under the pickers, full width: beside them it squeezed the pickers' names
    st.caption(
        f"Our offer's price is the proposition's: **{escape_markdown(format_price(prop.price))}**. "
        + (
            f"Market saved as version {market.version} by {escape_markdown(market.updated_by)}."
            if market.version
            else "No market saved yet: fill it in on **Edit the market**, or start from a file on "
            "**Import / export**."
        )
    )
    names = ["Value map", "Relative performance", "Edit the market", "Import / export",
             "Claims against competitors"]  # fmt: skip
    # a market not saved yet opens on its editor; the map has its own tab, so it never pushes the
    # editor down the page when a draft becomes drawable while typing
    start = "Edit the market" if not market.version and ctx.actor.can_edit else "Value map"
    tabs = dict(
        zip(names, st.tabs(names, default=start, key=f"vg_market_tabs_{proposition_id}"), strict=True)
    )
    standing = None
    with tabs["Edit the market"]:
        if ctx.actor.can_edit:
            standing = st.empty()  # one line, filled below: how the draft places us, or why it can't
            _editor(ctx, draft, market, prop, metrics)
        else:
            st.info("You have view-only access: the market is shown as saved.")
    offers, problems = editing.check_draft(draft, prop)
    with tabs["Import / export"]:
        _files(ctx, draft, offers, prop)  # an upload works from any draft, even an empty one
    with tabs["Claims against competitors"]:
        _claims(prop, offers, data_offers)
    if offers is None:
        todo = (
            "The market cannot be drawn yet. Fix these in **Edit the market**, or start from a file in "
            "**Import / export**:\n\n" + "\n".join(f"- {escape_markdown(p)}" for p in problems)
        )
        for name in ("Value map", "Relative performance"):
            with tabs[name]:
                st.warning(todo)
        if standing is not None:
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            standing.caption(f":material/error: The value map cannot be drawn yet: {count} listed below.")
        return
    measured_by = {a: m for a, m in draft["links"].items() if m and m != NOT_MEASURED}
    vm = competition.value_map(offers, competition.measured_scores(offers, measured_by, delivery))
    if standing is not None:
        standing.caption(":material/insights: " + editing.standing_line(vm, dirty=draft["dirty"]))
    with tabs["Value map"]:
        _value_map(vm, prop, dirty=draft["dirty"])
    with tabs["Relative performance"]:
        _relative(vm)


def _evidence(
    ctx: PageContext, stored: StoredProposition
) -> tuple[dict[str, float | None], list[str], set[str]]:
    """Delivery per metric (outcome data) and per survey item (customer table): what scales our
    measured scores on the attributes linked to them."""
    dataset = choose_dataset(
        ctx, stored.id, help="Outcome data whose measured delivery scales our scores on linked attributes."
    )
    delivery: dict[str, float | None] = {}
    data_offers: set[str] = set()
    if dataset is not None:
        data_offers = set(cached_summary(ctx.store, dataset.id).offers)
        analysis = cached_analysis(ctx.store, dataset.id, stored, alpha=0.05, correction="holm")
        delivery |= gaps.delivery_by_metric(analysis)
    current = evidence_dataset(ctx, stored.id, "customers")  # chosen or pinned, never the newest
    customers = [current] if current is not None else []
    if customers:
        delivery |= editing.survey_delivery(cached_expectations(ctx.store, customers[0].id, 0.05))
    if not delivery:
        st.caption(
            "No outcome or survey data linked to this proposition: our offer is shown as claimed only."
        )
    return delivery, sorted(delivery), data_offers


def _value_map(vm: competition.ValueMap, prop: Proposition, *, dirty: bool) -> None:
    st.subheader("Customer value map")
    if dirty:
        st.caption(":material/edit: Showing your unsaved edits.")
    claimed, measured = vm.claimed, vm.measured
    # as wide as their labels, wrapping onto a second row on a narrow page (in four columns the
    # labels were cut to "Our relative quality …")
    row = st.container(horizontal=True, gap="medium")
    if claimed is not None:
        row.metric("Our relative quality (claimed)", f"{claimed.quality_ratio:.2f}", width="content")
        row.metric("Our relative price", f"{claimed.relative_price:.2f}", width="content")
        if claimed.value_advantage is not None:
            row.metric("Value advantage (claimed)", f"{claimed.value_advantage:+.3f}", width="content")
    if measured is not None and measured.value_advantage is not None and claimed is not None:
        row.metric(
            "Value advantage (measured)",
            f"{measured.value_advantage:+.3f}",
            delta=f"{measured.value_advantage - (claimed.value_advantage or 0):+.3f} vs claimed",
            width="content",
        )
    if vm.line is None:
        st.info(escape_markdown(vm.no_line_reason or "No fair-value line."))
    chart = charts.value_map_chart(vm)
    event = st.altair_chart(
        chart, width="stretch", on_select="rerun", selection_mode=charts.PICK, key="vg_value_map"
    )
    picked = [row.get("offer") for row in (event.selection.get(charts.PICK) or [])] if event else []
    profile = charts.profile_chart(vm, picked[0] if picked else None)
    st.altair_chart(profile, width="stretch", height=charts.profile_height(vm))
    st.caption(charts.CAPTIONS["value_map"])
    chart_downloads(chart, "value map", key="value_map")
    st.caption(escape_markdown(charts.shift_caption(vm, prop.price.currency, prop.price.period.value)))
    if vm.line is not None:
        st.caption(
            f"Fair-value line: relative price = {vm.line.intercept:.3f} + {vm.line.slope:.3f} × relative "
            f"quality; {escape_markdown(vm.line.zone_text)}."
        )
    table = charts.positions_frame(vm)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        placeholder="–",  # an empty cell (no fair-value line) read "None"
        column_config={
            "offer": "Offer",
            "kind": "Kind",
            "price": st.column_config.NumberColumn("Price", format="%.2f"),
            "quality_ratio": st.column_config.NumberColumn("Relative quality", format="%.3f"),
            "relative_price": st.column_config.NumberColumn("Relative price", format="%.3f"),
            "value_advantage": st.column_config.NumberColumn("Value advantage", format="%+.3f"),
            "fair_value": "Fair value",
        },
    )
    table_downloads(table, "value map positions", key="positions")


def _relative(vm: competition.ValueMap) -> None:
    left, right = st.columns(2)
    with left:
        show_altair(
            charts.relative_chart(vm), "relative performance", key="relative",
            caption=charts.CAPTIONS["relative"],
        )  # fmt: skip
    with right:
        measured = vm.measured is not None
        note = " Our performance here is as measured." if measured else ""
        show_altair(
            charts.quadrant_chart(competition.standings(vm, measured=measured)),
            "importance and performance", key="quadrant", caption=charts.CAPTIONS["quadrant"] + note,
        )  # fmt: skip
    table = charts.relative_table(vm)
    ratios = [c for c in table.columns if c.startswith("ours vs others")]
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="–",
        column_config={c: st.column_config.NumberColumn(c, format="%.2f") for c in ratios},
    )  # fmt: skip
    table_downloads(table, "relative performance", key="relative")


def _editor(
    ctx: PageContext, draft: dict[str, Any], market: StoredOffers, prop: Proposition, metrics: list[str]
) -> None:
    revision = draft["revision"]
    st.markdown("**Attributes and their importance** (weights sum to 100)")
    for attribute in list(draft["attributes"]):
        cells = st.columns([3, 2, 3, 1], vertical_alignment="bottom")
        cells[0].markdown(escape_markdown(attribute))
        weight = cells[1].number_input(
            f"Weight of {escape_markdown(attribute)}", min_value=0.0, max_value=100.0, step=1.0,
            value=float(draft["attributes"][attribute] or 0), key=f"vg_w_{revision}_{attribute}",
            label_visibility="collapsed",
        )  # fmt: skip
        if weight != draft["attributes"][attribute]:
            draft["attributes"][attribute] = weight
            draft["dirty"] = True
        options = [NOT_MEASURED, *metrics]
        current = draft["links"].get(attribute) or NOT_MEASURED
        if current not in options:
            options.append(current)
        link = cells[2].selectbox(
            f"Measured by ({escape_markdown(attribute)})", options, index=options.index(current),
            key=f"vg_link_{revision}_{attribute}", label_visibility="collapsed",
            help="The metric (or survey item) whose measured delivery scales our score on this attribute.",
        )  # fmt: skip
        if link != current:
            draft["links"][attribute] = link
            draft["dirty"] = True
        if cells[3].button(
            ":material/delete:",
            key=f"vg_drop_{revision}_{attribute}",
            help=f"Remove {escape_markdown(attribute)}",
        ):
            draft["attributes"].pop(attribute)
            draft["links"].pop(attribute, None)
            for offer in draft["offers"]:
                (offer.get("scores") or {}).pop(attribute, None)
            draft["dirty"], draft["revision"] = True, revision + 1
            st.rerun()
    ok, status = editing.weight_status(editing.weight_total(draft))
    (st.success if ok else st.error)(status, icon=":material/check:" if ok else ":material/error:")
    with st.form(f"vg_add_attribute_{revision}", clear_on_submit=True, border=False):
        cells = st.columns([3, 1], vertical_alignment="bottom")
        name = cells[0].text_input("New attribute", placeholder="e.g. Integrations", max_chars=120)
        if cells[1].form_submit_button("Add attribute") and name.strip():
            if name.strip() in draft["attributes"]:
                st.error(f"There is already an attribute called {escape_markdown(name.strip())}.")
            else:
                draft["attributes"][name.strip()] = 0.0
                draft["dirty"], draft["revision"] = True, revision + 1
                st.rerun()
    st.markdown("**Offers and their scores** (ours is the ticked row; add a row per competitor)")
    attributes = list(draft["attributes"])
    # the editor keeps its edits as changes to the data it was first given: feeding it the edited
    # offers would apply them twice (added rows doubled), so its input only changes with a revision
    if draft.get("editor_base", (None,))[0] != revision:
        draft["editor_base"] = (revision, [dict(offer) for offer in draft["offers"]])
    frame = editing.offers_frame({"attributes": draft["attributes"], "offers": draft["editor_base"][1]})
    edited = st.data_editor(
        frame, key=f"vg_offers_{revision}", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Offer", required=True, max_chars=120),
            "price": st.column_config.NumberColumn("Price", min_value=0.0, format="%.2f"),
            "ours": st.column_config.CheckboxColumn("Ours"),
            **{a: st.column_config.NumberColumn(a, min_value=0.0) for a in attributes},
        },
    )  # fmt: skip
    offers_now = editing.offers_from_frame(edited, attributes)
    if offers_now != editing.offers_from_frame(frame, attributes):
        draft["offers"], draft["dirty"] = offers_now, True
    else:
        draft["offers"] = draft["editor_base"][1]
    offers, problems = editing.check_draft(draft, prop)
    for problem in problems:
        st.caption(f":material/error: {escape_markdown(problem)}")
    row = st.container(horizontal=True)  # buttons as wide as their words: in columns, "Save the …"
    if row.button("Save the market", type="primary", disabled=offers is None or not draft["dirty"]):
        measured_by = {a: m for a, m in draft["links"].items() if m and m != NOT_MEASURED}
        try:
            saved = ctx.store.save_competitors(
                prop_id := market.proposition_id,
                offers,
                measured_by,
                seen_version=draft["base_version"],
                actor=ctx.actor,
            )
        except ConflictError as conflict:
            st.error(escape_markdown(conflict.message))
            return
        # a fresh draft from what was saved, under new widget keys: the offers editor keeps its edits
        # as changes to its first data, and kept them as unsaved edits after the save
        _reset(draft, saved, prop)
        flash(f"Market saved as version {saved.version}.")
        st.query_params[links.PROPOSITION] = str(prop_id)
        st.rerun()
    if row.button("Discard edits", disabled=not draft["dirty"]):
        _reset(draft, market, prop)
        st.rerun()


def _files(
    ctx: PageContext, draft: dict[str, Any], offers: competition.Offers | None, prop: Proposition
) -> None:
    slug = "".join(ch if ch.isalnum() else "-" for ch in prop.name.lower()).strip("-") or "offers"
    if offers is not None:
        cells = st.columns(3)
        cells[0].download_button(
            "Download YAML", offer_files.dumps(offers), f"{slug}-offers.yaml", "application/x-yaml"
        )
        cells[1].download_button("Download CSV", offer_files.to_csv(offers), f"{slug}-offers.csv", "text/csv")
        cells[2].download_button(
            "Download Excel", offer_files.to_excel(offers), f"{slug}-offers.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip
    else:
        st.caption("The downloads appear once the market is complete.")
    if not ctx.actor.can_edit:
        return
    upload = st.file_uploader(
        "Start the market from an offers file (YAML, JSON, CSV or Excel)"
        if not draft["base_version"]
        else "Replace the draft with an offers file (YAML, JSON, CSV or Excel)",
        type=["yaml", "yml", "json", "csv", "tsv", "xlsx"], key=f"vg_offers_file_{draft['revision']}",
        help="YAML/JSON as `valuegap valuemap` reads it; a table with columns name, price, ours and one per "
        "attribute, plus a row named 'importance' holding the weights.",
    )  # fmt: skip
    if upload is None:
        return
    try:
        loaded = offer_files.loads(upload.getvalue(), upload.name)
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    st.success(
        f"{escape_markdown(upload.name)}: {len(loaded.offers)} offers on {len(loaded.attributes)} attributes."
    )
    if st.button("Use this file as the draft", type="primary"):
        kept_links = {a: m for a, m in draft["links"].items() if a in loaded.attributes}
        revision = draft["revision"] + 1
        draft.update(loaded.to_dict(), links=kept_links, dirty=True, revision=revision)
        flash("Draft replaced from the file; review it and save.")
        st.rerun()


def _claims(prop: Proposition, offers: competition.Offers, data_offers: set[str]) -> None:
    table = editing.competitor_claims(prop, offers, data_offers)
    if table.empty:
        st.info("This proposition has no comparative or parity claims.")
        return
    st.dataframe(table, hide_index=True, width="stretch", placeholder="–")
    table_downloads(table, "claims against competitors", key="competitor_claims")
    st.caption(
        "Comparative and parity claims are tested against the competitor's customers in the outcome data "
        "(rows whose offer is the competitor's name); their verdicts are on the Gap analysis page."
    )
    st.page_link(page("4_gap_analysis.py").path, label="See the verdicts", icon=":material/query_stats:")


run_page(render, ctx)
