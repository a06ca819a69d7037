"""Metric names at import, through the store: renames remembered with a dataset's mapping for the next
file of the same shape, and the claims' metric renamed to the file's name as a new revision."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import sample
from valuegap import sources
from valuegap.errors import ConflictError, InvalidInput, ValueGapError
from valuegap.store import Actor, Store
from valuegap.workspace.imports import import_table, remembered_mapping
from valuegap.workspace.metric_rename import RENAME_ACTION, rename_claim_metric, with_metric_renamed

EDITOR = Actor("Ana")
CSV = b"customer_id,metric,value\n" + b"".join(
    f"C{i},Days to payment saved,{4 + i % 3}\nC{i},days_early,{i % 2}\n".encode() for i in range(30)
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'work.db'}")


def test_renames_are_remembered_for_a_file_of_the_same_shape(store: Store) -> None:
    prop = store.create(sample(), EDITOR)
    raw = sources.read_table(CSV, "first.csv")
    mapping = replace(
        sources.propose_mapping(raw), metric_renames={"Days to payment saved": "days_to_payment_saved"}
    )
    known = {c.metric for c in prop.proposition.claims if c.metric}
    imported = import_table(
        store, raw, mapping, name="Outcomes", proposition_id=prop.id, actor=EDITOR, known_metrics=known
    )
    assert imported.dataset.rows_rejected == 0 and imported.dataset.rows_kept == 60
    assert set(imported.dataset.details["metrics"]) == {"days_to_payment_saved", "days_early"}
    again = sources.read_table(CSV.replace(b"C1,", b"C99,"), "second.csv")  # same columns, other rows
    remembered = remembered_mapping(store, again)
    assert remembered is not None and remembered.metric_renames == mapping.metric_renames


def test_a_stored_mapping_this_version_cannot_read_is_not_offered(store: Store) -> None:
    raw = sources.read_table(CSV, "first.csv")
    mapping = replace(sources.propose_mapping(raw), metric_renames={"Days to payment saved": "x" * 81})
    import_table(store, raw, mapping, name="Outcomes", proposition_id=None, actor=EDITOR)
    assert remembered_mapping(store, raw) is None  # proposed afresh instead


def test_renaming_the_claims_metric_saves_a_revision(store: Store) -> None:
    created = store.create(sample(), EDITOR)
    saved = rename_claim_metric(
        store, created.id, "days_to_payment_saved", " Days to payment saved ", seen_version=1, actor=EDITOR
    )
    assert saved.version == 2 and saved.updated_by == "Ana"
    metrics = [c.metric for c in saved.proposition.claims]
    assert metrics == ["Days to payment saved", "days_early"]
    revision = store.revisions(created.id)[0]
    assert revision.action == RENAME_ACTION and "to match an uploaded file" in revision.summary


def test_a_rename_after_someone_elses_save_is_refused(store: Store) -> None:
    created = store.create(sample(), EDITOR)
    store.save(created.id, sample(name="Renamed by Bo"), seen_version=1, actor=Actor("Bo"))
    with pytest.raises(ConflictError):
        rename_claim_metric(store, created.id, "days_early", "Days early", seen_version=1, actor=EDITOR)
    assert store.get(created.id).version == 2  # nothing overwritten


def test_a_rename_says_what_is_wrong_in_words() -> None:
    with pytest.raises(ValueGapError, match="No claim of Invoicing for freelancers measures 'nope'"):
        with_metric_renamed(sample(), "nope", "x")
    with pytest.raises(InvalidInput) as raised:
        with_metric_renamed(sample(), "days_early", "x" * 81)
    assert "too long (at most 80 characters)" in raised.value.in_words
