from __future__ import annotations

import importlib
import inspect
import pkgutil
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import sample
from valuegap.errors import ConflictError, NotFound, PermissionDenied
from valuegap.market.competition import parse_offers
from valuegap.pricing.scenarios import Scenario
from valuegap.store import Actor, Role, Store

MARKET = parse_offers(
    {
        "attributes": {"speed": 70, "support": 30},
        "offers": [
            {"name": "Us", "price": 10, "ours": True, "scores": {"speed": 8, "support": 5}},
            {"name": "Them", "price": 12, "scores": {"speed": 6, "support": 7}},
        ],
    }
)


def renamed(prop, name):
    return prop.model_copy(update={"name": name})


def test_create_get_and_list(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    assert created.version == 1 and created.created_by == editor.name
    assert store.propositions.get(created.id).proposition == sample()
    assert [p.id for p in store.propositions.all()] == [created.id]
    assert created.updated_at.tzinfo is not None


def test_save_bumps_version_and_records_a_revision(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    saved = store.propositions.save(created.id, renamed(sample(), "Renamed"), seen_version=1, actor=editor)
    assert saved.version == 2 and saved.proposition.name == "Renamed"
    history = store.propositions.revisions(created.id)
    assert [r.version for r in history] == [2, 1]
    assert history[0].summary == "name: “Invoicing for freelancers” → “Renamed”"
    assert history[1].action == "create"
    assert store.propositions.revision(created.id, 1).proposition == sample()


def test_second_save_from_the_same_version_is_refused_with_their_changes(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    bo = Actor("bo@example.com")
    store.propositions.save(created.id, sample(price={"amount": 59.0, "currency": "USD", "period": "month"}),
               seen_version=1, actor=bo)  # fmt: skip
    with pytest.raises(ConflictError) as info:
        store.propositions.save(created.id, renamed(sample(), "Mine"), seen_version=1, actor=editor)
    message = info.value.message
    assert "bo@example.com" in message and "price.amount: 49 → 59" in message
    assert [c.path for c in info.value.changes] == ["price.amount"]
    # nothing was overwritten
    current = store.propositions.get(created.id)
    assert current.version == 2 and current.proposition.name == sample().name
    assert current.proposition.price.amount == 59


def test_saving_a_deleted_proposition_says_so(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    store.propositions.delete(created.id, editor)
    with pytest.raises(NotFound, match="deleted"):
        store.propositions.save(created.id, sample(), seen_version=1, actor=editor)


def test_restore_is_a_new_revision(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    store.propositions.save(created.id, renamed(sample(), "B"), seen_version=1, actor=editor)
    restored = store.propositions.restore(created.id, 1, seen_version=2, actor=editor)
    assert restored.version == 3 and restored.proposition == sample()
    assert store.propositions.revisions(created.id)[0].action == "restore"
    assert store.propositions.revisions(created.id)[0].summary == "restored version 1"
    with pytest.raises(ConflictError):
        store.propositions.restore(created.id, 2, seen_version=2, actor=editor)


def test_duplicate_archive_and_delete(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    copy = store.propositions.duplicate(created.id, editor)
    again = store.propositions.duplicate(created.id, editor)
    assert copy.proposition.name == "Invoicing for freelancers (copy)"
    assert again.proposition.name == "Invoicing for freelancers (copy 2)"
    assert copy.proposition.claims == sample().claims and copy.proposition.status.value == "draft"
    store.propositions.set_archived(copy.id, True, editor)
    assert copy.id not in [p.id for p in store.propositions.all()]
    assert store.propositions.get(copy.id).archived
    store.propositions.set_archived(copy.id, False, editor)
    assert copy.id in [p.id for p in store.propositions.all()]
    store.propositions.delete(created.id, editor)
    with pytest.raises(NotFound):
        store.propositions.get(created.id)
    assert store.propositions.revisions(created.id) == []


TOMORROW = datetime.now(UTC) + timedelta(days=1)


def _viewer_writes(store: Store, created_id: int, viewer: Actor) -> dict[str, Callable[[], object]]:
    from valuegap import sources
    from valuegap.sources import live
    from valuegap.store.datasets import NewDataset
    from valuegap.workspace.imports import import_survey, import_table
    from valuegap.workspace.metric_rename import rename_claim_metric

    raw = sources.read_table(b"customer_id,metric,value\nc1,hours_saved,3\n", "outcomes.csv")
    survey = sources.read_table(b"too_cheap,cheap,expensive,too_expensive\n10,20,30,40\n", "survey.csv")
    new = NewDataset(
        name="d", kind="outcomes", proposition_id=None, file_name="f.csv", source_format="csv",
        content_hash="0" * 64, rows_read=1, rows_kept=1, rows_rejected=0, rejections={}, mapping={},
        details={}, data=b"", summary=None,
    )  # fmt: skip
    repositories = {
        "PropositionRepository.create": lambda: store.propositions.create(sample(), viewer),
        "PropositionRepository.create_many": lambda: store.propositions.create_many(
            [sample()], viewer, action="import"
        ),
        "PropositionRepository.save": lambda: store.propositions.save(
            created_id, sample(), seen_version=1, actor=viewer
        ),
        "PropositionRepository.restore": lambda: store.propositions.restore(
            created_id, 1, seen_version=1, actor=viewer
        ),
        "PropositionRepository.duplicate": lambda: store.propositions.duplicate(created_id, viewer),
        "PropositionRepository.set_archived": lambda: store.propositions.set_archived(
            created_id, True, viewer
        ),
        "PropositionRepository.delete": lambda: store.propositions.delete(created_id, viewer),
        "PropositionRepository.seed_once": lambda: store.propositions.seed_once("demo", [sample()], viewer),
        "SettingRepository.put": lambda: store.settings.put("x", 1, viewer),
        "MarketRepository.save": lambda: store.markets.save(
            created_id, MARKET, {}, seen_version=0, actor=viewer
        ),
        "ScenarioRepository.save": lambda: store.scenarios.save(
            created_id, Scenario("What if"), actor=viewer
        ),
        "ScenarioRepository.delete": lambda: store.scenarios.delete(1, actor=viewer),
        "ShareRepository.create": lambda: store.shares.create(created_id, expires_at=TOMORROW, actor=viewer),
        "ShareRepository.revoke": lambda: store.shares.revoke(1, actor=viewer),
        "ShareRepository.move": lambda: store.shares.move(1, actor=viewer),
        "DatasetRepository.choose_current": lambda: store.datasets.choose_current(created_id, 1, viewer),
        "DatasetRepository.add": lambda: store.datasets.add(new, viewer),
        "DatasetRepository.link": lambda: store.datasets.link(1, created_id, viewer),
        "DatasetRepository.delete": lambda: store.datasets.delete(1, viewer),
    }
    # the methods Store keeps for the pages pass the call on; a viewer is refused through them too
    return {
        **repositories,
        "Store.create": lambda: store.create(sample(), viewer),
        "Store.save": lambda: store.save(created_id, sample(), seen_version=1, actor=viewer),
        "Store.restore": lambda: store.restore(created_id, 1, seen_version=1, actor=viewer),
        "Store.duplicate": lambda: store.duplicate(created_id, viewer),
        "Store.set_archived": lambda: store.set_archived(created_id, True, viewer),
        "Store.delete": lambda: store.delete(created_id, viewer),
        "Store.save_competitors": lambda: store.save_competitors(
            created_id, MARKET, {}, seen_version=0, actor=viewer
        ),
        "Store.save_scenario": lambda: store.save_scenario(created_id, Scenario("What if"), actor=viewer),
        "Store.delete_scenario": lambda: store.delete_scenario(1, actor=viewer),
        "Store.create_share_link": lambda: store.create_share_link(
            created_id, expires_at=TOMORROW, actor=viewer
        ),
        "Store.revoke_share_link": lambda: store.revoke_share_link(1, actor=viewer),
        "Store.move_share_link": lambda: store.move_share_link(1, actor=viewer),
        "Store.set_current_evidence": lambda: store.set_current_evidence(created_id, 1, viewer),
        "Store.link_dataset": lambda: store.link_dataset(1, created_id, viewer),
        "Store.delete_dataset": lambda: store.delete_dataset(1, viewer),
        "valuegap.workspace.imports.import_table": lambda: import_table(
            store, raw, sources.propose_mapping(raw), name="d", proposition_id=created_id, actor=viewer
        ),
        # the role is checked before the source is opened or the dataset looked at
        "valuegap.sources.live.add_live_dataset": lambda: live.add_live_dataset(
            store,
            SimpleNamespace(),
            name="live",
            proposition_id=created_id,
            actor=viewer,  # type: ignore[arg-type]  # never read
        ),
        "valuegap.sources.live.refresh_live_dataset": lambda: live.refresh_live_dataset(
            store,
            SimpleNamespace(),
            viewer,  # type: ignore[arg-type]  # never read
        ),
        "valuegap.workspace.metric_rename.rename_claim_metric": lambda: rename_claim_metric(
            store, created_id, "any", "other", seen_version=1, actor=viewer
        ),
        "valuegap.workspace.imports.import_survey": lambda: import_survey(
            store, survey, "van_westendorp", name="s", proposition_id=created_id, actor=viewer
        ),
    }


def _functions_taking_an_actor() -> set[str]:
    """Every public function, or public method of a library class, that acts for someone (has ``actor``)."""
    import valuegap

    found: set[str] = set()
    for info in pkgutil.walk_packages(valuegap.__path__, "valuegap."):
        if info.name.startswith(("valuegap.ui", "valuegap.store.migrations")):
            continue  # the Streamlit layer calls the library; migrations are Alembic scripts
        module = importlib.import_module(info.name)
        for name, member in inspect.getmembers(module, inspect.isfunction):
            public = member.__module__ == info.name and not name.startswith("_") and name != "require_editor"
            if public and "actor" in inspect.signature(member).parameters:
                found.add(f"{info.name}.{name}")
        for class_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name:
                continue
            for name, member in inspect.getmembers(cls, inspect.isfunction):
                if not name.startswith("_") and "actor" in inspect.signature(member).parameters:
                    found.add(f"{class_name}.{name}")
    return found


def test_every_write_refuses_a_viewer(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    viewer = Actor("stakeholder", Role.viewer)
    writes = _viewer_writes(store, created.id, viewer)
    # a new write function must be added here: the list is checked against the library itself
    assert set(writes) == _functions_taking_an_actor()
    for name, write in writes.items():
        with pytest.raises(PermissionDenied, match="view-only"):
            write()
            pytest.fail(f"{name} let a viewer write")
    assert store.propositions.get(created.id).version == 1 and len(store.propositions.all()) == 1
    assert store.datasets.all() == [] and store.scenarios.for_proposition(created.id) == []


def test_seed_once_never_reseeds(store: Store, editor: Actor):
    assert store.propositions.seed_once("demo", [sample(), renamed(sample(), "B")], editor) is True
    for item in store.propositions.all():
        store.propositions.delete(item.id, editor)
    assert store.propositions.seed_once("demo", [sample()], editor) is False
    assert store.propositions.all() == []


def test_settings_round_trip(store: Store, editor: Actor):
    assert store.settings.value("pi0", 0.9) == 0.9
    store.settings.put("pi0", 0.8, editor)
    store.settings.put("pi0", 0.85, editor)
    assert store.settings.value("pi0") == 0.85


def test_concurrent_saves_lose_nothing(database_url: str, editor: Actor):
    """Threads each read the row, then save with the version they saw: every save lands or conflicts."""
    setup = Store.open(database_url)
    proposition_id = setup.create(sample(), editor).id
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        store = Store(setup.engine)
        for i in range(15):
            try:
                seen = store.propositions.get(proposition_id)
                new = renamed(seen.proposition, f"w{n}-{i}")
                store.propositions.save(proposition_id, new, seen_version=seen.version, actor=Actor(f"w{n}"))
                result = "saved"
            except ConflictError:
                result = "conflict"
            except BaseException as exc:  # e.g. "database is locked" must never happen
                errors.append(exc)
                return
            with lock:
                outcomes[result] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes["saved"] + outcomes["conflict"] == 8 * 15
    final = setup.get(proposition_id)
    # every landed save is exactly one version step and one revision: no update was lost
    assert final.version == 1 + outcomes["saved"]
    history = setup.revisions(proposition_id)
    assert [r.version for r in history] == list(range(final.version, 0, -1))
    assert history[0].proposition == final.proposition
    setup.close()


def test_sqlite_connection_settings(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    store.close()


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    from valuegap.store.engine import default_database_url

    monkeypatch.setenv("VALUEGAP_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert default_database_url() == "sqlite:////tmp/elsewhere.db"
    monkeypatch.delenv("VALUEGAP_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url().startswith(f"sqlite:///{tmp_path}")


def test_revision_rows_cascade_with_foreign_keys(store: Store, editor: Actor):
    created = store.propositions.create(sample(), editor)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM propositions WHERE id = :id"), {"id": created.id})
        left = conn.execute(sa.text("SELECT count(*) FROM revisions")).scalar()
    assert left == 0


def test_competitors_round_trip_and_saving_checks_the_version_seen(store: Store, editor: Actor):
    prop_id = store.propositions.create(sample(), editor).id
    assert store.markets.get(prop_id).version == 0 and store.markets.get(prop_id).offers is None
    saved = store.markets.save(
        prop_id, MARKET, {"speed": "hours", "looks": "x"}, seen_version=0, actor=editor
    )
    assert saved.version == 1 and saved.links == {"speed": "hours"}  # links to unknown attributes are dropped
    loaded = store.markets.get(prop_id)
    assert loaded.offers == MARKET and loaded.links == {"speed": "hours"} and loaded.updated_by == editor.name
    other = Actor("bo@example.com")
    store.markets.save(prop_id, MARKET, {}, seen_version=1, actor=other)
    for seen in (0, 1):  # a first save racing another, and a stale edit
        with pytest.raises(ConflictError, match=r"bo@example\.com changed the competitors"):
            store.markets.save(prop_id, MARKET, {"speed": "x"}, seen_version=seen, actor=editor)
    assert store.markets.get(prop_id).version == 2 and store.markets.get(prop_id).links == {}


def test_competitors_go_with_their_proposition(store: Store, editor: Actor):
    prop_id = store.propositions.create(sample(), editor).id
    store.markets.save(prop_id, MARKET, {}, seen_version=0, actor=editor)
    store.propositions.delete(prop_id, editor)
    assert store.markets.get(prop_id).offers is None
    with pytest.raises(NotFound):
        store.markets.save(prop_id, MARKET, {}, seen_version=0, actor=editor)


def test_scenarios_are_saved_by_name_shared_by_id_and_never_overwritten_silently(store: Store, editor: Actor):
    from valuegap.errors import ValueGapError
    from valuegap.pricing.scenarios import DEFENSIBLE

    prop_id = store.propositions.create(sample(), editor).id
    what_if = Scenario(
        "Price +15%", price=57.5, access={"setup": 2.0}, claims={"c1": DEFENSIBLE}, segment="agency"
    )
    saved = store.scenarios.save(prop_id, what_if, actor=editor)
    # saved with the proposition version it was made against (here the current one, 1)
    assert (
        store.scenarios.get(saved.id).scenario == replace(what_if, version=1)
        and saved.created_by == editor.name
    )
    with pytest.raises(ValueGapError, match="already exists"):
        store.scenarios.save(prop_id, Scenario("Price +15%", price=60.0), actor=editor)
    replaced = store.scenarios.save(prop_id, Scenario("Price +15%", price=60.0), actor=editor, replace=True)
    assert replaced.id == saved.id and store.scenarios.get(saved.id).scenario.price == 60.0
    with pytest.raises(ValueGapError, match="name"):
        store.scenarios.save(prop_id, Scenario("  "), actor=editor)
    store.scenarios.save(prop_id, Scenario("Cheaper", price=40.0), actor=editor)
    assert [s.name for s in store.scenarios.for_proposition(prop_id)] == ["Price +15%", "Cheaper"]
    viewer = Actor("vi@example.com", Role.viewer)
    with pytest.raises(PermissionDenied):
        store.scenarios.save(prop_id, Scenario("Mine"), actor=viewer)
    with pytest.raises(PermissionDenied):
        store.scenarios.delete(saved.id, actor=viewer)
    store.scenarios.delete(saved.id, actor=editor)
    with pytest.raises(NotFound):
        store.scenarios.get(saved.id)
    with pytest.raises(NotFound):
        store.scenarios.delete(saved.id, actor=editor)
    store.propositions.delete(prop_id, editor)
    assert store.scenarios.for_proposition(prop_id) == []
    with pytest.raises(NotFound):
        store.scenarios.save(prop_id, Scenario("Late"), actor=editor)


def _add(store: Store, actor: Actor, prop_id: int | None, name: str, kind: str = "outcomes", **details):
    from valuegap.store.datasets import NewDataset

    digest = f"{name}-{kind}-{prop_id}".encode().hex()[:64].ljust(64, "0")
    new = NewDataset(
        name=name, kind=kind, proposition_id=prop_id, file_name=f"{name}.csv", source_format="csv",
        content_hash=digest, rows_read=1, rows_kept=1, rows_rejected=0, rejections={}, mapping={},
        details=details, data=b"rows", summary=None,
    )  # fmt: skip
    return store.datasets.add(new, actor)


def test_a_first_upload_becomes_current_evidence_and_a_later_one_only_when_chosen(
    store: Store, editor: Actor
):
    from valuegap.errors import ValueGapError

    prop_id = store.propositions.create(sample(), editor).id
    assert store.datasets.current_evidence(prop_id) == {} and store.datasets.current(prop_id) is None
    first = _add(store, editor, prop_id, "March")
    customers = _add(store, editor, prop_id, "Customers", kind="customers")
    chosen = store.datasets.current_evidence(prop_id)
    assert {kind: c.dataset.id for kind, c in chosen.items()} == {
        "outcomes": first.id,
        "customers": customers.id,
    }
    assert chosen["outcomes"].chosen_by == editor.name and chosen["outcomes"].dataset.label == first.label
    newer = _add(store, editor, prop_id, "March")  # a second upload: a newer version of the same name
    assert newer.version == 2 and store.datasets.current(prop_id).id == first.id  # not silently the newest
    bo = Actor("bo@example.com")
    assert store.datasets.choose_current(prop_id, newer.id, bo).id == newer.id
    assert store.datasets.current(prop_id).id == newer.id
    assert store.datasets.current_evidence(prop_id)["outcomes"].chosen_by == "bo@example.com"
    assert store.datasets.current(prop_id, "customers").id == customers.id  # each kind is chosen apart
    survey = _add(store, editor, prop_id, "Prices", kind="survey")
    assert set(store.datasets.current_evidence(prop_id)) == {
        "outcomes",
        "customers",
    }  # surveys are not evidence
    with pytest.raises(ValueGapError, match="only outcome data and customer tables"):
        store.datasets.choose_current(prop_id, survey.id, editor)
    with pytest.raises(NotFound):
        store.datasets.choose_current(prop_id, 999, editor)
    with pytest.raises(NotFound):
        store.datasets.choose_current(999, newer.id, editor)
    # another proposition's dataset can be chosen without moving it
    other_id = store.propositions.create(sample(name="Other"), editor).id
    store.datasets.choose_current(other_id, first.id, editor)
    assert (
        store.datasets.current(other_id).id == first.id
        and store.datasets.get(first.id).proposition_id == prop_id
    )
    # deleting the current dataset leaves no current evidence of its kind (never falls back to another)
    store.datasets.delete(newer.id, editor)
    assert (
        store.datasets.current(prop_id) is None and store.datasets.current(prop_id, "customers") is not None
    )
    again = _add(store, editor, prop_id, "April")
    assert store.datasets.current(prop_id).id == again.id  # none was current: the upload becomes it
    store.propositions.delete(prop_id, editor)
    assert store.datasets.current_evidence(prop_id) == {}


def test_linking_a_dataset_makes_it_current_only_for_a_proposition_without_evidence(
    store: Store, editor: Actor
):
    prop_id = store.propositions.create(sample(), editor).id
    loose = _add(store, editor, None, "Loose")
    assert store.datasets.current(prop_id) is None
    store.datasets.link(loose.id, prop_id, editor)
    assert store.datasets.current(prop_id).id == loose.id
    other = _add(store, editor, None, "Other")
    store.datasets.link(other.id, prop_id, editor)
    assert store.datasets.current(prop_id).id == loose.id


def test_ids_in_addresses_are_never_given_out_again(store, editor) -> None:
    """An old ?p=, ?scenario= or dataset link must never open something else (issue 20): deleting
    the newest row used to free its id for the next insert on SQLite."""
    from valuegap.pricing.scenarios import Scenario

    first = store.propositions.create(sample(name="First"), editor)
    newest = store.propositions.create(sample(name="Newest"), editor)
    scenario = store.scenarios.save(newest.id, Scenario(name="Cheaper", price=39.0), actor=editor)
    store.propositions.delete(newest.id, editor)  # takes its scenario with it
    again = store.propositions.create(sample(name="After the delete"), editor)
    assert again.id not in (first.id, newest.id) and again.id > newest.id
    other = store.scenarios.save(again.id, Scenario(name="Dearer", price=59.0), actor=editor)
    assert other.id > scenario.id
    store.scenarios.delete(other.id, actor=editor)
    last = store.scenarios.save(again.id, Scenario(name="Dearer", price=59.0), actor=editor)
    assert last.id > other.id
