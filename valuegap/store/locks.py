"""A lock shared by every process using one database, for work too long to run in one transaction.

PostgreSQL: a session-level advisory lock on a connection of its own, with no transaction open, so
it holds no row or table lock and blocks nobody else's reads or writes. SQLite: an OS lock (taken by
``filelock``) on a file next to the database (every process sharing a SQLite file runs on the same
machine), for the same reason: holding ``BEGIN IMMEDIATE`` for the whole work would lock out every
other writer, including the holder's own writes on its other connections. Both are released by the
server or the OS when the holder dies, so a crash never leaves the lock taken. Threads of one process
also take a process-local lock first (always in that order, so no deadlock).
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock, Timeout
from sqlalchemy.engine import Engine

from valuegap.errors import ValueGapError

_POLL_S = 0.2
_PROCESS_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()


class LockTimeout(ValueGapError):
    """Another process held the lock for longer than the caller was willing to wait."""


@contextmanager
def exclusive(engine: Engine, name: str, *, doing: str, timeout: float) -> Iterator[None]:
    """Hold the lock ``name`` on the database behind ``engine``; wait up to ``timeout`` seconds for it.

    ``doing`` says what the holder does ("setting up the demo workspace"), for the timeout message.
    """
    deadline = time.monotonic() + timeout
    url = engine.url.render_as_string(hide_password=True)
    with _PROCESS_LOCKS_GUARD:
        process_lock = _PROCESS_LOCKS.setdefault((url, name), threading.Lock())
    if not process_lock.acquire(timeout=timeout):
        raise _timeout(doing, timeout)
    try:
        if engine.dialect.name == "postgresql":
            with _advisory_lock(engine, name, doing, deadline, timeout):
                yield
        elif engine.dialect.name == "sqlite" and (path := _sqlite_file(engine)) is not None:
            with _file_lock(Path(f"{path}.{name}.lock"), doing, deadline, timeout):
                yield
        else:  # an in-memory SQLite database lives in this process only
            yield
    finally:
        process_lock.release()


def _timeout(doing: str, timeout: float) -> LockTimeout:
    return LockTimeout(
        f"Waited {timeout:.0f} s for another process to finish {doing} in this database, and it has "
        "not finished. Try again in a few minutes; if no other copy of the app is running, restart it."
    )


def _wait_for(take: Callable[[], bool], doing: str, deadline: float, timeout: float) -> None:
    while not take():
        if time.monotonic() >= deadline:
            raise _timeout(doing, timeout)
        time.sleep(_POLL_S)


@contextmanager
def _advisory_lock(engine: Engine, name: str, doing: str, deadline: float, timeout: float) -> Iterator[None]:
    key = zlib.crc32(f"valuegap:{name}".encode())  # migrations use pg_advisory_xact_lock(7244105)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")  # no transaction left open while held
        take = sa.text("SELECT pg_try_advisory_lock(:key)").bindparams(key=key)
        _wait_for(lambda: bool(conn.execute(take).scalar()), doing, deadline, timeout)
        try:
            yield
        finally:
            try:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)").bindparams(key=key))
            except sa.exc.DBAPIError:
                conn.invalidate()  # the session is closed, which releases the lock too


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database or ""
    if database.startswith("file:"):  # a URI filename: file:path?options
        if "mode=memory" in database:
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
    return None if database in ("", ":memory:") else os.path.abspath(database)


@contextmanager
def _file_lock(path: Path, doing: str, deadline: float, timeout: float) -> Iterator[None]:
    lock = FileLock(path)
    try:
        lock.acquire(timeout=max(deadline - time.monotonic(), 0.0), poll_interval=_POLL_S)
    except Timeout:
        raise _timeout(doing, timeout) from None
    try:
        yield
    finally:
        lock.release()
