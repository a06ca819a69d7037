"""Competitor offers per proposition (``store.markets``): the market a proposition is compared with on
the value map.

One row per proposition holds the attribute weights and offers (the OFFERS file form) and the links
from attributes to the metrics that measure them. Saving checks the version the user saw, like
propositions, so two editors cannot silently overwrite each other's weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from valuegap.errors import ConflictError, NotFound
from valuegap.market.competition import Offers, parse_offers
from valuegap.store.actors import Actor, require_editor
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import competitor_sets, propositions
from valuegap.store.times import as_utc


@dataclass(frozen=True)
class StoredOffers:
    """A proposition's saved market: its offers, attribute-to-metric links and version."""

    proposition_id: int
    version: int  # 0 = nothing saved yet
    offers: Offers | None
    links: dict[str, str]  # attribute → metric whose measured delivery scales our score
    updated_at: datetime | None = None
    updated_by: str = ""


def _stored(proposition_id: int, row: sa.Row[Any] | None) -> StoredOffers:
    if row is None:
        return StoredOffers(proposition_id, 0, None, {})
    return StoredOffers(
        proposition_id, row.version, parse_offers(row.body), dict(row.links), as_utc(row.updated_at),
        row.updated_by,
    )  # fmt: skip


class MarketRepository:
    """``store.markets``: each proposition's competitor offers, saved with a version check."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, proposition_id: int) -> StoredOffers:
        """The proposition's market, or an empty one (version 0) when none was saved."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(
                sa.select(competitor_sets).where(competitor_sets.c.proposition_id == proposition_id)
            ).first()
        return _stored(proposition_id, row)

    def save(
        self, proposition_id: int, offers: Offers, links: dict[str, str], *, seen_version: int, actor: Actor
    ) -> StoredOffers:
        """Save if nobody saved since ``seen_version`` (0 when the user saw none); else ConflictError."""
        require_editor(actor, "change competitors")
        links = {a: m for a, m in links.items() if a in offers.attributes and m}
        updated_at = datetime.now(UTC)
        values = {
            "body": offers.to_dict(),
            "links": links,
            "updated_at": updated_at,
            "updated_by": actor.name,
        }
        with write_transaction(self.engine) as conn:
            exists = conn.execute(
                sa.select(propositions.c.id).where(propositions.c.id == proposition_id)
            ).first()
            if exists is None:
                raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
            if seen_version == 0:
                taken = conn.execute(
                    sa.select(competitor_sets.c.version).where(
                        competitor_sets.c.proposition_id == proposition_id
                    )
                ).first()
                if taken is None:
                    conn.execute(
                        sa.insert(competitor_sets).values(proposition_id=proposition_id, version=1, **values)
                    )
                    return StoredOffers(proposition_id, 1, offers, links, updated_at, actor.name)
            else:
                updated = conn.execute(
                    sa.update(competitor_sets)
                    .where(
                        competitor_sets.c.proposition_id == proposition_id,
                        competitor_sets.c.version == seen_version,
                    )
                    .values(version=competitor_sets.c.version + 1, **values)
                )
                if updated.rowcount == 1:
                    return StoredOffers(
                        proposition_id, seen_version + 1, offers, links, updated_at, actor.name
                    )
        current = self.get(proposition_id)
        when = current.updated_at.strftime("%Y-%m-%d %H:%M UTC") if current.updated_at else "meanwhile"
        who = current.updated_by or "someone"
        raise ConflictError(
            f"Not saved: {who} changed the competitors (version {current.version}, {when}) after you "
            f"opened version {seen_version}. Nothing was overwritten; reload to see their version, then "
            "re-apply your edits.",
            current=current,
            changes=[],
        )
