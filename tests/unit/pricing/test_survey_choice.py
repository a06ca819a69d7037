"""Which stored survey a price-research method reads ("newest survey wins"), and the Van Westendorp
points as a table. No Streamlit, no store: the datasets are plain records."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from valuegap.pricing.research import VW_COLUMNS, newest_surveys, van_westendorp

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Survey:
    id: int
    created_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


def _survey(id_: int, method: str | None, days: int) -> Survey:
    return Survey(id_, T0 + timedelta(days=days), {} if method is None else {"method": method})


def test_the_newest_survey_of_each_method_wins_whatever_the_order_they_come_in():
    old_vw, new_vw = _survey(1, "van_westendorp", 0), _survey(4, "van_westendorp", 5)
    gg, transactions = _survey(2, "gabor_granger", 1), _survey(3, "transactions", 2)
    blank = _survey(5, None, 9)  # a dataset without a method is nobody's survey
    for order in itertools.permutations([old_vw, new_vw, gg, transactions, blank]):
        assert newest_surveys(order) == {
            "van_westendorp": new_vw, "gabor_granger": gg, "transactions": transactions
        }  # fmt: skip


def test_two_surveys_uploaded_in_the_same_instant_go_to_the_later_one():
    first, second = _survey(7, "gabor_granger", 3), _survey(8, "gabor_granger", 3)
    assert newest_surveys([first, second])["gabor_granger"] is second
    assert newest_surveys([second, first])["gabor_granger"] is second
    assert newest_surveys([]) == {}


def test_the_points_table_names_every_point_and_marks_the_unidentified_ones():
    # the survey of test_research's "answers of zero": OPP and PME (common) are not identified
    rows = [(0, 5, 10, 20), (0, 10, 15, 20), (5, 10, 20, 30)]
    vw = van_westendorp(pd.DataFrame(rows, columns=list(VW_COLUMNS)), bootstrap=0)
    table = vw.points_frame()
    assert list(table.columns) == ["point", "price", "note"]  # no intervals without a bootstrap
    assert table.to_dict("records") == [
        {"point": "Optimal price point (OPP)", "price": 10, "note": "not identified by the data"},
        {"point": "Indifference price point (IDP)", "price": 15, "note": ""},
        {"point": "Lowest acceptable, original (PMC)", "price": 10, "note": ""},
        {"point": "Highest acceptable, original (PME)", "price": 20, "note": ""},
        {"point": "Lowest acceptable, common (PMC)", "price": 10, "note": ""},
        {"point": "Highest acceptable, common (PME)", "price": 15, "note": "not identified by the data"},
    ]


def test_a_small_bootstrapped_survey_gets_its_intervals_in_the_table():
    rows = [(10 + i % 7, 20 + i % 5, 30 + i % 9, 45 + i % 11) for i in range(40)]
    vw = van_westendorp(pd.DataFrame(rows, columns=list(VW_COLUMNS)))
    assert vw.intervals  # fewer than 200 respondents: bootstrapped
    table = vw.points_frame().set_index("point")
    opp = table.loc["Optimal price point (OPP)"]
    assert (opp["95% low"], opp["95% high"]) == vw.intervals["opp"]
    assert (table["95% low"] <= table["price"]).all() and (table["price"] <= table["95% high"]).all()
