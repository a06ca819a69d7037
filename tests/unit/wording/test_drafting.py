"""Claims drafted from marketing copy (valuegap.wording.drafting): the corpus scores, each rule,
and reading files.

The corpus (tests/unit/data/claim_copy_corpus.yaml) holds marketing sentences from many industries, each
with the draft an analyst expects or ``none``. The held-out set (tests/unit/data/claim_copy_holdout.yaml)
was written, with its expected drafts, before the drafter was run on it; it is scored on its own.
Precision and recall are counted here by hand over each (``python bench/drafting_scores.py --misses``
prints the tables and the sentences drafted wrongly):

- form: a draft counts when its form is the expected one. Precision = right forms / drafts made;
  recall = right forms / sentences that should give a draft.
- value: over measurable drafts (not puffery); right when ``claimed`` (and ``share`` for share claims)
  equals the expected value to 4 significant digits. Precision over drafts with a value, recall over
  sentences expected to have one.
- direction: the same, on ``direction``.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

from valuegap.errors import InvalidInput
from valuegap.model.proposition import BenefitKind, ClaimForm, Direction, parse_proposition
from valuegap.wording.checks import check_claim
from valuegap.wording.drafting import (
    MAX_COPY_BYTES,
    YES_UNIT,
    ClaimDraft,
    already_claimed,
    claim_id,
    draft_claims,
    read_copy,
    split_sentences,
)

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS_ROWS = yaml.safe_load((DATA / "claim_copy_corpus.yaml").read_text(encoding="utf-8"))
HOLDOUT_ROWS = yaml.safe_load((DATA / "claim_copy_holdout.yaml").read_text(encoding="utf-8"))
ROWS = CORPUS_ROWS


def one(sentence: str) -> ClaimDraft:
    drafts = draft_claims(sentence)
    assert len(drafts) == 1, (sentence, drafts)
    return drafts[0]


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


# ----------------------------------------------------------------------------- the corpus


def _expected(row: dict) -> dict | None:
    return None if row["expected"] in (None, "none") else row["expected"]


def _draft_of(row: dict) -> ClaimDraft | None:
    drafts = draft_claims(row["text"])
    assert len(drafts) <= 1, row["text"]
    return drafts[0] if drafts else None


def score(rows: list[dict]) -> dict[str, tuple[int, int, int]]:
    """(true positives, drafts made, drafts expected) for form, value and direction."""
    counts = {name: [0, 0, 0] for name in ("form", "value", "direction")}
    for row in rows:
        expected, draft = _expected(row), _draft_of(row)
        counts["form"][1] += draft is not None
        counts["form"][2] += expected is not None
        if draft is not None and expected is not None and draft.form.value == expected["form"]:
            counts["form"][0] += 1
        measured = draft is not None and draft.form is not ClaimForm.puffery
        expected_measured = expected is not None and expected["form"] != "puffery"
        for name in ("value", "direction"):
            counts[name][1] += measured
            counts[name][2] += expected_measured
        if measured and expected_measured:
            assert draft is not None and expected is not None
            value_right = close(draft.claimed, expected["claimed"]) and (
                "share" not in expected or close(draft.share, expected["share"])
            )
            counts["value"][0] += value_right
            counts["direction"][0] += draft.direction.value == expected["direction"]
    return {name: (tp, made, wanted) for name, (tp, made, wanted) in counts.items()}


def misses(rows: list[dict]) -> list[str]:
    """One line per sentence whose draft differs from the expected one in form, value or direction."""
    lines = []
    for row in rows:
        expected, draft = _expected(row), _draft_of(row)
        got = (
            "none"
            if draft is None
            else f"{draft.form.value} claimed={draft.claimed} share={draft.share} {draft.direction.value}"
        )
        want = "none" if expected is None else " ".join(f"{k}={v}" for k, v in expected.items())
        if (draft is None) != (expected is None):
            lines.append(f"{row['text']!r}: got {got}; expected {want}")
            continue
        if draft is None or expected is None:
            continue
        wrong = draft.form.value != expected["form"]
        if not wrong and expected["form"] != "puffery":
            wrong = not (
                close(draft.claimed, expected["claimed"])
                and ("share" not in expected or close(draft.share, expected["share"]))
                and draft.direction.value == expected["direction"]
            )
        if wrong:
            lines.append(f"{row['text']!r}: got {got}; expected {want}")
    return lines


def table(title: str, scores: dict[str, tuple[int, int, int]]) -> str:
    lines = [title, f"{'':10} {'precision':>18} {'recall':>18}"]
    for name, (tp, made, wanted) in scores.items():
        lines.append(
            f"{name:10} {tp:>4}/{made:<4} = {tp / made:5.3f} {tp:>4}/{wanted:<4} = {tp / wanted:5.3f}"
        )
    return "\n".join(lines)


def test_the_corpus_is_large_and_varied():
    assert len(ROWS) >= 80
    industries = Counter(row["industry"] for row in ROWS)
    assert sum(count >= 8 for count in industries.values()) >= 6, industries
    forms = Counter((_expected(row) or {"form": "none"})["form"] for row in ROWS)
    assert set(forms) == {form.value for form in ClaimForm} | {"none"}, forms
    assert forms["none"] >= 10  # sentences that promise nothing must stay out
    assert len({row["text"] for row in ROWS}) == len(ROWS)


def test_precision_and_recall_over_the_corpus(capsys):
    scores = score(ROWS)
    held_out = [row for row in ROWS if row.get("held_out")]
    with capsys.disabled():
        print("\n" + table(f"Claims drafted from copy: {len(ROWS)} sentences", scores))
        print(table(f"of which held out ({len(held_out)} sentences)", score(held_out)))
    for name, target in (("form", 0.90), ("value", 0.85), ("direction", 0.90)):
        tp, made, wanted = scores[name]
        assert tp / made >= target and tp / wanted >= target, (name, scores[name])


def test_the_held_out_set_is_new_and_varied():
    assert len(HOLDOUT_ROWS) >= 40
    assert not {row["text"] for row in HOLDOUT_ROWS} & {row["text"] for row in CORPUS_ROWS}
    assert len({row["text"] for row in HOLDOUT_ROWS}) == len(HOLDOUT_ROWS)
    assert len(Counter(row["industry"] for row in HOLDOUT_ROWS)) >= 10
    forms = Counter((_expected(row) or {"form": "none"})["form"] for row in HOLDOUT_ROWS)
    assert set(forms) == {form.value for form in ClaimForm} | {"none"}, forms


# Each held-out batch's score at first sight, before the rules were changed for it: (true positives, drafts
# made, drafts expected) as ``score`` counts them, recomputed from git history (the drafter of the commit
# before each batch's fixes, on that batch). Summed, they are what to expect on copy nobody has seen.
FIRST_SIGHT: dict[int, dict[str, tuple[int, int, int]]] = {
    1: {"form": (37, 40, 42), "value": (34, 38, 37), "direction": (33, 38, 37)},
    2: {"form": (24, 26, 30), "value": (21, 25, 28), "direction": (21, 25, 28)},
    3: {"form": (28, 32, 30), "value": (26, 30, 27), "direction": (27, 30, 27)},
    4: {"form": (48, 55, 53), "value": (37, 49, 46), "direction": (42, 49, 46)},
}


def first_sight_total() -> dict[str, tuple[int, int, int]]:
    """The first-sight counts summed over the held-out batches."""
    totals = {}
    for name in ("form", "value", "direction"):
        counts = [batch[name] for batch in FIRST_SIGHT.values()]
        totals[name] = (sum(c[0] for c in counts), sum(c[1] for c in counts), sum(c[2] for c in counts))
    return totals


def test_first_sight_counts_cover_every_batch():
    batches = {row.get("batch", 1) for row in HOLDOUT_ROWS}
    assert set(FIRST_SIGHT) == batches
    for batch, counts in FIRST_SIGHT.items():
        rows = [row for row in HOLDOUT_ROWS if row.get("batch", 1) == batch]
        forms = [(_expected(row) or {"form": "none"})["form"] for row in rows]
        expected = sum(form != "none" for form in forms)
        measured = sum(form not in ("none", "puffery") for form in forms)
        assert counts["form"][2] == expected and counts["value"][2] == counts["direction"][2] == measured


def test_precision_and_recall_over_the_held_out_set(capsys):
    """Each batch of the held-out set was scored once, before the rules were changed for it (form
    precision / recall: batch 1 0.93 / 0.88, batch 2 0.92 / 0.80, batch 3 0.88 / 0.93, batch 4
    48/55 = 0.87 / 48/53 = 0.91 with value 0.76 / 0.80 and direction 0.86 / 0.91; batch 3 with the
    drafter batch 1 started from: 0.80 / 0.80). Over the four batches at first sight, form is 137/153 =
    0.90 / 137/155 = 0.88, value 118/142 = 0.83 / 118/138 = 0.86, direction 123/142 = 0.87 / 123/138 =
    0.89 (``FIRST_SIGHT``). The rules then changed for the misses in general ways and reach 1.00 on the
    first three batches and 0.98 / 1.00 on form in the fourth (two of its sentences are left: "Add 200
    miles of range in 15 minutes" reads as 200 miles, as the corpus reads "lose 5 kg in 12 weeks", and
    "Over 100 hours of gameplay", a catalogue's size that only a list of nouns would tell from "up to 22
    hours of battery life"); the thresholds keep those fixes without asking for perfection (losing a
    sentence or two passes, a general regression does not). What to expect on copy nobody has seen is
    the first-sight score, not this one."""
    scores = score(HOLDOUT_ROWS)
    with capsys.disabled():
        print("\n" + table(f"Held-out set: {len(HOLDOUT_ROWS)} sentences", scores))
    for name, target in (("form", 0.95), ("value", 0.90), ("direction", 0.90)):
        tp, made, wanted = scores[name]
        assert tp / made >= target and tp / wanted >= target, (name, scores[name], misses(HOLDOUT_ROWS))


@pytest.mark.parametrize("row", ROWS + HOLDOUT_ROWS, ids=[row["text"][:40] for row in ROWS + HOLDOUT_ROWS])
def test_each_corpus_draft_becomes_a_valid_claim(row):
    draft = _draft_of(row)
    if draft is None:
        return
    claim = draft.to_claim()
    parse_proposition({"name": "p", "price": {"amount": 1}, "claims": [claim.model_dump(mode="json")]})
    assert claim.text == row["text"]
    if draft.form is not ClaimForm.puffery:
        assert claim.metric and len(claim.metric) <= 80 and claim.metric == claim.metric.lower()


def test_drafted_numbers_agree_with_the_wording_check():
    """A draft's own value is never flagged as a number that differs from the copy (the wording check
    and the drafts read numbers with one grammar), except a number inside a product name ("5G")."""
    mismatched = []
    for row in ROWS:
        draft = _draft_of(row)
        if draft is None or draft.form is ClaimForm.puffery:
            continue
        flags = [flag for flag in check_claim(draft.to_claim()) if flag.rule == "number_mismatch"]
        if flags:
            mismatched.append((row["text"], [flag.words for flag in flags]))
    assert mismatched == [("Get 5G speeds as fast as Vodafone's for less.", ["5"])]


def test_drafting_is_deterministic():
    text = "\n".join(row["text"] for row in ROWS)
    assert draft_claims(text) == draft_claims(text)
    assert len(draft_claims(text)) == sum(_expected(row) is not None for row in ROWS)


# ----------------------------------------------------------------------------- each rule


def test_up_to_with_a_reduction_is_a_negative_change_lower():
    draft = one("Cuts your heating bill by up to 40%.")
    assert (draft.form, draft.claimed, draft.unit, draft.direction) == (
        ClaimForm.up_to,
        -40,
        "%",
        Direction.lower,
    )
    assert draft.metric == "heating_bill_change_pct" and draft.benefit is BenefitKind.money
    assert draft.rule.startswith("up_to")


@pytest.mark.parametrize(
    "sentence", ["Keep your records up to date.", "Sign up to our newsletter for 10 tips.", "Up to 60% off."]
)
def test_up_to_idioms_and_discounts_are_not_up_to_claims(sentence):
    assert all(draft.form is not ClaimForm.up_to for draft in draft_claims(sentence))


def test_as_little_as_reads_as_up_to():
    draft = one("Mortgage approval in as little as 3 days.")
    assert (draft.form, draft.claimed, draft.direction) == (ClaimForm.up_to, 3, Direction.lower)


def test_share_of_customers_with_a_bar():
    draft = one("95% of orders arrive within 30 minutes.")
    assert draft.form is ClaimForm.share and draft.share == 0.95
    assert (draft.claimed, draft.unit, draft.direction) == (30, "minutes", Direction.lower)
    assert draft.metric == "minutes_to_delivery"


def test_share_without_a_bar_is_a_yes_no_outcome():
    draft = one("92% of our flights depart on time.")
    assert (draft.form, draft.share, draft.claimed, draft.direction) == (
        ClaimForm.share,
        0.92,
        1,
        Direction.higher,
    )
    assert draft.metric == "share_depart_on_time"


@pytest.mark.parametrize(
    ("sentence", "share"),
    [
        ("9 out of 10 customers would recommend us.", 0.9),
        ("Nine in ten homeowners say their home feels warmer.", 0.9),
        ("4/5 members say they sleep better.", 0.8),
    ],
)
def test_share_as_a_fraction(sentence, share):
    draft = one(sentence)
    assert draft.form is ClaimForm.share and close(draft.share, share)


def test_comparative_multiplier_of_more_is_the_ratio():
    draft = one("Our reminders recover 2x as many overdue invoices as InvoiceHub.")
    assert (draft.form, draft.ratio, draft.claimed, draft.competitor, draft.direction) == (
        ClaimForm.comparative,
        2,
        2,
        "InvoiceHub",
        Direction.higher,
    )
    assert draft.metric == "overdue_invoices"


def test_comparative_faster_is_a_time_ratio_below_one():
    draft = one("Resolve support tickets 3x faster than Zendesk.")
    assert draft.form is ClaimForm.comparative and draft.direction is Direction.lower
    assert close(draft.ratio, 1 / 3) and draft.claimed == draft.ratio and draft.competitor == "Zendesk"
    assert draft.benefit is BenefitKind.time


@pytest.mark.parametrize(
    ("sentence", "ratio", "competitor"),
    [
        ("30% cheaper than Ocado.", 0.7, "Ocado"),
        ("Hotels up to 25% cheaper than Booking.com.", 0.75, "Booking.com"),
        ("Send money abroad up to 8x cheaper than with your bank.", 0.125, "bank"),
        ("Our fees are half those of a high-street agent.", 0.5, "high-street agent"),
    ],
)
def test_comparative_cheaper_is_lower(sentence, ratio, competitor):
    draft = one(sentence)
    assert draft.form is ClaimForm.comparative and draft.direction is Direction.lower
    assert close(draft.ratio, ratio) and draft.competitor == competitor


@pytest.mark.parametrize(
    ("sentence", "ratio", "direction", "competitor"),
    [
        # a fraction of a rival's figure with no comparative word boasts only where less is better
        ("Finish in half the time of a manual audit.", 0.5, Direction.lower, "manual audit"),
        ("Close a sale in half the time of a cold call.", 0.5, Direction.lower, "cold call"),
        ("Twice the battery life of the iPhone 15.", 2.0, Direction.higher, "iPhone 15"),
        # a change by a percent against a rival: 1 - p where less is better, 1 + p where more is
        ("Reduce churn by 20% vs. Intercom.", 0.8, Direction.lower, "Intercom"),
        (
            "Grow your savings by 30% compared with a high-street bank.",
            1.3,
            Direction.higher,
            "high-street bank",
        ),
    ],
)
def test_a_multiple_or_a_change_by_a_percent_with_no_comparative_word(sentence, ratio, direction, competitor):
    draft = one(sentence)
    assert (draft.form, draft.direction, draft.competitor) == (ClaimForm.comparative, direction, competitor)
    assert close(draft.ratio, ratio) and draft.claimed == draft.ratio


@pytest.mark.parametrize(
    ("sentence", "ratio", "competitor"),
    [
        ("Save 20% compared with Geico.", 0.8, "Geico"),
        ("Saves you 15% compared with Amazon.", 0.85, "Amazon"),
        ("Save 30% vs. Xero.", 0.7, "Xero"),
    ],
)
def test_saving_a_percent_against_a_rival_is_paying_that_much_less(sentence, ratio, competitor):
    # it drafted as ratio 1 ("with no number"): a claim of parity, where the copy promises 20% less
    draft = one(sentence)
    assert (draft.form, draft.direction, draft.competitor) == (
        ClaimForm.comparative,
        Direction.lower,
        competitor,
    )
    assert close(draft.ratio, ratio) and draft.claimed == draft.ratio
    assert draft.benefit is BenefitKind.money and draft.metric == "cost"


def test_comparative_without_a_number_has_ratio_one():
    draft = one("Fewer dropped calls than Verizon.")
    assert (draft.form, draft.ratio, draft.direction, draft.competitor) == (
        ClaimForm.comparative,
        1,
        Direction.lower,
        "Verizon",
    )


@pytest.mark.parametrize(
    "sentence", ["Faster than ever.", "Loads 2x faster than before.", "More than you think."]
)
def test_comparisons_with_oneself_name_no_competitor(sentence):
    assert all(draft.form is not ClaimForm.comparative for draft in draft_claims(sentence))


@pytest.mark.parametrize(
    ("sentence", "competitor", "direction"),
    [
        ("Picture quality as good as StreamMax.", "StreamMax", Direction.higher),
        ("Legroom on par with Lufthansa.", "Lufthansa", Direction.higher),
        ("Meal kits as cheap as the supermarket.", "supermarket", Direction.lower),
        ("Green electricity at the same price as British Gas.", "British Gas", Direction.lower),
    ],
)
def test_parity(sentence, competitor, direction):
    draft = one(sentence)
    assert (draft.form, draft.ratio, draft.claimed) == (ClaimForm.parity, 1, 1)
    assert draft.competitor == competitor and draft.direction is direction


def test_a_multiplier_before_as_as_is_comparative_not_parity():
    draft = one("Teams ship releases twice as often as with Jira.")
    assert (draft.form, draft.ratio, draft.competitor) == (ClaimForm.comparative, 2, "Jira")


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("The typical customer saves 6 hours at month-end close.", 6, "hours"),
        ("Playback starts in 2 seconds for the typical viewer.", 2, "seconds"),
        ("Most transfers arrive in under 20 seconds.", 20, "seconds"),
    ],
)
def test_typical_is_median(sentence, value, unit):
    draft = one(sentence)
    assert (draft.form, draft.claimed, draft.unit) == (ClaimForm.median, value, unit)


def test_on_average_with_a_period_names_the_metric():
    draft = one("Saves you 5 hours of invoicing admin every week on average.")
    assert (draft.form, draft.claimed, draft.unit, draft.direction) == (
        ClaimForm.average,
        5,
        "hours/week",
        Direction.higher,
    )
    assert draft.metric == "hours_saved_per_week" and draft.benefit is BenefitKind.time
    assert draft.confidence > one("Dinner on the table in 20 minutes.").confidence  # explicit words count


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "metric"),
    [
        ("Get paid in 14 days.", 14, "days", "days_to_payment"),
        ("Set up in under 10 minutes, no credit card required.", 10, "minutes", "minutes_to_setup"),
        ("Refunds processed within 7 days.", 7, "days", "days_to_refund"),
    ],
)
def test_a_level_reached_is_lower(sentence, value, unit, metric):
    draft = one(sentence)
    assert (draft.form, draft.claimed, draft.unit, draft.direction, draft.metric) == (
        ClaimForm.average,
        value,
        unit,
        Direction.lower,
        metric,
    )


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("Get paid 9 days sooner.", -9, "days"),
        ("Customers waste 38% less food on average.", -38, "%"),
        ("Reduce lower back pain by 32% in 8 weeks.", -32, "%"),
    ],
)
def test_a_reduction_by_an_amount_is_a_negative_change(sentence, value, unit):
    draft = one(sentence)
    assert (draft.claimed, draft.unit, draft.direction) == (value, unit, Direction.lower)
    assert "change" in (draft.metric or "")


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("Members save $1,200 a year on average.", 1200, "USD/year"),
        ("Save R$ 30 a month compared with cable TV.", 30, "BRL/month"),
        ("Typical households save €220 a year on their energy bills.", 220, "EUR/year"),
        ("Earn 4.5% interest on your savings.", 4.5, "%"),
    ],
)
def test_money_amounts_carry_their_currency(sentence, value, unit):
    draft = one(sentence)
    assert (draft.claimed, draft.unit, draft.direction, draft.benefit) == (
        value,
        unit,
        Direction.higher,
        BenefitKind.money,
    )


def test_ratings_out_of_a_scale():
    draft = one("Subscribers rate their evenings 8.5 out of 10 on average.")
    assert (draft.form, draft.claimed, draft.unit, draft.metric, draft.benefit) == (
        ClaimForm.average,
        8.5,
        "points (0-10)",
        "evenings_rating",
        BenefitKind.enjoyment,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The best choice for your family.",
        "Britain's fastest broadband network.",
        "The UK's #1 rated banking app.",
    ],
)
def test_superlatives_without_a_number_are_puffery(sentence):
    draft = one(sentence)
    assert draft.form is ClaimForm.puffery and draft.claimed is None and draft.metric is None
    assert draft.to_claim().form is ClaimForm.puffery


@pytest.mark.parametrize(
    "sentence",
    [
        "Join 25,000 teams who plan their work with Taskly.",
        "Trusted by more than 2 million customers.",
        "Plans from $19 a month.",
        "Free delivery on orders over $35.",
        "We've been powering homes since 1998.",
        "Call us 24/7 on 0800 123 4567.",
        "Flying to over 120 destinations across Europe.",
        "Classes run 7 days a week in 300 gyms.",
        "Book a demo today.",
        "",
        "   ",
    ],
)
def test_sentences_that_promise_nothing_give_no_draft(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "We operate 40 warehouses across North America.",
        "Trusted by 4,000 HR teams.",
        "Connect up to 10 devices on one plan.",
        "Add up to 5 users for free.",
        "Stream on up to four screens at once.",
        "Our 5G network covers the whole country.",
    ],
)
def test_bare_counts_allowances_and_names_are_no_outcomes(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("Burn up to 600 calories in one class.", 600, "calories"),
        ("Book in 3 clicks.", 3, "clicks"),
        ("Listeners discover 12 new artists a month on average.", 12, "artists/month"),
    ],
)
def test_counts_with_a_measure_a_period_or_a_verb_are_outcomes(sentence, value, unit):
    draft = one(sentence)
    assert (draft.claimed, draft.unit) == (value, unit)


@pytest.mark.parametrize(
    ("sentence", "value", "direction"),
    [
        ("Get set up in two minutes.", 2, Direction.lower),
        ("Resolve tickets three days sooner.", -3, Direction.lower),
        ("Students raise their maths grade by two levels on average.", 2, Direction.higher),
    ],
)
def test_numbers_written_as_words_before_a_unit(sentence, value, direction):
    draft = one(sentence)
    assert (draft.claimed, draft.direction) == (value, direction)


def test_one_as_a_word_is_no_number():
    assert draft_claims("All your accounts in one app.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Claims settled in no more than 5 days.",
        "Never wait more than 2 minutes to speak to an agent.",
        "Delivered at most 3 days after you order.",
    ],
)
def test_a_ceiling_is_lower(sentence):
    draft = one(sentence)
    assert (draft.form, draft.direction) == (ClaimForm.average, Direction.lower)
    assert "never" not in (draft.metric or "")


def test_more_after_the_number_is_higher_even_after_take():
    draft = one("App users take 2,500 more steps a day on average.")
    assert (draft.claimed, draft.direction) == (2500, Direction.higher)


def test_early_is_a_change_in_time():
    draft = one("Your salary, up to 2 days early.")
    assert (draft.form, draft.claimed, draft.unit, draft.direction) == (
        ClaimForm.up_to,
        -2,
        "days",
        Direction.lower,
    )


def test_share_of_an_irregular_plural():
    draft = one("92% of women said their skin felt more hydrated.")
    assert (draft.form, draft.share, draft.claimed) == (ClaimForm.share, 0.92, 1)


@pytest.mark.parametrize(
    "sentence",
    [
        "Our most luxurious cream yet.",
        "Britain's greenest energy supplier.",
        "The UK's highest-rated online tutoring service.",
        "Top-rated by parents.",
    ],
)
def test_superlatives_in_general_are_puffery(sentence):
    assert one(sentence).form is ClaimForm.puffery


@pytest.mark.parametrize(
    "sentence",
    ["Free cancellation on most hotels.", "Earn interest on the latest plans.", "Our honest advice."],
)
def test_quantifiers_and_words_ending_in_est_are_not_superlatives(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "share"),
    [
        ("Half of our customers save over £300 a year.", 0.5),
        ("Three quarters of our learners get a promotion within a year.", 0.75),
        ("A third of members train twice a week.", 1 / 3),
    ],
)
def test_a_share_in_words(sentence, share):
    draft = one(sentence)
    assert draft.form is ClaimForm.share and close(draft.share, share)


def test_saving_over_an_amount_is_an_outcome_not_a_threshold():
    draft = one("Half of our customers save over £300 a year.")
    assert (draft.claimed, draft.unit, draft.direction) == (300, "GBP/year", Direction.higher)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Cuts onboarding paperwork by half.", -50),
        ("Cut waiting times by a third.", -33.33),
        ("Loads 2x faster than before.", -50),
        ("Costs 20% lower than last year.", -20),
        ("Fleet fuel costs fall by 12% in the first year.", -12),
    ],
)
def test_reductions_in_words_by_multipliers_and_against_oneself_are_changes_in_percent(sentence, value):
    draft = one(sentence)
    assert (draft.form, draft.unit, draft.direction) == (ClaimForm.average, "%", Direction.lower)
    assert close(draft.claimed, value) and "change" in (draft.metric or "")


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Average handling time drops to 90 seconds.", 90),
        ("Median time to first response: 12 minutes.", 12),
        ("Wait no longer than 10 minutes for a taxi.", 10),
    ],
)
def test_a_time_taken_or_reached_is_lower(sentence, value):
    draft = one(sentence)
    assert (draft.claimed, draft.direction) == (value, Direction.lower)


def test_times_as_fast_as_a_rival_compares_times():
    draft = one("Wi-Fi twice as fast as BT's.")
    assert (draft.form, draft.ratio, draft.direction, draft.competitor) == (
        ClaimForm.comparative,
        0.5,
        Direction.lower,
        "BT",
    )


@pytest.mark.parametrize(
    ("sentence", "competitor"),
    [
        ("Energy bills 15% lower than the price cap.", "price cap"),
        ("Fees lower than the average bank.", "average bank"),
    ],
)
def test_a_benchmark_named_by_more_words_is_a_competitor(sentence, competitor):
    draft = one(sentence)
    assert draft.form is ClaimForm.comparative and draft.competitor == competitor


@pytest.mark.parametrize(
    "sentence",
    [
        "Get 3 months free.",
        "Try it free for 30 days.",
        "30-day money-back guarantee.",
        "Cancel within 14 days.",
        "5-year warranty on every boiler.",
        "Free returns within 30 days.",
    ],
)
def test_the_offers_terms_are_no_outcomes(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize("sentence", ["A smarter way to bank.", "The better choice for families."])
def test_a_comparative_sold_as_the_way_is_puffery(sentence):
    assert one(sentence).form is ClaimForm.puffery


@pytest.mark.parametrize(
    "sentence", ["The other way round.", "A paper way to file.", "Our newest phone yet."]
)
def test_words_that_only_look_comparative_or_superlative_are_not_puffery(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Mortgage rates from 3.9%.",
        "Borrow up to £25,000 with a decision in minutes.",
        "Loans from £1,000 to £25,000.",
        "Cover up to £1m for your business.",
        "Order before 10pm for next-day delivery.",
        "Trusted by 9 of the top 10 UK retailers.",
        "Used by 3 of the top 5 banks.",
    ],
)
def test_rates_loan_limits_times_of_day_and_endorsements_are_no_outcomes(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "value", "direction"),
    [
        ("Save from 10% on your bills.", 10, Direction.higher),
        ("Cut your commute from 60 to 30 minutes.", 30, Direction.lower),
    ],
)
def test_from_after_a_saving_or_a_cut_is_still_an_outcome(sentence, value, direction):
    draft = one(sentence)
    assert (draft.claimed, draft.direction) == (value, direction)


def test_a_share_of_something_uncountable_before_its_verb():
    draft = one("99% of malware detected in independent tests.")
    assert (draft.form, draft.share, draft.claimed) == (ClaimForm.share, 0.99, 1)


def test_a_comparative_with_nothing_compared_with_is_puffery_less_sure():
    draft = one("A quieter, smoother ride.")
    assert draft.form is ClaimForm.puffery
    assert draft.confidence < one("The best choice for your family.").confidence


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("0–60 mph in 3.1 seconds.", 3.1, "seconds"),
        ("Charges from 0 to 50% in just 30 minutes.", 30, "minutes"),
        ("Charges from 10-80% in 18 minutes.", 18, "minutes"),
    ],
)
def test_a_span_covered_is_the_condition_and_the_time_the_claim(sentence, value, unit):
    draft = one(sentence)
    assert (draft.form, draft.claimed, draft.unit, draft.direction) == (
        ClaimForm.average,
        value,
        unit,
        Direction.lower,
    )


@pytest.mark.parametrize(
    "sentence", ["SOC 2 Type II certified.", "ISO 27001 certified.", "PCI DSS 4 compliant."]
)
def test_a_standards_name_is_no_outcome(sentence):
    assert draft_claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [("SAVE 50 HOURS A MONTH.", 50, "hours/month"), ("EV drivers add 300 miles a week.", 300, "miles/week")],
)
def test_numbers_after_capitals_with_a_unit_or_in_a_capitals_line_are_read(sentence, value, unit):
    draft = one(sentence)
    assert (draft.claimed, draft.unit) == (value, unit)


@pytest.mark.parametrize(
    ("sentence", "form", "unit"),
    [
        ("Most kitchens are installed in under a week.", ClaimForm.median, "weeks"),
        ("Blinds fitted in a day.", ClaimForm.average, "days"),
        ("Replies within an hour.", ClaimForm.average, "hours"),
    ],
)
def test_a_level_written_with_the_article_is_one_of_the_unit(sentence, form, unit):
    draft = one(sentence)
    assert (draft.form, draft.claimed, draft.unit, draft.direction) == (form, 1, unit, Direction.lower)


def test_beside_another_number_a_period_with_the_article_is_a_timeframe():
    draft = one("Three quarters of our learners get a promotion within a year.")
    assert (draft.claimed, draft.unit, draft.direction) == (1, YES_UNIT, Direction.higher)
    assert one("Members lose 5 kg in a month.").claimed == 5


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("Reconcile your accounts in half the time.", -50), ("Do payroll in a third of the time.", -66.67)],
)
def test_in_a_part_of_the_time_is_a_cut_of_the_rest(sentence, value):
    draft = one(sentence)
    assert (draft.form, draft.unit, draft.direction) == (ClaimForm.average, "%", Direction.lower)
    assert close(draft.claimed, value) and draft.metric == "time_change_pct"


@pytest.mark.parametrize(
    ("sentence", "share"),
    [
        ("Kills 99.9% of bacteria.", 0.999),
        ("Blocks 99.9% of phishing emails.", 0.999),
        ("Automatically captures 99% of receipt data.", 0.99),
        ("Our filter removes 97% of pollen from the air.", 0.97),
    ],
)
def test_a_percent_of_something_a_verb_acts_on_is_a_share(sentence, share):
    draft = one(sentence)
    assert (draft.form, draft.share, draft.claimed, draft.direction) == (
        ClaimForm.share,
        share,
        1,
        Direction.higher,
    )


@pytest.mark.parametrize(
    ("sentence", "form"),
    [
        ("Save 20% of your energy bill.", ClaimForm.average),
        ("Cut 30% of your costs.", ClaimForm.average),
        ("Removes up to 99% of allergens.", ClaimForm.up_to),
    ],
)
def test_a_percent_saved_cut_or_up_to_is_no_share(sentence, form):
    assert one(sentence).form is form


@pytest.mark.parametrize(
    ("sentence", "value", "metric"),
    [
        ("Hair that's 3x stronger after one use.", 200, "hair_stronger_change_pct"),
        ("Get 3x more leads.", 200, "leads_change_pct"),
        ("Batteries last 2 times longer.", 100, "batteries_longer_change_pct"),
    ],
)
def test_a_multiplier_up_with_no_rival_is_a_change_in_percent(sentence, value, metric):
    draft = one(sentence)
    assert (draft.form, draft.claimed, draft.unit, draft.direction, draft.metric) == (
        ClaimForm.average,
        value,
        "%",
        Direction.higher,
        metric,
    )


def test_a_multiplier_that_is_the_level_stays_a_multiplier():
    draft = one("Customers see a 5x return on ad spend.")
    assert (draft.claimed, draft.unit, draft.direction) == (5, "×", Direction.higher)


@pytest.mark.parametrize(
    "sentence",
    ["Made with 100% Arabica beans.", "Contains 20% vitamin C.", "Winner of 12 Game of the Year awards."],
)
def test_what_it_is_made_of_and_awards_are_no_outcomes(sentence):
    assert draft_claims(sentence) == []


def test_made_with_less_of_something_is_still_a_cut():
    draft = one("Made with 30% less sugar.")
    assert (draft.claimed, draft.direction) == (-30, Direction.lower)


def test_loved_by_is_puffery():
    assert one("Loved by accountants across the UK.").form is ClaimForm.puffery


def test_one_draft_per_promising_sentence_in_order():
    copy = (
        "Invoicing for freelancers. Get paid 9 days sooner. Join 10,000 freelancers.\n"
        "- 95% of invoices are paid on time\n- The easiest invoicing app"
    )
    drafts = draft_claims(copy)
    assert [d.form for d in drafts] == [ClaimForm.average, ClaimForm.share, ClaimForm.puffery]
    assert drafts[1].sentence == "95% of invoices are paid on time"


# ----------------------------------------------------------------------------- claims and ids


def test_to_claim_makes_unique_valid_ids():
    draft = one("Saves you 5 hours of invoicing admin every week on average.")
    first = draft.to_claim()
    second = draft.to_claim({first.id})
    third = draft.to_claim([first.id, second.id])
    assert (first.id, second.id, third.id) == (
        "hours-saved-per-week",
        "hours-saved-per-week-2",
        "hours-saved-per-week-3",
    )
    prop = parse_proposition(
        {
            "name": "p",
            "price": {"amount": 1},
            "claims": [c.model_dump(mode="json") for c in (first, second, third)],
        }
    )
    assert [c.claimed for c in prop.claims] == [5, 5, 5]


def test_claim_ids_are_cut_at_a_word_and_never_empty():
    assert claim_id("An extraordinarily long sentence about nothing in particular at all") == (
        "an-extraordinarily-long-sentence"
    )
    assert claim_id("!!!") == "claim"
    assert claim_id("Ünïcödé only") == "n-c-d-only"


def test_a_long_sentence_is_cut_to_the_claims_limit():
    sentence = "Save 5 hours a week on average " + "and more " * 80
    claim = one(sentence).to_claim()
    assert len(claim.text) <= 500 and claim.text.endswith("…")


# ----------------------------------------------------------------------------- sentences


def test_split_sentences_keeps_decimals_and_abbreviations():
    text = "Save 2.5 hours a week, e.g. on invoices. Costs vs. Rival are lower! Really? Yes…\nNo. 1 app"
    assert split_sentences(text) == [
        "Save 2.5 hours a week, e.g. on invoices.",
        "Costs vs. Rival are lower!",
        "Really?",
        "Yes…",
        "No. 1 app",
    ]


def test_split_sentences_takes_lines_and_bullets_apart():
    text = "# Headline\n\n* First bullet\n- Second bullet.\n1. Numbered item\n• Dot bullet\n\n"
    assert split_sentences(text) == [
        "# Headline",
        "First bullet",
        "Second bullet.",
        "Numbered item",
        "Dot bullet",
    ]


def test_split_sentences_is_fast_on_hostile_text():
    import time

    started = time.perf_counter()
    assert len(draft_claims(("than " * 100 + ". ") * 300)) <= 1
    draft_claims("1 " * 100_000)
    assert time.perf_counter() - started < 5


# ----------------------------------------------------------------------------- files


def test_read_copy_txt_in_utf8_with_bom_and_cp1252():
    assert read_copy("\ufeffSave 5 hours.\r\nNext line".encode(), "copy.txt") == "Save 5 hours.\nNext line"
    assert read_copy("Save €30 – today".encode("cp1252"), "copy.TXT") == "Save €30 – today"


def test_read_copy_markdown_loses_its_marks():
    source = (
        "# Why us\n\n- **Save 5 hours** a week\n- See [our study](http://x.example)\n---\n> 95% of orders"
    )
    assert (
        read_copy(source.encode(), "copy.md") == "Why us\n\nSave 5 hours a week\nSee our study\n95% of orders"
    )


def test_read_copy_html_keeps_visible_text_only():
    page = (
        "<html><head><title>Ignore me</title><style>p{color:red}</style></head><body>"
        "<script>var saves = '99 hours';</script><h1>Save 5&nbsp;hours</h1>"
        "<p>Get paid <b>9 days</b> sooner.</p><ul><li>95% of orders &amp; parcels arrive on time</li></ul>"
        "<noscript>enable JS</noscript></body></html>"
    )
    text = read_copy(page.encode(), "landing.html")
    assert text == "Save 5 hours\nGet paid 9 days sooner.\n95% of orders & parcels arrive on time"
    assert [d.form for d in draft_claims(text)] == [ClaimForm.average, ClaimForm.average, ClaimForm.share]


def test_read_copy_docx_paragraphs_and_tables():
    import docx

    document = docx.Document()
    document.add_heading("Why WarmHome", level=1)
    document.add_paragraph("Cuts your heating bill by up to 40%.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Installed in 3 days."
    table.cell(0, 1).text = "9 in 10 homeowners say their home feels warmer."
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_copy(buffer.getvalue(), "deck.docx")
    assert text.splitlines() == [
        "Why WarmHome",
        "Cuts your heating bill by up to 40%.",
        "Installed in 3 days.",
        "9 in 10 homeowners say their home feels warmer.",
    ]
    assert [d.form for d in draft_claims(text)] == [ClaimForm.up_to, ClaimForm.average, ClaimForm.share]


def test_read_copy_refuses_a_word_file_that_unpacks_huge():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (60 << 20))
    data = buffer.getvalue()
    assert len(data) < 1 << 20
    with pytest.raises(InvalidInput) as caught:
        read_copy(data, "bomb.docx")
    assert "bomb.docx" in str(caught.value) and "at most 50 MB" in str(caught.value)


def _not_a_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a fixed date: every xdist worker collects the same bytes
        archive.writestr(zipfile.ZipInfo("hello.txt", date_time=(2020, 1, 1, 0, 0, 0)), "not word")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"Save 5 hours", "copy.pdf", "is not a file copy can be read from"),
        (b"Save 5 hours", "copy", "is not a file copy can be read from"),
        (b"  \n ", "copy.txt", "is empty"),
        (b"this is not a zip", "deck.docx", "is not a Word document"),
        (_not_a_docx(), "deck.docx", "is not a Word document"),
        (b"x" * (MAX_COPY_BYTES + 1), "big.txt", "can be at most 5 MB"),
    ],
)
def test_read_copy_refuses_what_it_cannot_read_naming_the_file(data, name, words):
    with pytest.raises(InvalidInput) as caught:
        read_copy(data, name)
    message = str(caught.value)
    assert words in message and name in message and "Traceback" not in message


def test_a_draft_of_a_sentence_already_claimed_is_found_whatever_its_spacing_and_case():
    claims = parse_proposition(
        {
            "name": "p",
            "price": {"amount": 1},
            "claims": [
                {"id": "a", "text": "Saves you 5  hours a week.", "benefit": "time", "form": "average",
                 "metric": "hours", "claimed": 5},
                {"id": "b", "text": "The best app", "benefit": "enjoyment", "form": "puffery"},
            ],
        }
    ).claims  # fmt: skip
    drafts = draft_claims("Get paid 9 days sooner. SAVES you 5 hours  a week\nThe best app.")
    assert [d.sentence for d in drafts][1:] == ["SAVES you 5 hours a week", "The best app."]
    assert {index: claim.id for index, claim in already_claimed(drafts, claims).items()} == {1: "a", 2: "b"}
    assert already_claimed(drafts, []) == {}
