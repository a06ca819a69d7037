"""Numbers, prices and user text made ready for display."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from valuegap.model.proposition import Price

_PERIOD_WORDS = {
    "order": "order",
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}
# Characters Markdown (and Streamlit's maths and emoji shortcodes) give meaning to.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# An invisible character that joins words: it breaks the patterns Streamlit applies after parsing.
_JOINER = "\u2060"
_WWW_DOT = re.compile(r"(?i)(www)(?=\\\.)")
# a ':' or '@' only starts a shortcode, icon, directive, URL scheme or address when something other
# than a space follows it; prose ("Imported x: 28,820 rows") keeps its plain colon, so the text a
# reader copies (and a test looks for) has no invisible character there
_COLON_OR_AT = re.compile(r"(?:\\:|@)(?=\S)")


def _sign(rounded: float, *, signed: bool) -> str:
    """The sign written before the currency: "-" below zero, "+" above it when ``signed``; none for an
    amount that rounds to zero, so nothing reads "-USD 0.00"."""
    if rounded < 0:
        return "-"
    return "+" if signed and rounded > 0 else ""


def format_money(amount: float, currency: str, *, signed: bool = False) -> str:
    """Money as every page, table and report writes it: the sign before the currency and always two
    decimals, ``USD 49.00``, ``-USD 186,120.26``; ``signed`` writes a "+" for a change, ``+USD 3.40``."""
    rounded = round(float(amount), 2)
    return f"{_sign(rounded, signed=signed)}{currency} {abs(rounded):,.2f}"


def format_money_compact(amount: float | None, currency: str, *, signed: bool = False) -> str:
    """Money short enough for a metric tile: from ten thousand on ``USD 12.3k``, ``-USD 1.25M``, else
    :func:`format_money`; a dash for no amount (or one that is not a finite number)."""
    if amount is None or not math.isfinite(amount):
        return "—"
    size = abs(amount)
    if size >= 1e6:
        shown = round(amount / 1e6, 2)
        return f"{_sign(shown, signed=signed)}{currency} {abs(shown):,.2f}M"
    if size >= 1e4:
        shown = round(amount / 1e3, 1)
        return f"{_sign(shown, signed=signed)}{currency} {abs(shown):,.1f}k"
    return format_money(amount, currency, signed=signed)


def format_price(price: Price) -> str:
    """``USD 49.00 / month``."""
    return f"{format_money(price.amount, price.currency)} / {_PERIOD_WORDS[price.period.value]}"


def escape_markdown(text: str) -> str:
    """Make user text safe anywhere Streamlit reads markdown: shown literally, never as markup.

    Used for ``st.markdown``/``st.caption``/alerts/toasts, widget labels, ``help=`` tooltips, metric,
    tab and expander labels. "costs $5 and saves $20" would otherwise render as KaTeX, ``<img ...>``
    and ``[x](y)``/``![x](y)`` as HTML, links and images (a viewer's browser fetching the URL).

    A backslash before every markdown character stops the parser, but three things in Streamlit's
    renderer act on the *text* after parsing, where the backslashes are gone: GFM autolinks
    (``http://…``, ``www.…``, ``a@b.c``), ``:material/…:`` icons and ``:emoji:`` shortcodes. For
    those no escape exists, so an invisible WORD JOINER (U+2060) goes after every ``:`` and ``@``
    that something other than a space follows, and between ``www`` and its dot: the words read and
    wrap the same, but the patterns no longer
    match. Checked in Chromium for every payload in every kind of element the app uses
    (tests/e2e/test_markup_payloads.py).
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = _COLON_OR_AT.sub(lambda match: match.group(0) + _JOINER, escaped)
    escaped = _WWW_DOT.sub(lambda match: match.group(1) + _JOINER, escaped)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "  \n")


PICKER_CHARACTERS = 25
"""Characters a dataset picker shows whole in its narrowest place (a third of the 620 px column of a 1024 px
screen, Gap analysis's "Outcome data")."""


def dataset_choice_label(
    name: str,
    version: int,
    uploaded_at: datetime,
    *,
    today: date,
    note: str = "",
    limit: int = PICKER_CHARACTERS,
) -> str:
    """A dataset as a picker names it: the name shortened with "…" so that version, upload day and ``note``
    stay whole within ``limit`` characters, e.g. ``Ledgerly invo… v1 · 7 Dec``; the year shows when it is
    not ``today``'s."""
    day = f"{uploaded_at.day} {uploaded_at:%b}"
    if uploaded_at.year != today.year:
        day += f" {uploaded_at.year}"
    tail = f" v{version} · {day}" + (f" · {note}" if note else "")
    room = max(limit - len(tail), 4)
    stripped = " ".join(name.split())
    shown = stripped if len(stripped) <= room else stripped[: room - 1].rstrip() + "…"
    return shown + tail
