"""The Overview's status of each proposition, without Streamlit (valuegap.workspace.overview)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import sample, sample_data
from valuegap import sources
from valuegap.evidence.analysis import analyze, analyze_summary
from valuegap.model.proposition import parse_proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import Actor, Store
from valuegap.workspace.imports import import_table, load_evidence
from valuegap.workspace.overview import (
    NO_EVIDENCE,
    Evidence,
    age_text,
    card_lines,
    first_steps,
    next_step,
    overview_frame,
    proposition_status,
    to_do,
    value_gap_text,
    verdict_text,
    workspace_status,
)

EDITOR = Actor("Ana")
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _outcomes(paid_sooner: list[float], days_early: list[float] | None = None) -> pd.DataFrame:
    rows = [
        {"customer_id": f"C{i:03d}", "metric": "days_to_payment_saved", "value": v}
        for i, v in enumerate(paid_sooner)
    ]
    rows += [
        {"customer_id": f"C{i:03d}", "metric": "days_early", "value": v}
        for i, v in enumerate(days_early or [])
    ]
    return pd.DataFrame(rows)


def _one_money_claim(**changes: object):  # type: ignore[no-untyped-def]
    """The sample with only paid-sooner in money (5 days on average at USD 12 a day): on-time, a time
    claim the value of time would price, is made a capability claim."""
    data = sample_data(**changes)
    data["claims"][1]["benefit"] = "capability"
    return parse_proposition(data)


def _store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'w.db'}")


def _dataset(store: Store, proposition_id: int, frame: pd.DataFrame, name: str = "Outcomes"):  # type: ignore[no-untyped-def]
    data = frame.to_csv(index=False).encode()
    raw = sources.read_table(data, f"{name}.csv")
    mapping = sources.propose_mapping(raw)
    return import_table(store, raw, mapping, name=name, proposition_id=proposition_id, actor=EDITOR).dataset


# ----------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(hours=3), "today"),
        (timedelta(days=1, hours=2), "1 day ago"),
        (timedelta(days=6), "6 days ago"),
        (timedelta(days=7), "1 week ago"),
        (timedelta(days=29), "4 weeks ago"),
        (timedelta(days=61), "2 months ago"),
        (timedelta(days=800), "2 years ago"),
        (timedelta(days=-2), "today"),  # a clock a little ahead never says "-2 days"
    ],
)
def test_the_age_of_evidence_reads_in_its_largest_whole_unit(ago, expected):
    assert age_text(NOW - ago, NOW) == expected


def test_an_age_without_a_timezone_is_read_as_utc():
    assert age_text((NOW - timedelta(days=3)).replace(tzinfo=None), NOW) == "3 days ago"


def test_verdict_counts_read_in_a_fixed_order_and_skip_empty_ones():
    counts = {"not testable": 2, "substantiated": 3, "exaggerated": 1, "inconclusive": 0}
    assert verdict_text(counts) == "3 substantiated · 1 exaggerated · 2 not testable"
    assert verdict_text({}) == "–"


# ----------------------------------------------------------------------------- value gap in money


def test_the_value_gap_is_the_promise_minus_the_mean_times_the_money_per_unit():
    prop = _one_money_claim()
    rng = np.random.default_rng(7)
    values = list(np.round(rng.normal(2.0, 1.0, 300), 2))
    analysis = analyze(prop, _outcomes(values))
    expected = (5.0 - float(np.mean(values))) * 12.0  # METHODS §5 for one average claim, by hand
    assert value_gap_text(analysis, "USD") == f"USD {expected:,.2f}"


def test_a_value_gap_with_a_monetary_claim_unmeasured_says_it_is_partial():
    prop = sample()  # on-time counts in money at the value of time, and has no data
    values = [1.0, 2.0, 3.0, 2.5, 1.5, 2.3]  # gap 35.40: not a whole number
    text = value_gap_text(analyze(prop, _outcomes(values)), "USD")
    expected = (5.0 - float(np.mean(values))) * 12.0
    assert text == f"USD {expected:,.2f} so far; 1 claim not measured yet"


def test_no_money_figure_without_measured_monetary_claims():
    data = sample_data()
    data["claims"][0].pop("money_per_unit")
    data["claims"][0]["benefit"] = "capability"
    data["claims"][1]["benefit"] = "capability"
    no_money = parse_proposition(data)
    assert value_gap_text(analyze(no_money, _outcomes([1.0, 2.0, 3.0])), "USD") == "no claim in money"
    # the monetary claim has no rows: nothing is measured, so no figure at all
    only_other = analyze(_one_money_claim(), _outcomes([], days_early=[0.5, 1.0, 2.0]))
    assert value_gap_text(only_other, "USD") == "– (1 claim not measured yet)"
    assert value_gap_text(None, "USD") == "needs evidence"


# ----------------------------------------------------------------------------- next steps


def test_the_next_step_is_the_earliest_unfinished_part_of_the_work():
    prop = sample()
    analysis = analyze(prop, _outcomes([5.5, 6.0, 7.0]))
    dataset = object()  # only its presence matters here
    evidence = Evidence(dataset, analysis)  # type: ignore[arg-type]
    assert next_step(0, 0, None, 0, 0).text == "Write its claims"
    assert next_step(2, 1, None, 0, 0).text == "Bring outcome data"
    broken = Evidence(dataset, None, "its metrics match no claim")  # type: ignore[arg-type]
    assert next_step(2, 0, broken, 0, 0).text == "Check its evidence: its metrics match no claim"
    assert next_step(2, 3, evidence, 1, 1).text == "Reword 1 exaggerated claim"
    assert next_step(2, 3, evidence, 0, 1).text == "Fix 3 wording flags"
    assert next_step(2, 0, evidence, 0, 2).text == "Measure 2 more claims"
    last = next_step(2, 0, evidence, 0, 0)
    assert (last.text, last.page) == ("Share the results", "7_share.py")


# ----------------------------------------------------------------------------- a workspace


def test_status_reads_the_current_evidence_not_the_newest_upload(tmp_path: Path):
    store = _store(tmp_path)
    created = store.create(_one_money_claim(), EDITOR)
    low = [1.0, 1.5, 2.0, 2.5, 1.0, 2.0, 1.5, 2.5, 2.0, 1.0] * 3  # far below the promised 5 days
    first = _dataset(store, created.id, _outcomes(low))
    newer = _dataset(store, created.id, _outcomes([v + 10 for v in low]), name="Later outcomes")
    current = store.current_dataset(created.id)
    assert current is not None and current.id == first.id != newer.id  # the newer one is not chosen
    analysis = analyze_summary(created.proposition, load_evidence(store, current))
    status = proposition_status(created, Evidence(current, analysis))
    assert status.evidence == "Outcomes v1" and "(" not in status.evidence  # no hash on screen
    assert status.exaggerated == ("paid-sooner",)
    assert status.verdicts["exaggerated"] == 1
    assert status.next_step.text == "Reword 1 exaggerated claim"
    assert status.value_gap == f"USD {(5.0 - float(np.mean(low))) * 12.0:,.2f}"
    assert status.updated_by == "Ana" and status.claims == 2


def test_the_overview_table_says_none_yet_where_there_is_no_evidence(tmp_path: Path):
    store = _store(tmp_path)
    created = store.create(sample(), EDITOR)
    frame = overview_frame(store.list_propositions())
    row = frame.loc[created.id]
    assert row["Evidence"] == NO_EVIDENCE and row["Evidence uploaded"] == "–"
    assert row["Verdicts"] == "–" and row["Value gap per customer"] == "needs evidence"
    assert row["Next step"] == "Bring outcome data"
    assert isinstance(frame["Updated"].dtype, pd.DatetimeTZDtype)
    assert not frame.isna().any().any()  # no empty cell reads "None"


def test_a_new_workspace_gets_three_first_steps_each_marked_done_when_done(tmp_path: Path):
    store = _store(tmp_path)
    assert [s.done for s in first_steps([])] == [False, False, False]
    assert [s.page for s in first_steps([])] == ["2_propositions.py", "3_evidence.py", "4_gap_analysis.py"]
    created = store.create(sample(), EDITOR)
    assert [s.done for s in first_steps(workspace_status(store.list_propositions()))] == [True, False, False]
    dataset = _dataset(store, created.id, _outcomes([4.0, 5.0, 6.0, 5.5]))
    analysis = analyze_summary(created.proposition, load_evidence(store, dataset))
    statuses = workspace_status(store.list_propositions(), {created.id: Evidence(dataset, analysis)})
    assert [s.done for s in first_steps(statuses)] == [True, True, True]


def test_what_to_do_first_puts_the_least_advanced_first_and_leaves_out_the_finished(tmp_path: Path):
    store = _store(tmp_path)
    empty = store.create(parse_proposition(sample_data(name="Empty", claims=[])), EDITOR)
    no_data = store.create(sample(name="No data"), EDITOR)
    archived = store.create(parse_proposition(sample_data(name="Old", claims=[])), EDITOR)
    store.set_archived(archived.id, True, EDITOR)
    statuses = workspace_status(store.list_propositions(include_archived=True))
    assert [(s.name, s.next_step.text) for s in to_do(statuses)] == [
        ("Empty", "Write its claims"),
        ("No data", "Bring outcome data"),
    ]
    assert {s.id for s in to_do(statuses, limit=1)} == {empty.id}
    assert no_data.id in {s.id for s in statuses}


def test_a_card_says_where_a_proposition_stands_in_plain_words(tmp_path: Path):
    store = _store(tmp_path)
    created = store.create(_one_money_claim(), EDITOR)
    [bare] = workspace_status(store.list_propositions())
    assert card_lines(bare, NOW) == [
        "2 claims · 0 wording flags · Evidence: none yet",
        "Verdicts: –",  # no "Exaggerated: none" before there is evidence to say so
        "Value gap per customer: needs evidence",
        f"Last change {created.updated_at:%Y-%m-%d} by Ana",
    ]
    low = [1.0, 1.5, 2.0, 2.5, 1.0, 2.0, 1.5, 2.5, 2.0, 1.0] * 3
    dataset = _dataset(store, created.id, _outcomes(low))
    analysis = analyze_summary(created.proposition, load_evidence(store, dataset))
    status = proposition_status(created, Evidence(dataset, analysis))
    lines = card_lines(status, dataset.created_at + timedelta(days=8))
    assert lines[0].endswith("Evidence: Outcomes v1, uploaded 1 week ago")
    # an exaggerated claim is named by its words, not its ID (paid-sooner); the money's point is
    # escaped for markdown
    assert lines[1].startswith("Verdicts: ")
    assert lines[1].endswith(" · Exaggerated: Get paid 5 days sooner on average")
    assert lines[2] == f"Value gap per customer: {escape_markdown(status.value_gap)}"
