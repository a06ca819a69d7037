"""Numbers, prices and user text made ready for display."""

from __future__ import annotations

import re

from valuegap.model import Price

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


def format_money(amount: float, currency: str) -> str:
    decimals = 0 if abs(amount) >= 1000 or float(amount).is_integer() else 2
    return f"{currency} {amount:,.{decimals}f}"


def format_price(price: Price) -> str:
    """``USD 49 / month``."""
    return f"{format_money(price.amount, price.currency)} / {_PERIOD_WORDS[price.period.value]}"


def escape_markdown(text: str) -> str:
    """Make user text safe to embed in ``st.markdown``: shown literally, never as markup or maths.

    "costs $5 and saves $20" would otherwise render as LaTeX; ``<img ...>`` and ``[x](y)`` as HTML
    and links.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
