from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from valuegap.formatting import escape_markdown, format_money, format_price
from valuegap.model import Price


def test_prices_read_naturally():
    assert format_price(Price(amount=49, currency="USD", period="month")) == "USD 49 / month"
    assert format_price(Price(amount=39.9, currency="BRL", period="month")) == "BRL 39.90 / month"
    assert format_money(12500.5, "EUR") == "EUR 12,500"


def test_user_text_cannot_become_markup_or_maths():
    text = "costs $5 and saves $20 <img src=x onerror=alert(1)> **bold** [link](http://x) `code` :smile:"
    escaped = escape_markdown(text)
    assert "\\$5" in escaped and "\\$20" in escaped
    assert "\\<img" in escaped and "\\*\\*bold\\*\\*" in escaped and "\\[link\\]\\(http" in escaped
    assert "\\:smile\\:" in escaped


@given(st.text())
def test_escaping_leaves_no_unescaped_special_character(text):
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\(.)", "", escaped.replace("  \n", ""))
    assert not set(unescaped) & set("\\`*_{}[]()<>#+-.!|~$:")
