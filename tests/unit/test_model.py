from __future__ import annotations

import math

import pytest
import yaml
from pydantic import ValidationError

from tests.conftest import DESIGN_EXAMPLE, sample, sample_data
from valuegap.errors import InvalidInput
from valuegap.model import ClaimForm, parse_proposition


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


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad):
    data = sample_data()
    data["claims"][0]["claimed"] = bad
    assert "finite" in problems_of(data)["claims[1 (paid-sooner)].claimed"]


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
