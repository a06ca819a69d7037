"""Reading, mapping and validating uploads: formats, encodings, every rejection with its row."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from valuegap import sources
from valuegap.errors import ValueGapError

DATA = Path(__file__).resolve().parents[3] / "data"
LONG = "customer_id,metric,value,segment\nA,hours,3.5,solo\nB,hours,4,firm\nC,days,2,solo\n"


def _read(text: str | bytes, name: str = "upload.csv") -> sources.RawTable:
    return sources.read_table(text.encode() if isinstance(text, str) else text, name)


def _check(raw: sources.RawTable, **kwargs) -> sources.IngestResult:  # type: ignore[no-untyped-def]
    return sources.apply_mapping(raw, sources.propose_mapping(raw), **kwargs)


def test_plain_csv_is_long_form() -> None:
    raw = _read(LONG)
    assert (raw.format, raw.encoding, raw.delimiter, raw.decimal, raw.rows) == ("csv", "utf-8", ",", ".", 3)
    result = _check(raw)
    assert result.kind == "long" and result.report.rows_kept == 3
    assert result.observations["value"].tolist() == [3.5, 4.0, 2.0]


def test_semicolons_decimal_commas_latin1_and_bom() -> None:
    text = "customer_id;metric;value;segment\nA;hours;3,5;Müller\nB;hours;1.234,5;Zoë\n"
    raw = _read(text.encode("cp1252"))
    assert (raw.delimiter, raw.decimal, raw.encoding) == (";", ",", "windows-1252")  # what it is decoded as
    result = _check(raw)
    assert result.observations["value"].tolist() == [3.5, 1234.5]
    assert list(result.observations["segment"]) == ["Müller", "Zoë"]
    assert _read(b"\xef\xbb\xbf" + LONG.encode()).encoding == "utf-8-sig"
    assert next(iter(_read(b"\xef\xbb\xbf" + LONG.encode()).frame.columns)) == "customer_id"


def test_tab_separated() -> None:
    raw = _read(LONG.replace(",", "\t"), "upload.tsv")
    assert raw.format == "tsv" and _check(raw).report.rows_kept == 3


def test_parquet_and_excel_are_recognised_by_content_not_name() -> None:
    frame = pd.read_csv(io.StringIO(LONG))
    sink = io.BytesIO()
    frame.to_parquet(sink)
    parquet = sources.read_table(sink.getvalue(), "outcomes.csv")  # misleading name on purpose
    assert parquet.format == "parquet" and _check(parquet).report.rows_kept == 3
    sink = io.BytesIO()
    frame.to_excel(sink, index=False)
    excel = sources.read_table(sink.getvalue(), "outcomes.bin")
    assert excel.format == "excel" and _check(excel).observations["value"].tolist() == [3.5, 4.0, 2.0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", r"\.xls"),
        (b"abc\x00def", "binary"),
        (b"customer_id,metric,value\n", "no rows"),
        (b"customer_id,value,value\nA,1,2\n", "'value' appears more than once"),
        (b"customer_id,,value\nA,1,2\n", "column 2 has no header"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValueGapError, match=message):
        sources.read_table(data, "upload.csv")


def test_every_rejection_has_its_row_and_reason() -> None:
    text = (
        "customer_id,metric,value,observed_at\n"
        "A,hours,1,2025-01-01\n"  # row 2 kept
        ",hours,1,2025-01-01\n"  # row 3 missing id
        "B,,1,2025-01-01\n"  # row 4 missing metric
        "C,hours,abc,2025-01-01\n"  # row 5 text
        "D,hours,inf,2025-01-01\n"  # row 6 infinite
        "E,hours,1e309,2025-01-01\n"  # row 7 overflows to infinity
        "F,hours,NaN,2025-01-01\n"  # row 8 not a number
        "A,hours,1,2025-01-01\n"  # row 9 duplicate of row 2
        "G,hours,2,31/31/2025\n"  # row 10 bad date
        "H,steps,2,2025-01-01\n"  # row 11 unknown metric
    )
    result = _check(_read(text), known_metrics={"hours"})
    rejected = result.report.rejections
    assert rejected["row"].tolist() == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert rejected["reason"].tolist() == [
        "missing customer id", "missing metric", "not a number", "infinite value", "infinite value",
        "not a number", sources.validation.DOUBLE_UPLOAD, "not a date",
        "unknown metric (no claim measures it)",
    ]  # fmt: skip
    assert (result.report.rows_read, result.report.rows_kept, result.report.rows_rejected) == (10, 1, 9)
    assert (result.report.repeats_dropped, result.report.repeats_kept) == (1, 0)
    assert result.observations["customer_id"].tolist() == ["A"]
    summary = result.report.summary().set_index("reason")["rows"].to_dict()
    assert summary["infinite value"] == 2


def test_nothing_kept_is_an_error_naming_the_reasons() -> None:
    with pytest.raises(ValueGapError, match=r"no row passed the checks.*not a number"):
        _check(_read("customer_id,metric,value\nA,m,x\nB,m,y\n"))


def test_rejections_csv_neutralises_formulas() -> None:
    result = _check(_read('customer_id,metric,value\nA,m,=cmd()\nB,m,"@SUM(1)"\nC,m,1\n'))
    text = result.report.to_csv().decode()
    assert "'=cmd()" in text and "'@SUM(1)" in text and "\r\n" in text


def test_demo_files_map_themselves() -> None:
    outcomes = sources.read_table((DATA / "outcomes/streaming-plan.csv").read_bytes(), "o.csv")
    mapping = sources.propose_mapping(outcomes)
    assert mapping.kind == "long"
    assert mapping.roles == {
        r: r for r in ("customer_id", "metric", "value", "segment", "offer", "observed_at")
    }
    customers = sources.read_table((DATA / "customers/streaming-plan.csv").read_bytes(), "c.csv")
    mapping = sources.propose_mapping(customers)
    assert mapping.kind == "customers"
    assert mapping.survey_items == ("content", "picture_quality", "value_for_money")
    result = sources.apply_mapping(customers, mapping)
    assert result.report.rows_kept == 3600 and result.customers["churned"].isin([0, 1]).all()


def test_synonyms_and_wide_form() -> None:
    raw = _read("Client ID,Tier,hours_saved,days_sooner\nA,gold,1.5,\nB,silver,,3\n")
    mapping = sources.propose_mapping(raw)
    assert mapping.kind == "wide" and mapping.roles == {"customer_id": "Client ID", "segment": "Tier"}
    assert mapping.metric_columns == ("hours_saved", "days_sooner")
    result = sources.apply_mapping(raw, mapping)
    assert result.observations[["customer_id", "metric", "value"]].values.tolist() == [
        ["A", "hours_saved", 1.5], ["B", "days_sooner", 3.0],
    ]  # fmt: skip


def test_mapping_problems_and_round_trip() -> None:
    raw = _read(LONG)
    bad = sources.Mapping("long", {"customer_id": "customer_id", "metric": "nope", "segment": "customer_id"})
    messages = [str(p) for p in sources.check_mapping(raw, bad)]
    assert any("value" in m for m in messages)
    assert any("no column 'nope'" in m for m in messages)
    assert any("two roles" in m for m in messages)
    mapping = sources.propose_mapping(raw)
    assert sources.Mapping.from_dict(mapping.to_dict()) == mapping
    assert sources.check_mapping(raw, mapping) == []


def test_shape_signature_ignores_order_and_case() -> None:
    assert sources.shape_signature(["Customer ID", "metric"]) == sources.shape_signature(
        ["metric", "customer_id"]
    )
    assert sources.shape_signature(["a", "b"]) != sources.shape_signature(["a", "c"])


def test_read_sql(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "w.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table o (customer_id text, metric text, value real)")
        conn.executemany("insert into o values (?, ?, ?)", [("A", "m", 1.0), ("B", "m", 2.5)])
    raw = sources.read_sql(f"sqlite:///{path}", "select * from o")
    assert raw.format == "sql" and _check(raw).observations["value"].tolist() == [1.0, 2.5]
    with pytest.raises(ValueGapError, match="the query failed"):
        sources.read_sql(f"sqlite:///{path}", "select * from missing")
    with pytest.raises(ValueGapError, match="no rows"):
        sources.read_sql(f"sqlite:///{path}", "select * from o where 0")
    with pytest.raises(ValueGapError) as error:
        sources.read_sql("postgresql+psycopg://u:secret@127.0.0.1:1/x", "select 1")
    assert "secret" not in str(error.value)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(["m1", "m2", "m3"]),
                  st.integers(-500, 500)),
        min_size=1, max_size=30, unique_by=lambda t: (t[0], t[1]),
    )
)  # fmt: skip
def test_wide_and_long_forms_give_the_same_observations(cells: list[tuple[str, str, int]]) -> None:
    long = pd.DataFrame(cells, columns=["customer_id", "metric", "value"])
    long["value"] = long["value"] / 10
    wide = long.pivot(index="customer_id", columns="metric", values="value").reset_index()
    wide_text = wide.to_csv(index=False)
    from_long = _check(_read(long.to_csv(index=False))).observations
    raw = _read(wide_text)
    metrics = tuple(c for c in wide.columns if c != "customer_id")
    from_wide = sources.apply_mapping(
        raw, sources.Mapping("wide", {"customer_id": "customer_id"}, metrics)
    ).observations

    def canonical(frame: pd.DataFrame) -> list[tuple[str, str, float]]:
        return sorted(
            zip(frame["customer_id"].astype(str), frame["metric"].astype(str), frame["value"], strict=True)
        )

    assert canonical(from_long) == canonical(from_wide)
    assert np.isfinite(from_wide["value"]).all()


def _as_csv(ids: list[str]) -> pd.Series:
    return _read("customer_id\n" + "\n".join(f'"{i}"' for i in ids) + "\n").frame["customer_id"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["c1", " c1", "c1 ", "c2", "\tc2", "", "  ", "é3", "é3 "]), min_size=1, max_size=25
    ),
    st.sampled_from(["csv", "categorical", "object"]),
    st.booleans(),
)
def test_ids_that_differ_only_in_surrounding_spaces_are_one_customer(ids, storage, sort) -> None:  # type: ignore[no-untyped-def]
    """Customer ids are keyed in order of first appearance (sort=False) and other columns sorted; both
    merge ids that differ only in spaces, and a blank id is blank, whether the column was read from
    CSV (Arrow text), Parquet (a categorical) or built in memory."""
    from valuegap.sources import validation

    column = {
        "csv": lambda: _as_csv(ids),
        "categorical": lambda: pd.Series(pd.Categorical(ids)),
        "object": lambda: pd.Series(ids, dtype=object),
    }[storage]()
    keys = validation._keys(column, sort=sort)
    stripped = [i.strip() for i in ids]
    labels = keys.labels[keys.codes]
    assert list(labels) == stripped
    assert len(set(keys.labels)) == len(keys.labels)  # distinct
    assert keys.blank.tolist() == [s == "" for s in stripped]
    if sort:
        assert list(keys.labels) == sorted(keys.labels)
    observed = keys.categorical(np.ones(len(ids), dtype=bool))
    assert observed.astype(str).tolist() == stripped


def test_missing_categories_are_blank_customer_ids() -> None:
    from valuegap.sources import validation

    column = pd.Series(pd.Categorical(["a", None, "a ", "b"]))
    keys = validation._keys(column, sort=False)
    assert keys.blank.tolist() == [False, True, False, False]
    assert keys.codes[0] == keys.codes[2] != keys.codes[3]


@pytest.mark.parametrize("labels", [3, 127, 128, 300, 40_000])
def test_missing_categories_are_blank_whatever_the_width_of_the_codes(labels: int) -> None:
    """Codes stay int8/int16 as the categorical has them; the blank label added for missing cells
    may not fit that width (127 labels + blank = 128 does not fit int8)."""
    from valuegap.sources import validation

    names = [f"c{i}" for i in range(labels)]
    cells = [names[0], None, names[-1], names[labels // 2], None]
    column = pd.Series(pd.Categorical(cells, categories=names))
    keys = validation._keys(column)
    assert keys.blank.tolist() == [False, True, False, False, True]
    shown = keys.labels[keys.codes].tolist()
    assert shown == [c if c is not None else "" for c in cells]


@pytest.mark.parametrize("form", ["csv", "parquet", "dates"])
def test_one_date_written_two_ways_makes_a_double_upload(form: str) -> None:
    """Repeats compare dates, not the text they were written in, whichever reader typed them."""
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B"],
            "metric": ["m"] * 4,
            "value": ["1", "1", "1", "1"],
            "observed_at": ["2025-01-02", "2025-01-02 00:00:00", "2025-01-03", "2025-01-02"],
        }
    )
    if form == "csv":
        raw = _read(frame.to_csv(index=False))
    else:
        if form == "dates":
            frame["observed_at"] = pd.to_datetime(frame["observed_at"], format="mixed")
        sink = io.BytesIO()
        frame.to_parquet(sink, index=False)
        raw = _read(sink.getvalue(), "outcomes.parquet")
    result = _check(raw)
    assert result.report.rows_rejected == 1
    assert result.report.rejections["row"].tolist() == [3]  # the second row, after the header
    assert result.report.rejections["reason"].tolist() == [sources.validation.DOUBLE_UPLOAD]


NUMBER_CELLS = ["3.5", "-2", "1e3", "+4", " 7.25", "8 ", "", "  ", "n/a", "inf", "-inf", "nan", "1,5", "0x10"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(NUMBER_CELLS), min_size=1, max_size=20))
@example(["3.5", "-2", "1e3", "+4"])  # parsed as they are
@example(["3.5", " 7.25", ""])  # trimmed first
@example(["3.5", "n/a", "inf"])  # cell by cell
def test_arrow_number_parsing_agrees_with_the_careful_parser(cells: list[str]) -> None:
    """Whichever path a value column takes (parsed as it is, trimmed first, or cell by cell; as text
    or as a categorical, as Parquet files and the command line's early read give it), the numbers and
    the masks of non-numbers and infinities are those the careful parser gives."""
    from valuegap.sources import validation

    column = _read("value\n" + "\n".join(f'"{c}"' for c in cells) + "\n").frame["value"]
    expected, expected_not_number, expected_infinite = validation._parse_numbers(
        pd.Series([c.strip() for c in cells], dtype=object), "."
    )
    for form in (column, column.astype("category")):
        values, not_number, infinite = validation._numbers(form, ".")
        np.testing.assert_array_equal(values.to_numpy(), expected)
        assert not_number.tolist() == expected_not_number.tolist()
        assert infinite.tolist() == expected_infinite.tolist()


# ----------------------------------------------------------------------------- repeated rows (METHODS 8)


def _in_form(text: str, form: str) -> sources.RawTable:
    """The CSV ``text`` as uploaded in ``form``: CSV, Parquet (all text) or an Excel workbook."""
    if form == "csv":
        return _read(text)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    sink = io.BytesIO()
    if form == "parquet":
        frame.to_parquet(sink, index=False)
    else:
        frame.to_excel(sink, index=False)
    return sources.read_table(sink.getvalue(), f"outcomes.{form}")


def _means(result: sources.IngestResult) -> dict[str, float]:
    rows = result.observations
    return rows.groupby("customer_id", observed=True)["value"].mean().to_dict()


@pytest.mark.parametrize("form", ["csv", "parquet", "xlsx"])
def test_repeats_without_observed_at_are_kept_as_repeated_measurements(form: str) -> None:
    # A measured 2, 2 and 8: its mean is (2 + 2 + 8) / 3 = 4; dropping the repeated 2 would make it 5
    text = "customer_id,metric,value\nA,hours,2\nA,hours,2\nA,hours,8\nB,hours,4\nB,hours,4\nB,hours,4\n"
    result = _check(_in_form(text, form))
    report = result.report
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (6, 6, 0)
    assert (report.repeats_kept, report.repeats_dropped) == (3, 0)
    assert report.rejections.empty
    assert _means(result) == {"A": 4.0, "B": 4.0}
    assert report.notes == (
        "3 rows repeat an earlier row exactly; kept as repeated measurements because the file has no "
        "observed_at column.",
    )


@pytest.mark.parametrize("form", ["csv", "parquet", "xlsx"])
def test_repeats_with_observed_at_are_dropped_as_double_uploads(form: str) -> None:
    # A's 2 of January 1st is uploaded twice: A keeps 2, 2 (January 2nd) and 8, mean 4 (3.5 with it)
    text = (
        "customer_id,metric,value,observed_at\nA,hours,2,2025-01-01\nA,hours,2,2025-01-01\n"
        "A,hours,2,2025-01-02\nA,hours,8,2025-01-03\nB,hours,4,2025-01-01\n"
    )
    result = _check(_in_form(text, form))
    report = result.report
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (5, 4, 1)
    assert (report.repeats_kept, report.repeats_dropped) == (0, 1)
    assert report.rejections[["row", "reason"]].values.tolist() == [[3, sources.validation.DOUBLE_UPLOAD]]
    assert _means(result) == {"A": 4.0, "B": 4.0}
    assert report.notes == (
        "1 row repeats an earlier row exactly; dropped as double uploads: same customer, metric, value "
        "and observed_at.",
    )


def test_rows_with_a_blank_observed_at_carry_none_and_their_repeats_are_kept() -> None:
    text = (
        "customer_id,metric,value,observed_at\n"
        "A,hours,2,\nA,hours,2,\nA,hours,8,2025-01-01\nA,hours,8,2025-01-01\nA,hours,8,2025-01-01\n"
        "B,hours,4,\nB,hours,4,2025-01-01\n"  # B's rows differ in their date: no repeat
    )
    result = _check(_read(text))
    report = result.report
    assert (report.repeats_kept, report.repeats_dropped, report.rows_kept) == (1, 2, 5)
    assert report.rejections["row"].tolist() == [5, 6]
    assert _means(result) == {"A": 4.0, "B": 4.0}  # A keeps 2, 2, 8
    assert report.notes == (
        "1 row repeats an earlier row exactly; kept as repeated measurements because its observed_at is "
        "blank.",
        "2 rows repeat an earlier row exactly; dropped as double uploads: same customer, metric, value "
        "and observed_at.",
    )


def test_a_row_is_a_repeat_only_when_segment_and_offer_match_too() -> None:
    text = "customer_id,metric,value,segment,offer\nA,m,1,x,ours\nA,m,1,y,ours\nA,m,1,x,rival\nA,m,1,x,ours\n"
    report = _check(_read(text)).report
    assert (report.repeats_kept, report.repeats_dropped, report.rows_kept) == (1, 0, 4)


def test_a_rejected_row_is_not_counted_again_as_a_repeat() -> None:
    text = "customer_id,metric,value\nA,m,x\nA,m,x\nA,m,1\n"  # rows 2 and 3: not a number, both
    report = _check(_read(text)).report
    assert report.rows_rejected == 2 and report.repeats_kept == 0 and report.notes == ()


def test_wide_form_counts_repeated_measurements() -> None:
    """A repeated file row in wide form repeats one measurement per metric column."""
    raw = _read("customer_id,hours,days\nA,1,2\nA,1,2\nB,3,\n")
    mapping = sources.Mapping("wide", {"customer_id": "customer_id"}, metric_columns=("hours", "days"))
    report = sources.apply_mapping(raw, mapping).report
    assert (report.repeats_kept, report.rows_kept) == (2, 5)
    assert report.notes == (
        "2 measurements repeat an earlier measurement exactly; kept as repeated measurements because the "
        "file has no observed_at column.",
    )


def test_no_repeats_no_notes() -> None:
    report = _check(_read(LONG)).report
    assert (report.repeats_kept, report.repeats_dropped, report.notes) == (0, 0, ())


# ----------------------------------------------------------------------------- encodings (issue 20)

MIXED = (
    "customer_id,metric,value,segment\nA,hours,3.5,café\nB,hours,4,café\n".encode() + b"C,days,2,caf\xe9\n"
)


def test_a_utf8_file_with_a_latin1_row_is_refused_naming_the_row() -> None:
    """It used to be read whole as Windows-1252: the UTF-8 rows became 'cafÃ©', a segment apart."""
    from valuegap.sources.delimited import MixedEncoding

    with pytest.raises(MixedEncoding) as info:
        _read(MIXED, "mixed.csv")
    assert info.value.rows == [4]  # the header is row 1, as the validation report counts
    assert info.value.message.startswith("mixed.csv: row 4 is not UTF-8 (e.g. the byte 0xE9, which ")
    assert "Windows-1252 (Western European)" in info.value.message and "\n" not in info.value.message


def test_every_row_that_is_not_utf8_is_named_past_the_first_sample() -> None:
    from valuegap.sources.delimited import SAMPLE_BYTES, MixedEncoding

    good = "A,hours,3,café\n" * (SAMPLE_BYTES // 15 + 10)  # the bad rows lie beyond the sniffed sample
    head = "customer_id,metric,value,segment\n" + good
    data = head.encode() + b"B,hours,4,Z\xfcrich\n" + b"C,hours,5,ok\n" + b"D,hours,6,\xe9t\xe9\n"
    first = head.count("\n") + 1
    with pytest.raises(MixedEncoding) as info:
        _read(data, "late.csv")
    assert info.value.rows == [first, first + 2]
    assert f"rows {first} and {first + 2} are not UTF-8" in info.value.message


def test_the_user_chooses_utf8_with_replacement_or_windows_1252() -> None:
    as_utf8 = sources.read_table(MIXED, "mixed.csv", encoding="utf-8")
    assert list(as_utf8.frame["segment"]) == ["café", "café", "caf\N{REPLACEMENT CHARACTER}"]
    assert as_utf8.encoding == "utf-8, 1 bad bytes replaced"
    as_1252 = sources.read_table(MIXED, "mixed.csv", encoding="cp1252")
    assert list(as_1252.frame["segment"]) == ["cafÃ©", "cafÃ©", "café"]
    assert as_1252.encoding == "windows-1252"
    with pytest.raises(ValueError, match="encoding"):
        sources.read_table(MIXED, "mixed.csv", encoding="latin-9")


def test_a_file_with_no_utf8_at_all_is_windows_1252_and_a_bom_is_utf8_whatever_follows() -> None:
    from valuegap.sources.delimited import MixedEncoding

    plain = "customer_id,metric,value,segment\nA,hours,3,Zürich\nB,hours,4,Zürich\n"
    raw = _read(plain.encode("cp1252"))
    assert raw.encoding == "windows-1252" and list(raw.frame["segment"]) == ["Zürich", "Zürich"]
    with pytest.raises(MixedEncoding) as info:  # a byte-order mark says UTF-8: the rest must be
        _read(b"\xef\xbb\xbf" + plain.encode("cp1252"))
    assert info.value.rows == [2, 3]


def test_a_mixed_file_is_said_the_same_through_the_cli(tmp_path: Path) -> None:
    from valuegap.sources.delimited import MixedEncoding
    from valuegap.sources.outcomes import read_outcomes

    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    with pytest.raises(MixedEncoding, match="row 4 is not UTF-8"):
        read_outcomes(path)
    chosen = read_outcomes(path, encoding="cp1252")
    assert sorted(set(chosen.observations["segment"].astype(str))) == ["cafÃ©", "café"]


# ----------------------------------------------------------------------------- long headers (issue 20)


@pytest.mark.parametrize("columns", [5_000, 20_000])
def test_a_header_longer_than_the_sample_is_read_whole(columns: int) -> None:
    """A 5,000-column file was refused with 'Expected 2622 columns, got 5000': its header was parsed
    from a 64 KB sample."""
    names = [f"survey_item_{i:05d}" for i in range(columns)]
    text = ",".join(names) + "\n" + ",".join(str(i % 7) for i in range(columns)) + "\n"
    assert len(text.split("\n")[0]) > 64 * 1024
    raw = _read(text, "wide.csv")
    assert list(raw.frame.columns) == names and raw.rows == 1
    assert raw.frame.iloc[0, -1] == str((columns - 1) % 7)


def test_a_long_quoted_header_cell_with_a_line_break_is_read_whole() -> None:
    long_name = "note " + "x" * 70_000 + "\nend"
    text = f'customer_id,"{long_name}"\nA,1\n'
    raw = _read(text, "quoted.csv")
    assert list(raw.frame.columns) == ["customer_id", long_name]


def test_a_first_row_that_never_ends_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from valuegap.sources import delimited

    monkeypatch.setattr(delimited, "MAX_HEADER_BYTES", 1 << 18)
    data = ("a," * 200_000 + "b\n1\n").encode()
    with pytest.raises(ValueGapError, match=r"the first row \(the header\) is longer than"):
        _read(data, "endless.csv")


def test_the_cli_exits_2_naming_the_row_unless_an_encoding_is_given(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from valuegap import cli

    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    proposition = next((Path(__file__).resolve().parents[3] / "data" / "propositions").glob("*.yaml"))
    assert cli.main(["analyze", str(proposition), str(path), "--format", "csv"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith(f"valuegap: {path}: row 4 is not UTF-8")
    assert "--encoding utf-8" in error and "--encoding cp1252" in error
    for choice in ("utf-8", "cp1252"):
        assert (
            cli.main(["analyze", str(proposition), str(path), "--format", "csv", "--encoding", choice]) == 0
        )
        assert capsys.readouterr().out.startswith("id,form,metric")


def test_mapping_problems_name_each_role_in_words() -> None:
    """The app shows a mapping's problems with the roles as the mapping step labels them, not role keys."""
    raw = _read(LONG)
    bad = sources.Mapping("long", {"metric": "nope", "segment": "value", "offer": "value"})
    shown = [p.in_words for p in sources.check_mapping(raw, bad)]
    assert "Customer ID: choose the column that holds the Customer ID" in shown
    assert "Value: choose the column that holds the value" in shown
    assert "Metric: the file has no column 'nope'" in shown
    assert (
        "Column 'value': this column is given two roles (Segment, Offer); give each column one role" in shown
    )
    assert not any("_" in message for message in shown)
    wide = [
        p.in_words
        for p in sources.check_mapping(raw, sources.Mapping("wide", {"customer_id": "customer_id"}))
    ]
    assert wide == ["Metric columns: choose at least one column that holds a metric"]
