"""The Propositions page's guided editor for one claim: the copy first, then only the fields its form
needs, asked in words ("What share of customers must reach it?"), with the wording checks beside it.

It edits one claim at a time (a new one, or one picked from the list) and saves it as a new version of
the proposition, with the version the page was showing: a save by someone else in between is refused
and named, as the page's Save does. It waits while the grid or the fields above have unsaved changes,
which a new version would otherwise drop. Numbers are typed as text and read by
:mod:`valuegap.model.editing` ("95%", "2.5", "2×"), so nothing typed is silently changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from valuegap.errors import ConflictError, InvalidInput
from valuegap.model.editing import (
    NEEDS_COMPETITOR,
    NEEDS_MEASURE,
    CellError,
    claim_from_answers,
    has_unsaved_edits,
    number_text,
    read_claim_cells,
    read_number,
    read_ratio,
    read_share,
    read_tolerance,
    share_text,
)
from valuegap.model.proposition import (
    BENEFIT_WORDS,
    DIRECTION_WORDS,
    FORM_WORDS,
    Claim,
    Proposition,
    parse_proposition,
)
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.proposition_history import conflict_text
from valuegap.ui.state_keys import GUIDED_CLAIM, GUIDED_PICK, GUIDED_SAVE, keyed
from valuegap.wording.checks import RULE_LABELS, check_wording

NEW = "__new__"
FORM_HINTS = {
    "average": "Tested on the mean outcome across customers.",
    "median": "Tested on the typical (middle) customer.",
    "up_to": "The best case: tested on what the top customers reach.",
    "share": "Tested on the share of customers who reach the promised value.",
    "comparative": "Tested against the competitor's outcomes, as a multiple of theirs.",
    "parity": "Tested as no worse than the competitor.",
    "puffery": "Not measurable, so not tested; the wording checks still apply.",
}


def claim_editor(
    ctx: PageContext,
    proposition_id: int,
    seen: int,
    base: Proposition,
    editor_data: Any,
    on_saved: Callable[[int], None],
) -> None:
    """The panel. ``base`` is the version shown (``seen``); ``editor_data`` what the page's editors hold
    now (adding waits while they have unsaved changes); ``on_saved`` is told the new version."""
    if not ctx.actor.can_edit:
        return
    ids = [claim.id for claim in base.claims]
    texts = {claim.id: claim.text for claim in base.claims}
    choice = st.selectbox(
        "Claim to edit",
        [NEW, *ids],
        format_func=lambda c: "A new claim" if c == NEW else f"{c} · {_cut(texts[c])}",
        key=keyed(GUIDED_PICK, proposition_id, seen),
    )
    claim = None if choice == NEW else base.claim(choice)
    key = keyed(GUIDED_CLAIM, proposition_id, seen, choice)
    left, right = st.columns([2, 1], gap="medium")
    with left:
        values, typo = _fields(key, claim)
    with right, st.container(border=True):
        _wording(values, typo)
    _save(ctx, proposition_id, seen, base, editor_data, claim, values, typo, on_saved)


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields(key: str, claim: Claim | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The claim's fields as asked in words; returns the values and, for each answer that cannot be
    read, why (naming its question)."""
    values: dict[str, Any] = {}
    typo: dict[str, str] = {}
    values["text"] = st.text_area(
        "The claim, as written in your copy",
        claim.text if claim else "",
        max_chars=500,
        height=80,
        key=keyed(key, "text"),
        placeholder="e.g. 95% of orders arrive within 30 minutes",
    ).strip()
    forms = list(FORM_WORDS)
    benefits = list(BENEFIT_WORDS)
    form = st.selectbox(
        "What kind of promise is it?",
        forms,
        index=forms.index(claim.form.value) if claim else 0,
        format_func=FORM_WORDS.__getitem__,
        key=keyed(key, "form"),
    )
    values["form"] = form
    st.caption(FORM_HINTS[form])
    values["benefit"] = st.selectbox(
        "What does the customer gain?",
        benefits,
        index=benefits.index(claim.benefit.value) if claim else 0,
        format_func=BENEFIT_WORDS.__getitem__,
        key=keyed(key, "benefit"),
    )

    def number(label: str, field: str, reader: Callable[[Any], float | None], shown: str, **kw: Any) -> None:
        typed = st.text_input(label, shown, key=keyed(key, field), **kw)
        try:
            values[field] = reader(typed)
        except CellError as exc:
            typo[field] = f"{label} {exc}"
            st.error(escape_markdown(typo[field]), icon=":material/error:")

    if form in NEEDS_MEASURE:
        values["metric"] = st.text_input(
            "What is measured?",
            claim.metric or "" if claim else "",
            max_chars=80,
            key=keyed(key, "metric"),
            help="The outcome's name in your evidence, e.g. minutes_to_delivery",
        ).strip()
        cols = st.columns(2, vertical_alignment="bottom")
        with cols[0]:
            number("What value does the copy promise?", "claimed", read_number,
                   number_text(claim.claimed) if claim else "", placeholder="e.g. 30")  # fmt: skip
        with cols[1]:
            values["unit"] = st.text_input(
                "In what unit?", claim.unit if claim else "", max_chars=40, key=keyed(key, "unit"),
                placeholder="e.g. minutes",
            ).strip()  # fmt: skip
        directions = list(DIRECTION_WORDS)
        values["direction"] = st.radio(
            "Is more better, or less?",
            directions,
            index=directions.index(claim.direction.value) if claim else 0,
            format_func=DIRECTION_WORDS.__getitem__,
            horizontal=True,
            key=keyed(key, "direction"),
        )
    if form == "share":
        number("What share of customers must reach it?", "share", read_share,
               share_text(claim.share) if claim else "", placeholder="e.g. 95%")  # fmt: skip
    if form in NEEDS_COMPETITOR:
        cols = st.columns(2, vertical_alignment="bottom")
        with cols[0]:
            values["competitor"] = st.text_input(
                "Which competitor does it compare with?",
                claim.competitor or "" if claim else "",
                max_chars=120,
                key=keyed(key, "competitor"),
            ).strip()
        if form == "comparative":
            with cols[1]:
                shown = number_text(claim.ratio) if claim else ""
                number("How many times theirs?", "ratio", read_ratio, shown, placeholder="2 for “twice”")
    with st.expander("More options: its ID, tolerance, value in money and importance"):
        cols = st.columns(2, vertical_alignment="bottom")
        with cols[0]:
            values["id"] = st.text_input(
                "ID (names it in reports and links)", claim.id if claim else "", max_chars=40,
                key=keyed(key, "id"), disabled=claim is not None, placeholder="made from the copy",
            ).strip()  # fmt: skip
        with cols[1]:
            shown = share_text(claim.tolerance) if claim else "10%"
            number("How far short still counts as kept?", "tolerance", read_tolerance, shown,
                   help="A share of the claim, e.g. 10%")  # fmt: skip
        cols = st.columns(2, vertical_alignment="bottom")
        with cols[0]:
            number("Money per unit", "money_per_unit", read_number,
                   number_text(claim.money_per_unit) if claim else "",
                   help="Turns the metric into money (blank: money = 1, time = value of time)")  # fmt: skip
        with cols[1]:
            number("Importance", "importance", read_number, number_text(claim.importance) if claim else "1")
    return values, typo


def _wording(values: dict[str, Any], typo: dict[str, str]) -> None:
    st.markdown("**Wording checks** · updated as you type")
    text = values.get("text") or ""
    if not text:
        st.caption("Type or paste the claim's copy to check its wording.")
        return
    flags = check_wording(
        text,
        form=values.get("form"),
        claimed=values.get("claimed"),
        share=values.get("share"),
        ratio=values.get("ratio"),
        unit=values.get("unit") or "",
    )
    if not flags:
        st.success("No wording problems in this claim's copy.", icon=":material/check:")
        return
    st.markdown(
        "\n".join(
            f"- :orange[{RULE_LABELS[flag.rule]}] “{escape_markdown(flag.words)}”: "
            f"{escape_markdown(flag.why)}"
            for flag in flags
        )
    )


def _save(
    ctx: PageContext,
    proposition_id: int,
    seen: int,
    base: Proposition,
    editor_data: Any,
    claim: Claim | None,
    values: dict[str, Any],
    typo: dict[str, str],
    on_saved: Callable[[int], None],
) -> None:
    unsaved = has_unsaved_edits(base, editor_data)
    label = "Add this claim" if claim is None else "Save this claim"
    bar = st.container(horizontal=True, vertical_alignment="center")
    cols = [bar, bar]
    pressed = cols[0].button(
        label, type="primary", icon=":material/add_task:", disabled=unsaved or not values.get("text"),
        key=keyed(GUIDED_SAVE, proposition_id, seen),
    )  # fmt: skip
    if unsaved:
        cols[1].caption("Save or discard the changes above first: adding a claim saves a new version.")
    else:
        cols[1].caption("Saved as a new version, so it can be undone from History.")
    if not pressed:
        return
    if typo:
        answers = "" if len(typo) == 1 else f"{len(typo)} answers to fix, also shown beside each: "
        st.error(escape_markdown("Not saved: " + answers + "; ".join(typo.values())), icon=":material/error:")
        return
    data = base.to_dict()
    new = claim_from_answers(values, claim.id if claim else None, {c.id for c in base.claims})
    if claim is None:
        data["claims"] = [*data.get("claims", []), new]
        position = len(data["claims"])
    else:
        position = next(i for i, c in enumerate(data["claims"], start=1) if c["id"] == claim.id)
        data["claims"][position - 1] = new
    try:
        proposition = parse_proposition(data)
    except InvalidInput as exc:
        problems = [p for p in exc.problems if p.path.startswith(f"claims[{position}")] or exc.problems
        st.error(
            escape_markdown("Not saved. " + " ".join(f"{p.in_words}." for p in problems)),
            icon=":material/error:",
        )
        return
    try:
        saved = ctx.store.save(proposition_id, proposition, seen_version=seen, actor=ctx.actor)
    except ConflictError as exc:
        st.error(conflict_text(ctx, proposition_id, seen, exc), icon=":material/sync_problem:")
        return
    on_saved(saved.version)
    flash(f"{'Added' if claim is None else 'Saved'} claim '{new['id']}' as version {saved.version}.")
    st.rerun()


def grid_wording_checks(claims: pd.DataFrame, *, live: bool = True) -> None:
    """The claims grid's wording flags per row, recomputed from what is in the grid right now
    (``live``: an editor's grid, rechecked as it is edited; a viewer's grid is not edited)."""
    flagged = []
    claims, _ = read_claim_cells(claims)
    for position, record in enumerate(claims.to_dict(orient="records"), start=1):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        flags = check_wording(
            text,
            claim_id=str(record.get("id") or f"row {position}"),
            form=record.get("form"),
            claimed=record.get("claimed"),
            share=record.get("share"),
            ratio=record.get("ratio"),
            unit=record.get("unit") or "",
        )
        if flags:
            flagged.append((position, text, flags))
    with st.container(border=True):
        st.markdown("**Wording checks**" + (" · updated as you edit" if live else ""))
        if not flagged:
            st.success("No wording problems in the claims' copy.", icon=":material/check:")
            return
        for position, text, flags in flagged:
            claim_id = escape_markdown(flags[0].claim_id)
            st.markdown(f"Row {position} · **{claim_id}** · {escape_markdown(text)}")
            st.markdown(
                "\n".join(
                    f"- :orange[{RULE_LABELS[flag.rule]}] “{escape_markdown(flag.words)}”: "
                    f"{escape_markdown(flag.why)}"
                    for flag in flags
                )
            )
