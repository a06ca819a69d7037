"""Alembic environment: runs on the connection the store hands over (see ``valuegap.store.migrate``)."""

from __future__ import annotations

from alembic import context

from valuegap.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can't ALTER most things; batch mode copies the table instead
    compare_type=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Several replicas may start at once: one migrates, the others wait and then find nothing to do.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7244105)")
    context.run_migrations()
