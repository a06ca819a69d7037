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
    assert migrate.current_revision(store.engine) == migrate.head_revision() == "0008"
    legacy = store.propositions.get(1)
    assert legacy.proposition == sample() and legacy.archived_at is None and legacy.created_by == "old"
    assert store.propositions.revisions(1)[0].summary == "created"
    saved = store.propositions.save(1, sample(name="Upgraded"), seen_version=1, actor=Actor("x"))
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
    (dataset,) = store.datasets.all()
    assert dataset.name == "old" and dataset.created_by == "old"
    assert store.datasets.rows(dataset.id) == b"rows-parquet"
    assert store.datasets.summary(dataset.id) == b"summary-parquet"
    store.datasets.delete(dataset.id, Actor("x"))
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM dataset_files")).scalar() == 0
    store.close()


def test_upgrading_from_0007_keeps_what_every_page_and_link_showed(database_url: str):
    """Before 0008 pages analysed a proposition's newest dataset and links showed whatever that was:
    after the upgrade that newest dataset is the current evidence, and each link is pinned to it."""
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0007")
    body = json.dumps(sample().to_dict())
    t0, t1, t2 = (datetime(2026, 11, day, 12, 0, tzinfo=UTC) for day in (1, 2, 3))
    dataset = (
        "INSERT INTO datasets (id, name, kind, proposition_id, file_name, source_format, content_hash, "
        "rows_read, rows_kept, rows_rejected, rejections, mapping, details, created_at, created_by) "
        "VALUES (:id, :name, :kind, :p, 'f.csv', 'csv', :hash, 1, 1, 0, '{}', '{}', '{}', :t, 'old')"
    )
    with engine.begin() as conn:
        for prop_id in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO propositions (id, name, status, version, body, created_at, created_by, "
                    "updated_at, updated_by) VALUES (:id, :n, 'draft', 1, :b, :t, 'old', :t, 'old')"
                ),
                {"id": prop_id, "n": f"P{prop_id}", "b": body, "t": t0},
            )
        for row in (
            (1, "March", "outcomes", 1, t0), (2, "March", "outcomes", 1, t1),  # v2 is the newest
            (3, "Customers", "customers", 1, t0), (4, "Prices", "survey", 1, t2),
            (5, "Loose", "outcomes", None, t2), (6, "Other", "outcomes", 2, t0),
            (7, "Old", "outcomes", 1, t0),  # an older upload with a higher id
        ):  # fmt: skip
            conn.execute(
                sa.text(dataset),
                dict(zip(("id", "name", "kind", "p", "t"), row, strict=True), hash=f"{row[0]:064d}"),
            )
        conn.execute(
            sa.text(
                "INSERT INTO share_links (public_id, proposition_id, role, note, created_at, created_by, "
                "expires_at) VALUES ('pub1', 1, 'viewer', 'board', :t, 'ana', :e)"
            ),
            {"t": t1, "e": datetime(2030, 1, 1, tzinfo=UTC)},
        )
    if engine.dialect.name == "postgresql":  # the rows above were given their ids
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval('datasets_id_seq', 7)")
    engine.dispose()

    store = Store.open(database_url)  # upgrades to head
    assert migrate.current_revision(store.engine) == "0008"
    current = store.datasets.current_evidence(1)
    assert {kind: choice.dataset.id for kind, choice in current.items()} == {"outcomes": 2, "customers": 3}
    assert store.datasets.current_evidence(2)["outcomes"].dataset.id == 6
    assert "newest dataset" in current["outcomes"].chosen_by
    [link] = store.shares.for_proposition(1)
    assert (link.dataset_id, link.customers_dataset_id) == (2, 3)
    assert link.settings.describe() == "α 0.05 · Holm · all segments · all periods"
    assert link.pinned_at == link.created_at and link.pinned_by == "ana"
    assert store.shares.moves(link.id) == []
    # from here on a new upload is only a new version: the pages and the link keep their evidence
    from valuegap.store.datasets import NewDataset

    newer = store.datasets.add(
        NewDataset(
            name="March", kind="outcomes", proposition_id=1, file_name="f.csv", source_format="csv",
            content_hash="f" * 64, rows_read=1, rows_kept=1, rows_rejected=0, rejections={}, mapping={},
            details={}, data=b"rows", summary=None,
        ),
        Actor("x"),
    )  # fmt: skip
    assert newer.version == 3 and store.datasets.current(1).id == 2
    assert store.shares.for_proposition(1)[0].dataset_id == 2
    store.close()
