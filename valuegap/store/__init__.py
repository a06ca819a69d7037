"""The store: the workspace in SQLite (default) or PostgreSQL, as small repositories behind one engine.

``Store`` opens the database and holds one repository per thing stored, each the real implementation:
``store.propositions`` (propositions and revisions), ``store.datasets`` (datasets and current
evidence), ``store.markets`` (competitor offers), ``store.scenarios`` (what-if scenarios),
``store.shares`` (share links) and ``store.settings`` (workspace settings). Every write checks the
actor's role itself, whatever the UI shows.

The methods on ``Store`` itself only pass calls on to a repository, for the pages and UI code written
before the repositories (``store.get(1)`` is ``store.propositions.get(1)``); new code calls the
repositories.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from valuegap.market.competition import Offers
from valuegap.model.proposition import Proposition
from valuegap.pricing.scenarios import Scenario
from valuegap.sharing.tokens import ViewSettings
from valuegap.store import migrate
from valuegap.store.actors import Actor, Role, require_editor
from valuegap.store.competitors import MarketRepository, StoredOffers
from valuegap.store.datasets import (
    EVIDENCE_KINDS,
    DatasetRepository,
    EvidenceChoice,
    NewDataset,
    StoredDataset,
)
from valuegap.store.engine import default_database_url, make_engine
from valuegap.store.propositions import PropositionRepository, Revision, StoredProposition, action_summary
from valuegap.store.scenarios import ScenarioRepository, StoredScenario
from valuegap.store.settings import SettingRepository
from valuegap.store.shares import ShareLinkMove, ShareRepository, StoredShareLink

__all__ = [
    "EVIDENCE_KINDS",
    "Actor",
    "DatasetRepository",
    "EvidenceChoice",
    "MarketRepository",
    "NewDataset",
    "PropositionRepository",
    "Revision",
    "Role",
    "ScenarioRepository",
    "SettingRepository",
    "ShareLinkMove",
    "ShareRepository",
    "Store",
    "StoredDataset",
    "StoredOffers",
    "StoredProposition",
    "StoredScenario",
    "StoredShareLink",
    "action_summary",
    "default_database_url",
    "require_editor",
]


class Store:
    """One workspace database: its engine and the repositories that read and write it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.propositions = PropositionRepository(engine)
        self.datasets = DatasetRepository(engine)
        self.markets = MarketRepository(engine)
        self.scenarios = ScenarioRepository(engine)
        self.shares = ShareRepository(engine)
        self.settings = SettingRepository(engine)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating or upgrading in place) the database at ``url`` or the default one."""
        engine = make_engine(url or default_database_url())
        migrate.upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        """Close the database's connections."""
        self.engine.dispose()

    # -------------------------------------------------------------- kept for the pages and UI code
    # Each passes the call on to its repository; ``store.datasets(...)`` and ``store.scenarios(...)``
    # work as before because those repositories can be called.

    def list_propositions(self, *, include_archived: bool = False) -> list[StoredProposition]:
        """:meth:`PropositionRepository.all`."""
        return self.propositions.all(include_archived=include_archived)

    def get(self, proposition_id: int) -> StoredProposition:
        """:meth:`PropositionRepository.get`."""
        return self.propositions.get(proposition_id)

    def revisions(self, proposition_id: int) -> list[Revision]:
        """:meth:`PropositionRepository.revisions`."""
        return self.propositions.revisions(proposition_id)

    def revision(self, proposition_id: int, version: int) -> Revision:
        """:meth:`PropositionRepository.revision`."""
        return self.propositions.revision(proposition_id, version)

    def create(self, prop: Proposition, actor: Actor, *, action: str = "create") -> StoredProposition:
        """:meth:`PropositionRepository.create`."""
        return self.propositions.create(prop, actor, action=action)

    def save(
        self, proposition_id: int, prop: Proposition, *, seen_version: int, actor: Actor,
        action: str = "save", summary: str | None = None,
    ) -> StoredProposition:  # fmt: skip
        """:meth:`PropositionRepository.save`."""
        return self.propositions.save(
            proposition_id, prop, seen_version=seen_version, actor=actor, action=action, summary=summary
        )

    def restore(
        self, proposition_id: int, version: int, *, seen_version: int, actor: Actor
    ) -> StoredProposition:
        """:meth:`PropositionRepository.restore`."""
        return self.propositions.restore(proposition_id, version, seen_version=seen_version, actor=actor)

    def duplicate(self, proposition_id: int, actor: Actor) -> StoredProposition:
        """:meth:`PropositionRepository.duplicate`."""
        return self.propositions.duplicate(proposition_id, actor)

    def set_archived(self, proposition_id: int, archived: bool, actor: Actor) -> None:
        """:meth:`PropositionRepository.set_archived`."""
        self.propositions.set_archived(proposition_id, archived, actor)

    def delete(self, proposition_id: int, actor: Actor) -> None:
        """:meth:`PropositionRepository.delete`."""
        self.propositions.delete(proposition_id, actor)

    def dataset(self, dataset_id: int) -> StoredDataset:
        """:meth:`DatasetRepository.get`."""
        return self.datasets.get(dataset_id)

    def dataset_by_hash(self, content_hash: str, *, kind: str | None = None) -> StoredDataset | None:
        """:meth:`DatasetRepository.by_hash`."""
        return self.datasets.by_hash(content_hash, kind=kind)

    def link_dataset(self, dataset_id: int, proposition_id: int | None, actor: Actor) -> None:
        """:meth:`DatasetRepository.link`."""
        self.datasets.link(dataset_id, proposition_id, actor)

    def current_evidence(self, proposition_id: int) -> dict[str, EvidenceChoice]:
        """:meth:`DatasetRepository.current_evidence`."""
        return self.datasets.current_evidence(proposition_id)

    def current_dataset(self, proposition_id: int, kind: str = "outcomes") -> StoredDataset | None:
        """:meth:`DatasetRepository.current`."""
        return self.datasets.current(proposition_id, kind)

    def set_current_evidence(self, proposition_id: int, dataset_id: int, actor: Actor) -> StoredDataset:
        """:meth:`DatasetRepository.choose_current`."""
        return self.datasets.choose_current(proposition_id, dataset_id, actor)

    def delete_dataset(self, dataset_id: int, actor: Actor) -> None:
        """:meth:`DatasetRepository.delete`."""
        self.datasets.delete(dataset_id, actor)

    def competitors(self, proposition_id: int) -> StoredOffers:
        """:meth:`MarketRepository.get`."""
        return self.markets.get(proposition_id)

    def save_competitors(
        self, proposition_id: int, offers: Offers, links: dict[str, str], *, seen_version: int, actor: Actor
    ) -> StoredOffers:
        """:meth:`MarketRepository.save`."""
        return self.markets.save(proposition_id, offers, links, seen_version=seen_version, actor=actor)

    def scenario(self, scenario_id: int) -> StoredScenario:
        """:meth:`ScenarioRepository.get`."""
        return self.scenarios.get(scenario_id)

    def save_scenario(
        self, proposition_id: int, scenario: Scenario, *, actor: Actor, replace: bool = False
    ) -> StoredScenario:
        """:meth:`ScenarioRepository.save`."""
        return self.scenarios.save(proposition_id, scenario, actor=actor, replace=replace)

    def delete_scenario(self, scenario_id: int, *, actor: Actor) -> None:
        """:meth:`ScenarioRepository.delete`."""
        self.scenarios.delete(scenario_id, actor=actor)

    def create_share_link(
        self, proposition_id: int, *, expires_at: datetime, actor: Actor, scenario_id: int | None = None,
        note: str = "", secret: str | None = None, settings: ViewSettings | None = None,
    ) -> tuple[StoredShareLink, str]:  # fmt: skip
        """:meth:`ShareRepository.create`."""
        return self.shares.create(
            proposition_id, expires_at=expires_at, actor=actor, scenario_id=scenario_id, note=note,
            secret=secret, settings=settings,
        )  # fmt: skip

    def share_token(self, link: StoredShareLink, *, secret: str | None = None) -> str:
        """:meth:`ShareRepository.token`."""
        return self.shares.token(link, secret=secret)

    def share_links(self, proposition_id: int) -> list[StoredShareLink]:
        """:meth:`ShareRepository.for_proposition`."""
        return self.shares.for_proposition(proposition_id)

    def revoke_share_link(self, link_id: int, *, actor: Actor) -> StoredShareLink:
        """:meth:`ShareRepository.revoke`."""
        return self.shares.revoke(link_id, actor=actor)

    def move_share_link(self, link_id: int, *, actor: Actor) -> ShareLinkMove:
        """:meth:`ShareRepository.move`."""
        return self.shares.move(link_id, actor=actor)

    def share_link_moves(self, link_id: int) -> list[ShareLinkMove]:
        """:meth:`ShareRepository.moves`."""
        return self.shares.moves(link_id)

    def resolve_share_token(
        self, token: str, *, secret: str | None = None, now: datetime | None = None
    ) -> StoredShareLink:
        """:meth:`ShareRepository.resolve`."""
        return self.shares.resolve(token, secret=secret, now=now)
