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
    from valuegap.workspace import SYSTEM_ACTOR

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

    from valuegap import exports

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
