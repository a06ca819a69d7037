"""The store under stress (issue 6): many sessions saving at once, and processes killed mid-write.

Figures (saves landed, conflicts, seconds) are printed with ``-s`` for the closing note.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import sample
from valuegap.errors import ConflictError
from valuegap.store import Actor, Store

SESSIONS, SAVES = 20, 50
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_twenty_sessions_saving_fifty_times_lose_nothing(database_url: str):
    """Each session has its own engine (as a separate app process would), reads the proposition
    fresh, edits it and saves against the version it saw: every save lands or gets the conflict
    message; none is lost and no "database is locked" reaches anyone."""
    setup = Store.open(database_url)
    proposition_id = setup.create(sample(), Actor("setup")).id
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(SESSIONS)

    def session(n: int) -> None:
        store = Store.open(database_url)
        actor = Actor(f"editor-{n}")
        start.wait()
        try:
            for i in range(SAVES):
                try:
                    seen = store.get(proposition_id)
                    edited = seen.proposition.model_copy(update={"offer": f"edit {n}-{i}"})
                    store.save(proposition_id, edited, seen_version=seen.version, actor=actor)
                    result = "saved"
                except ConflictError as exc:
                    assert "changed" in exc.message or "saved" in exc.message, exc.message
                    result = "conflict"
                except Exception as exc:  # "database is locked" or anything else must never happen
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    return
                with lock:
                    outcomes[result] += 1
        finally:
            store.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    assert errors == []
    assert outcomes["saved"] + outcomes["conflict"] == SESSIONS * SAVES
    final = setup.get(proposition_id)
    assert final.version == 1 + outcomes["saved"]  # every landed save is one version: none lost
    history = setup.revisions(proposition_id)
    assert [r.version for r in history] == list(range(final.version, 0, -1))
    assert history[0].proposition == final.proposition
    print(
        f"\n{database_url.split(':')[0]}: {SESSIONS} sessions × {SAVES} saves in {took:.1f} s: "
        f"{outcomes['saved']} saved, {outcomes['conflict']} conflicts, 0 errors"
    )
    setup.close()


SAVER = textwrap.dedent(
    """
    import sys
    from tests.conftest import sample
    from valuegap.errors import ConflictError
    from valuegap.store import Actor, Store
    store = Store.open(sys.argv[1])
    prop_id = int(sys.argv[2])
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        seen = store.get(prop_id)
        edited = seen.proposition.model_copy(update={"offer": f"edit {i}"})
        try:
            store.save(prop_id, edited, seen_version=seen.version, actor=Actor("saver"))
        except ConflictError:
            pass
    """
)

IMPORTER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd
    from valuegap import sources
    from valuegap.workspace.imports import import_table
    from valuegap.store import Actor, Store
    store = Store.open(sys.argv[1])
    rng = np.random.default_rng(1)
    n = 400_000
    frame = pd.DataFrame({"customer_id": rng.integers(0, 20_000, n).astype(str), "metric": "m",
                          "value": rng.normal(5, 1, n).round(3)})
    data = frame.to_csv(index=False).encode()
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        raw = sources.read_table(data, f"outcomes-{i}.csv")
        import_table(store, raw, sources.propose_mapping(raw), name=f"import {i}", proposition_id=None,
                     actor=Actor("importer"))
    """
)


def _kill_while_running(script: str, *args: str, after: float) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.stderr else ""
        time.sleep(after)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _integrity_ok(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("after", [0.7, 1.9])
def test_a_process_killed_while_saving_leaves_the_old_or_the_new_proposition(tmp_path: Path, after: float):
    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    store = Store.open(url)
    prop_id = store.create(sample(), Actor("setup")).id
    store.close()
    _kill_while_running(SAVER, url, str(prop_id), after=after)
    _integrity_ok(url)
    store = Store.open(url)  # "after restart"
    current = store.get(prop_id)
    history = store.revisions(prop_id)
    # the row and its revisions moved together: one revision per version, the newest equal to the row
    assert current.version > 1
    assert [r.version for r in history] == list(range(current.version, 0, -1))
    assert history[0].proposition == current.proposition
    assert current.proposition.offer.startswith("edit ")
    store.close()


@pytest.mark.slow
def test_a_process_killed_while_importing_leaves_whole_datasets_only(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    Store.open(url).close()
    _kill_while_running(IMPORTER, url, after=6.0)
    _integrity_ok(url)
    store = Store.open(url)
    listed = store.datasets()
    assert listed, "the importer was killed before it stored anything; give it longer"
    for dataset in listed:  # every dataset listed has its rows and its aggregates
        assert len(store.datasets.rows(dataset.id)) > 0 and store.datasets.summary(dataset.id)
    with store.engine.connect() as conn:
        files = conn.exec_driver_sql("SELECT count(*) FROM dataset_files").scalar()
    assert files == len(listed)  # no orphan blobs from the killed import
    store.close()
