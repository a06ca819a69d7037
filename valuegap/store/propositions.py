"""Propositions and their revisions: ``store.propositions``.

Saving uses optimistic concurrency against the version the user *saw* (DESIGN.md): the UPDATE only
matches when the row still has that version, and the revision row is written in the same
transaction. Every write checks the actor's role itself, whatever the UI shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from valuegap.errors import ConflictError, NotFound
from valuegap.model.proposition import Proposition, Status, parse_proposition
from valuegap.model.revisions import Change, diff_propositions, summarize
from valuegap.store import ids
from valuegap.store.actors import Actor, require_editor
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import propositions, revisions, scenarios
from valuegap.store.settings import is_set, put_setting
from valuegap.store.times import as_utc, now


@dataclass(frozen=True)
class StoredProposition:
    """A proposition as stored: its current version and who made and last changed it when."""

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
        """True once archived (kept, but left out of the usual lists)."""
        return self.archived_at is not None


@dataclass(frozen=True)
class Revision:
    """One saved version of a proposition: what it was, what changed, who saved it when."""

    proposition_id: int
    version: int
    action: str
    summary: str
    changed_at: datetime
    changed_by: str
    proposition: Proposition


def _stored(row: sa.Row[Any]) -> StoredProposition:
    return StoredProposition(
        id=row.id,
        version=row.version,
        proposition=parse_proposition(row.body),
        created_at=as_utc(row.created_at),
        created_by=row.created_by,
        updated_at=as_utc(row.updated_at),
        updated_by=row.updated_by,
        archived_at=as_utc(row.archived_at),
    )


def _revision(row: sa.Row[Any]) -> Revision:
    return Revision(
        proposition_id=row.proposition_id,
        version=row.version,
        action=row.action,
        summary=row.summary,
        changed_at=as_utc(row.changed_at),
        changed_by=row.changed_by,
        proposition=parse_proposition(row.body),
    )


def action_summary(action: str) -> str:
    """How a revision made by ``action`` is summarised in the history."""
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


class PropositionRepository:
    """``store.propositions``: propositions, their revisions, and seeding a workspace once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ reads

    def all(self, *, include_archived: bool = False) -> list[StoredProposition]:
        """Every proposition by name (archived ones only with ``include_archived``)."""
        query = sa.select(propositions).order_by(propositions.c.name, propositions.c.id)
        if not include_archived:
            query = query.where(propositions.c.archived_at.is_(None))
        with read_transaction(self.engine) as conn:
            return [_stored(row) for row in conn.execute(query)]

    def get(self, proposition_id: int) -> StoredProposition:
        """One proposition; NotFound when it does not exist."""
        with read_transaction(self.engine) as conn:
            return _get(conn, proposition_id)

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
        """One revision; NotFound when the proposition has no such version."""
        with read_transaction(self.engine) as conn:
            return _get_revision(conn, proposition_id, version)

    # ------------------------------------------------------------------ writes

    def create(self, prop: Proposition, actor: Actor, *, action: str = "create") -> StoredProposition:
        """Store a new proposition as its version 1."""
        require_editor(actor, "create propositions")
        with write_transaction(self.engine) as conn:
            new_id = _insert(conn, prop, actor, action)
            return _get(conn, new_id)

    def create_many(self, props: Iterable[Proposition], actor: Actor, *, action: str) -> list[int]:
        """Create several propositions in one transaction (all or nothing)."""
        require_editor(actor, "create propositions")
        with write_transaction(self.engine) as conn:
            return [_insert(conn, prop, actor, action) for prop in props]

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
            before = _revision_or_none(conn, proposition_id, seen_version)
            changes = diff_propositions(before.proposition if before else None, prop)
            result = conn.execute(
                sa.update(propositions)
                .where(propositions.c.id == proposition_id, propositions.c.version == seen_version)
                .values(
                    name=prop.name,
                    status=prop.status.value,
                    body=prop.to_dict(),
                    version=propositions.c.version + 1,
                    updated_at=now(),
                    updated_by=actor.name,
                )
            )
            if result.rowcount == 1:
                _add_revision(
                    conn, proposition_id, seen_version + 1, action, prop,
                    summary=summary or summarize(changes), actor=actor,
                )  # fmt: skip
                return _get(conn, proposition_id)
        raise self._conflict(proposition_id, seen_version)

    def _conflict(self, proposition_id: int, seen_version: int) -> ConflictError:
        """Explain a refused save: who saved since ``seen_version`` and what they changed."""
        with read_transaction(self.engine) as conn:
            current = _get(conn, proposition_id)  # raises NotFound if it was deleted meanwhile
            seen = _revision_or_none(conn, proposition_id, seen_version)
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
        """A draft copy of a proposition under a free "(copy)" name."""
        require_editor(actor, "duplicate propositions")
        original = self.get(proposition_id).proposition
        names = {p.proposition.name for p in self.all(include_archived=True)}
        copy = original.model_copy(update={"name": _copy_name(original.name, names), "status": Status.draft})
        return self.create(copy, actor, action="duplicate")

    def set_archived(self, proposition_id: int, archived: bool, actor: Actor) -> None:
        """Archive a proposition (``archived``) or bring it back."""
        require_editor(actor, "archive propositions")
        with write_transaction(self.engine) as conn:
            _get(conn, proposition_id)
            conn.execute(
                sa.update(propositions)
                .where(propositions.c.id == proposition_id)
                .values(archived_at=now() if archived else None)
            )

    def delete(self, proposition_id: int, actor: Actor) -> None:
        """Delete a proposition and its revisions for good."""
        require_editor(actor, "delete propositions")
        with write_transaction(self.engine) as conn:
            _get(conn, proposition_id)
            # its scenarios go with it (ON DELETE CASCADE): their ids are retired too
            last_scenario = conn.execute(
                sa.select(sa.func.max(scenarios.c.id)).where(scenarios.c.proposition_id == proposition_id)
            ).scalar()
            conn.execute(sa.delete(revisions).where(revisions.c.proposition_id == proposition_id))
            conn.execute(sa.delete(propositions).where(propositions.c.id == proposition_id))
            ids.retire(conn, propositions, proposition_id)
            if last_scenario is not None:
                ids.retire(conn, scenarios, last_scenario)

    def seed_once(self, key: str, props: Iterable[Proposition], actor: Actor) -> bool:
        """Create ``props`` unless the workspace was seeded under ``key`` before (even if since emptied).

        Runs in one write transaction so two processes starting at once seed only once.
        """
        require_editor(actor, "seed the workspace")
        with write_transaction(self.engine) as conn:
            if is_set(conn, key):
                return False
            for prop in props:
                _insert(conn, prop, actor, "create")
            put_setting(conn, key, True)
            return True


def _get(conn: Connection, proposition_id: int) -> StoredProposition:
    row = conn.execute(sa.select(propositions).where(propositions.c.id == proposition_id)).first()
    if row is None:
        raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
    return _stored(row)


def _get_revision(conn: Connection, proposition_id: int, version: int) -> Revision:
    row = conn.execute(
        sa.select(revisions).where(
            revisions.c.proposition_id == proposition_id, revisions.c.version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"Proposition {proposition_id} has no version {version}.")
    return _revision(row)


def _revision_or_none(conn: Connection, proposition_id: int, version: int) -> Revision | None:
    try:
        return _get_revision(conn, proposition_id, version)
    except NotFound:
        return None


def _insert(conn: Connection, prop: Proposition, actor: Actor, action: str) -> int:
    created = now()
    new_id: int = conn.execute(
        sa.insert(propositions)
        .values(
            **ids.fresh(conn, propositions),
            name=prop.name,
            status=prop.status.value,
            version=1,
            body=prop.to_dict(),
            created_at=created,
            created_by=actor.name,
            updated_at=created,
            updated_by=actor.name,
        )
        .returning(propositions.c.id)
    ).scalar_one()
    _add_revision(conn, new_id, 1, action, prop, summary=action_summary(action), actor=actor)
    return new_id


def _add_revision(
    conn: Connection, proposition_id: int, version: int, action: str, prop: Proposition, *, summary: str,
    actor: Actor,
) -> None:  # fmt: skip
    conn.execute(
        sa.insert(revisions).values(
            proposition_id=proposition_id, version=version, action=action, body=prop.to_dict(),
            summary=summary, changed_at=now(), changed_by=actor.name,
        )
    )  # fmt: skip
