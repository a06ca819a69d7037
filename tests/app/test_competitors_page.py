"""AppTests of the Competitors page on the seeded demo workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import hostile
from tests.app.conftest import app_at, shown
from tests.conftest import sample
from valuegap.market import offer_files
from valuegap.market.competition import parse_offers
from valuegap.model.proposition import parse_proposition
from valuegap.store import Actor

EDITOR = Actor("ana@example.com")


def _weight(at, attribute):  # type: ignore[no-untyped-def]
    return next(n for n in at.number_input if n.label == f"Weight of {attribute}")


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_the_demo_market_shows_our_offer_claimed_and_measured(open_store):
    store = open_store()
    at = app_at("5_competitors.py", p="1")  # Ledgerly
    assert not at.error and not at.warning
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Our relative quality (claimed)"] == "1.18"
    claimed, measured = (
        float(metrics["Value advantage (claimed)"]),
        float(metrics["Value advantage (measured)"]),
    )
    assert measured < claimed  # "paid faster" is exaggerated and Getting paid is linked to it
    captions = shown(at.caption)
    assert any(text.startswith("Fair-value line: relative price =") for text in captions)
    assert any("per month less than the claims suggest" in text for text in captions)
    positions = at.dataframe[0].value
    assert list(positions["kind"]).count("ours as measured") == 1 and len(positions) == 6
    assert store.competitors(1).links["Getting paid"] == "days_sooner_paid"


def test_every_price_column_names_the_propositions_currency(open_store):
    # the prices read as bare numbers ("49.00"); every offer's price on the map is in the proposition's
    # currency, so the column says which (a proposition in euros, so USD is not the default showing)
    store = open_store()
    data = sample().to_dict() | {"price": {"amount": 39.0, "currency": "EUR", "period": "month"}}
    prop_id = store.create(parse_proposition(data), EDITOR).id
    market = parse_offers({"attributes": {"Speed": 100}, "offers": [
        {"name": "Us", "price": 39, "ours": True, "scores": {"Speed": 8}},
        {"name": "Them", "price": 30, "scores": {"Speed": 6}},
        {"name": "Others", "price": 45, "scores": {"Speed": 7}},
    ]})  # fmt: skip
    store.save_competitors(prop_id, market, {}, seen_version=0, actor=EDITOR)
    at = app_at("5_competitors.py", p=str(prop_id))
    assert not at.exception
    labels = [
        settings["label"]
        for frame in at.dataframe
        for name, settings in json.loads(frame.proto.columns).items()
        if name == "price"
    ]
    # the positions, their details and the offers editor
    assert labels == ["Price (EUR)"] * 3


def test_weights_must_total_100_before_saving_and_saving_moves_the_map(open_store):
    at = app_at("5_competitors.py", p="1")
    before = {m.label: m.value for m in at.metric}
    _weight(at, "Getting paid").set_value(15.0)
    at.run()
    assert [e.value for e in at.error] == ["Weights total 95 of 100: add 5 before saving."]
    assert _button(at, "Save the market").disabled
    assert any("cannot be drawn yet" in w.value for w in at.warning)
    _weight(at, "Integrations").set_value(20.0)  # weight moves from a strength to a weakness
    at.run()
    assert [s.value for s in at.success] == ["Weights total 100: ready to save."]
    after = {m.label: m.value for m in at.metric}
    assert float(after["Our relative quality (claimed)"]) < float(before["Our relative quality (claimed)"])
    _button(at, "Save the market").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.query_params["p"] == "1"
    saved = open_store().competitors(1)
    assert saved.version == 2 and saved.offers.attributes["Integrations"] == 20.0
    assert saved.updated_by == at.session_state["vg_user_name"]


def test_discarding_edits_restores_the_saved_market():
    at = app_at("5_competitors.py", p="1")
    _weight(at, "Ease of use").set_value(10.0)
    at.run()
    _button(at, "Discard edits").click()
    at.run()
    assert _weight(at, "Ease of use").value == 30.0 and at.success


def test_a_new_proposition_starts_a_market_and_says_what_to_fill_in(open_store):
    store = open_store()
    new = store.create(sample(name="Fresh offer"), EDITOR)
    at = app_at("5_competitors.py", p=str(new.id))
    warning = " ".join(w.value for w in at.warning)
    assert "cannot be drawn yet" in warning and "price" in warning
    assert _button(at, "Save the market").disabled


def test_two_offers_show_their_ratios_and_why_there_is_no_line(open_store):
    store = open_store()
    new = store.create(sample(name="Duel"), EDITOR)
    two = parse_offers(
        {
            "attributes": {"speed": 100},
            "offers": [
                {"name": "Us", "price": 10, "ours": True, "scores": {"speed": 8}},
                {"name": "Them", "price": 12, "scores": {"speed": 4}},
            ],
        }
    )
    store.save_competitors(new.id, two, {}, seen_version=0, actor=EDITOR)
    at = app_at("5_competitors.py", p=str(new.id))
    assert any("at least 3 offers" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["Our relative quality (claimed)"] == "2.00"


def test_comparative_claims_are_listed_with_their_competitor():
    at = app_at("5_competitors.py", p="1")
    claims = at.dataframe[-1].value
    row = claims.set_index("claim").loc["vs-invoicehub"]
    assert row["competitor"] == "InvoiceHub" and row["in this market"] and row["outcomes in the data"]


# ----------------------------------------------------------------------------- hostile files (issue 20)


def _plain(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """Messages as the user reads them: escaping backslashes and invisible word joiners removed."""
    return [text.replace("\u2060", "") for text in shown(elements)]


def _upload_offers(name: str, data: bytes):  # type: ignore[no-untyped-def]
    at = app_at("5_competitors.py", p="1")
    uploader = next(u for u in at.file_uploader if u.key.startswith("vg_offers_file_"))
    uploader.set_value((name, data, "application/octet-stream"))
    at.run()
    return at


@pytest.mark.parametrize(
    "name",
    ["offers-laughs.yaml", "offers-deep.json", "offers-big.yaml", "offers-grid.yaml", "offers-wide.json"],
)
def test_hostile_offers_files_get_one_short_plain_message(open_store, name):
    before = open_store().competitors(1)
    at = _upload_offers(name, hostile.offers_payloads()[name])
    assert not at.exception
    [message] = _plain(at.error)
    assert message.startswith(f"{name}: ") and len(message) < 300, message
    assert not any(b.label == "Use this file as the draft" for b in at.button)
    assert open_store().competitors(1) == before


def test_an_offers_laughs_file_says_to_write_the_value_out():
    at = _upload_offers("offers-laughs.yaml", hostile.offers_laughs(9))
    assert _plain(at.error) == [
        "offers-laughs.yaml: line 2, column 6 has an anchor (&a); these files take no YAML anchors (&) or "
        "aliases (*). Write the value out in full where it is used, or export the file again from this app."
    ]


# ----------------------------------------------------------------------------- issue 19


DEMO_MARKET = Path(__file__).resolve().parents[2] / "data" / "competitors" / "invoicing-saas.yaml"


def test_a_new_proposition_starts_its_market_from_a_file(open_store):
    store = open_store()
    new = store.create(sample(name="Meal kit"), EDITOR)
    at = app_at("5_competitors.py", p=str(new.id))
    uploader = next(u for u in at.file_uploader if u.key.startswith("vg_offers_file_"))
    assert uploader.label.startswith("Start the market from an offers file")  # reachable while blank
    uploader.set_value(("market.yaml", DEMO_MARKET.read_bytes(), "application/x-yaml")).run()
    _button(at, "Use this file as the draft").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not at.warning  # the map is drawn from the file
    assert "Our relative quality (claimed)" in {m.label for m in at.metric}
    _button(at, "Save the market").click()
    at.run()
    saved = open_store().competitors(new.id)
    expected = offer_files.loads(DEMO_MARKET.read_bytes(), "market.yaml")
    assert saved.version == 1 and saved.offers.names == expected.names
    assert saved.offers.attributes == expected.attributes


def test_after_saving_the_page_shows_no_unsaved_edits():
    at = app_at("5_competitors.py", p="1")
    _weight(at, "Getting paid").set_value(15.0)
    _weight(at, "Integrations").set_value(20.0)
    at.run()
    assert any("Showing your unsaved edits" in c for c in shown(at.caption))
    _button(at, "Save the market").click()
    at.run()
    assert not at.exception and not at.error
    assert not any("Showing your unsaved edits" in c for c in shown(at.caption))
    assert _button(at, "Save the market").disabled and _button(at, "Discard edits").disabled
    assert any("Our offer as claimed, on the saved market: " in c for c in shown(at.caption))


def test_the_map_has_its_own_tab_so_it_never_pushes_the_editor_down():
    at = app_at("5_competitors.py", p="1")
    assert [t.label for t in at.tabs] == [
        "Value map", "Relative performance", "Edit the market", "Import / export",
        "Claims against competitors",
    ]  # fmt: skip
    value_map, _, editor, *_ = at.tabs
    assert {m.label for m in value_map.metric} >= {"Our relative quality (claimed)"}
    assert not editor.metric  # the editor's tab holds one line on where we stand, not the map
    assert next(c.value for c in editor.caption).startswith(":material/insights: Our offer as claimed")
