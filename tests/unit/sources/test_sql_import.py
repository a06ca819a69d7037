"""The DuckDB import of a lazily read upload (valuegap.sources.sql_import) against the pandas import of
the same file read whole (valuegap.sources.validation): two separate implementations of the checks,
the repeated-row rules of METHODS.md section 8 and the reduction must store the same dataset."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuegap import sources
from valuegap.errors import ValueGapError
from valuegap.sources import sql_import
from valuegap.store import Actor, Store
from valuegap.workspace.imports import import_table, load_evidence

EDITOR = Actor("Ana")

MESSY_CSV = (
    "customer_id,metric,value,segment,offer,observed_at\n"
    "A1,nps,7,SMB,Ours,2025-01-03\n"
    " A2 ,nps, 8 ,SMB ,Ours,2025-01-04\n"
    "A1,nps,7,SMB,Ours,2025-01-03\n"  # a double upload: dropped
    "A3,nps,n/a,SMB,Ours,2025-01-05\n"
    ",nps,5,SMB,Ours,2025-01-05\n"
    "A4,,5,SMB,Ours,2025-01-05\n"
    "A5,nps,inf,SMB,Ours,2025-01-05\n"
    "A6,nps,1e309,SMB,Ours,2025-01-05\n"
    "A7,nps,-Infinity,Ent,Rival,2025-02-05\n"
    "A8,nps,1_000,Ent,Rival,2025-02-05\n"
    "A9,nps,,Ent,Rival,2025-02-05\n"
    "A10,nps,4.5,Ent,Rival,\n"
    "A10,nps,4.5,Ent,Rival,\n"  # repeated without a date: kept
    "A11,csat,3,Ent,Rival,2025-03-01T10:00:00+02:00\n"
    "A12,csat,2.5e1,,,2025-03-02\n"
    "A13,churn,1,Ent,Rival,2025-03-02\n"
    "\u00a0A14\u00a0,csat,-0.0,Ent,Rival,2025-03-02\n"
    "A14,csat,0,Ent,Rival,2025-03-02\n"  # -0.0 and 0 are one value: a double upload
    "A15,nps,e,Ent,Rival,2025-03-02\n"
)


def _import(  # type: ignore[no-untyped-def]
    tmp_path: Path, data: bytes, name: str, *, how: str, known: set[str] | None = None,
    renames: dict[str, str] | None = None,
):  # fmt: skip
    """``how``: "lazy" (read_table(lazy=True): a preview and the file), "attached" (read whole, then
    given its file as the app's bounded read does) or "whole" (no file: the pandas way). ``renames``:
    the mapping's metric renames (file label → claim metric)."""
    store = Store.open(f"sqlite:///{tmp_path / how}-{name}.db")
    raw = sources.read_table(data, name, lazy=how == "lazy")
    if how == "attached":
        raw = sources.reading.with_file(raw, data)
    mapping = replace(sources.propose_mapping(raw), metric_renames=dict(renames or {}))
    result = import_table(
        store, raw, mapping, name="Outcomes", proposition_id=None, actor=EDITOR, known_metrics=known
    )
    return store, raw, result


def _same_import(
    tmp_path: Path, data: bytes, name: str, known: set[str] | None = None, *, by_duckdb: bool = True,
    renames: dict[str, str] | None = None,
) -> object:  # fmt: skip
    """Import ``data`` by DuckDB (read lazily, and read whole with its file) and the pandas way, and
    check all three stored the same dataset. ``by_duckdb``: the DuckDB import took it (no frame of
    its rows), else it fell back to the pandas way."""
    store_w, raw_w, whole = _import(tmp_path, data, name, how="whole", known=known, renames=renames)
    assert raw_w.path is None
    for how in ("lazy", "attached"):
        store_l, raw_l, lazy = _import(tmp_path, data, name, how=how, known=known, renames=renames)
        assert raw_l.path is not None
        assert (lazy.result.observations is None) == by_duckdb
        _same_dataset(store_l, lazy, store_w, whole)
    return lazy


def _same_dataset(store_l: Store, lazy, store_w: Store, whole) -> None:  # type: ignore[no-untyped-def]
    a, b = lazy.dataset, whole.dataset
    assert (a.rows_read, a.rows_kept, a.rows_rejected) == (b.rows_read, b.rows_kept, b.rows_rejected)
    assert a.rejections == b.rejections
    assert a.details == b.details
    ra, rb = lazy.result.report, whole.result.report
    assert (ra.repeats_kept, ra.repeats_dropped, ra.notes) == (rb.repeats_kept, rb.repeats_dropped, rb.notes)
    pd.testing.assert_frame_equal(ra.rejections, rb.rejections, check_dtype=False)
    # the stored rows: the same rows in the same order, the same values
    rows_a = pd.read_parquet(io.BytesIO(store_l.datasets.rows(a.id)))
    rows_b = pd.read_parquet(io.BytesIO(store_w.datasets.rows(b.id)))
    for frame in (rows_a, rows_b):
        for column in ("customer_id", "metric", "segment", "offer"):
            frame[column] = frame[column].astype(str)
        frame["observed_at"] = frame["observed_at"].astype("datetime64[ns]")
    pd.testing.assert_frame_equal(rows_a, rows_b, check_dtype=False)
    # the per-customer means the analyses read
    ea, eb = load_evidence(store_l, a), load_evidence(store_w, b)
    keys = ["customer_id", "metric", "segment", "offer", "period"]
    va = ea.query(ea.values).sort_values(keys).reset_index(drop=True)
    vb = eb.query(eb.values).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(va, vb, check_dtype=False, rtol=1e-12)


def test_a_messy_csv_is_checked_alike(tmp_path: Path) -> None:
    lazy = _same_import(tmp_path, MESSY_CSV.encode(), "messy.csv")
    report = lazy.result.report
    assert report.repeats_dropped == 2 and report.repeats_kept == 1
    reasons = dict(zip(report.rejections["row"], report.rejections["reason"], strict=True))
    assert reasons[4] == sources.validation.DOUBLE_UPLOAD and reasons[5] == "not a number"
    assert lazy.result.observations is None  # no frame of the rows was built


def test_unknown_metrics_are_rejected_alike(tmp_path: Path) -> None:
    _same_import(tmp_path, MESSY_CSV.encode(), "known.csv", known={"nps", " csat"})


def test_renamed_metrics_are_checked_stored_and_repeated_alike(tmp_path: Path) -> None:
    text = MESSY_CSV + (
        "A16, Hours saved ,2,Ent,Rival,2025-03-03\n"
        "A17,hours_saved,3,SMB,Ours,2025-03-04\n"
        "A17,Hours saved,3,SMB,Ours,2025-03-04\n"  # the same measurement once renamed: a double upload
        "A18,Churn,1,SMB,Ours,2025-03-04\n"  # not renamed (the rename is of 'churn'): unknown
    )
    renames = {"Hours saved": "hours_saved", "csat": "nps", "churn": "gone"}
    lazy = _same_import(tmp_path, text.encode(), "renamed.csv", known={"nps", "hours_saved"}, renames=renames)
    assert lazy.result.observations is None  # the DuckDB import took it
    report = lazy.result.report
    rejected = report.rejections.set_index("row")
    # 'churn' renamed to 'gone', which no claim measures: shown under the name it was looked up by
    assert tuple(rejected.loc[17, ["value", "reason"]]) == ("gone", "unknown metric (no claim measures it)")
    assert rejected.loc[24, "reason"] == "unknown metric (no claim measures it)"
    assert rejected.loc[23, "reason"] == sources.validation.DOUBLE_UPLOAD
    assert set(lazy.dataset.details["metrics"]) == {"nps", "hours_saved"}


def test_a_tab_separated_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    text = MESSY_CSV.replace("Ours,2025-01-04", "Ours,2025-01-04 00:00").replace(",", "\t")
    _same_import(tmp_path, b"\xef\xbb\xbf" + text.encode(), "messy.tsv")


def test_a_parquet_file_with_typed_and_missing_cells(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 3_000
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i % 400}" for i in range(n)],
            "metric": rng.choice(["nps", "csat", " nps"], n),
            "value": rng.choice([1.0, 2.5, np.nan, np.inf, -np.inf, 3.0], n),
            "segment": rng.choice(["SMB", "Ent", None], n),
            "offer": rng.choice(["Ours", "Rival"], n),
            "observed_at": pd.to_datetime(rng.choice(["2025-01-01", "2025-06-30", None], n)),
        }
    )
    frame.loc[5, "customer_id"] = None
    frame = pd.concat([frame, frame.head(50)], ignore_index=True)  # double uploads
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    lazy = _same_import(tmp_path, sink.getvalue(), "typed.parquet")
    assert lazy.result.report.repeats_dropped > 0


def test_integer_ids_and_no_dates(tmp_path: Path) -> None:
    frame = pd.DataFrame({"customer_id": [1, 2, 2, 3, 4], "metric": ["m"] * 5, "value": [1, 2, 2, 3, 4]})
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    lazy = _same_import(tmp_path, sink.getvalue(), "ints.parquet")
    assert lazy.result.report.repeats_kept == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # dates DuckDB's cast does not read: pandas decides
        ("days.csv", b"customer_id,metric,value,observed_at\nA,m,1,03/04/2025\nB,m,2,13/04/2025\n"),
        ("no-day.csv", b"customer_id,metric,value,observed_at\nA,m,1,2025-01-02\nB,m,2,not a day\n"),
    ],
)
def test_what_duckdb_cannot_decide_is_imported_the_pandas_way(tmp_path: Path, name: str, data: bytes) -> None:
    raw = sources.read_table(data, name, lazy=True)
    assert sql_import.usable(raw, sources.propose_mapping(raw))
    _same_import(tmp_path, data, name, by_duckdb=False)


def test_a_ragged_csv_gets_the_readers_own_message(tmp_path: Path) -> None:
    data = b"customer_id,metric,value\nA,m,1\n" + b"B,m,2\n" * 20 + b"C,m,3,4\n"
    with pytest.raises(ValueGapError) as whole:
        sources.read_table(data, "ragged.csv")
    with pytest.raises(ValueGapError) as lazy:
        _import(tmp_path, data, "ragged.csv", how="lazy")
    assert lazy.value.message == whole.value.message


def test_nothing_kept_says_so_alike(tmp_path: Path) -> None:
    data = b"customer_id,metric,value\nA,m,x\nB,m,y\n"
    with pytest.raises(ValueGapError) as whole:
        _import(tmp_path, data, "bad.csv", how="whole")
    with pytest.raises(ValueGapError) as lazy:
        _import(tmp_path, data, "bad.csv", how="lazy")
    assert lazy.value.message == whole.value.message
    assert Store.open(f"sqlite:///{tmp_path / 'lazy'}-bad.csv.db").datasets() == []


def test_a_decimal_comma_is_read_alike(tmp_path: Path) -> None:
    text = "customer_id;metric;value;observed_at\n" + "".join(
        f"C{i};m;{i},5;2025-0{1 + i % 9}-01\n" for i in range(30)
    )
    text += "X;m;1.234,5;2025-01-01\nY;m;1,2,3;2025-01-01\nZ;m; 7 ;2025-01-01\nW;m;n/a;\n"
    assert sources.read_table(text.encode(), "comma.csv").decimal == ","
    _same_import(tmp_path, text.encode(), "comma.csv")


def test_other_encodings_are_imported_alike_from_their_utf8_copy(tmp_path: Path) -> None:
    text = "customer_id,metric,value,segment\nRené,nps,7,Café\nZoë,nps,8,Café\nRené,nps,7,Café\n"
    data = text.encode("cp1252")
    store_w, _, whole = _import(tmp_path, data, "latin.csv", how="whole")
    store_a, raw, attached = _import(tmp_path, data, "latin.csv", how="attached")
    assert raw.path is not None and raw.encoding == "windows-1252"
    _same_dataset(store_a, attached, store_w, whole)
    assert attached.result.observations is None  # imported by DuckDB from the UTF-8 copy


def test_a_lazy_read_holds_a_preview_and_removes_its_file() -> None:
    body = "customer_id,metric,value\n" + "".join(f"C{i},m,{i}\n" for i in range(5_000))
    raw = sources.read_table(body.encode(), "big.csv", lazy=True)
    assert len(raw.frame) == sources.reading.PREVIEW_ROWS and raw.rows == 5_000
    assert len(raw.full().frame) == 5_000  # every row when the pandas way needs them
    path = Path(raw.path or "")
    assert path.exists()
    del raw
    assert not path.exists()


def test_files_the_lazy_read_does_not_take_are_read_whole() -> None:
    cp1252 = "customer_id,metric,value\nRené,m,1\n".encode("cp1252")
    raw = sources.read_table(cp1252, "latin.csv", lazy=True)
    assert raw.path is None and raw.encoding == "windows-1252"
    assert raw.frame["customer_id"].tolist() == ["René"]


def test_integer_ids_with_a_gap_are_left_to_pandas(tmp_path: Path) -> None:
    frame = pd.DataFrame({"customer_id": [1, None, 3], "metric": ["m"] * 3, "value": [1.0, 2.0, 3.0]})
    frame["customer_id"] = frame["customer_id"].astype("Int64")
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    _same_import(tmp_path, sink.getvalue(), "gap.parquet", by_duckdb=False)
