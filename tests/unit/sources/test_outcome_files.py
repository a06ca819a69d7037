"""The command line's DuckDB reader of outcome files against the pandas reader it stands in for.

Both sides are independent readers: DuckDB parses, checks (SQL) and reduces the file; pandas/Arrow
reads it (valuegap.sources) and the engine reduces the frame. They must give the same analysis, the
same message for a bad file and the same notes about repeated rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, assert_same_rows
from valuegap.errors import ValueGapError
from valuegap.evidence.analysis import analyze, analyze_summary
from valuegap.model import proposition_files
from valuegap.model.proposition import parse_proposition
from valuegap.sources.outcome_files import choose_reader, claim_metrics, read_evidence
from valuegap.sources.outcomes import read_outcomes

DEMOS = ("invoicing-saas", "energy-retrofit", "streaming-plan")


def _both(path: Path, prop, by_segment: bool) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    found = read_evidence(path, claim_metrics(prop), all_segments=by_segment)
    assert found.reader.startswith("duckdb")
    ours = analyze_summary(prop, found.evidence, by_segment=by_segment).rows
    pandas_rows = analyze(prop, read_outcomes(path).observations, by_segment=by_segment).rows
    return list(ours), list(pandas_rows)


@pytest.mark.parametrize("name", DEMOS)
@pytest.mark.parametrize("form", ["csv", "tsv", "parquet"])
def test_duckdb_and_pandas_give_the_same_analysis_of_the_demo_files(
    tmp_path: Path, name: str, form: str
) -> None:
    prop = proposition_files.read(ROOT / f"data/propositions/{name}.yaml")
    source = ROOT / f"data/outcomes/{name}.csv"
    if form == "csv":
        path = source
    elif form == "tsv":
        path = tmp_path / f"{name}.tsv"
        pd.read_csv(source, dtype=str).to_csv(path, sep="\t", index=False)
    else:
        path = tmp_path / f"{name}.parquet"
        pd.read_csv(source).to_parquet(path, index=False)  # value as double, dates as text
    for by_segment in (False, True):
        ours, theirs = _both(path, prop, by_segment)
        assert ours  # something was analysed
        assert_same_rows(ours, theirs)


def test_typed_parquet_columns_give_the_same_analysis(tmp_path: Path) -> None:
    """Integer ids, float values and real timestamps, as a warehouse export writes them."""
    prop = proposition_files.read(ROOT / "data/propositions/invoicing-saas.yaml")
    frame = pd.read_csv(ROOT / "data/outcomes/invoicing-saas.csv")
    frame["customer_id"] = pd.factorize(frame["customer_id"])[0].astype("int64") + 1000
    frame["observed_at"] = pd.to_datetime(frame["observed_at"])
    frame["segment"] = frame["segment"].astype("category")
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path, index=False)
    ours, theirs = _both(path, prop, True)
    assert_same_rows(ours, theirs)


HEADER = "customer_id,metric,value,segment,observed_at\n"
BAD_FILES = {
    "words": HEADER + "A,hours,3,s,2025-01-01\nB,hours, lots ,s,2025-01-01\nC,hours,x,s,\n",
    "blank id": HEADER + "A,hours,3,s,\n ,hours,4,s,\n",
    "quoted blank id": HEADER + 'A,hours,3,s,\n"",hours,4,s,\n',
    "blank metric": HEADER + "A,,3,s,\nB,hours,4,s,\n",
    "blank value": HEADER + "A,hours,,s,\nB,hours,4,s,\n",
    "minus inf": HEADER + "A,hours,3,s,\nB,hours,-inf,s,\n",
    "Infinity": HEADER + "A,hours,3,s,\nB,hours,Infinity,s,\n",
    "overflow": HEADER + "A,hours,3,s,\nB,hours,1e309,s,\n",
    "nan": HEADER + "A,hours,3,s,\nB,hours,NaN,s,\n",
    "underscore": HEADER + "A,hours,3,s,\nB,hours,1_000,s,\n",
    "hex": HEADER + "A,hours,3,s,\nB,hours,0x10,s,\n",
    "blank lines": HEADER + "A,hours,3,s,\n\nB,hours,4,s,\n\nC,hours,five,s,\n",
    "first problem of a row": HEADER + "A,hours,3,s,\n ,,lots,s,someday\n",
    "bad date": HEADER + "A,hours,3,s,2025-01-02\nB,hours,4,s,someday\n",
    "missing column": "customer_id,metric\nA,hours\n",
    "no claim's metric": HEADER + "A,admin_hours_saved,3,s,\nB,no_claim_measures_this,lots,s,\n",
    "ragged": HEADER + "A,hours,3,s,,extra\n",
    "header only": HEADER,
    "repeated header": "customer_id,value,value\nA,1,2\n",
}


NOT_READ = {"blank metric", "first problem of a row"}


def _message(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueGapError) as caught:
        call()
    return caught.value.message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_csv_gets_the_same_message_on_both_paths(tmp_path: Path, name: str) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(BAD_FILES[name])
    if name in NOT_READ:  # the bad row has no metric: no claim reads it
        found = read_evidence(path, {"hours"})
        assert found.evidence.sample("hours").n == read_outcomes(path, metrics={"hours"}).report.rows_kept
    else:
        theirs = _message(lambda: read_outcomes(path, metrics={"hours"}))
        ours = _message(lambda: read_evidence(path, {"hours"}))
        assert ours == theirs
        assert "\n" not in ours
    # a file with no row of the claims' metrics is read whole, and what is wrong with it is said
    assert _message(lambda: read_evidence(path, {"other"})) == _message(lambda: read_outcomes(path))


def test_rows_of_metrics_no_claim_reads_are_not_read_closely(tmp_path: Path) -> None:
    """A bad cell in a metric no claim measures is no input to the analysis: both paths leave it
    alone, and a bad cell in a claim's metric is still named by its row in the file."""
    path = tmp_path / "outcomes.csv"
    path.write_text(HEADER + "A,hours,3,s,\nB,other,lots,s,\n ,other,3,s,\nC,hours,4,s,\n")
    found = read_evidence(path, {"hours"})
    assert found.reader == "duckdb-csv"
    assert found.evidence.sample("hours").n == 2
    assert read_outcomes(path, metrics={"hours"}).observations["customer_id"].tolist() == ["A", "C"]
    path.write_text(HEADER + "A,hours,3,s,\nB,other,lots,s,\nC,hours,x,s,\n")
    message = "row 4, column value: not a number ('x')."
    assert _message(lambda: read_evidence(path, {"hours"})).endswith(message)
    assert _message(lambda: read_outcomes(path, metrics={"hours"})).endswith(message)


@pytest.mark.parametrize(
    ("column", "cells"),
    [
        ("value", [1.5, float("nan"), 2.0]),
        ("value", [1.5, None, float("inf")]),
        ("value", ["1.5", " lots ", None]),
        ("value", ["1.5", None, "x"]),
        ("customer_id", ["A", None, "C"]),
        ("metric", ["hours", "hours", "  "]),
    ],
)
def test_a_bad_parquet_file_gets_the_same_message_on_both_paths(
    tmp_path: Path, column: str, cells: list
) -> None:
    frame = pd.DataFrame({"customer_id": ["A", "B", "C"], "metric": ["hours"] * 3, "value": [1.0, 2.0, 3.0]})
    frame[column] = cells
    path = tmp_path / "outcomes.parquet"
    frame.to_parquet(path, index=False)
    assert choose_reader(path) == "duckdb-parquet"
    # a missing metric is in no claim's rows: read as a file of no claim's metric, whole
    metrics = {"other"} if column == "metric" else {"hours"}
    theirs = _message(lambda: read_outcomes(path, metrics=metrics))
    ours = _message(lambda: read_evidence(path, metrics))
    assert ours == theirs


REPEATS = {
    "undated": (
        "customer_id,metric,value\nA,hours,2\nA,hours,2\nA,hours, 2\nA,hours,8\nB,hours,4\nC,hours,5\n"
    ),
    "dated": (
        "customer_id,metric,value,observed_at\nA,hours,2,2025-01-01\nA,hours,2,2025-01-01\n"
        "A,hours,2,2025-01-02\nA,hours,8,2025-01-03\nB,hours,4,2025-01-01\nC,hours,5,2025-01-01\n"
        "C,hours,5,2025-01-01 00:00\n"
    ),
    "both": (
        "customer_id,metric,value,observed_at\nA,hours,2,2025-01-01\nA,hours,2,2025-01-01\nA,hours,2,\n"
        "A,hours,2,\nA,hours,2,\nB,hours,4,2025-01-01\nB,other,4,2025-01-01\n"
    ),
}


@pytest.mark.parametrize("name", sorted(REPEATS))
@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_repeated_rows_are_counted_and_said_as_the_pandas_path_does(
    tmp_path: Path, name: str, form: str
) -> None:
    path = tmp_path / f"outcomes.{form}"
    if form == "csv":
        path.write_text(REPEATS[name])
    else:
        import io

        pd.read_csv(io.StringIO(REPEATS[name]), dtype=str, keep_default_na=False).to_parquet(
            path, index=False
        )
    body = proposition_files.read(ROOT / "data/propositions/invoicing-saas.yaml").to_dict()
    claim = {"id": "hours", "text": "Saves 3 hours a week on average", "benefit": "time", "form": "average",
             "metric": "hours", "claimed": 3.0, "unit": "hours"}  # fmt: skip
    body["claims"] = [claim]
    prop = parse_proposition(body)
    found = read_evidence(path, claim_metrics(prop))
    assert found.reader == f"duckdb-{form}"
    pandas_file = read_outcomes(path)
    assert found.notes == pandas_file.notes and found.notes
    assert_same_rows(analyze_summary(prop, found.evidence).rows, analyze(prop, pandas_file.observations).rows)


def test_files_duckdb_does_not_read_as_the_project_does_go_the_pandas_way(tmp_path: Path) -> None:
    prop = proposition_files.read(ROOT / "data/propositions/invoicing-saas.yaml")
    frame = pd.read_csv(ROOT / "data/outcomes/invoicing-saas.csv", dtype=str)
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text(
        frame.assign(value=frame["value"].str.replace(".", ",")).to_csv(sep=";", index=False)
    )
    windows = tmp_path / "windows.csv"
    windows.write_bytes(frame.assign(segment=frame["segment"] + "é").to_csv(index=False).encode("cp1252"))
    excel = tmp_path / "outcomes.xlsx"
    frame.head(500).to_excel(excel, index=False)
    for path in (semicolons, windows, excel):
        found = read_evidence(path, claim_metrics(prop))
        assert found.reader == "pandas"
        assert_same_rows(
            analyze_summary(prop, found.evidence).rows, analyze(prop, read_outcomes(path).observations).rows
        )
    assert choose_reader(excel) == "pandas"
    assert choose_reader(ROOT / "data/outcomes/invoicing-saas.csv", "cp1252") == "pandas"
    assert choose_reader(tmp_path / "missing.csv") == "pandas"
    assert choose_reader(ROOT / "data/outcomes/invoicing-saas.csv") == "duckdb-csv"


def test_by_segment_lists_a_segment_measured_only_in_metrics_no_claim_reads(tmp_path: Path) -> None:
    """Only the claims' metrics are reduced, yet every segment of the file gets its rows (no evidence)."""
    path = tmp_path / "segments.csv"
    path.write_text(
        "customer_id,metric,value,segment,offer\nA,hours,3,s1,Ours\nB,hours,4,s1,Ours\nC,hours,5,s1,Ours\n"
        "D,other,4,s2,Ours\nE,other,4,s3,Rival\n"
    )
    body = proposition_files.read(ROOT / "data/propositions/invoicing-saas.yaml").to_dict()
    body["claims"] = [
        {"id": "hours", "text": "Saves 3 hours a week on average", "benefit": "time", "form": "average",
         "metric": "hours", "claimed": 3.0, "unit": "hours"},
    ]  # fmt: skip
    prop = parse_proposition(body)
    found = read_evidence(path, claim_metrics(prop), all_segments=True)
    assert found.reader == "duckdb-csv"
    ours = analyze_summary(prop, found.evidence, by_segment=True).rows
    theirs = analyze(prop, read_outcomes(path).observations, by_segment=True).rows
    assert [row["segment"] for row in theirs] == ["s1", "s2", "s3"]
    assert_same_rows(ours, theirs)


def test_every_problem_of_a_bad_file_is_listed_with_its_rows_on_both_paths(tmp_path: Path) -> None:
    """Not the first bad row "and N more": every reason with its count and its rows, a blank cell said
    as empty, the 21st row on of one reason counted; the same words from DuckDB and pandas."""
    lines = [" ,hours,1,s,", "A,hours,x,s,", "B,hours,,s,", "C,hours,inf,s,"]
    lines += [f"D{i},hours,lots,s," for i in range(25)]
    path = tmp_path / "outcomes.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    ours = _message(lambda: read_evidence(path, {"hours"}))
    assert ours == _message(lambda: read_outcomes(path, metrics={"hours"}))
    assert "\n" not in ours and "nan" not in ours
    assert ours.startswith(f"{path}: 29 rows cannot be used.")
    assert "Column customer_id, missing customer id (1 row): row 2." in ours
    number_rows = ", ".join(["3 ('x')", "4 (empty)"] + [f"{row} ('lots')" for row in range(6, 24)])
    assert (
        f"Column value, not a number (27 rows): rows {number_rows}, and 7 more rows with this problem."
        in ours
    )
    assert "Column value, infinite value (1 row): row 5." in ours


@pytest.mark.parametrize("cells", [[1.5, float("nan"), None], ["1.5", None, "  "]])
def test_a_missing_parquet_cell_is_said_as_empty_on_both_paths(tmp_path: Path, cells: list) -> None:
    frame = pd.DataFrame({"customer_id": ["A", "B", "C"], "metric": ["hours"] * 3, "value": cells})
    path = tmp_path / "outcomes.parquet"
    frame.to_parquet(path, index=False)
    ours = _message(lambda: read_evidence(path, {"hours"}))
    assert ours == _message(lambda: read_outcomes(path, metrics={"hours"}))
    assert ours.endswith(
        "Column value, not a number (2 rows): rows 3 (empty), 4 (empty). Fix them in the file and try again."
    )
