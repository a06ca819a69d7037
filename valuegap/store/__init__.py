"""The store: propositions and their revisions in SQLite (default) or PostgreSQL.

Saving uses optimistic concurrency against the version the user *saw* (DESIGN.md): the UPDATE only
matches when the row still has that version, and the revision row is written in the same
transaction. Every write function checks the actor's role itself, whatever the UI shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from valuegap.errors import ConflictError, NotFound, PermissionDenied
from valuegap.model.proposition import Proposition, Status, parse_proposition
from valuegap.model.revisions import Change, diff_propositions, summarize
from valuegap.store import ids, migrate
from valuegap.store.competitors import CompetitorStore, StoredOffers
from valuegap.store.datasets import EVIDENCE_KINDS, DatasetStore, EvidenceChoice, NewDataset, StoredDataset
from valuegap.store.engine import default_database_url, make_engine, read_transaction, write_transaction
from valuegap.store.scenarios import ScenarioStore, StoredScenario
from valuegap.store.schema import propositions, revisions, scenarios, settings
from valuegap.store.shares import ShareLinkMove, ShareStore, StoredShareLink

__all__ = [
    "EVIDENCE_KINDS",
    "Actor",
    "EvidenceChoice",
    "NewDataset",
    "Revision",
    "Role",
    "ShareLinkMove",
    "Store",
    "StoredDataset",
    "StoredOffers",
    "StoredProposition",
    "StoredScenario",
    "StoredShareLink",
    "default_database_url",
    "require_editor",
]


class Role(StrEnum):
    editor = "editor"
    viewer = "viewer"


@dataclass(frozen=True)
class Actor:
    """Who is acting and in which role; every write is checked against it."""

    name: str
    role: Role = Role.editor

    @property
    def can_edit(self) -> bool:
        return self.role is Role.editor


@dataclass(frozen=True)
class StoredProposition:
    id: int
    version: int
    proposition: Proposition
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    archived_at: datetime | None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class Revision:
    proposition_id: int
    version: int
    action: str
    summary: str
    changed_at: datetime
    changed_by: str
    proposition: Proposition


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we write is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def require_editor(actor: Actor, action: str) -> None:
    """Refuse ``action`` (e.g. "import datasets") unless ``actor`` is an editor."""
    if not actor.can_edit:
        raise PermissionDenied(f"{actor.name} has view-only access and cannot {action}.")


def _body(prop: Proposition) -> dict[str, Any]:
    return prop.to_dict()


def _stored(row: sa.Row[Any]) -> StoredProposition:
    return StoredProposition(
        id=row.id,
        version=row.version,
        proposition=parse_proposition(row.body),
        created_at=_utc(row.created_at),  # type: ignore[arg-type]
        created_by=row.created_by,
        updated_at=_utc(row.updated_at),  # type: ignore[arg-type]
        updated_by=row.updated_by,
        archived_at=_utc(row.archived_at),
    )


def _revision(row: sa.Row[Any]) -> Revision:
    return Revision(
        proposition_id=row.proposition_id,
        version=row.version,
        action=row.action,
        summary=row.summary,
        changed_at=_utc(row.changed_at),  # type: ignore[arg-type]
        changed_by=row.changed_by,
        proposition=parse_proposition(row.body),
    )


class Store(DatasetStore, CompetitorStore, ScenarioStore, ShareStore):
    """Propositions, revisions and workspace settings behind one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating or upgrading in place) the database at ``url`` or the default one."""
        engine = make_engine(url or default_database_url())
        migrate.upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ reads

    def list_propositions(self, *, include_archived: bool = False) -> list[StoredProposition]:
        query = sa.select(propositions).order_by(propositions.c.name, propositions.c.id)
        if not include_archived:
            query = query.where(propositions.c.archived_at.is_(None))
        with read_transaction(self.engine) as conn:
            return [_stored(row) for row in conn.execute(query)]

    def get(self, proposition_id: int) -> StoredProposition:
        with read_transaction(self.engine) as conn:
            return self._get(conn, proposition_id)

    def _get(self, conn: Connection, proposition_id: int) -> StoredProposition:
        row = conn.execute(sa.select(propositions).where(propositions.c.id == proposition_id)).first()
        if row is None:
            raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
        return _stored(row)

    def revisions(self, proposition_id: int) -> list[Revision]:
        """All revisions of a proposition, newest first."""
        query = (
            sa.select(revisions)
            .where(revisions.c.proposition_id == proposition_id)
            .order_by(revisions.c.version.desc())
        )
        with read_transaction(self.engine) as conn:
            return [_revision(row) for row in conn.execute(query)]

    def revision(self, proposition_id: int, version: int) -> Revision:
        with read_transaction(self.engine) as conn:
            return self._revision(conn, proposition_id, version)

    def _revision(self, conn: Connection, proposition_id: int, version: int) -> Revision:
        row = conn.execute(
            sa.select(revisions).where(
                revisions.c.proposition_id == proposition_id, revisions.c.version == version
            )
        ).first()
        if row is None:
            raise NotFound(f"Proposition {proposition_id} has no version {version}.")
        return _revision(row)

    def setting(self, key: str, default: Any = None) -> Any:
        with read_transaction(self.engine) as conn:
            value = conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar()
        return default if value is None else value

    # ------------------------------------------------------------------ writes

    def create(self, prop: Proposition, actor: Actor, *, action: str = "create") -> StoredProposition:
        require_editor(actor, "create propositions")
        with write_transaction(self.engine) as conn:
            new_id = self._insert(conn, prop, actor, action)
            return self._get(conn, new_id)

    def create_many(self, props: Iterable[Proposition], actor: Actor, *, action: str) -> list[int]:
        """Create several propositions in one transaction (all or nothing)."""
        require_editor(actor, "create propositions")
        with write_transaction(self.engine) as conn:
            return [self._insert(conn, prop, actor, action) for prop in props]

    def _insert(self, conn: Connection, prop: Proposition, actor: Actor, action: str) -> int:
        now = _now()
        new_id = conn.execute(
            sa.insert(propositions)
            .values(
                **ids.fresh(conn, propositions),
                name=prop.name,
                status=prop.status.value,
                version=1,
                body=_body(prop),
                created_at=now,
                created_by=actor.name,
                updated_at=now,
                updated_by=actor.name,
            )
            .returning(propositions.c.id)
        ).scalar_one()
        self._add_revision(conn, new_id, 1, action, prop, summarize_text=action_summary(action), actor=actor)
        return new_id

    def _add_revision(
        self,
        conn: Connection,
        proposition_id: int,
        version: int,
        action: str,
        prop: Proposition,
        *,
        summarize_text: str,
        actor: Actor,
    ) -> None:
        conn.execute(
            sa.insert(revisions).values(
                proposition_id=proposition_id,
                version=version,
                action=action,
                body=_body(prop),
                summary=summarize_text,
                changed_at=_now(),
                changed_by=actor.name,
            )
        )

    def save(
        self,
        proposition_id: int,
        prop: Proposition,
        *,
        seen_version: int,
        actor: Actor,
        action: str = "save",
        summary: str | None = None,
    ) -> StoredProposition:
        """Save ``prop`` if nobody saved since ``seen_version``; otherwise raise :class:`ConflictError`.

        ``seen_version`` must be the version the user was shown, not one re-read now: re-reading at
        save time would let a later save silently overwrite an earlier one.
        """
        require_editor(actor, "save changes")
        with write_transaction(self.engine) as conn:
            before = self._revision_or_none(conn, proposition_id, seen_version)
            changes = diff_propositions(before.proposition if before else None, prop)
            result = conn.execute(
                sa.update(propositions)
                .where(propositions.c.id == proposition_id, propositions.c.version == seen_version)
                .values(
                    name=prop.name,
                    status=prop.status.value,
                    body=_body(prop),
                    version=propositions.c.version + 1,
                    updated_at=_now(),
                    updated_by=actor.name,
                )
            )
            if result.rowcount == 1:
                self._add_revision(
                    conn,
                    proposition_id,
                    seen_version + 1,
                    action,
                    prop,
                    summarize_text=summary or summarize(changes),
                    actor=actor,
                )
                return self._get(conn, proposition_id)
        raise self._conflict(proposition_id, seen_version)

    def _revision_or_none(self, conn: Connection, proposition_id: int, version: int) -> Revision | None:
        try:
            return self._revision(conn, proposition_id, version)
        except NotFound:
            return None

    def _conflict(self, proposition_id: int, seen_version: int) -> ConflictError:
        """Explain a refused save: who saved since ``seen_version`` and what they changed."""
        with read_transaction(self.engine) as conn:
            current = self._get(conn, proposition_id)  # raises NotFound if it was deleted meanwhile
            seen = self._revision_or_none(conn, proposition_id, seen_version)
            later = conn.execute(
                sa.select(revisions.c.changed_by)
                .where(revisions.c.proposition_id == proposition_id, revisions.c.version > seen_version)
                .distinct()
            ).scalars()
            authors = sorted(set(later)) or [current.updated_by]
        changes: list[Change] = diff_propositions(seen.proposition if seen else None, current.proposition)
        when = current.updated_at.strftime("%Y-%m-%d %H:%M UTC")
        message = (
            f"Not saved: {', '.join(authors)} saved this proposition (version {current.version}, {when}) "
            f"after you opened version {seen_version}. Their changes: {summarize(changes, limit=6)}. "
            "Nothing was overwritten; reload to see their version, then re-apply your edits."
        )
        return ConflictError(message, current=current, changes=changes)

    def restore(
        self, proposition_id: int, version: int, *, seen_version: int, actor: Actor
    ) -> StoredProposition:
        """Make an old revision current again; the restore is itself a new revision."""
        require_editor(actor, "restore revisions")
        old = self.revision(proposition_id, version)
        return self.save(
            proposition_id,
            old.proposition,
            seen_version=seen_version,
            actor=actor,
            action="restore",
            summary=f"restored version {version}",
        )

    def duplicate(self, proposition_id: int, actor: Actor) -> StoredProposition:
        require_editor(actor, "duplicate propositions")
        original = self.get(proposition_id).proposition
        names = {p.proposition.name for p in self.list_propositions(include_archived=True)}
        name = _copy_name(original.name, names)
        copy = original.model_copy(update={"name": name, "status": Status.draft})
        return self.create(copy, actor, action="duplicate")

    def set_archived(self, proposition_id: int, archived: bool, actor: Actor) -> None:
        require_editor(actor, "archive propositions")
        with write_transaction(self.engine) as conn:
            self._get(conn, proposition_id)
            conn.execute(
                sa.update(propositions)
                .where(propositions.c.id == proposition_id)
                .values(archived_at=_now() if archived else None)
            )

    def delete(self, proposition_id: int, actor: Actor) -> None:
        """Delete a proposition and its revisions for good."""
        require_editor(actor, "delete propositions")
        with write_transaction(self.engine) as conn:
            self._get(conn, proposition_id)
            # its scenarios go with it (ON DELETE CASCADE): their ids are retired too
            last_scenario = conn.execute(
                sa.select(sa.func.max(scenarios.c.id)).where(scenarios.c.proposition_id == proposition_id)
            ).scalar()
            conn.execute(sa.delete(revisions).where(revisions.c.proposition_id == proposition_id))
            conn.execute(sa.delete(propositions).where(propositions.c.id == proposition_id))
            ids.retire(conn, propositions, proposition_id)
            if last_scenario is not None:
                ids.retire(conn, scenarios, last_scenario)

    def set_setting(self, key: str, value: Any, actor: Actor) -> None:
        require_editor(actor, "change workspace settings")
        with write_transaction(self.engine) as conn:
            self._put_setting(conn, key, value)

    def _put_setting(self, conn: Connection, key: str, value: Any) -> None:
        updated = conn.execute(sa.update(settings).where(settings.c.key == key).values(value=value))
        if updated.rowcount == 0:
            conn.execute(sa.insert(settings).values(key=key, value=value))

    def seed_once(self, key: str, props: Iterable[Proposition], actor: Actor) -> bool:
        """Create ``props`` unless the workspace was seeded under ``key`` before (even if since emptied).

        Runs in one write transaction so two processes starting at once seed only once.
        """
        require_editor(actor, "seed the workspace")
        with write_transaction(self.engine) as conn:
            if conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).first() is not None:
                return False
            for prop in props:
                self._insert(conn, prop, actor, "create")
            self._put_setting(conn, key, True)
            return True


def action_summary(action: str) -> str:
    return {
        "create": "created",
        "duplicate": "created as a copy",
        "import": "imported from a file",
    }.get(action, action)


def _copy_name(name: str, taken: set[str]) -> str:
    base = f"{name} (copy)"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{name} (copy {n})"
        n += 1
    return candidate[:120]
