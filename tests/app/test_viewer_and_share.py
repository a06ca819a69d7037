"""Share links in the app: an editor creates one; a viewer who opens it can read every page but change
nothing; a tampered, expired or revoked link shows a page saying so and nothing else."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.proto.Dataframe_pb2 import Dataframe

from tests.app.conftest import app_at, shown
from valuegap.store import Actor
from valuegap.ui import PAGES

EDITOR = Actor("editor@example.com")
LATER = datetime.now(UTC) + timedelta(days=7)
READ_ONLY_INPUTS = {"6_pricing.py": ("Unit cost",)}  # label starts: what-if parameters, never stored
HARMLESS_BUTTONS = {"Leave the shared view"}  # ends the viewer's own session view; stores nothing


def _elements(at, kind: str) -> list:  # type: ignore[no-untyped-def]
    return at.get(kind)


def _assert_nothing_writable(at, page_file: str) -> None:  # type: ignore[no-untyped-def]
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [b.label for b in at.button if b.label not in HARMLESS_BUTTONS] == [], (
        f"{page_file} shows buttons to a viewer"
    )
    assert _elements(at, "file_uploader") == [], f"{page_file} offers an upload to a viewer"
    for kind in ("text_input", "text_area", "number_input", "date_input"):
        for widget in _elements(at, kind):
            if not widget.label.startswith(READ_ONLY_INPUTS.get(page_file, ())):
                assert widget.disabled, f"{page_file}: '{widget.label}' is editable for a viewer"
    for frame in _elements(at, "arrow_data_frame") + _elements(at, "dataframe"):
        proto = frame.proto
        assert proto.editing_mode == Dataframe.EditingMode.READ_ONLY or proto.disabled, page_file
    assert not [w for w in at.sidebar.text_input], "the sidebar asks a viewer for a name to record"


def test_a_viewer_walks_every_page_and_finds_nothing_to_change(open_store):
    store = open_store()
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR)
    for spec in PAGES:
        at = app_at(spec.file, share=token)
        _assert_nothing_writable(at, spec.file)
        assert "share" not in at.query_params  # read once, then out of the address bar
        assert at.query_params["p"] == ["1"] or at.query_params["p"] == "1"
        assert any("Read-only view shared by editor@example.com" in c for c in shown(at.sidebar.caption))
        boxes = [s for s in at.selectbox if s.label == "Proposition"]
        for box in boxes:  # the only proposition a viewer can pick is the shared one
            assert box.options == ["Invoicing for freelancers and small agencies"] or len(box.options) == 1
            assert box.disabled
    assert store.get(1).version == 1 and len(store.share_links(1)) == 1


def test_a_viewer_cannot_reach_another_proposition_by_editing_the_link(open_store):
    store = open_store()
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR)
    at = app_at("4_gap_analysis.py", share=token)
    at.query_params["p"] = "2"  # the viewer edits the address to another proposition's id
    at.run()
    assert not at.exception
    assert any("limited to the proposition you were sent" in w for w in shown(at.warning))
    assert at.query_params["p"] in ("1", ["1"])
    overview = app_at("1_overview.py", share=token)
    assert len(overview.dataframe[0].value) == 1  # the overview lists only the shared proposition


def test_a_scenario_link_opens_pricing_on_that_what_if(open_store):
    store = open_store()
    from valuegap.scenarios import Scenario

    saved = store.save_scenario(1, Scenario("Price 59", price=59.0), actor=EDITOR)
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR, scenario_id=saved.id)
    at = app_at("6_pricing.py", share=token)
    _assert_nothing_writable(at, "6_pricing.py")
    assert at.slider(key="price_1").value == 59.0


def _refused(at) -> list[str]:  # type: ignore[no-untyped-def]
    assert not at.exception
    assert [t.value for t in at.title] == ["This link can't be opened"]
    for kind in ("dataframe", "metric", "selectbox", "tab", "button", "text_input", "vega_lite_chart"):
        assert _elements(at, kind) == [], f"a refused link still shows a {kind}"
    return [e.value for e in at.error]


@pytest.mark.parametrize("change", ["tamper", "expire", "revoke", "delete"])
def test_a_bad_link_gets_a_page_saying_so_and_nothing_else(open_store, change):
    store = open_store()
    link, token = store.create_share_link(
        1, expires_at=datetime.now(UTC) + timedelta(seconds=2 if change == "expire" else 3600), actor=EDITOR
    )
    if change == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif change == "expire":
        time.sleep(2.1)
    elif change == "revoke":
        store.revoke_share_link(link.id, actor=EDITOR)
    else:
        store.delete(1, EDITOR)
    at = app_at("4_gap_analysis.py", share=token)
    expected = {
        "tamper": "was changed or cut short",
        "expire": "expired on",
        "revoke": "was revoked on",
        "delete": "what it shared was deleted",
    }[change]
    assert any(expected in message for message in _refused(at))


def test_revoking_a_link_ends_an_open_viewer_session_at_its_next_click(open_store):
    store = open_store()
    link, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR)
    at = app_at("4_gap_analysis.py", share=token)
    assert not at.error
    store.revoke_share_link(link.id, actor=EDITOR)
    at.run()
    assert any("was revoked on" in message for message in _refused(at))


def test_an_editor_creates_a_link_and_sees_it_listed(open_store):
    store = open_store()
    at = app_at("7_share.py", p="1")
    assert not at.error
    next(t for t in at.text_input if t.label == "Note (for you)").input("For the board")
    at.button[0].click()  # the form's "Create link"
    at.run()
    assert not at.exception and not at.error
    links = store.share_links(1)
    assert [(item.note, item.status(), item.created_by) for item in links] == [
        ("For the board", "active", at.sidebar.text_input[0].value)  # the name in the sidebar
    ]
    code = [c.value for c in at.code]
    assert len(code) == 1 and "/gap_analysis?share=v1." in code[0]
    token = code[0].split("share=", 1)[1]
    assert store.resolve_share_token(token).id == links[0].id
    table = at.dataframe[0].value
    assert list(table["note"]) == ["For the board"] and list(table["status"]) == ["active"]
