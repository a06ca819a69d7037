"""Schema migrations (Alembic), applied in place when the app or CLI opens a database."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from valuegap.store.engine import write_transaction

_SCRIPTS = Path(__file__).parent / "migrations"
# Alembic keeps the running migration context in module globals (``alembic.context``), so two
# threads migrating at once in one process run each other's env.py: 20 threads opening stores at
# once deadlocked on PostgreSQL's migration lock. One migration per process at a time.
_PROCESS_LOCK = threading.Lock()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision`` (default: the newest)."""
    config = _config()
    with _PROCESS_LOCK, write_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
