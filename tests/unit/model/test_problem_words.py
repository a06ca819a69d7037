"""The one translator of pydantic's errors into words (model.proposition.problems_of), fed real
validation errors from the three things it checks: propositions, offers files and stored scenarios.

A blank value (None, NaN from an empty table cell, text of only spaces) "is missing" or "is empty";
anything else given is echoed in words; no message carries Python's words (None, True, a dict or list
repr, nan, an error type name such as float_parsing, pydantic's "Input should be")."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import sample_data
from valuegap.errors import InvalidInput
from valuegap.market.competition import parse_offers
from valuegap.model.proposition import blank_kind, given_in_words, parse_proposition
from valuegap.pricing.scenarios import Scenario

PYTHON_WORDS = re.compile(
    r"None|True|False|\bnan\b|\binf\b|[{}\[\]]|_parsing|_type\b|Input should|Value error|input_value"
)
BLANKS = [None, math.nan, np.float64("nan"), "", "   "]
ODD_VALUES = [True, False, {"a": 1}, [1, 2], ("x",), "abc", math.inf, -math.inf, -5, 10**400]


def words_of(parse, data) -> dict[str, str]:
    """Every problem as the app shows it, by its place in words."""
    with pytest.raises(InvalidInput) as info:
        parse(data)
    return {problem.where or problem.path: problem.message for problem in info.value.problems}


def assert_plain(messages: dict[str, str]) -> None:
    for place, message in messages.items():
        assert not PYTHON_WORDS.search(f"{place}: {message}"), f"{place}: {message}"


def offers_with(value) -> dict:
    return {
        "attributes": {"Speed": 50, "Cost": value},
        "offers": [
            {"name": "FreshCrate", "price": value, "ours": value, "scores": {"Speed": value, "Cost": 1}},
            {"name": "Rival", "price": 3, "scores": {"Speed": 1, "Cost": 1}},
        ],
    }


# ----------------------------------------------------------------------------- blank values


@pytest.mark.parametrize("blank", [None, math.nan, np.float64("nan")])
def test_an_offer_without_a_price_is_missing_one_not_none(blank):
    found = words_of(parse_offers, offers_with(blank))
    assert found["Offer 1 (FreshCrate), price"] == "is missing: it must be a number greater than 0"
    assert found["Importance weight of Cost"] == "is missing: it must be a number of at least 0"
    assert found["Offer 1 (FreshCrate), ours (our own offer)"] == "is missing: it must be true or false"
    assert_plain(found)


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_offer_with_an_empty_price_says_it_is_empty(blank):
    found = words_of(parse_offers, offers_with(blank))
    assert found["Offer 1 (FreshCrate), price"] == "is empty: it must be a number greater than 0"
    assert found["Offer 1 (FreshCrate), score for Speed"] == "is empty: it must be a number of at least 0"
    assert_plain(found)


@pytest.mark.parametrize("blank", [None, math.nan])
def test_blank_proposition_fields_are_missing(blank):
    data = sample_data(name=blank, horizon=blank)
    data["price"]["amount"] = blank
    data["price"]["currency"] = blank
    data["claims"][0]["text"] = blank
    data["claims"][0]["form"] = blank
    data["claims"][1]["share"] = blank
    found = words_of(parse_proposition, data)
    assert found["Name"] == "is missing"
    assert found["Horizon"] == "is missing"
    assert found["Price"] == "is missing"
    assert found["Currency"] == "is missing"
    assert found["Claim 1 (paid-sooner), claim as written in the copy"] == "is missing"
    assert found["Claim 1 (paid-sooner), form"].startswith("is missing: it must be one of 'average', ")
    if blank is not None:  # None is "no share", which the share form then requires in words
        assert found["Claim 2 (on-time), share of customers"] == "is missing"
    assert_plain(found)


def test_empty_text_in_proposition_fields_is_empty():
    data = sample_data(name="  ", horizon="")
    data["price"]["amount"] = ""
    data["price"]["currency"] = ""
    data["claims"][0]["claimed"] = " "
    found = words_of(parse_proposition, data)
    assert found == {
        "Name": "is empty",
        "Horizon": "is empty",
        "Price": "is empty",
        "Currency": "is empty",
        "Claim 1 (paid-sooner), claimed value": "is empty",
    }


@pytest.mark.parametrize("blank", BLANKS)
def test_blank_amounts_of_a_stored_scenario_are_missing_or_empty(blank):
    found = words_of(
        Scenario.from_dict, {"name": "s", "price": 9, "access": {"setup": blank}, "claims": {"c": blank}}
    )
    word = "empty" if isinstance(blank, str) else "missing"
    assert found == {"Cost-of-access item setup": f"is {word}", "Promised value of claim c": f"is {word}"}


def test_a_stored_scenario_with_a_blank_version_says_what_a_version_is():
    found = words_of(Scenario.from_dict, {"name": "s", "version": math.nan})
    assert found == {"Proposition version": "is missing: it must be a whole number of at least 1"}


# ----------------------------------------------------------------------------- other values, in words


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_nothing_a_user_gives_comes_back_in_python_words(odd):
    data = sample_data(name=odd, horizon=odd)
    data["price"]["amount"] = odd
    data["claims"][0]["claimed"] = odd
    data["claims"][0]["form"] = odd
    assert_plain(words_of(parse_proposition, data))
    assert_plain(words_of(parse_offers, offers_with(odd)))
    stored = {"name": "s", "price": odd, "access": {"setup": odd}, "claims": {"c": odd}, "version": odd}
    assert_plain(words_of(Scenario.from_dict, stored))


def test_an_offer_price_too_large_for_a_number_is_refused_in_words():
    found = words_of(parse_offers, offers_with(10**400))
    assert found["Offer 1 (FreshCrate), price"] == (
        "must be a number greater than 0 (got a whole number of about 401 digits)"
    )


def test_values_given_are_echoed_in_words():
    found = words_of(parse_offers, offers_with({"a": 1}))
    assert found["Offer 1 (FreshCrate), price"] == "must be a number greater than 0 (got a mapping of fields)"
    found = words_of(parse_offers, offers_with(True))
    assert found["Offer 1 (FreshCrate), price"] == "must be a number greater than 0 (got true)"
    found = words_of(parse_offers, offers_with(-3.0))
    assert found["Offer 1 (FreshCrate), price"] == "must be a number greater than 0 (got -3)"
    data = sample_data(name=["x"])
    data["price"]["amount"] = math.inf
    data["price"]["period"] = "fortnight"
    found = words_of(parse_proposition, data)
    assert found["Name"] == "must be text (got a list)"
    assert found["Price"] == "must be a finite number (got infinity)"
    assert found["Price period"].endswith("(got 'fortnight')")
    found = words_of(Scenario.from_dict, {"name": "s", "version": True, "price": "abc"})
    assert found == {
        "Proposition version": "must be a whole number of at least 1 (got true)",
        "Price": "must be a number (got 'abc')",
    }


def test_a_required_field_left_out_names_the_kind_of_claim_in_words():
    data = sample_data()
    del data["claims"][0]["claimed"]
    data["claims"][1].pop("share")
    found = words_of(parse_proposition, data)
    assert found["Claim 1 (paid-sooner), claimed value"] == (
        "is required for an average claim (“on average …”): the promised value"
    )
    assert found["Claim 2 (on-time), share of customers"].startswith(
        "is required for a share-of-customers claim"
    )
    assert_plain(found)


def test_every_problem_is_still_listed():
    data = sample_data(name=None)
    data["price"]["amount"] = math.nan
    data["claims"][0]["claimed"] = ""
    with pytest.raises(InvalidInput) as info:
        parse_proposition(data)
    assert info.value.in_words == (
        "3 problems: (1) Name: is missing; (2) Price: is missing; "
        "(3) Claim 1 (paid-sooner), claimed value: is empty"
    )


# ----------------------------------------------------------------------------- the two helpers


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "missing"), (math.nan, "missing"), (np.float64("nan"), "missing"), ("", "empty"),
     (" \t", "empty"), (0, None), (0.0, None), ("0", None), (False, None), ([], None)],
)  # fmt: skip
def test_blank_kind(value, kind):
    assert blank_kind(value) == kind


@pytest.mark.parametrize(
    ("value", "words"),
    [(True, "true"), (False, "false"), (3.0, "3"), (-5, "-5"), (2.5, "2.5"), (math.inf, "infinity"),
     (-math.inf, "minus infinity"), ({"a": 1}, "a mapping of fields"), ([1], "a list"), ((1,), "a list"),
     ("abc", "'abc'"), (None, "nothing"), (10**400, "a whole number of about 401 digits"),
     (np.int64(7), "7"), (np.float64(2.0), "2"), (np.bool_(True), "true")],
)  # fmt: skip
def test_given_in_words(value, words):
    assert given_in_words(value) == words


def test_a_stored_scenario_s_problems_name_their_place_in_words():
    stored = {
        "name": "Price +15%",
        "price": None,
        "access": {"setup-fee": "abc"},
        "claims": {"paid": math.nan},
    }
    stored["version"] = 0
    with pytest.raises(InvalidInput) as info:
        Scenario.from_dict(stored)
    assert info.value.in_words == (
        "scenario 'Price +15%': 3 problems: (1) Cost-of-access item setup-fee: must be a number (got 'abc'); "
        "(2) Promised value of claim paid: is missing; (3) Proposition version: must be a whole number of "
        "at least 1 (got 0)"
    )
    assert str(info.value).startswith("scenario 'Price +15%': 3 problems: (1) access.setup-fee: ")


_ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="abc xyz", max_size=6), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(alphabet="ab", max_size=2), st.integers(), max_size=2),
)  # fmt: skip
_FIELDS = ("name", "horizon", "value_of_time", "price.amount", "price.currency", "claims.0.claimed",
           "claims.0.form", "claims.0.text", "claims.1.share", "cost_of_access.0.amount")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(_FIELDS), value=_ANY_VALUE)
def test_no_value_in_any_field_gives_a_message_in_python_words(field, value):
    data = sample_data()
    *parents, last = field.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    try:
        parse_proposition(data)
    except InvalidInput as error:
        for problem in error.problems:
            assert not PYTHON_WORDS.search(problem.message), (field, value, problem.message)
