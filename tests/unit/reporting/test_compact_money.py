"""Money on a metric tile: thousands and millions abbreviated, smaller amounts as format_money writes them."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from valuegap.reporting.formatting import format_money, format_money_compact


def test_large_amounts_are_abbreviated_and_small_ones_are_written_out():
    assert format_money_compact(1_234_567, "USD") == "USD 1.23M"
    assert format_money_compact(-2_500_000, "BRL") == "-BRL 2.50M"
    assert format_money_compact(12_345, "EUR") == "EUR 12.3k"
    assert format_money_compact(10_000, "EUR") == "EUR 10.0k"
    assert format_money_compact(9_999, "EUR") == "EUR 9,999.00"
    assert format_money_compact(49.5, "USD") == "USD 49.50"


def test_the_sign_goes_before_the_currency_as_on_a_delta():
    """Screenshot review: tiles read "USD -186.1 k" while deltas read "-USD 3.40"; one rule now."""
    assert format_money_compact(-186_120.26, "USD") == "-USD 186.1k"
    assert format_money_compact(-186_120.26, "USD", signed=True) == "-USD 186.1k"
    assert format_money_compact(273_300, "USD", signed=True) == "+USD 273.3k"
    assert format_money_compact(-3.4, "USD") == "-USD 3.40"
    assert format_money_compact(551, "USD") == "USD 551.00"  # beside "USD 547.60", not "USD 551"


def test_no_amount_is_a_dash_never_nan():
    assert format_money_compact(None, "USD") == "—"
    assert format_money_compact(math.nan, "USD") == "—"
    assert format_money_compact(math.inf, "USD") == "—"


@given(st.floats(min_value=-9_999.99, max_value=9_999.99))
def test_below_ten_thousand_it_is_format_money(amount: float):
    assert format_money_compact(amount, "USD") == format_money(amount, "USD")


@given(st.floats(min_value=1e4, max_value=1e12))
def test_the_abbreviation_reads_back_to_the_amount(amount: float):
    shown = format_money_compact(amount, "USD").removeprefix("USD ")
    value = float(shown[:-1].replace(",", "")) * {"k": 1e3, "M": 1e6}[shown[-1]]
    assert abs(value - amount) <= 0.005 * amount + 50
