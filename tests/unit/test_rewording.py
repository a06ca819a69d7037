"""Defensible rewording keeps the marketer's sentence and never promises more than the evidence."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegap.model import Claim
from valuegap.rewording import reword


def _claim(text: str, **fields) -> Claim:  # type: ignore[no-untyped-def]
    base = {"id": "c", "text": text, "benefit": "time", "form": "average", "metric": "m", "claimed": 5.0}
    return Claim.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("text", "fields", "defensible", "expected"),
    [
        ("Saves 5 hours a week on average", {}, 3.14, "Saves 3.1 hours a week on average"),
        ("Save up to 47% on heating", {"form": "up_to", "claimed": 47}, 31.6, "Save up to 31% on heating"),
        ("Setup takes 2 days", {"claimed": 2, "direction": "lower"}, 2.64, "Setup takes 2.7 days"),
        ("Spara 3,5 h i veckan", {"claimed": 3.5}, 2.81, "Spara 2,8 h i veckan"),
        ("Saves $1,200 a year", {"claimed": 1200, "benefit": "money"}, 987.6, "Saves $987 a year"),
        ("From 5 to 5 stars: 5 hours saved", {}, 4.2, "From 4.2 to 5 stars: 5 hours saved"),
    ],
)
def test_rewording_keeps_the_sentence(text: str, fields: dict, defensible: float, expected: str) -> None:
    result = reword(_claim(text, **fields), defensible)
    assert result.changed and result.text == expected


def test_shares_in_percent_and_out_of() -> None:
    claim = _claim("95% of orders arrive on time", form="share", claimed=0, share=0.95)
    result = reword(claim, 0.873)
    assert (result.text, result.value) == ("87% of orders arrive on time", 0.87)
    claim = _claim("9 out of 10 customers send an invoice in 2 days", form="share", claimed=2, share=0.9)
    assert reword(claim, 0.81).text == "8 out of 10 customers send an invoice in 2 days"


@pytest.mark.parametrize(
    ("claim", "why"),
    [
        (_claim("Saves lots of time"), "no number in the text matches"),
        (_claim("Best choice", form="puffery", claimed=None, metric=None), "puffery"),
        (_claim("As good as Rival", form="parity", competitor="Rival", ratio=1, claimed=1), "parity"),
    ],
)
def test_nothing_safe_to_replace(claim: Claim, why: str) -> None:
    result = reword(claim, 3.0)
    assert not result.changed and result.text == claim.text and why in result.reason


@given(st.floats(0.01, 4.99), st.sampled_from(["higher", "lower"]))
def test_written_number_is_never_stronger_than_the_evidence(defensible: float, direction: str) -> None:
    claim = _claim("Saves 5 hours a week", direction=direction)
    result = reword(claim, defensible)
    if not result.changed:
        return
    written = float(re.search(r"\d+(?:\.\d+)?", result.text).group())  # type: ignore[union-attr]
    assert written == result.value
    assert written <= defensible + 1e-9 if direction == "higher" else written >= defensible - 1e-9
