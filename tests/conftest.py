"""Shared fixtures: stores on SQLite (always) and PostgreSQL (when a server is configured)."""

from __future__ import annotations

import os
import sqlite3
import uuid
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from valuegap.model.proposition import Proposition, parse_proposition
from valuegap.store import Actor, Store
from valuegap.store.engine import make_engine
from valuegap.workspace.opening import open_workspace

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("VALUEGAP_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("VALUEGAP_REQUIRE_POSTGRES") == "1"


# The minimal proposition file printed in DESIGN.md; it must always be valid and lint-clean.
DESIGN_EXAMPLE = """
name: Delivery promise
segment: all
price: {amount: 0, currency: BRL, period: order}
claims:
  - id: on-time
    text: "95% of orders arrive by the date we promise"
    benefit: time
    form: share
    metric: days_early
    claimed: 0
    share: 0.95
    direction: higher
    tolerance: 0
"""


def sample_data(**changes: object) -> dict:
    data: dict = {
        "name": "Invoicing for freelancers",
        "segment": "freelancer",
        "offer": "Send invoices, get paid sooner",
        "price": {"amount": 49.0, "currency": "USD", "period": "month"},
        "value_of_time": 45.0,
        "horizon": 24,
        "cost_of_access": [
            {"kind": "time", "label": "Onboarding", "amount": 3.0, "unit": "hours", "frequency": "once"},
            {"kind": "setup_fee", "label": "Setup", "amount": 99.0, "unit": "money", "frequency": "once"},
        ],
        "claims": [
            {
                "id": "paid-sooner",
                "text": "Get paid 5 days sooner on average",
                "benefit": "money",
                "form": "average",
                "metric": "days_to_payment_saved",
                "claimed": 5.0,
                "unit": "days",
                "money_per_unit": 12.0,
            },
            {
                "id": "on-time",
                "text": "95% of invoices are sent on time",
                "benefit": "time",
                "form": "share",
                "metric": "days_early",
                "claimed": 0.0,
                "share": 0.95,
            },
        ],
    }
    data.update(changes)
    return data


def sample(**changes: object) -> Proposition:
    return parse_proposition(sample_data(**changes))


@pytest.fixture(autouse=True)
def _draws_of_its_own(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test module's random generator (a module-level ``RNG``) is seeded anew for each test by the
    test's id: what a test draws no longer depends on which tests ran before it in the same process,
    which xdist's scheduling changes from run to run (a test asserting a property of its sample passed
    or failed with the order)."""
    module = getattr(request, "module", None)
    if isinstance(getattr(module, "RNG", None), np.random.Generator):
        seed = zlib.crc32(request.node.nodeid.encode())
        monkeypatch.setattr(module, "RNG", np.random.default_rng(seed))


@pytest.fixture
def editor() -> Actor:
    return Actor("ana@example.com")


@pytest.fixture(scope="session")
def demo_workspace_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite workspace seeded with the demo, made once per test process (each xdist worker).

    Seeding the demo takes seconds; tests that start from the seeded workspace (not from its seeding,
    which tests/reliability/test_demo_seeding.py and the fresh-server browser tests cover) copy this."""
    path = tmp_path_factory.mktemp("demo-workspace") / "workbench.db"
    open_workspace(f"sqlite:///{path}").close()
    return path


def copy_workspace(template: Path, target: Path) -> str:
    """Copy a SQLite workspace to ``target`` (through SQLite's backup, so a WAL never splits it); its URL."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def _postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("VALUEGAP_REQUIRE_POSTGRES=1 but VALUEGAP_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server configured (set VALUEGAP_TEST_POSTGRES_URL)")
    name = f"vg_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database URL on each supported backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


def assert_same_rows(got: Sequence[Mapping[str, object]], expected: Sequence[Mapping[str, object]]) -> None:
    """Analysis rows equal field by field, numbers to a relative 1e-9 (what engines are held to):
    engines sum in their own order, so the last bits of a mean may differ while every shown digit
    agrees (a p-value of 1e-132 moves its 12th digit)."""
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert list(row) == list(want)
        for key, value in row.items():
            other = want[key]
            if isinstance(value, float) and isinstance(other, float):
                assert value == pytest.approx(other, rel=1e-9, abs=1e-300), (row.get("id"), key)
            else:
                assert value == other, (row.get("id"), key)
