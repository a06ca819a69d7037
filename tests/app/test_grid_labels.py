"""The claims grid and the cost-of-access table stay for power users, with readable labels: each
choice cell shows its option in words ("Up to (the best case)", "Setup fee", "Every period") while the
value the grid holds, and the proposition stores, stays the code (up_to, setup_fee, per_period)."""

from __future__ import annotations

import json

from tests.app.conftest import app_at
from valuegap.model.proposition import ACCESS_KIND_WORDS, FORM_WORDS, FREQUENCY_WORDS


def _grids(at) -> dict[str, tuple[dict, object]]:
    """Each editable table's column settings and its cells, by its first column's name."""
    found = {}
    for frame in at.dataframe:
        columns = json.loads(frame.proto.columns)
        found[next(iter(columns))] = (columns, frame.value)
    return found


def test_every_choice_cell_of_both_grids_shows_words_and_keeps_the_code():
    at = app_at("2_propositions.py", p="1")
    assert not at.exception
    grids = _grids(at)
    (claims, claim_cells), (access, access_cells) = grids["id"], grids["label"]
    assert {"average", "share"} <= set(claim_cells["form"]) <= set(FORM_WORDS)
    assert "setup_fee" in set(access_cells["kind"]) and "per_period" in set(access_cells["frequency"])
    choices = {
        f"{name}.{column}": settings["type_config"]["options"]
        for name, grid in (("claims", claims), ("access", access))
        for column, settings in grid.items()
        if settings.get("type_config", {}).get("type") == "selectbox"
    }
    assert set(choices) == {
        "claims.form", "claims.direction", "claims.benefit", "access.kind", "access.unit", "access.frequency",
    }  # fmt: skip
    for column, options in choices.items():
        for option in options:
            assert set(option) == {"value", "label"}, column
            assert "_" not in option["label"] and option["label"] != option["value"], (column, option)
            assert option["label"][:1].isupper(), (column, option)
    shown = {option["value"]: option["label"] for option in choices["claims.form"]}
    assert shown == FORM_WORDS and shown["up_to"] == "Up to (the best case)"
    kinds = {option["value"]: option["label"] for option in choices["access.kind"]}
    assert kinds == ACCESS_KIND_WORDS and kinds["setup_fee"] == "Setup fee"
    often = {option["value"]: option["label"] for option in choices["access.frequency"]}
    assert often == FREQUENCY_WORDS and often["per_period"] == "Every period"
