"""Ids that appear in addresses are never handed out twice.

An old deep link (``?p=4``, ``?scenario=7``) must never open something else. PostgreSQL's sequences
never give a number back. SQLite without AUTOINCREMENT gives a new row the highest id in the table
plus one, so deleting the newest row frees its id for the next insert. Rather than rebuild those
tables (a batch table rebuild with foreign keys on would cascade-delete their revisions, scenarios
and links), the store remembers the highest id it ever deleted from each table in the settings table,
and on SQLite an insert takes an id above it. Each happens inside the write transaction that deletes
or inserts, so two processes cannot both take the same id.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from valuegap.store.schema import settings


def _key(table: sa.Table) -> str:
    return f"highest_deleted_id:{table.name}"


def retire(conn: Connection, table: sa.Table, deleted_id: int) -> None:
    """Remember that ``deleted_id`` of ``table`` was used, so it is not given out again."""
    key = _key(table)
    known = conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar()
    if known is None:
        conn.execute(sa.insert(settings).values(key=key, value=int(deleted_id)))
    elif int(known) < deleted_id:
        conn.execute(sa.update(settings).where(settings.c.key == key).values(value=int(deleted_id)))


def fresh(conn: Connection, table: sa.Table) -> dict[str, Any]:
    """Values to add to an insert into ``table`` so that its new id was never used: on SQLite an
    explicit id above every id it has held; elsewhere nothing (the database's sequence does it)."""
    if conn.dialect.name != "sqlite":
        return {}
    deleted = conn.execute(sa.select(settings.c.value).where(settings.c.key == _key(table))).scalar()
    if deleted is None:
        return {}
    highest = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return {"id": max(int(highest), int(deleted)) + 1}
