"""Table downloads: what a spreadsheet would run as a formula is neutralised, numbers are not."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegap.market import offer_files
from valuegap.market.competition import parse_offers
from valuegap.reporting import exports

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\ry", '=HYPERLINK("http://x","y")']


def test_formula_like_text_gets_an_apostrophe_and_numbers_stay_numbers():
    frame = pd.DataFrame({"text": [*RISKY, "plain", "3-2"], "n": [-1.5] * (len(RISKY) + 2)})
    safe = exports.neutralised(frame)
    assert list(safe["text"]) == [f"'{v}" for v in RISKY] + ["plain", "3-2"]
    assert safe["n"].tolist() == [-1.5] * (len(RISKY) + 2)
    assert exports.neutralised(pd.DataFrame({"=bad": [1]})).columns.tolist() == ["'=bad"]
    assert frame["text"].iloc[0] == "=1+1"  # the caller's frame is untouched


def test_csv_and_excel_downloads_hold_no_formula():
    from openpyxl import load_workbook

    frame = pd.DataFrame({"claim": RISKY, "value": range(len(RISKY))})
    import csv

    rows = list(csv.reader(io.StringIO(exports.to_csv(frame).decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [f"'{v}" for v in RISKY]
    book = load_workbook(io.BytesIO(exports.to_excel(frame, "claims: [x]")))
    sheet = book.active
    assert sheet.title == "claims_ _x_"
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == list(range(len(RISKY)))


@given(st.text(max_size=30))
def test_restore_undoes_neutralising(text: str):
    assert exports.restore(exports.safe_text(text)) == text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_market_with_formula_like_names_comes_back_the_same(kind: str):
    market = parse_offers(
        {
            "attributes": {"=speed": 60, "support": 40},
            "offers": [
                {"name": "+Us", "price": 10, "ours": True, "scores": {"=speed": 5, "support": 4}},
                {"name": "@Them", "price": 12, "scores": {"=speed": 6, "support": 3}},
            ],
        }
    )
    data = offer_files.to_csv(market) if kind == "csv" else offer_files.to_excel(market)
    assert b"=speed" in data or kind == "xlsx"
    assert offer_files.loads(data, f"market.{kind}") == market


# ----------------------------------------------------------------------------- time zones (issue 20)


def test_zoned_times_go_to_excel_in_utc_and_the_header_says_so():
    """The Overview's Excel download never worked: 'Excel does not support datetimes with timezones'."""
    from datetime import datetime, timedelta, timezone

    from openpyxl import load_workbook

    berlin = pd.to_datetime(["2026-01-02 03:04", "2026-07-06 07:08"]).tz_localize("Europe/Berlin")
    plus_two = timezone(timedelta(hours=2))
    frame = pd.DataFrame(
        {"Name": ["a", "b"], "Updated": berlin, "Seen": [datetime(2026, 1, 1, 12, tzinfo=plus_two), "never"]}
    )
    sheet = load_workbook(io.BytesIO(exports.to_excel(frame, "propositions"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Updated (UTC)", "Seen")
    # UTC written out by hand: Berlin is UTC+1 in January and UTC+2 in July
    assert rows[1] == ("a", datetime(2026, 1, 2, 2, 4), datetime(2026, 1, 1, 10, 0))
    assert rows[2] == ("b", datetime(2026, 7, 6, 5, 8), "never")
    assert isinstance(frame["Updated"].dtype, pd.DatetimeTZDtype)  # the caller's frame is untouched


def test_the_overview_table_downloads_as_excel(store, editor):
    from openpyxl import load_workbook

    from tests.conftest import sample
    from valuegap.workspace.overview import overview_frame

    store.create(sample(), editor)
    frame = overview_frame(store.list_propositions())
    assert isinstance(frame["Updated"].dtype, pd.DatetimeTZDtype)
    sheet = load_workbook(io.BytesIO(exports.to_excel(frame, "propositions"))).active
    header = [cell.value for cell in sheet[1]]
    updated = sheet.cell(row=2, column=header.index("Updated (UTC)") + 1).value
    stored = frame["Updated"].iloc[0].tz_convert("UTC").tz_localize(None).to_pydatetime()
    assert abs(updated - stored).total_seconds() < 0.001  # Excel keeps milliseconds
