"""Metric names in a file that differ from the claims': proposed matches, renames kept with the
mapping, and the pandas checks applying them (compared with a plain pandas computation)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from valuegap import sources
from valuegap.errors import InvalidInput
from valuegap.sources.mapping import Mapping, metric_key, propose_metric_matches
from valuegap.sources.validation import DOUBLE_UPLOAD, metric_labels

CLAIMS = ["hours_saved", "days_sooner", "nps"]


@pytest.mark.parametrize(
    ("label", "metric"),
    [
        ("Hours saved", "hours_saved"),
        ("HOURS-SAVED", "hours_saved"),
        ("hour saved", "hours_saved"),
        ("hoursSaved", "hours_saved"),
        ("Hours saved (per week)", None),  # more words: not close enough to be sure
        ("Days sooner.", "days_sooner"),
        ("hours_savd", "hours_saved"),  # a typo: close, and no other metric comes near
        ("NPS", "nps"),
        ("revenue", None),  # nothing like it
    ],
)
def test_a_label_is_matched_to_the_metric_it_means(label: str, metric: str | None) -> None:
    assert propose_metric_matches([label], CLAIMS).get(label) == metric


def test_labels_the_claims_already_measure_get_no_proposal() -> None:
    assert propose_metric_matches(["hours_saved", "nps"], CLAIMS) == {}


def test_empty_inputs_propose_nothing() -> None:
    assert propose_metric_matches([], CLAIMS) == {}
    assert propose_metric_matches(["Hours saved"], []) == {}
    assert propose_metric_matches(["", "  ", "---"], CLAIMS) == {}


def test_a_tie_proposes_nothing() -> None:
    # two claim metrics that look the same as the label once normalised
    assert propose_metric_matches(["Hours saved"], ["hours_saved", "hour-saved"]) == {}
    # two metrics equally close to a typo
    assert propose_metric_matches(["cost_a"], ["cost_ab", "cost_ac"]) == {}


def test_a_clearly_closer_metric_wins_over_a_near_one() -> None:
    assert propose_metric_matches(["setup hour"], ["setup_hours", "setup_days"]) == {
        "setup hour": "setup_hours"
    }


def test_metric_key_ignores_case_spacing_punctuation_and_plural() -> None:
    assert {metric_key(n) for n in ("Hours saved", "hours_saved", "hours-saved", " HoursSaved ")} == {
        "hour_saved"
    }
    assert metric_key("Access") == "access"  # a double s is no plural


def test_renames_round_trip_and_an_old_mapping_still_loads() -> None:
    mapping = Mapping("long", {"customer_id": "id", "metric": "kpi", "value": "v"},
                      metric_renames={"Hours saved": "hours_saved"})  # fmt: skip
    assert Mapping.from_dict(mapping.to_dict()) == mapping
    old = {"kind": "long", "roles": {"customer_id": "id", "metric": "kpi", "value": "v"}}
    assert Mapping.from_dict(old).metric_renames == {}
    # roles this version does not know and fields it does not know are left out, as before
    assert Mapping.from_dict(old | {"roles": {"colour": "c"}, "extra": 1}).roles == {}


def test_a_broken_stored_mapping_names_every_problem_in_words() -> None:
    with pytest.raises(InvalidInput) as raised:
        Mapping.from_dict({"kind": "tall", "metric_renames": {"Hours saved": "", "  ": "nps"}})
    words = raised.value.in_words
    assert "Kind of data: must be one of 'long', 'wide' or 'customers' (got 'tall')" in words
    assert "New name for “Hours saved”: is empty" in words
    assert "Metric name in the file “  ”: is empty" in words
    assert "3 problems" in words
    with pytest.raises(InvalidInput, match="must be a mapping of fields"):
        Mapping.from_dict(["long"])


LONG_CSV = (
    "customer_id,metric,value,observed_at\n"
    "A,Hours saved,2,2025-01-01\n"
    "B, Hours saved ,3,2025-01-01\n"
    "C,hours_saved,4,2025-01-01\n"
    "C,Hours saved,4,2025-01-01\n"  # the same measurement as the row above once renamed
    "D,Days sooner,1,2025-01-01\n"
    "E,Revenue,9,2025-01-01\n"
)


def _reference(frame: pd.DataFrame, renames: dict[str, str], known: set[str]) -> pd.DataFrame:
    """The kept rows computed plainly: labels stripped and renamed, unknown and repeated rows dropped."""
    out = frame.assign(
        metric=frame["metric"].str.strip().replace(renames), value=frame["value"].astype(float)
    )
    out = out[out["metric"].isin(known)]
    return out[~out.duplicated(["customer_id", "metric", "value", "observed_at"])]


def test_renamed_rows_are_kept_as_the_claims_metric() -> None:
    raw = sources.read_table(LONG_CSV.encode(), "renamed.csv")
    renames = {"Hours saved": "hours_saved", "Days sooner": "days_sooner"}
    mapping = replace(sources.propose_mapping(raw), metric_renames=renames)
    result = sources.apply_mapping(raw, mapping, known_metrics=set(CLAIMS))
    expected = _reference(raw.frame, renames, set(CLAIMS))
    kept = result.observations
    assert kept is not None
    assert kept["metric"].astype(str).tolist() == expected["metric"].tolist()
    assert kept["value"].tolist() == expected["value"].tolist()
    reasons = dict(zip(result.report.rejections["row"], result.report.rejections["reason"], strict=True))
    assert reasons == {5: DOUBLE_UPLOAD, 7: "unknown metric (no claim measures it)"}


def test_without_renames_the_file_labels_are_unknown_as_before() -> None:
    raw = sources.read_table(LONG_CSV.encode(), "plain.csv")
    result = sources.apply_mapping(raw, sources.propose_mapping(raw), known_metrics=set(CLAIMS))
    assert result.report.rows_kept == 1 and result.report.rows_rejected == 5


def test_a_wide_files_metric_columns_are_renamed_too() -> None:
    raw = sources.read_table(b"customer_id,Hours saved,NPS score\nA,1.5,9\nB,,7\n", "wide.csv")
    mapping = sources.propose_mapping(raw)
    assert mapping.kind == "wide"
    assert metric_labels(raw, mapping) == {"Hours saved": 1, "NPS score": 2}
    renamed = replace(mapping, metric_renames={"Hours saved": "hours_saved"})
    result = sources.apply_mapping(raw, renamed, known_metrics={"hours_saved"})
    assert result.observations is not None
    assert result.observations["metric"].astype(str).tolist() == ["hours_saved"]
    rejected = result.report.rejections
    assert (
        rejected[["value", "reason"]].values.tolist()
        == [["NPS score", "unknown metric (no claim measures it)"]] * 2
    )


def test_metric_labels_counts_each_stripped_label_of_a_long_file() -> None:
    raw = sources.read_table(LONG_CSV.encode() + b"F,,1,2025-01-01\n", "labels.csv")
    labels = metric_labels(raw, sources.propose_mapping(raw))
    assert labels == {"Days sooner": 1, "Hours saved": 3, "Revenue": 1, "hours_saved": 1}
    assert metric_labels(raw, Mapping("customers", {"customer_id": "customer_id"})) == {}
