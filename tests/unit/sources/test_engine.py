"""The evidence engine against a direct pandas computation of the same per-customer means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import assert_same_rows
from valuegap.errors import ValueGapError
from valuegap.evidence.claim_tests import ArraySample
from valuegap.sources import engine
from valuegap.sources.engine import ALL_PERIODS, Evidence, Moments, evidence_of_frame, period_granularity


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
def summary(frame: pd.DataFrame) -> Evidence:
    return evidence_of_frame(frame)


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
    assert got.skewness == pytest.approx(expected.skewness, rel=1e-8, abs=1e-12)
    # bars no customer's mean can equal (values have one decimal): a mean's last bit may differ
    # between the engine and pandas, which add in their own order
    for bar in (3.013, 5.0017, 5.057, 7.5031):
        assert got.count_at_least(bar) == expected.count_at_least(bar)
        assert got.count_at_most(bar) == expected.count_at_most(bar)
    for k in (1, expected.n // 2, expected.n):
        assert got.order_statistic(k) == pytest.approx(expected.order_statistic(k), rel=1e-12)
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


def test_round_trip_through_the_stored_parquet(frame, summary, tmp_path) -> None:
    path = str(tmp_path / "per_customer.parquet")
    reduced = engine.reduce_to_parquet(frame, path)
    again = engine.open_parquet(path, granularity=reduced.granularity, observations=reduced.observations)
    assert again.metrics == summary.metrics and again.periods == summary.periods
    assert again.observations == len(frame) and again.customers() == frame["customer_id"].nunique()
    assert again.fingerprint() == summary.fingerprint()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=1, max_size=30),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=1, max_size=30),
)
def test_merged_moments_are_those_of_the_pooled_values(a: list[float], b: list[float]) -> None:
    """Pébay's update against the moments of the pooled values computed directly."""

    def moments(values: list[float]) -> Moments:
        x = np.asarray(values)
        centred = x - x.mean()
        return Moments(x.size, float(x.mean()), float((centred**2).sum()), float((centred**3).sum()),
                       float(x.min()), float(x.max()))  # fmt: skip

    merged, pooled = moments(a).merge(moments(b)), moments(a + b)
    scale = max(1.0, max(abs(v) for v in a + b))
    assert merged.n == pooled.n and (merged.low, merged.high) == (pooled.low, pooled.high)
    assert merged.mean == pytest.approx(pooled.mean, rel=1e-9, abs=1e-9 * scale)
    assert merged.m2 == pytest.approx(pooled.m2, rel=1e-7, abs=1e-7 * scale**2)
    assert merged.m3 == pytest.approx(pooled.m3, rel=1e-6, abs=1e-6 * scale**3)


def test_equal_values_have_exactly_zero_sd() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "metric": "m", "value": [0.1, 0.1, 0.1]})
    sample = evidence_of_frame(frame).sample("m")
    assert sample is not None and sample.sd == 0.0 and sample.n == 3 and sample.skewness == 0.0


def test_without_dates_there_are_no_periods() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "a", "b"], "metric": "m", "value": [1.0, 3.0, 5.0]})
    summary = evidence_of_frame(frame)
    assert summary.periods == () and summary.granularity is None
    sample = summary.sample("m", period=ALL_PERIODS)
    assert sample is not None and sample.n == 2 and sample.mean == 3.5


def test_a_frame_without_values_is_refused() -> None:
    with pytest.raises(ValueGapError, match="value"):
        evidence_of_frame(pd.DataFrame({"customer_id": ["a"], "metric": ["m"]}))


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


@settings(max_examples=5, deadline=None)
@given(st.permutations(list(range(60))))
def test_row_order_never_changes_the_evidence(order: list[int]) -> None:
    frame = _observations(seed=3, rows=60)
    shuffled = frame.iloc[order].reset_index(drop=True)
    a, b = evidence_of_frame(frame), evidence_of_frame(shuffled)
    for metric in a.metrics:
        x, y = a.sample(metric), b.sample(metric)
        assert x is not None and y is not None and x.n == y.n
        assert x.mean == pytest.approx(y.mean, rel=1e-12) and x.sd == pytest.approx(y.sd, rel=1e-10)
        for k in (1, 2, x.n // 2, x.n):
            assert x.order_statistic(k) == pytest.approx(y.order_statistic(k), rel=1e-12)


def test_batched_counts_and_order_statistics_match_one_at_a_time(frame) -> None:
    """The prefetch's single queries (conditional sums, a ranked window over tagged samples) give
    what separate queries give, for disjoint and for overlapping samples."""
    batched, single = evidence_of_frame(frame), evidence_of_frame(frame)
    wanted = [
        batched.sample("hours", offer="Ours"), batched.sample("hours", offer="Rival"),
        batched.sample("days", segment="agency"), batched.sample("days"),  # the last two overlap
    ]  # fmt: skip

    def ask() -> None:
        for sample in wanted:
            assert sample is not None
            sample.count_at_least(5.0), sample.count_at_most(4.0), sample.order_statistic(2)

    batched.prefetch(ask)
    for sample in wanted:
        assert sample is not None
        twin = single.sample(*(dict(sample.where)["metric"]), offer=None)
        assert twin is not None
        again = single.filtered(sample.where)
        direct = single.query(again.value.count())
        assert direct == sample.n
        values = np.sort(single.query(again.select("value"))["value"].to_numpy())
        assert sample.count_at_least(5.0) == int((values >= 5.0).sum())
        assert sample.count_at_most(4.0) == int((values <= 4.0).sum())
        assert sample.order_statistic(2) == pytest.approx(values[1], rel=1e-12)


def test_every_period_group_matches_pandas(frame, summary) -> None:
    months = frame["observed_at"].dt.strftime("%Y-%m")
    direct = frame.assign(period=months).groupby(["period", "metric", "offer", "segment", "customer_id"])
    expected = direct["value"].mean().groupby(level=[0, 1, 2, 3]).agg(["size", "mean"])
    assert len(expected) == int((summary.groups["period"] != ALL_PERIODS).sum())
    for (period, metric, offer, segment), row in expected.iterrows():
        sample = summary.sample(metric, offer=offer, segment=segment, period=period)
        assert sample is not None and sample.n == row["size"]
        assert sample.mean == pytest.approx(row["mean"], rel=1e-12)


def _queries_of(evidence) -> list[object]:  # type: ignore[no-untyped-def]
    """The queries ``evidence`` runs from now on, as they run (its backend object's own attribute)."""
    queries: list[object] = []
    run = evidence.backend.execute

    def counted(expression, **kwargs):  # type: ignore[no-untyped-def]
        queries.append(expression)
        return run(expression, **kwargs)

    evidence.backend.execute = counted
    return queries


def test_a_segment_change_after_prefetching_every_segment_runs_no_query(frame) -> None:
    """prefetch_segments fetches, in a few queries, what the analyses of all segments and of each
    segment need; a segment change afterwards answers from the cached per-group counts and order
    statistics. Its results are those of a fresh evidence, and its counts those of the values."""
    from valuegap.evidence.analysis import analyze_summary
    from valuegap.evidence.prefetching import prefetch_segments
    from valuegap.model.proposition import parse_proposition

    prop = parse_proposition(
        {
            "name": "Engine cache", "offer": "Ours", "segment": "all",
            "price": {"amount": 49.0, "currency": "USD", "period": "month"},
            "claims": [
                {"id": "avg", "text": "Saves 5 hours", "benefit": "time", "form": "average",
                 "metric": "hours", "claimed": 5.0, "unit": "hours", "direction": "higher"},
                {"id": "share", "text": "9 in 10 wait under 6 days", "benefit": "time", "form": "share",
                 "metric": "days", "claimed": 6.0, "unit": "days", "direction": "lower", "share": 0.9},
                {"id": "med", "text": "The typical score is 5", "benefit": "time", "form": "median",
                 "metric": "score", "claimed": 5.0, "unit": "points", "direction": "higher"},
                {"id": "vs", "text": "Twice the hours of Rival", "benefit": "time", "form": "comparative",
                 "metric": "hours", "claimed": 2.0, "unit": "hours", "direction": "higher",
                 "competitor": "Rival", "ratio": 2.0},
            ],
        }
    )  # fmt: skip
    cached = evidence_of_frame(frame)
    queries = _queries_of(cached)
    prefetch_segments(prop, cached)
    assert 0 < len(queries) <= 6
    queries.clear()
    for segment in cached.segments_of(exclude_offers={"Rival"}):
        analysis = analyze_summary(prop, cached, segment=segment)
        assert queries == [], f"segment {segment} ran a query"
        fresh = analyze_summary(prop, evidence_of_frame(frame), segment=segment)
        assert_same_rows(analysis.rows, fresh.rows)
        ours = cached.sample("days", exclude_offers={"Rival"}, segment=segment)
        assert ours is not None
        values = _direct(frame[frame["offer"] != "Rival"], "days", segment=segment)
        assert ours.count_at_most(6.0) == int((values <= 6.0).sum())


def test_a_prefetch_round_is_one_query(frame) -> None:
    """Counts at bars and order statistics of overlapping samples (two layers) come back in one
    query: on a live source each query reduces the source's rows again. The answers are those of
    the values themselves."""
    evidence = evidence_of_frame(frame)
    queries = _queries_of(evidence)
    wanted = [evidence.sample("days"), evidence.sample("days", segment="agency"), evidence.sample("hours")]

    def ask() -> None:
        for sample in wanted:
            assert sample is not None
            sample.count_at_least(5.0), sample.order_statistic(2), sample.order_statistic(3)

    evidence.prefetch(ask)
    assert len(queries) == 1
    for sample, (metric, segment) in zip(
        wanted, [("days", None), ("days", "agency"), ("hours", None)], strict=True
    ):
        assert sample is not None
        values = np.sort(_direct(frame, metric, **({"segment": segment} if segment else {})))
        assert sample.count_at_least(5.0) == int((values >= 5.0).sum())
        assert sample.order_statistic(2) == pytest.approx(values[1], rel=1e-12)
        assert sample.order_statistic(3) == pytest.approx(values[2], rel=1e-12)
    assert len(queries) == 1
