"""Share links in the app: an editor creates one; a viewer who opens it can read every page but change
nothing; a tampered, expired or revoked link shows a page saying so and nothing else."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.proto.Dataframe_pb2 import Dataframe

from tests.app.conftest import app_at, shown
from valuegap.reporting.formatting import dataset_choice_label
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
    from valuegap.pricing.scenarios import Scenario

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


@pytest.mark.parametrize("change", ["tamper", "non-ascii", "expire", "revoke", "delete"])
def test_a_bad_link_gets_a_page_saying_so_and_nothing_else(open_store, change):
    store = open_store()
    link, token = store.create_share_link(
        1, expires_at=datetime.now(UTC) + timedelta(seconds=2 if change == "expire" else 3600), actor=EDITOR
    )
    if change == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif change == "non-ascii":  # ?share=v1.%C3%A9.x raised in identify() and left an error box
        token = "v1.\u00e9.x"
    elif change == "expire":
        time.sleep(2.1)
    elif change == "revoke":
        store.revoke_share_link(link.id, actor=EDITOR)
    else:
        store.delete(1, EDITOR)
    at = app_at("4_gap_analysis.py", share=token)
    expected = {
        "tamper": "was changed or cut short",
        "non-ascii": "was changed or cut short",
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
    assert list(table["Note"]) == ["For the board"] and list(table["Status"]) == ["active"]


# ----------------------------------------------------------------------------- pinned evidence

OUTCOMES = Path(__file__).resolve().parents[2] / "data" / "outcomes" / "invoicing-saas.csv"


def _partial_upload(store, rows: int = 400):  # type: ignore[no-untyped-def]
    """A second, partial upload of proposition 1's outcomes: a newer version of the same dataset."""
    from valuegap import sources
    from valuegap.workspace.imports import import_table

    lines = OUTCOMES.read_text(encoding="utf-8").splitlines()[: rows + 1]
    raw = sources.read_table(("\n".join(lines) + "\n").encode(), OUTCOMES.name)
    name = store.current_dataset(1).name
    return import_table(
        store, raw, sources.propose_mapping(raw), name=name, proposition_id=1, actor=EDITOR
    ).dataset


def _n(at, claim: str) -> int:  # type: ignore[no-untyped-def]
    return int(at.dataframe[0].value.set_index("claim").loc[claim, "n"])


def test_a_viewer_sees_the_shared_evidence_after_a_newer_upload_whatever_the_address_says(open_store):
    store = open_store()
    shared = store.current_dataset(1)
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR)
    newer = _partial_upload(store)
    assert newer.version == shared.version + 1 and store.current_dataset(1).id == shared.id
    store.set_current_evidence(1, newer.id, EDITOR)  # even chosen as current, the link keeps its own
    at = app_at("4_gap_analysis.py", share=token)
    for param, value in {"alpha": "0.10", "segment": "agency", "d": str(newer.id)}.items():
        at.query_params[param] = value  # the viewer edits the address
    at.run()
    assert not at.exception and not at.error
    pinned = (
        f"Evidence: {shared.label} uploaded {shared.created_at:%Y-%m-%d} · α 0.05 · Holm · all segments "
        "· all periods"
    )
    assert pinned in shown(at.info)
    assert any("dataset, α, segment, which a shared view ignores" in c for c in shown(at.caption))
    assert not {"alpha", "segment", "d"} & set(at.query_params)
    assert _n(at, "admin-time") == 3000  # every customer of the shared dataset, not the partial one
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exaggerated"] == "2" and metrics["Substantiated"] == "2"
    boxes = {s.label: s for s in at.selectbox}
    # named short as an editor's picker names it (the whole name was cut at 1024 px), whole in its help
    short = dataset_choice_label(shared.name, shared.version, shared.created_at, today=date.today())
    assert boxes["Outcome data"].value == short and boxes["Outcome data"].disabled
    assert "Fixed by the share link" in boxes["Outcome data"].help
    assert boxes["α"].disabled and boxes["Segment"].value == "all"
    editor = app_at("4_gap_analysis.py", p="1")  # an editor's pages follow the current evidence
    assert _n(editor, "admin-time") < 3000
    assert boxes["Outcome data"].value != next(s for s in editor.selectbox if s.label == "Outcome data").value


def test_a_link_shows_the_segment_and_settings_it_was_shared_with_in_plain_words(open_store):
    from valuegap.sharing.tokens import ViewSettings

    store = open_store()
    settings = ViewSettings(alpha=0.01, correction="fdr_bh", segment="agency")
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR, settings=settings)
    at = app_at("4_gap_analysis.py", share=token)
    assert not at.exception and not at.error
    assert any(
        text.endswith("· α 0.01 · Benjamini–Hochberg · segment agency · all periods")
        for text in shown(at.info)
    )
    assert _n(at, "admin-time") == 460  # agency customers only
    segment = next(s for s in at.selectbox if s.label == "Segment")
    assert segment.value == "agency" and segment.disabled


def test_the_sharer_pins_settings_and_moves_a_link_to_the_current_evidence(open_store):
    store = open_store()
    at = app_at("7_share.py", p="1")
    next(s for s in at.selectbox if s.label == "α").select("0.10")
    next(s for s in at.selectbox if s.label == "Segment").select("agency")
    next(b for b in at.button if b.label == "Create link").click()
    at.run()
    assert not at.exception and not at.error
    [link] = store.share_links(1)
    shared = store.current_dataset(1)
    assert (
        link.dataset_id == shared.id
        and link.settings.describe() == "α 0.1 · Holm · segment agency · all periods"
    )
    newer = _partial_upload(store)
    at.run()
    assert not [b for b in at.button if b.label.startswith("Move link")]  # the upload changed nothing
    store.set_current_evidence(1, newer.id, EDITOR)
    at.run()
    move = next(b for b in at.button if b.label == f"Move link #{link.id} to the current evidence")
    move.click()
    at.run()
    assert not at.exception and not at.error
    moved = store.shares.get(link.id)
    assert moved.dataset_id == newer.id and moved.pinned_by == at.sidebar.text_input[0].value
    [record] = store.share_link_moves(link.id)
    assert (record.from_label, record.to_label) == (shared.label, newer.label)
    assert not [b for b in at.button if b.label.startswith("Move link")]


def test_without_sign_in_the_share_page_and_the_viewer_say_links_are_not_read_only(open_store):
    """Single-user mode: leaving the shared view gives edit access, so nobody is told otherwise."""
    store = open_store()
    at = app_at("7_share.py", p="1")
    warnings = shown(at.warning)
    assert any("share links are not read-only in practice" in w and "[auth]" in w for w in warnings)
    _, token = store.create_share_link(1, expires_at=LATER, actor=EDITOR)
    at = app_at("4_gap_analysis.py", share=token)
    [note] = [c for c in shown(at.sidebar.caption) if "Read-only view shared by" in c]
    assert "leaving the view opens it for editing" in note and "not change anything" not in note
