from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import sample, sample_data
from valuegap.model.proposition import parse_proposition
from valuegap.model.revisions import (
    Change,
    action_in_words,
    conflict_in_words,
    diff_propositions,
    sentences,
    summarize,
)


def test_no_changes():
    assert diff_propositions(sample(), sample()) == []
    assert summarize([]) == "no changes"


def data_text(days: int) -> str:
    return f"Get paid {days} days sooner on average"


def test_scalar_nested_and_claim_field_changes():
    data = sample_data(price={"amount": 59.0, "currency": "USD", "period": "month"})
    data["claims"][0]["text"] = "Get paid 4 days sooner on average"
    data["claims"][0]["claimed"] = 4.0
    changes = diff_propositions(sample(), parse_proposition(data))
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("price.amount", 49.0, 59.0),
        ("claims[paid-sooner].text", data_text(5), data_text(4)),
        ("claims[paid-sooner].claimed", 5.0, 4.0),
    ]
    assert summarize(changes, limit=1) == "price.amount: 49 → 59 (+2 more)"


def test_claims_are_matched_by_id_so_reordering_is_no_change():
    data = sample_data()
    data["claims"].reverse()
    assert diff_propositions(sample(), parse_proposition(data)) == []


def test_added_and_removed_claims_and_access_items():
    data = sample_data()
    removed = data["claims"].pop(0)
    data["claims"].append(dict(removed, id="new-claim"))
    data["cost_of_access"].pop()
    changes = diff_propositions(sample(), parse_proposition(data))
    kinds = {(c.path, c.kind) for c in changes}
    assert ("claims[new-claim]", "added") in kinds
    assert ("claims[paid-sooner]", "removed") in kinds
    assert ("cost_of_access[2]", "removed") in kinds


def test_optional_field_cleared_is_a_change():
    data = sample_data()
    del data["claims"][0]["money_per_unit"]
    changes = diff_propositions(sample(), parse_proposition(data))
    assert changes == [Change("claims[paid-sooner].money_per_unit", 12.0, None)]
    assert changes[0].kind == "removed"


def test_everything_is_added_against_nothing():
    changes = diff_propositions(None, sample())
    assert {c.kind for c in changes} == {"added"}
    assert "claims[on-time]" in {c.path for c in changes}


# --------------------------------------------------------------------------- sentences


def test_changes_read_as_sentences_with_units_words_and_percentages():
    data = sample_data(price={"amount": 59.0, "currency": "USD", "period": "month"}, status="approved")
    data["claims"][0]["claimed"] = 3.0
    data["claims"][0]["form"] = "median"
    data["claims"][1]["share"] = 0.9
    data["cost_of_access"][0]["amount"] = 7.0
    del data["claims"][0]["money_per_unit"]
    said = sentences(diff_propositions(sample(), parse_proposition(data)))
    assert said == [
        "Price: USD 49.00 → USD 59.00",
        "Status: Draft → Approved",
        "Cost of access item 1 (“Onboarding”): amount 3 → 7 hours",
        "Claim 'paid-sooner': form Average (“on average …”) → Typical customer (median)",
        "Claim 'paid-sooner': claimed 5 → 3 days",
        "Claim 'paid-sooner': money per unit USD 12.00 cleared",
        "Claim 'on-time': share of customers 95% → 90%",
    ]


def test_money_changes_read_as_money_in_each_versions_currency():
    data = sample_data(price={"amount": 1200.5, "currency": "EUR", "period": "month"})
    setup = next(item for item in data["cost_of_access"] if item["unit"] == "money")
    setup["amount"] = 149.0
    said = sentences(diff_propositions(sample(), parse_proposition(data)))
    # the price was USD 49 in the version before; both amounts carry their own currency
    assert "Price: USD 49.00 → EUR 1,200.50" in said
    assert "Cost of access item 2 (“Setup”): amount USD 99.00 → EUR 149.00" in said
    # what an hour is worth, and what a claim's unit is worth, are money in the proposition's currency
    data = sample_data(value_of_time=55.5)
    data["claims"][0]["money_per_unit"] = 12.25
    said = sentences(diff_propositions(sample(), parse_proposition(data)))
    assert "Value of the customer's time: USD 45.00 → USD 55.50" in said
    assert "Claim 'paid-sooner': money per unit USD 12.00 → USD 12.25" in said
    # hours stay hours, and a change of unit reads as the numbers it changes
    data = sample_data()
    data["cost_of_access"][1].update(unit="hours", amount=2.0)
    said = sentences(diff_propositions(sample(), parse_proposition(data)))
    assert "Cost of access item 2 (“Setup”): amount 99 → 2 hours" in said


def test_added_and_removed_things_read_as_sentences_never_as_mappings():
    data = sample_data()
    removed = data["claims"].pop(0)
    data["claims"].append(dict(removed, id="new-claim", text="Twice as fast"))
    data["cost_of_access"].pop()
    said = sentences(diff_propositions(sample(), parse_proposition(data)))
    assert "Claim 'new-claim' added: “Twice as fast”" in said
    assert "Claim 'paid-sooner' removed (it was “Get paid 5 days sooner on average”)" in said
    assert "Cost of access item 2 (“Setup”) removed (it was Setup fee, USD 99.00 once)" in said
    assert not any("{" in sentence for sentence in said)


def test_the_issue_example_reads_as_written():
    claim = {"id": "hours-saved", "text": "Saves 2 hours a week", "benefit": "time", "form": "average",
             "metric": "hours_saved", "claimed": 2.0, "unit": "hours a week"}  # fmt: skip
    before = parse_proposition(sample_data(claims=[claim]))
    after = parse_proposition(sample_data(claims=[dict(claim, claimed=3.0)]))
    assert sentences(diff_propositions(before, after)) == ["Claim 'hours-saved': claimed 2 → 3 hours a week"]


def test_history_names_what_each_version_did():
    assert action_in_words("save") == "Edited"
    assert action_in_words("restore", "restored version 1") == "Restored version 1"
    assert (
        action_in_words("draft from copy", "added 2 claims drafted from copy: a, b")
        == "Added claims drafted from copy"
    )
    assert action_in_words("merge") == "Merge"


def test_a_metric_renamed_at_upload_reads_as_what_the_user_did():
    from valuegap.workspace.metric_rename import RENAME_ACTION

    summary = "metric 'hours' renamed to 'hours_saved' to match an uploaded file"
    said = action_in_words(RENAME_ACTION, summary)
    assert said == "Renamed a claim metric to match an uploaded file"


def test_a_refused_save_names_everyone_who_saved_since_and_what_to_do():
    when = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)
    said = conflict_in_words(["bo@example.com"], 2, when, 1)
    assert said == (
        "Not saved: bo@example.com saved this proposition (version 2, 2026-12-07 09:05 UTC) after you opened "
        "version 1. Nothing was overwritten: load their version to see it, then re-apply your edits."
    )
    several = conflict_in_words(["cy", "bo", "cy", "al"], 5, when, 2)
    assert several.startswith("Not saved: al, bo and cy saved this proposition (version 5")
    assert "{" not in several and "(+" not in several


def test_an_emptied_or_filled_text_says_blank_not_empty_quotes():
    data = sample_data(canvas={"jobs": "Get paid", "pains": "", "gains": ""})
    filled = sentences(diff_propositions(sample(), parse_proposition(data)))
    assert filled == ["Customer jobs: blank → “Get paid”"]
    assert sentences(diff_propositions(parse_proposition(data), sample())) == [
        "Customer jobs: “Get paid” → blank"
    ]
