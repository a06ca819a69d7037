"""AppTest fixtures: each test gets its own SQLite workspace (seeded with the demo) and clean caches."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import copy_workspace
from valuegap.store import Store
from valuegap.workspace.opening import open_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_workspace_template: Path
) -> Iterator[str]:
    """A copy of the demo workspace, as the app's first start seeds it (seeding it anew per test is slow)."""
    url = copy_workspace(demo_workspace_template, tmp_path / "workbench.db")
    monkeypatch.setenv("VALUEGAP_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


@pytest.fixture
def open_store(workspace: str) -> Iterator[Callable[[], Store]]:
    opened: list[Store] = []

    def _open() -> Store:
        opened.append(open_workspace(workspace))  # seeded with the demo, as the app opens it
        return opened[-1]

    yield _open
    for store in opened:
        store.close()


def shown(elements) -> list[str]:
    """Texts of markdown-bodied elements as the user reads them (our escaping backslashes and the
    invisible word joiners escape_markdown adds removed)."""
    return [re.sub(r"\\(.)", r"\1", element.value).replace("\u2060", "") for element in elements]


def app_at(page_file: str, *, prepare: Callable[[AppTest], None] | None = None, **query: str) -> AppTest:
    """The app opened on ``pages/<page_file>`` with the given query parameters, after one run.

    ``prepare`` sets up the test app before its first run (secrets, a signed-in user)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if prepare is not None:
        prepare(at)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page_file}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
