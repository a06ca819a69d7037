"""The workspace at a glance, for the Overview page and the CLI: where each proposition stands and
what to do next.

Each proposition's status is read from its *current* evidence (the dataset an editor chose, never
the newest upload) and the analysis of its current version on it: wording flags, the evidence and
how old it is, verdict counts, the value gap in money (never a figure built on missing evidence
shown as measured) and its exaggerated claims. :func:`next_step` says what to do first for each,
:func:`first_steps` what a new workspace does first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from valuegap.evidence.analysis import Analysis
from valuegap.evidence.claim_tests import Verdict
from valuegap.evidence.gaps import headline_tiles
from valuegap.model.claim_titles import claim_titles
from valuegap.reporting.formatting import escape_markdown, format_price
from valuegap.store import StoredDataset, StoredProposition
from valuegap.wording.checks import check_proposition

STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "approved": "Approved"}
VERDICT_ORDER = (
    Verdict.substantiated, Verdict.exaggerated, Verdict.inconclusive, Verdict.no_evidence,
    Verdict.not_testable,
)  # fmt: skip
NO_EVIDENCE = "none yet"
DONE = 9  # the urgency of "Share the results": nothing left to fix


@dataclass(frozen=True)
class Evidence:
    """A proposition's current outcome data and the analysis of its current version on them."""

    dataset: StoredDataset
    analysis: Analysis | None = None  # None when the analysis could not be made (said in ``problem``)
    problem: str = ""


@dataclass(frozen=True)
class Step:
    """Something to do, in words, and the page (file name in ``pages/``) where it is done."""

    text: str
    page: str
    done: bool = False
    urgency: int = 0  # lower comes first: a proposition without claims before one with wording flags


@dataclass(frozen=True)
class PropositionStatus:
    id: int
    name: str
    status: str
    price: str
    claims: int
    wording_flags: int
    claims_flagged: int
    evidence: str  # the current evidence's name and version, or NO_EVIDENCE
    evidence_uploaded: datetime | None
    verdicts: Mapping[str, int]  # verdict value → number of claims
    exaggerated: tuple[str, ...]  # ids of the exaggerated claims
    value_gap: str  # money per customer, or why there is none
    updated_at: datetime
    updated_by: str
    archived: bool
    next_step: Step
    exaggerated_titles: tuple[str, ...] = ()  # the exaggerated claims' short titles, in the same order

    @property
    def has_evidence(self) -> bool:
        return self.evidence_uploaded is not None


def age_text(then: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit: "today", "1 day ago", "3 weeks ago", "2 years ago"."""
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    days = max(0, (now - then).days)
    for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
        if days >= size:
            count = days // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "today"


def verdict_text(counts: Mapping[str, int]) -> str:
    """``3 substantiated · 1 exaggerated · 2 not testable``; ``–`` when nothing was tested."""
    parts = [f"{counts[v.value]} {v.value}" for v in VERDICT_ORDER if counts.get(v.value)]
    return " · ".join(parts) or "–"


def value_gap_text(analysis: Analysis | None, currency: str) -> str:
    """The value gap per customer as the Gap analysis page's headline shows it, or why there is none.

    Built from :func:`valuegap.evidence.gaps.headline_tiles`, so a figure that leaves out claims still lacking
    evidence says so, and none is shown when no claim is counted in money or none is measured yet.
    """
    if analysis is None or analysis.value is None:
        return "needs evidence"
    value = analysis.value
    gap = headline_tiles(value, currency)[0]
    if not value.monetary and not value.unmeasured:
        return "no claim in money"
    if value.unmeasured:
        missing = len(value.unmeasured)
        left_out = f"{missing} claim{_s(missing)} not measured yet"
        return f"{gap.value} so far; {left_out}" if value.monetary else f"– ({left_out})"
    return gap.value


def next_step(
    claims: int, wording_flags: int, evidence: Evidence | None, exaggerated: int, unmeasured: int
) -> Step:
    """What to do first for one proposition: the earliest unfinished step of the work."""
    if claims == 0:
        return Step("Write its claims", "2_propositions.py", urgency=0)
    if evidence is None:
        return Step("Bring outcome data", "3_evidence.py", urgency=1)
    if evidence.analysis is None:
        problem = evidence.problem or "it could not be analysed"
        return Step(f"Check its evidence: {problem}", "3_evidence.py", urgency=1)
    if exaggerated:
        text = f"Reword {exaggerated} exaggerated claim{_s(exaggerated)}"
        return Step(text, "4_gap_analysis.py", urgency=2)
    if wording_flags:
        return Step(f"Fix {wording_flags} wording flag{_s(wording_flags)}", "2_propositions.py", urgency=3)
    if unmeasured:
        return Step(f"Measure {unmeasured} more claim{_s(unmeasured)}", "3_evidence.py", urgency=4)
    return Step("Share the results", "7_share.py", urgency=DONE)


def _s(count: int) -> str:
    return "s" if count != 1 else ""


def proposition_status(item: StoredProposition, evidence: Evidence | None) -> PropositionStatus:
    """Where one proposition stands, from its current version and its current evidence."""
    prop = item.proposition
    flags = check_proposition(prop)
    analysis = evidence.analysis if evidence is not None else None
    results = analysis.results if analysis is not None else ()
    counts = Counter(result.verdict.verdict.value for result in results)
    exaggerated = tuple(
        dict.fromkeys(r.claim.id for r in results if r.verdict.verdict is Verdict.exaggerated)
    )
    unmeasured = len(analysis.value.unmeasured) if analysis is not None and analysis.value is not None else 0
    titles = claim_titles(prop.claims)
    return PropositionStatus(
        id=item.id,
        name=prop.name,
        status=STATUS_LABELS[prop.status.value],
        price=format_price(prop.price),
        claims=len(prop.claims),
        wording_flags=len(flags),
        claims_flagged=len({flag.claim_id for flag in flags}),
        evidence=f"{evidence.dataset.name} v{evidence.dataset.version}"
        if evidence is not None
        else NO_EVIDENCE,
        evidence_uploaded=evidence.dataset.created_at if evidence is not None else None,
        verdicts=dict(counts),
        exaggerated=exaggerated,
        value_gap=value_gap_text(analysis, prop.price.currency),
        updated_at=item.updated_at,
        updated_by=item.updated_by,
        archived=item.archived,
        next_step=next_step(len(prop.claims), len(flags), evidence, len(exaggerated), unmeasured),
        exaggerated_titles=tuple(titles.get(cid, cid) for cid in exaggerated),
    )


def workspace_status(
    items: Sequence[StoredProposition], evidence: Mapping[int, Evidence] | None = None
) -> list[PropositionStatus]:
    """Every proposition's status; ``evidence`` maps proposition id → its current evidence."""
    evidence = evidence or {}
    return [proposition_status(item, evidence.get(item.id)) for item in items]


OVERVIEW_COLUMNS = [
    "id", "Name", "Status", "Next step", "Claims", "Wording flags", "Evidence", "Evidence uploaded",
    "Verdicts", "Exaggerated claims", "Value gap per customer", "Updated", "Updated by", "Price",
    "Claims flagged", "Archived",
]  # fmt: skip


def status_frame(statuses: Sequence[PropositionStatus], *, now: datetime | None = None) -> pd.DataFrame:
    """One row per proposition, in words a marketer reads; indexed by proposition id."""
    now = now or datetime.now(UTC)
    rows = [
        {
            "id": s.id,
            "Name": s.name,
            "Status": s.status,
            "Next step": s.next_step.text,
            "Claims": s.claims,
            "Wording flags": s.wording_flags,
            "Evidence": s.evidence,
            "Evidence uploaded": age_text(s.evidence_uploaded, now) if s.evidence_uploaded else "–",
            "Verdicts": verdict_text(s.verdicts),
            "Exaggerated claims": "; ".join(s.exaggerated_titles) if s.has_evidence else "–",
            "Value gap per customer": s.value_gap,
            "Updated": s.updated_at,
            "Updated by": s.updated_by,
            "Price": s.price,
            "Claims flagged": s.claims_flagged,
            "Archived": s.archived,
        }
        for s in statuses
    ]
    frame = pd.DataFrame(rows, columns=OVERVIEW_COLUMNS).set_index("id")
    frame["Updated"] = pd.to_datetime(frame["Updated"], utc=True)
    return frame


def overview_frame(
    items: Sequence[StoredProposition], evidence: Mapping[int, Evidence] | None = None
) -> pd.DataFrame:
    """The Overview's table: :func:`status_frame` of :func:`workspace_status`."""
    return status_frame(workspace_status(items, evidence))


def card_lines(status: PropositionStatus, now: datetime) -> list[str]:
    """A proposition's card as markdown lines (user text escaped): claims and wording flags, its
    evidence and how old it is, verdict counts and exaggerated claims, the value gap in money, and
    the last change and by whom."""
    evidence = NO_EVIDENCE
    if status.evidence_uploaded is not None:
        evidence = f"{escape_markdown(status.evidence)}, uploaded {age_text(status.evidence_uploaded, now)}"
    verdicts = f"Verdicts: {verdict_text(status.verdicts)}"
    if status.has_evidence:
        verdicts += f" · Exaggerated: {escape_markdown('; '.join(status.exaggerated_titles) or 'none')}"
    return [
        f"{status.claims} claims · {status.wording_flags} wording flags · Evidence: {evidence}",
        verdicts,
        f"Value gap per customer: {escape_markdown(status.value_gap)}",
        f"Last change {status.updated_at:%Y-%m-%d} by {escape_markdown(status.updated_by)}",
    ]


def first_steps(statuses: Sequence[PropositionStatus]) -> list[Step]:
    """The three first steps of a new workspace, each marked done once some proposition has done it."""
    return [
        Step(
            "Create a proposition and write its claims: what you promise, in your own copy.",
            "2_propositions.py",
            done=any(s.claims for s in statuses),
        ),
        Step(
            "Bring evidence: upload what customers actually got (outcome data) and make it current.",
            "3_evidence.py",
            done=any(s.has_evidence for s in statuses),
        ),
        Step(
            "Read the verdicts and the value gap, reword what is exaggerated, then share the results.",
            "4_gap_analysis.py",
            done=any(s.verdicts for s in statuses),
        ),
    ]


def by_urgency(statuses: Sequence[PropositionStatus]) -> list[PropositionStatus]:
    """Most urgent first: least advanced (no claims, no evidence, exaggerated claims, wording,
    unmeasured claims), then those with nothing left to fix, archived ones last; by name within."""
    return sorted(statuses, key=lambda s: (s.archived, s.next_step.urgency, s.name.casefold(), s.id))


def to_do(statuses: Sequence[PropositionStatus], limit: int = 3) -> list[PropositionStatus]:
    """What to do first across the workspace: the ``limit`` most urgent propositions with something
    left to fix (archived ones left out)."""
    return [s for s in by_urgency(statuses) if not s.archived and s.next_step.urgency < DONE][:limit]
