"""Storing price-research surveys: checked by their method first, kept as read."""

from __future__ import annotations

import pytest

from tests.conftest import sample


def test_surveys_are_stored_only_when_their_method_can_use_them(tmp_path):
    from valuegap import ingest
    from valuegap.errors import PermissionDenied, ValueGapError
    from valuegap.imports import import_survey, load_rows
    from valuegap.price_research import van_westendorp
    from valuegap.store import Actor, Role, Store

    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    editor = Actor("ana@example.com")
    prop_id = store.create(sample(), editor).id
    good = b"too_cheap;cheap;expensive;too_expensive\n10;20;30;40\n15;25,5;35;45\n20;18;30;50\n5;10;20;30\n"
    raw = ingest.read_table(good, "vw.csv")
    saved = import_survey(store, raw, "van_westendorp", name="March", proposition_id=prop_id, actor=editor)
    assert saved.kind == "survey" and saved.details["method"] == "van_westendorp"
    assert saved.details["respondents"] == 3 and saved.details["dropped"] == 1
    again = van_westendorp(load_rows(store, saved.id), bootstrap=0)  # the decimal comma survived
    assert again.n == 3 and 25.5 in set(again.curves["price"])
    bad = ingest.read_table(b"too_cheap,cheap,expensive,too_expensive\n10,20,lots,40\n5,6,7,8\n", "bad.csv")
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
