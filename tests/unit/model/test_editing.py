from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import sample
from tests.unit.strategies import propositions
from valuegap.errors import InvalidInput
from valuegap.model.editing import (
    CellError,
    access_frame,
    claim_from_answers,
    claims_frame,
    claims_grid,
    not_saved_message,
    number_text,
    problem_sentences,
    proposition_data,
    read_claim_cells,
    read_number,
    read_ratio,
    read_segment,
    read_share,
    read_tolerance,
    route_problems,
    rows_in_words,
    segment_text,
    share_text,
    slugify,
)
from valuegap.model.proposition import Proposition, parse_proposition


def fields_of(prop: Proposition) -> dict:
    data = prop.to_dict()
    return {k: v for k, v in data.items() if k not in ("claims", "cost_of_access")}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(propositions())
def test_editor_tables_round_trip(prop):
    editor = proposition_data(fields_of(prop), access_frame(prop), claims_frame(prop))
    assert parse_proposition(editor.data) == prop


def test_empty_proposition_gives_typed_empty_tables():
    prop = parse_proposition({"name": "x", "price": {"amount": 0}})
    claims, access = claims_frame(prop), access_frame(prop)
    assert len(claims) == 0 and claims["claimed"].dtype == "float64"
    assert len(access) == 0 and access["amount"].dtype == "float64"


def test_blank_rows_are_ignored_and_problems_name_the_editor_row():
    prop = sample()
    claims = claims_frame(prop)
    blank = pd.DataFrame([{c: None for c in claims.columns}])
    bad = pd.DataFrame([{"text": "Up to 40% off", "benefit": "money", "form": "up_to", "share": math.nan}])
    edited = pd.concat([claims, blank, bad], ignore_index=True)
    editor = proposition_data(fields_of(prop), access_frame(prop), edited)
    assert editor.claim_positions == [1, 2, 4]
    assert editor.data["claims"][2]["id"] == "up-to-40-off"  # made from the text
    try:
        parse_proposition(editor.data)
    except InvalidInput as exc:
        routed = route_problems(exc.problems, editor)
    assert {(row, column) for row, column, _ in routed.claims} == {(4, "metric"), (4, "claimed")}
    assert routed.fields == {} and routed.count == 2


def test_field_and_access_problems_are_routed():
    prop = sample()
    access = access_frame(prop)
    access.loc[1, "amount"] = -5.0
    price = {"amount": 10.0, "currency": "usd1", "period": "month"}
    fields = fields_of(prop) | {"name": "  ", "price": price}
    editor = proposition_data(fields, access, claims_frame(prop))
    try:
        parse_proposition(editor.data)
    except InvalidInput as exc:
        routed = route_problems(exc.problems, editor)
    assert set(routed.fields) == {"name", "price.currency"}
    assert [(row, column) for row, column, _ in routed.access] == [(2, "amount")]


def test_slugify_makes_unique_ids():
    assert slugify("Saves 5 h a week!", set()) == "saves-5-h-a-week"
    assert slugify("Saves 5 h a week!", {"saves-5-h-a-week"}) == "saves-5-h-a-week-2"
    assert slugify("¡¿", set()) == "claim"


# ----------------------------------------------------------------------------- what is typed in the grid


@pytest.mark.parametrize(
    ("typed", "share"),
    [("95%", 0.95), ("95 %", 0.95), ("95", 0.95), (95, 0.95), (95.0, 0.95), (0.95, 0.95), ("0.95", 0.95),
     (1, 1.0), ("100%", 1.0), ("97.5", 0.975), ("0.5%", 0.005), (2, 0.02), ("12.5%", 0.125)],
)  # fmt: skip
def test_a_share_is_read_as_typed_where_it_is_unambiguous(typed, share):
    assert read_share(typed) == share


@pytest.mark.parametrize(
    ("typed", "says"),
    [(1.5, "1.5% or 150%"), ("1.5", "1.5% or 150%"), ("150%", "at most 100%"), (150, "at most 100%"),
     ("0%", "more than 0%"), (0, "more than 0%"), (-0.5, "more than 0%"), ("two", "digits"),
     ("ninety%", "digits"), ("%", "percentage")],
)  # fmt: skip
def test_a_share_that_is_not_clear_is_refused_with_a_reason(typed, says):
    with pytest.raises(CellError, match=re.escape(says)):
        read_share(typed)


def test_numbers_are_read_as_typed_and_words_are_refused():
    assert read_number("3") == 3.0 and read_number(" 2.5 ") == 2.5 and read_number("-4") == -4.0
    assert read_number("1,000") == 1000.0 and read_number("12,500.5") == 12500.5
    assert read_number("") is None and read_number(None) is None and read_number(math.nan) is None
    assert read_ratio("2×") == 2.0 and read_ratio("1.5x") == 1.5 and read_ratio(3) == 3.0
    for typed in ("two", "3 hours", "1.2.3", "x2"):
        with pytest.raises(CellError, match="digits"):
            read_number(typed)
    with pytest.raises(CellError, match="decimal point"):
        read_number("2,5")  # 2.5 or 25: not guessed
    with pytest.raises(CellError, match="finite"):
        read_number(math.inf)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-12, max_value=1.0))
def test_a_stored_share_shown_as_a_percentage_reads_back_exactly(share):
    assert read_share(share_text(share)) == share


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_a_stored_number_shown_as_text_reads_back_exactly(value):
    assert read_number(number_text(value)) == value


def test_share_and_numbers_are_shown_in_words():
    assert share_text(0.95) == "95%" and share_text(1.0) == "100%" and share_text(None) == ""
    assert number_text(5.0) == "5" and number_text(2.5) == "2.5" and number_text(math.nan) == ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(propositions())
def test_the_text_grid_round_trips(prop):
    grid = claims_grid(prop)
    assert all(isinstance(v, str) for v in grid["share"].tolist())
    editor = proposition_data(fields_of(prop), access_frame(prop), grid)
    assert editor.cell_problems == [] and parse_proposition(editor.data) == prop


def test_cells_that_cannot_be_read_are_named_by_row_and_column_and_never_saved_as_zero():
    prop = sample()
    grid = claims_grid(prop)
    grid.loc[0, "claimed"] = "two"
    grid.loc[1, "share"] = "150%"
    grid.loc[1, "ratio"] = "95"  # a ratio of 95 is a number, so it is kept
    read, problems = read_claim_cells(grid)
    assert [(p.row, p.column, p.typed) for p in problems] == [(1, "claimed", "two"), (2, "share", "150%")]
    assert str(problems[0]) == "Row 1, claimed value: must be a number written in digits (got 'two')"
    assert math.isnan(read.loc[0, "claimed"]) and read.loc[1, "ratio"] == 95.0
    editor = proposition_data(fields_of(prop), access_frame(prop), grid)
    assert len(editor.cell_problems) == 2


def test_the_grid_shows_tolerance_as_a_percentage_like_the_guided_form_and_reads_it_back():
    prop = sample()
    grid = claims_grid(prop)
    assert [claim.tolerance for claim in prop.claims] == [0.1] * len(prop.claims)  # the sample's default
    assert set(grid["tolerance"]) == {"10%"}
    for typed, tolerance in (("25%", 0.25), ("0.25", 0.25), ("0%", 0.0), ("5", 0.05)):
        grid.loc[0, "tolerance"] = typed
        editor = proposition_data(fields_of(prop), access_frame(prop), grid)
        assert editor.cell_problems == [] and parse_proposition(editor.data).claims[0].tolerance == tolerance


def test_blank_text_cells_of_the_grid_are_empty_never_the_word_none():
    data = sample().to_dict()
    puffery = {"id": "best", "text": "The best choice", "benefit": "enjoyment", "form": "puffery"}
    data["claims"] = [data["claims"][0], puffery]  # a measured claim above: pandas reads the gaps as NaN
    grid = claims_grid(parse_proposition(data))
    for column in ("metric", "unit", "competitor", "claimed", "share", "ratio", "money_per_unit"):
        assert grid.loc[1, column] == "", column
    assert "None" not in grid.astype(str).to_numpy().ravel().tolist()


@pytest.mark.parametrize(
    ("stored", "shown"), [("all", "everyone"), ("ALL", "everyone"), ("students", "students")]
)
def test_the_catch_all_segment_reads_everyone_and_is_stored_unchanged(stored, shown):
    assert segment_text(stored) == shown
    assert read_segment(segment_text(stored)) == (stored if shown != "everyone" else "all")
    assert read_segment(" Everyone ") == "all" and read_segment("families") == "families"


def test_a_share_typed_as_95_is_saved_as_95_percent():
    prop = sample()
    grid = claims_grid(prop)
    row = int(grid.index[grid["form"] == "share"][0])
    for typed in ("95", "95%", 95, "0.95"):
        grid.loc[row, "share"] = typed
        editor = proposition_data(fields_of(prop), access_frame(prop), grid)
        assert parse_proposition(editor.data).claims[row].share == 0.95


# ----------------------------------------------------------------------------- problems in words


def test_every_table_problem_is_a_sentence_naming_its_row_and_column_heading():
    rows = [(2, "unit", "is required"), (4, "", "the ID is used twice"), (5, "share", "must be a share")]
    labels = {"unit": "Unit", "share": "Share of customers"}
    assert problem_sentences(rows, labels) == [
        "Row 2, Unit: is required",
        "Row 4: the ID is used twice",
        "Row 5, Share of customers: must be a share",
    ]
    named = problem_sentences(rows, labels, row_names={5: "Draft 1"})
    assert named[2] == "Draft 1, Share of customers: must be a share" and named[0].startswith("Row 2")


def test_the_refusal_says_how_many_problems_and_every_place():
    assert rows_in_words("claims table", [(4, "unit", "x")]) == "claims table, row 4"
    rows = [(4, "unit", "x"), (2, "text", "y"), (4, "share", "z"), (7, "", "w")]
    assert rows_in_words("claims table", rows) == "claims table, rows 2, 4 and 7"
    assert (
        not_saved_message(1, ["Currency"]) == "Not saved: 1 problem to fix (Currency). Your edits are kept."
    )
    said = not_saved_message(5, ["Name", "claims table, rows 2 and 4"])
    assert said == "Not saved: 5 problems to fix (Name; claims table, rows 2 and 4). Your edits are kept."


@pytest.mark.parametrize(
    ("typed", "tolerance"), [("10%", 0.1), ("0%", 0.0), ("0", 0.0), (" 0.0 % ", 0.0), ("", None)]
)
def test_a_tolerance_reads_like_a_share_but_zero_is_allowed(typed, tolerance):
    assert read_tolerance(typed) == tolerance


def test_a_tolerance_above_100_percent_is_refused():
    with pytest.raises(CellError):
        read_tolerance("150%")


def test_the_guided_editors_answers_keep_only_the_fields_the_form_uses():
    answers = {
        "text": "95% of invoices go out on time", "form": "share", "benefit": "time", "metric": "on_time",
        "claimed": 0.0, "unit": "", "direction": "higher", "share": 0.95, "competitor": "Rival", "ratio": 2.0,
        "id": "", "tolerance": 0.1, "money_per_unit": None, "importance": 1.0,
    }  # fmt: skip
    data = claim_from_answers(answers, None, {"95-of-invoices-go-out-on-time"})
    assert data == {
        "id": "95-of-invoices-go-out-on-time-2", "text": answers["text"], "form": "share", "benefit": "time",
        "metric": "on_time", "claimed": 0.0, "direction": "higher", "share": 0.95, "tolerance": 0.1,
        "importance": 1.0,
    }  # fmt: skip
    comparative = claim_from_answers(dict(answers, form="comparative"), "fast", set())
    assert (
        comparative["id"] == "fast" and comparative["ratio"] == 2.0 and comparative["competitor"] == "Rival"
    )
    assert "share" not in comparative
    puffery = claim_from_answers(dict(answers, form="puffery", id="best"), None, set())
    assert puffery["id"] == "best" and not {"metric", "claimed", "share", "competitor", "ratio"} & set(
        puffery
    )
    assert parse_proposition(dict(sample().to_dict(), claims=[data])).claims[0].share == 0.95
