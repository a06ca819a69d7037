"""Migrations upgrade an existing database in place, keeping its data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.conftest import sample
from valuegap.store import Actor, Store, migrate
from valuegap.store.engine import make_engine
from valuegap.store.schema import metadata


def test_upgrading_a_database_made_by_the_first_schema_keeps_its_data(database_url: str):
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    now = datetime.now(UTC)
    body = sample().to_dict()
    with engine.begin() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("propositions")}
        assert "archived_at" not in columns
        conn.execute(
            sa.text(
                "INSERT INTO propositions (name, status, version, body, created_at, created_by, "
                "updated_at, updated_by) VALUES (:n, 'draft', 1, :b, :t, 'old', :t, 'old')"
            ),
            {"n": "Legacy", "b": json.dumps(body), "t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO revisions (proposition_id, version, action, body, summary, changed_at, "
                "changed_by) VALUES (1, 1, 'create', :b, 'created', :t, 'old')"
            ),
            {"b": json.dumps(body), "t": now},
        )
    engine.dispose()

    store = Store.open(database_url)  # upgrades to head
    assert migrate.current_revision(store.engine) == migrate.head_revision() == "0007"
    legacy = store.get(1)
    assert legacy.proposition == sample() and legacy.archived_at is None and legacy.created_by == "old"
    assert store.revisions(1)[0].summary == "created"
    saved = store.save(1, sample(name="Upgraded"), seen_version=1, actor=Actor("x"))
    assert saved.version == 2
    store.close()


def test_migrations_build_exactly_the_declared_schema(database_url: str):
    store = Store.open(database_url)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    store.close()


def test_opening_twice_is_a_no_op(database_url: str):
    Store.open(database_url).close()
    store = Store.open(database_url)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.close()


def test_dataset_blobs_move_to_their_own_table_intact(database_url: str):
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO datasets (name, kind, file_name, source_format, content_hash, rows_read, "
                "rows_kept, rows_rejected, rejections, mapping, details, data, summary, created_at, "
                "created_by) VALUES ('old', 'outcomes', 'o.csv', 'csv', 'abc', 2, 2, 0, '{}', '{}', '{}', "
                ":data, :summary, :t, 'old')"
            ),
            {"data": b"rows-parquet", "summary": b"summary-parquet", "t": datetime.now(UTC)},
        )
    engine.dispose()
    store = Store.open(database_url)  # upgrades to head
    (dataset,) = store.datasets()
    assert dataset.name == "old" and dataset.created_by == "old"
    assert store.dataset_rows(dataset.id) == b"rows-parquet"
    assert store.dataset_summary(dataset.id) == b"summary-parquet"
    store.delete_dataset(dataset.id, Actor("x"))
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM dataset_files")).scalar() == 0
    store.close()
