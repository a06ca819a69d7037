"""Datasets in the store: validated rows and their per-customer aggregates, versioned by content.

A dataset is written in one transaction with its rows and aggregates, so an import that fails
leaves nothing behind. Uploads of the same name are versions of one dataset; the same bytes
uploaded twice are recognised by their content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from valuegap.errors import NotFound
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import column_mappings, dataset_files, datasets

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from valuegap.store import Actor

_LISTED = list(datasets.c)


@dataclass(frozen=True)
class StoredDataset:
    """A dataset's description (not its rows): what the Evidence page lists and an analysis names."""

    id: int
    name: str
    version: int  # 1 for the first upload under this name, 2 for the next, ...
    kind: str
    proposition_id: int | None
    file_name: str
    source_format: str
    content_hash: str
    rows_read: int
    rows_kept: int
    rows_rejected: int
    rejections: dict[str, Any]
    mapping: dict[str, Any]
    details: dict[str, Any]
    created_at: datetime
    created_by: str

    @property
    def label(self) -> str:
        """Name, version and short hash: how an analysis names the data it used."""
        return f"{self.name} v{self.version} ({self.content_hash[:8]})"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True)
class NewDataset:
    """Everything an import stores in one go."""

    name: str
    kind: str
    proposition_id: int | None
    file_name: str
    source_format: str
    content_hash: str
    rows_read: int
    rows_kept: int
    rows_rejected: int
    rejections: dict[str, Any]
    mapping: dict[str, Any]
    details: dict[str, Any]
    data: bytes
    summary: bytes | None
    mapping_signature: str | None = None


class DatasetStore:
    """The dataset part of :class:`valuegap.store.Store` (mixed in; shares its engine)."""

    engine: Engine

    def datasets(self, *, kind: str | None = None, proposition_id: int | None = None) -> list[StoredDataset]:
        """Datasets, newest first; with ``proposition_id``, those linked to it."""
        query = sa.select(*_LISTED).order_by(datasets.c.created_at.desc(), datasets.c.id.desc())
        if kind is not None:
            query = query.where(datasets.c.kind == kind)
        if proposition_id is not None:
            query = query.where(datasets.c.proposition_id == proposition_id)
        with read_transaction(self.engine) as conn:
            rows = list(conn.execute(query))
            versions = _versions(conn)
        return [_dataset(row, versions) for row in rows]

    def dataset(self, dataset_id: int) -> StoredDataset:
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == dataset_id)).first()
            if row is None:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
            return _dataset(row, _versions(conn))

    def dataset_by_hash(self, content_hash: str, *, kind: str | None = None) -> StoredDataset | None:
        """The earliest dataset with exactly these bytes (a re-upload of the same file)."""
        query = sa.select(*_LISTED).where(datasets.c.content_hash == content_hash).order_by(datasets.c.id)
        if kind is not None:
            query = query.where(datasets.c.kind == kind)
        with read_transaction(self.engine) as conn:
            row = conn.execute(query).first()
            return _dataset(row, _versions(conn)) if row is not None else None

    def dataset_rows(self, dataset_id: int) -> bytes:
        """The validated rows as Parquet bytes."""
        return self._blob(dataset_id, dataset_files.c.data)

    def dataset_summary(self, dataset_id: int) -> bytes | None:
        """The per-customer aggregates as Parquet bytes (outcome datasets only)."""
        return self._blob(dataset_id, dataset_files.c.summary)

    def _blob(self, dataset_id: int, column: sa.Column[Any]) -> Any:
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(column).where(dataset_files.c.dataset_id == dataset_id)).first()
        if row is None:
            raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
        return row[0]

    def remembered_mapping(self, signature: str) -> dict[str, Any] | None:
        """The column mapping last used for files of this shape, if any."""
        with read_transaction(self.engine) as conn:
            return conn.execute(
                sa.select(column_mappings.c.mapping).where(column_mappings.c.signature == signature)
            ).scalar()

    def add_dataset(self, new: NewDataset, actor: Actor) -> StoredDataset:
        """Store a validated dataset, its aggregates and its mapping, all or nothing."""
        from valuegap.store import _now, require_editor

        require_editor(actor, "import datasets")
        now = _now()
        values = {k: v for k, v in new.__dict__.items() if k not in ("mapping_signature", "data", "summary")}
        with write_transaction(self.engine) as conn:
            new_id = conn.execute(
                sa.insert(datasets).values(**values, created_at=now, created_by=actor.name)
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(dataset_files).values(dataset_id=new_id, data=new.data, summary=new.summary)
            )
            if new.mapping_signature:
                updated = conn.execute(
                    sa.update(column_mappings)
                    .where(column_mappings.c.signature == new.mapping_signature)
                    .values(mapping=new.mapping, updated_at=now)
                )
                if updated.rowcount == 0:
                    conn.execute(
                        sa.insert(column_mappings).values(
                            signature=new.mapping_signature, mapping=new.mapping, updated_at=now
                        )
                    )
            row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == new_id)).one()
            return _dataset(row, _versions(conn))

    def link_dataset(self, dataset_id: int, proposition_id: int | None, actor: Actor) -> None:
        """Use a dataset as the evidence of a proposition (or of none)."""
        from valuegap.store import require_editor

        require_editor(actor, "link datasets")
        with write_transaction(self.engine) as conn:
            updated = conn.execute(
                sa.update(datasets).where(datasets.c.id == dataset_id).values(proposition_id=proposition_id)
            )
            if updated.rowcount == 0:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")

    def delete_dataset(self, dataset_id: int, actor: Actor) -> None:
        from valuegap.store import require_editor

        require_editor(actor, "delete datasets")
        with write_transaction(self.engine) as conn:
            conn.execute(sa.delete(dataset_files).where(dataset_files.c.dataset_id == dataset_id))
            deleted = conn.execute(sa.delete(datasets).where(datasets.c.id == dataset_id))
            if deleted.rowcount == 0:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")


def _versions(conn: sa.Connection) -> dict[int, int]:
    """Version number of every dataset: its rank among the uploads with the same name."""
    rows = conn.execute(sa.select(datasets.c.id, datasets.c.name).order_by(datasets.c.id))
    seen: dict[str, int] = {}
    versions = {}
    for dataset_id, name in rows:
        seen[name] = seen.get(name, 0) + 1
        versions[dataset_id] = seen[name]
    return versions


def _dataset(row: sa.Row[Any], versions: dict[int, int]) -> StoredDataset:
    from valuegap.store import _utc

    data = row._mapping
    return StoredDataset(
        id=data["id"], name=data["name"], version=versions.get(data["id"], 1), kind=data["kind"],
        proposition_id=data["proposition_id"], file_name=data["file_name"],
        source_format=data["source_format"], content_hash=data["content_hash"],
        rows_read=data["rows_read"], rows_kept=data["rows_kept"], rows_rejected=data["rows_rejected"],
        rejections=data["rejections"], mapping=data["mapping"], details=data["details"],
        created_at=_utc(data["created_at"]), created_by=data["created_by"],
    )  # fmt: skip
