"""Per-customer aggregates against a direct pandas computation of the same per-customer means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuegap.aggregates import ALL_PERIODS, OutcomeSummary, period_granularity
from valuegap.errors import ValueGapError
from valuegap.evidence import ArraySample


def _observations(seed: int = 7, rows: int = 2_000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, 300, rows)
    return pd.DataFrame(
        {
            "customer_id": [f"C{c:03d}" for c in customers],
            "metric": rng.choice(["hours", "days", "score"], rows),
            "value": rng.normal(5, 2, rows).round(1),
            "segment": np.where(customers % 3 == 0, "agency", np.where(customers % 3 == 1, "solo", "firm")),
            "offer": np.where(customers < 240, "Ours", "Rival"),
            "observed_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 180, rows), "D"),
        }
    )


def _direct(frame: pd.DataFrame, metric: str, **where: str) -> np.ndarray:
    chosen = frame[frame["metric"] == metric]
    for column, value in where.items():
        chosen = chosen[chosen[column] == value]
    return chosen.groupby("customer_id")["value"].mean().to_numpy()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _observations()


@pytest.fixture(scope="module")
def summary(frame: pd.DataFrame) -> OutcomeSummary:
    return OutcomeSummary.build(frame)


@pytest.mark.parametrize("segment", [None, "agency", "solo"])
@pytest.mark.parametrize("metric", ["hours", "days"])
def test_sample_matches_per_customer_means(frame, summary, metric, segment) -> None:
    where = {"offer": "Ours", **({"segment": segment} if segment else {})}
    expected = ArraySample.of(_direct(frame, metric, **where))
    got = summary.sample(metric, offer="Ours", segment=segment)
    assert got is not None
    assert got.n == expected.n
    assert got.mean == pytest.approx(expected.mean, rel=1e-12)
    assert got.sd == pytest.approx(expected.sd, rel=1e-10)
    for bar in (3.0, 5.0, 5.05, 7.5):
        assert got.count_at_least(bar) == expected.count_at_least(bar)
        assert got.count_at_most(bar) == expected.count_at_most(bar)
    for k in (1, expected.n // 2, expected.n):
        assert got.order_statistic(k) == expected.order_statistic(k)
    assert got.quantile(0.1) == pytest.approx(expected.quantile(0.1))


def test_excluding_rivals_and_choosing_a_period(frame, summary) -> None:
    ours = summary.sample("hours", exclude_offers={"Rival"})
    assert ours is not None and ours.n == len(_direct(frame, "hours", offer="Ours"))
    assert summary.granularity == "month"
    assert summary.periods == ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")
    in_march = frame[frame["observed_at"].dt.strftime("%Y-%m") == "2025-03"]
    got = summary.sample("hours", offer="Ours", period="2025-03")
    expected = _direct(in_march, "hours", offer="Ours")
    assert got is not None and got.n == expected.size
    assert got.mean == pytest.approx(expected.mean())


def test_unknown_metric_segment_or_period_is_none(summary) -> None:
    assert summary.sample("nope") is None
    assert summary.sample("hours", segment="nobody") is None
    assert summary.sample("hours", period="1999-01") is None
    assert summary.sample(None) is None


def test_segments_of_our_customers(summary) -> None:
    assert summary.segments_of(exclude_offers={"Rival"}) == ("agency", "firm", "solo")


def test_round_trip_through_parquet_bytes(summary) -> None:
    again = OutcomeSummary.from_bytes(summary.to_bytes())
    assert again.metrics == summary.metrics and again.periods == summary.periods
    np.testing.assert_array_equal(again.values, summary.values)
    pd.testing.assert_frame_equal(again.groups, summary.groups)


def test_equal_values_have_exactly_zero_sd() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "metric": "m", "value": [0.1, 0.1, 0.1]})
    sample = OutcomeSummary.build(frame).sample("m")
    assert sample is not None and sample.sd == 0.0 and sample.n == 3


def test_without_dates_there_are_no_periods() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "a", "b"], "metric": "m", "value": [1.0, 3.0, 5.0]})
    summary = OutcomeSummary.build(frame)
    assert summary.periods == () and summary.granularity is None
    sample = summary.sample("m", period=ALL_PERIODS)
    assert sample is not None and sample.n == 2 and sample.mean == 3.5


def test_bad_frames_are_refused() -> None:
    with pytest.raises(ValueGapError, match="value"):
        OutcomeSummary.build(pd.DataFrame({"customer_id": ["a"], "metric": ["m"]}))
    with pytest.raises(ValueGapError, match="infinite"):
        OutcomeSummary.build(pd.DataFrame({"customer_id": ["a"], "metric": ["m"], "value": [np.inf]}))


def test_granularity_by_span() -> None:
    day = pd.Timestamp
    assert period_granularity(day("2024-01-01"), day("2025-06-30")) == "month"
    assert period_granularity(day("2024-01-01"), day("2025-07-01")) == "quarter"
    assert period_granularity(day("2020-01-01"), day("2026-01-01")) == "year"


def test_histogram_counts_every_customer(summary) -> None:
    sample = summary.sample("score", offer="Ours")
    assert sample is not None
    bins = sample.histogram(bins=25)
    assert len(bins) == 25 and int(bins["count"].sum()) == sample.n


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(60))))
def test_row_order_never_changes_the_summary(order: list[int]) -> None:
    frame = _observations(seed=3, rows=60)
    shuffled = frame.iloc[order].reset_index(drop=True)
    a, b = OutcomeSummary.build(frame), OutcomeSummary.build(shuffled)
    for metric in a.metrics:
        x, y = a.sample(metric), b.sample(metric)
        assert x is not None and y is not None
        np.testing.assert_allclose(x.values(), y.values(), rtol=1e-12)


def test_unpacked_sort_gives_the_same_summary(frame, summary, monkeypatch) -> None:
    """Keys too wide to share an int64 with the row number take the argsort path: same result."""
    from valuegap import aggregates

    monkeypatch.setattr(aggregates, "PACKABLE_BITS", 0)
    unpacked = OutcomeSummary.build(frame)
    pd.testing.assert_frame_equal(unpacked.groups, summary.groups)
    np.testing.assert_allclose(unpacked.values, summary.values, rtol=1e-12)
    np.testing.assert_array_equal(unpacked.customers, summary.customers)


def test_work_in_small_blocks_gives_the_same_summary(frame, summary, monkeypatch) -> None:
    """Blocked steps (run lengths, gathers, packing) meet block edges mid-run: same result."""
    from valuegap import aggregates, packing

    monkeypatch.setattr(aggregates, "CHUNK", 7)
    monkeypatch.setattr(packing, "CHUNK", 5)
    blocked = OutcomeSummary.build(frame)
    pd.testing.assert_frame_equal(blocked.groups, summary.groups)
    np.testing.assert_allclose(blocked.values, summary.values, rtol=1e-12)
    np.testing.assert_array_equal(blocked.customers, summary.customers)


def test_every_period_group_matches_pandas(frame, summary) -> None:
    months = frame["observed_at"].dt.strftime("%Y-%m")
    direct = frame.assign(period=months).groupby(["period", "metric", "offer", "segment", "customer_id"])
    expected = direct["value"].mean().groupby(level=[0, 1, 2, 3]).agg(["size", "mean"])
    assert len(expected) == int((summary.groups["period"] >= 0).sum())
    for (period, metric, offer, segment), row in expected.iterrows():
        sample = summary.sample(metric, offer=offer, segment=segment, period=period)
        assert sample is not None and sample.n == row["size"]
        assert sample.mean == pytest.approx(row["mean"], rel=1e-12)
