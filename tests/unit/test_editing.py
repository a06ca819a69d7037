from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings

from tests.conftest import sample
from tests.unit.strategies import propositions
from valuegap.editing import (
    access_frame,
    claims_frame,
    proposition_data,
    route_problems,
    slugify,
)
from valuegap.errors import InvalidInput
from valuegap.model import Proposition, parse_proposition


def fields_of(prop: Proposition) -> dict:
    data = prop.to_dict()
    return {k: v for k, v in data.items() if k not in ("claims", "cost_of_access")}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(propositions())
def test_editor_tables_round_trip(prop):
    editor = proposition_data(fields_of(prop), access_frame(prop), claims_frame(prop))
    assert parse_proposition(editor.data) == prop


def test_empty_proposition_gives_typed_empty_tables():
    prop = parse_proposition({"name": "x", "price": {"amount": 0}})
    claims, access = claims_frame(prop), access_frame(prop)
    assert len(claims) == 0 and claims["claimed"].dtype == "float64"
    assert len(access) == 0 and access["amount"].dtype == "float64"


def test_blank_rows_are_ignored_and_problems_name_the_editor_row():
    prop = sample()
    claims = claims_frame(prop)
    blank = pd.DataFrame([{c: None for c in claims.columns}])
    bad = pd.DataFrame([{"text": "Up to 40% off", "benefit": "money", "form": "up_to", "share": math.nan}])
    edited = pd.concat([claims, blank, bad], ignore_index=True)
    editor = proposition_data(fields_of(prop), access_frame(prop), edited)
    assert editor.claim_positions == [1, 2, 4]
    assert editor.data["claims"][2]["id"] == "up-to-40-off"  # made from the text
    try:
        parse_proposition(editor.data)
    except InvalidInput as exc:
        routed = route_problems(exc.problems, editor)
    assert {(row, column) for row, column, _ in routed.claims} == {(4, "metric"), (4, "claimed")}
    assert routed.fields == {} and routed.count == 2


def test_field_and_access_problems_are_routed():
    prop = sample()
    access = access_frame(prop)
    access.loc[1, "amount"] = -5.0
    price = {"amount": 10.0, "currency": "usd1", "period": "month"}
    fields = fields_of(prop) | {"name": "  ", "price": price}
    editor = proposition_data(fields, access, claims_frame(prop))
    try:
        parse_proposition(editor.data)
    except InvalidInput as exc:
        routed = route_problems(exc.problems, editor)
    assert set(routed.fields) == {"name", "price.currency"}
    assert [(row, column) for row, column, _ in routed.access] == [(2, "amount")]


def test_slugify_makes_unique_ids():
    assert slugify("Saves 5 h a week!", set()) == "saves-5-h-a-week"
    assert slugify("Saves 5 h a week!", {"saves-5-h-a-week"}) == "saves-5-h-a-week-2"
    assert slugify("¡¿", set()) == "claim"
