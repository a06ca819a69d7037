"""Dataset blobs in their own table, so that listing datasets never reads them.

In SQLite the columns after a large blob are stored behind its overflow pages; with the blobs in
``datasets`` every listing walked hundreds of megabytes.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_files",
        sa.Column(
            "dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("summary", sa.LargeBinary, nullable=True),
    )
    op.execute("INSERT INTO dataset_files (dataset_id, data, summary) SELECT id, data, summary FROM datasets")
    # a plain DROP COLUMN (SQLite ≥ 3.35): batch mode would copy and drop the table, and dropping
    # it would cascade to the rows just copied into dataset_files
    op.drop_column("datasets", "data")
    op.drop_column("datasets", "summary")


def downgrade() -> None:
    op.add_column("datasets", sa.Column("data", sa.LargeBinary, nullable=True))
    op.add_column("datasets", sa.Column("summary", sa.LargeBinary, nullable=True))
    op.execute(
        "UPDATE datasets SET data = (SELECT data FROM dataset_files WHERE dataset_id = datasets.id), "
        "summary = (SELECT summary FROM dataset_files WHERE dataset_id = datasets.id)"
    )
    op.drop_table("dataset_files")
