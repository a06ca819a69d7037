"""Claim titles: the copy shortened at a word, against hand-written expectations."""

from __future__ import annotations

import pytest

from valuegap.model.claim_titles import TITLE_LENGTH, claim_title, claim_titles, short_title
from valuegap.model.proposition import BenefitKind, Claim, ClaimForm


def _claim(cid: str, text: str) -> Claim:
    return Claim(id=cid, text=text, benefit=BenefitKind.time, form=ClaimForm.puffery)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Get paid 9 days sooner, guaranteed", 42, "Get paid 9 days sooner, guaranteed"),  # fits: whole
        ("Invoicing that feels effortless.", 42, "Invoicing that feels effortless"),  # no closing full stop
        (
            "Saves you 5 hours of invoicing admin every month on average", 42,
            "Saves you 5 hours of invoicing admin…",  # "every" would make 43
        ),
        (
            "Playback starts instantly: 2 seconds for the typical viewer", 28,
            "Playback starts instantly…",  # the colon before the cut goes
        ),
        ("Subscribers  rate\ntheir evenings", 42, "Subscribers rate their evenings"),  # one line
        ("Supercalifragilisticexpialidocious savings", 12, "Supercalifr…"),  # one long word: cut inside it
        ("ab cd", 5, "ab cd"),  # exactly the limit: whole
        ("ab cde", 5, "ab…"),
    ],
)  # fmt: skip
def test_short_title(text, limit, expected):
    assert short_title(text, limit) == expected


def test_a_title_never_runs_past_its_limit_and_never_ends_in_a_space_or_comma():
    text = "Cuts your heating bill by up to 40%, with a free survey, a fixed price, and no mess left behind"
    for limit in range(2, len(text) + 5):
        title = short_title(text, limit)
        assert len(title) <= limit, (limit, title)
        assert title.rstrip("…") == title.rstrip("…").rstrip(" ,"), (limit, title)
        assert text.startswith(title.rstrip("…")), (limit, title)


def test_too_small_a_limit_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        short_title("anything", 1)


def test_a_claims_title_is_its_copy_shortened():
    claim = _claim("hours-saved", "Saves you 5 hours of invoicing admin every month on average")
    assert claim_title(claim) == "Saves you 5 hours of invoicing admin…"
    assert len(claim_title(claim)) <= TITLE_LENGTH


def test_titles_that_would_read_the_same_keep_their_ids():
    claims = [
        _claim("fast-a", "Installed in 3 days, start to finish, by our own certified team of fitters"),
        _claim("fast-b", "Installed in 3 days, start to finish, by our own certified team of plumbers"),
        _claim("warm", "9 in 10 homeowners say their home feels warmer"),
    ]
    titles = claim_titles(claims)
    assert titles == {
        "fast-a": "Installed in 3 days, start to finish, by… (fast-a)",
        "fast-b": "Installed in 3 days, start to finish, by… (fast-b)",
        "warm": "9 in 10 homeowners say their home feels…",
    }
    assert len(set(titles.values())) == len(claims)


def test_a_claim_met_twice_is_not_a_second_claim_with_the_same_title():
    claim = _claim("warm", "9 in 10 homeowners say their home feels warmer")
    assert claim_titles([claim, claim]) == {"warm": "9 in 10 homeowners say their home feels…"}
