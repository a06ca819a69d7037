"""Opening the workspace: the database, migrated, with the demo propositions and their evidence on
first start."""

from __future__ import annotations

import tempfile
from pathlib import Path

from valuegap.store import Actor, Store

DEMO_SEEDED_KEY = "demo_seeded"
DEMO_EVIDENCE_KEY = "demo_evidence_seeded"
SYSTEM_ACTOR = Actor("Value Gap Workbench (demo)")


def open_workspace(url: str | None = None, *, seed_demo: bool = True) -> Store:
    """Open (creating or upgrading) the database; seed the demo workspace the first time only.

    The demo is seeded once per database, so a user who deletes the demo propositions or datasets
    does not get them back on the next start.
    """
    store = Store.open(url)
    if seed_demo and not store.setting(DEMO_SEEDED_KEY, False):
        from valuegap.demo import demo_propositions  # generating it is only needed once per database

        store.seed_once(DEMO_SEEDED_KEY, [prop for _slug, prop in demo_propositions()], SYSTEM_ACTOR)
    if seed_demo and not store.setting(DEMO_EVIDENCE_KEY, False):
        seed_demo_evidence(store)
    return store


def seed_demo_evidence(store: Store) -> None:
    """Import the demo outcomes and customer tables for the demo propositions still in the store."""
    from valuegap import ingest
    from valuegap.demo import demo_propositions, write_demo
    from valuegap.imports import import_table

    by_name = {item.proposition.name: item.id for item in store.list_propositions(include_archived=True)}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_demo(root)
        for slug, prop in demo_propositions():
            if prop.name not in by_name:
                continue
            for kind in ("outcomes", "customers"):
                path = root / kind / f"{slug}.csv"
                raw = ingest.read_table(path.read_bytes(), path.name)
                import_table(
                    store, raw, ingest.propose_mapping(raw), name=f"{prop.name} {kind} (demo)",
                    proposition_id=by_name[prop.name], actor=SYSTEM_ACTOR,
                )  # fmt: skip
    store.set_setting(DEMO_EVIDENCE_KEY, True, SYSTEM_ACTOR)
