"""The Pricing page's what-if panel: sliders bound to the URL, a saved scenario opened from a link,
the result against today, and the form that saves the what-if by name.

Every widget's key is its URL parameter (``bind="query-params"``), keyed by item id, never by place
in a list, so a link never moves a change onto another item. What the controls are, their ranges and
how their values become a :class:`~valuegap.pricing.scenarios.Scenario` is library policy
(:class:`~valuegap.pricing.scenarios.WhatIfControls`); this module only draws them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.pricing import charts, scenarios
from valuegap.pricing.scenarios import (
    ACCESS,
    CLAIM,
    DEFENSIBLE_CHOICE,
    PRICE,
    SEGMENT,
    Control,
    ControlValue,
    ScenarioInputs,
    WhatIfControls,
)
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links
from valuegap.store import StoredProposition, StoredScenario
from valuegap.ui import PageContext, flash, remember_scenario
from valuegap.ui import state_keys as keys
from valuegap.ui.charts import show_altair
from valuegap.ui.panels.scenario_results import scenario_results, scenario_table

InputsFor = Callable[[str | None], ScenarioInputs]
_PREFIXES = {
    PRICE: keys.WHAT_IF_PRICE,
    SEGMENT: keys.WHAT_IF_SEGMENT,
    ACCESS: keys.WHAT_IF_ACCESS,
    CLAIM: keys.WHAT_IF_CLAIM,
    DEFENSIBLE_CHOICE: keys.WHAT_IF_DEFENSIBLE,
}


def widget_key(control: Control, proposition_id: int) -> str:
    """The widget key of a what-if control, which is also its URL parameter."""
    return keys.keyed(_PREFIXES[control.kind], *([control.item] if control.item else []), proposition_id)


def scenario_notes(ctx: PageContext, stored: StoredProposition, saved: StoredScenario) -> list[str]:
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


def open_linked_scenario(ctx: PageContext, stored: StoredProposition) -> None:
    """``?scenario=ID`` fills the what-if widgets with a saved scenario.

    The link keeps naming the scenario until a widget moves away from it (see :func:`_follow_opened`),
    so reloading or copying it reopens the scenario; after a move the widgets' own parameters carry it.
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
    said = scenario_notes(ctx, stored, saved)
    opened_key = keys.keyed(keys.OPENED_SCENARIO, stored.id)
    if st.session_state.get(opened_key) == saved.id:  # already open in this session: only the notes
        if said:
            st.warning(f"The scenario '{escape_markdown(saved.name)}': " + _sentences(said))
        return
    opened = WhatIfControls.of(stored.proposition).opened(saved.scenario)
    values = {widget_key(control, stored.id): value for control, value in opened.values.items()}
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state[opened_key] = saved.id
    st.session_state[keys.keyed(keys.OPENED_VALUES, stored.id)] = values
    remember_scenario(stored.id, saved.id)  # the Share page offers it first
    said += [
        f"In the sliders, {text}; the saved scenarios table shows it as saved." for text in opened.outside
    ]
    if said:
        st.warning(f"Opened the scenario '{escape_markdown(saved.name)}'. " + _sentences(said))
    else:
        st.toast(f"Opened the scenario '{escape_markdown(saved.name)}'.", icon=":material/link:")


def _follow_opened(stored: StoredProposition) -> None:
    """Once a widget moves away from the opened scenario, the link stops naming it: the widgets'
    parameters then carry the what-if, and a copied link reopens those moves."""
    opened_key, values_key = (
        keys.keyed(key, stored.id) for key in (keys.OPENED_SCENARIO, keys.OPENED_VALUES)
    )
    if st.session_state.get(opened_key) is None:
        return
    values = st.session_state.get(values_key) or {}
    if any(st.session_state.get(key, value) != value for key, value in values.items()):
        st.session_state.pop(opened_key, None)
        st.session_state.pop(values_key, None)
        st.query_params.pop(links.SCENARIO, None)


def _slider(
    controls: WhatIfControls, control: Control, proposition_id: int, label: str, *, help: str | None = None
) -> float:
    """A what-if slider bound to the URL, on its scale's grid (whose top is a stop: see
    :class:`valuegap.pricing.scenarios.SliderScale`), starting at today's stop. A link value it cannot
    take is named: Streamlit would quietly show today's value instead."""
    key, scale = widget_key(control, proposition_id), controls.scales[control]
    raw = st.query_params.get(key)
    problem = controls.link_problem(control, str(raw)) if raw is not None else None
    if problem:
        st.warning(escape_markdown(problem))
    value = st.slider(
        label, scale.bottom, scale.top, scale.start, scale.step, key=key, bind="query-params",
        format=f"%.{scale.places}f", help=help,
    )  # fmt: skip
    return float(value)


@st.fragment
def scenario_editor(
    ctx: PageContext, stored: StoredProposition, inputs_for: InputsFor, segments: list[str],
    ranges: pd.DataFrame | None,
) -> None:  # fmt: skip
    """The "What if…" panel: sliders and choices on the left, the result against today on the right."""
    prop, pid = stored.proposition, stored.id
    controls = WhatIfControls.of(prop)
    currency, period = prop.price.currency, prop.price.period.value
    st.subheader("What if…")
    left, right = st.columns([2, 3], gap="large")
    values: dict[Control, ControlValue] = {}
    with left:
        values[Control(PRICE)] = _slider(
            controls, Control(PRICE), pid, f"Price ({currency} per {period})",
            help="The list price; each customer's price and revenue scale by the same factor.",
        )  # fmt: skip
        if ranges is not None and not ranges.empty:
            price, top = controls.price(float(values[Control(PRICE)])), controls.scales[Control(PRICE)].top
            show_altair(
                charts.price_band_chart(ranges, price, prop.price.amount, 0.0, top), "price ranges",
                key=keys.PRICE_BANDS_DOWNLOADS,
                caption="Price research ranges (bands) against the what-if price (solid) and today's "
                "(dashed).",
            )  # fmt: skip
        values |= _access_sliders(controls, pid)
        values |= _claim_controls(controls, pid, inputs_for(None).defensible)
        values[Control(SEGMENT)] = st.selectbox(
            "Target segment", segments, key=widget_key(Control(SEGMENT), pid), bind="query-params",
            help="Value, churn and revenue for this segment's customers only.",
        )  # fmt: skip
    _follow_opened(stored)
    scenario = controls.scenario(values, version=stored.version)
    try:
        inputs = inputs_for(scenario.segment)
        result = scenarios.evaluate(inputs, scenario)
    except ValueGapError as error:
        right.error(escape_markdown(error.message))
        return
    with right:
        scenario_results(result, inputs, currency, period)
    scenario_table(result, currency)  # full width: a narrow column would cut its columns and downloads
    _save_form(ctx, stored, scenario)


def _access_sliders(controls: WhatIfControls, proposition_id: int) -> dict[Control, ControlValue]:
    """A slider per cost-of-access item, by control."""
    prop, values = controls.prop, dict[Control, ControlValue]()
    for item in prop.cost_of_access:
        label = scenarios.access_slider_label(item, prop)
        control = Control(ACCESS, item.id)
        values[control] = _slider(controls, control, proposition_id, escape_markdown(label))
    return values


def _claim_controls(
    controls: WhatIfControls, proposition_id: int, defensible: Mapping[str, float | None]
) -> dict[Control, ControlValue]:
    """Per promised claim, "promise the defensible value" (when it has one) or a slider for its value."""
    values: dict[Control, ControlValue] = {}
    if not controls.promised_claims:
        return values
    with st.expander("Promised values", expanded=False):
        for claim in controls.promised_claims:
            value = defensible.get(claim.id)
            if value is not None and math.isfinite(value):
                choice = Control(DEFENSIBLE_CHOICE, claim.id)
                values[choice] = st.checkbox(
                    escape_markdown(scenarios.defensible_choice_label(claim, value)),
                    key=widget_key(choice, proposition_id), bind="query-params",
                )  # fmt: skip
                if values[choice]:
                    continue
            control = Control(CLAIM, claim.id)
            values[control] = _slider(
                controls, control, proposition_id, escape_markdown(scenarios.claim_slider_label(claim)),
                help=escape_markdown(f"Claim {claim.id}: the value promised, for this what-if."),
            )  # fmt: skip
    return values


def _save_form(ctx: PageContext, stored: StoredProposition, scenario: scenarios.Scenario) -> None:
    """Save the what-if by name (editors only), replacing one of the same name when asked."""
    if not ctx.actor.can_edit:
        return
    with st.form(keys.SAVE_SCENARIO_FORM, border=False, clear_on_submit=True):
        cells = st.columns([4, 1, 1], vertical_alignment="bottom")
        name = cells[0].text_input("Save this what-if as", placeholder="e.g. Price +15%, honest savings")
        overwrite = cells[1].checkbox("Replace", help="Replace a saved scenario with the same name.")
        if cells[2].form_submit_button("Save", icon=":material/bookmark_add:", width="stretch"):
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
