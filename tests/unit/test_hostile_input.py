"""Hostile documents (issue 20, "Hardening"): bounded messages, refused anchors, depth and numbers.

The files themselves live in tests/hostile.py; the reliability suite runs them through the CLI and
the app and measures time and memory. Here the pieces are checked one by one.
"""

from __future__ import annotations

import json
import math
import sys
import time
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import hostile
from tests.conftest import sample, sample_data
from valuegap.cli import PROBLEMS_SHOWN, _one_line, main
from valuegap.errors import QUOTE_LIMIT, InvalidInput, Problem, ValueGapError, quote, shorten
from valuegap.market import offer_files
from valuegap.market.competition import MAX_ATTRIBUTES, parse_offers
from valuegap.model import proposition_files
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.research import gabor_granger, read_survey
from valuegap.pricing.scenarios import Scenario


def laughs_value(levels: int = 9) -> list:
    """What the billion-laughs file expands to, built the same way (shared lists, 9**levels strings)."""
    value: list = ["lol"] * 9
    for _ in range(levels - 1):
        value = [value] * 9
    return value


# ----------------------------------------------------------------------------- quote and shorten


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=40,
    )
)
def test_quote_is_repr_when_short_and_never_longer_than_the_limit(value):
    text = quote(value)
    assert len(text) <= QUOTE_LIMIT
    if len(repr(value)) <= 20 and not isinstance(value, list | dict):
        assert text == repr(value)


def test_quote_of_a_billion_laughs_is_short_and_costs_microseconds():
    value = laughs_value(9)  # repr() of it is ~3.5 GB
    started = time.perf_counter()
    text = quote(value)
    assert time.perf_counter() - started < 0.05
    assert len(text) <= QUOTE_LIMIT and text.startswith("[[[[")


def test_quote_cuts_long_text_and_marks_the_cut():
    assert quote("x" * 10_000_000) == repr("x" * 55) + "…"
    assert quote("abc") == "'abc'" and quote("line\nbreak") == "'line\\nbreak'"
    assert quote("y" * 1000, limit=20) == repr("y" * 15) + "…"


def test_quote_describes_an_integer_too_long_to_print():
    # Python refuses to turn an integer of more than 4,300 digits into text (sys.int_info)
    assert quote(10**5000) == "a whole number of about 5,001 digits"
    assert quote(-(10**5000)) == "a negative whole number of about 5,001 digits"
    assert quote(12345) == "12345" and quote(10**50) == str(10**50)


def test_quote_of_a_value_whose_repr_fails_names_its_type():
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert quote(Broken()) == "<Broken>"


def test_shorten_keeps_one_line_and_looks_at_the_head_only():
    assert shorten("a\nb\tc") == "a b c"
    assert shorten("k" * 1_000_000, 10) == "k" * 9 + "…"
    assert shorten("short") == "short"


# ----------------------------------------------------------------------------- YAML anchors and aliases


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (hostile.laughs(9).decode(), "line 2, column 6", "an anchor (&a)"),
        ("name: &n x\nprice: {amount: 1}\n", "line 1, column 7", "an anchor (&n)"),
        ("name: x\nprice: *p\n", "line 2, column 8", "an alias (*p)"),
        ("base: &b {amount: 1}\nprice:\n  <<: *b\n", "line 1, column 7", "an anchor (&b)"),
    ],
)
def test_yaml_anchors_and_aliases_are_refused_naming_the_line(text, where, what):
    with pytest.raises(ValueGapError) as info:
        proposition_files.load_data(text, "yaml", source="p.yaml")
    message = info.value.message
    assert message.startswith(f"p.yaml: {where} has {what}; these files take no YAML anchors")
    assert "Write the value out in full" in message


def test_a_value_used_twice_is_written_out_twice_not_as_an_alias():
    shared = {"amount": 5, "currency": "EUR"}
    text = proposition_files.dump_data({"a": shared, "b": shared, "c": [shared, shared]})
    assert "&" not in text and "*" not in text
    assert proposition_files.load_data(text, source="x") == {"a": shared, "b": shared, "c": [shared, shared]}


def test_the_loader_is_a_safe_loader():
    assert issubclass(proposition_files.DocumentLoader, yaml.SafeLoader)
    with pytest.raises(ValueGapError, match="not valid YAML"):
        proposition_files.load_data("!!python/object/apply:os.system ['true']\n", source="x")


# ----------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused(fmt):
    limit = proposition_files.MAX_DEPTH
    assert proposition_files.load_data("[" * limit + "]" * limit, fmt, source="x") is not None
    with pytest.raises(ValueGapError) as info:
        proposition_files.load_data("[" * (limit + 1) + "]" * (limit + 1), fmt, source="x")
    assert info.value.message.startswith(f"x: the file nests lists and mappings more than {limit} levels")


@pytest.mark.parametrize(
    "name", ["deep.yaml", "deep-closed.yaml", "deep-map.yaml", "deep.json", "deep-closed.json"]
)
def test_fifty_thousand_levels_are_refused_without_recursing(name):
    data = hostile.proposition_payloads()[name]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the refusal must not depend on how deep Python may recurse
    try:
        with pytest.raises(ValueGapError, match="nests lists and mappings more than 32 levels deep"):
            proposition_files.loads(data, proposition_files.format_for(name), source=name)
    finally:
        sys.setrecursionlimit(limit)


def test_a_yaml_depth_error_names_the_line_and_column():
    text = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)) + "  " * 40 + "v\n"
    with pytest.raises(ValueGapError, match=r"more than 32 levels deep at line 33, column 65;"):
        proposition_files.load_data(text, source="x")


# ----------------------------------------------------------------------------- size in values


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_file_of_more_than_the_value_limit_is_refused(fmt):
    limit = proposition_files.MAX_NODES
    fits = json.dumps(list(range(limit - 1)))  # the list itself is a value too
    assert len(proposition_files.load_data(fits, fmt, source="x")) == limit - 1
    with pytest.raises(ValueGapError, match=f"the file holds more than {limit:,} values"):
        proposition_files.load_data(json.dumps(list(range(limit))), fmt, source="x")


def test_a_large_real_proposition_is_well_within_the_limits():
    claims = [dict(sample_data()["claims"][0], id=f"c{i}") for i in range(300)]
    prop = parse_proposition(sample_data(claims=claims))
    for fmt in ("yaml", "json"):
        assert proposition_files.loads(proposition_files.dumps(prop, fmt), fmt) == prop


# ----------------------------------------------------------------------------- numbers beyond a float


@pytest.mark.parametrize(
    ("name", "path", "shown"),
    [
        ("big-int.yaml", "price.amount", "the number 9999999999999999999… (5,000 characters) on line 2"),
        ("big-int.json", "price.amount", "the number 9999999999999999999… (5,000 characters)"),
        ("big-float.yaml", "price.amount", "the number 1.0e+400 (8 characters) on line 2"),
        ("big-float.json", "price.amount", "the number 1e400 (5 characters)"),
        ("sexagesimal.yaml", "horizon", "the number 1:0:0:0:0:0:0:0:0:0… (800,001 characters) on line 2"),
    ],
)
def test_numbers_beyond_a_float_are_refused_naming_their_field(name, path, shown):
    data = hostile.proposition_payloads()[name]
    with pytest.raises(InvalidInput) as info:
        proposition_files.loads(data, proposition_files.format_for(name), source=name)
    [problem] = info.value.problems
    assert problem.path == path
    assert problem.message == (
        f"{shown} is beyond the range of numbers this app reads (about ±1.8e308); write a smaller "
        "number, or one in a larger unit"
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_largest_float_is_read_and_the_next_integer_up_is_not(fmt):
    largest = int(sys.float_info.max)  # 309 digits
    assert proposition_files.load_data(f"[{largest}]", fmt, source="x") == [largest]
    with pytest.raises(InvalidInput, match=r"\[1\]: the number .*\(309 characters\)"):
        proposition_files.load_data(
            f"[{largest + 2**970}]", fmt, source="x"
        )  # the next float up, as an integer


def test_every_out_of_range_number_is_listed_with_keys_and_hex():
    text = f"a: 0x{'f' * 300}\nb: [1, 2.0e+999]\n{'9' * 500}: x\n"
    with pytest.raises(InvalidInput) as info:
        proposition_files.load_data(text, source="x")
    assert [p.path for p in info.value.problems] == ["", "a", "b[2]"]
    assert info.value.problems[0].message.startswith("a key, the number 999")


def test_infinity_written_as_such_is_left_to_the_field_check():
    assert proposition_files.load_data("[.inf, -.inf]", source="x") == [math.inf, -math.inf]
    with pytest.raises(InvalidInput, match=r"price\.amount: must be a finite number"):
        proposition_files.loads("name: x\nprice: {amount: .inf}\n")


# ----------------------------------------------------------------------------- messages quote cut input


@pytest.mark.parametrize(
    "text",
    [
        "name: " + "[" * 30 + "1" + "]" * 30 + "\nprice: {amount: 1}\n",
        'name: x\nprice: {amount: "' + "1" * 100_000 + '"}\n',
        "name: x\nprice: {amount: 1, currency: " + "Q" * 100_000 + "}\n",
        "name: x\nprice: {amount: 1, period: " + "p" * 100_000 + "}\n",
        "name: x\nprice: {amount: -" + "1" * 300 + "}\nhorizon: " + "7" * 300 + "\n",
        "name: x\nprice: {amount: 1}\nclaims:\n - {id: "
        + "Z" * 100_000
        + ", text: t, benefit: time, form: puffery}\n",
        "name: x\nprice: {amount: 1}\nclaims:\n - {id: ["
        + "1," * 5000
        + "], text: t}\n - {id: [1], text: u}\n",
    ],
)
def test_proposition_messages_quote_what_was_given_cut_short(text):
    with pytest.raises(InvalidInput) as info:
        proposition_files.loads(text)
    for problem in info.value.problems:
        assert len(str(problem)) < 250, str(problem)


def test_the_laughs_expanded_into_a_field_give_a_short_message():
    # the data as a loader without the alias refusal would give it: the message must still be short
    data = {"name": laughs_value(9), "price": {"amount": 1}, "junk": laughs_value(9)}
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as info:
        parse_proposition(data)
    assert time.perf_counter() - started < 1.0
    assert [p.path for p in info.value.problems] == ["name", "junk"]
    assert str(info.value.problems[0]) == "name: must be text (got a list)"
    assert all(len(str(p)) < 120 for p in info.value.problems)


# ----------------------------------------------------------------------------- offers


def offers_data(**changes: object) -> dict:
    data: dict = {
        "attributes": {"Speed": 60, "Support": 40},
        "offers": [
            {"name": "Us", "price": 10, "ours": True, "scores": {"Speed": 8, "Support": 6}},
            {"name": "Them", "price": 12, "scores": {"Speed": 6, "Support": 7}},
        ],
    }
    return data | changes


def test_an_offer_missing_scores_is_one_problem_naming_the_first_attributes():
    attributes = {f"a{i}": 1 for i in range(MAX_ATTRIBUTES)}
    offers = [{"name": f"o{i}", "price": 1, "scores": {}} for i in range(300)]
    with pytest.raises(InvalidInput) as info:
        parse_offers({"attributes": attributes, "offers": offers})
    assert len(info.value.problems) == 300
    assert str(info.value.problems[0]) == (
        "offers[1 (o0)].scores: misses a0, a1, a2, a3, a4, a5, a6, a7 and 92 more: score every attribute"
    )


def test_a_few_missing_scores_are_named_one_by_one():
    data = offers_data()
    data["offers"][1]["scores"] = {}
    with pytest.raises(InvalidInput) as info:
        parse_offers(data)
    assert [str(p) for p in info.value.problems] == [
        "offers[2 (Them)].scores.Speed: is missing: score every attribute",
        "offers[2 (Them)].scores.Support: is missing: score every attribute",
    ]


def test_more_attributes_than_the_limit_are_refused_at_once():
    attributes = {f"a{i}": 100 / (MAX_ATTRIBUTES + 1) for i in range(MAX_ATTRIBUTES + 1)}
    with pytest.raises(InvalidInput) as info:
        parse_offers(offers_data(attributes=attributes))
    assert str(info.value.problems[0]) == (
        f"attributes: the file lists {MAX_ATTRIBUTES + 1} attributes; compare offers on at most "
        f"{MAX_ATTRIBUTES} (keep the ones customers weigh most)"
    )


def test_an_offers_table_with_too_many_attribute_columns_is_refused_before_its_rows_are_read():
    columns = ["name", "price", *(f"a{i}" for i in range(MAX_ATTRIBUTES + 1))]
    table = pd.DataFrame([["importance", None, *([1] * (MAX_ATTRIBUTES + 1))]], columns=columns)
    with pytest.raises(InvalidInput, match=f"the table has {MAX_ATTRIBUTES + 1} attribute columns"):
        offer_files.parse_offers_table(table, source="t.csv")


@pytest.mark.parametrize(
    "change",
    [
        {"attributes": {"Speed": "x" * 100_000, "Support": 40}},
        {"attributes": {"S" * 100_000: 60, "Support": 40}},
        {"colour" * 20_000: 1},
    ],
)
def test_offers_messages_quote_what_was_given_cut_short(change):
    data = offers_data() | change
    data["offers"][0]["price"] = ["p" * 100_000]
    data["offers"][1]["ours"] = "o" * 100_000
    data["offers"][1]["scores"]["Speed"] = {"k": "v" * 100_000}
    data["offers"][1]["scores"]["x" * 100_000] = 1
    with pytest.raises(InvalidInput) as info:
        parse_offers(data)
    assert len(info.value.problems) >= 4
    for problem in info.value.problems:
        assert len(str(problem)) < 250, str(problem)


@pytest.mark.parametrize(
    "name",
    [
        "offers-laughs.yaml",
        "offers-deep.json",
        "offers-big.yaml",
        "offers-grid.yaml",
        "offers-grid.json",
        "offers-wide.json",
    ],
)
def test_hostile_offers_files_are_refused_quickly_with_a_short_message(name):
    started = time.perf_counter()
    with pytest.raises(ValueGapError) as info:
        offer_files.loads(hostile.offers_payloads()[name], name)
    assert time.perf_counter() - started < 5
    assert info.value.message.startswith(f"{name}: ") and len(info.value.message) < 300


# ----------------------------------------------------------------------------- scenarios


def test_scenario_messages_quote_what_was_given_cut_short():
    with pytest.raises(InvalidInput) as info:
        Scenario.from_dict({"name": "s", "price": 10**400, "claims": {"c": "z" * 100_000}})
    messages = {problem.path: problem.message for problem in info.value.problems}
    assert messages["price"] == "must be a number (got a whole number of about 401 digits)"
    assert messages["claims.c"] == f"must be a number (got {'z' * 55!r}…)"


# ----------------------------------------------------------------------------- Gabor-Granger near 1e308


def reference_revenue(answers: list[float]) -> list[tuple[float, float]]:
    """Price and revenue per respondent at each distinct positive answer, in exact fractions."""
    n = len(answers)
    prices = sorted({a for a in answers if a > 0})
    return [(p, float(Fraction(p) * Fraction(sum(a >= p for a in answers), n))) for p in prices]


@pytest.mark.parametrize(
    "answers",
    [
        [1e308, 1.5e308, 1.7e308, 1e308],
        [sys.float_info.max] * 3 + [1.0],
        [1e308, 1e308, 5e307, 0.0, 1.79e308],
    ],
)
def test_gabor_granger_with_prices_near_the_largest_float_gives_finite_revenue(answers):
    frame = pd.DataFrame({"max_price": answers})
    result = gabor_granger(frame)
    expected = reference_revenue(answers)
    assert result.demand["price"].tolist() == [p for p, _ in expected]
    assert result.demand["revenue"].tolist() == pytest.approx([r for _, r in expected], rel=1e-15)
    best_price, best_revenue = max(expected, key=lambda pr: (pr[1], -pr[0]))
    assert (result.best_price, result.best_revenue) == (best_price, pytest.approx(best_revenue, rel=1e-15))
    assert all(math.isfinite(v) for v in json.loads(json.dumps(result.summary()))["demand"][0].values())


def test_gabor_granger_profit_near_the_largest_float_is_finite():
    result = gabor_granger(pd.DataFrame({"max_price": [1.7e308, 1e308]}), unit_cost=1e308)
    assert result.demand["profit"].tolist() == [0.0, pytest.approx(0.7e308 * 0.5, rel=1e-15)]
    assert result.profit_price == 1.7e308


def test_a_tested_price_column_beyond_float_range_is_refused_naming_it():
    big = "9" * 400
    frame = read_survey(f"p_10,p_{big}\n1,1\n1,0\n".encode(), "gg.csv")
    with pytest.raises(ValueGapError) as info:
        gabor_granger(frame)
    assert info.value.message == (
        "gg.csv: column(s) p_9999999999999999999999999999999999999… name a price beyond the range of "
        "numbers this app reads (about 1.8e308); name each 0/1 column by the price it tested."
    )


# ----------------------------------------------------------------------------- the CLI's error line


def test_one_line_shows_the_first_problems_and_counts_the_rest():
    problems = [Problem(f"k{i}", "is not a known field") for i in range(PROBLEMS_SHOWN + 5)]
    line = _one_line(InvalidInput(problems, source="p.yaml"))
    assert line.startswith("p.yaml: k0: is not a known field; k1: ")
    assert line.endswith(
        f"k{PROBLEMS_SHOWN - 1}: is not a known field; "
        "and 5 more problems (fix these and run again to see the rest)"
    )
    assert "\n" not in _one_line(ValueGapError("two\nlines\r\nhere"))


def test_a_recursion_error_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    path = tmp_path / "p.yaml"
    proposition_files.write(sample(), path)

    def too_deep(_path: Path):  # type: ignore[no-untyped-def]
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(proposition_files, "read", too_deep)
    assert main(["lint", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("valuegap: an input file nests too deeply to read;")


@pytest.mark.parametrize("name", ["laughs.yaml", "deep.json", "big-int.yaml", "many-keys.json"])
def test_cli_lint_of_a_hostile_file_is_one_short_line_and_exit_2(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(hostile.proposition_payloads()[name])
    assert main(["lint", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"valuegap: {path}: ") and len(captured.err) < 100_000


@pytest.mark.parametrize(
    ("text", "path"),
    [("!!set {%s: null}" % ("9" * 500), "[1]"), ("!!omap [{a: %s}]" % ("9" * 500), "[1][2]")],
)
def test_numbers_beyond_a_float_inside_yaml_sets_and_ordered_maps_are_found(text, path):
    with pytest.raises(InvalidInput) as info:
        proposition_files.load_data(text, source="x")
    assert [p.path for p in info.value.problems] == [path]


def test_a_message_lists_the_first_problems_and_counts_the_rest():
    from valuegap.errors import PROBLEMS_LISTED

    problems = [Problem(f"k{i}", "is not a known field") for i in range(9_000)]
    error = InvalidInput(problems, source="p.json")
    assert error.message.startswith("p.json: 9,000 problems: (1) k0: is not a known field; (2) k1: ")
    assert error.message.endswith(
        f"({PROBLEMS_LISTED}) k{PROBLEMS_LISTED - 1}: is not a known field; and "
        f"{9_000 - PROBLEMS_LISTED:,} more: fix these and try again to see them"
    )
    assert len(error.message) < 50 * PROBLEMS_LISTED and len(error.in_words) < 50 * PROBLEMS_LISTED
    assert len(error.problems) == 9_000  # all kept for the CLI and for callers that count them
