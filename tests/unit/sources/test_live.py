"""Live sources: named connections, passwords kept out of every message, the workspace database
refused, the mapping check counted in the engine (against an independent pandas count), live
datasets and their refreshes, and the command line's live path."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, sample
from valuegap.cli import main
from valuegap.errors import ValueGapError
from valuegap.evidence.analysis import analyze_summary
from valuegap.model import proposition_files
from valuegap.sources import live as live_sources
from valuegap.sources.engine import evidence_of_frame
from valuegap.sources.mapping import Mapping
from valuegap.store import Actor

PASSWORD = "s3cr#t:p@ss"  # URL-encoded below: %23 %3A %40
PG = "postgresql://reader:s3cr%23t%3Ap%40ss@db.example.com:6543/sales?sslmode=require"
LONG = Mapping(
    "long", {"customer_id": "customer_id", "metric": "metric", "value": "value", "segment": "segment"}
)


def one_line_without_secrets(message: str) -> None:
    assert "\n" not in message and len(message) < 600
    for secret in (PASSWORD, "s3cr%23t%3Ap%40ss", "s3cr#t", "valuegap-test", "wrong-password"):
        assert secret not in message


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (PG, "postgresql://reader:***@db.example.com:6543/sales?sslmode=require"),
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p@ss:w@rd@h:5432/db", "postgresql://u:***@h:5432/db"),  # '@' left unencoded
        ("postgresql+psycopg://u:@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql://h/db?user=u&password=pw&sslmode=disable", "postgresql://h/db?user=u&password=***&sslmode=disable"),
        ("snowflake://u:pw@acct/db/schema?warehouse=w&private_key=abc", "snowflake://u:***@acct/db/schema?warehouse=w&private_key=***"),
        ("duckdb:////data/outcomes.duckdb", "duckdb:////data/outcomes.duckdb"),
        ("spark://local[2]", "spark://local[2]"),
        ("trino://analyst@trino:8080/hive", "trino://analyst@trino:8080/hive"),
    ],
)  # fmt: skip
def test_redact_url(url: str, expected: str) -> None:
    assert live_sources.redact_url(url) == expected


def test_scrub_removes_the_url_and_its_password_in_every_spelling() -> None:
    text = f"could not connect to {PG}: password {PASSWORD!r} (decoded) or s3cr%23t%3Ap%40ss refused"
    cleaned = live_sources.scrub(text, PG)
    one_line_without_secrets(cleaned)
    assert "reader:***@db.example.com" in cleaned


# --------------------------------------------------------------------------- named connections


def test_connections_from_secrets_and_environment() -> None:
    secrets = {"warehouse": {"url": PG}, "blank": {"url": "  "}, "other": {"nothing": 1}}
    environ = {"VALUEGAP_SOURCE_LAKE": "duckdb:////data/lake.duckdb", "VALUEGAP_SOURCE_WAREHOUSE": "spark://local[2]",
               "UNRELATED": "x", "VALUEGAP_SOURCE_": "duckdb:///nameless"}  # fmt: skip
    found = live_sources.connections(secrets, environ)
    assert list(found) == ["lake", "warehouse"]
    assert found["lake"].kind == "duckdb" and found["lake"].origin == "VALUEGAP_SOURCE_LAKE"
    # the environment wins over secrets.toml
    assert found["warehouse"].kind == "spark" and found["warehouse"].url == "spark://local[2]"
    only_secrets = live_sources.connections(secrets, {})["warehouse"]
    assert only_secrets.kind == "postgres" and only_secrets.origin == "secrets.toml"
    for shown in (repr(only_secrets), str(only_secrets), only_secrets.label, only_secrets.redacted_url):
        one_line_without_secrets(shown)
    assert "warehouse" in only_secrets.label and "PostgreSQL" in only_secrets.label


def test_an_unknown_connection_says_how_to_add_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEGAP_SOURCE_LAKE", "duckdb:////data/lake.duckdb")
    with pytest.raises(ValueGapError) as caught:
        live_sources.connection("sales", secrets={})
    message = caught.value.message
    assert "'sales'" in message and "lake" in message
    assert "[connections.sales]" in message and "VALUEGAP_SOURCE_SALES" in message


def test_secrets_toml_is_read_without_streamlit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f'[connections.warehouse]\nurl = "{PG}"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert live_sources.connections(environ={})["warehouse"].url == PG


# --------------------------------------------------------------------------- the workspace database


def test_the_workspace_database_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = "postgresql+psycopg://app:apppw@localhost/valuegap"
    monkeypatch.setenv("VALUEGAP_DATABASE_URL", workspace)
    # another user, another spelling of the host, the default port: still the workspace
    for url in ("postgresql://reader:pw@127.0.0.1:5432/valuegap", "postgres://app:apppw@LOCALHOST/valuegap"):
        with pytest.raises(live_sources.SourceError) as caught:
            live_sources.connect(url, name="sneaky")
        assert "workbench's own database" in caught.value.message
        one_line_without_secrets(caught.value.message)
    # a SQLite workspace file opened as a DuckDB source, given as the store's URL
    db = tmp_path / "workbench.db"
    db.write_bytes(b"")
    with pytest.raises(live_sources.SourceError, match="own database"):
        live_sources.connect(f"duckdb:///{db}", name="file", workspace=[f"sqlite:///{db}"])


# --------------------------------------------------------------------------- errors, one line


@pytest.fixture
def duckdb_file(tmp_path: Path) -> Path:
    path = tmp_path / "outcomes.duckdb"
    frame = pd.DataFrame(
        {"customer_id": ["a", "b", "c", "a"], "metric": ["m", "m", "m", "m"], "value": [1.0, 2.0, 4.0, 3.0],
         "segment": ["x", "x", "y", "x"], "note": ["ok", "ok", "ok", "ok"]}
    )  # fmt: skip
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE outcomes AS SELECT * FROM frame")
    return path


def test_missing_table_failing_query_and_non_select_are_one_line(duckdb_file: Path) -> None:
    backend = live_sources.connect(f"duckdb:///{duckdb_file}", name="lake")
    cases = {
        "no such table": lambda: live_sources.source_table(backend, table="missing"),
        "failed": lambda: live_sources.source_table(backend, query="SELECT nonsense FROM outcomes"),
        "one SELECT": lambda: live_sources.source_table(backend, query="SELECT 1; DROP TABLE outcomes"),
        "one SELECT ": lambda: live_sources.source_table(backend, query="DELETE FROM outcomes"),
        "either a table name or a SQL query": lambda: live_sources.source_table(backend),
    }
    for expected, call in cases.items():
        with pytest.raises(ValueGapError) as caught:
            call()
        message = caught.value.message
        assert expected.strip() in message
        one_line_without_secrets(message)
    assert len(backend.execute(live_sources.source_table(backend, table="outcomes"))) == 4  # nothing dropped


def test_a_duckdb_source_reads_no_other_file(duckdb_file: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secrets.csv"
    secret.write_text("share_secret\nabc\n")
    backend = live_sources.connect(f"duckdb:///{duckdb_file}", name="lake")
    with pytest.raises(live_sources.SourceError) as caught:
        table = live_sources.source_table(backend, query=f"SELECT * FROM read_csv('{secret}')")
        backend.execute(table)
    assert "abc" not in caught.value.message and "'lake'" in caught.value.message


def test_a_missing_duckdb_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(live_sources.SourceError, match="no DuckDB file"):
        live_sources.connect(f"duckdb:///{tmp_path / 'nowhere.duckdb'}", name="lake")


def test_a_query_past_the_time_limit_is_stopped(duckdb_file: Path) -> None:
    backend = live_sources.connect(f"duckdb:///{duckdb_file}", name="lake", timeout=0.5)
    slow = live_sources.source_table(
        backend,
        query="SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range % 7 = b.range",
    )
    with pytest.raises(live_sources.SourceError) as caught:
        backend.execute(slow)
    assert "did not answer within 0.5 seconds" in caught.value.message
    one_line_without_secrets(caught.value.message)


def test_text_where_numbers_are_mapped_is_one_line_in_the_cli(
    duckdb_file: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    prop = tmp_path / "p.yaml"
    proposition_files.write(sample(), prop)
    query = "SELECT customer_id, metric, note AS value FROM outcomes"
    assert main(["analyze", str(prop), f"duckdb:///{duckdb_file}", "--query", query]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "4 rows not a number" in err and "'ok'" in err


@pytest.mark.postgres
def test_a_wrong_password_is_one_line_without_it() -> None:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("VALUEGAP_REQUIRE_POSTGRES=1 but VALUEGAP_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server configured (set VALUEGAP_TEST_POSTGRES_URL)")
    url = POSTGRES_URL.replace(":valuegap-test@", ":wrong-password@")
    with pytest.raises(live_sources.SourceError) as caught:
        live_sources.connect(url, name="warehouse")
    assert "password was refused" in caught.value.message and "'warehouse'" in caught.value.message
    one_line_without_secrets(caught.value.message)
    backend = live_sources.connect(POSTGRES_URL, name="warehouse")
    with pytest.raises(live_sources.SourceError) as caught:
        live_sources.source_table(backend, table="no_such_outcomes")
    one_line_without_secrets(caught.value.message)
    backend.close()
    # the server stops a statement past the time limit
    backend = live_sources.connect(POSTGRES_URL, name="warehouse", timeout=1)
    with pytest.raises(live_sources.SourceError) as caught:
        backend.execute(live_sources.source_table(backend, query="SELECT 1 AS x FROM pg_sleep(3)"))
    assert "did not answer within 1 seconds" in caught.value.message
    one_line_without_secrets(caught.value.message)
    backend.close()


# --------------------------------------------------------------------------- the mapping check


def messy() -> pd.DataFrame:
    """Every kind of bad row, several times, and rows with two problems (counted for the first)."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(400):
        value = f"{rng.normal(3, 1):.3f}"
        customer, metric, date = f"c{i % 90}", ("m1", "m2", "m3")[i % 3], f"2025-{1 + i % 12:02d}-15"
        kind = i % 11
        if kind == 1:  # blank: missing, empty or only spaces, tabs and line breaks
            customer = None if i % 2 else ("  ", "\t\n ", "", "\r\x0b\x0c")[i % 8 // 2]
        elif kind == 8:  # not blank, though it starts with white space
            customer = (" ", "\t")[i % 2] + customer
        elif kind == 2:
            metric = ("", " \t")[i % 2]
        elif kind == 3:
            value = None
        elif kind == 4:
            value = ("n/a", "12,5", "1e", "--3")[i % 4]
        elif kind == 5:
            value = ("inf", "-Infinity", "INF", "+inf")[i % 4]
        elif kind == 6:
            date = ("31/12/2025", "yesterday", "2025-1x-01")[i % 3]
        elif kind == 7:
            customer, value = None, "n/a"  # missing id comes first
        rows.append((customer, metric, value, ("x", "y")[i % 2], date))
    return pd.DataFrame(rows, columns=["customer_id", "metric", "value", "segment", "observed_at"])


def expected_counts(frame: pd.DataFrame, known: set[str] | None) -> dict[str, int]:
    """The reasons counted in pandas, each row for its first problem, independently of the engine."""
    import re

    number = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
    infinity = re.compile(r"^\s*[+-]?inf(inity)?\s*$", re.IGNORECASE)
    date = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
    counts: dict[str, int] = {}
    for row in frame.itertuples(index=False):
        reason = None
        if pd.isna(row.customer_id) or not str(row.customer_id).strip():
            reason = "missing customer id"
        elif not row.metric.strip():
            reason = "missing metric"
        elif pd.isna(row.value):
            reason = "missing value"
        elif infinity.match(row.value):
            reason = "infinite value"
        elif not number.match(row.value):
            reason = "not a number"
        elif known is not None and row.metric not in known:
            reason = "unknown metric (no claim measures it)"
        elif not date.match(row.observed_at) or not pd.notna(
            pd.to_datetime(row.observed_at, errors="coerce")
        ):
            reason = "not a date"
        if reason:
            counts[reason] = counts.get(reason, 0) + 1
    return counts


@pytest.mark.parametrize("known", [None, {"m1", "m2"}])
def test_mapping_check_counts_match_an_independent_count(tmp_path: Path, known: set[str] | None) -> None:
    frame = messy()
    path = tmp_path / "messy.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE outcomes AS SELECT * FROM frame")
    backend = live_sources.connect(f"duckdb:///{path}", name="lake")
    mapping = Mapping("long", {**LONG.roles, "observed_at": "observed_at"})
    table = live_sources.source_table(backend, table="outcomes")
    check = live_sources.check_mapping(backend, table, mapping, known)
    expected = expected_counts(frame, known)
    assert check.counts == {r: expected[r] for r in live_sources.REASONS if r in expected}
    assert check.rows == len(frame) and check.kept == len(frame) - sum(expected.values())
    assert len(check.offending) == live_sources.OFFENDING_ROWS
    assert set(check.offending["reason"]) <= set(expected)
    # the evidence of the kept rows is the evidence of the rows pandas keeps
    evidence = live_sources.evidence_of_source(backend, table, mapping, known)
    good = frame[[expected_counts(frame.iloc[[i]], known) == {} for i in range(len(frame))]].copy()
    good["value"] = good["value"].astype(float)
    good["observed_at"] = pd.to_datetime(good["observed_at"])
    reference = evidence_of_frame(good.assign(offer=""))
    assert evidence.fingerprint() == reference.fingerprint()


def test_typed_columns_nan_and_infinity(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"customer_id": ["a", "b", "c", "d", "e"], "m1": [1.0, math.nan, math.inf, -math.inf, 2.0],
         "m2": [1, 2, 3, 4, 5]}
    )  # fmt: skip
    path = tmp_path / "wide.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE wide AS SELECT * FROM frame")
    backend = live_sources.connect(f"duckdb:///{path}", name="lake")
    wide = Mapping("wide", {"customer_id": "customer_id"}, metric_columns=("m1", "m2"))
    check = live_sources.check_mapping(backend, live_sources.source_table(backend, table="wide"), wide)
    # pandas writes NaN as NULL (a missing value); the infinities are named
    assert check.counts == {"missing value": 1, "infinite value": 2}
    assert check.rows == 10 and check.kept == 7
    evidence = live_sources.evidence_of_source(
        backend, live_sources.source_table(backend, table="wide"), wide
    )
    assert evidence.sample("m1").n == 2 and evidence.sample("m2").mean == 3.0


# --------------------------------------------------------------------------- live datasets


def test_live_dataset_versions_fingerprints_and_a_changed_source(  # type: ignore[no-untyped-def]
    store, duckdb_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUEGAP_SOURCE_LAKE", f"duckdb:///{duckdb_file}")
    actor = Actor("ana@example.com")
    prop = store.create(sample(), actor)
    source = live_sources.LiveSource("lake", "outcomes", None, LONG, None)
    first = live_sources.add_live_dataset(
        store, source, name="lake outcomes", proposition_id=prop.id, actor=actor
    )
    assert live_sources.is_live(first) and first.kind == "outcomes" and first.version == 1
    assert first.rows_read == 4 and first.rows_kept == 4 and first.file_name == "lake: table outcomes"
    assert str(duckdb_file) not in repr(first)  # the URL is stored nowhere
    assert store.current_dataset(prop.id).id == first.id
    groups = live_sources.stored_groups(store, first)
    assert int(groups.loc[groups["period"] == "", "n"].sum()) == 3  # a, b (x) and c (y): per-customer means

    evidence = live_sources.load_live_evidence(store, first)
    assert evidence.fingerprint() == first.details["live"]["fingerprint"] == first.content_hash
    assert evidence.sample("m", segment="x").mean == pytest.approx(
        (2.0 + 2.0) / 2
    )  # a's mean of 1 and 3 is 2

    second = live_sources.refresh_live_dataset(store, first, actor)
    assert second.version == 2 and second.content_hash == first.content_hash
    assert store.current_dataset(prop.id).id == second.id  # a refresh of the current evidence moves it

    live_sources.load_live_evidence(store, first)  # unchanged source: the old version still reads
    with duckdb.connect(str(duckdb_file)) as con:
        con.execute("INSERT INTO outcomes VALUES ('d', 'm', 10.0, 'y', 'ok')")
    with pytest.raises(live_sources.SourceChanged) as caught:
        live_sources.load_live_evidence(store, first)
    message = caught.value.message
    assert "has changed since lake outcomes v1" in message and "refresh" in message
    assert "m, segment y: 1 → 2 customers" in message
    third = live_sources.refresh_live_dataset(store, second, actor)
    assert third.version == 3 and third.rows_read == 5 and third.content_hash != first.content_hash
    assert live_sources.load_live_evidence(store, third).sample("m").n == 4


def test_a_failing_source_stores_nothing(store, duckdb_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VALUEGAP_SOURCE_LAKE", f"duckdb:///{duckdb_file}")
    actor = Actor("ana@example.com")
    before = len(store.datasets())
    for source in (
        live_sources.LiveSource("lake", "missing", None, LONG, None),
        live_sources.LiveSource(
            "lake", None, "SELECT customer_id, metric, note AS value FROM outcomes", LONG, None
        ),
        live_sources.LiveSource("nowhere", "outcomes", None, LONG, None),
    ):
        with pytest.raises(ValueGapError) as caught:
            live_sources.add_live_dataset(store, source, name="x", proposition_id=None, actor=actor)
        one_line_without_secrets(caught.value.message)
    assert len(store.datasets()) == before


# --------------------------------------------------------------------------- the command line


def test_cli_analyze_of_a_duckdb_file_matches_the_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = Path(__file__).resolve().parents[3] / "data"
    csv = root / "outcomes" / "invoicing-saas.csv"
    path = tmp_path / "demo.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE outcomes AS SELECT * FROM read_csv('{csv}')")
    prop = str(root / "propositions" / "invoicing-saas.yaml")
    assert (
        main(["analyze", prop, f"duckdb:///{path}", "--table", "outcomes", "--by-segment", "--format", "csv"])
        == 0
    )
    live = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert main(["analyze", prop, str(csv), "--by-segment", "--format", "csv"]) == 0
    file = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(live.columns) == list(file.columns) and len(live) == len(file) > 0
    for column in live.columns:
        if pd.api.types.is_float_dtype(file[column]):
            assert np.allclose(live[column], file[column], rtol=1e-9, atol=0, equal_nan=True), column
        else:
            assert live[column].equals(file[column]), column
    # and the library call gives the same as the evidence of the same frame
    evidence = live_sources.evidence_from_url(f"duckdb:///{path}", table="outcomes", query=None)
    assert (
        evidence.fingerprint()
        == evidence_of_frame(pd.read_csv(csv).drop(columns="observed_at")).fingerprint()
    )
    analyze_summary(proposition_files.read(Path(prop)), evidence)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["duckdb:///x.duckdb"], "give --table NAME or --query SQL"),
        (["outcomes.csv", "--table", "t"], "--table and --query read a live source"),
        (["mysql://u:pw@h/db", "--table", "t"], "mysql://u:***@h/db"),
    ],
)
def test_cli_live_source_arguments(tmp_path: Path, capsys, args: list[str], expected: str) -> None:  # type: ignore[no-untyped-def]
    prop = tmp_path / "p.yaml"
    proposition_files.write(sample(), prop)
    assert main(["analyze", str(prop), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and err.count("\n") == 0 and ":pw@" not in err
