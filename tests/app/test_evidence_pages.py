"""AppTests of the Evidence and Gap analysis pages on the seeded demo workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import app_at, shown
from valuegap import sources
from valuegap.evidence import charts
from valuegap.store import Actor
from valuegap.ui.state_keys import (
    ACCEPT_REWORDING,
    DATASET_TABLE,
    READ_CANCEL,
    READ_CANCELLED,
    READ_ENCODING,
    keyed,
)


def _select(at, label):  # type: ignore[no-untyped-def]
    return next(widget for widget in at.selectbox if widget.label.startswith(label))


def test_gap_analysis_shows_the_demo_verdicts(open_store):
    store = open_store()
    at = app_at("4_gap_analysis.py", p="1")
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Exaggerated"] == "2" and metrics["Substantiated"] == "2"
    assert "Also 1 not testable" in shown(at.caption)  # the puffery claim, so the counts add up to 7
    table = at.dataframe[0].value
    verdicts = dict(zip(table["claim"], table["verdict"], strict=True))
    assert verdicts["paid-faster"] == "exaggerated" and verdicts["admin-time"] == "substantiated"
    dataset = store.datasets(kind="outcomes", proposition_id=1)[0]
    assert any(dataset.label in text for text in shown(at.caption))


def test_segment_filter_lives_in_the_url_and_changes_the_verdicts():
    at = app_at("4_gap_analysis.py", p="1", segment="agency", alpha="0.01")
    assert _select(at, "Segment").value == "agency"
    assert _select(at, "α").value == "0.01"
    table = at.dataframe[0].value
    assert table.set_index("claim").loc["admin-time", "n"] == 460  # agency customers only
    _select(at, "Segment").select("all")
    at.run()
    assert "segment" not in at.query_params
    assert at.dataframe[0].value.set_index("claim").loc["admin-time", "n"] == 3000


def test_a_stale_filter_in_the_link_falls_back():
    at = app_at("4_gap_analysis.py", p="1", segment="nobody", period="1999-01")
    assert _select(at, "Segment").value == "all"
    assert any("not available" in text for text in shown(at.caption))


def test_accepting_a_rewording_saves_a_revision(open_store):
    at = app_at("4_gap_analysis.py", p="1")
    accept = next(b for b in at.button if b.key and b.key.startswith(keyed(ACCEPT_REWORDING, "paid-faster")))
    accept.click()
    at.run()
    assert not at.exception
    store = open_store()
    saved = store.get(1)
    claim = next(c for c in saved.proposition.claims if c.id == "paid-faster")
    assert saved.version == 2 and claim.claimed < 9 and str(claim.claimed) in claim.text.replace(".0 ", " ")
    assert store.revisions(1)[0].action == "reword"


def test_no_outcomes_gives_a_way_to_bring_them(open_store):
    store = open_store()
    for dataset in store.datasets():
        store.delete_dataset(dataset.id, Actor("Ana"))
    at = app_at("4_gap_analysis.py", p="1")
    assert any("No outcome data yet" in i.value for i in at.info)


def test_evidence_page_lists_datasets_and_offers_upload():
    at = app_at("3_evidence.py", p="2")
    assert not at.error
    table = at.dataframe[0].value
    # outcomes and customers of the three demo propositions, and the price surveys of two of them
    assert len(table) == 10 and table["for this proposition"].sum() == 4
    assert sorted(table.loc[table["for this proposition"], "kind"]) == [
        "customers",
        "outcomes",
        "survey",
        "survey",
    ]
    assert any("Cinemar" in text for text in shown(at.caption) + [m.value for m in at.markdown])
    assert not {"hash", "content_hash"} & set(table.columns)  # an internal, not for a marketer
    # what a file holds, said in words: the columns can have any names, mapped after the upload
    said = [*shown(at.caption), at.file_uploader[0].proto.help]
    assert any("the customer's ID, the metric's name and the value measured" in text for text in said)
    assert not any("customer_id" in text for text in said)


def test_a_verdict_table_row_is_tall_enough_for_its_longest_reason_to_wrap_whole():
    from valuegap.ui.panels import verdict_table as panel

    assert panel.wrapped_row_height(["short", None, 3.5]) is None  # one line: the grid's own rows
    reason = "x" * 190  # the longest reasons of the demo are ~186 characters
    height = panel.wrapped_row_height([reason, "short"])
    assert height is not None and height > panel.WRAPPING_ROW - 1  # the grid wraps only in taller rows
    lines = (height - 2 * panel.ROW_PADDING) // panel.LINE_HEIGHT
    assert lines * (panel.TEXT_WIDTH - 2 * panel.ROW_PADDING) / panel.CHAR_WIDTH >= len(reason)
    assert panel.table_height(7, height) == panel.HEADER_ROW + 7 * height + 2  # every row drawn
    assert panel.table_height(7, None) == "auto"
    # at most two lines (the claims grid): two lines' height, however long the text
    assert panel.wrapped_row_height([reason], max_lines=2) == 2 * panel.LINE_HEIGHT + 2 * panel.ROW_PADDING
    assert panel.wrapped_row_height(["short"], max_lines=2) is None


GAP_TABS = {  # tab → a caption only that tab draws
    "Verdicts": charts.caption("claims"),
    "By segment": charts.caption("heatmap"),
    "Value gap": charts.caption("waterfall"),
    "Expectations": charts.caption("expectation"),
    "Exaggerations": "Worst first",
}


@pytest.mark.parametrize("tab", list(GAP_TABS))
def test_a_link_opens_its_tab_and_only_that_tab_runs(tab: str) -> None:
    at = app_at("4_gap_analysis.py", p="1", tab=tab)
    assert not at.exception and not at.error
    captions = shown(at.caption)
    for name, marker in GAP_TABS.items():
        assert any(marker in text for text in captions) == (name == tab), name
    assert at.query_params.get("tab") == (None if tab == "Verdicts" else tab)  # the default stays implicit


def test_an_unknown_tab_in_a_link_opens_the_verdicts() -> None:
    at = app_at("4_gap_analysis.py", p="1", tab="Nonsense")
    assert not at.exception and "tab" not in at.query_params
    assert any(GAP_TABS["Verdicts"] in text for text in shown(at.caption))


# ----------------------------------------------------------------------------- upload: repeated rows

UNDATED_REPEATS = (
    b"customer_id,metric,value\nA,admin_hours_saved,2\nA,admin_hours_saved,2\nA,admin_hours_saved,8\n"
    b"B,admin_hours_saved,4\n"
)
DATED_REPEATS = (
    b"customer_id,metric,value,observed_at\nA,admin_hours_saved,2,2025-01-01\n"
    b"A,admin_hours_saved,2,2025-01-01\nA,admin_hours_saved,8,2025-01-02\nB,admin_hours_saved,4,2025-01-01\n"
)


@pytest.mark.parametrize(
    ("data", "kept", "rejected", "says"),
    [
        (UNDATED_REPEATS, 4, 0, "1 row repeats an earlier row exactly; kept as repeated measurements because "
         "the file has no observed_at column."),
        (DATED_REPEATS, 3, 1, "1 row repeats an earlier row exactly; dropped as double uploads: same "
         "customer, metric, value and observed_at."),
    ],
)  # fmt: skip
def test_the_upload_report_says_what_became_of_repeated_rows(open_store, data, kept, rejected, says):
    at = app_at("3_evidence.py", p="1")
    at.file_uploader[0].set_value(("repeats.csv", data, "text/csv"))
    at.run()
    next(button for button in at.button if button.label == "Check rows").click()
    at.run()
    assert not at.exception and not at.error
    assert shown(at.info) == [says]
    assert not at.warning  # a double upload needs no fixing in the file
    assert [(m.label, m.value) for m in at.metric] == [
        ("Rows read", "4"), ("Kept", str(kept)), ("Rejected", str(rejected))
    ]  # fmt: skip
    next(button for button in at.button if button.label.startswith("Import")).click()
    at.run()
    assert not at.exception and not at.error
    stored = next(d for d in open_store().datasets() if d.file_name == "repeats.csv")
    assert stored.rows_kept == kept and stored.details["repeated_rows"]["notes"] == [says]


# ----------------------------------------------------------------------------- current evidence

OUTCOMES = Path(__file__).resolve().parents[2] / "data" / "outcomes" / "invoicing-saas.csv"


def _import(at, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    next(button for button in at.button if button.label == "Check rows").click()
    at.run()
    next(button for button in at.button if button.label.startswith("Import")).click()
    at.run()
    assert not at.exception and not at.error


def _evidence_caption(at) -> str:  # type: ignore[no-untyped-def]
    return next(text for text in shown(at.caption) if text.startswith("Evidence: "))


def test_a_second_upload_is_offered_as_current_evidence_and_the_pages_follow_the_choice(open_store):
    store = open_store()
    shared = store.current_dataset(1)
    at = app_at("3_evidence.py", p="1")
    partial = "\n".join(OUTCOMES.read_text(encoding="utf-8").splitlines()[:401]) + "\n"
    _import(at, "invoicing-partial.csv", partial.encode())
    newer = next(d for d in store.datasets() if d.file_name == "invoicing-partial.csv")
    assert store.current_dataset(1).id == shared.id  # the upload alone is not the evidence
    assert any(f"evidence is still {shared.label}:" in text.replace("**", "") for text in shown(at.info))
    assert shared.label in _evidence_caption(app_at("4_gap_analysis.py", p="1"))
    next(b for b in at.button if b.label == f"Use {newer.label} as current evidence").click()
    at.run()
    assert not at.exception and not at.error
    chosen = store.current_evidence(1)["outcomes"]
    assert chosen.dataset.id == newer.id and chosen.chosen_by == at.sidebar.text_input[0].value
    assert newer.label in _evidence_caption(app_at("4_gap_analysis.py", p="1"))
    at.run()  # the Datasets tab marks the current evidence and says who chose it
    table = at.dataframe[0].value
    customers = store.current_dataset(1, "customers")
    assert set(table.loc[table["current evidence"], "dataset"]) == {newer.label, customers.label}
    assert any(f"outcomes {newer.label} (chosen" in text.replace("**", "") for text in shown(at.caption))


def test_a_first_upload_becomes_the_current_evidence_and_the_page_says_so(open_store):
    store = open_store()
    for dataset in store.datasets(kind="outcomes", proposition_id=2):
        store.delete_dataset(dataset.id, Actor("setup"))
    at = app_at("3_evidence.py", p="2")
    data = (Path(__file__).resolve().parents[2] / "data" / "outcomes" / "streaming-plan.csv").read_bytes()
    _import(at, "streaming-plan.csv", data)
    (first,) = store.datasets(kind="outcomes", proposition_id=2)
    assert store.current_dataset(2).id == first.id
    assert any("It is this proposition's current evidence" in text for text in shown(at.success))
    assert not [b for b in at.button if b.label.endswith("as current evidence")]


# ----------------------------------------------------------------------------- reading uploads (issue 20)


def _read(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """Texts as read, without the word joiners escape_markdown puts after colons."""
    return [text.replace("\N{WORD JOINER}", "") for text in shown(elements)]


MIXED = (
    "customer_id,metric,value,segment\nA,hours,3.5,café\nB,hours,4,café\n".encode() + b"C,days,2,caf\xe9\n"
)


def test_a_file_mixing_encodings_names_the_row_and_the_user_chooses_how_to_read_it():
    at = app_at("3_evidence.py", p="1")
    at.file_uploader[0].set_value(("mixed.csv", MIXED, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert any("mixed.csv: row 4 is not UTF-8" in text for text in _read(at.warning))
    choice = at.radio(key=next(r.key for r in at.radio if r.key.startswith(keyed(READ_ENCODING, ""))))
    # nothing is read until the user chooses: no preview beside the Datasets tab's table
    assert choice.value is None and [d.key for d in at.dataframe] == [DATASET_TABLE]
    choice.set_value("cp1252")
    at.run()
    assert not at.exception and not at.error and not at.warning
    assert any(text.startswith("mixed.csv: 3 rows") and "windows-1252" in text for text in _read(at.caption))
    assert sorted(set(at.dataframe[0].value["segment"])) == ["cafÃ©", "café"]
    next(button for button in at.button if button.label == "Check rows").click()
    at.run()  # the choice holds on later reruns, though its radio is gone
    assert not at.exception and not at.warning
    assert any(text.startswith("mixed.csv: 3 rows") and "windows-1252" in text for text in _read(at.caption))


def test_an_upload_is_read_in_a_worker_with_a_cancel_button_and_a_cancelled_read_says_so():
    at = app_at("3_evidence.py", p="1")
    at.file_uploader[0].set_value(("small.csv", b"customer_id,metric,value\nA,hours,3\n", "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert at.dataframe[0].value["customer_id"].tolist() == ["A"]
    assert not [b for b in at.button if b.key == READ_CANCEL]  # gone once the read ended
    # a Cancel pressed while a read runs: its callback notes it, and the page does not read again
    at.session_state[READ_CANCELLED] = sources.content_hash(MIXED)
    at.file_uploader[0].set_value(("mixed.csv", MIXED, "text/csv"))
    at.run()
    assert any("Reading mixed.csv was cancelled." in text for text in _read(at.info))
    assert not at.warning  # not read: no encoding question yet
    next(b for b in at.button if b.label == "Read it again").click()
    at.run()
    assert any("row 4 is not UTF-8" in text for text in _read(at.warning))
