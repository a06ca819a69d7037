from __future__ import annotations

from tests.conftest import sample, sample_data
from valuegap.model import parse_proposition
from valuegap.revisions import Change, diff_propositions, summarize


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
