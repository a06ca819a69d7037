"""A dataset picker's label fits the narrowest picker (Gap analysis at 1024 px) with its version and
upload day whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

from valuegap.reporting.formatting import PICKER_CHARACTERS, dataset_choice_label

UPLOADED = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def test_a_long_name_is_shortened_so_version_and_day_stay_whole():
    name = "Ledgerly invoicing for small firms outcomes (demo)"
    label = dataset_choice_label(name, 1, UPLOADED, today=TODAY)
    assert label == "Ledgerly invo… v1 · 7 Dec"
    assert len(label) <= PICKER_CHARACTERS


def test_a_short_name_is_kept_whole():
    assert dataset_choice_label("Q3 survey", 12, UPLOADED, today=TODAY) == "Q3 survey v12 · 7 Dec"


def test_the_year_shows_when_it_is_not_this_year():
    label = dataset_choice_label("Meal kit outcomes", 2, UPLOADED, today=date(2027, 1, 3))
    assert label.endswith(" v2 · 7 Dec 2026")
    assert len(label) <= PICKER_CHARACTERS


def test_a_note_stays_whole_and_the_name_gives_way():
    label = dataset_choice_label("Ledgerly invoicing outcomes", 3, UPLOADED, today=TODAY, note="other")
    assert label.endswith(" v3 · 7 Dec · other")
    assert label.startswith("Ledge…")
    assert len(label) <= PICKER_CHARACTERS


def test_spaces_and_line_breaks_in_the_name_read_as_one_space():
    assert dataset_choice_label("Q3\n  survey", 1, UPLOADED, today=TODAY) == "Q3 survey v1 · 7 Dec"
