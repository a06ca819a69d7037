"""A live source's metric names: the labels it names (counted in its engine), renamed to the claims'
metrics in the engine (on the stripped label), checked and reduced as a plain pandas rename of the
same rows would be, and kept with the live dataset's mapping through a refresh."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import sample
from valuegap.sources import live as live_sources
from valuegap.sources.engine import evidence_of_frame
from valuegap.sources.mapping import Mapping
from valuegap.store import Actor

ROLES = {"customer_id": "customer_id", "metric": "metric", "value": "value", "segment": "segment"}
RENAMES = {"Hours saved": "hours_saved", "days": "days_saved"}


def outcomes() -> pd.DataFrame:
    """Labels spelt as a source may spell them: spaced, with tabs, blank, missing, and unrenamed."""
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
            "metric": ["Hours saved", " Hours saved\t", "days", "days ", "hours_saved", "other", "  ", None,
                       "days", "Hours saved"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None, 10.0],
            "segment": ["x", "x", "y", "y", "x", "x", "y", "y", "x", "y"],
        }
    )  # fmt: skip


def write(path: Path, frame: pd.DataFrame, table: str = "outcomes") -> Path:
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame")
    return path


@pytest.fixture
def backend(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = live_sources.connect(f"duckdb:///{write(tmp_path / 'o.duckdb', outcomes())}", name="lake")
    yield opened
    opened.close()


def pandas_labels(frame: pd.DataFrame) -> dict[str, int]:
    """The independent count: labels stripped of spaces, tabs and line breaks, blanks left out."""
    labels = frame["metric"].dropna().str.strip(" \t\n\r\x0b\x0c")
    return {str(k): int(v) for k, v in labels[labels != ""].value_counts().sort_index().items()}


def pandas_renamed(frame: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    stripped = frame["metric"].str.strip(" \t\n\r\x0b\x0c")
    return frame.assign(
        metric=[
            renames.get(s, m) if isinstance(m, str) else m
            for s, m in zip(stripped, frame["metric"], strict=True)
        ]
    )


def test_the_source_names_its_metrics_stripped_and_counted_in_the_engine(backend) -> None:  # type: ignore[no-untyped-def]
    table = live_sources.source_table(backend, table="outcomes")
    found = live_sources.source_metric_labels(backend, table, Mapping("long", ROLES))
    assert found == pandas_labels(outcomes()) == {"Hours saved": 3, "days": 3, "hours_saved": 1, "other": 1}
    # the labels are those before any rename, whatever the mapping renames
    renamed = Mapping("long", ROLES, metric_renames=RENAMES)
    assert live_sources.source_metric_labels(backend, table, renamed) == found


def test_a_wide_source_names_its_metric_columns(tmp_path: Path) -> None:
    wide = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "Hours saved": [1.0, None, 2.0], "days": [1.0, 2.0, 3.0]}
    )
    backend = live_sources.connect(f"duckdb:///{write(tmp_path / 'w.duckdb', wide, 'wide')}", name="lake")
    try:
        mapping = Mapping("wide", {"customer_id": "customer_id"}, metric_columns=("Hours saved", "days"))
        table = live_sources.source_table(backend, table="wide")
        assert live_sources.source_metric_labels(backend, table, mapping) == {"Hours saved": 2, "days": 3}
        renamed = Mapping("wide", {"customer_id": "customer_id"}, metric_columns=("Hours saved", "days"),
                          metric_renames={"Hours saved": "hours_saved"})  # fmt: skip
        evidence = live_sources.evidence_of_source(backend, table, renamed, {"hours_saved", "days"})
        assert evidence.sample("hours_saved").n == 2 and evidence.sample("days").n == 3
    finally:
        backend.close()


@pytest.mark.parametrize("renames", [{}, RENAMES, {"Hours saved": "hours_saved"}])
def test_renames_are_checked_and_reduced_as_a_pandas_rename_of_the_rows(backend, renames) -> None:  # type: ignore[no-untyped-def]
    table = live_sources.source_table(backend, table="outcomes")
    known = {"hours_saved", "days_saved"}
    mapping = Mapping("long", ROLES, metric_renames=renames)
    check = live_sources.check_mapping(backend, table, mapping, known)
    frame = pandas_renamed(outcomes(), renames)
    blank = frame["metric"].isna() | (frame["metric"].fillna("").str.strip() == "")
    missing_value = ~blank & frame["value"].isna()
    unknown = ~blank & ~missing_value & ~frame["metric"].isin(known)
    found = {
        live_sources.MISSING_METRIC: blank.sum(),
        live_sources.MISSING_VALUE: missing_value.sum(),
        live_sources.UNKNOWN_METRIC: unknown.sum(),
    }
    expected = {reason: int(n) for reason, n in found.items() if n}
    assert check.counts == expected
    if renames == RENAMES:  # the unknown metrics are those no rename reaches
        assert expected[live_sources.UNKNOWN_METRIC] == 1 and check.kept == 6
    kept = frame[~(blank | missing_value | unknown)]
    evidence = live_sources.evidence_of_source(backend, table, mapping, known, check=check)
    assert evidence.fingerprint() == evidence_of_frame(kept.reset_index(drop=True)).fingerprint()


def test_a_rename_to_a_label_that_is_also_in_the_source_merges_them(backend) -> None:  # type: ignore[no-untyped-def]
    table = live_sources.source_table(backend, table="outcomes")
    mapping = Mapping("long", ROLES, metric_renames={"Hours saved": "hours_saved"})
    evidence = live_sources.evidence_of_source(backend, table, mapping, {"hours_saved"})
    assert evidence.sample("hours_saved").n == 4  # a, b, j renamed and e as it was
    assert evidence.sample("hours_saved").mean == pytest.approx((1.0 + 2.0 + 10.0 + 5.0) / 4)


def test_renames_are_stored_with_the_live_dataset_and_come_back_on_refresh(  # type: ignore[no-untyped-def]
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "o.duckdb", outcomes())
    monkeypatch.setenv("VALUEGAP_SOURCE_LAKE", f"duckdb:///{path}")
    actor = Actor("ana@example.com")
    prop = store.create(sample(), actor)
    mapping = Mapping("long", ROLES, metric_renames=RENAMES)
    source = live_sources.LiveSource("lake", "outcomes", None, mapping, ("hours_saved", "days_saved"))
    first = live_sources.add_live_dataset(store, source, name="lake", proposition_id=prop.id, actor=actor)
    assert first.mapping["metric_renames"] == RENAMES and first.rows_kept == 6
    assert live_sources.LiveSource.of(first).mapping.metric_renames == RENAMES
    second = live_sources.refresh_live_dataset(store, first, actor)
    assert second.content_hash == first.content_hash and second.rows_kept == 6
    assert Mapping.from_dict(second.mapping).metric_renames == RENAMES
    evidence = live_sources.load_live_evidence(store, second)
    assert set(evidence.metrics) == {"hours_saved", "days_saved"}
