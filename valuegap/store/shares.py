"""Share links in the store: created and revoked by editors, resolved for anyone holding a token.

Each link pins what it shows when it is made: the proposition's current evidence (outcomes and
customers datasets) and the analysis settings. Neither a newer upload nor another current evidence
changes a link; :meth:`ShareRepository.move` moves it to the current evidence, on the
sharer's request, and records the move.

The signing secret comes from ``VALUEGAP_SHARE_SECRET`` (or the app's ``secrets.toml``, which the UI
passes in) and otherwise from a random secret created once in the workspace's settings, so every
replica behind a load balancer signs and checks with the same key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from valuegap.errors import NotFound, ValueGapError
from valuegap.sharing import tokens
from valuegap.sharing.tokens import ViewSettings
from valuegap.store.actors import Actor, require_editor
from valuegap.store.datasets import dataset_label
from valuegap.store.engine import inserted_id, read_transaction, write_transaction
from valuegap.store.schema import (
    current_evidence,
    datasets,
    propositions,
    scenarios,
    settings,
    share_link_moves,
    share_links,
)
from valuegap.store.times import as_utc

SECRET_SETTING = "share_secret"
SECRET_ENV = "VALUEGAP_SHARE_SECRET"


@dataclass(frozen=True)
class StoredShareLink:
    """A read-only link: what it pins (proposition, scenario, evidence, settings) and its lifetime."""

    id: int
    public_id: str
    proposition_id: int
    scenario_id: int | None
    role: str
    note: str
    created_at: datetime
    created_by: str
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    # what the link shows, pinned when it was made (or last moved): evidence and settings
    dataset_id: int | None = None
    customers_dataset_id: int | None = None
    settings: ViewSettings = field(default_factory=ViewSettings)
    pinned_at: datetime | None = None
    pinned_by: str | None = None

    def status(self, now: datetime | None = None) -> str:
        """ "active", "expired" or "revoked" at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if (now or datetime.now(UTC)) >= self.expires_at else "active"

    def pinned_dataset(self, kind: str = "outcomes") -> int | None:
        """The dataset of ``kind`` (outcomes or customers) this link shows; None when it shares none."""
        return self.customers_dataset_id if kind == "customers" else self.dataset_id


@dataclass(frozen=True)
class ShareLinkMove:
    """A link moved to newer evidence by its sharer: from what, to what, and what changed with it."""

    link_id: int
    from_dataset_id: int | None
    from_label: str
    to_dataset_id: int | None
    to_label: str
    note: str
    moved_at: datetime
    moved_by: str


def _stored(row: sa.Row[Any]) -> StoredShareLink:
    return StoredShareLink(
        row.id, row.public_id, row.proposition_id, row.scenario_id, row.role, row.note,
        as_utc(row.created_at), row.created_by, as_utc(row.expires_at), as_utc(row.revoked_at),
        row.revoked_by, dataset_id=row.dataset_id, customers_dataset_id=row.customers_dataset_id,
        settings=ViewSettings(row.alpha, row.correction, row.segment, row.period),
        pinned_at=as_utc(row.pinned_at), pinned_by=row.pinned_by,
    )  # fmt: skip


def _current_ids(conn: sa.Connection, proposition_id: int) -> dict[str, int]:
    rows = conn.execute(
        sa.select(current_evidence.c.kind, current_evidence.c.dataset_id).where(
            current_evidence.c.proposition_id == proposition_id
        )
    )
    return {kind: dataset_id for kind, dataset_id in rows}


def _details(conn: sa.Connection, dataset_id: int | None) -> dict[str, Any] | None:
    if dataset_id is None:
        return None
    return conn.execute(sa.select(datasets.c.details).where(datasets.c.id == dataset_id)).scalar()


class ShareRepository:
    """``store.shares``: read-only share links, made and managed by editors, opened by token."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def secret(self, configured: str | None = None) -> str:
        """The signing secret: the configured one, else the workspace's (created on first use)."""
        chosen = configured or os.environ.get(SECRET_ENV)
        if chosen:
            return chosen
        found = self._stored_secret()
        if found:
            return found
        try:
            with write_transaction(self.engine) as conn:
                conn.execute(sa.insert(settings).values(key=SECRET_SETTING, value=tokens.new_secret()))
        except sa.exc.IntegrityError:
            pass  # another process created it first: use theirs
        return self._stored_secret() or ""

    def _stored_secret(self) -> str | None:
        with read_transaction(self.engine) as conn:
            found = conn.execute(sa.select(settings.c.value).where(settings.c.key == SECRET_SETTING)).scalar()
        return str(found) if found else None

    def create(
        self, proposition_id: int, *, expires_at: datetime, actor: Actor, scenario_id: int | None = None,
        note: str = "", secret: str | None = None, settings: ViewSettings | None = None,
    ) -> tuple[StoredShareLink, str]:  # fmt: skip
        """A read-only link to a proposition (or one of its scenarios) and its signed token.

        The link pins the proposition's current evidence as it is now, with ``settings`` (by default
        α 0.05, Holm, all segments, all periods); a segment or period the evidence lacks is refused.
        """
        settings = settings or ViewSettings()
        require_editor(actor, "share")
        expires_at = as_utc(expires_at)
        if expires_at <= datetime.now(UTC):
            raise ValueGapError("Choose an expiry in the future.")
        public_id = tokens.new_public_id()
        with write_transaction(self.engine) as conn:
            exists = conn.execute(sa.select(propositions.c.id).where(propositions.c.id == proposition_id))
            if exists.first() is None:
                raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
            if scenario_id is not None:
                owner = conn.execute(
                    sa.select(scenarios.c.proposition_id).where(scenarios.c.id == scenario_id)
                ).scalar()
                if owner != proposition_id:
                    raise NotFound(f"Scenario {scenario_id} is not one of this proposition's scenarios.")
            current = _current_ids(conn, proposition_id)
            if current.get("outcomes") is None and (settings.segment or settings.period):
                raise ValueGapError(
                    "This proposition has no current evidence, so a link can't be limited to a segment or "
                    "period. Choose its evidence on the Evidence page first."
                )
            problems = settings.problems_with(_details(conn, current.get("outcomes")))
            if problems:
                raise ValueGapError(
                    f"The link can't show {settings.describe()} on the current evidence: "
                    + "; ".join(problems)
                    + "."
                )
            now = datetime.now(UTC)
            link_id = inserted_id(conn.execute(
                sa.insert(share_links).values(
                    public_id=public_id, proposition_id=proposition_id, scenario_id=scenario_id,
                    role="viewer", note=note.strip()[:200], created_at=now,
                    created_by=actor.name, expires_at=expires_at,
                    dataset_id=current.get("outcomes"), customers_dataset_id=current.get("customers"),
                    alpha=settings.alpha, correction=settings.correction, segment=settings.segment,
                    period=settings.period, pinned_at=now, pinned_by=actor.name,
                )
            ))  # fmt: skip
        link = self.get(link_id)
        return link, tokens.sign(public_id, expires_at, self.secret(secret))

    def token(self, link: StoredShareLink, *, secret: str | None = None) -> str:
        """The token of an existing link (signing is deterministic, so it is the one first handed out)."""
        return tokens.sign(link.public_id, link.expires_at, self.secret(secret))

    def get(self, link_id: int) -> StoredShareLink:
        """One share link; NotFound when it does not exist."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(share_links).where(share_links.c.id == link_id)).first()
        if row is None:
            raise NotFound(f"Share link {link_id} does not exist.")
        return _stored(row)

    def for_proposition(self, proposition_id: int) -> list[StoredShareLink]:
        """The proposition's share links, newest first."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(share_links)
                .where(share_links.c.proposition_id == proposition_id)
                .order_by(share_links.c.id.desc())
            ).all()
        return [_stored(row) for row in rows]

    def revoke(self, link_id: int, *, actor: Actor) -> StoredShareLink:
        """Stop a link from opening anything, for good; recorded with who and when."""
        require_editor(actor, "revoke share links")
        with write_transaction(self.engine) as conn:
            updated = conn.execute(
                sa.update(share_links)
                .where(share_links.c.id == link_id, share_links.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC), revoked_by=actor.name)
            )
        if updated.rowcount == 0:
            self.get(link_id)  # NotFound when it never existed; otherwise already revoked
        return self.get(link_id)

    def move(self, link_id: int, *, actor: Actor) -> ShareLinkMove:
        """Move a link to its proposition's current evidence, on the sharer's request; recorded.

        The settings stay, except a segment or period the new evidence lacks, which opens as all
        segments (periods) and is named in the move's note.
        """
        require_editor(actor, "move share links")
        with write_transaction(self.engine) as conn:
            row = conn.execute(sa.select(share_links).where(share_links.c.id == link_id)).first()
            if row is None:
                raise NotFound(f"Share link {link_id} does not exist.")
            link = _stored(row)
            if link.revoked_at is not None:
                raise ValueGapError(f"Link #{link.id} was revoked; it no longer shows anything to move.")
            current = _current_ids(conn, link.proposition_id)
            if current.get("outcomes") is None:
                raise ValueGapError(
                    "This proposition has no current evidence to move the link to. Choose it on the "
                    "Evidence page first."
                )
            target = (current.get("outcomes"), current.get("customers"))
            if (link.dataset_id, link.customers_dataset_id) == target:
                raise ValueGapError(f"Link #{link.id} already shows the current evidence.")
            settings, notes = link.settings, []
            details = _details(conn, target[0]) or {}
            if settings.segment is not None and settings.segment not in details.get("segments", []):
                notes.append(f"the new evidence has no segment '{settings.segment}': it shows all segments")
                settings = ViewSettings(settings.alpha, settings.correction, None, settings.period)
            if settings.period is not None and settings.period not in details.get("periods", []):
                notes.append(f"the new evidence has no period '{settings.period}', so it shows all periods")
                settings = ViewSettings(settings.alpha, settings.correction, settings.segment, None)
            now = datetime.now(UTC)
            move = ShareLinkMove(
                link.id, link.dataset_id, dataset_label(conn, link.dataset_id), target[0],
                dataset_label(conn, target[0]), "; ".join(notes), now, actor.name[:200],
            )  # fmt: skip
            conn.execute(
                sa.update(share_links)
                .where(share_links.c.id == link.id)
                .values(
                    dataset_id=target[0], customers_dataset_id=target[1], segment=settings.segment,
                    period=settings.period, pinned_at=now, pinned_by=actor.name,
                )
            )  # fmt: skip
            conn.execute(sa.insert(share_link_moves).values(**move.__dict__))
        return move

    def moves(self, link_id: int) -> list[ShareLinkMove]:
        """Every move of a link to newer evidence, newest first."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(share_link_moves)
                .where(share_link_moves.c.link_id == link_id)
                .order_by(share_link_moves.c.id.desc())
            ).all()
        return [
            ShareLinkMove(
                r.link_id, r.from_dataset_id, r.from_label, r.to_dataset_id, r.to_label, r.note,
                as_utc(r.moved_at), r.moved_by,
            )
            for r in rows
        ]  # fmt: skip

    def resolve(
        self, token: str, *, secret: str | None = None, now: datetime | None = None
    ) -> StoredShareLink:
        """The link a visitor's token opens; TamperedLink, ExpiredLink or RevokedLink otherwise."""
        claims = tokens.verify(token, self.secret(secret), now=now)
        with read_transaction(self.engine) as conn:
            row = conn.execute(
                sa.select(share_links).where(share_links.c.public_id == claims.public_id)
            ).first()
        if row is None:
            raise tokens.RevokedLink("This share link no longer opens anything: what it shared was deleted.")
        link = _stored(row)
        if link.revoked_at is not None:
            raise tokens.RevokedLink(tokens.revoked_message(link.revoked_at))
        if (now or datetime.now(UTC)) >= link.expires_at:
            raise tokens.ExpiredLink(tokens.expired_message(link.expires_at))
        return link
