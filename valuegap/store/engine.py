"""Engines that follow DESIGN.md's persistence rules for SQLite and PostgreSQL.

SQLite: WAL, a busy timeout, foreign keys and full sync on every connection, and write transactions
opened with ``BEGIN IMMEDIATE``. pysqlite's own transaction handling is switched off because it never
emits BEGIN for reads and a deferred transaction that later writes fails with "database is locked"
without waiting. PostgreSQL (psycopg 3): pre-ping, READ COMMITTED.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_data_dir
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "valuegap_write"


def default_database_url() -> str:
    """``VALUEGAP_DATABASE_URL`` if set, else a SQLite file in the per-user data folder."""
    url = os.environ.get("VALUEGAP_DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(user_data_dir("valuegap", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'workbench.db'}"


def _normalise_url(url: str) -> str:
    # "postgresql://" alone picks psycopg2, which we do not ship; psycopg 3 is the supported driver.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the connection settings this app relies on."""
    url = _normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module docstring
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            "PRAGMA foreign_keys=ON",
            "PRAGMA synchronous=FULL",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: ``BEGIN IMMEDIATE`` on SQLite, a plain one elsewhere."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (one consistent snapshot for several queries)."""
    with engine.connect() as conn, conn.begin():
        yield conn


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The id the database gave the row an INSERT just added."""
    key = result.inserted_primary_key
    if key is None:  # only for statements that are not a single-row INSERT
        raise RuntimeError("the statement inserted no row with an id")
    return int(key[0])
