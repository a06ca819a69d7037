"""Pinned evidence: each proposition's chosen current evidence, and share links that fix what they show.

Before this revision every page analysed a proposition's newest dataset, and a share link showed
whatever that was when it was opened. So that nothing changes for an existing workspace, each
proposition's current evidence starts as its newest outcomes and customers datasets (what the
pages showed), and each existing share link is pinned to that evidence with the settings a link
opened with (α 0.05, Holm, all segments, all periods).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KINDS = ("outcomes", "customers")
CHOSEN_BY = "workspace upgrade (the newest dataset, as the pages showed before)"

# the tables as this revision reads and writes them (not the head schema, which may change later)
_datasets = sa.table(
    "datasets",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("proposition_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_current = sa.table(
    "current_evidence",
    sa.column("proposition_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("dataset_id", sa.Integer),
    sa.column("chosen_at", sa.DateTime(timezone=True)),
    sa.column("chosen_by", sa.String),
)
_links = sa.table(
    "share_links",
    sa.column("id", sa.Integer),
    sa.column("proposition_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.String),
    sa.column("dataset_id", sa.Integer),
    sa.column("customers_dataset_id", sa.Integer),
    sa.column("pinned_at", sa.DateTime(timezone=True)),
    sa.column("pinned_by", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "current_evidence",
        sa.Column(
            "proposition_id",
            sa.Integer,
            sa.ForeignKey("propositions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chosen_by", sa.String(200), nullable=False),
    )
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("dataset_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("customers_dataset_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("alpha", sa.Float, nullable=False, server_default="0.05"))
        batch.add_column(sa.Column("correction", sa.String(20), nullable=False, server_default="holm"))
        batch.add_column(sa.Column("segment", sa.String(200), nullable=True))
        batch.add_column(sa.Column("period", sa.String(40), nullable=True))
        batch.add_column(sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("pinned_by", sa.String(200), nullable=True))
    # the foreign keys in a second step: SQLite can only add them by copying the table (batch mode)
    with op.batch_alter_table("share_links", recreate="auto") as batch:
        batch.create_foreign_key(
            "fk_share_links_dataset_id_datasets", "datasets", ["dataset_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_share_links_customers_dataset_id_datasets",
            "datasets",
            ["customers_dataset_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "share_link_moves",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "link_id", sa.Integer, sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_dataset_id", sa.Integer, nullable=True),
        sa.Column("from_label", sa.String(300), nullable=False),
        sa.Column("to_dataset_id", sa.Integer, nullable=True),
        sa.Column("to_label", sa.String(300), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_by", sa.String(200), nullable=False),
    )
    _keep_what_pages_showed(op.get_bind())


def _keep_what_pages_showed(conn: sa.Connection) -> None:
    """Each proposition's newest dataset of each kind becomes its current evidence, and each share link
    is pinned to its proposition's (the order the pages listed datasets in: newest upload first)."""
    rows = conn.execute(
        sa.select(_datasets.c.id, _datasets.c.kind, _datasets.c.proposition_id)
        .where(_datasets.c.proposition_id.is_not(None), _datasets.c.kind.in_(KINDS))
        .order_by(_datasets.c.created_at.desc(), _datasets.c.id.desc())
    ).all()
    newest: dict[tuple[int, str], int] = {}
    for dataset_id, kind, proposition_id in rows:
        newest.setdefault((proposition_id, kind), dataset_id)
    now = datetime.now(UTC)
    if newest:
        conn.execute(
            sa.insert(_current),
            [
                {"proposition_id": p, "kind": k, "dataset_id": d, "chosen_at": now, "chosen_by": CHOSEN_BY}
                for (p, k), d in sorted(newest.items())
            ],
        )
    links = conn.execute(
        sa.select(_links.c.id, _links.c.proposition_id, _links.c.created_at, _links.c.created_by)
    ).all()
    for link_id, proposition_id, created_at, created_by in links:
        conn.execute(
            sa.update(_links)
            .where(_links.c.id == link_id)
            .values(
                dataset_id=newest.get((proposition_id, "outcomes")),
                customers_dataset_id=newest.get((proposition_id, "customers")),
                pinned_at=created_at,
                pinned_by=created_by,
            )
        )


def downgrade() -> None:
    op.drop_table("share_link_moves")
    with op.batch_alter_table("share_links", recreate="always") as batch:
        batch.drop_constraint("fk_share_links_customers_dataset_id_datasets", type_="foreignkey")
        batch.drop_constraint("fk_share_links_dataset_id_datasets", type_="foreignkey")
        for column in (
            "pinned_by", "pinned_at", "period", "segment", "correction", "alpha", "customers_dataset_id",
            "dataset_id",
        ):  # fmt: skip
            batch.drop_column(column)
    op.drop_table("current_evidence")
