"""AppTests of "Connect a source" on the Evidence page: a named DuckDB-file connection (its URL in
``VALUEGAP_SOURCE_<NAME>``) is previewed, mapped, checked in the engine and added as a live dataset,
which the Gap analysis page then analyses; the old free-URL SQL form is gone."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.app.conftest import app_at, shown
from valuegap.sources import live as live_sources

DEMO = Path(__file__).resolve().parents[2] / "data" / "outcomes" / "invoicing-saas.csv"


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo outcomes of proposition 1 in a DuckDB file, with one text value and one blank id."""
    path = tmp_path / "warehouse.duckdb"
    frame = pd.read_csv(DEMO, dtype=str)
    frame.loc[0, "value"] = "n/a"
    frame.loc[1, "customer_id"] = None
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE outcomes AS SELECT * FROM frame")
    monkeypatch.setenv("VALUEGAP_SOURCE_WAREHOUSE", f"duckdb:///{path}")
    return path


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_no_connection_says_how_to_add_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    for key in [k for k in __import__("os").environ if k.startswith(live_sources.ENV_PREFIX)]:
        monkeypatch.delenv(key)
    at = app_at("3_evidence.py", p="1")
    assert any("No connections yet" in m.value and "secrets.toml" in m.value for m in at.markdown)
    assert any("[connections.warehouse]" in c.value for c in at.code)


def test_the_free_url_form_is_gone(warehouse: Path) -> None:
    at = app_at("3_evidence.py", p="1")
    assert [t.label for t in at.tabs][:3] == ["Upload a file", "Connect a source", "Datasets"]
    labels = [w.label for w in at.text_input] + [w.label for w in at.text_area]
    assert "Database URL" not in labels
    assert not any("SQLAlchemy" in c.value for c in at.caption)
    # the connection is offered by name; its URL is never a widget's value
    connection = next(s for s in at.selectbox if s.label == "Connection")
    assert connection.value == "warehouse"
    assert all(str(warehouse) not in (w.value or "") for w in at.text_input)


def test_connect_check_and_add_a_duckdb_file(warehouse: Path, open_store) -> None:  # type: ignore[no-untyped-def]
    at = app_at("3_evidence.py", p="1")
    next(w for w in at.text_input if w.label == "Table").input("outcomes")
    _button(at, "Preview").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    preview = at.dataframe[0].value
    assert len(preview) == 20 and {"customer_id", "metric", "value"} <= set(preview.columns)
    # the mapping is proposed from the column names
    assert next(s for s in at.selectbox if s.label == "value").value == "value"
    _button(at, "Check the mapping on the source").click()
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    total = len(pd.read_csv(DEMO))
    assert metrics["Rows"] == f"{total:,}" and metrics["Left out"] == "2"
    reasons = at.dataframe[1].value.set_index("reason")["rows"].to_dict()
    assert reasons == {"missing customer id": 1, "not a number": 1}
    offending = at.dataframe[2].value
    assert set(offending["reason"]) == {"missing customer id", "not a number"}
    assert "n/a" in set(offending["value"])
    next(w for w in at.text_input if w.label == "Dataset name").input("warehouse outcomes")
    _button(at, "Add as live source").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    store = open_store()
    live = [d for d in store.datasets(kind="outcomes", proposition_id=1) if live_sources.is_live(d)]
    assert len(live) == 1
    dataset = live[0]
    assert dataset.rows_read == total and dataset.rows_kept == total - 2
    assert dataset.details["live"]["connection"] == "warehouse"
    assert dataset.details["live"]["table"] == "outcomes"
    # the URL is stored nowhere: not in the dataset, not in its description
    assert str(warehouse) not in repr(dataset)

    # a refresh is a new version, with the same fingerprint while the source is unchanged
    at.run()
    refresh = next(b for b in at.button if b.key == f"vg_live_refresh_{dataset.id}")
    refresh.click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    versions = [d for d in store.datasets(kind="outcomes", proposition_id=1) if live_sources.is_live(d)]
    assert [d.version for d in versions] == [2, 1]
    assert versions[0].content_hash == dataset.content_hash

    # the Gap analysis page analyses the live dataset, read in its engine
    at = app_at("4_gap_analysis.py", p="1", d=str(versions[0].id))
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value.set_index("claim")
    assert table.loc["admin-time", "n"] == 3000

    # once the source changes (written while the app has it cached), the pinned version says so
    # instead of mixing data
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM outcomes WHERE segment = 'agency'")
    at = app_at("4_gap_analysis.py", p="1", d=str(dataset.id))
    assert any("has changed since" in text and "refresh" in text for text in shown(at.error)), [
        e.value for e in at.error
    ]


# --------------------------------------------------------------------------- metric names (issue 19)


@pytest.fixture
def renamed_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source naming proposition 1's admin_hours_saved its own way (spaced), and a metric no claim has."""
    path = tmp_path / "renamed.duckdb"
    rows = [(f"C{i}", " Admin hours saved", 2.0 + i % 4) for i in range(40)]
    rows += [(f"C{i}", "days_sooner_paid", 3.0 + i % 5) for i in range(40)]
    rows += [("C1", "Revenue", 120.0), ("C2", "Revenue", 90.0)]
    frame = pd.DataFrame(rows, columns=["customer_id", "metric", "value"])
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE outcomes AS SELECT * FROM frame")
    monkeypatch.setenv("VALUEGAP_SOURCE_WAREHOUSE", f"duckdb:///{path}")
    return path


def _previewed(table: str = "outcomes"):  # type: ignore[no-untyped-def]
    at = app_at("3_evidence.py", p="1")
    next(w for w in at.text_input if w.label == "Table").input(table)
    _button(at, "Preview").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def _choice(at, what: str, label: str):  # type: ignore[no-untyped-def]
    return next(w for w in at.selectbox if w.key and w.key.endswith(f"_{what}_{label}"))


def _checked(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _button(at, "Check the mapping on the source").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return {m.label: m.value for m in at.metric}


def test_the_sources_metric_names_are_matched_kept_and_remembered(  # type: ignore[no-untyped-def]
    renamed_warehouse: Path, open_store
) -> None:
    from valuegap.ui.panels.metric_names import USE

    at = _previewed()
    # the labels are counted in the source's engine, stripped
    assert any(
        "“Admin hours saved”** · 40 rows · Did you mean admin_hours_saved?" in t for t in shown(at.markdown)
    )
    assert any("2 metric names in the source are not ones the claims measure" in t for t in shown(at.caption))
    assert _choice(at, "action", "Admin hours saved").value == USE
    assert _choice(at, "target", "Admin hours saved").value == "admin_hours_saved"
    assert _checked(at) == {"Rows": "82", "Kept": "80", "Left out": "2"}  # only Revenue's rows
    next(w for w in at.text_input if w.label == "Dataset name").input("renamed")
    _button(at, "Add as live source").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    store = open_store()
    dataset = next(d for d in store.datasets(kind="outcomes", proposition_id=1) if d.name == "renamed")
    assert dataset.mapping["metric_renames"] == {"Admin hours saved": "admin_hours_saved"}
    assert dataset.rows_kept == 80 and {"admin_hours_saved", "days_sooner_paid"} == set(
        dataset.details["metrics"]
    )
    # a refresh reads the renames back with the mapping
    at.run()
    next(b for b in at.button if b.key == f"vg_live_refresh_{dataset.id}").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    fresh = next(d for d in store.datasets(kind="outcomes", proposition_id=1) if d.name == "renamed")
    assert fresh.version == 2 and fresh.rows_kept == 80 and fresh.content_hash == dataset.content_hash
    # mapping the same table again opens with the rename it was given
    at = _previewed()
    assert any("counted as admin_hours_saved last time" in t for t in shown(at.markdown))


def test_leaving_a_source_label_out_rejects_its_rows(renamed_warehouse: Path) -> None:
    from valuegap.ui.panels.metric_names import KEEP

    at = _previewed()
    _choice(at, "action", "Admin hours saved").select(KEEP)
    at.run()
    assert _checked(at) == {"Rows": "82", "Kept": "40", "Left out": "42"}
    reasons = at.dataframe[1].value.set_index("reason")["rows"].to_dict()
    assert reasons == {"unknown metric (no claim measures it)": 42}
