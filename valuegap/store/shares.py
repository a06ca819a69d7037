"""Share links in the store: created and revoked by editors, resolved for anyone holding a token.

The signing secret comes from ``VALUEGAP_SHARE_SECRET`` (or the app's ``secrets.toml``, which the UI
passes in) and otherwise from a random secret created once in the workspace's settings, so every
replica behind a load balancer signs and checks with the same key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from valuegap import sharing
from valuegap.errors import NotFound, PermissionDenied, ValueGapError
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import propositions, scenarios, settings, share_links

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from valuegap.store import Actor

SECRET_SETTING = "share_secret"
SECRET_ENV = "VALUEGAP_SHARE_SECRET"


@dataclass(frozen=True)
class StoredShareLink:
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

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if (now or datetime.now(UTC)) >= self.expires_at else "active"


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value if value.tzinfo else value.replace(tzinfo=UTC)


def _stored(row: sa.Row[Any]) -> StoredShareLink:
    return StoredShareLink(
        row.id, row.public_id, row.proposition_id, row.scenario_id, row.role, row.note,
        _utc(row.created_at), row.created_by, _utc(row.expires_at), _utc(row.revoked_at),  # type: ignore[arg-type]
        row.revoked_by,
    )  # fmt: skip


class ShareStore:
    engine: Engine

    def share_secret(self, configured: str | None = None) -> str:
        """The signing secret: the configured one, else the workspace's (created on first use)."""
        chosen = configured or os.environ.get(SECRET_ENV)
        if chosen:
            return chosen
        found = self._stored_secret()
        if found:
            return found
        try:
            with write_transaction(self.engine) as conn:
                conn.execute(sa.insert(settings).values(key=SECRET_SETTING, value=sharing.new_secret()))
        except sa.exc.IntegrityError:
            pass  # another process created it first: use theirs
        return self._stored_secret() or ""

    def _stored_secret(self) -> str | None:
        with read_transaction(self.engine) as conn:
            found = conn.execute(sa.select(settings.c.value).where(settings.c.key == SECRET_SETTING)).scalar()
        return str(found) if found else None

    def create_share_link(
        self, proposition_id: int, *, expires_at: datetime, actor: Actor, scenario_id: int | None = None,
        note: str = "", secret: str | None = None,
    ) -> tuple[StoredShareLink, str]:  # fmt: skip
        """A read-only link to a proposition (or one of its scenarios) and its signed token."""
        if not actor.can_edit:
            raise PermissionDenied(f"{actor.name} has view-only access and cannot share.")
        expires_at = _utc(expires_at)  # type: ignore[assignment]
        if expires_at <= datetime.now(UTC):
            raise ValueGapError("Choose an expiry in the future.")
        public_id = sharing.new_public_id()
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
            link_id = conn.execute(
                sa.insert(share_links).values(
                    public_id=public_id, proposition_id=proposition_id, scenario_id=scenario_id,
                    role="viewer", note=note.strip()[:200], created_at=datetime.now(UTC),
                    created_by=actor.name, expires_at=expires_at,
                )
            ).inserted_primary_key[0]  # fmt: skip
        link = self.share_link(link_id)
        return link, sharing.sign(public_id, expires_at, self.share_secret(secret))

    def share_token(self, link: StoredShareLink, *, secret: str | None = None) -> str:
        """The token of an existing link (signing is deterministic, so it is the one first handed out)."""
        return sharing.sign(link.public_id, link.expires_at, self.share_secret(secret))

    def share_link(self, link_id: int) -> StoredShareLink:
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(share_links).where(share_links.c.id == link_id)).first()
        if row is None:
            raise NotFound(f"Share link {link_id} does not exist.")
        return _stored(row)

    def share_links(self, proposition_id: int) -> list[StoredShareLink]:
        """The proposition's share links, newest first."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(share_links)
                .where(share_links.c.proposition_id == proposition_id)
                .order_by(share_links.c.id.desc())
            ).all()
        return [_stored(row) for row in rows]

    def revoke_share_link(self, link_id: int, *, actor: Actor) -> StoredShareLink:
        if not actor.can_edit:
            raise PermissionDenied(f"{actor.name} has view-only access and cannot revoke share links.")
        with write_transaction(self.engine) as conn:
            updated = conn.execute(
                sa.update(share_links)
                .where(share_links.c.id == link_id, share_links.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC), revoked_by=actor.name)
            )
        if updated.rowcount == 0:
            self.share_link(link_id)  # NotFound when it never existed; otherwise already revoked
        return self.share_link(link_id)

    def resolve_share_token(
        self, token: str, *, secret: str | None = None, now: datetime | None = None
    ) -> StoredShareLink:
        """The link a visitor's token opens; TamperedLink, ExpiredLink or RevokedLink otherwise."""
        claims = sharing.verify(token, self.share_secret(secret), now=now)
        with read_transaction(self.engine) as conn:
            row = conn.execute(
                sa.select(share_links).where(share_links.c.public_id == claims.public_id)
            ).first()
        if row is None:
            raise sharing.RevokedLink("This share link no longer opens anything: what it shared was deleted.")
        link = _stored(row)
        if link.revoked_at is not None:
            raise sharing.RevokedLink(sharing.revoked_message(link.revoked_at))
        if (now or datetime.now(UTC)) >= link.expires_at:
            raise sharing.ExpiredLink(sharing.expired_message(link.expires_at))
        return link
