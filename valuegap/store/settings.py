"""Workspace settings: small named values (flags such as "demo seeded", the share secret, retired ids)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from valuegap.store.actors import Actor, require_editor
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import settings as settings_table


def read_setting(conn: Connection, key: str) -> Any:
    """The setting ``key`` inside an open transaction, or None when it was never set."""
    return conn.execute(sa.select(settings_table.c.value).where(settings_table.c.key == key)).scalar()


def is_set(conn: Connection, key: str) -> bool:
    """Whether ``key`` was ever set (whatever its value) inside an open transaction."""
    query = sa.select(settings_table.c.key).where(settings_table.c.key == key)
    return conn.execute(query).first() is not None


def put_setting(conn: Connection, key: str, value: Any) -> None:
    """Set ``key`` to ``value`` inside an open write transaction."""
    updated = conn.execute(sa.update(settings_table).where(settings_table.c.key == key).values(value=value))
    if updated.rowcount == 0:
        conn.execute(sa.insert(settings_table).values(key=key, value=value))


class SettingRepository:
    """``store.settings``: read any setting; editors change them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def value(self, key: str, default: Any = None) -> Any:
        """The setting ``key``, or ``default`` when it was never set."""
        with read_transaction(self.engine) as conn:
            found = read_setting(conn, key)
        return default if found is None else found

    def put(self, key: str, value: Any, actor: Actor) -> None:
        """Set ``key`` to ``value`` (editors only)."""
        require_editor(actor, "change workspace settings")
        with write_transaction(self.engine) as conn:
            put_setting(conn, key, value)
