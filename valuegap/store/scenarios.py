"""Saved what-if scenarios: named per proposition, opened by anyone with the link by their id.

Scenarios are saved whole and never edited in place: saving under a taken name is refused unless the
caller asks to replace it, so a shared link never silently starts showing different numbers. Each
body records the proposition version it was saved against. Bodies from before that (and before
cost-of-access ids) are read by the version that was current when they were saved, going by the
revision history: their overrides by position become overrides of that version's items by id.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from valuegap.errors import NotFound, ValueGapError
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.scenarios import Scenario, place_positions
from valuegap.store import ids
from valuegap.store.actors import Actor, require_editor
from valuegap.store.engine import inserted_id, read_transaction, write_transaction
from valuegap.store.schema import propositions, revisions, scenarios
from valuegap.store.times import as_utc


@dataclass(frozen=True)
class StoredScenario:
    """A saved what-if scenario: its id (what links open), its proposition, who saved it when."""

    id: int
    proposition_id: int
    scenario: Scenario
    created_at: datetime
    created_by: str
    # the scenario's version was read off the revision history by its date (it was saved before
    # scenarios recorded it), not recorded with it
    version_guessed: bool = False

    @property
    def name(self) -> str:
        """The scenario's name, unique within its proposition."""
        return self.scenario.name


def _stored(conn: Connection, row: sa.Row[Any]) -> StoredScenario:
    created = as_utc(row.created_at)
    scenario = Scenario.from_dict({**row.body, "name": row.name})
    guessed = False
    if scenario.version is None:
        scenario, guessed = _dated(conn, row.proposition_id, scenario, created)
    return StoredScenario(row.id, row.proposition_id, scenario, created, row.created_by, guessed)


def _dated(
    conn: Connection, proposition_id: int, scenario: Scenario, created: datetime
) -> tuple[Scenario, bool]:
    """An old scenario (no version recorded) read against the proposition version that was current
    when it was saved: the newest revision saved at or before it. Without one (history missing, or
    clocks disagreeing) the scenario is left as it is: its version unknown, its overrides by position
    unplaced, to be reported rather than guessed."""
    rows = conn.execute(
        sa.select(revisions.c.version, revisions.c.body, revisions.c.changed_at)
        .where(revisions.c.proposition_id == proposition_id)
        .order_by(revisions.c.version.desc())
    ).all()
    for revision in rows:
        if as_utc(revision.changed_at) <= created:
            try:
                then = parse_proposition(revision.body)
            except ValueGapError:  # a revision the model no longer reads: the version is known, items not
                return dataclasses.replace(scenario, version=revision.version), True
            return place_positions(scenario, then, revision.version), True
    return scenario, False


class ScenarioRepository:
    """``store.scenarios``: saved what-if scenarios per proposition."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, proposition_id: int) -> list[StoredScenario]:
        """The same as :meth:`for_proposition`: pages written before the store had repositories call
        ``store.scenarios(proposition_id)``."""
        return self.for_proposition(proposition_id)

    def for_proposition(self, proposition_id: int) -> list[StoredScenario]:
        """The proposition's saved scenarios, oldest first."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(scenarios)
                .where(scenarios.c.proposition_id == proposition_id)
                .order_by(scenarios.c.id)
            ).all()
            return [_stored(conn, row) for row in rows]

    def get(self, scenario_id: int) -> StoredScenario:
        """One saved scenario; NotFound when it does not exist."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(scenarios).where(scenarios.c.id == scenario_id)).first()
            if row is None:
                raise NotFound(f"Scenario {scenario_id} does not exist; it may have been deleted.")
            return _stored(conn, row)

    def save(
        self, proposition_id: int, scenario: Scenario, *, actor: Actor, replace: bool = False
    ) -> StoredScenario:
        """Save under the scenario's name; a taken name is refused unless ``replace``.

        The body records the proposition version the scenario was made against: the scenario's own
        ``version`` (the one the user was shown), or the current version when it has none.
        """
        require_editor(actor, "save scenarios")
        name = scenario.name.strip()
        if not name:
            raise ValueGapError("Give the scenario a name, e.g. 'Price +15%, toned-down savings'.")
        now = datetime.now(UTC)
        with write_transaction(self.engine) as conn:
            current = conn.execute(
                sa.select(propositions.c.version).where(propositions.c.id == proposition_id)
            ).first()
            if current is None:
                raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
            if scenario.version is None:
                scenario = dataclasses.replace(scenario, version=current.version)
            body = {k: v for k, v in scenario.to_dict().items() if k != "name"}
            taken = conn.execute(
                sa.select(scenarios.c.id).where(
                    scenarios.c.proposition_id == proposition_id, scenarios.c.name == name
                )
            ).first()
            values = {"body": body, "created_at": now, "created_by": actor.name}
            if taken is not None:
                if not replace:
                    raise ValueGapError(
                        f"A scenario named '{name}' already exists; choose another name or replace it."
                    )
                conn.execute(sa.update(scenarios).where(scenarios.c.id == taken.id).values(**values))
                scenario_id = taken.id
            else:
                scenario_id = inserted_id(
                    conn.execute(
                        sa.insert(scenarios).values(
                            **ids.fresh(conn, scenarios), proposition_id=proposition_id, name=name, **values
                        )
                    )
                )
        return self.get(scenario_id)

    def delete(self, scenario_id: int, *, actor: Actor) -> None:
        """Delete a saved scenario (its id is never given out again)."""
        require_editor(actor, "delete scenarios")
        with write_transaction(self.engine) as conn:
            deleted = conn.execute(sa.delete(scenarios).where(scenarios.c.id == scenario_id))
            if deleted.rowcount:
                ids.retire(conn, scenarios, scenario_id)
        if deleted.rowcount == 0:
            raise NotFound(f"Scenario {scenario_id} does not exist; it may have been deleted.")
