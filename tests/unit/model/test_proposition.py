from __future__ import annotations

import math

import pytest
import yaml
from pydantic import ValidationError

from tests.conftest import DESIGN_EXAMPLE, sample, sample_data
from valuegap.errors import InvalidInput
from valuegap.model.proposition import ClaimForm, parse_proposition


def problems_of(data: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        parse_proposition(data)
    return {problem.path: problem.message for problem in info.value.problems}


def test_design_minimal_example_is_valid():
    prop = parse_proposition(yaml.safe_load(DESIGN_EXAMPLE))
    claim = prop.claim("on-time")
    assert claim.form is ClaimForm.share
    assert claim.share == 0.95 and claim.tolerance == 0 and claim.claimed == 0
    assert prop.price.currency == "BRL"


def test_defaults_follow_methods():
    claim = sample().claim("paid-sooner")
    assert claim.tolerance == pytest.approx(0.10)
    assert claim.direction.value == "higher"


def test_unknown_fields_are_named_with_their_path():
    data = sample_data(colour="red")
    data["claims"][1]["colour"] = "blue"
    data["price"]["discount"] = 5
    found = problems_of(data)
    assert "not a known field" in found["colour"]
    assert "not a known field" in found["claims[2 (on-time)].colour"]
    assert "not a known field" in found["price.discount"]


def test_every_problem_is_reported_at_once():
    data = sample_data(price={"amount": "abc", "currency": "dollars", "period": "fortnight"})
    data["claims"][0]["share"] = 1.5
    data["claims"].append({"id": "x", "text": "Up to 40% off", "benefit": "money", "form": "up_to"})
    found = problems_of(data)
    assert found["price.amount"].startswith("must be a number")
    assert "format" in found["price.currency"]
    assert "'month'" in found["price.period"] and "fortnight" in found["price.period"]
    assert "at most 1" in found["claims[1 (paid-sooner)].share"]
    # form-specific checks still run on the claims that parse
    assert "required" in found["claims[3 (x)].metric"]
    assert "required" in found["claims[3 (x)].claimed"]


@pytest.mark.parametrize(("bad", "words"), [(math.inf, "infinity"), (-math.inf, "minus infinity")])
def test_infinite_numbers_are_refused(bad, words):
    data = sample_data()
    data["claims"][0]["claimed"] = bad
    assert problems_of(data)["claims[1 (paid-sooner)].claimed"] == f"must be a finite number (got {words})"


def test_a_blank_number_is_missing_not_infinite():
    data = sample_data()
    data["claims"][0]["claimed"] = math.nan  # a blank grid cell
    assert problems_of(data)["claims[1 (paid-sooner)].claimed"] == "is missing"


@pytest.mark.parametrize(
    ("form", "missing", "field"),
    [
        ("share", {"share"}, "share"),
        ("comparative", {"competitor"}, "competitor"),
        ("comparative", {"ratio"}, "ratio"),
        ("parity", {"competitor"}, "competitor"),
        ("average", {"metric"}, "metric"),
        ("median", {"claimed"}, "claimed"),
    ],
)
def test_form_specific_fields_are_required(form, missing, field):
    claim = {
        "id": "c",
        "text": "Twice the savings of Rival",
        "benefit": "money",
        "form": form,
        "metric": "saved",
        "claimed": 10.0,
        "share": 0.9,
        "competitor": "Rival",
        "ratio": 2.0,
    }
    for key in missing:
        del claim[key]
    found = problems_of(sample_data(claims=[claim]))
    assert "required" in found[f"claims[1 (c)].{field}"]


def test_puffery_needs_no_measure():
    claim = {"id": "best", "text": "The best choice for you", "benefit": "enjoyment", "form": "puffery"}
    assert parse_proposition(sample_data(claims=[claim])).claims[0].metric is None


def test_claim_ids_must_be_unique_and_slug_like():
    data = sample_data()
    data["claims"][1]["id"] = "paid-sooner"
    data["claims"].append(dict(data["claims"][0], id="Bad Id!"))
    found = problems_of(data)
    assert "unique" in found["claims[2 (paid-sooner)].id"]
    assert "lower-case" in found["claims[3].id"]


def test_hours_of_access_need_a_value_of_time():
    found = problems_of(sample_data(value_of_time=None))
    assert "hours" in found["value_of_time"]
    money_only = sample_data(value_of_time=None, cost_of_access=[])
    assert parse_proposition(money_only).value_of_time is None


@pytest.mark.parametrize("data", [None, [], "name: x", 5])
def test_non_mapping_input_is_refused_clearly(data):
    with pytest.raises(InvalidInput, match="mapping"):
        parse_proposition(data)


def test_models_are_immutable():
    prop = sample()
    with pytest.raises(ValidationError):  # frozen instance
        prop.name = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------- cost-of-access ids


def _access(*labels: str, **given: str) -> list[dict]:
    items = [{"kind": "effort", "label": label, "amount": 1.0} for label in labels]
    for position, item_id in given.items():
        items[int(position.removeprefix("at"))]["id"] = item_id
    return items


def test_items_without_ids_are_named_after_their_labels_and_kept_unique():
    prop = sample(cost_of_access=_access("Setup fee", "Setup fee", "Déjà vu!", "  ", "Setup fee-2"))
    # written out by hand: lower case, other characters to '-', a counter for a repeat
    assert [item.id for item in prop.cost_of_access] == [
        "setup-fee",
        "setup-fee-2",
        "d-j-vu",
        "effort",
        "setup-fee-2-2",
    ]
    long = sample(cost_of_access=_access("Moving clients and open invoices over from the old tool"))
    assert long.cost_of_access[0].id == "moving-clients-and-open-invoices"  # 32 characters, at a word's end


def test_given_ids_are_kept_and_made_ids_never_take_them():
    prop = sample(cost_of_access=_access("Setup", "Setup", at1="setup"))
    assert [item.id for item in prop.cost_of_access] == ["setup-2", "setup"]


def test_made_ids_depend_only_on_the_list_and_survive_a_save():
    data = sample_data(cost_of_access=_access("Onboarding", "Setup"))
    first, again = parse_proposition(data), parse_proposition(data)
    assert first == again and "id" not in data["cost_of_access"][0]  # the caller's data is left alone
    # once saved (its dict form), an item keeps its id when another is inserted before it
    saved = first.to_dict()
    saved["cost_of_access"].insert(0, {"kind": "time", "label": "Setup", "amount": 2.0, "unit": "hours"})
    reloaded = parse_proposition(saved)
    assert [item.id for item in reloaded.cost_of_access] == ["setup-2", "onboarding", "setup"]
    assert reloaded.cost_of_access[2].amount == first.cost_of_access[1].amount


def test_a_file_without_ids_loads_and_then_round_trips_exactly():
    from valuegap.model import proposition_files

    data = sample_data()
    assert all("id" not in item for item in data["cost_of_access"])
    old_file = yaml.safe_dump(data, sort_keys=False)
    prop = proposition_files.loads(old_file)
    assert [item.id for item in prop.cost_of_access] == ["onboarding", "setup"]
    for fmt in ("yaml", "json"):
        text = proposition_files.dumps(prop, fmt)
        assert "onboarding" in text and proposition_files.loads(text, fmt) == prop
        assert proposition_files.dumps(proposition_files.loads(text, fmt), fmt) == text


def test_bad_and_repeated_access_ids_are_named_with_their_row():
    found = problems_of(
        sample_data(cost_of_access=_access("A", "B", "C", at0="Not OK", at1="same", at2="same"))
    )
    assert "cost_of_access[1].id" in found and "lower-case" in found["cost_of_access[1].id"]
    assert found["cost_of_access[3].id"] == "is used by cost-of-access item 2 too; ids must be unique"
    assert "cost_of_access[2].id" not in found


def test_items_built_in_code_get_ids_too():
    from valuegap.model.proposition import AccessCost, AccessKind, Proposition

    built = Proposition(
        name="Built", price={"amount": 1.0},
        cost_of_access=(AccessCost(kind=AccessKind.effort, label="Setup", amount=1.0),),
    )  # fmt: skip
    assert built.cost_of_access[0].id == "setup"
