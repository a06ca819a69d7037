"""Datasets in the store: validated rows and their per-customer aggregates, versioned by content.

A dataset is written in one transaction with its rows and aggregates, so an import that fails
leaves nothing behind. Uploads of the same name are versions of one dataset; the same bytes
uploaded twice are recognised by their content hash.

Each proposition has a chosen *current evidence* per kind (outcomes, customers): the dataset its
pages analyse. An editor chooses it; a proposition's first dataset of a kind becomes it by itself,
and a later upload never does on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from valuegap.errors import NotFound, ValueGapError
from valuegap.store import ids
from valuegap.store.actors import Actor, require_editor
from valuegap.store.engine import inserted_id, read_transaction, write_transaction
from valuegap.store.schema import column_mappings, current_evidence, dataset_files, datasets, propositions
from valuegap.store.times import as_utc, now

_LISTED = list(datasets.c)
EVIDENCE_KINDS = ("outcomes", "customers")  # the kinds a proposition has one current dataset of


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
        """Name and version: how the pages, an analysis and a report name the data they used (the
        content hash is an internal; the Datasets table shows :attr:`short_hash` in its own column)."""
        return f"{self.name} v{self.version}"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True)
class EvidenceChoice:
    """A proposition's current evidence of one kind, and who chose it when."""

    proposition_id: int
    kind: str
    dataset: StoredDataset
    chosen_at: datetime
    chosen_by: str


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


class DatasetRepository:
    """``store.datasets``: uploaded and live datasets, their rows, and each proposition's current evidence."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, kind: str | None = None, proposition_id: int | None = None) -> list[StoredDataset]:
        """The same as :meth:`all`: pages written before the store had repositories call
        ``store.datasets(kind=...)``."""
        return self.all(kind=kind, proposition_id=proposition_id)

    def all(self, *, kind: str | None = None, proposition_id: int | None = None) -> list[StoredDataset]:
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

    def get(self, dataset_id: int) -> StoredDataset:
        """One dataset's description; NotFound when it does not exist."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == dataset_id)).first()
            if row is None:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
            return _dataset(row, _versions(conn))

    def by_hash(self, content_hash: str, *, kind: str | None = None) -> StoredDataset | None:
        """The earliest dataset with exactly these bytes (a re-upload of the same file)."""
        query = sa.select(*_LISTED).where(datasets.c.content_hash == content_hash).order_by(datasets.c.id)
        if kind is not None:
            query = query.where(datasets.c.kind == kind)
        with read_transaction(self.engine) as conn:
            row = conn.execute(query).first()
            return _dataset(row, _versions(conn)) if row is not None else None

    def rows(self, dataset_id: int) -> bytes:
        """The validated rows as Parquet bytes."""
        return self._blob(dataset_id, dataset_files.c.data)

    def summary(self, dataset_id: int) -> bytes | None:
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

    def add(self, new: NewDataset, actor: Actor) -> StoredDataset:
        """Store a validated dataset, its aggregates and its mapping, all or nothing."""
        require_editor(actor, "import datasets")
        added = now()
        values = {k: v for k, v in new.__dict__.items() if k not in ("mapping_signature", "data", "summary")}
        with write_transaction(self.engine) as conn:
            new_id = inserted_id(
                conn.execute(
                    sa.insert(datasets).values(
                        **ids.fresh(conn, datasets), **values, created_at=added, created_by=actor.name
                    )
                )
            )
            conn.execute(
                sa.insert(dataset_files).values(dataset_id=new_id, data=new.data, summary=new.summary)
            )
            if new.proposition_id is not None and new.kind in EVIDENCE_KINDS:
                # a proposition's first dataset of a kind is its evidence; a later one only when chosen
                _choose(conn, new.proposition_id, new.kind, new_id, actor.name, replace=False)
            if new.mapping_signature:
                updated = conn.execute(
                    sa.update(column_mappings)
                    .where(column_mappings.c.signature == new.mapping_signature)
                    .values(mapping=new.mapping, updated_at=added)
                )
                if updated.rowcount == 0:
                    conn.execute(
                        sa.insert(column_mappings).values(
                            signature=new.mapping_signature, mapping=new.mapping, updated_at=added
                        )
                    )
            row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == new_id)).one()
            return _dataset(row, _versions(conn))

    def link(self, dataset_id: int, proposition_id: int | None, actor: Actor) -> None:
        """File a dataset under a proposition (or none). It becomes the proposition's current evidence
        only if the proposition has none of its kind yet; otherwise choose it explicitly."""
        require_editor(actor, "link datasets")
        with write_transaction(self.engine) as conn:
            updated = conn.execute(
                sa.update(datasets).where(datasets.c.id == dataset_id).values(proposition_id=proposition_id)
            )
            if updated.rowcount == 0:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
            kind = conn.execute(sa.select(datasets.c.kind).where(datasets.c.id == dataset_id)).scalar_one()
            if proposition_id is not None and kind in EVIDENCE_KINDS:
                _choose(conn, proposition_id, kind, dataset_id, actor.name, replace=False)

    def current_evidence(self, proposition_id: int) -> dict[str, EvidenceChoice]:
        """The proposition's current evidence by kind (``outcomes``, ``customers``); a kind it has
        none of is missing."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(
                    *_LISTED, current_evidence.c.kind.label("chosen_kind"), current_evidence.c.chosen_at,
                    current_evidence.c.chosen_by,
                )
                .select_from(current_evidence)
                .join(datasets, datasets.c.id == current_evidence.c.dataset_id)
                .where(current_evidence.c.proposition_id == proposition_id)
            ).all()  # fmt: skip
            versions = _versions(conn) if rows else {}
        return {
            row.chosen_kind: EvidenceChoice(
                proposition_id, row.chosen_kind, _dataset(row, versions), as_utc(row.chosen_at), row.chosen_by
            )
            for row in rows
        }  # fmt: skip

    def current(self, proposition_id: int, kind: str = "outcomes") -> StoredDataset | None:
        """The dataset of ``kind`` the proposition's pages analyse: the chosen one, never the newest."""
        choice = self.current_evidence(proposition_id).get(kind)
        return choice.dataset if choice is not None else None

    def choose_current(self, proposition_id: int, dataset_id: int, actor: Actor) -> StoredDataset:
        """Make ``dataset_id`` the proposition's current evidence of its kind (recorded with who and when).

        Share links keep what they pinned; the sharer moves them on the Share page.
        """
        require_editor(actor, "choose the current evidence")
        with write_transaction(self.engine) as conn:
            owner = conn.execute(sa.select(propositions.c.id).where(propositions.c.id == proposition_id))
            if owner.first() is None:
                raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
            row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == dataset_id)).first()
            if row is None:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
            dataset = _dataset(row, _versions(conn))
            if dataset.kind not in EVIDENCE_KINDS:
                raise ValueGapError(
                    f"{dataset.label} is a {dataset.kind} dataset; only outcome data and customer tables "
                    "can be a proposition's current evidence."
                )
            _choose(conn, proposition_id, dataset.kind, dataset_id, actor.name, replace=True)
        return dataset

    def delete(self, dataset_id: int, actor: Actor) -> None:
        """Delete a dataset and its rows for good (its id is never given out again)."""
        require_editor(actor, "delete datasets")
        with write_transaction(self.engine) as conn:
            conn.execute(sa.delete(dataset_files).where(dataset_files.c.dataset_id == dataset_id))
            deleted = conn.execute(sa.delete(datasets).where(datasets.c.id == dataset_id))
            if deleted.rowcount == 0:
                raise NotFound(f"Dataset {dataset_id} does not exist; it may have been deleted.")
            ids.retire(conn, datasets, dataset_id)


def _choose(
    conn: sa.Connection, proposition_id: int, kind: str, dataset_id: int, who: str, *, replace: bool
) -> bool:
    """Record ``dataset_id`` as the proposition's current ``kind`` evidence; without ``replace`` only
    when it has none yet. True when it was recorded."""
    values = {"dataset_id": dataset_id, "chosen_at": now(), "chosen_by": who[:200]}
    where = (current_evidence.c.proposition_id == proposition_id, current_evidence.c.kind == kind)
    if replace and conn.execute(sa.update(current_evidence).where(*where).values(**values)).rowcount:
        return True
    try:
        with conn.begin_nested():  # another session may record one at the same moment
            conn.execute(
                sa.insert(current_evidence).values(proposition_id=proposition_id, kind=kind, **values)
            )
    except sa.exc.IntegrityError:
        if not replace:
            return False  # theirs came first and stays: a later dataset never replaces it by itself
        conn.execute(sa.update(current_evidence).where(*where).values(**values))
    return True


def dataset_label(conn: sa.Connection, dataset_id: int | None) -> str:
    """How a dataset read at this moment (its label), for records that outlive it."""
    if dataset_id is None:
        return "no evidence"
    row = conn.execute(sa.select(*_LISTED).where(datasets.c.id == dataset_id)).first()
    return _dataset(row, _versions(conn)).label if row is not None else f"dataset {dataset_id} (deleted)"


def _versions(conn: sa.Connection) -> dict[int, int]:
    """Version number of every dataset: its rank among the uploads with the same name."""
    rows = conn.execute(sa.select(datasets.c.id, datasets.c.name).order_by(datasets.c.id))
    seen: dict[str, int] = {}
    versions = {}
    for dataset_id, name in rows:
        seen[name] = seen.get(name, 0) + 1
        versions[dataset_id] = seen[name]
    return versions


def _dataset(row: sa.Row[*tuple[Any, ...]], versions: dict[int, int]) -> StoredDataset:
    data = row._mapping
    return StoredDataset(
        id=data["id"], name=data["name"], version=versions.get(data["id"], 1), kind=data["kind"],
        proposition_id=data["proposition_id"], file_name=data["file_name"],
        source_format=data["source_format"], content_hash=data["content_hash"],
        rows_read=data["rows_read"], rows_kept=data["rows_kept"], rows_rejected=data["rows_rejected"],
        rejections=data["rejections"], mapping=data["mapping"], details=data["details"],
        created_at=as_utc(data["created_at"]), created_by=data["created_by"],
    )  # fmt: skip
