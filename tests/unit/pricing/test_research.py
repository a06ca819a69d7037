"""Price research (METHODS.md section 7) against surveys worked by hand, closed forms and statsmodels-free
references; the charts' specs; and the ``price-research`` command line."""

from __future__ import annotations

import io
import json
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from valuegap.cli import main
from valuegap.errors import ValueGapError
from valuegap.evidence.charts import MAX_MARKS
from valuegap.pricing.charts import (
    gabor_granger_caption,
    gabor_granger_chart,
    price_band_chart,
    van_westendorp_caption,
    van_westendorp_chart,
    van_westendorp_frame,
    van_westendorp_points,
)
from valuegap.pricing.research import (
    INCOMPLETE,
    INCONSISTENT,
    POINTS,
    RESAMPLES,
    SMALL_SAMPLE,
    VW_COLUMNS,
    InvalidAnswers,
    elasticity,
    gabor_granger,
    price_ranges,
    read_survey,
    survey_frame,
    van_westendorp,
    van_westendorp_answers,
)
from valuegap.sources import read_table

ROOT = Path(__file__).resolve().parents[3]
SURVEYS = ROOT / "data" / "surveys"


def survey(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(VW_COLUMNS))


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


# ----------------------------------------------------------------------------- the reference
# METHODS.md section 7 written out a second way: exact fractions, one respondent at a time, one grid
# price at a time, with no sorting, searching or counting tricks; blanks are None.

FALLING_RISING = {
    "opp": ("TC", "TE"),
    "idp": ("C", "E"),
    "pmc_original": ("TC", "1-C"),
    "pme_original": ("1-E", "TE"),
    "pmc_common": ("TC", "E"),
    "pme_common": ("C", "TE"),
}


def reference(rows: list) -> dict:
    """Points, unidentified points, curves and the two dropped counts, straight from the definitions."""
    complete = [
        r for r in rows if all(x is not None and not (isinstance(x, float) and np.isnan(x)) for x in r)
    ]
    kept = [r for r in complete if r[0] < r[1] and r[1] < r[2] and r[2] < r[3]]
    n = len(kept)
    grid = sorted({x for r in kept for x in r})

    def share(test) -> list[Fraction]:
        return [Fraction(sum(1 for r in kept if test(r, p)), n) for p in grid]

    curves = {
        "TC": share(lambda r, p: r[0] >= p),
        "C": share(lambda r, p: r[1] >= p),
        "E": share(lambda r, p: r[2] <= p),
        "TE": share(lambda r, p: r[3] <= p),
    }
    curves["1-C"] = [1 - x for x in curves["C"]]
    curves["1-E"] = [1 - x for x in curves["E"]]
    points, unidentified = {}, set()
    for name, (f, g) in FALLING_RISING.items():
        for k, p in enumerate(grid):
            if curves[g][k] >= curves[f][k]:
                points[name] = p
                if curves[g][k] == curves[f][k] and curves[f][k] in (0, 1):
                    unidentified.add(name)
                break
        else:
            points[name] = None
    return {
        "points": points,
        "unidentified": unidentified,
        "grid": grid,
        "curves": curves,
        "dropped_incomplete": len(rows) - len(complete),
        "dropped_inconsistent": len(complete) - n,
    }


def check_against_reference(rows: list, vw) -> None:
    ref = reference(rows)
    assert vw.points == ref["points"]
    assert set(vw.unidentified) == ref["unidentified"]
    assert (vw.dropped_incomplete, vw.dropped_inconsistent) == (
        ref["dropped_incomplete"],
        ref["dropped_inconsistent"],
    )
    assert vw.dropped == vw.dropped_incomplete + vw.dropped_inconsistent
    assert vw.n == len(rows) - vw.dropped
    assert list(vw.curves["price"]) == ref["grid"]
    for ours, theirs in (("too_cheap", "TC"), ("cheap", "C"), ("expensive", "E"), ("too_expensive", "TE"),
                         ("not_cheap", "1-C"), ("not_expensive", "1-E")):  # fmt: skip
        assert list(vw.curves[ours]) == pytest.approx([float(x) for x in ref["curves"][theirs]], abs=1e-15)


# ----------------------------------------------------------------------------- worked by hand


# Survey A: four consistent respondents (ties: too_cheap 10 twice, expensive 40 twice), each kind of
# inconsistency interleaved and one blank answer (file rows: header 1, then 2..10).
KEPT = [(10, 20, 30, 40), (15, 25, 35, 50), (10, 20, 40, 60), (20, 30, 40, 50)]
SURVEY_A = survey(
    KEPT[0],
    (30, 20, 40, 50),  # row 3: too cheap above cheap
    KEPT[1],
    (10, 45, 35, 50),  # row 5: cheap above expensive (45 is answered by nobody kept)
    KEPT[2],
    (10, 20, 60, 50),  # row 7: expensive above too expensive
    KEPT[3],
    (10, 25, 25, 50),  # row 9: cheap equal to expensive (the order must be strict)
    (12, None, 8, 70),  # row 10: blank cheap (incomplete, although 12 > 8 too; 70 and 12 are not on the grid)
)


def test_curves_of_a_small_survey_match_the_hand_computation():
    vw = van_westendorp(SURVEY_A, bootstrap=0)
    assert (vw.n, vw.dropped, vw.dropped_incomplete, vw.dropped_inconsistent) == (4, 5, 1, 4)
    curves = vw.curves.set_index("price")
    # prices answered by the kept respondents only (45, 12, 8 and 70 belong to dropped ones)
    assert list(curves.index) == [10, 15, 20, 25, 30, 35, 40, 50, 60]
    # TC(p) = share of too_cheap {10, 15, 10, 20} that are >= p
    assert list(curves["too_cheap"]) == [4 / 4, 2 / 4, 1 / 4, 0, 0, 0, 0, 0, 0]
    # C(p) = share of cheap {20, 25, 20, 30} >= p
    assert list(curves["cheap"]) == [1, 1, 1, 2 / 4, 1 / 4, 0, 0, 0, 0]
    # E(p) = share of expensive {30, 35, 40, 40} <= p
    assert list(curves["expensive"]) == [0, 0, 0, 0, 1 / 4, 2 / 4, 1, 1, 1]
    # TE(p) = share of too_expensive {40, 50, 60, 50} <= p
    assert list(curves["too_expensive"]) == [0, 0, 0, 0, 0, 0, 1 / 4, 3 / 4, 1]
    assert list(curves["not_cheap"]) == [0, 0, 0, 2 / 4, 3 / 4, 1, 1, 1, 1]
    assert list(curves["not_expensive"]) == [1, 1, 1, 1, 3 / 4, 2 / 4, 0, 0, 0]


def test_points_of_a_small_survey_match_the_hand_computation():
    vw = van_westendorp(SURVEY_A, bootstrap=0)
    # OPP: first p with TE >= TC: 10 (0 < 1), 15 (0 < .5), 20 (0 < .25), 25 (0 >= 0) -> 25
    # IDP: first p with E >= C: ..., 25 (0 < .5), 30 (.25 >= .25) -> 30
    # PMC original: not cheap >= TC: 20 (0 < .25), 25 (.5 >= 0) -> 25
    # PME original: TE >= not expensive: 35 (0 < .5), 40 (.25 >= 0) -> 40
    # PMC common: E >= TC: 20 (0 < .25), 25 (0 >= 0) -> 25
    # PME common: TE >= C: 30 (0 < .25), 35 (0 >= 0) -> 35
    assert vw.points == {
        "opp": 25,
        "idp": 30,
        "pmc_original": 25,
        "pme_original": 40,
        "pmc_common": 25,
        "pme_common": 35,
    }
    assert vw.summary() == {"n": 4, "dropped": 5, "dropped_incomplete": 1, "dropped_inconsistent": 4,
                            **vw.points}  # fmt: skip
    # OPP: TC and TE are both 0 at 25, 30 and 35 (TE leaves 0 at 40): any price there is "the" crossing.
    # PMC common: TC = E = 0 at 25 only (E is .25 at 30); PME common: C = TE = 0 at 35 only.
    # IDP meets at .25, PMC and PME original cross with a jump: identified.
    assert vw.unidentified == {
        "opp": "OPP is not identified by the data: the too cheap and too expensive curves are both 0% at "
        "every answered price from 25 to 35, so no single price is where they meet; the rule shows the "
        "lowest, 25.",
        "pmc_common": "PMC (common range) is not identified by the data: the too cheap and expensive curves "
        "are both 0% at 25, so no single price is where they meet; the rule shows the lowest, 25.",
        "pme_common": "PME (common range) is not identified by the data: the cheap and too expensive curves "
        "are both 0% at 35, so no single price is where they meet; the rule shows the lowest, 35.",
    }
    assert vw.notes == tuple(vw.unidentified.values())
    check_against_reference(list(SURVEY_A.itertuples(index=False)), vw)


def test_answers_of_zero_are_answers_on_the_grid():
    # "nothing is too cheap" (0) from two of three respondents
    vw = van_westendorp(survey((0, 5, 10, 20), (0, 10, 15, 20), (5, 10, 20, 30)), bootstrap=0)
    assert (vw.n, vw.dropped) == (3, 0)
    curves = vw.curves.set_index("price")
    assert list(curves.index) == [0, 5, 10, 15, 20, 30]
    assert list(curves["too_cheap"]) == pytest.approx([1, 1 / 3, 0, 0, 0, 0])  # too_cheap {0, 0, 5} >= p
    assert list(curves["cheap"]) == pytest.approx([1, 1, 2 / 3, 0, 0, 0])  # cheap {5, 10, 10} >= p
    assert list(curves["expensive"]) == pytest.approx([0, 0, 1 / 3, 2 / 3, 1, 1])  # {10, 15, 20} <= p
    assert list(curves["too_expensive"]) == pytest.approx([0, 0, 0, 0, 2 / 3, 1])  # {20, 20, 30} <= p
    # OPP: TE >= TC at 0 (0 < 1), 5 (0 < 1/3), 10 (0 >= 0) -> 10; both 0 at 10 and 15: not identified
    # IDP: E >= C at 10 (1/3 < 2/3), 15 (2/3 >= 0) -> 15
    # PMC original: 1 - C = {0, 0, 1/3, ...} >= TC at 10 -> 10 (a jump)
    # PME original: TE >= 1 - E = {1, 1, 2/3, 1/3, 0, 0} at 15 (0 < 1/3), 20 (2/3 >= 0) -> 20
    # PMC common: E >= TC at 10 (1/3 >= 0) -> 10; PME common: TE >= C at 15 (0 >= 0) -> 15, both 0 there
    assert vw.points == {"opp": 10, "idp": 15, "pmc_original": 10, "pme_original": 20, "pmc_common": 10,
                         "pme_common": 15}  # fmt: skip
    assert set(vw.unidentified) == {"opp", "pme_common"}
    assert "both 0% at every answered price from 10 to 15" in vw.unidentified["opp"]
    assert "both 0% at 15," in vw.unidentified["pme_common"]


def test_zero_can_be_every_too_cheap_answer_and_a_point():
    # everyone says nothing is too cheap: TC = 1 at 0 and 0 above, so the points can sit at low prices
    rows = [(0, 1, 4, 6), (0, 2, 3, 5), (0, 1, 3, 4)]
    vw = van_westendorp(survey(*rows), bootstrap=0)
    check_against_reference(rows, vw)
    assert vw.curves["price"].iloc[0] == 0 and vw.curves["too_cheap"].tolist()[:2] == [1, 0]


def test_each_kind_of_dropped_respondent_is_listed_with_its_row_kind_and_reason():
    vw = van_westendorp(SURVEY_A, bootstrap=0)
    rows = vw.dropped_rows
    assert list(rows.columns) == ["row", *VW_COLUMNS, "kind", "reason"]
    assert list(rows["row"]) == [3, 5, 7, 9, 10]
    assert list(rows["kind"]) == [INCONSISTENT] * 4 + [INCOMPLETE]
    assert list(rows["reason"]) == [
        "too cheap (30) is not below cheap (20)",
        "cheap (45) is not below expensive (35)",
        "expensive (60) is not below too expensive (50)",
        "cheap (25) is not below expensive (25)",
        "no answer for cheap",
    ]
    assert rows.iloc[1][list(VW_COLUMNS)].tolist() == [10, 45, 35, 50]
    assert list(vw.rows_of(INCOMPLETE)["row"]) == [10] and list(vw.rows_of(INCONSISTENT)["row"]) == [
        3,
        5,
        7,
        9,
    ]
    assert vw.left_out == (
        "1 respondent left out for a blank answer (row 10).",
        "4 respondents left out for answers not in the order too_cheap < cheap < expensive < too_expensive "
        "(rows 3, 5, 7, 9).",
    )
    json.dumps(vw.to_dict(), allow_nan=False)  # the blank is None, not NaN
    assert vw.to_dict()["dropped_rows"][4]["cheap"] is None


def test_blank_answers_are_incomplete_wherever_they_are_and_runs_of_rows_are_joined():
    frame = survey((1, 2, 3, 4), (None, 2, 3, 4), (1, None, None, 4), (1, 2, 3, None), (2, 3, 4, 5),
                   (None, None, None, None), (9, 8, 7, 6))  # fmt: skip
    vw = van_westendorp(frame, bootstrap=0)
    assert (vw.n, vw.dropped_incomplete, vw.dropped_inconsistent) == (2, 4, 1)
    assert list(vw.rows_of(INCOMPLETE)["reason"]) == [
        "no answer for too cheap",
        "no answer for cheap, expensive",
        "no answer for too expensive",
        "no answer for too cheap, cheap, expensive, too expensive",
    ]
    assert vw.left_out[0] == "4 respondents left out for a blank answer (rows 3-5, 7)."
    check_against_reference(list(frame.itertuples(index=False)), vw)


def test_swapped_too_answers_name_both_pairs():
    vw = van_westendorp(survey(*KEPT[:2], (76, 28, 49, 15)), bootstrap=0)
    assert vw.dropped_rows["reason"].iloc[0] == (
        "too cheap (76) is not below cheap (28); expensive (49) is not below too expensive (15)"
    )


def test_curves_equal_over_several_prices_give_the_lowest_of_them():
    # two respondents far apart: TC = {1, .5, .5, .5, .5, 0, 0, 0} and TE = {0, 0, 0, .5, .5, .5, .5, 1}
    # over prices 5, 10, 15, 20, 30, 35, 40, 45: TE >= TC first at 20 (and again at 30, 35, ...)
    vw = van_westendorp(survey((5, 10, 15, 20), (30, 35, 40, 45)), bootstrap=0)
    assert list(vw.curves["price"]) == [5, 10, 15, 20, 30, 35, 40, 45]
    assert list(vw.curves["too_cheap"]) == [1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0]
    assert list(vw.curves["too_expensive"]) == [0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1]
    # C = {1, 1, .5, .5, .5, .5, 0, 0}, E = {0, 0, .5, .5, .5, .5, 1, 1}: equal from 15 to 35
    assert vw.points == {
        "opp": 20,
        "idp": 15,
        "pmc_original": 15,  # not cheap {0, 0, .5, ...} reaches TC .5 at 15
        "pme_original": 20,  # TE .5 reaches not expensive .5 at 20
        "pmc_common": 15,  # E .5 reaches TC .5 at 15
        "pme_common": 20,  # TE .5 reaches C .5 at 20
    }
    assert vw.unidentified == {}  # equal at 50%, not at 0 or 1: the lowest price is the point


def test_curves_equal_at_zero_over_a_stretch_warn_but_still_give_the_lowest_price():
    # too cheap answers end at 2, too expensive answers start at 9: TC = TE = 0 at 3, 4, 5, 6, 8
    rows = [(1, 3, 6, 9), (2, 4, 8, 10), (1, 5, 6, 12)]
    vw = van_westendorp(survey(*rows), bootstrap=0)
    assert vw.opp == 3
    assert (
        "too cheap and too expensive curves are both 0% at every answered price from 3 to 8"
        in (vw.unidentified["opp"])
    )
    check_against_reference(rows, vw)


def test_the_order_of_respondents_does_not_matter():
    frame = SURVEY_A.iloc[::-1]
    vw, again = van_westendorp(SURVEY_A, bootstrap=0), van_westendorp(frame, bootstrap=0)
    assert again.points == vw.points and again.unidentified == vw.unidentified
    pd.testing.assert_frame_equal(again.curves, vw.curves)


answer_st = st.one_of(st.integers(0, 12).map(lambda x: 5.0 * x), st.none())


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(answer_st, answer_st, answer_st, answer_st), min_size=2, max_size=30),
       sort=st.lists(st.booleans(), min_size=30, max_size=30))  # fmt: skip
def test_points_warnings_and_counts_match_the_reference(rows, sort):
    # many rows sorted into order (kept unless tied), the rest as drawn: zeros, ties, blanks, disorder
    rows = [tuple(sorted(r)) if flag and None not in r else r for r, flag in zip(rows, sort, strict=False)]
    ref = reference(rows)
    frame = survey(*rows)
    if len(rows) - ref["dropped_incomplete"] - ref["dropped_inconsistent"] < 2:
        with pytest.raises(ValueGapError, match="answered too_cheap < cheap < expensive < too_expensive"):
            van_westendorp(frame, bootstrap=0)
        return
    check_against_reference(rows, van_westendorp(frame, bootstrap=0))


def test_equal_at_one_never_happens_to_consistent_respondents():
    # each pair's falling and rising curves are both 100% only if some answer of one question is above
    # another's (e.g. TC = TE = 1 needs every too_cheap >= p >= every too_expensive); checked exhaustively
    # on every survey of two respondents over answers 0..4
    import itertools

    ordered = [r for r in itertools.product(range(5), repeat=4) if r[0] < r[1] < r[2] < r[3]]
    for a, b in itertools.product(ordered, repeat=2):
        ref = reference([a, b])
        for name in ref["unidentified"]:
            f, g = FALLING_RISING[name]
            k = ref["grid"].index(ref["points"][name])
            assert ref["curves"][f][k] == 0 == ref["curves"][g][k]
        assert set(van_westendorp(survey(a, b), bootstrap=0).unidentified) == ref["unidentified"]


def consistent_survey(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tc = rng.integers(2, 8, n) * 5
    steps = rng.integers(1, 5, (n, 3)) * 5
    return survey(*np.column_stack([tc, tc[:, None] + steps.cumsum(axis=1)]).astype(float))


def test_bootstrap_intervals_hold_the_estimate_and_are_reproducible():
    frame = consistent_survey(80, 1)
    vw = van_westendorp(frame)  # n < SMALL_SAMPLE: bootstrapped by default
    assert vw.resamples == RESAMPLES and set(vw.intervals) == set(POINTS)
    for name, (low, high) in vw.intervals.items():
        assert low <= vw.points[name] <= high, name
    assert van_westendorp(frame).intervals == vw.intervals
    other = van_westendorp(frame, seed=7)
    assert all(low <= other.points[name] <= high for name, (low, high) in other.intervals.items())
    assert van_westendorp(frame, bootstrap=0).intervals == {}


def test_bootstrap_equals_the_reference_on_every_resample():
    frame, resamples, seed = consistent_survey(40, 3), 200, 11
    vw = van_westendorp(frame, bootstrap=resamples, seed=seed)
    picks = np.random.default_rng(seed).integers(0, 40, size=(resamples, 40))  # the same draws
    rows = list(frame.itertuples(index=False))
    found = np.array(
        [[reference([rows[i] for i in p])["points"][name] for name in POINTS] for p in picks], dtype=float
    )
    low, high = np.percentile(found, [2.5, 97.5], axis=0)
    assert vw.intervals == {name: (lo, hi) for name, lo, hi in zip(POINTS, low, high, strict=True)}


def test_bootstrap_by_default_only_for_small_samples_and_fast():
    large = consistent_survey(SMALL_SAMPLE, 5)
    assert van_westendorp(large).intervals == {}
    start = time.perf_counter()
    vw = van_westendorp(large, bootstrap=1000)
    assert time.perf_counter() - start < 0.5
    assert vw.resamples == 1000 and set(vw.intervals) == set(POINTS)
    with pytest.raises(ValueGapError, match="bootstrap"):
        van_westendorp(large, bootstrap=-1)


@pytest.mark.parametrize(
    ("name", "counts"), [("invoicing-saas", (420, 407, 13)), ("streaming-plan", (480, 466, 14))]
)
def test_demo_van_westendorp_surveys_match_the_reference_and_are_identified(name, counts):
    path = SURVEYS / f"{name}_van_westendorp.csv"
    raw = pd.read_csv(path)  # read apart from read_survey: plain numbers, no blanks in the demo
    rows = list(raw[list(VW_COLUMNS)].itertuples(index=False))
    vw = van_westendorp(read_survey(path.read_bytes(), path.name), bootstrap=0)
    assert (len(rows), vw.n, vw.dropped_inconsistent) == counts and vw.dropped_incomplete == 0  # data/README
    check_against_reference(rows, vw)
    assert vw.unidentified == {}  # the demo's curves cross; none meet at 0 or 1
    # what a reader of the demo expects: OPP and IDP inside both ranges, the common range inside the original
    assert vw.pmc_original <= vw.pmc_common <= min(vw.opp, vw.idp)
    assert max(vw.opp, vw.idp) <= vw.pme_common <= vw.pme_original
    json.dumps(vw.to_dict(), allow_nan=False)


# ----------------------------------------------------------------------------- reading and refusing


def test_read_survey_matches_headers_loosely_and_reads_decimal_commas():
    data = csv_bytes(" Too Cheap ;CHEAP;Expensive;too_expensive\n9,5;19,9;29,9;1.039,9\n10;20;30;40\n")
    frame = read_survey(data, "s.csv")
    assert frame.attrs["source"] == "s.csv"
    pd.testing.assert_frame_equal(frame, survey_frame(read_table(data, "s.csv")))
    answers = van_westendorp_answers(frame)
    assert answers.to_dict("list") == {
        "row": [2, 3],
        "too_cheap": [9.5, 10],
        "cheap": [19.9, 20],
        "expensive": [29.9, 30],
        "too_expensive": [1039.9, 40],
    }
    with pytest.raises(ValueGapError, match=r"^s\.csv: only one respondent"):
        van_westendorp(read_survey(csv_bytes("too_cheap,cheap,expensive,too_expensive\n1,2,3,4\n"), "s.csv"))


def test_read_survey_reads_excel_and_parquet():
    frame = survey(*KEPT)
    excel = io.BytesIO()
    frame.to_excel(excel, index=False)
    parquet = io.BytesIO()
    frame.to_parquet(parquet, index=False)
    for data, name in ((excel.getvalue(), "s.xlsx"), (parquet.getvalue(), "s.parquet")):
        assert van_westendorp(read_survey(data, name), bootstrap=0).points["idp"] == 30


HEADER = "respondent,too_cheap,cheap,expensive,too_expensive\n"


def test_a_file_with_zeros_and_blanks_is_read_not_refused():
    body = "1,0,10,20,30\n2,0,0.0,20,30\n3,5,,20,30\n4,0,15,25,40\n5,-0,5,25,45\n"
    vw = van_westendorp(read_survey(csv_bytes(HEADER + body), "s.csv"), bootstrap=0)
    # row 3: 0 = 0 is out of order; row 4: blank cheap; -0 is 0
    assert (vw.n, vw.dropped_incomplete, vw.dropped_inconsistent) == (3, 1, 1)
    assert list(vw.rows_of(INCONSISTENT)["row"]) == [3] and list(vw.rows_of(INCOMPLETE)["row"]) == [4]
    assert vw.curves["price"].iloc[0] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("1,10,20,30,40\n2,10,abc,30,40\n", "row 3, column cheap: 'abc' is not a number"),
        ("1,10,20,30,40\n2,10,20,30,inf\n", "row 3, column too_expensive: 'inf' is not a finite number"),
        ("1,10,20,30,1e309\n2,10,20,30,40\n", "row 2, column too_expensive: '1e309' is not a finite number"),
        ("1,-5,20,30,40\n2,10,20,30,40\n", "row 2, column too_cheap: a price cannot be negative (got -5)"),
        ('1,10,"twenty\nfive",30,40\n2,10,20,30,40\n', "row 2, column cheap: 'twenty five' is not a number"),
    ],
)
def test_bad_cells_are_refused_naming_row_column_and_value(body, message):
    with pytest.raises(InvalidAnswers) as info:
        van_westendorp(read_survey(csv_bytes(HEADER + body), "s.csv"))
    assert info.value.source == "s.csv"
    assert str(info.value) == f"s.csv: {message}"


def test_every_bad_cell_is_listed_with_its_row_column_and_answer():
    body = "1,x,20,30,40\n2,0,20,30,40\n3,10,,y,-40\n4,1,2,3,4\n5,-1,-2,n/a,4\n"
    with pytest.raises(InvalidAnswers) as info:
        van_westendorp(read_survey(csv_bytes(HEADER + body), "s.csv"))
    error = info.value
    assert error.cells.to_dict("records") == [
        {"row": 2, "column": "too_cheap", "answer": "x", "problem": "'x' is not a number"},
        {"row": 4, "column": "expensive", "answer": "y", "problem": "'y' is not a number"},
        {"row": 4, "column": "too_expensive", "answer": "-40",
         "problem": "a price cannot be negative (got -40)"},
        {"row": 6, "column": "too_cheap", "answer": "-1", "problem": "a price cannot be negative (got -1)"},
        {"row": 6, "column": "cheap", "answer": "-2", "problem": "a price cannot be negative (got -2)"},
        {"row": 6, "column": "expensive", "answer": "n/a", "problem": "'n/a' is not a number"},
    ]  # fmt: skip
    assert [str(p) for p in error.problems][:2] == [
        "row 2, column too_cheap: 'x' is not a number",
        "row 4, column expensive: 'y' is not a number",
    ]
    assert len(error.problems) == 6
    assert error.rows == (2, 4, 6) and error.respondents == 3
    assert error.summary == (
        "s.csv: 6 answers are negative or not a finite number, from 3 respondents; prices must be numbers "
        "of 0 or more."
    )


def test_respondents_with_invalid_answers_can_be_left_out_at_the_callers_choice():
    body = "1,x,20,30,40\n2,0,20,30,40\n3,10,,y,-40\n4,1,2,3,4\n5,-1,-2,n/a,4\n6,5,10,15,20\n7,5,4,3,2\n"
    frame = read_survey(csv_bytes(HEADER + body), "s.csv")
    vw = van_westendorp(frame, bootstrap=0, without_invalid=True)
    # left: rows 3, 5, 7 kept; row 8 out of order
    assert (vw.n, vw.dropped_incomplete, vw.dropped_inconsistent) == (3, 0, 1)
    assert vw.invalid_rows.to_dict("records") == [
        {"row": 2, "too_cheap": "x", "cheap": "20", "expensive": "30", "too_expensive": "40",
         "reason": "too_cheap: 'x' is not a number"},
        {"row": 4, "too_cheap": "10", "cheap": "", "expensive": "y", "too_expensive": "-40",
         "reason": "expensive: 'y' is not a number; too_expensive: a price cannot be negative (got -40)"},
        {"row": 6, "too_cheap": "-1", "cheap": "-2", "expensive": "n/a", "too_expensive": "4",
         "reason": "too_cheap: a price cannot be negative (got -1); cheap: a price cannot be negative "
                   "(got -2); expensive: 'n/a' is not a number"},
    ]  # fmt: skip
    assert vw.left_out[0] == "3 respondents with invalid answers left out (rows 2, 4, 6)."
    valid = [(0, 20, 30, 40), (1, 2, 3, 4), (5, 10, 15, 20), (5, 4, 3, 2)]
    check_against_reference(valid, vw)
    json.dumps(vw.to_dict(), allow_nan=False)
    with pytest.raises(
        ValueGapError, match=r"none of the 3 respondents answered .* \(2 left out for invalid"
    ):
        van_westendorp(survey(("x", 1, 2, 3), (1, -2, 3, 4), (4, 3, 2, 1)), without_invalid=True)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"too_cheap": [1, 2], "cheap": [2, 3]}),
         "missing column(s) expensive, too_expensive; Van Westendorp needs"),
        (pd.DataFrame({"price": [1, 2]}),
         "Van Westendorp needs the columns too_cheap, cheap, expensive, too_expensive (the file has: price)"),
        (survey(), "no respondents"),
        (survey((1, 2, 3, 4)), "only one respondent"),
        (survey((4, 3, 2, 1), (1, 2, 2, 3)),
         "none of the 2 respondents answered too_cheap < cheap < expensive < too_expensive "
         "(2 answered out of that order)"),
        (survey((4, 3, 2, 1), (1, 2, 3, 4)), "only one of the 2 respondents answered"),
        (survey((1, None, 3, 4), (1, 2, 3, 4), (0, 0, 1, 2)),
         "only one of the 3 respondents answered too_cheap < cheap < expensive < too_expensive "
         "(1 left an answer blank, 1 answered out of that order)"),
        (pd.DataFrame([[1, 2, 3, 4, 5]] * 2,
                      columns=["too_cheap", "Cheap", "cheap ", "expensive", "too_expensive"]),
         "columns 'Cheap' and 'cheap ' both read as cheap"),
    ],
)  # fmt: skip
def test_unusable_surveys_are_refused_in_one_line(frame, message):
    frame.attrs["source"] = "s.csv"
    with pytest.raises(ValueGapError) as info:
        van_westendorp(frame, bootstrap=0)
    assert message in str(info.value) and str(info.value).startswith("s.csv: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("data", "message"), [(b"", "the file is empty"), (csv_bytes(HEADER), "no rows")])
def test_empty_files_are_refused(data, message):
    with pytest.raises(ValueGapError, match=message):
        read_survey(data, "s.csv")


# ----------------------------------------------------------------------------- Gabor-Granger


def test_gabor_granger_from_max_prices_by_hand():
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 20, 20, 30, 0]}), unit_cost=5)
    # tested prices: the distinct answers above 0; D(10) = 4/5, D(20) = 3/5, D(30) = 1/5
    assert gg.n == 5 and list(gg.demand["price"]) == [10, 20, 30]
    assert list(gg.demand["share"]) == [0.8, 0.6, 0.2]
    assert list(gg.demand["revenue"]) == pytest.approx([8, 12, 6])  # p · D(p)
    assert (gg.best_price, gg.best_revenue) == (20, pytest.approx(12))
    # profit (p − 5) · D(p): 4, 9, 5
    assert list(gg.demand["profit"]) == pytest.approx([4, 9, 5])
    assert (gg.profit_price, gg.best_profit) == (20, pytest.approx(9))
    assert gg.notes == ("1 respondent(s) accepted none of the tested prices; they count as no demand.",)


def test_unit_cost_can_move_the_best_price_up():
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 10, 20, 20, 30, 30]}), unit_cost=12)
    # revenue 10·1, 20·4/6, 30·2/6 = 10, 13.3, 10 -> 20; profit −2·1, 8·4/6, 18·2/6 = −2, 5.3, 6 -> 30
    assert gg.best_price == 20 and gg.profit_price == 30
    assert gg.best_profit == pytest.approx(6)


def test_ties_in_revenue_go_to_the_lower_price():
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 20]}))  # 10·1 = 20·0.5 = 10
    assert (gg.best_price, gg.best_revenue) == (10, 10)
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 30, 30]}), unit_cost=20)
    # profit: −10·1, 10·2/3 -> 30; revenue 10·1 = 10, 30·2/3 = 20 -> 30
    assert gg.best_price == 30 and gg.profit_price == 30


def test_given_prices_replace_the_answered_ones():
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 20, 20, 30, 0]}), prices=[25, 5, 15])
    # D(5) = 4/5, D(15) = 3/5, D(25) = 1/5; revenue 4, 9, 5
    assert list(gg.demand["price"]) == [5, 15, 25]
    assert list(gg.demand["revenue"]) == pytest.approx([4, 9, 5])
    assert gg.best_price == 15
    assert "4 max_price answers are not tested prices" in gg.notes[0]


def test_gabor_granger_from_yes_no_columns_by_hand():
    frame = pd.DataFrame(
        {  # columns out of price order, named in each accepted style
            "respondent": [1, 2, 3, 4, 5, 6],
            "30": [0, 0, 1, 1, 0, 1],
            "p_10": [1, 1, 1, 0, 0, 1],
            "AT_40": [0, 0, 1, 0, 0, 0],
            "price_20": [1, 0, 1, 1, 0, 1],
        }
    )
    gg = gabor_granger(frame)
    # highest accepted: 20, 10, 40, 30 (refused 10: inconsistent), 0 (none), 30
    # D(10) = 5/6, D(20) = 4/6, D(30) = 3/6, D(40) = 1/6; revenue 8.33, 13.33, 15, 6.67
    assert list(gg.demand["price"]) == [10, 20, 30, 40]
    assert list(gg.demand["share"]) == pytest.approx([5 / 6, 4 / 6, 3 / 6, 1 / 6])
    assert (gg.best_price, gg.best_revenue) == (30, pytest.approx(15))
    assert gg.inconsistent == 1
    assert gg.notes[0].startswith("1 respondent(s) accepted a higher price but refused a lower one")
    assert gg.summary() == {
        "n": 6,
        "best_price": 30.0,
        "best_revenue": pytest.approx(15),
        "demand": [
            {"price": p, "share": pytest.approx(s), "revenue": pytest.approx(p * s)}
            for p, s in zip([10, 20, 30, 40], [5 / 6, 4 / 6, 3 / 6, 1 / 6], strict=True)
        ],
    }


def gabor_granger_reference(top: list[float], prices: list[float] | None) -> tuple[list, list, float]:
    """D(p), revenue and the best price from the definitions, in exact decimal fractions."""
    tested = sorted(set(prices)) if prices is not None else sorted({t for t in top if t > 0})
    exact = [Fraction(str(p)) for p in tested]
    share = [Fraction(sum(1 for t in top if Fraction(str(t)) >= p), len(top)) for p in exact]
    revenue = [p * d for p, d in zip(exact, share, strict=True)]
    best = next(t for t, r in zip(tested, revenue, strict=True) if r == max(revenue))  # lowest of ties
    return share, revenue, best


@settings(max_examples=300, deadline=None)
@given(
    top=st.lists(st.sampled_from([0, 9.9, 10, 19.9, 20, 29.7, 39.8, 49.5]), min_size=2, max_size=40),
    prices=st.one_of(
        st.none(), st.lists(st.sampled_from([5, 9.9, 15, 19.9, 29.7, 30]), min_size=1, max_size=5)
    ),
)
def test_gabor_granger_matches_the_definitions_brute_force(top, prices):
    # 9.9 · 3 = 29.7 · 1 and 19.9 · 2 = 39.8 · 1 are ties in decimal, not in binary floating point
    if not any(top):
        with pytest.raises(ValueGapError, match="no respondent accepts any tested price"):
            gabor_granger(pd.DataFrame({"max_price": top}), prices=prices)
        return
    gg = gabor_granger(pd.DataFrame({"max_price": top}), prices=prices)
    share, revenue, best = gabor_granger_reference(top, prices)
    assert gg.n == len(top)
    assert list(gg.demand["share"]) == pytest.approx([float(d) for d in share], rel=1e-12)
    assert list(gg.demand["revenue"]) == pytest.approx([float(r) for r in revenue], rel=1e-12)
    assert gg.best_price == best
    assert gg.best_revenue == pytest.approx(float(max(revenue)), rel=1e-12)


def test_a_decimal_tie_in_revenue_goes_to_the_lower_price():
    # 9.9 · 3/4 and 29.7 · 1/4 are both 7.425 per respondent; in floating point 29.7 comes out higher
    gg = gabor_granger(pd.DataFrame({"max_price": [9.9, 9.9, 29.7, 0]}))
    assert 9.9 * 3 != 29.7 and gg.best_price == 9.9


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (pd.DataFrame({"p_10": [1, 2]}), {}, "row 3, column p_10: must be 0 (no) or 1 (yes) (got 2)"),
        (pd.DataFrame({"p_10": ["1", "yes"]}), {}, "row 3, column p_10: 'yes' is not 0 or 1"),
        (
            pd.DataFrame({"p_10": [1, 1], "price_10": [1, 0]}),
            {},
            "columns p_10, price_10 name the same price",
        ),
        (pd.DataFrame({"p_10": [1, 1]}), {"prices": [10, 20]}, "the tested prices are the 0/1 columns"),
        (pd.DataFrame({"max_price": [10, -1]}), {}, "row 3, column max_price: must be 0 or more (got -1)"),
        (pd.DataFrame({"max_price": [0, 0]}), {}, "no respondent accepts any tested price"),
        (pd.DataFrame({"max_price": [10]}), {}, "only one respondent"),
        (pd.DataFrame({"answer": [1, 0]}), {}, "needs a max_price column or one 0/1 column per tested price"),
        (pd.DataFrame({"max_price": [10, 20]}), {"unit_cost": -1}, "unit cost"),
        (pd.DataFrame({"max_price": [10, 20]}), {"prices": [0, 10]}, "above 0"),
    ],
)
def test_unusable_gabor_granger_surveys_are_refused(frame, kwargs, message):
    with pytest.raises(ValueGapError) as info:
        gabor_granger(frame, **kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize(("name", "best"), [("invoicing-saas", 49.0), ("streaming-plan", 34.9)])
def test_demo_gabor_granger_surveys_peak_where_the_readme_says(name, best):
    path = SURVEYS / f"{name}_gabor_granger.csv"
    gg = gabor_granger(read_survey(path.read_bytes(), path.name))
    assert gg.best_price == best and gg.best_price in set(gg.demand["price"])
    assert gg.demand["share"].iloc[0] == 1  # every respondent accepted the lowest tested price
    assert gg.demand["share"].is_monotonic_decreasing
    json.dumps(gg.to_dict(), allow_nan=False)


# ----------------------------------------------------------------------------- elasticity


def test_exact_constant_elasticity_data_give_the_exponent():
    price = np.array([1.0, 2, 3, 4, 5, 8])
    result = elasticity(pd.DataFrame({"price": price, "quantity": 100 * price**-1.5}))
    assert result.elasticity == pytest.approx(-1.5, abs=1e-10)
    assert result.r_squared == pytest.approx(1)
    assert result.note == "elastic: a 1% price rise loses 1.5% of units"


def test_noisy_elasticity_matches_least_squares_and_the_t_interval():
    rng = np.random.default_rng(4)
    price = rng.uniform(5, 50, 60)
    quantity = 200 * price**-0.6 * np.exp(rng.normal(0, 0.3, 60))
    frame = pd.DataFrame({"Price": price, "Quantity": quantity})
    frame.loc[len(frame)] = [-3, 10]  # dropped: price not above 0
    frame.loc[len(frame)] = [10, 0]  # dropped: no units
    result = elasticity(frame, alpha=0.1)
    x = np.column_stack([np.ones(60), np.log(price)])
    y = np.log(quantity)
    beta, ssr, *_ = np.linalg.lstsq(x, y, rcond=None)
    s2 = ssr[0] / (60 - 2)
    se = np.sqrt(s2 * np.linalg.inv(x.T @ x)[1, 1])
    t = stats.t.ppf(1 - 0.1 / 2, 58)
    assert (result.n, result.dropped) == (60, 2)
    assert result.elasticity == pytest.approx(beta[1], rel=1e-10)
    assert (result.ci_low, result.ci_high) == pytest.approx((beta[1] - t * se, beta[1] + t * se), rel=1e-9)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(beta[1] / se), 58), rel=1e-9)
    assert result.r_squared == pytest.approx(1 - ssr[0] / ((y - y.mean()) ** 2).sum(), rel=1e-10)
    assert result.note.startswith("inelastic: a 1% price rise loses ")


def test_elasticity_controls_enter_as_numbers_and_dummies():
    rng = np.random.default_rng(8)
    n = 80
    price = rng.uniform(1, 10, n)
    season = rng.normal(0, 1, n)
    region = rng.choice(["north", "south", "west"], n)
    bump = pd.Series(region).map({"north": 0.0, "south": 0.4, "west": -0.2}).to_numpy()
    quantity = np.exp(3 - 1.3 * np.log(price) + 0.2 * season + bump + rng.normal(0, 0.1, n))
    frame = pd.DataFrame({"price": price, "quantity": quantity, "season": season, "region": region})
    result = elasticity(frame, controls=["season", "Region"])
    x = np.column_stack(
        [
            np.ones(n),
            np.log(price),
            season,
            (region == "south").astype(float),
            (region == "west").astype(float),
        ]
    )
    beta = np.linalg.lstsq(x, np.log(quantity), rcond=None)[0]
    assert result.elasticity == pytest.approx(beta[1], rel=1e-10)
    assert result.controls == ("season", "Region")
    assert result.note.startswith("elastic: a 1% price rise loses 1.")
    json.dumps(result.to_dict(), allow_nan=False)


def test_an_upward_or_insignificant_slope_is_said_in_words():
    price = np.array([1.0, 2, 3, 4, 5, 6])
    result = elasticity(pd.DataFrame({"price": price, "quantity": [10, 9, 12, 10, 11, 12]}))
    assert result.elasticity > 0
    assert result.note.startswith("upward-sloping: a 1% price rise comes with")
    assert "not significantly different from 0 at α = 0.05" in result.note


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (pd.DataFrame({"price": [1, 2, 0], "quantity": [3, 4, 5]}), {}, "only 2 usable row(s)"),
        (pd.DataFrame({"price": [2, 2, 2, 2], "quantity": [3, 4, 5, 6]}), {}, "same price"),
        (pd.DataFrame({"price": ["1", "two", "3"], "quantity": [3, 4, 5]}), {}, "row 3, column price: 'two'"),
        (pd.DataFrame({"price": [1, 2, 3]}), {}, "missing column(s) quantity"),
        (pd.DataFrame({"price": [1, 2, 3, 4], "quantity": [3, 4, 5, 6], "k": [5, 5, 5, 5]}),
         {"controls": ["k"]}, "cannot separate price from the controls (k)"),
        (pd.DataFrame({"price": [1, 2, 3, 4], "quantity": [3, 4, 5, 6], "k": ["a", "", "b", "a"]}),
         {"controls": ["k"]}, "row 3, column k: blank cell"),
        (pd.DataFrame({"price": [1, 2, 3, 4], "quantity": [3, 4, 5, 6], "k": [1, "n/a", 2, 3]}),
         {"controls": ["k"]}, "row 3, column k: 'n/a' is not a number"),
        (pd.DataFrame({"price": [1, 2, 3], "quantity": [3, 4, 5]}), {"alpha": 1.5}, "alpha"),
    ],
)  # fmt: skip
def test_unusable_transactions_are_refused(frame, kwargs, message):
    with pytest.raises(ValueGapError) as info:
        elasticity(frame, **kwargs)
    assert message in str(info.value)


# ----------------------------------------------------------------------------- ranges and charts


def test_price_ranges_for_the_slider():
    vw = van_westendorp(SURVEY_A, bootstrap=0)
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 10, 20, 20, 30, 30]}), unit_cost=12)
    ranges = price_ranges(vw, gg)
    assert list(ranges.columns) == ["label", "low", "high"]
    assert ranges.to_dict("records") == [
        {"label": "acceptable range (original)", "low": 25, "high": 40},
        {"label": "acceptable range (common)", "low": 25, "high": 35},
        {"label": "OPP–IDP", "low": 25, "high": 30},
        {"label": "revenue-maximising price", "low": 20, "high": 20},
        {"label": "profit-maximising price", "low": 30, "high": 30},
    ]
    assert price_ranges(None, None).empty


def spec(chart) -> dict:
    data = chart.to_dict()
    json.dumps(data, allow_nan=False)
    return data


def test_van_westendorp_chart_marks_the_points_and_stays_small():
    vw = van_westendorp(SURVEY_A)
    spec(van_westendorp_chart(vw))
    points = van_westendorp_points(vw)
    # OPP and both PMCs share 25; IDP 30; PME (common) 35; PME (original) 40
    assert points[["price", "label"]].to_dict("records") == [
        {"price": 25, "label": "OPP = PMC (original) = PMC (common)"},
        {"price": 30, "label": "IDP"},
        {"price": 35, "label": "PME (common)"},
        {"price": 40, "label": "PME (original)"},
    ]
    assert "95% interval" in points["meaning"].iloc[0]
    caption = van_westendorp_caption(vw, "USD")
    assert (
        "4 respondents (5 dropped for blank or out-of-order answers)" in caption
        and "OPP USD 25.00, IDP USD 30.00" in caption
    )
    assert "USD 25.00–USD 40.00 by the original" in caption
    # many distinct prices are thinned so the four curves stay under the mark limit
    rng = np.random.default_rng(2)
    base = rng.uniform(1, 100, 3000)
    big = van_westendorp(survey(*np.column_stack([base, base + 1, base + 2, base + 3])), bootstrap=0)
    assert len(big.curves) > MAX_MARKS
    assert len(van_westendorp_frame(big)) <= 4 * 1000
    spec(van_westendorp_chart(big))


def test_gabor_granger_chart_and_caption():
    gg = gabor_granger(pd.DataFrame({"max_price": [10, 10, 20, 20, 30, 30]}), unit_cost=12)
    text = json.dumps(spec(gabor_granger_chart(gg)))
    assert "best revenue: 20" in text and "best profit: 30" in text and "profit per respondent" in text
    caption = gabor_granger_caption(gg, "EUR")
    assert "highest at EUR 20.00 (EUR 13.33 per respondent)" in caption and "highest at EUR 30.00" in caption
    plain = gabor_granger(pd.DataFrame({"max_price": [10, 20, 20]}))
    assert "profit" not in json.dumps(spec(gabor_granger_chart(plain)))


def test_price_band_chart_draws_bands_and_both_prices():
    ranges = price_ranges(van_westendorp(SURVEY_A, bootstrap=0), None)
    text = json.dumps(spec(price_band_chart(ranges, 27.5, 30, 0, 80)))
    assert "what-if price" in text and "today's price" in text and "acceptable range (common)" in text
    spec(price_band_chart(ranges.iloc[:0], 27.5, None, 0, 80))


# ----------------------------------------------------------------------------- command line


VW_FIELDS = ["n", "dropped", "dropped_incomplete", "dropped_inconsistent", "opp", "idp", "pmc_original",
             "pme_original", "pmc_common", "pme_common"]  # fmt: skip


def write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_cli_van_westendorp_prints_exactly_the_design_fields(tmp_path, capsys):
    path = write(tmp_path, SURVEY_A.to_csv(index=False))
    assert main(["price-research", str(path), "--method", "van-westendorp"]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert list(printed) == VW_FIELDS
    assert printed == {"n": 4, "dropped": 5, "dropped_incomplete": 1, "dropped_inconsistent": 4, "opp": 25,
                       "idp": 30, "pmc_original": 25, "pme_original": 40, "pmc_common": 25,
                       "pme_common": 35}  # fmt: skip
    # one line per kind left out, then one per point the data do not identify (worked out above)
    assert captured.err.splitlines() == [
        f"valuegap: {path}: 1 respondent left out for a blank answer (row 10).",
        f"valuegap: {path}: 4 respondents left out for answers not in the order too_cheap < cheap < "
        "expensive < too_expensive (rows 3, 5, 7, 9).",
        f"valuegap: {path}: warning: OPP is not identified by the data: the too cheap and too expensive "
        "curves are both 0% at every answered price from 25 to 35, so no single price is where they meet; "
        "the rule shows the lowest, 25.",
        f"valuegap: {path}: warning: PMC (common range) is not identified by the data: the too cheap and "
        "expensive curves are both 0% at 25, so no single price is where they meet; the rule shows the "
        "lowest, 25.",
        f"valuegap: {path}: warning: PME (common range) is not identified by the data: the cheap and too "
        "expensive curves are both 0% at 35, so no single price is where they meet; the rule shows the "
        "lowest, 35.",
    ]
    assert main(["price-research", str(path), "--method", "van-westendorp", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        ",".join(VW_FIELDS),
        "4,5,1,4,25.0,30.0,25.0,40.0,25.0,35.0",
    ]
    assert main(["price-research", str(path), "--method", "van-westendorp", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == "| " + " | ".join(VW_FIELDS) + " |"
        and lines[2] == "| 4 | 5 | 1 | 4 | 25 | 30 | 25 | 40 | 25 | 35 |"
    )


def test_cli_reads_answers_of_zero_and_says_only_the_warning_when_nothing_is_left_out(tmp_path, capsys):
    # the issue: a survey with 0 answers was refused whole; here nothing is dropped, and OPP is not
    # identified (too cheap and too expensive are both 0 at 15 and 20)
    body = "".join(f"{i},{tc},{c},{e},{te}\n" for i, (tc, c, e, te) in enumerate(
        [(0, 10, 20, 30), (0, 15, 25, 35), (5, 20, 30, 40), (10, 25, 35, 45), (0, 5, 15, 25)]))  # fmt: skip
    path = write(tmp_path, HEADER + body)
    assert main(["price-research", str(path), "--method", "van-westendorp"]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    rows = [(0, 10, 20, 30), (0, 15, 25, 35), (5, 20, 30, 40), (10, 25, 35, 45), (0, 5, 15, 25)]
    ref = reference(rows)
    assert printed == {"n": 5, "dropped": 0, "dropped_incomplete": 0, "dropped_inconsistent": 0,
                       **ref["points"]}  # fmt: skip
    warnings = [f"valuegap: {path}: warning: {note}" for note in van_westendorp(survey(*rows)).notes]
    assert captured.err.splitlines() == warnings and len(warnings) == len(ref["unidentified"]) == 1


def test_cli_gabor_granger_prints_exactly_the_design_fields(tmp_path, capsys):
    path = write(tmp_path, "id,max_price\n1,10\n2,20\n3,20\n4,30\n5,0\n")
    assert main(["price-research", str(path), "--method", "gabor-granger"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["n", "best_price", "best_revenue", "demand"]
    assert (printed["n"], printed["best_price"], printed["best_revenue"]) == (5, 20, pytest.approx(12))
    assert [list(row) for row in printed["demand"]] == [["price", "share", "revenue"]] * 3
    assert [row["share"] for row in printed["demand"]] == [0.8, 0.6, 0.2]
    assert main(["price-research", str(path), "--method", "gabor-granger", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "price,share,revenue,n,best_price,best_revenue" and len(lines) == 4
    assert lines[2].startswith("20.0,0.6,12.0") and lines[2].endswith(",5,20.0,12.0")
    assert main(["price-research", str(path), "--method", "gabor-granger", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.splitlines()[3] == "| 20 | 0.6 | 12 | 5 | 20 | 12 |"


def test_cli_on_the_demo_surveys(capsys):
    for path in sorted(SURVEYS.glob("*.csv")):
        method = "van-westendorp" if "westendorp" in path.name else "gabor-granger"
        assert main(["price-research", str(path), "--method", method]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["n"] > 200


@pytest.mark.parametrize(
    ("text", "method", "message"),
    [
        ("id,max_price\n1,10\n", "van-westendorp", "Van Westendorp needs the columns too_cheap, cheap"),
        ("id,price\n1,10\n2,20\n", "gabor-granger", "needs a max_price column"),
        (HEADER + "1,10,20,30,40\n2,10,cheap,30,40\n", "van-westendorp",
         "row 3, column cheap: 'cheap' is not a number"),
        (HEADER + "1,10,20,30,40\n2,-10,20,30,40\n", "van-westendorp",
         "row 3, column too_cheap: a price cannot be negative (got -10)"),
        ("id,max_price\n1,10\n2,\n", "gabor-granger", "row 3, column max_price: blank cell"),
        (HEADER + "1,10,20,30,40\n", "van-westendorp", "only one respondent"),
        (HEADER + "1,40,30,20,10\n2,10,20,20,30\n", "van-westendorp", "none of the 2 respondents answered"),
        ("", "van-westendorp", "the file is empty"),
        (HEADER, "van-westendorp", "has a header but no rows"),
    ],
)  # fmt: skip
def test_cli_bad_surveys_exit_2_with_one_line(tmp_path, capsys, text, method, message):
    path = write(tmp_path, text)
    assert main(["price-research", str(path), "--method", method]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err and str(path) in captured.err


def test_cli_lists_every_bad_cell_on_its_one_line(tmp_path, capsys):
    body = "".join(f"{i},x,20,30,40\n" for i in range(50)) + '50,1,2,"3\n4",-5\n'
    path = write(tmp_path, HEADER + body)
    assert main(["price-research", str(path), "--method", "van-westendorp"]) == 2
    err = capsys.readouterr().err
    cells = [f"row {i + 2}, column too_cheap: 'x' is not a number" for i in range(50)]
    cells += ["row 52, column expensive: '3 4' is not a number",
              "row 52, column too_expensive: a price cannot be negative (got -5)"]  # fmt: skip
    assert err == f"valuegap: {path}: " + "; ".join(cells) + "\n"


def test_cli_missing_file_and_method_exit_2(tmp_path, capsys):
    assert main(["price-research", str(tmp_path / "nope.csv"), "--method", "gabor-granger"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.csv: no such file" in err
    with pytest.raises(SystemExit) as info:
        main(["price-research", str(tmp_path / "nope.csv")])
    assert info.value.code == 2
