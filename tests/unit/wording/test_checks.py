"""Wording checks (METHODS.md section 4): each rule's positive and negative cases, number reading,
loose editor input, and properties over arbitrary text."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DESIGN_EXAMPLE, sample, sample_data
from tests.unit.strategies import propositions
from valuegap.model.proposition import ClaimForm, parse_proposition
from valuegap.wording import checks
from valuegap.wording.checks import RULES, WordingFlag, check_claim, check_proposition, check_wording


def found(text: object, **kwargs: object) -> list[tuple[str, str]]:
    """(rule, words) of every flag, in the order returned."""
    return [(flag.rule, flag.words) for flag in check_wording(text, **kwargs)]  # type: ignore[arg-type]


def words_of(rule: str, text: str, **kwargs: object) -> list[str]:
    return [words for flag_rule, words in found(text, **kwargs) if flag_rule == rule]


def why_of(rule: str, text: str, **kwargs: object) -> str:
    flags = [flag for flag in check_wording(text, **kwargs) if flag.rule == rule]  # type: ignore[arg-type]
    assert len(flags) == 1, flags
    return flags[0].why


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_rule_failures() -> Iterator[None]:
    """Fail if any rule raised: check_wording logs and skips a failing rule instead of raising."""
    handler = _Records()
    logger = logging.getLogger("valuegap.wording.checks")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.records, [record.getMessage() for record in handler.records]


def in_text_order(text: str, flags: list[WordingFlag]) -> bool:
    """Each flag's words occur at or after the previous flag's (greedy earliest occurrence)."""
    position = 0
    for flag in flags:
        position = text.find(flag.words, position)
        if position < 0:
            return False
    return True


# --------------------------------------------------------------------------- clean copy


@pytest.mark.parametrize(
    ("text", "kwargs"),
    [
        ("Invoices get paid 5 days sooner on average", {"form": "average", "claimed": 5}),
        ("95% of orders arrive by the date we promise", {"form": "share", "claimed": 0, "share": 0.95}),
        ("Typical customers save 3 hours a week", {"form": "median", "claimed": 3, "unit": "hours"}),
        ("2× the savings of Rival", {"form": "comparative", "claimed": 10, "ratio": 2}),
        ("Just as good as Rival for your books", {"form": "parity", "claimed": 1}),
        ("A delightful way to send invoices", {"form": "puffery"}),
    ],
)
def test_clean_honest_copy_has_no_flags(text, kwargs):
    assert check_wording(text, **kwargs) == []


def test_design_minimal_example_has_no_flags():
    prop = parse_proposition(yaml.safe_load(DESIGN_EXAMPLE))
    assert check_claim(prop.claim("on-time")) == []
    assert check_proposition(prop) == []


# --------------------------------------------------------------------------- absolute words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Always on time", ["Always"]),
        ("You will NEVER chase a payment", ["NEVER"]),
        ("Guaranteed results", ["Guaranteed"]),
        ("Our guarantee: paid in 5 days", ["guarantee"]),
        ("Two guarantees for you", ["guarantees"]),
        ("guaranteeing on-time payment", ["guaranteeing"]),
        ("100% of invoices paid in 5 days", ["100%"]),
        ("100 % reliable, 5 days sooner", ["100 %"]),
        ("100 percent reliable in 5 days", ["100 percent"]),
        ("Instant payouts in 5 days", ["Instant"]),
        ("Get paid instantly, 5 days sooner", ["instantly"]),
        ("Free forever, paid 5 days sooner", ["forever"]),
        ("always-on reminders", ["always"]),
        ("Forever-free plan", ["Forever"]),
        ("always and always", ["always", "always"]),
        ("Never late. Always paid. Guaranteed.", ["Never", "Always", "Guaranteed"]),
    ],
)
def test_absolute_words_are_flagged_as_written(text, words):
    assert words_of("absolute", text, form="average", claimed=5) == words


@pytest.mark.parametrize(
    "text",
    [
        "Happy forevermore",  # whole words only: a longer word is not the absolute
        "Instantaneous-ish",
        "Nevertheless, paid 5 days sooner",
        "Alwaysbetter invoicing",
        "1100% growth",
        "100.5% uptime",
        "Save 100 hours",
        "Our warranty covers parts",
    ],
)
def test_absolute_words_match_whole_words_only(text):
    assert words_of("absolute", text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("always on time", "literally"),
        ("guaranteed payment", "terms"),
        ("100% on time", "no exceptions"),
        ("instant payouts", "how long it actually takes"),
        ("free forever", "no end date"),
    ],
)
def test_absolute_why_names_the_words_and_what_to_do(text, phrase):
    why = why_of("absolute", text)
    assert phrase in why
    assert f"'{words_of('absolute', text)[0]}'" in why
    assert "regulators" in why


# --------------------------------------------------------------------------- superlatives


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The best invoicing app", ["best"]),
        ("BEST invoicing app", ["BEST"]),
        ("The fastest way to get paid", ["fastest"]),
        ("The cheapest plan around", ["cheapest"]),
        ("Lowest fees in Brazil", ["Lowest"]),
        ("The #1 invoicing app", ["#1"]),
        ("The # 1 invoicing app", ["# 1"]),
        ("Number one for freelancers", ["Number one"]),
        ("number 1 for freelancers", ["number 1"]),
        ("The No. 1 invoicing app", ["No. 1"]),
        ("Unbeatable prices", ["Unbeatable"]),
        ("The leading invoicing app", ["leading"]),
        ("Industry-leading reminders", ["leading"]),
        ("best-in-class reminders", ["best"]),
        ("Best fees, fastest payouts, #1 support", ["Best", "fastest", "#1"]),
    ],
)
def test_unqualified_superlatives_are_flagged(text, words):
    assert words_of("superlative", text) == words


@pytest.mark.parametrize(
    "text",
    [
        "We bestow rewards",  # whole words only
        "Better reminders than before",  # comparative, not a superlative
        "Built on accounting best practices",
        "Check the best-before date",
        "Reminders leading to faster payment",
        "The #10 spot and #1.5 are not rank one",
        "Fast and cheap invoicing",
    ],
)
def test_not_superlatives(text):
    assert words_of("superlative", text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The best invoicing app, according to G2",
        "Rated best invoicing app by Capterra users",
        "Voted the #1 app by freelancers in 2024",
        "The fastest payouts in a 2024 survey of 500 freelancers",
        "Number one in our annual customer survey",
        "Freelancers surveyed call it the best",
        "Lowest fees. Source: Rival price lists, May 2024",
        "Lowest fees based on published price lists",
        "The best invoicing app*",
        "The best invoicing app¹",
        "The best invoicing app [1]",
    ],
)
def test_superlatives_qualified_by_a_stated_basis_are_not_flagged(text):
    assert words_of("superlative", text) == []


def test_comparison_with_a_named_competitor_does_not_excuse_a_superlative():
    text = "The fastest app: 2× the savings of Rival"
    assert words_of("superlative", text, form="comparative", ratio=2, claimed=10) == ["fastest"]
    why = why_of("superlative", text, form="comparative", ratio=2, claimed=10)
    assert "one named competitor" in why
    assert words_of("superlative", "As good as Rival, and the best", form="parity", claimed=1) == ["best"]


def test_superlative_why_differs_for_puffery():
    plain = why_of("superlative", "The best app", form="average", claimed=5)
    puffery = why_of("superlative", "The best app", form="puffery")
    assert "'best'" in plain and "'best'" in puffery
    assert "every competitor" in plain and "State the basis" in plain
    assert "puffery" in puffery and "opinion" in puffery


# --------------------------------------------------------------------------- "up to"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Save up to 47%", ["up to"]),
        ("Save UP TO 47%", ["UP TO"]),
        ("Save Up   To 47%", ["Up   To"]),
        ("Save up-to 47%", ["up-to"]),
        ("Up to 47% off, up to 3 hours back", ["Up to", "up to"]),
    ],
)
def test_up_to_is_always_flagged(text, words):
    assert words_of("up_to", text, form="up_to", claimed=47) == words
    assert words_of("up_to", text, form="average", claimed=47) == words


def test_up_to_why_asks_for_the_up_to_form_when_the_form_is_another():
    why = why_of("up_to", "Save up to 47%", form="average", claimed=0.47)
    assert "'up to'" in why and "'average'" in why and "Set the form to 'up_to'" in why
    why = why_of("up_to", "Save up to 47%", form=None, claimed=0.47)
    assert "no valid form" in why and "'up_to'" in why


def test_up_to_why_asks_for_evidence_that_almost_all_customers_reach_it():
    why = why_of("up_to", "Save up to 47%", form="up_to", claimed=0.47)
    assert "FTC" in why and "almost all customers" in why
    assert "Set the form" not in why
    assert why == why_of("up_to", "Save up to 47%", form=ClaimForm.up_to, claimed=0.47)


@pytest.mark.parametrize(
    "text",
    [
        "Keeps your books up to date",
        "Keeps your books up-to-date",
        "Sign up to get paid sooner",
        "Brings new staff up to speed",
        "It lives up to its promise",
        "It's up to you",
        "Setup takes 2 days",
        "Pop-up tools",
    ],
)
def test_up_to_idioms_are_not_flagged(text):
    assert words_of("up_to", text) == []


# --------------------------------------------------------------------------- establishment phrases


@pytest.mark.parametrize(
    ("text", "words", "proof"),
    [
        ("Clinically proven to reduce stress", ["Clinically proven to"], "clinical studies"),
        ("Scientifically proven results", ["Scientifically proven"], "scientific studies"),
        ("Tests show you get paid sooner", ["Tests show"], "tests themselves"),
        ("Studies show freelancers save time", ["Studies show"], "scientific studies"),
        ("Research shows it works", ["Research shows"], "research"),
        ("Proven to get you paid sooner", ["Proven to"], "proves it"),
        ("Lab tested reminders", ["Lab tested"], "laboratory"),
        ("lab-tested reminders", ["lab-tested"], "laboratory"),
        ("Independently verified savings", ["Independently verified"], "independent third party"),
        ("Our data shows faster payment", ["data shows"], "data"),
        ("Science-backed reminders", ["Science-backed"], "scientific"),
        ("Backed by research", ["Backed by research"], "research"),
        ("Tests show it; studies show it", ["Tests show", "studies show"], "tests"),
    ],
)
def test_establishment_phrases_are_flagged_with_the_proof_they_name(text, words, proof):
    assert words_of("establishment", text) == words
    first = next(flag for flag in check_wording(text) if flag.rule == "establishment")
    assert proof in first.why and f"'{words[0]}'" in first.why and "level of proof" in first.why


@pytest.mark.parametrize(
    "text",
    ["A proven track record", "Test it free for 30 days", "Show your clients what they owe", "Lab coats"],
)
def test_not_establishment_phrases(text):
    assert words_of("establishment", text) == []


# --------------------------------------------------------------------------- numbers in the text


@pytest.mark.parametrize(
    ("raw", "readings"),
    [
        ("5", [("5", 0)]),
        ("3.5", [("3.5", 1)]),
        ("3,5", [("3.5", 1)]),
        ("49,90", [("49.90", 2)]),
        ("1,000", [("1000", 0), ("1.000", 3)]),
        ("1.000", [("1000", 0), ("1.000", 3)]),
        ("1,000,000", [("1000000", 0)]),
        ("1.000.000", [("1000000", 0)]),
        ("1.234,56", [("1234.56", 2)]),
        ("1,234.56", [("1234.56", 2)]),
        ("0,500", [("0.500", 3)]),
        ("1234,567", [("1234.567", 3)]),
        ("1.2.3", []),
        ("1,000.000,5", []),
    ],
)
def test_number_parsing(raw, readings):
    assert checks._parse_digits(raw) == tuple((Decimal(value), decimals) for value, decimals in readings)


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("Save 5 hours", 5),
        ("Save 3.5 hours", 3.5),
        ("Economize 3,5 horas", 3.5),
        ("Over 1,000 invoices", 1000),
        ("Mais de 1.000 faturas", 1000),
        ("1,000,000 invoices sent", 1e6),
        ("Economize R$ 1.234,56 por ano", 1234.56),
        ("Save $1,234.56 a year", 1234.56),
        ("Just R$ 49,90", 49.9),
        ("Just R$49,90", 49.9),
        ("Save 47%", 47),
        ("Save 47 %", 47),
        ("Save 47 percent", 47),
        ("Save 2x the time", 2),
        ("Save 2× the time", 2),
        ("Save .5 hours", 0.5),
        ("10k invoices sent", 10_000),
        ("1.5 million invoices sent", 1.5e6),
        ("Save 20% on costs", -0.2),  # the sign of C is not written in the copy
        ("Setup takes 90 minutes", 1.5),  # with unit hours, see below
        ("Setup takes 2.675 days", 2.675),  # "2.675" may be a decimal point, not thousands
    ],
)
def test_numbers_matching_the_claim_are_not_flagged(text, claimed):
    assert words_of("number_mismatch", text, form="average", claimed=claimed, unit="hours") == []


@pytest.mark.parametrize(
    ("text", "claimed", "words"),
    [
        ("Save 7 hours", 5, ["7"]),
        ("Save 7 hours in 2 weeks", 5, ["7", "2"]),
        ("Economize 3,5 horas", 3, ["3,5"]),
        ("Over 1,000 invoices", 100, ["1,000"]),
        ("Just R$ 49,90", 49, ["R$ 49,90"]),
        ("Save $1,234.56 a year", 1234, ["$1,234.56"]),
        ("Save 47%", 0.4, ["47%"]),
        ("Save 2× the time", 3, ["2×"]),
        ("Save x2 the time", 3, ["x2"]),
        ("10k invoices sent", 9000, ["10k"]),
        ("Save 3.14 hours", 3.1, ["3.14"]),
        ("$2015 saved", 5, ["$2015"]),  # with a currency sign it is money, not a year
    ],
)
def test_numbers_differing_from_the_claim_are_flagged_as_written(text, claimed, words):
    assert words_of("number_mismatch", text, form="average", claimed=claimed) == words


def test_number_mismatch_why_names_the_number_and_the_claims_value():
    why = why_of("number_mismatch", "Save 7 hours a week", form="average", claimed=5, unit="hours")
    assert "'7'" in why and "5 hours" in why and "regulators" in why
    why = why_of("number_mismatch", "90% of orders on time", form="share", claimed=0, share=0.95, unit="days")
    assert "'90%'" in why and "95%" in why and "0 days" in why
    why = why_of("number_mismatch", "3× the savings of Rival", form="comparative", claimed=10, ratio=2)
    assert "'3×'" in why and "2×" in why


def test_one_matching_number_clears_the_others():
    assert words_of("number_mismatch", "Save 5 hours in 2 weeks", form="average", claimed=5) == []


@pytest.mark.parametrize(
    ("text", "claimed", "flagged"),
    [
        ("Save 3.1 hours", 3.14, False),  # 3.14 rounds to 3.1 at one decimal
        ("Save 3 hours", 3.14, False),
        ("Save 3.2 hours", 3.14, True),
        ("Save 3.2 hours", 3.15, False),  # half up, not the float's 3.1499...
        ("Save 3.14 hours", 3.1, True),  # more decimals than the claim has: not a rounding
        ("Save 3.10 hours", 3.1, False),
        ("Save 29%", 0.285, False),
        ("Save 28%", 0.285, True),
    ],
)
def test_rounding_to_the_decimals_written(text, claimed, flagged):
    assert bool(words_of("number_mismatch", text, form="average", claimed=claimed)) is flagged


def test_relative_tolerance():
    assert words_of("number_mismatch", "Save 47%", form="average", claimed=0.47 + 1e-12) == []
    assert words_of("number_mismatch", "Save 0.47", form="average", claimed=0.47 * (1 + 1e-10)) == []


def test_percent_written_for_a_fraction():
    assert words_of("number_mismatch", "Save up to 47% on fees", form="up_to", claimed=0.47) == []
    assert words_of("number_mismatch", "Save up to 47% on fees", form="up_to", claimed=47) == []
    assert words_of("number_mismatch", "Save up to 0.47 of fees", form="up_to", claimed=0.47) == []
    assert words_of("number_mismatch", "Save up to 48% on fees", form="up_to", claimed=0.47) == ["48%"]


def test_share_claims_accept_the_share_and_the_bar():
    kwargs = {"form": "share", "claimed": 0, "share": 0.95}
    assert words_of("number_mismatch", "95% of orders arrive on time", **kwargs) == []
    assert words_of("number_mismatch", "0.95 of orders arrive on time", **kwargs) == []
    assert words_of("number_mismatch", "Orders arrive 0 days late", **kwargs) == []
    assert words_of("number_mismatch", "90% of orders arrive on time", **kwargs) == ["90%"]
    # the share counts for share claims only
    assert words_of("number_mismatch", "95% faster", form="average", claimed=2, share=0.95) == ["95%"]


@pytest.mark.parametrize(
    ("text", "share", "words"),
    [
        ("9 out of 10 freelancers get paid on time", 0.9, []),
        ("9 out of 10 freelancers get paid on time", 0.8, ["9 out of 10"]),
        ("9/10 freelancers get paid on time", 0.9, []),
        ("1 in 3 invoices paid early", 0.33, []),
        ("3 in 4 invoices paid early", 0.5, ["3 in 4"]),
    ],
)
def test_share_written_as_a_fraction(text, share, words):
    assert words_of("number_mismatch", text, form="share", claimed=0, share=share) == words


def test_a_percent_in_the_copy_is_not_read_as_the_share_or_ratio_fraction():
    # "1" would round to a share of 0.5, and "2%" equals a ratio of 2, but percents mean hundredths
    assert words_of("number_mismatch", "1% of orders late", form="share", claimed=0, share=0.5) == ["1%"]
    assert words_of("number_mismatch", "1 in 2 orders on time", form="share", claimed=0, share=0.5) == []
    assert words_of("number_mismatch", "2% more than Rival", form="comparative", ratio=2) == ["2%"]
    assert words_of("number_mismatch", "100% more than Rival", form="comparative", ratio=2) == []


def test_share_claim_without_claimed_still_checks_the_share():
    assert words_of("number_mismatch", "90% of orders on time", form="share", share=0.95) == ["90%"]
    assert words_of("number_mismatch", "95% of orders on time", form="share", share=0.95) == []


def test_comparative_claims_accept_the_ratio():
    kwargs = {"form": "comparative", "claimed": 10, "ratio": 2}
    assert words_of("number_mismatch", "2× the savings of Rival", **kwargs) == []
    assert words_of("number_mismatch", "2x the savings of Rival", **kwargs) == []
    assert words_of("number_mismatch", "3x the savings of Rival", **kwargs) == ["3x"]
    assert words_of("number_mismatch", "2× the savings of Rival", form="comparative", ratio=2) == []
    assert words_of("number_mismatch", "3× the savings of Rival", form="comparative", ratio=2) == ["3×"]
    # a ratio of 1.5 is also "50% more"
    assert words_of("number_mismatch", "50% more savings than Rival", form="comparative", ratio=1.5) == []


def test_time_units_convert_to_the_claims_unit():
    assert (
        words_of("number_mismatch", "Setup takes 90 minutes", form="average", claimed=1.5, unit="hours") == []
    )
    assert words_of("number_mismatch", "Setup takes 2 weeks", form="average", claimed=14, unit="days") == []
    assert words_of("number_mismatch", "Setup takes 2 weeks", form="average", claimed=14, unit="hours") == [
        "2"
    ]
    assert words_of("number_mismatch", "Setup takes 90 minutes", form="average", claimed=1.5) == ["90"]


@pytest.mark.parametrize(
    "text",
    [
        "Trusted since 2015",
        "24/7 support",
        "Support 24/7/365",
        "Launched 12/05/2024",
        "Our 3rd release, the 2nd best-kept secret",
        "Rated #1",
        "The No. 1 choice",
        "The 1st choice",
        "MP3 and A4 exports",
        "Version 1.2.3",
        "Save five hours",  # numbers spelt out are not read
        "Ship first, invoice second",
    ],
)
def test_numbers_that_are_not_claim_values_are_ignored(text):
    assert words_of("number_mismatch", text, form="average", claimed=5) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"form": "average", "claimed": None},
        {"form": "average", "claimed": math.nan},
        {"form": "median"},
        {"form": None},
        {"form": "xyz", "claimed": None},
        {"form": "puffery", "claimed": 5},
        {"form": "share", "claimed": None, "share": None},
        {"form": "comparative", "claimed": None, "ratio": None},
    ],
)
def test_number_rule_skipped_without_a_value_or_for_puffery(kwargs):
    assert words_of("number_mismatch", "Save 7 hours", **kwargs) == []


# --------------------------------------------------------------------------- puffery that sounds objective


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The friendliest app, 5 stars", ["5"]),
        ("Loved by 47% of users", ["47%"]),
        ("Worth every R$ 49,90", ["R$ 49,90"]),
        ("Worth every $", ["$"]),
        ("Worth every penny, and every euro", ["euro"]),
        ("Set up in minutes", ["minutes"]),
        ("Set up in a day", ["in a day"]),
        ("Loved every month", ["every month"]),
        ("A 5-day setup", ["5-day"]),
        ("Faster than Rival", ["Faster than"]),
        ("Cheaper than a coffee", ["Cheaper than"]),
        ("More than an app", ["More than"]),
        ("Twice the joy", ["Twice"]),
        ("Saves you time", ["Saves"]),
        ("Cuts the busywork", ["Cuts"]),
        ("Reduces stress", ["Reduces"]),
        ("Doubles your happiness", ["Doubles"]),
        ("saves 5 hours a week", ["saves 5 hours a week"]),
        ("Trusted since 1998 and 24/7", ["1998", "24/7"]),
    ],
)
def test_objective_sounding_puffery_is_flagged(text, words):
    assert words_of("puffery_objective", text, form="puffery") == words
    assert words_of("puffery_objective", text, form="average", claimed=5) == []


@pytest.mark.parametrize(
    "text",
    [
        "The friendliest invoicing app",
        "Brighten your day",
        "A cut above the rest",
        "Invoicing you will love",
        "Made for freelancers who care",
    ],
)
def test_subjective_puffery_is_not_flagged(text):
    assert found(text, form="puffery") == []


def test_puffery_objective_why_says_what_to_do():
    why = why_of("puffery_objective", "Saves you time", form="puffery")
    assert "'Saves'" in why and "statement of fact" in why and "measurable form" in why and "opinion" in why


# --------------------------------------------------------------------------- several rules, order, output


def test_flags_come_in_text_order_across_rules():
    text = "Guaranteed: the best app, clinically proven to save up to 7 hours, always."
    assert found(text, claim_id="c1", form="average", claimed=5) == [
        ("absolute", "Guaranteed"),
        ("superlative", "best"),
        ("establishment", "clinically proven to"),
        ("up_to", "up to"),
        ("number_mismatch", "7"),
        ("absolute", "always"),
    ]


def test_same_place_flags_keep_rule_order():
    assert found("100% of invoices", form="average", claimed=5) == [
        ("absolute", "100%"),
        ("number_mismatch", "100%"),
    ]


def test_flag_fields_and_to_dict():
    (flag,) = check_wording("Always paid", claim_id="paid-sooner")
    assert flag == WordingFlag("paid-sooner", "absolute", "Always", flag.why)
    assert flag.to_dict() == {
        "claim_id": "paid-sooner",
        "rule": "absolute",
        "words": "Always",
        "why": flag.why,
    }
    with pytest.raises(AttributeError):
        flag.rule = "superlative"  # type: ignore[misc]
    assert set(RULES) == {
        "absolute",
        "superlative",
        "up_to",
        "establishment",
        "number_mismatch",
        "puffery_objective",
    }


def test_every_why_is_a_short_plain_sentence_or_two_naming_the_words():
    text = "Guaranteed best, clinically proven, up to 7 hours"
    for flag in check_wording(text, form="average", claimed=5):
        assert f"'{flag.words}'" in flag.why
        assert 1 <= flag.why.count(". ") + 1 <= 3 and len(flag.why) < 400


# --------------------------------------------------------------------------- loose input


@pytest.mark.parametrize("text", [None, "", "   ", 5, math.nan, b"always", ["always"]])
def test_no_text_gives_no_flags(text):
    assert check_wording(text) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"form": "xyz", "claimed": math.nan},
        {"form": math.nan, "claimed": math.inf, "share": -math.inf, "ratio": math.nan},
        {"form": 3, "claimed": "abc", "share": "x", "ratio": object()},
        {"form": None, "claimed": None, "unit": None, "claim_id": None},
        {"form": " Average ", "claimed": "5", "unit": math.nan, "claim_id": math.nan},
        {"form": "share", "claimed": True, "share": 0, "ratio": 0},
        {"form": "up_to", "claimed": 10**400, "share": 1e308, "ratio": -1e-308},
        {"form": ClaimForm.comparative, "claimed": 1e300, "ratio": 1e-300, "unit": "hours/week"},
    ],
)
def test_garbage_input_never_raises(kwargs):
    with no_rule_failures():
        flags = check_wording(
            "Always the best: save up to 7.5 hours, 1,000 users, R$ 49,90, 9 out of 10", **kwargs
        )
    assert [flag.rule for flag in flags][:3] == ["absolute", "superlative", "up_to"]
    assert all(isinstance(flag.claim_id, str) for flag in flags)


def test_loose_values_are_read_when_they_make_sense():
    assert words_of("number_mismatch", "Save 7 hours", form=" Average ", claimed="5") == ["7"]
    assert words_of("number_mismatch", "Save 7 hours", form="average", claimed="7,0") == []
    assert check_wording("Always", claim_id=3)[0].claim_id == "3"
    assert check_wording("Always", claim_id=None)[0].claim_id == ""


def test_a_failing_rule_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken(*args: object) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(checks, "_superlative", broken)
    with caplog.at_level(logging.ERROR, logger="valuegap.wording.checks"):
        assert found("Always the best", claim_id="c1") == [("absolute", "Always")]
    assert "superlative" in caplog.text and "c1" in caplog.text


# --------------------------------------------------------------------------- claims and propositions


def test_check_claim_uses_the_claims_fields():
    prop = sample(
        claims=[
            {
                "id": "up-to",
                "text": "Get paid up to 5 days sooner",
                "benefit": "money",
                "form": "average",
                "metric": "days_saved",
                "claimed": 4.0,
                "unit": "days",
            }
        ]
    )
    flags = check_claim(prop.claim("up-to"))
    assert [(flag.claim_id, flag.rule, flag.words) for flag in flags] == [
        ("up-to", "up_to", "up to"),
        ("up-to", "number_mismatch", "5"),
    ]
    assert "'average'" in flags[0].why and "4 days" in flags[1].why


def test_check_proposition_goes_claim_by_claim_in_file_order():
    data = sample_data()
    data["claims"].append(
        {"id": "fun", "text": "The best app, saves hours", "benefit": "enjoyment", "form": "puffery"}
    )
    data["claims"][0]["text"] = "Always get paid 5 days sooner on average"
    flags = check_proposition(parse_proposition(data))
    assert [(flag.claim_id, flag.rule, flag.words) for flag in flags] == [
        ("paid-sooner", "absolute", "Always"),
        ("fun", "superlative", "best"),
        ("fun", "puffery_objective", "saves hours"),
    ]
    assert check_proposition(sample()) == []


# --------------------------------------------------------------------------- properties

VOCABULARY = [
    "always",
    "Never",
    "guaranteed",
    "100%",
    "100 %",
    "instantly",
    "forever",
    "forevermore",
    "best",
    "bestow",
    "#1",
    "number one",
    "leading",
    "according to",
    "*",
    "up to",
    "Up-To",
    "up to date",
    "clinically proven",
    "tests show",
    "proven to",
    "5",
    "3,5",
    "3.14",
    "1,000",
    "1.234,56",
    "47%",
    "2x",
    "2×",
    "x2",
    "R$ 49,90",
    "$",
    "9 out of 10",
    "1 in 3",
    "9/10",
    "24/7",
    "2015",
    "3rd",
    "10k",
    "1.5 million",
    "minutes",
    "a day",
    "hours",
    "faster than",
    "saves",
    "cuts",
    ".",
    ",",
    "-",
]
copy = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=14).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=14).map("".join),
)
loose = st.one_of(
    st.none(),
    st.floats(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=6),
    st.booleans(),
)
forms = st.one_of(
    st.none(), st.sampled_from([*ClaimForm, *[form.value for form in ClaimForm]]), st.text(max_size=8)
)


@settings(max_examples=400, deadline=None)
@given(
    text=copy,
    form=forms,
    claimed=loose,
    share=loose,
    ratio=loose,
    unit=st.one_of(st.none(), st.text(max_size=8)),
)
def test_arbitrary_input_never_raises_and_flags_point_at_the_text(text, form, claimed, share, ratio, unit):
    with no_rule_failures():
        flags = check_wording(
            text, claim_id="c", form=form, claimed=claimed, share=share, ratio=ratio, unit=unit
        )
    for flag in flags:
        assert flag.rule in RULES
        assert flag.words and flag.words in text  # as written, so also case-insensitively
        assert flag.why and flag.claim_id == "c"
    assert in_text_order(text, flags)
    assert flags == check_wording(
        text, claim_id="c", form=form, claimed=claimed, share=share, ratio=ratio, unit=unit
    )


@settings(max_examples=200, deadline=None)
@given(
    value=st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    comma=st.booleans(),
)
def test_copy_showing_the_claimed_value_is_never_a_mismatch(value, comma):
    written = f"{value:.2f}".replace(".", "," if comma else ".")
    text = f"Customers save {written} hours a week on average"
    assert words_of("number_mismatch", text, form="average", claimed=float(value)) == []
    assert words_of("number_mismatch", text, form="average", claimed=float(value) + 1) == [written]


@settings(max_examples=200, deadline=None)
@given(percent=st.integers(min_value=1, max_value=99), other=st.integers(min_value=1, max_value=99))
def test_share_copy_matches_its_share(percent, other):
    text = f"{percent}% of orders arrive on time"
    flagged = words_of("number_mismatch", text, form="share", claimed=0, share=other / 100)
    assert flagged == ([] if percent == other else [f"{percent}%"])


@settings(max_examples=200, deadline=None)
@given(text=copy)
def test_a_stated_basis_clears_every_superlative(text):
    assert words_of("superlative", f"{text} (according to G2)") == []


@settings(max_examples=50, deadline=None)
@given(prop=propositions())
def test_check_proposition_never_raises_on_valid_propositions(prop):
    with no_rule_failures():
        flags = check_proposition(prop)
    ids = [claim.id for claim in prop.claims]
    assert [ids.index(flag.claim_id) for flag in flags] == sorted(ids.index(flag.claim_id) for flag in flags)
    assert flags == [flag for claim in prop.claims for flag in check_claim(claim)]
