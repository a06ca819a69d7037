"""Opening the workspace: the database, migrated, with the demo propositions and their evidence on
first start."""

from __future__ import annotations

import tempfile
from pathlib import Path

from valuegap.store import Actor, Store
from valuegap.store.locks import exclusive

DEMO_SEEDED_KEY = "demo_seeded"
DEMO_EVIDENCE_KEY = "demo_evidence_seeded"
DEMO_COMPETITORS_KEY = "demo_competitors_seeded"
DEMO_SURVEYS_KEY = "demo_surveys_seeded"
DEMO_KEYS = (DEMO_SEEDED_KEY, DEMO_EVIDENCE_KEY, DEMO_COMPETITORS_KEY, DEMO_SURVEYS_KEY)
SYSTEM_ACTOR = Actor("Value Gap Workbench (demo)")
SEED_WAIT_S = 300.0  # how long a process waits for another one seeding (~10 s normally)


def open_workspace(url: str | None = None, *, seed_demo: bool = True) -> Store:
    """Open (creating or upgrading) the database; seed the demo workspace the first time only.

    The demo is seeded once per database, so a user who deletes the demo propositions or datasets
    does not get them back on the next start. Each part has its own flag, so a workspace made
    before a part existed (competitors came later) gets just that part.

    Several processes (app replicas) may open a fresh database at once: one seeds, holding a lock
    shared through the database (see :mod:`valuegap.store.locks`), while the others wait for it and
    then find every flag set. Once seeded, opening takes no lock at all. A process that dies
    mid-seeding releases the lock with it; the next one to open the workspace seeds what is missing,
    skipping each demo dataset or market already stored, so nothing is left half-seeded or doubled.
    """
    store = Store.open(url)
    if seed_demo and not all(store.settings.value(key, False) for key in DEMO_KEYS):
        try:
            with exclusive(
                store.engine, "demo-seeding", doing="setting up the demo workspace", timeout=SEED_WAIT_S
            ):
                _seed_demo(store)  # re-reads every flag: another process may have seeded meanwhile
        except BaseException:
            store.close()
            raise
    return store


def _seed_demo(store: Store) -> None:
    if not store.settings.value(DEMO_SEEDED_KEY, False):
        from valuegap.workspace.demo import (
            demo_propositions,  # generating it is only needed once per database
        )

        store.propositions.seed_once(
            DEMO_SEEDED_KEY, [prop for _slug, prop in demo_propositions()], SYSTEM_ACTOR
        )
    parts = [
        (key, seed)
        for key, seed in (
            (DEMO_EVIDENCE_KEY, _seed_evidence),
            (DEMO_COMPETITORS_KEY, _seed_competitors),
            (DEMO_SURVEYS_KEY, _seed_surveys),
        )
        if not store.settings.value(key, False)
    ]
    if parts:
        from valuegap.workspace.demo import demo_propositions, write_demo

        by_name = {item.proposition.name: item.id for item in store.propositions.all(include_archived=True)}
        demo = [(slug, by_name[prop.name]) for slug, prop in demo_propositions() if prop.name in by_name]
        with tempfile.TemporaryDirectory() as folder:
            write_demo(Path(folder))
            for key, seed in parts:
                seed(store, Path(folder), demo)
                store.settings.put(key, True, SYSTEM_ACTOR)


def _stored_names(store: Store, prop_id: int, kind: str) -> set[str]:
    """Names of the datasets of ``kind`` already stored for a proposition (by an interrupted seeding)."""
    return {dataset.name for dataset in store.datasets.all(kind=kind, proposition_id=prop_id)}


def _seed_evidence(store: Store, root: Path, demo: list[tuple[str, int]]) -> None:
    """Import the demo outcomes and customer tables for the demo propositions still in the store."""
    from valuegap import sources
    from valuegap.workspace.imports import import_table

    for slug, prop_id in demo:
        name = store.propositions.get(prop_id).proposition.name
        for kind in ("outcomes", "customers"):
            if f"{name} {kind} (demo)" in _stored_names(store, prop_id, kind):
                continue  # stored before an interrupted seeding stopped
            path = root / kind / f"{slug}.csv"
            raw = sources.read_table(path.read_bytes(), path.name, max_bytes=None)
            import_table(
                store, raw, sources.propose_mapping(raw), name=f"{name} {kind} (demo)",
                proposition_id=prop_id, actor=SYSTEM_ACTOR,
            )  # fmt: skip


def _seed_competitors(store: Store, root: Path, demo: list[tuple[str, int]]) -> None:
    """Save each demo proposition's market, with its attributes linked to the metrics measuring them."""
    from valuegap.market import offer_files
    from valuegap.workspace.demo import DEMO_LINKS

    for slug, prop_id in demo:
        if store.markets.get(prop_id).version == 0:
            offers = offer_files.read(root / "competitors" / f"{slug}.yaml")
            store.markets.save(prop_id, offers, DEMO_LINKS.get(slug, {}), seen_version=0, actor=SYSTEM_ACTOR)


def _seed_surveys(store: Store, root: Path, demo: list[tuple[str, int]]) -> None:
    """Store the demo's price-research surveys with the propositions they were asked about."""
    from valuegap import sources
    from valuegap.workspace.imports import SURVEY_METHODS, import_survey

    for slug, prop_id in demo:
        name = store.propositions.get(prop_id).proposition.name
        stored = _stored_names(store, prop_id, "survey")
        for method, label in SURVEY_METHODS.items():
            path = root / "surveys" / f"{slug}_{method}.csv"
            if path.exists() and f"{name} {label} (demo)" not in stored:
                raw = sources.read_table(path.read_bytes(), path.name, max_bytes=None)
                import_survey(
                    store, raw, method, name=f"{name} {label} (demo)", proposition_id=prop_id,
                    actor=SYSTEM_ACTOR,
                )  # fmt: skip
