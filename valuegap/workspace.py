"""Opening the workspace: the database, migrated, with the demo propositions on first start."""

from __future__ import annotations

from valuegap.store import Actor, Store

DEMO_SEEDED_KEY = "demo_seeded"
SYSTEM_ACTOR = Actor("Value Gap Workbench (demo)")


def open_workspace(url: str | None = None, *, seed_demo: bool = True) -> Store:
    """Open (creating or upgrading) the database; seed the demo workspace the first time only.

    The demo is seeded once per database, so a user who deletes the demo propositions does not get
    them back on the next start.
    """
    store = Store.open(url)
    if seed_demo and not store.setting(DEMO_SEEDED_KEY, False):
        from valuegap.demo import demo_propositions  # generating it is only needed once per database

        store.seed_once(DEMO_SEEDED_KEY, [prop for _slug, prop in demo_propositions()], SYSTEM_ACTOR)
    return store
