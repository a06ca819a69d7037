"""One analysis, four engines: the same observations in the embedded DuckDB (a memtable), a DuckDB
file, PostgreSQL and Spark (local mode) give every field of every ``analyze`` row equal to rel 1e-9,
over all customers and by segment.

The reference is the embedded DuckDB over a memtable, i.e. what an upload gets; the other engines
compile the same ibis expressions in their own SQL (PostgreSQL's, Spark's), so agreement is not by
construction: each computes its own means, centred sums, counts at a bar and order statistics. The
data carry repeated observations per customer, a rival offer, segments, dates, ties (values rounded
to a tenth) and a metric measured on a handful of customers, so every kind of test (mean, median,
share, up-to, comparative, parity) and the small-sample paths run. A source that names two metrics
otherwise (spaced, another word) and a mapping that renames them back give each engine the evidence of
the table as it is, and the metric labels pandas counts.

The mapping check of a live source (text values, infinities, blanks, bad dates) counts the same
rows on DuckDB, PostgreSQL and Spark as an independent pandas count, table and query alike.

PostgreSQL and Spark are skipped when unavailable, unless ``VALUEGAP_REQUIRE_POSTGRES=1`` /
``VALUEGAP_REQUIRE_SPARK=1`` (CI) make that a failure.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from valuegap.evidence.analysis import Analysis, analyze_summary
from valuegap.model.proposition import parse_proposition
from valuegap.sources import engine, live
from valuegap.sources.mapping import Mapping

REQUIRE_SPARK = os.environ.get("VALUEGAP_REQUIRE_SPARK") == "1"
LONG = Mapping(
    "long",
    {"customer_id": "customer_id", "metric": "metric", "value": "value", "segment": "segment",
     "offer": "offer", "observed_at": "observed_at"},
)  # fmt: skip

PROPOSITION = {
    "name": "Engines agree",
    "segment": "all",
    "price": {"amount": 49.0, "currency": "USD", "period": "month"},
    "value_of_time": 40.0,
    "claims": [
        {"id": "avg", "text": "Get paid 5 days sooner", "benefit": "money", "form": "average",
         "metric": "days_saved", "claimed": 5.0, "unit": "days", "money_per_unit": 12.0},
        {"id": "median", "text": "Typically 4 days sooner", "benefit": "time", "form": "median",
         "metric": "days_saved", "claimed": 4.0, "unit": "days"},
        {"id": "share", "text": "90% arrive on time", "benefit": "time", "form": "share",
         "metric": "days_early", "claimed": 0.0, "share": 0.9},
        {"id": "upto", "text": "Save up to 3 hours", "benefit": "time", "form": "up_to",
         "metric": "hours_saved", "claimed": 3.0, "unit": "hours"},
        {"id": "twice", "text": "Twice the savings of Rival", "benefit": "money", "form": "comparative",
         "metric": "days_saved", "claimed": 2.0, "competitor": "Rival", "ratio": 2.0},
        {"id": "parity", "text": "As fast as Rival", "benefit": "time", "form": "parity",
         "metric": "days_early", "claimed": 0.0, "competitor": "Rival", "tolerance": 0.5},
        {"id": "rare", "text": "Setup in under an hour", "benefit": "time", "form": "average",
         "metric": "setup_hours", "claimed": 1.0, "direction": "lower", "unit": "hours"},
    ],
}  # fmt: skip


def observations() -> pd.DataFrame:
    """Repeated, dated observations of three metrics for ours and a rival in three segments, plus a
    metric measured on four customers only."""
    rng = np.random.default_rng(20261206)
    rows = []
    for customer in range(240):
        offer = "Rival" if customer % 5 == 0 else ""
        segment = ("freelancer", "agency", "studio")[customer % 3]
        for repeat in range(1 + customer % 3):
            day = pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
            rows.append(
                (f"c{customer}", "days_saved", round(float(rng.normal(4.6, 2.5)), 1), segment, offer, day)
            )
            rows.append(
                (f"c{customer}", "days_early", round(float(rng.normal(1.0, 1.2)), 1), segment, offer, day)
            )
            if repeat == 0:
                rows.append((f"c{customer}", "hours_saved", float(rng.gamma(2.0, 0.8)), segment, offer, day))
    for customer in range(4):
        rows.append(
            (
                f"c{customer}",
                "setup_hours",
                0.5 + customer * 0.4,
                "freelancer",
                "",
                pd.Timestamp("2025-06-01"),
            )
        )
    frame = pd.DataFrame(rows, columns=["customer_id", "metric", "value", "segment", "offer", "observed_at"])
    return frame.astype({"value": "float64", "observed_at": "datetime64[us]"})


def analyses(evidence: engine.Evidence) -> dict[str, Analysis]:
    prop = parse_proposition(PROPOSITION)
    return {
        "all": analyze_summary(prop, evidence),
        "by segment": analyze_summary(prop, evidence, by_segment=True),
        "one period": analyze_summary(prop, evidence, period=evidence.periods[2]),
        "fdr, one segment": analyze_summary(prop, evidence, correction="fdr_bh", segment="agency"),
    }


def assert_same(value: Any, expected: Any, where: str) -> None:
    if isinstance(expected, float) and isinstance(value, float):
        if math.isnan(expected):
            assert math.isnan(value), where
        else:
            assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12), (
                f"{where}: {value} != {expected}"
            )
    else:
        assert value == expected, f"{where}: {value!r} != {expected!r}"


def assert_agree(found: dict[str, Analysis], reference: dict[str, Analysis], engine_name: str) -> None:
    for name, analysis in reference.items():
        rows, expected_rows = found[name].rows, analysis.rows
        assert len(rows) == len(expected_rows) > 0
        for row, expected in zip(rows, expected_rows, strict=True):
            assert row.keys() == expected.keys()
            for key in expected:
                assert_same(row[key], expected[key], f"{engine_name}, {name}, claim {expected['id']}, {key}")


# the source names two metrics otherwise than the claims, and the mapping renames them back
RENAMED = Mapping(LONG.kind, LONG.roles, metric_renames={"Days saved": "days_saved", "hours": "hours_saved"})


def renaming_query(table: str) -> str:
    """The table's rows with ``days_saved`` spelt ``  Days saved `` and ``hours_saved`` as ``hours``."""
    return (
        "SELECT customer_id, CASE metric WHEN 'days_saved' THEN '  Days saved ' "
        "WHEN 'hours_saved' THEN 'hours' ELSE metric END AS metric, "
        f"value, segment, offer, observed_at FROM {table}"
    )


def assert_renames_agree(backend: live.SourceBackend, table: str, frame: pd.DataFrame, plain: str) -> None:
    """Under :data:`RENAMED`, the renaming query names its metrics as pandas counts them and gives the
    evidence (fingerprint ``plain``) of the table as it is."""
    rows = live.source_table(backend, query=renaming_query(table))
    counts = frame["metric"].replace({"days_saved": "Days saved", "hours_saved": "hours"}).value_counts()
    assert live.source_metric_labels(backend, rows, RENAMED) == {str(k): int(v) for k, v in counts.items()}
    known = {c["metric"] for c in PROPOSITION["claims"]}
    check = live.check_mapping(backend, rows, RENAMED, known)
    assert check.counts == {} and check.kept == len(frame)
    assert live.evidence_of_source(backend, rows, RENAMED, known, check=check).fingerprint() == plain


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return observations()


@pytest.fixture(scope="module")
def reference(frame: pd.DataFrame) -> dict[str, Analysis]:
    evidence = engine.evidence_of(ibis.duckdb.connect(), ibis.memtable(frame))
    return analyses(evidence)


def test_the_reference_exercises_every_kind_of_test(reference: dict[str, Analysis]) -> None:
    rows = {r["id"]: r for r in reference["all"].rows}
    assert set(rows) == {c["id"] for c in PROPOSITION["claims"]}
    assert rows["rare"]["n"] == 4  # the small-sample path
    assert {r["segment"] for r in reference["by segment"].rows} == {"agency", "freelancer", "studio"}
    assert all(r["n"] for r in reference["all"].rows)


def test_a_duckdb_file_agrees(frame: pd.DataFrame, reference: dict[str, Analysis], tmp_path: Path) -> None:
    path = tmp_path / "outcomes.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE outcomes AS SELECT * FROM frame")
    backend = live.connect(f"duckdb:///{path}", name="file")
    try:
        evidence = live.evidence_of_source(backend, live.source_table(backend, table="outcomes"), LONG)
        assert_agree(analyses(evidence), reference, "DuckDB file")
        query = live.source_table(backend, query="SELECT * FROM outcomes WHERE value IS NOT NULL")
        assert live.evidence_of_source(backend, query, LONG).fingerprint() == evidence.fingerprint()
        assert_renames_agree(backend, "outcomes", frame, evidence.fingerprint())
    finally:
        backend.close()


@pytest.fixture
def postgres_url() -> str:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("VALUEGAP_REQUIRE_POSTGRES=1 but VALUEGAP_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server configured (set VALUEGAP_TEST_POSTGRES_URL)")
    return POSTGRES_URL


@pytest.fixture
def postgres_table(frame: pd.DataFrame, postgres_url: str) -> Iterator[tuple[str, str]]:
    """The observations as a table in the test PostgreSQL, dropped afterwards."""
    import sqlalchemy as sa

    name = f"vg_outcomes_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        frame.to_sql(name, admin, index=False)
        yield postgres_url, name
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_agrees(
    postgres_table: tuple[str, str], frame: pd.DataFrame, reference: dict[str, Analysis]
) -> None:
    url, name = postgres_table
    backend = live.connect(url, name="warehouse")
    try:
        evidence = live.evidence_of_source(backend, live.source_table(backend, table=name), LONG)
        assert_agree(analyses(evidence), reference, "PostgreSQL")
        query = live.source_table(backend, query=f'SELECT * FROM "{name}"')
        assert live.evidence_of_source(backend, query, LONG).fingerprint() == evidence.fingerprint()
        assert_renames_agree(backend, f'"{name}"', frame, evidence.fingerprint())
    finally:
        backend.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One small local Spark session for the whole run (local[2], no UI, 2 shuffle partitions)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if REQUIRE_SPARK:
            pytest.fail("VALUEGAP_REQUIRE_SPARK=1 but pyspark is not installed")
        pytest.skip("pyspark is not installed")
    try:
        session = live.spark_session("local[2]")
    except Exception as exc:  # no Java
        if REQUIRE_SPARK:
            raise
        pytest.skip(f"Spark could not start: {exc}")
    yield session
    session.stop()


def test_spark_agrees(spark: Any, frame: pd.DataFrame, reference: dict[str, Analysis]) -> None:
    spark.createDataFrame(frame).createOrReplaceTempView("vg_outcomes")
    backend = live.connect("spark://local[2]", name="spark")
    evidence = live.evidence_of_source(backend, live.source_table(backend, table="vg_outcomes"), LONG)
    assert_agree(analyses(evidence), reference, "Spark")
    assert_renames_agree(backend, "vg_outcomes", frame, evidence.fingerprint())


# --------------------------------------------------------------------------- the mapping check


def _check_messy(backend: live.SourceBackend, table: Any, frame: pd.DataFrame) -> None:
    """Text values, infinities spelled out, blanks and bad dates: counted alike in every engine."""
    from tests.unit.sources.test_live import expected_counts

    roles = {"customer_id": "customer_id", "metric": "metric", "value": "value", "segment": "segment"}
    mapping = Mapping("long", {**roles, "observed_at": "observed_at"})
    known = {"m1", "m2"}
    check = live.check_mapping(backend, table, mapping, known)
    assert check.counts == expected_counts(frame, known)
    reference = engine.evidence_of(ibis.duckdb.connect(), ibis.memtable(_kept(frame, known)))
    assert live.evidence_of_source(backend, table, mapping, known).fingerprint() == reference.fingerprint()


def _kept(frame: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    from tests.unit.sources.test_live import expected_counts

    good = frame[[expected_counts(frame.iloc[[i]], known) == {} for i in range(len(frame))]].copy()
    return good.astype({"value": "float64"}).assign(observed_at=pd.to_datetime(good["observed_at"]), offer="")


@pytest.mark.postgres
def test_postgresql_checks_a_messy_mapping_alike(postgres_url: str) -> None:
    import sqlalchemy as sa

    from tests.unit.sources.test_live import messy

    frame = messy()
    name = f"vg_messy_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    backend = live.connect(postgres_url, name="warehouse")
    try:
        frame.to_sql(name, admin, index=False)
        _check_messy(backend, live.source_table(backend, table=name), frame)
        _check_messy(backend, live.source_table(backend, query=f'SELECT * FROM "{name}"'), frame)
    finally:
        backend.close()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        admin.dispose()


def test_spark_checks_a_messy_mapping_alike(spark: Any) -> None:
    from tests.unit.sources.test_live import messy

    frame = messy()
    spark.createDataFrame(frame.astype(object).where(frame.notna(), None)).createOrReplaceTempView("vg_messy")
    backend = live.connect("spark://local[2]", name="spark")
    _check_messy(backend, live.source_table(backend, table="vg_messy"), frame)
