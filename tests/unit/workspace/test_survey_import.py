"""Storing price-research surveys: checked by their method first, kept as read."""

from __future__ import annotations

import pytest

from tests.conftest import sample


def test_surveys_are_stored_only_when_their_method_can_use_them(tmp_path):
    from valuegap import sources
    from valuegap.errors import PermissionDenied, ValueGapError
    from valuegap.pricing.research import van_westendorp
    from valuegap.store import Actor, Role, Store
    from valuegap.workspace.imports import import_survey, load_rows

    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    editor = Actor("ana@example.com")
    prop_id = store.create(sample(), editor).id
    good = b"too_cheap;cheap;expensive;too_expensive\n10;20;30;40\n15;25,5;35;45\n20;18;30;50\n5;10;20;30\n"
    raw = sources.read_table(good, "vw.csv")
    saved = import_survey(store, raw, "van_westendorp", name="March", proposition_id=prop_id, actor=editor)
    assert saved.kind == "survey" and saved.details["method"] == "van_westendorp"
    assert saved.details["respondents"] == 3 and saved.details["dropped"] == 1
    again = van_westendorp(load_rows(store, saved.id), bootstrap=0)  # the decimal comma survived
    assert again.n == 3 and 25.5 in set(again.curves["price"])
    bad = sources.read_table(b"too_cheap,cheap,expensive,too_expensive\n10,20,lots,40\n5,6,7,8\n", "bad.csv")
    with pytest.raises(ValueGapError, match=r"bad\.csv.*row 2.*expensive"):
        import_survey(store, bad, "van_westendorp", name="Bad", proposition_id=prop_id, actor=editor)
    with pytest.raises(ValueGapError, match="Unknown survey kind"):
        import_survey(store, raw, "conjoint", name="X", proposition_id=prop_id, actor=editor)
    with pytest.raises(PermissionDenied, match="view-only"):
        import_survey(
            store, raw, "van_westendorp", name="V", proposition_id=prop_id, actor=Actor("vi", Role.viewer)
        )
    assert [d.name for d in store.datasets(kind="survey")] == ["March"]
    store.close()


def test_zeros_and_blanks_are_stored_and_counted_apart(tmp_path):
    from valuegap import sources
    from valuegap.pricing.research import van_westendorp
    from valuegap.store import Actor, Store
    from valuegap.workspace.imports import import_survey, load_rows

    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    editor = Actor("ana@example.com")
    prop_id = store.create(sample(), editor).id
    data = b"too_cheap,cheap,expensive,too_expensive\n0,10,20,30\n0,5,15,25\n5,,20,30\n9,8,7,6\n1,2,3,4\n"
    saved = import_survey(
        store,
        sources.read_table(data, "z.csv"),
        "van_westendorp",
        name="Z",
        proposition_id=prop_id,
        actor=editor,
    )
    counts = ("respondents", "dropped", "dropped_incomplete", "dropped_inconsistent")
    assert [saved.details[k] for k in counts] == [3, 2, 1, 1]
    assert saved.details["without_invalid"] is False and saved.details["invalid_respondents"] == 0
    again = van_westendorp(load_rows(store, saved.id), bootstrap=0)  # blanks survive the round trip
    assert (again.dropped_incomplete, again.dropped_inconsistent) == (1, 1) and 0 in set(
        again.curves["price"]
    )
    store.close()


def test_invalid_answers_are_listed_and_can_be_left_out_at_import(tmp_path):
    from valuegap import sources
    from valuegap.errors import ValueGapError
    from valuegap.pricing.research import InvalidAnswers, van_westendorp
    from valuegap.store import Actor, Store
    from valuegap.workspace.imports import import_survey, load_rows

    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    editor = Actor("ana@example.com")
    prop_id = store.create(sample(), editor).id
    data = b"too_cheap,cheap,expensive,too_expensive\n0,10,20,30\n-1,5,x,25\n5,10,20,30\n2,4,6,8\nn/a,1,2,3\n"
    raw = sources.read_table(data, "inv.csv")
    with pytest.raises(InvalidAnswers) as info:
        import_survey(store, raw, "van_westendorp", name="Inv", proposition_id=prop_id, actor=editor)
    assert [(c["row"], c["column"]) for c in info.value.cells.to_dict("records")] == [
        (3, "too_cheap"), (3, "expensive"), (6, "too_cheap")
    ]  # fmt: skip
    assert info.value.respondents == 2 and store.datasets(kind="survey") == []  # nothing stored
    saved = import_survey(
        store, raw, "van_westendorp", name="Inv", proposition_id=prop_id, actor=editor, without_invalid=True
    )
    assert saved.details["without_invalid"] is True and saved.details["invalid_respondents"] == 2
    assert saved.details["respondents"] == 3 and saved.rows_read == 5  # the file is stored whole
    rows = load_rows(store, saved.id)
    with pytest.raises(InvalidAnswers):
        van_westendorp(rows)  # the stored rows still hold the invalid cells; the choice is in details
    vw = van_westendorp(rows, bootstrap=0, without_invalid=True)
    assert vw.n == 3 and list(vw.invalid_rows["row"]) == [3, 6]
    with pytest.raises(ValueGapError, match="Van Westendorp only"):
        import_survey(
            store, sources.read_table(b"max_price\n1\n2\n", "gg.csv"), "gabor_granger", name="G",
            proposition_id=prop_id, actor=editor, without_invalid=True,
        )  # fmt: skip
    store.close()
