"""Saved what-if scenarios: named per proposition, opened by anyone with the link by their id.

Scenarios are saved whole and never edited in place: saving under a taken name is refused unless the
caller asks to replace it, so a shared link never silently starts showing different numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from valuegap.errors import NotFound, PermissionDenied, ValueGapError
from valuegap.scenarios import Scenario
from valuegap.store.engine import read_transaction, write_transaction
from valuegap.store.schema import propositions, scenarios

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from valuegap.store import Actor


@dataclass(frozen=True)
class StoredScenario:
    id: int
    proposition_id: int
    scenario: Scenario
    created_at: datetime
    created_by: str

    @property
    def name(self) -> str:
        return self.scenario.name


def _stored(row: sa.Row[Any]) -> StoredScenario:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    scenario = Scenario.from_dict({**row.body, "name": row.name})
    return StoredScenario(row.id, row.proposition_id, scenario, created, row.created_by)


class ScenarioStore:
    engine: Engine

    def scenarios(self, proposition_id: int) -> list[StoredScenario]:
        """The proposition's saved scenarios, oldest first."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(scenarios)
                .where(scenarios.c.proposition_id == proposition_id)
                .order_by(scenarios.c.id)
            ).all()
        return [_stored(row) for row in rows]

    def scenario(self, scenario_id: int) -> StoredScenario:
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(scenarios).where(scenarios.c.id == scenario_id)).first()
        if row is None:
            raise NotFound(f"Scenario {scenario_id} does not exist; it may have been deleted.")
        return _stored(row)

    def save_scenario(
        self, proposition_id: int, scenario: Scenario, *, actor: Actor, replace: bool = False
    ) -> StoredScenario:
        """Save under the scenario's name; a taken name is refused unless ``replace``."""
        if not actor.can_edit:
            raise PermissionDenied(f"{actor.name} has view-only access and cannot save scenarios.")
        name = scenario.name.strip()
        if not name:
            raise ValueGapError("Give the scenario a name, e.g. 'Price +15%, toned-down savings'.")
        body = {k: v for k, v in scenario.to_dict().items() if k != "name"}
        now = datetime.now(UTC)
        with write_transaction(self.engine) as conn:
            exists = conn.execute(sa.select(propositions.c.id).where(propositions.c.id == proposition_id))
            if exists.first() is None:
                raise NotFound(f"Proposition {proposition_id} does not exist; it may have been deleted.")
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
                scenario_id = conn.execute(
                    sa.insert(scenarios).values(proposition_id=proposition_id, name=name, **values)
                ).inserted_primary_key[0]
        return self.scenario(scenario_id)

    def delete_scenario(self, scenario_id: int, *, actor: Actor) -> None:
        if not actor.can_edit:
            raise PermissionDenied(f"{actor.name} has view-only access and cannot delete scenarios.")
        with write_transaction(self.engine) as conn:
            deleted = conn.execute(sa.delete(scenarios).where(scenarios.c.id == scenario_id))
        if deleted.rowcount == 0:
            raise NotFound(f"Scenario {scenario_id} does not exist; it may have been deleted.")
