"""A claim's short title: its copy shortened, for tables, chart axes, the report and the share page.

A claim's ID (``hours-saved``) names it in files, links and the revision history; people read the
claim by its words. The title is the copy cut at a word, so "Saves you 5 hours of invoicing admin
every month on average" reads "Saves you 5 hours of invoicing admin…". Two claims whose titles
would read the same keep their IDs after the title, the only place an ID is needed to tell them apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from valuegap.model.proposition import Claim

TITLE_LENGTH = 42  # characters, the ellipsis included: a chart axis label or a narrow table column
ELLIPSIS = "…"
_TRAILING = " .,;:!?-–—(/&"  # left over at a cut: "instantly:" reads "instantly…"


def short_title(text: str, limit: int = TITLE_LENGTH) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters (with "…" when cut)."""
    if limit < 2:
        raise ValueError(f"a title needs room for at least 2 characters, not {limit}")
    words = " ".join(text.split()).rstrip(".")
    if len(words) <= limit:
        return words
    room = limit - len(ELLIPSIS)
    cut = words[:room]
    if words[room] != " ":  # the cut fell inside a word: back to the space before it
        space = cut.rfind(" ")
        if space >= room // 2:  # unless that loses half the room (one very long word)
            cut = cut[:space]
    return cut.rstrip(_TRAILING) + ELLIPSIS


def claim_title(claim: Claim, limit: int = TITLE_LENGTH) -> str:
    """The claim's copy shortened to ``limit`` characters (its ID when the copy has no words)."""
    return short_title(claim.text, limit) or claim.id


def claim_titles(claims: Iterable[Claim], limit: int = TITLE_LENGTH) -> dict[str, str]:
    """Claim ID → short title, every title different: titles that would read the same get their
    claim's ID after them ("Saves 5 hours… (hours-saved)"). A claim met twice (per segment) counts once."""
    titles = {claim.id: claim_title(claim, limit) for claim in claims}
    repeated = {title for title, count in Counter(titles.values()).items() if count > 1}
    return {cid: f"{title} ({cid})" if title in repeated else title for cid, title in titles.items()}
