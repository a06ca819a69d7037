"""The metric names step of an upload or a live source: its metric labels that no claim measures, each
with a choice.

A label can count as one of the claims' metrics (a rename at import, kept with the dataset's mapping
and brought back for the next file of the same shape, or for every refresh of a live source), be left
out (its rows rejected as an unknown metric), or give its name to a claim metric (the claims change: a
new revision of the proposition, saved under the usual check that nobody saved since the version
shown). A clear match is proposed ("Did you mean hours_saved?") and preselected.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import streamlit as st

from valuegap import sources
from valuegap.errors import ConflictError, InvalidInput, ValueGapError, shorten
from valuegap.model.claim_titles import claim_title
from valuegap.reporting.formatting import escape_markdown
from valuegap.sources.mapping import propose_metric_matches
from valuegap.sources.validation import metric_labels
from valuegap.store import StoredProposition
from valuegap.ui import PageContext, flash
from valuegap.ui.panels.proposition_history import conflict_text
from valuegap.ui.state_keys import (
    METRIC_LABELS,
    METRIC_NAMES,
    METRIC_NAMES_STEP,
    RENAME_CLAIM_METRIC,
    RENAME_CLAIM_REFUSED,
    keyed,
)
from valuegap.workspace.metric_rename import rename_claim_metric

USE = "Count its rows as the claim metric"
KEEP = "Leave it out (its rows are rejected)"
GIVE = "Rename the claim metric to this name"
CHOICES = (USE, KEEP, GIVE)
SHOWN = 25  # labels with a choice each; the rest are named and left out
# what a rename to a claim metric changes, by what the labels are in
_KEPT = {
    "file": "this import only (and is remembered for the next file with these columns)",
    "source": "this live source only (and is kept with its mapping for every refresh)",
}


def _labels(raw: sources.RawTable, mapping: sources.Mapping) -> dict[str, int]:
    """The file's metric labels and their rows, counted once per file and metric column(s)."""
    signature = (raw.content_hash, mapping.kind, mapping.roles.get("metric"), mapping.metric_columns)
    cached = st.session_state.get(METRIC_LABELS)
    if cached is None or cached[0] != signature:
        cached = (signature, metric_labels(raw, mapping))
        st.session_state[METRIC_LABELS] = cached
    return cached[1]


def _quoted(label: str) -> str:
    return f"“{escape_markdown(shorten(label, 60))}”"


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def metric_names(
    ctx: PageContext, proposition_id: int, raw: sources.RawTable, mapping: sources.Mapping,
    metrics: Collection[str], remembered: dict[str, str],
) -> sources.Mapping:  # fmt: skip
    """``mapping`` with the renames chosen for the file's metric labels that no claim measures
    (``metrics``: the claims'; ``remembered``: renames of the last file of this shape)."""
    if mapping.kind == "customers" or not metrics:
        return replace(mapping, metric_renames={})
    labels = _labels(raw, mapping)
    return metric_names_of(
        ctx, proposition_id, labels, mapping, metrics, remembered, key=raw.content_hash[:8]
    )


def metric_names_of(
    ctx: PageContext, proposition_id: int, labels: dict[str, int], mapping: sources.Mapping,
    metrics: Collection[str], remembered: dict[str, str], *, key: str, where: str = "file",
) -> sources.Mapping:  # fmt: skip
    """The step for metric ``labels`` (label → rows) however they were counted: ``mapping`` with the
    renames chosen for those no claim measures. ``key`` tells the data's widgets apart; ``where`` names
    the data ("file", "source")."""
    unknown = [label for label in labels if label not in metrics]
    if not metrics or not unknown:
        return replace(mapping, metric_renames={})
    with st.container(key=METRIC_NAMES_STEP):
        renames = _step(ctx, proposition_id, key, where, labels, unknown, sorted(metrics), remembered)
    return replace(mapping, metric_renames=renames)


def _step(
    ctx: PageContext, proposition_id: int, key: str, where: str, labels: dict[str, int], unknown: list[str],
    options: list[str], remembered: dict[str, str],
) -> dict[str, str]:  # fmt: skip
    """The step's heading, a row per label (the first :data:`SHOWN`) and the rest named; the renames
    chosen."""
    stored = ctx.store.get(proposition_id)
    proposals = propose_metric_matches(unknown, options)
    st.markdown("**Metric names**")
    st.caption(
        f"{len(unknown):,} metric name{'' if len(unknown) == 1 else 's'} in the {where} "
        f"{'is not one' if len(unknown) == 1 else 'are not ones'} the claims measure. Say which claim "
        "metric each one is, or its rows are rejected as an unknown metric."
    )
    refused = st.session_state.pop(RENAME_CLAIM_REFUSED, None)  # said once, beside the rows it is about
    if refused is not None and refused[0] == proposition_id:
        st.error(refused[1], icon=":material/sync_problem:")
    renames: dict[str, str] = {}
    for label in unknown[:SHOWN]:
        target = _label_choice(ctx, stored, key, where, label, labels[label], options, proposals, remembered)
        if target is not None:
            renames[label] = target
    rest = unknown[SHOWN:]
    if rest:
        with st.expander(f"{len(rest):,} more metric names no claim measures (their rows are rejected)"):
            st.markdown(", ".join(f"{_quoted(label)} ({_rows(labels[label])})" for label in rest))
    return renames


def _label_choice(
    ctx: PageContext, stored: StoredProposition, key: str, where: str, label: str, count: int,
    options: list[str], proposals: dict[str, str], remembered: dict[str, str],
) -> str | None:  # fmt: skip
    """One label's row: what to do with it and which claim metric; the claim metric its rows count
    as, or None. Keyed by the version shown, so a saved rename draws the rows afresh."""
    version = stored.version
    prefix = keyed(METRIC_NAMES, key, version)
    earlier = remembered.get(label) if remembered.get(label) in options else None
    preselected = earlier or proposals.get(label)
    row = st.container(border=True)
    said = f"**{_quoted(label)}** · {_rows(count)}"
    if earlier:
        said += f" · counted as {escape_markdown(earlier)} last time"
    elif preselected:
        said += f" · Did you mean {escape_markdown(preselected)}?"
    row.markdown(said)
    cols = row.columns([3, 2])
    action = cols[0].selectbox(
        "What to do", CHOICES, index=0 if preselected else 1, key=keyed(prefix, "action", label),
        help=f"Counting its rows as a claim metric changes {_KEPT.get(where, _KEPT['file'])}. Renaming the "
        "claim metric changes the claims: they then look for this name in every dataset, including those "
        "already imported.",
    )  # fmt: skip
    target = cols[1].selectbox(
        "Claim metric", options, index=options.index(preselected) if preselected else None,
        key=keyed(prefix, "target", label), placeholder="Choose a claim metric",
        disabled=action == KEEP,
    )  # fmt: skip
    if action == USE:
        if target is None:
            row.caption("Choose the claim metric its rows count as; until then they are rejected.")
        else:  # the metric's name is the data's; the claims' words say what it is
            row.caption(f"Its rows then measure {escape_markdown(_measured_by(stored, target))}.")
        return target
    if action == GIVE:
        if target is None:
            row.caption("Choose the claim metric to rename.")
        else:
            row.caption(
                f"Every claim measuring {escape_markdown(target)} then looks for {_quoted(label)} instead, "
                f"in this {where} and in the datasets already imported."
            )
            row.button(
                f"Rename {shorten(target, 40)} to {shorten(label, 40)} in the claims",
                icon=":material/edit:", key=keyed(RENAME_CLAIM_METRIC, key, version, label),
                on_click=_rename, args=(ctx, stored.id, target, label, version),
                help="Saves a new version of the proposition; its history says who renamed it.",
            )  # fmt: skip
    return None


def _measured_by(stored: StoredProposition, metric: str) -> str:
    """The claims that measure ``metric``, by their words: '“Save 3 hours …” and “…”'."""
    titles = [f"“{claim_title(c)}”" for c in stored.proposition.claims if c.metric == metric]
    return " and ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles) or metric


def _rename(ctx: PageContext, proposition_id: int, old: str, new: str, seen_version: int) -> None:
    """The rename button's callback (it runs before the page does): save the version the user saw
    with the claim metric ``old`` renamed to ``new``; a refusal waits to be shown beside the step."""
    st.session_state.pop(RENAME_CLAIM_REFUSED, None)
    try:
        saved = rename_claim_metric(
            ctx.store, proposition_id, old, new, seen_version=seen_version, actor=ctx.actor
        )
    except ConflictError as error:
        message = conflict_text(ctx, proposition_id, seen_version, error)
    except InvalidInput as error:
        message = escape_markdown(f"Not renamed: {error.in_words}")
    except ValueGapError as error:
        message = escape_markdown(error.message)
    else:
        flash(f"The claims now measure “{new}” instead of {old}; saved as version {saved.version}.")
        return
    st.session_state[RENAME_CLAIM_REFUSED] = (proposition_id, message)
