"""Reading a file early on another thread (the command line's head start) changes nothing but timing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.isolated import run_in_fresh_python
from valuegap import delimited, ingest
from valuegap.errors import ValueGapError
from valuegap.imports import import_table
from valuegap.ingest.outcomes import read_outcomes_csv
from valuegap.store import Actor

OUTCOMES = ROOT / "data/outcomes/invoicing-saas.csv"


def _same(path: Path) -> None:
    now = read_outcomes_csv(path)
    early = read_outcomes_csv(delimited.EarlyRead(path))
    pd.testing.assert_frame_equal(early, now)


def test_an_early_read_gives_the_same_rows_as_reading_then(tmp_path: Path) -> None:
    _same(OUTCOMES)
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_bytes(
        "customer_id;metric;value;segment\nÅsa;hours;3,5;Små\nBo;hours;4,25;Små\n".encode("cp1252")
    )
    _same(semicolons)
    parquet = tmp_path / "outcomes.parquet"
    pd.read_csv(OUTCOMES).to_parquet(parquet)
    assert delimited.EarlyRead(parquet).text() is None  # not text: the table reader reads it
    _same(parquet)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file."),
        ("ragged.csv", "customer_id,metric,value\nA,hours,3,4\n", "rows have different numbers of cells"),
        ("empty.csv", "", "the file is empty"),
        ("twice.csv", "customer_id,value,value\nA,1,2\n", "the header 'value' appears more than once"),
        ("text.parquet", "customer_id,metric,value\nA,hours,3,4\n", "this is plain text, not a Parquet file"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "this is a PNG image"),
        # cells the early read has dictionary-encoded are reported as the text path reports them
        ("words.csv", "customer_id,metric,value\nA,hours,3\nB,hours, lots \n", "row 3, column value"),
        ("blank.csv", "customer_id,metric,value\nA,hours,3\n ,hours,4\n", "row 3, column customer_id"),
        ("inf.csv", "customer_id,metric,value\nA,hours,3\nB,hours,-inf\n", "infinite value"),
        ("day.csv", "customer_id,metric,value,observed_at\nA,h,3,2025-01-02\nB,h,4,someday\n", "not a date"),
    ],
)
def test_an_early_read_fails_with_the_same_message_at_the_same_point(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ValueGapError, match=message) as now:
        read_outcomes_csv(path)
    early = delimited.EarlyRead(path)
    with pytest.raises(ValueGapError) as later:
        read_outcomes_csv(early)
    assert later.value.message == now.value.message


def test_reading_a_file_early_needs_no_pandas() -> None:
    """The head start only helps if parsing can begin before pandas is loaded."""
    code = (
        "import sys\n"
        "import valuegap.cli, valuegap.delimited\n"
        f"early = valuegap.delimited.EarlyRead(__import__('pathlib').Path({str(OUTCOMES)!r}))\n"
        "assert early.text().table.num_rows > 1000\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
    )
    run_in_fresh_python(code)


def test_a_table_read_without_its_hash_cannot_be_stored(store) -> None:
    raw = ingest.read_table(OUTCOMES.read_bytes(), OUTCOMES.name, hash_content=False)
    assert raw.content_hash == ""
    with pytest.raises(ValueError, match="hash_content=False"):
        mapping = ingest.propose_mapping(raw)
        import_table(store, raw, mapping, name="x", proposition_id=None, actor=Actor("me"))
    assert store.datasets() == []


CELLS = st.sampled_from(["a", "b", " a", "", "ü", "a "])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), min_size=1, max_size=4))
def test_encoded_columns_have_distinct_dictionaries_and_the_same_cells(chunks: list[list[str]]) -> None:
    """The table reader trusts these dictionaries to be distinct (it skips re-checking them)."""
    column = pa.chunked_array(chunks, type=pa.large_string())
    encoded = delimited._encoded(pa.table({"c": column}))["c"]
    cells = [cell for chunk in chunks for cell in chunk]
    if not cells:  # nothing that is not a number: left as read
        assert encoded.type == pa.large_string()
        return
    assert encoded.num_chunks == 1
    array = encoded.chunk(0)
    dictionary = array.dictionary.to_pylist()
    assert len(set(dictionary)) == len(dictionary)
    assert array.dictionary_decode().to_pylist() == cells


def test_columns_of_plain_numbers_are_left_as_text_for_validation_to_cast() -> None:
    table = pa.table(
        {
            "value": pa.chunked_array([["1.5", "-2"], ["3e2"]], type=pa.large_string()),
            "mixed": pa.chunked_array([["1.5", ""], ["n/a"]], type=pa.large_string()),
        }
    )
    encoded = delimited._encoded(table)
    assert encoded["value"].type == pa.large_string()
    assert pa.types.is_dictionary(encoded["mixed"].type)
    assert encoded["value"].to_pylist() == ["1.5", "-2", "3e2"]


def test_a_column_whose_text_comes_after_the_first_cells_is_still_encoded() -> None:
    numbers = ["2.5"] * (delimited.NUMBER_PROBE_CELLS + 10)
    column = pa.chunked_array([numbers, [*numbers, "n/a"]], type=pa.large_string())
    encoded = delimited._encoded(pa.table({"late_text": column}))["late_text"]
    assert pa.types.is_dictionary(encoded.type)
    assert encoded.chunk(0).dictionary.to_pylist() == ["2.5", "n/a"]
