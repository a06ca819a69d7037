"""Delimited text read strictly: dialects, encodings and the messages a bad file gets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT
from valuegap import sources
from valuegap.errors import ValueGapError
from valuegap.sources.outcomes import read_outcomes_csv
from valuegap.store import Actor
from valuegap.workspace.imports import import_table

OUTCOMES = ROOT / "data/outcomes/invoicing-saas.csv"


def test_semicolons_decimal_commas_and_windows_1252_are_read_as_written(tmp_path: Path) -> None:
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_bytes(
        "customer_id;metric;value;segment\nÅsa;hours;3,5;Små\nBo;hours;4,25;Små\n".encode("cp1252")
    )
    rows = read_outcomes_csv(semicolons)
    assert rows["customer_id"].astype(str).tolist() == ["Åsa", "Bo"]
    assert rows["value"].tolist() == [3.5, 4.25] and set(rows["segment"].astype(str)) == {"Små"}
    parquet = tmp_path / "outcomes.parquet"
    pd.read_csv(OUTCOMES).to_parquet(parquet)
    assert len(read_outcomes_csv(parquet)) == len(read_outcomes_csv(OUTCOMES))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file."),
        ("ragged.csv", "customer_id,metric,value\nA,hours,3,4\n", "rows have different numbers of cells"),
        ("empty.csv", "", "the file is empty"),
        ("twice.csv", "customer_id,value,value\nA,1,2\n", "the header 'value' appears more than once"),
        ("text.parquet", "customer_id,metric,value\nA,hours,3,4\n", "this is plain text, not a Parquet file"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "this is a PNG image"),
        ("words.csv", "customer_id,metric,value\nA,hours,3\nB,hours, lots \n", "row 3, column value"),
        ("blank.csv", "customer_id,metric,value\nA,hours,3\n ,hours,4\n", "row 3, column customer_id"),
        ("inf.csv", "customer_id,metric,value\nA,hours,3\nB,hours,-inf\n", "infinite value"),
        ("day.csv", "customer_id,metric,value,observed_at\nA,h,3,2025-01-02\nB,h,4,someday\n", "not a date"),
    ],
)
def test_a_bad_file_gets_a_message_naming_what_is_wrong(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ValueGapError, match=message):
        read_outcomes_csv(path)


def test_a_file_the_csv_readers_refuse_is_said_in_words_not_in_the_readers(tmp_path: Path) -> None:
    """The csv module's and Arrow's own texts ('field larger than field limit', 'CSV parse error:
    Expected 3 columns, got 4') become the file, what is wrong and what to do."""
    cases = {
        "long.csv": ("x" * 200_000 + ",metric,value\nA,hours,3\n", "a name in the first row is longer than"),
        "ragged.csv": (
            "customer_id,metric,value\nA,hours,3,4\n",
            "rows have different numbers of cells: a row has 4 where the header has 3 "
            "(it reads “A,hours,3,4”). Check that every row uses the same delimiter and that every "
            "quote is closed.",
        ),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        with pytest.raises(ValueGapError) as info:
            read_outcomes_csv(path)
        message = info.value.message
        assert message.startswith(f"{path}: ") and words in message
        assert "parse error" not in message and "field limit" not in message and "Expected" not in message


def test_a_table_read_without_its_hash_cannot_be_stored(store) -> None:
    raw = sources.read_table(OUTCOMES.read_bytes(), OUTCOMES.name, hash_content=False)
    assert raw.content_hash == ""
    with pytest.raises(ValueError, match="hash_content=False"):
        mapping = sources.propose_mapping(raw)
        import_table(store, raw, mapping, name="x", proposition_id=None, actor=Actor("me"))
    assert store.datasets() == []
