from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from valuegap.model.proposition import Price
from valuegap.reporting.formatting import escape_markdown, format_money, format_price


def test_prices_read_naturally():
    assert format_price(Price(amount=49, currency="USD", period="month")) == "USD 49.00 / month"
    assert format_price(Price(amount=39.9, currency="BRL", period="month")) == "BRL 39.90 / month"
    assert format_money(12500.5, "EUR") == "EUR 12,500.50"


def test_money_has_two_decimals_and_its_sign_before_the_currency():
    assert format_money(551, "USD") == "USD 551.00"
    assert format_money(-186_120.26, "USD") == "-USD 186,120.26"
    assert format_money(3.4, "USD", signed=True) == "+USD 3.40"
    assert format_money(-0.001, "USD", signed=True) == "USD 0.00"  # never "-USD 0.00"


def test_user_text_cannot_become_markup_or_maths():
    text = "costs $5 and saves $20 <img src=x onerror=alert(1)> **bold** [link](http://x) `code` :smile:"
    escaped = escape_markdown(text)
    assert "\\$5" in escaped and "\\$20" in escaped
    assert "\\<img" in escaped and "\\*\\*bold\\*\\*" in escaped and "\\[link\\]\\(http" in escaped
    assert "\\:\u2060smile\\:" in escaped  # the closing colon ends the text: nothing can follow it


@given(st.text())
def test_escaping_leaves_no_unescaped_special_character(text):
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\(.)", "", escaped.replace("  \n", ""))
    assert not set(unescaped) & set("\\`*_{}[]()<>#+-.!|~$:")


@given(st.text())
def test_escaping_only_adds_backslashes_and_invisible_joiners(text):
    """What the reader sees is what the user typed: drop the joiners, undo the escapes, same text."""
    escaped = escape_markdown(text).replace("\u2060", "").replace("  \n", "\n")
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.S) == text.replace("\r\n", "\n").replace("\r", "\n")


def test_patterns_streamlit_applies_after_parsing_are_broken():
    """Autolinks, :material/…: icons and :emoji: shortcodes match the parsed text, escapes or not."""
    for text in ("http://127.0.0.2:9/bare", "www.example.invalid", "WWW.example.invalid", "a@b.example"):
        escaped = escape_markdown(text).replace("\\", "")
        assert not re.search(r"(?i)https?://|www\.|@\w", escaped), text
    assert ":material/home:" not in escape_markdown(":material/home:").replace("\\", "")
    assert ":red[" not in escape_markdown(":red[RED]").replace("\\", "")


def test_prose_colons_and_spaced_at_signs_stay_plain():
    """Only a ':' or '@' that something follows can start a shortcode, icon, URL or address: the
    colon of "Imported x: 28,820 rows" gets no invisible character, so copied text stays clean."""
    assert escape_markdown("Imported x v1: 28,820 rows kept.") == "Imported x v1\\: 28,820 rows kept\\."
    assert "\u2060" not in escape_markdown("mail me @ home")
    assert escape_markdown("a@b.example").startswith("a@\u2060b")
