"""Pricing: what-if scenarios on price, cost of access and claims, and price research from surveys."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.model.proposition import AccessCost, AccessUnit, Proposition
from valuegap.pricing import charts, research, scenario_charts, scenarios
from valuegap.pricing.churn import ChurnFit, RevenueFigure, revenue_sentences
from valuegap.pricing.scenarios import DEFENSIBLE, Scenario, ScenarioInputs, ScenarioResult
from valuegap.reporting.formatting import escape_markdown, format_money
from valuegap.sharing import links
from valuegap.store import StoredDataset, StoredProposition, StoredScenario
from valuegap.ui import (
    CURRENT_SCENARIO,
    PageContext,
    choose_dataset,
    choose_proposition,
    flash,
    page_setup,
    remember_scenario,
    run_page,
)
from valuegap.ui.cached_evidence import cached_summary
from valuegap.ui.cached_pricing import cached_survey, what_if_inputs
from valuegap.ui.charts import show_altair
from valuegap.ui.panels.survey_upload import survey_upload
from valuegap.ui.tables import table_downloads

ctx = page_setup("Pricing", ":material/sell:")
ALL = "all"
InputsFor = Callable[[str | None], ScenarioInputs]


def render(ctx: PageContext) -> None:
    st.title("Pricing")
    top = st.columns([2, 2, 3])
    with top[0]:
        proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    with top[1]:
        outcomes = _outcomes(ctx, stored)
    what_if = what_if_inputs(ctx.store, stored, outcomes, shared=ctx.shared)
    fit, inputs_for = what_if.fit, what_if.inputs_for
    with top[2]:
        st.caption(_sources_caption(outcomes, what_if.customers))
    segments = [ALL, *cached_summary(ctx.store, outcomes.id).named_segments] if outcomes else [ALL]
    ranges = _ranges(ctx, stored)

    _load_linked_scenario(ctx, stored)
    _scenario_panel(ctx, stored, inputs_for, segments, ranges)
    st.subheader("Saved scenarios")
    _saved(ctx, stored, inputs_for)
    st.subheader("Churn model")
    _churn(fit, outcomes is not None, what_if.customers is not None)
    st.subheader("Price research")
    _research(ctx, stored)


def _outcomes(ctx: PageContext, stored: StoredProposition) -> StoredDataset | None:
    return choose_dataset(
        ctx, stored.id,
        help="Outcome data whose measured estimates give the realized benefit and the value gap.",
    )  # fmt: skip


def _sources_caption(outcomes: StoredDataset | None, customers: StoredDataset | None) -> str:
    parts = []
    parts.append(
        f"Value from **{escape_markdown(outcomes.label)}**."
        if outcomes
        else "No outcome data linked: value uses the promises only. Link data on the Evidence page."
    )
    parts.append(
        f"Churn and revenue from **{escape_markdown(customers.label)}**."
        if customers
        else "No customer table linked: no churn or revenue."
    )
    return " ".join(parts)


# ----------------------------------------------------------------------------- the what-if panel


def _keys(stored: StoredProposition) -> dict[str, str]:
    """Widget keys, which are also the URL's query parameters (bind="query-params"). A cost-of-access
    slider is keyed by its item's id, so a link never moves a change onto another item."""
    prop, suffix = stored.proposition, f"_{stored.id}"
    keys = {"price": f"price{suffix}", "segment": f"segment{suffix}"}
    keys |= {f"access:{item.id}": f"access_{item.id}{suffix}" for item in prop.cost_of_access}
    for claim in prop.claims:
        keys[f"claim:{claim.id}"] = f"claim_{claim.id}{suffix}"
        keys[f"defensible:{claim.id}"] = f"defensible_{claim.id}{suffix}"
    return keys


def _scales(prop: Proposition) -> dict[str, scenarios.SliderScale]:
    """Each slider's range and step, keyed like :func:`_keys`, from today's values."""
    scales = {"price": scenarios.slider_scale(prop.price.amount)}
    scales |= {f"access:{item.id}": scenarios.slider_scale(item.amount) for item in prop.cost_of_access}
    scales |= {
        f"claim:{c.id}": scenarios.slider_scale(c.claimed) for c in prop.claims if c.claimed is not None
    }
    return scales


def _access_label(item: AccessCost) -> str:
    return item.label or item.kind.value.replace("_", " ")


def _opened_keys(stored: StoredProposition) -> tuple[str, str]:
    """Session keys: the scenario opened from the link, and the widget values it set."""
    return f"vg_opened_scenario_{stored.id}", f"vg_opened_values_{stored.id}"


def _today_widgets(stored: StoredProposition) -> dict[str, object]:
    """Every what-if widget's value for today, by widget key."""
    prop, keys, scales = stored.proposition, _keys(stored), _scales(stored.proposition)
    today: dict[str, object] = {keys["price"]: scales["price"].start, keys["segment"]: ALL}
    today |= {keys[f"access:{item.id}"]: scales[f"access:{item.id}"].start for item in prop.cost_of_access}
    for claim in prop.claims:
        if claim.claimed is not None:
            today[keys[f"claim:{claim.id}"]] = scales[f"claim:{claim.id}"].start
        today[keys[f"defensible:{claim.id}"]] = False
    return today


def _load_linked_scenario(ctx: PageContext, stored: StoredProposition) -> None:
    """``?scenario=ID`` fills the panel with a saved scenario.

    The link keeps naming the scenario until a what-if widget moves away from it (see
    :func:`_follow_opened_scenario`), so reloading or copying it reopens the scenario; after a move
    the widgets' own parameters carry the what-if.
    """
    wanted = st.query_params.get(links.SCENARIO)
    if not wanted:
        return
    try:
        saved = ctx.store.scenario(int(wanted)) if wanted.isdigit() else None
    except ValueGapError:
        saved = None
    if saved is None or saved.proposition_id != stored.id:
        st.query_params.pop(links.SCENARIO, None)
        st.warning("The scenario in the link does not exist for this proposition; showing today's values.")
        return
    prop, scenario = stored.proposition, saved.scenario
    keys, scales = _keys(stored), _scales(prop)
    opened_key, values_key = _opened_keys(stored)
    said = _notes(ctx, stored, saved)
    if st.session_state.get(opened_key) == saved.id:  # already open in this session: only the notes
        if said:
            st.warning(f"The scenario '{escape_markdown(saved.name)}': " + _sentences(said))
        return
    values = _today_widgets(stored)
    outside: list[str] = []

    def put(name: str, value: float, what: str) -> None:
        scale = scales[name]
        if scale.contains(value):
            values[keys[name]] = float(value)
        else:
            outside.append(
                f"its {what} ({scale.text(value)}) is outside the slider's range "
                f"({scale.text(scale.bottom)} to {scale.text(scale.top)}), so the slider shows today's"
            )

    if scenario.price is not None:
        put("price", scenario.price, "price")
    items = {item.id: item for item in prop.cost_of_access}
    for item_id, amount in scenario.access.items():
        if item_id in items:  # a gone item is named by the notes, never given to another one
            put(f"access:{item_id}", amount, f"cost of access for '{_access_label(items[item_id])}'")
    for claim_id, value in scenario.claims.items():
        if value == DEFENSIBLE and f"defensible:{claim_id}" in keys:
            values[keys[f"defensible:{claim_id}"]] = True
        elif value != DEFENSIBLE and f"claim:{claim_id}" in scales:
            put(f"claim:{claim_id}", float(value), f"promised value for the claim '{claim_id}'")
    values[keys["segment"]] = scenario.segment or ALL
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state[opened_key], st.session_state[values_key] = saved.id, values
    remember_scenario(stored.id, saved.id)  # the Share page offers it first
    said += [f"In the sliders, {text}; the saved scenarios table shows it as saved." for text in outside]
    if said:
        st.warning(f"Opened the scenario '{escape_markdown(saved.name)}'. " + _sentences(said))
    else:
        st.toast(f"Opened the scenario '{escape_markdown(saved.name)}'.", icon=":material/link:")


def _notes(ctx: PageContext, stored: StoredProposition, saved: StoredScenario) -> list[str]:
    """What to tell about a saved scenario against the proposition as it is now (see
    :func:`valuegap.pricing.scenarios.notes`), naming gone items as they were when it was saved."""
    version, then = saved.scenario.version, None
    if version is not None and version != stored.version:
        try:
            then = ctx.store.revision(stored.id, version).proposition
        except ValueGapError:  # a version the history no longer has: items are named by id
            then = None
    return scenarios.notes(
        saved.scenario, stored.proposition, stored.version, version_guessed=saved.version_guessed, then=then
    )


def _sentences(said: list[str]) -> str:
    return " ".join(escape_markdown(text) for text in said)


def _follow_opened_scenario(stored: StoredProposition) -> None:
    """Once a widget moves away from the opened scenario, the link stops naming it: the widgets'
    parameters then carry the what-if, and a copied link reopens those moves."""
    opened_key, values_key = _opened_keys(stored)
    if st.session_state.get(opened_key) is None:
        return
    values = st.session_state.get(values_key) or {}
    if any(st.session_state.get(key, value) != value for key, value in values.items()):
        st.session_state.pop(opened_key, None)
        st.session_state.pop(values_key, None)
        st.query_params.pop(links.SCENARIO, None)


def _outside_link(key: str, scale: scenarios.SliderScale, what: str) -> None:
    """Say so when the link's value for a slider is outside its range: Streamlit would quietly show
    today's value instead."""
    raw = st.query_params.get(key)
    if raw is None:
        return
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    given, what = escape_markdown(str(raw)[:40]), escape_markdown(what)
    if not math.isfinite(value):
        st.warning(f"The link's {what} ({given}) is not a number; showing today's {what} instead.")
    elif not scale.contains(value):
        st.warning(
            f"The link's {what} ({given}) is outside the slider's range "
            f"({scale.text(scale.bottom)} to {scale.text(scale.top)}); showing today's {what} instead."
        )


def _slider(label: str, key: str, scale: scenarios.SliderScale, what: str, **kwargs: object) -> float:
    """A what-if slider bound to the URL, on ``scale``'s grid (whose top is a stop: see
    :class:`valuegap.pricing.scenarios.SliderScale`), starting at today's stop."""
    _outside_link(key, scale, what)
    value = st.slider(
        label, scale.bottom, scale.top, scale.start, scale.step, key=key, bind="query-params",
        format=f"%.{scale.places}f", **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return float(value)


@st.fragment
def _scenario_panel(
    ctx: PageContext, stored: StoredProposition, inputs_for: InputsFor, segments: list[str],
    ranges: pd.DataFrame | None,
) -> None:  # fmt: skip
    prop = stored.proposition
    keys = _keys(stored)
    currency, period = prop.price.currency, prop.price.period.value
    st.subheader("What if…")
    left, right = st.columns([2, 3], gap="large")
    scales = _scales(prop)
    with left:
        scale = scales["price"]
        price = _slider(
            f"Price ({currency} per {period})", keys["price"], scale, "price",
            help="The list price; each customer's price and revenue scale by the same factor.",
        )  # fmt: skip
        if price == scale.start:
            price = prop.price.amount  # today's exact price, even between two stops
        if ranges is not None and not ranges.empty:
            show_altair(
                charts.price_band_chart(ranges, price, prop.price.amount, 0.0, scale.top),
                "price ranges",
                key="price_bands",
                caption="Price research ranges (bands) against the what-if price (solid) and today's "
                "(dashed).",
            )  # fmt: skip
        access = _access_sliders(prop, keys, scales)
        claims = _claim_sliders(prop, keys, scales, inputs_for(None))
        segment = st.selectbox(
            "Target segment", segments, key=keys["segment"], bind="query-params",
            help="Value, churn and revenue for this segment's customers only.",
        )  # fmt: skip
    _follow_opened_scenario(stored)
    scenario = Scenario(
        price=price, access=access, claims=claims, segment=None if segment == ALL else segment,
        version=stored.version,
    )  # fmt: skip
    try:
        inputs = inputs_for(scenario.segment)
        result = scenarios.evaluate(inputs, scenario)
    except ValueGapError as error:
        right.error(escape_markdown(error.message))
        return
    with right:
        _results(result, inputs, currency, period)
        _save_form(ctx, stored, scenario)


def _access_sliders(
    prop: Proposition, keys: dict[str, str], scales: dict[str, scenarios.SliderScale]
) -> dict[str, float]:
    """Cost-of-access amounts the sliders change, by item id."""
    changed: dict[str, float] = {}
    for item in prop.cost_of_access:
        unit = "hours" if item.unit is AccessUnit.hours else prop.price.currency
        scale = scales[f"access:{item.id}"]
        label = escape_markdown(f"{_access_label(item)} ({unit}, {item.frequency.value.replace('_', ' ')})")
        value = _slider(
            label, keys[f"access:{item.id}"], scale, f"cost of access for '{_access_label(item)}'"
        )
        if value != scale.start:
            changed[item.id] = value
    return changed


def _claim_sliders(
    prop: Proposition, keys: dict[str, str], scales: dict[str, scenarios.SliderScale], inputs: ScenarioInputs
) -> dict[str, float | str]:
    changed: dict[str, float | str] = {}
    promised = [c for c in prop.claims if c.claimed is not None and c.form.value != "puffery"]
    if not promised:
        return changed
    with st.expander("Promised values", expanded=False):
        for claim in promised:
            defensible = inputs.defensible.get(claim.id)
            if defensible is not None and math.isfinite(defensible):
                use = st.checkbox(
                    escape_markdown(
                        f"{claim.id}: promise the defensible value ({defensible:.3g} {claim.unit})"
                    ),
                    key=keys[f"defensible:{claim.id}"], bind="query-params",
                )  # fmt: skip
                if use:
                    changed[claim.id] = DEFENSIBLE
                    continue
            scale = scales[f"claim:{claim.id}"]
            value = _slider(
                escape_markdown(f"{claim.id} ({claim.unit or 'value'})"), keys[f"claim:{claim.id}"], scale,
                f"promised value for the claim '{claim.id}'", help=escape_markdown(claim.text),
            )  # fmt: skip
            if value != scale.start:
                changed[claim.id] = value
    return changed


def _delta(value: float | None, fmt: str) -> str | None:
    return None if value is None or abs(value) < 1e-12 else fmt.format(value)


def _compact(value: float | None, currency: str) -> str:
    """Money short enough for a metric tile: thousands and millions abbreviated."""
    if value is None:
        return "—"
    size = abs(value)
    if size >= 1e6:
        return f"{currency} {value / 1e6:,.2f} M"
    if size >= 1e4:
        return f"{currency} {value / 1e3:,.1f} k"
    return format_money(value, currency)


def _results(result: ScenarioResult, inputs: ScenarioInputs, currency: str, period: str) -> None:
    what_if = result.what_if
    churn_change = result.delta("churn_rate")
    tiles: list[tuple[str, str, str | None, str, str | None]] = [
        (f"Net customer value per {period}", _compact(what_if.net_value, currency),
         _delta(result.delta("net_value"), "{:+,.2f}"), "normal", None),
        ("Value ratio", "—" if what_if.value_ratio is None else f"{what_if.value_ratio:.2f}",
         _delta(result.delta("value_ratio"), "{:+.3f}"), "normal",
         "Realized benefit over price plus cost of access (1 = customers get what they pay)."),
        (f"Value gap per {period}", _compact(what_if.value_gap, currency),
         _delta(result.delta("value_gap"), "{:+,.2f}"), "inverse",
         "Promised minus realized benefit per customer."),
        ("Value advantage (map)",
         "—" if what_if.value_advantage is None else f"{what_if.value_advantage:+.3f}",
         _delta(result.delta("value_advantage"), "{:+.3f}"), "normal",
         "Distance below the fair-value line against the same competitors (positive = better value)."),
    ]  # fmt: skip
    if what_if.churn_rate is not None:
        tiles += [
            ("Predicted churn", f"{what_if.churn_rate:.1%}",
             None if churn_change is None else _delta(100 * churn_change, "{:+.2f} pp"), "inverse",
             f"95% band {what_if.churn_low:.1%} – {what_if.churn_high:.1%} (delta method)."),
            *_revenue_tiles(result, currency, period),
        ]  # fmt: skip
    else:
        tiles += [
            ("Predicted churn", "—", None, "off", inputs.churn_note or "No churn model."),
            (f"Revenue ({result.proposition.horizon} {period}s)", _compact(what_if.revenue, currency),
             _delta(result.delta("revenue"), "{:+,.0f}"), "normal", "Without churn: no churn model."),
        ]  # fmt: skip
    for start in range(0, len(tiles), 2):
        row = st.columns(2)
        for cell, (label, value, delta, color, help_text) in zip(row, tiles[start : start + 2], strict=False):
            cell.metric(label, value, delta, delta_color=color, help=help_text)  # type: ignore[arg-type]
    if what_if.churn_rate is None and inputs.churn_note:
        st.caption(f"No churn prediction: {escape_markdown(inputs.churn_note)}")
    number = st.column_config.NumberColumn(format="%.3f")
    table = result.to_frame()
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"today": number, "what-if": number, "change": number},
    )  # fmt: skip
    table_downloads(table, "what-if against today", key="what_if")
    st.caption(
        "Today against the what-if. The churn model sees price and the value gap; the cost of access "
        "changes customer value but not predicted churn. Revenue at risk = Σ churn probability × revenue "
        "× horizon. Under-delivery: what removing only the shortfalls (customers who got less than "
        "promised) would take off it; net effect: what delivering exactly the promise to every customer "
        "would take off it (negative when customers get more than promised). Intervals: 95%, delta method."
    )


def _revenue_tiles(
    result: ScenarioResult, currency: str, period: str
) -> list[tuple[str, str, str | None, str, str | None]]:
    """Revenue at risk, under-delivery and the net effect of delivering the promise (METHODS section 7):
    a gap figure is called a share of revenue at risk only when it lies between 0 and the total."""
    what_if = result.what_if
    figures = {
        name: RevenueFigure(
            getattr(what_if, name) or 0.0, getattr(what_if, f"{name}_low") or 0.0,
            getattr(what_if, f"{name}_high") or 0.0,
        )
        for name in ("revenue_at_risk", "under_delivery", "net_effect")
    }  # fmt: skip
    words = revenue_sentences(*figures.values(), currency)
    labels = {
        "revenue_at_risk": f"Revenue at risk ({result.proposition.horizon} {period}s)",
        "under_delivery": "Revenue at risk from under-delivery",
        "net_effect": "Net effect of delivering exactly the promise",
    }
    return [
        (label, _compact(figures[name].estimate, currency), _delta(result.delta(name), "{:+,.0f}"), "inverse",
         words[name])
        for name, label in labels.items()
    ]  # fmt: skip


def _save_form(ctx: PageContext, stored: StoredProposition, scenario: Scenario) -> None:
    if not ctx.actor.can_edit:
        return
    with st.form("vg_save_scenario", border=False, clear_on_submit=True):
        cells = st.columns([3, 1, 1], vertical_alignment="bottom")
        name = cells[0].text_input("Save this what-if as", placeholder="e.g. Price +15%, honest savings")
        overwrite = cells[1].checkbox("Replace", help="Replace a saved scenario with the same name.")
        if cells[2].form_submit_button("Save scenario", icon=":material/bookmark_add:"):
            try:
                saved = ctx.store.save_scenario(
                    stored.id, scenarios.with_name(scenario, name), actor=ctx.actor, replace=overwrite
                )
            except ValueGapError as error:
                st.error(escape_markdown(error.message))
                return
            remember_scenario(stored.id, saved.id)
            # the address already names the scenario: a bare "?p=4&scenario=2" was no link a user can use
            flash(f"Saved the scenario '{saved.name}'. Find it under Saved scenarios, or share it on Share.")
            st.rerun(scope="app")


# ----------------------------------------------------------------------------- saved scenarios


def _saved(ctx: PageContext, stored: StoredProposition, inputs_for: InputsFor) -> None:
    saved = ctx.store.scenarios(stored.id)
    if not saved:
        st.info("No saved scenarios yet. Set a what-if above and save it by name to compare it here.")
        return
    results: dict[str, ScenarioResult] = {}
    for item in saved:
        said = _notes(ctx, stored, item)
        if said:
            st.warning(
                f"**{escape_markdown(item.name)}**: " + " ".join(escape_markdown(text) for text in said),
                icon=":material/history:",
            )
        try:
            results[item.name] = scenarios.evaluate(inputs_for(item.scenario.segment), item.scenario)
        except ValueGapError as error:
            st.warning(f"{escape_markdown(item.name)}: {escape_markdown(error.message)}")
    frame = scenarios.comparison_frame(results)
    best = scenarios.best_per_metric(results)
    frame["best"] = [best.get(metric, "") for metric in frame["metric"]]
    number = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(
        frame, hide_index=True, width="stretch",
        column_config={c: number for c in frame.columns if c not in ("metric", "best")},
    )  # fmt: skip
    table_downloads(frame, "saved scenarios", key="scenarios")
    st.caption(
        "Each saved scenario's what-if beside today; 'best' names the scenario that does best on each row."
    )
    if results:
        show_altair(
            scenario_charts.comparison_chart(results), "saved scenarios", key="scenarios",
            caption=scenario_charts.COMPARISON_CAPTION,
        )  # fmt: skip
    cells = st.columns(min(len(saved), 4))
    for index, item in enumerate(saved):
        with cells[index % len(cells)]:
            st.page_link(
                "pages/6_pricing.py", label=escape_markdown(f"Open '{item.name}'"), icon=":material/link:",
                query_params={links.PROPOSITION: str(stored.id), links.SCENARIO: str(item.id)},
            )  # fmt: skip
            if ctx.actor.can_edit and st.button("Delete", key=f"vg_delete_scenario_{item.id}"):
                ctx.store.delete_scenario(item.id, actor=ctx.actor)
                if st.session_state.get(CURRENT_SCENARIO) == (stored.id, item.id):
                    remember_scenario(stored.id, None)
                flash(f"Deleted the scenario '{item.name}'.")
                st.rerun()


# ----------------------------------------------------------------------------- churn model


def _churn(fit: ChurnFit | None, has_outcomes: bool, has_customers: bool) -> None:
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
    st.dataframe(
        model.coefficients, hide_index=True, width="stretch",
        column_config={"p_value": st.column_config.NumberColumn("p", format="%.2g")},
    )  # fmt: skip
    table_downloads(model.coefficients, "churn model", key="churn")
    st.caption(
        f"Logit of churned on the per-customer value gap, price and covariates; n = {model.n} customers, "
        f"{model.churners} churned. Odds ratios above 1 raise the odds of churning; the interval is 95%."
        + ("" if not fit.notes else " " + " ".join(escape_markdown(n) for n in fit.notes))
    )


# ----------------------------------------------------------------------------- price research


def _surveys(ctx: PageContext, stored: StoredProposition) -> dict[str, StoredDataset]:
    found: dict[str, StoredDataset] = {}
    for dataset in ctx.store.datasets(kind="survey", proposition_id=stored.id):
        found.setdefault(dataset.details.get("method", ""), dataset)  # newest first
    return found


def _ranges(ctx: PageContext, stored: StoredProposition) -> pd.DataFrame | None:
    surveys = _surveys(ctx, stored)
    try:
        vw = (
            cached_survey(ctx.store, surveys["van_westendorp"].id, "van_westendorp")
            if "van_westendorp" in surveys
            else None
        )
        gg = (
            cached_survey(ctx.store, surveys["gabor_granger"].id, "gabor_granger")
            if "gabor_granger" in surveys
            else None
        )
    except ValueGapError:
        return None
    if vw is None and gg is None:
        return None
    return research.price_ranges(vw, gg)


def _research(ctx: PageContext, stored: StoredProposition) -> None:
    surveys = _surveys(ctx, stored)
    currency = stored.proposition.price.currency
    tabs = st.tabs(["Van Westendorp", "Gabor-Granger", "Elasticity", "Upload a survey"])
    with tabs[0]:
        _van_westendorp(ctx, surveys.get("van_westendorp"), currency)
    with tabs[1]:
        _gabor_granger(ctx, surveys.get("gabor_granger"), currency)
    with tabs[2]:
        _elasticity(ctx, surveys.get("transactions"))
    with tabs[3]:
        survey_upload(ctx, stored)


def _missing(method: str) -> None:
    what = {
        "van_westendorp": "No Van Westendorp survey",
        "gabor_granger": "No Gabor-Granger survey",
        "transactions": "No transactions (price and quantity per sale)",
    }[method]
    st.info(f"{what} linked to this proposition yet; upload one in the **Upload a survey** tab.")


def _van_westendorp(ctx: PageContext, dataset: StoredDataset | None, currency: str) -> None:
    if dataset is None:
        _missing("van_westendorp")
        return
    try:
        vw = cached_survey(ctx.store, dataset.id, "van_westendorp")
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    st.caption(f"From **{escape_markdown(dataset.label)}**.")
    for note in vw.notes:  # a point the data do not identify
        st.warning(escape_markdown(note), icon=":material/help:")
    names = list(research.POINTS)
    points = pd.DataFrame(
        {
            "point": [
                "Optimal price point (OPP)", "Indifference price point (IDP)",
                "Lowest acceptable, original (PMC)", "Highest acceptable, original (PME)",
                "Lowest acceptable, common (PMC)", "Highest acceptable, common (PME)",
            ],
            "price": [vw.points[n] for n in names],
            "note": ["not identified by the data" if n in vw.unidentified else "" for n in names],
        }
    )  # fmt: skip
    if vw.intervals:
        points["95% low"] = [vw.intervals.get(n, (None, None))[0] for n in names]
        points["95% high"] = [vw.intervals.get(n, (None, None))[1] for n in names]
    cells = st.columns([3, 2])
    with cells[0]:
        show_altair(
            charts.van_westendorp_chart(vw), "van westendorp", key="van_westendorp",
            caption=charts.van_westendorp_caption(vw, currency),
        )  # fmt: skip
    with cells[1]:
        st.dataframe(points, hide_index=True, width="stretch")
        table_downloads(points, "van westendorp points", key="vw_points")
        st.caption(
            f"{vw.n} respondents used; {vw.dropped} dropped: {vw.dropped_incomplete} with a blank answer and "
            f"{vw.dropped_inconsistent} with answers out of order (too cheap < cheap < expensive < too "
            "expensive must hold). Both range definitions are shown."
            + (" Intervals: bootstrap over respondents (small sample)." if vw.intervals else "")
        )
        left_out = (
            ("respondents with a blank answer", vw.rows_of(research.INCOMPLETE), "vw_incomplete"),
            ("respondents with answers out of order", vw.rows_of(research.INCONSISTENT), "vw_order"),
            ("respondents with invalid answers, left out at import", vw.invalid_rows, "vw_invalid"),
        )
        for what, rows, key in left_out:
            if len(rows):
                st.caption(f"The {len(rows)} {what}:")
                table_downloads(rows, f"van westendorp {what}", key=key)


def _gabor_granger(ctx: PageContext, dataset: StoredDataset | None, currency: str) -> None:
    if dataset is None:
        _missing("gabor_granger")
        return
    unit_cost = st.number_input(
        f"Unit cost ({currency}, optional)", min_value=0.0, value=None, step=1.0,
        help="With a unit cost the profit-maximising price is shown too.", key="vg_unit_cost",
    )  # fmt: skip
    try:
        gg = cached_survey(ctx.store, dataset.id, "gabor_granger", unit_cost)
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    st.caption(f"From **{escape_markdown(dataset.label)}**.")
    cells = st.columns([3, 2])
    with cells[0]:
        show_altair(
            charts.gabor_granger_chart(gg), "gabor-granger demand", key="gabor_granger",
            caption=charts.gabor_granger_caption(gg, currency),
        )  # fmt: skip
    with cells[1]:
        st.dataframe(gg.demand, hide_index=True, width="stretch")
        table_downloads(gg.demand, "gabor-granger demand", key="gg_demand")
        for note in gg.notes:
            st.caption(escape_markdown(note))


def _elasticity(ctx: PageContext, dataset: StoredDataset | None) -> None:
    if dataset is None:
        _missing("transactions")
        return
    try:
        result = cached_survey(ctx.store, dataset.id, "transactions")
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    cells = st.columns(3)
    cells[0].metric("Price elasticity", f"{result.elasticity:.2f}")
    known = result.ci_low is not None and result.ci_high is not None
    interval = f"{result.ci_low:.2f} – {result.ci_high:.2f}" if known else "—"
    cells[1].metric("95% interval", interval)
    cells[2].metric("Transactions used", f"{result.n:,}")
    st.caption(f"Log-log OLS of quantity on price. {escape_markdown(result.note)}")


run_page(render, ctx)
