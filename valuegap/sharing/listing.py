"""The sharer's view of their share links, in words: what each shares, what evidence it shows, which
are behind the current evidence, and the choices offered when making one.

The Share page renders these; nothing here knows Streamlit. Links, datasets and scenarios are the
store's records, read by their attributes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from valuegap.sharing.tokens import ViewSettings, describe_pin

if TYPE_CHECKING:
    from valuegap.store import StoredDataset, StoredScenario, StoredShareLink

EXPIRY_DAYS = {"1 day": 1, "7 days": 7, "30 days": 30, "90 days": 90}
DEFAULT_EXPIRY = "7 days"
WHOLE_PROPOSITION = 0  # the "what to share" choice for the whole proposition (scenario ids are > 0)
EVERYTHING = "all"  # the segment or period choice that pins none (all segments, all periods)

LINK_COLUMNS = [
    "Link", "Shares", "Note", "Evidence", "Settings", "On current evidence", "Status", "Expires (UTC)",
    "Created (UTC)", "Created by", "Revoked by",
]  # fmt: skip
EvidenceIds = tuple[int | None, int | None]  # (outcomes dataset id, customers dataset id)


def expires_at(choice: str, now: datetime) -> datetime:
    """When a link made ``now`` with the expiry ``choice`` ("7 days") stops working."""
    return now + timedelta(days=EXPIRY_DAYS[choice])


def pinned_settings(alpha: str, correction: str, segment: str, period: str) -> ViewSettings:
    """The settings a new link pins from the form's choices (``"all"`` segments or periods: none)."""
    return ViewSettings(
        float(alpha),
        correction,
        segment=None if segment == EVERYTHING else segment,
        period=None if period == EVERYTHING else period,
    )


def scenario_label(scenario_id: int, saved: Iterable[StoredScenario]) -> str:
    """A saved what-if by its name: "What-if 'Price 59'" (or that it was deleted)."""
    return next((f"What-if '{item.name}'" for item in saved if item.id == scenario_id), "A deleted what-if")


def what_if_label(choice: int, saved: Iterable[StoredScenario]) -> str:
    """A what-if to include in the report by its name; :data:`WHOLE_PROPOSITION` is none."""
    return "No what-if" if choice == WHOLE_PROPOSITION else scenario_label(choice, saved)


def target_label(scenario_id: int | None, saved: Iterable[StoredScenario]) -> str:
    """What a link shares and the page it opens on."""
    if scenario_id is None or scenario_id == WHOLE_PROPOSITION:
        return "The proposition (opens on Gap analysis)"
    return f"{scenario_label(scenario_id, saved)} (opens on Pricing)"


def evidence_label(dataset_id: int | None, known: dict[int, StoredDataset]) -> str:
    """The evidence a link shows by its name and version, "none" or that it was deleted."""
    if dataset_id is None:
        return "none"
    found = known.get(dataset_id)
    return found.label if found is not None else "a dataset that was deleted"


def pin_in_words(link: StoredShareLink, known: dict[int, StoredDataset]) -> str:
    """What a link shows, in the words its viewer reads (see :func:`describe_pin`)."""
    pinned = known.get(link.dataset_id) if link.dataset_id is not None else None
    label = evidence_label(link.dataset_id, known) if link.dataset_id is not None else None
    return describe_pin(label, pinned.created_at if pinned else None, link.settings)


def on_current_evidence(link: StoredShareLink, current: EvidenceIds) -> bool:
    """Whether a link shows the proposition's current evidence (outcomes and customers)."""
    return (link.dataset_id, link.customers_dataset_id) == current


def links_behind(
    links: Iterable[StoredShareLink], current: EvidenceIds, now: datetime
) -> list[StoredShareLink]:
    """The active links that show other evidence than the current one, for the sharer to move; none
    while the proposition has no current outcomes (there is nothing to move them to)."""
    if current[0] is None:
        return []
    return [link for link in links if link.status(now) == "active" and not on_current_evidence(link, current)]


def links_frame(
    links: list[StoredShareLink],
    saved: list[StoredScenario],
    known: dict[int, StoredDataset],
    current: EvidenceIds,
    now: datetime,
) -> pd.DataFrame:
    """The sharer's table of links, one row per link in the order given, times in UTC."""
    rows = [
        {
            "Link": f"#{item.id}",
            "Shares": target_label(item.scenario_id, saved),
            "Note": item.note,
            "Evidence": evidence_label(item.dataset_id, known),
            "Settings": item.settings.describe(),
            "On current evidence": on_current_evidence(item, current),
            "Status": item.status(now),
            "Expires (UTC)": item.expires_at.strftime("%Y-%m-%d %H:%M"),
            "Created (UTC)": item.created_at.strftime("%Y-%m-%d %H:%M"),
            "Created by": item.created_by,
            "Revoked by": item.revoked_by or "",
        }
        for item in links
    ]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def behind_in_words(count: int, current_label: str) -> str:
    """Why the Move buttons are offered."""
    links = "1 active link shows" if count == 1 else f"{count} active links show"
    return (
        f"{links} other evidence than the current ({current_label}). They keep it until you move them; a "
        "viewer sees the move at their next click, and the move is recorded."
    )
