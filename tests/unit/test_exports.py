"""Table downloads: what a spreadsheet would run as a formula is neutralised, numbers are not."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegap import exports, offerfile
from valuegap.competition import parse_offers

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
    data = offerfile.to_csv(market) if kind == "csv" else offerfile.to_excel(market)
    assert b"=speed" in data or kind == "xlsx"
    assert offerfile.loads(data, f"market.{kind}") == market
