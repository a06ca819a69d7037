from __future__ import annotations

from tests.app.conftest import app_at, shown
from valuegap.formatting import escape_markdown
from valuegap.language import RULE_LABELS, check_proposition
from valuegap.store import Actor


def field(at, label):
    return next(widget for widget in at.text_input if widget.label == label)


def button(at, label):
    return next(widget for widget in at.button if widget.label == label)


def test_renders_the_proposition_named_in_the_link(open_store):
    store = open_store()
    second = store.get(2)
    at = app_at("2_propositions.py", p="2")
    assert field(at, "Name").value == second.proposition.name
    assert at.query_params["p"] == ["2"] or at.query_params["p"] == "2"
    assert not at.error


def test_unknown_proposition_in_the_link_falls_back_with_a_warning():
    at = app_at("2_propositions.py", p="999")
    assert any("no longer exists" in w.value for w in at.warning)


def test_edit_and_save_records_a_revision(open_store):
    at = app_at("2_propositions.py", p="1")
    field(at, "Name").input("Invoicing, renamed")
    at.run()
    button(at, "Save").click()
    at.run()
    assert not at.exception and not at.error
    store = open_store()
    saved = store.get(1)
    assert saved.version == 2 and saved.proposition.name == "Invoicing, renamed"
    assert store.revisions(1)[0].summary.startswith("name:")


def test_invalid_input_is_not_saved_and_is_shown_beside_the_field(open_store):
    at = app_at("2_propositions.py", p="1")
    field(at, "Currency").input("US")
    at.run()
    button(at, "Save").click()
    at.run()
    errors = shown(at.error)
    assert any(e.startswith("Currency has an unexpected format") for e in errors), errors
    assert any(e.startswith("Not saved: 1 problem") for e in errors), errors
    assert open_store().get(1).version == 1
    assert field(at, "Currency").value == "US"  # the user's edit is kept


def test_a_save_after_someone_else_saved_is_refused(open_store):
    at = app_at("2_propositions.py", p="1")
    store = open_store()
    theirs = store.get(1)
    store.save(1, theirs.proposition.model_copy(update={"segment": "agencies"}), seen_version=1,
               actor=Actor("bo@example.com"))  # fmt: skip
    field(at, "Name").input("Mine")
    at.run()
    button(at, "Save").click()
    at.run()
    errors = shown(at.error)
    assert any("Not saved: bo@example.com saved this proposition" in e and "segment" in e for e in errors)
    assert store.get(1).proposition.segment == "agencies" and store.get(1).version == 2
    button(at, "Load their version").click()
    at.run()
    assert field(at, "Target segment").value == "agencies"


def test_restore_an_old_version(open_store):
    at = app_at("2_propositions.py", p="1")
    original = open_store().get(1).proposition.name
    field(at, "Name").input("Second name")
    at.run()
    button(at, "Save").click()
    at.run()
    button(at, "Restore version 1").click()
    at.run()
    assert not at.exception
    current = open_store().get(1)
    assert current.version == 3 and current.proposition.name == original


def test_wording_checks_are_listed(open_store):
    at = app_at("2_propositions.py", p="1")
    store = open_store()
    claims = store.get(1).proposition.claims
    flags = check_proposition(store.get(1).proposition)
    assert flags, "the demo's first proposition has copy worth flagging"
    text = "\n".join(md.value for md in at.markdown)
    for flag in flags:
        assert RULE_LABELS[flag.rule] in text and escape_markdown(flag.words) in text
    flagged_rows = {i + 1 for i, c in enumerate(claims) if c.id in {f.claim_id for f in flags}}
    for row in flagged_rows:
        assert f"Row {row} · " in text


def test_user_text_is_shown_literally_never_as_markup(open_store):
    """Names and copy go through one escaping helper: no maths from $, no links, no HTML."""
    store = open_store()
    hostile = "Bo costs $5 and saves $20 <img src=x onerror=alert(1)> [x](http://evil) :smile:"
    current = store.get(1)
    store.save(1, current.proposition, seen_version=1, actor=Actor(hostile))
    at = app_at("2_propositions.py", p="1")
    captions = [c.value for c in at.caption if "saved" in c.value]
    assert captions and escape_markdown(hostile) in captions[0]
    assert shown(at.caption)[[c.value for c in at.caption].index(captions[0])].endswith(hostile)
