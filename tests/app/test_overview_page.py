from __future__ import annotations

import pytest

from tests import hostile
from tests.app.conftest import app_at, shown


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
    from valuegap.workspace.opening import SYSTEM_ACTOR

    for item in store.list_propositions():
        store.delete(item.id, SYSTEM_ACTOR)
    at = app_at("1_overview.py")
    assert any("No propositions yet" in info.value for info in at.info)


# ----------------------------------------------------------------------------- hostile files (issue 20)


def _plain(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """Messages as the user reads them: escaping backslashes and invisible word joiners removed."""
    return [text.replace("\u2060", "") for text in shown(elements)]


def _import(at, name: str, data: bytes):  # type: ignore[no-untyped-def]
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    return at


def test_a_billion_laughs_import_is_refused_with_a_short_plain_message(open_store):
    # before: 384 bytes drove the server past 8 GB in 41 s (the message repr'd 387 million strings)
    at = _import(app_at("1_overview.py"), "laughs.yaml", hostile.laughs(9))
    assert not at.exception
    assert _plain(at.error) == [
        "laughs.yaml: line 2, column 6 has an anchor (&a); these files take no YAML anchors (&) or "
        "aliases (*). Write the value out in full where it is used, or export the file again from this app."
    ]
    assert len(open_store().list_propositions()) == 3  # nothing imported


@pytest.mark.parametrize(
    "name", ["laughs7.yaml", "deep.yaml", "deep.json", "big-int.yaml", "big-int.json", "long-text.yaml"]
)
def test_hostile_proposition_files_get_one_short_plain_message(open_store, name):
    at = _import(app_at("1_overview.py"), name, hostile.proposition_payloads()[name])
    assert not at.exception
    [message] = _plain(at.error)
    assert message.startswith(f"{name}: ") and len(message) < 300, message
    assert "Sorry, something went wrong" not in message  # a plain message, not the apology
    assert len(open_store().list_propositions()) == 3


def test_the_overview_table_downloads_as_excel_with_its_times_in_utc(open_store):
    """The Overview's Excel download never worked: 'Excel does not support datetimes with timezones'.
    The page's table, as drawn, goes through the download's own function."""
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from valuegap.reporting import exports

    at = app_at("1_overview.py")
    assert {b.key for b in at.get("download_button")} >= {"vg_csv_overview", "vg_xlsx_overview"}
    table = at.dataframe[0].value
    assert isinstance(table["Updated"].dtype, pd.DatetimeTZDtype)
    sheet = load_workbook(io.BytesIO(exports.to_excel(table, "propositions"))).active
    header = [cell.value for cell in sheet[1]]
    assert "Updated (UTC)" in header and "Updated" not in header
    column = header.index("Updated (UTC)") + 1
    written = [sheet.cell(row=r, column=column).value for r in range(2, len(table) + 2)]
    expected = [t.tz_convert("UTC").tz_localize(None).to_pydatetime() for t in table["Updated"]]
    assert all(abs((w - e).total_seconds()) < 0.001 for w, e in zip(written, expected, strict=True))
    names = {item.proposition.name for item in open_store().list_propositions()}
    assert {
        sheet.cell(row=r, column=header.index("Name") + 1).value for r in range(2, len(table) + 2)
    } == names


# ----------------------------------------------------------------------------- the start (issue 19)


def _link_labels(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [element.proto.label for element in at.get("page_link")]


def _cards(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each proposition card's facts (its caption), by the proposition's name in bold above it."""
    names = [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value]
    facts = [
        c.value for c in at.caption if c.value.startswith(tuple("0123456789")) and "Evidence:" in c.value
    ]
    return {
        name.split("**")[1].replace("\\", ""): fact.replace("\\", "")
        for name, fact in zip(names, facts, strict=True)
    }


def test_each_proposition_says_where_it_stands_from_its_current_evidence(open_store):
    store = open_store()
    at = app_at("1_overview.py")
    assert not at.exception and not at.error
    cards = _cards(at)
    assert set(cards) == {item.proposition.name for item in store.list_propositions()}
    for item in store.list_propositions():
        current = store.current_dataset(item.id)
        fact = cards[item.proposition.name]
        assert f"Evidence: {current.name} v{current.version}, uploaded today" in fact
        assert "Verdicts: " in fact and "exaggerated" in fact and "Value gap per customer: " in fact
        assert f"by {item.updated_by}" in fact
    assert not any(
        "(" + d.content_hash[:8] + ")" in text for d in store.datasets() for text in cards.values()
    )
    assert "Reword 2 exaggerated claims" in _link_labels(
        at
    )  # each card's next step, a link to where it is done


def test_a_newer_upload_that_is_not_current_does_not_change_the_overview(open_store):
    from valuegap import sources
    from valuegap.store import Actor
    from valuegap.workspace.imports import import_table

    store = open_store()
    ledgerly = next(i for i in store.list_propositions() if i.proposition.name.startswith("Ledgerly"))
    current = store.current_dataset(ledgerly.id)
    data = b"customer_id,metric,value\nA,days_sooner_paid,30\nB,days_sooner_paid,31\nC,days_sooner_paid,29\n"
    raw = sources.read_table(data, "newer.csv")
    import_table(
        store, raw, sources.propose_mapping(raw), name="Newer upload", proposition_id=ledgerly.id,
        actor=Actor("Bo"),
    )  # fmt: skip
    assert store.current_dataset(ledgerly.id).id == current.id
    fact = _cards(app_at("1_overview.py"))[ledgerly.proposition.name]
    assert f"Evidence: {current.name} v{current.version}" in fact and "Newer upload" not in fact


def test_a_new_workspace_starts_with_three_first_steps(open_store):
    store = open_store()
    from valuegap.workspace.opening import SYSTEM_ACTOR

    for item in store.list_propositions():
        store.delete(item.id, SYSTEM_ACTOR)
    at = app_at("1_overview.py")
    assert [h.value for h in at.subheader][:1] == ["Start here"]
    steps = [m.value for m in at.markdown if m.value[:4] in ("**1.", "**2.", "**3.")]
    assert len(steps) == 3
    assert steps[0].startswith("**1.** Create a proposition") and "evidence" in steps[1]
    assert set(_link_labels(at)) >= {"Propositions", "Evidence", "Gap analysis"}
