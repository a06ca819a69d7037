"""SQL tables. Only ``valuegap.store`` knows them; everything else sees domain objects.

The schema here is the head revision; ``migrations/versions`` holds the steps that build it, and a
test checks that the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

propositions = sa.Table(
    "propositions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "proposition_id",
        sa.Integer,
        sa.ForeignKey("propositions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("proposition_id", "version", name="uq_revisions_proposition_version"),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # outcomes | customers
    sa.Column(
        "proposition_id",
        sa.Integer,
        sa.ForeignKey("propositions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("source_format", sa.String(20), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_kept", sa.Integer, nullable=False),
    sa.Column("rows_rejected", sa.Integer, nullable=False),
    sa.Column("rejections", sa.JSON, nullable=False),  # reason counts and the first rejected rows
    sa.Column("mapping", sa.JSON, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),  # metrics, segments, periods, customers: for listings
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
)

# The large Parquet blobs live apart from the listing columns: in SQLite a row's later columns sit
# behind its blobs' overflow pages, so listing datasets would otherwise read every blob.
dataset_files = sa.Table(
    "dataset_files",
    metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),  # validated rows as Parquet
    sa.Column("summary", sa.LargeBinary, nullable=True),  # per-customer aggregates as Parquet
)

column_mappings = sa.Table(
    "column_mappings",
    metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("mapping", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

competitor_sets = sa.Table(
    "competitor_sets",
    metadata,
    sa.Column(
        "proposition_id", sa.Integer, sa.ForeignKey("propositions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),  # the OFFERS file form: attributes and offers
    sa.Column("links", sa.JSON, nullable=False),  # attribute → metric that measures it
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

# What-if pricing scenarios, saved by name per proposition and shared by id.
scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "proposition_id", sa.Integer, sa.ForeignKey("propositions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),  # Scenario.to_dict()
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("proposition_id", "name", name="uq_scenarios_proposition_name"),
)

# Share links: what a signed token opens (read-only), until when, and whether it was revoked.
share_links = sa.Table(
    "share_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("public_id", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "proposition_id", sa.Integer, sa.ForeignKey("propositions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("note", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_by", sa.String(200), nullable=True),
    # what the link shows, fixed when it is made: the evidence and the analysis settings
    # (a newer upload or another current evidence never changes them; the sharer moves a link)
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="SET NULL"), nullable=True),
    sa.Column(
        "customers_dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("alpha", sa.Float, nullable=False, server_default="0.05"),
    sa.Column("correction", sa.String(20), nullable=False, server_default="holm"),
    sa.Column("segment", sa.String(200), nullable=True),  # None: all segments
    sa.Column("period", sa.String(40), nullable=True),  # None: all periods
    sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("pinned_by", sa.String(200), nullable=True),
)

# Every time a sharer moved a link to the proposition's current evidence: from what, to what, by whom.
# Labels are kept as they read then, so the record stays readable after a dataset is deleted.
share_link_moves = sa.Table(
    "share_link_moves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("link_id", sa.Integer, sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False),
    sa.Column("from_dataset_id", sa.Integer, nullable=True),
    sa.Column("from_label", sa.String(300), nullable=False),
    sa.Column("to_dataset_id", sa.Integer, nullable=True),
    sa.Column("to_label", sa.String(300), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("moved_by", sa.String(200), nullable=False),
)

# The evidence a proposition is analysed on, chosen by an editor (or its first upload of a kind):
# pages analyse this dataset, never simply the newest one.
current_evidence = sa.Table(
    "current_evidence",
    metadata,
    sa.Column(
        "proposition_id", sa.Integer, sa.ForeignKey("propositions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("kind", sa.String(20), primary_key=True),  # outcomes | customers
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("chosen_by", sa.String(200), nullable=False),
)
