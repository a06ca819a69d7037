"""The Propositions page's "Draft claims from your copy": paste or upload marketing copy, review the
claims drafted from it (accept, edit or skip each), and add the accepted ones as one new version.

The drafts come from :mod:`valuegap.wording.drafting` (rules, no remote model). They wait in session state,
keyed by the proposition and a hash of the copy, so decisions survive reruns and new copy starts
afresh. Adding saves through the store with the version the editor was showing, as the page's Save
does: if someone saved since, nothing is written and the conflict is named.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from valuegap.errors import ConflictError, InvalidInput, ValueGapError
from valuegap.model.claim_titles import claim_title
from valuegap.model.editing import has_unsaved_edits, problem_sentences, route_problems
from valuegap.model.proposition import (
    BENEFIT_WORDS,
    CLAIM_FIELD_WORDS,
    DIRECTION_WORDS,
    FORM_WORDS,
    BenefitKind,
    Claim,
    ClaimForm,
    Direction,
    Proposition,
    parse_proposition,
)
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.proposition_history import conflict_text
from valuegap.ui.state_keys import (
    COPY_ADD,
    COPY_DRAFTS,
    COPY_FILE,
    COPY_FIND,
    COPY_TEXT,
    DRAFT,
    DRAFT_CARD,
    keyed,
)
from valuegap.wording.checks import RULE_LABELS, check_wording
from valuegap.wording.drafting import (
    COPY_TYPES,
    MAX_COPY_BYTES,
    YES_UNIT,
    ClaimDraft,
    already_claimed,
    draft_claims,
    read_copy,
)

DECISIONS = ("Accept", "Edit", "Skip")
DRAFT_LABELS = {  # a draft's fields by the labels of its Edit form
    **CLAIM_FIELD_WORDS,
    "form": "Form",
    "metric": "Metric",
    "claimed": "Claimed",
    "unit": "Unit",
    "direction": "Better is",
    "benefit": "Benefit",
    "share": "Share",
    "competitor": "Competitor",
    "ratio": "Ratio",
}
FORM_HELP = {
    ClaimForm.average: "average",
    ClaimForm.median: "median (typical customer)",
    ClaimForm.up_to: "up to",
    ClaimForm.share: "share of customers",
    ClaimForm.comparative: "compared with a competitor",
    ClaimForm.parity: "as good as a competitor",
    ClaimForm.puffery: "puffery (not testable)",
}
PLACEHOLDER = (
    "Paste the landing page, ad or sales deck here, e.g.\n"
    "Saves you 5 hours of admin every week on average. 95% of orders arrive within 30 minutes."
)


def claim_drafts(
    ctx: PageContext,
    proposition_id: int,
    seen: int,
    base: Proposition,
    editor_data: Any,
    on_saved: Callable[[int], None],
) -> None:
    """The panel. ``base`` is the version the editor shows (``seen``), ``editor_data`` what the editor
    holds now (to refuse adding while it has unsaved changes), ``on_saved`` is told the new version."""
    if not ctx.actor.can_edit:
        return
    st.caption(
        "Finds the sentences that promise something measurable and drafts a claim for each: its form, "
        "value, unit, direction and a metric name. Review each draft, then add the ones you accept. "
        "Drafted by rules on this server; nothing is sent anywhere."
    )
    # one under the other: beside the text, at 1024 px the uploader cut its list of file types
    text = st.text_area(
        "Paste your copy",
        key=keyed(COPY_TEXT, proposition_id),
        height=140,
        placeholder=PLACEHOLDER,
    )
    upload = st.file_uploader(
        "…or upload it (.txt, .md, .html, .docx)",
        type=[kind for kind in COPY_TYPES if kind != "markdown"],
        key=keyed(COPY_FILE, proposition_id),
        max_upload_size=MAX_COPY_BYTES >> 20,
    )
    if st.button(
        "Find claims in the copy", icon=":material/manage_search:", key=keyed(COPY_FIND, proposition_id)
    ):
        _find(proposition_id, text, upload)
    pending = st.session_state.get(keyed(COPY_DRAFTS, proposition_id))
    if pending is None:
        return
    batch, source, drafts = pending
    if not drafts:
        st.info(
            f"No sentence in {escape_markdown(source)} promises something measurable or makes a boast, so "
            "there is nothing to draft. Claims need a number (5 hours, 95% of orders, 2x faster than "
            "a rival) or a superlative.",
            icon=":material/info:",
        )
        return
    st.markdown(f"**{len(drafts)} draft{'s' if len(drafts) != 1 else ''}** from {escape_markdown(source)}")
    known = already_claimed(drafts, base.claims)
    if known:
        st.caption(
            f"{len(known)} of them {'is' if len(known) == 1 else 'are'} already a claim of this proposition "
            "(marked below): accepting one adds the same sentence as a second claim."
        )
    chosen = [
        _review(proposition_id, batch, index, draft, known.get(index)) for index, draft in enumerate(drafts)
    ]
    accepted = [(number, draft) for number, draft in enumerate(chosen, start=1) if draft is not None]
    _add_bar(ctx, proposition_id, seen, base, editor_data, accepted, on_saved)


def _find(proposition_id: int, text: str, upload: Any) -> None:
    if upload is not None:
        try:
            copy = read_copy(upload.getvalue(), upload.name)
        except ValueGapError as error:
            st.error(escape_markdown(error.message), icon=":material/error:")
            return
        source = f"{upload.name}"
    elif text and text.strip():
        copy, source = text, "the pasted copy"
    else:
        st.error("Paste some copy or upload a file first.", icon=":material/error:")
        return
    batch = hashlib.sha256(f"{source}\0{copy}".encode()).hexdigest()[:10]
    st.session_state[keyed(COPY_DRAFTS, proposition_id)] = (batch, source, tuple(draft_claims(copy)))


def _summary(draft: ClaimDraft) -> str:
    """The draft in plain words: 'average · 5 hours/week · higher is better · metric …'."""
    parts = [FORM_HELP[draft.form]]
    lower = draft.direction is Direction.lower
    if draft.form is ClaimForm.share and draft.share is not None:
        if draft.unit == YES_UNIT:
            parts.append(f"{draft.share * 100:g}% of customers: yes (a yes/no outcome, 1 = yes)")
        else:
            bound = "or below" if lower else "or above"
            parts.append(f"{draft.share * 100:g}% of customers at {bound} {draft.claimed:g} {draft.unit}")
    elif draft.form in (ClaimForm.comparative, ClaimForm.parity) and draft.ratio:
        # as the copy says it: "3x faster" is a third of the rival's time, "2x as many" twice its count
        if draft.ratio == 1:
            share = "the same as"
        elif draft.ratio < 1:
            share = f"1/{1 / draft.ratio:.3g} of"
        else:
            share = f"{draft.ratio:g}×"
        parts.append(f"ours {share} {draft.competitor}'s")
    elif draft.claimed is not None:
        parts.append(f"{draft.claimed:g} {draft.unit}".rstrip())
    if draft.form is not ClaimForm.puffery:
        parts.append(f"{draft.direction.value} is better")
        parts.append(f"metric {draft.metric}")
    parts.append(f"benefit: {BENEFIT_WORDS[draft.benefit.value].lower()}")
    return " · ".join(parts)


def _review(
    proposition_id: int, batch: str, index: int, draft: ClaimDraft, existing: Claim | None
) -> ClaimDraft | None:
    """One draft's card: the sentence, the draft, accept/edit/skip, the wording flags beside it
    (``existing``: the claim that already has this sentence as its copy). Returns the draft to add
    (edited when chosen so), or None when skipped or undecided."""
    key = keyed(DRAFT, proposition_id, batch, index)
    with st.container(border=True, key=keyed(DRAFT_CARD, proposition_id, batch, index)):
        main, flags_col = st.columns([3, 2])
        flags_slot = flags_col.empty()
        with main:
            st.text(draft.sentence)
            st.caption(escape_markdown(_summary(draft)))
            if existing is not None:
                st.caption(
                    f":orange[Already a claim: “{escape_markdown(claim_title(existing))}”. Skip it unless "
                    "you mean to add it twice.]"
                )
            decision = st.radio(
                f"Draft {index + 1}",
                DECISIONS,
                index=None,
                horizontal=True,
                key=keyed(key, "decision"),
                label_visibility="collapsed",
                help=f"Drafted by the rule {draft.rule} (confidence {draft.confidence:.0%})",
            )
        if decision == "Edit":  # the fields span the card; the flags beside follow the edits
            draft = _edit(key, draft)
        with flags_slot.container():
            _flags(draft)
    return None if decision in (None, "Skip") else draft


def _edit(key: str, draft: ClaimDraft) -> ClaimDraft:
    """The draft's fields, each choice in words; the kind of promise and the benefit get the width of
    their longest wording ("Compared with a competitor (“2× …”)") at 1400 px."""
    forms = [form.value for form in ClaimForm]
    cols = st.columns([5, 2, 2, 4])
    form = cols[0].selectbox(
        "Form", forms, index=forms.index(draft.form.value), format_func=FORM_WORDS.__getitem__,
        key=keyed(key, "form"),
    )  # fmt: skip
    claimed = cols[1].number_input("Claimed", value=draft.claimed, key=keyed(key, "claimed"), format="%g")
    unit = cols[2].text_input("Unit", draft.unit, max_chars=40, key=keyed(key, "unit"))
    directions = [d.value for d in Direction]
    direction = cols[3].selectbox(
        "Better is", directions, index=directions.index(draft.direction.value),
        format_func=DIRECTION_WORDS.__getitem__, key=keyed(key, "direction"),
    )  # fmt: skip
    cols = st.columns([5, 4, 3])
    benefits = [b.value for b in BenefitKind]
    benefit = cols[0].selectbox(
        "Benefit", benefits, index=benefits.index(draft.benefit.value),
        format_func=BENEFIT_WORDS.__getitem__, key=keyed(key, "benefit"),
    )  # fmt: skip
    metric = cols[1].text_input("Metric", draft.metric or "", max_chars=80, key=keyed(key, "metric"))
    share = cols[2].number_input(
        "Share", value=draft.share, min_value=0.0, max_value=1.0, key=keyed(key, "share"), format="%g",
        help="For share claims: 0.95 = 95% of customers",
    )  # fmt: skip
    cols = st.columns([5, 4, 3])
    competitor = cols[0].text_input(
        "Competitor", draft.competitor or "", max_chars=120, key=keyed(key, "rival")
    )
    ratio = cols[1].number_input(
        "Ratio", value=draft.ratio, min_value=0.0, key=keyed(key, "ratio"), format="%g",
        help="Ours ÷ theirs for comparative claims: 2 = 2×",
    )  # fmt: skip
    return dataclasses.replace(
        draft,
        form=ClaimForm(form),
        metric=metric.strip() or None,
        claimed=claimed,
        unit=unit.strip(),
        direction=Direction(direction),
        share=share if share else None,
        competitor=competitor.strip() or None,
        ratio=ratio if ratio else None,
        benefit=BenefitKind(benefit),
    )


def _flags(draft: ClaimDraft) -> None:
    flags = check_wording(
        draft.sentence,
        form=draft.form,
        claimed=draft.claimed,
        share=draft.share,
        ratio=draft.ratio,
        unit=draft.unit,
    )
    if not flags:
        st.caption(":green[No wording flags]")
        return
    st.markdown(
        "\n".join(
            f"- :orange[{RULE_LABELS[flag.rule]}] “{escape_markdown(flag.words)}”: "
            f"{escape_markdown(flag.why)}"
            for flag in flags
        )
    )


def _add_bar(
    ctx: PageContext,
    proposition_id: int,
    seen: int,
    base: Proposition,
    editor_data: Any,
    accepted: list[tuple[int, ClaimDraft]],
    on_saved: Callable[[int], None],
) -> None:
    count = len(accepted)
    unsaved = has_unsaved_edits(base, editor_data)
    label = f"Add the {count} accepted claim{'s' if count != 1 else ''}"
    cols = st.columns([2, 3], vertical_alignment="center")
    add = cols[0].button(
        label,
        type="primary",
        icon=":material/playlist_add:",
        disabled=count == 0 or unsaved,
        key=keyed(COPY_ADD, proposition_id),
    )
    if unsaved:
        cols[1].caption("Save or discard your changes to the claims above first: adding saves a new version.")
    else:
        cols[1].caption("Accept or edit the drafts to add; skipped and undecided ones are left out.")
    if not add:
        return
    ids = {claim.id for claim in base.claims}
    claims = []
    for _, draft in accepted:
        claim = draft.to_claim(ids)
        ids.add(claim.id)
        claims.append(claim.model_dump(mode="json", exclude_none=True))
    data = base.to_dict()
    data["claims"] = [*data.get("claims", []), *claims]
    try:
        updated = parse_proposition(data)
    except InvalidInput as error:
        said = _draft_problems(error, len(base.claims), accepted)
        problems = f"{len(said)} problem{'s' if len(said) != 1 else ''}"
        st.error(
            escape_markdown(f"Not added: {problems} in the edited drafts: " + "; ".join(said)),
            icon=":material/error:",
        )
        return
    try:
        saved = ctx.store.save(
            proposition_id, updated, seen_version=seen, actor=ctx.actor, action="draft from copy",
            summary=f"added {count} claim{'s' if count != 1 else ''} drafted from copy: "
            + ", ".join(claim["id"] for claim in claims),
        )  # fmt: skip
    except ConflictError as error:
        st.error(conflict_text(ctx, proposition_id, seen, error), icon=":material/sync_problem:")
        return
    st.session_state.pop(keyed(COPY_DRAFTS, proposition_id), None)
    on_saved(saved.version)
    flash(f"Added {count} claim{'s' if count != 1 else ''} from the copy: version {saved.version}.")
    st.rerun()


def _draft_problems(error: InvalidInput, existing: int, accepted: list[tuple[int, ClaimDraft]]) -> list[str]:
    """Every problem of the accepted drafts, each naming its draft ("Draft 2, Share: is required")."""
    names = {existing + position: f"Draft {number}" for position, (number, _) in enumerate(accepted, start=1)}
    rows = route_problems(error.problems).claims
    others = [problem.in_words for problem in error.problems if not problem.path.startswith("claims[")]
    return problem_sentences(rows, DRAFT_LABELS, row_names=names) + others
