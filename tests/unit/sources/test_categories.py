"""Categoricals built without pandas' uniqueness check must equal the ones pandas builds itself."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegap.sources.categories import categorical, frame_of


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cell values as plain Python objects (missing as None), whatever the storage."""
    return frame.astype(object).where(frame.notna(), None)


@given(
    labels=st.lists(st.text(max_size=5), unique=True, min_size=1, max_size=20),
    picks=st.lists(st.integers(min_value=-1, max_value=19), max_size=50),
)
def test_a_categorical_equals_the_one_pandas_checks_itself(labels, picks):
    codes = np.asarray([p if p < len(labels) else -1 for p in picks], dtype=np.int32)
    ours = categorical(codes, pd.Index(labels))
    theirs = pd.Categorical.from_codes(codes, categories=labels)
    assert list(ours.categories) == list(theirs.categories)
    assert ours.codes.tolist() == theirs.codes.tolist()
    assert ours.isna().tolist() == theirs.isna().tolist()


def test_chunks_with_different_dictionaries_are_unified_and_nulls_stay_missing():
    first = pa.array(["b", "a", None, "b"]).dictionary_encode()
    second = pa.array(["c", "a", "c"]).dictionary_encode()
    table = pa.table(
        {"name": pa.chunked_array([first, second]), "value": pa.chunked_array([[1, 2, 3, 4], [5, 6, 7]])}
    )
    frame = frame_of(table)
    assert isinstance(frame["name"].dtype, pd.CategoricalDtype)
    assert list(frame["name"].cat.categories) == ["b", "a", "c"]
    assert _as_text(frame)["name"].tolist() == ["b", "a", None, "b", "c", "a", "c"]
    assert frame["value"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    pd.testing.assert_frame_equal(_as_text(frame), _as_text(table.to_pandas()))


@pytest.mark.parametrize("index", [None, pd.Index([10, 20, 30], name="row"), pd.Index(["x", "y", "z"])])
def test_a_saved_pandas_index_is_left_out_as_to_pandas_leaves_it(index):
    source = pd.DataFrame({"customer_id": ["C1", "C2", "C1"], "value": [1.5, 2.0, 3.25]})
    if index is not None:
        source.index = index
    sink = io.BytesIO()
    source.to_parquet(sink)
    table = pq.read_table(io.BytesIO(sink.getvalue()), read_dictionary=["customer_id"])
    frame = frame_of(table)
    assert list(frame.columns) == ["customer_id", "value"]
    assert frame["customer_id"].astype(str).tolist() == ["C1", "C2", "C1"]
    assert frame["value"].tolist() == [1.5, 2.0, 3.25]


def test_an_empty_table_keeps_its_columns():
    names = pa.array([], pa.string()).dictionary_encode()
    table = pa.table({"name": names, "value": pa.array([], pa.float64())})
    frame = frame_of(table)
    assert list(frame.columns) == ["name", "value"] and len(frame) == 0


def test_a_dictionary_that_repeats_an_entry_is_re_encoded():
    repeated = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, None, 0]), pa.array(["a", "b", "a"]))
    frame = frame_of(pa.table({"name": repeated}))
    assert list(frame["name"].cat.categories) == ["a", "b"]
    assert _as_text(frame)["name"].tolist() == ["a", "b", "a", None, "a"]
    assert frame["name"].value_counts()["a"] == 3
