from __future__ import annotations

from tests.app.conftest import app_at


def test_overview_lists_the_demo_workspace(open_store):
    at = app_at("1_overview.py")
    assert at.title[0].value == "Value propositions"
    table = at.dataframe[0].value
    names = {item.proposition.name for item in open_store().list_propositions()}
    assert len(names) == 3 and set(table["Name"]) == names
    assert (table["Claims"] > 0).all()
    assert table["Wording flags"].sum() > 0  # the demo has copy worth flagging
    assert not at.error


def test_create_a_proposition(open_store):
    at = app_at("1_overview.py")
    new_name = next(t for t in at.text_input if t.label == "New proposition")
    new_name.input("Refill subscription")
    next(b for b in at.button if b.label == "Create").click()
    at.run()
    assert not at.exception
    names = [item.proposition.name for item in open_store().list_propositions()]
    assert "Refill subscription" in names


def test_create_without_a_name_says_what_to_do(open_store):
    at = app_at("1_overview.py")
    next(b for b in at.button if b.label == "Create").click()
    at.run()
    assert [e.value for e in at.error] == ["Give the new proposition a name."]
    assert len(open_store().list_propositions()) == 3


def test_empty_workspace_explains_what_to_do(open_store):
    store = open_store()
    from valuegap.workspace import SYSTEM_ACTOR

    for item in store.list_propositions():
        store.delete(item.id, SYSTEM_ACTOR)
    at = app_at("1_overview.py")
    assert any("No propositions yet" in info.value for info in at.info)
