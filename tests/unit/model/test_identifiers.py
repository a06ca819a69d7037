"""The one slug rule, against hand-written expectations."""

from __future__ import annotations

import pytest

from valuegap.model.identifiers import slug


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("Saves 5 h a week!", {}, "saves-5-h-a-week"),
        ("  Value map  ", {}, "value-map"),
        ("Hours saved", {"separator": "_"}, "hours_saved"),
        ("€ / %", {}, ""),  # nothing to keep: the caller picks a fallback
        ("Café crème", {}, "caf-cr-me"),  # letters outside a-z separate words
        ("first-invoice within a week", {"limit": 20}, "first-invoice-within"),  # cut at a word's end
        ("supercalifragilistic", {"limit": 5}, "super"),  # one long word is cut where it must be
        ("ab cd", {"limit": 5}, "ab-cd"),  # at the limit: kept whole
    ],
)
def test_slug(text, kwargs, expected):
    assert slug(text, **kwargs) == expected


def test_a_cut_slug_never_ends_with_a_separator():
    for limit in range(1, 30):
        made = slug("a b c d e f g h i j k l m n o p", limit=limit)
        assert len(made) <= limit and not made.endswith("-") and not made.startswith("-")
