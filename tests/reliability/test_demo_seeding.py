"""Seeding the demo workspace when several app processes (replicas) open one fresh database at once.

Each process must come back with the complete demo, and the database must hold exactly what one
process alone would have seeded: no duplicate datasets, markets or propositions. A process that dies
half-way through the seeding must not leave the workspace half-seeded for good.
Timings are printed with ``-s``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from valuegap.store import Store
from valuegap.store.locks import LockTimeout
from valuegap.workspace import opening
from valuegap.workspace.opening import (
    DEMO_COMPETITORS_KEY,
    DEMO_EVIDENCE_KEY,
    DEMO_SEEDED_KEY,
    DEMO_SURVEYS_KEY,
    open_workspace,
)

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
FLAGS = (DEMO_SEEDED_KEY, DEMO_EVIDENCE_KEY, DEMO_COMPETITORS_KEY, DEMO_SURVEYS_KEY)

# Everything heavy is imported before "ready", so the processes race on opening the database itself.
OPENER = textwrap.dedent(
    """
    import sys
    from valuegap.market import offer_files
    from valuegap.pricing import research
    from valuegap.sources import engine
    from valuegap.workspace import demo, imports
    from valuegap.workspace.opening import open_workspace
    print("ready", flush=True)
    sys.stdin.readline()
    store = open_workspace(sys.argv[1])
    print(len(store.datasets.all()), flush=True)
    store.close()
    """
)

# Holds the seeding lock (as a process still seeding would) until it is killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from valuegap.store.engine import make_engine
    from valuegap.store.locks import exclusive
    with exclusive(make_engine(sys.argv[1]), "demo-seeding", doing="holding", timeout=30):
        print("held", flush=True)
        time.sleep(120)
    """
)

# Dies (as on SIGKILL: no cleanup, no finally) right after storing the first demo dataset.
CRASHER = textwrap.dedent(
    """
    import os, sys
    from valuegap.workspace import imports
    real_import_table = imports.import_table
    def import_then_die(*args, **kwargs):
        real_import_table(*args, **kwargs)
        os._exit(3)
    imports.import_table = import_then_die
    from valuegap.workspace.opening import open_workspace
    open_workspace(sys.argv[1])
    """
)


def snapshot(url: str) -> dict[str, Any]:
    """What the demo put in the database, counted so that duplicates show."""
    store = Store.open(url)  # not open_workspace: looking must not seed
    try:
        props = store.propositions.all(include_archived=True)
        names = {p.id: p.proposition.name for p in props}
        datasets = Counter((d.kind, d.name, names.get(d.proposition_id)) for d in store.datasets.all())
        return {
            "propositions": sorted(names.values()),
            "revisions": sum(len(store.propositions.revisions(p.id)) for p in props),
            "datasets by kind": dict(Counter(kind for kind, _, _ in datasets.elements())),
            "datasets": sorted(datasets.items()),
            "competitor markets": sorted(
                (names[p.id], store.markets.get(p.id).version)
                for p in props
                if store.markets.get(p.id).version
            ),
            "scenarios": sum(len(store.scenarios.for_proposition(p.id)) for p in props),
            "flags": {key: store.settings.value(key) for key in FLAGS},
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def single_seed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo as one process alone seeds it (on SQLite; the demo does not depend on the backend)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('single') / 'workbench.db'}"
    began = time.perf_counter()
    open_workspace(url).close()
    print(f"\none process seeding the demo alone: {time.perf_counter() - began:.1f} s")
    seeded = snapshot(url)
    assert seeded["datasets by kind"] == {"outcomes": 3, "customers": 3, "survey": 4}, seeded
    assert len(seeded["propositions"]) == 3 and len(seeded["competitor markets"]) == 3
    return seeded


def test_the_demo_surveys_name_their_method_as_people_write_it(single_seed: dict[str, Any]):
    surveys = sorted(name for (kind, name, _), _count in single_seed["datasets"] if kind == "survey")
    assert surveys == [
        "Cinemar streaming plan Gabor-Granger survey (demo)",
        "Cinemar streaming plan Van Westendorp survey (demo)",
        "Ledgerly invoicing for small firms Gabor-Granger survey (demo)",
        "Ledgerly invoicing for small firms Van Westendorp survey (demo)",
    ]  # not "gabor-granger survey", which read like a code in the Datasets table and the pickers


def _start(script: str, url: str, *, stdin: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, url], cwd=ROOT, text=True,
        stdin=subprocess.PIPE if stdin else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _kill(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_replicas_opening_a_fresh_database_at_once_seed_the_demo_once(
    database_url: str, single_seed: dict[str, Any]
):
    processes = [_start(OPENER, database_url, stdin=True) for _ in range(PROCESSES)]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdin is not None
            assert process.stdout.readline().strip() == "ready", process.communicate()[1]
        began = time.perf_counter()
        for process in processes:  # as close to "at once" as four processes get
            process.stdin.write("go\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        results = [process.communicate(timeout=120) for process in processes]
        took = time.perf_counter() - began
    finally:
        _kill(processes)
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        # every process came back with the complete demo, not an empty or half-seeded workspace
        assert out.strip() == str(sum(single_seed["datasets by kind"].values())), (out, err)
    assert snapshot(database_url) == single_seed
    print(f"\n{database_url.split(':')[0]}: {PROCESSES} processes opened a fresh database in {took:.1f} s")


@pytest.mark.slow
def test_a_process_dying_mid_seeding_leaves_the_rest_to_the_next_start(
    database_url: str, single_seed: dict[str, Any]
):
    crasher = _start(CRASHER, database_url)
    try:
        _out, err = crasher.communicate(timeout=120)
    finally:
        _kill([crasher])
    assert crasher.returncode == 3, err
    half = snapshot(database_url)
    assert sum(half["datasets by kind"].values()) == 1 and not half["flags"][DEMO_EVIDENCE_KEY], half
    began = time.perf_counter()
    open_workspace(database_url).close()  # the next start finishes the job (and waits for no one)
    took = time.perf_counter() - began
    assert snapshot(database_url) == single_seed
    print(f"\n{database_url.split(':')[0]}: the next start finished the half-seeded demo in {took:.1f} s")


def test_a_process_waits_a_bounded_time_for_one_still_seeding_then_says_why(
    database_url: str, monkeypatch: pytest.MonkeyPatch
):
    holder = _start(HOLDER, database_url)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held", holder.communicate()[1]
        monkeypatch.setattr(opening, "SEED_WAIT_S", 0.5)
        with pytest.raises(LockTimeout, match="another process to finish setting up the demo workspace"):
            open_workspace(database_url)
        assert snapshot(database_url)["propositions"] == []  # it waited; it did not seed alongside
        holder.kill()  # a holder that dies releases the lock with it (no expiry to wait for)
        holder.wait()
        store = Store.open(database_url)
        with opening.exclusive(store.engine, "demo-seeding", doing="checking", timeout=5):
            pass
        store.close()
    finally:
        _kill([holder])
