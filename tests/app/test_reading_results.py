"""AppTests of a screenshot review's findings on reading results (issue 19): money written one way,
counts with thousands separators, no developer text."""

from __future__ import annotations

import re

from tests.app.conftest import app_at

MONEY = re.compile(r"^-?[A-Z]{3} [\d,]+\.\d{2}$")  # "USD 547.60", "-USD 186,120.26"
COMPACT = re.compile(r"^[-+]?[A-Z]{3} ([\d,]+\.\d{2}|[\d,]+\.\d[k]|[\d,]+\.\d{2}M)$")


def test_the_value_gap_figures_have_two_decimals_each() -> None:
    at = app_at("4_gap_analysis.py", p="1", tab="Value gap")
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    for label in ("Promised benefit", "Realized benefit", "Price + cost of access"):
        assert MONEY.match(metrics[label]), (label, metrics[label])  # not "USD 551" beside "USD 547.60"


def test_the_exaggerations_money_gap_names_its_currency() -> None:
    at = app_at("4_gap_analysis.py", p="1", tab="Exaggerations")
    assert not at.exception and not at.error
    column = at.dataframe[0].value["gap_money"]
    gaps = [value for value in column if isinstance(value, str)]
    assert gaps and all(MONEY.match(value) for value in gaps), list(column)  # not a bare 12.06


def test_the_pricing_tiles_put_the_sign_before_the_currency() -> None:
    at = app_at("6_pricing.py", p="1")
    assert not at.exception and not at.error
    figures = {m.label: m.value for m in at.metric}
    money = [figures[label] for label in ("Net value", "Value gap", "Revenue at risk", "Promise kept")]
    assert all(COMPACT.match(value) for value in money), money  # not "USD -186.1 k"
    assert figures["Promise kept"].startswith("-USD ")
