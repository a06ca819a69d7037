"""Streamlit-only glue: the page guard, identity, and the shared pieces every page uses.

Every page file starts with :func:`page_setup` (so a deep link works even when a fresh server runs
the page file without ``app.py``) and renders its body through :func:`run_page`, which turns user
errors into ``st.error`` messages and unexpected ones into a short apology, never a traceback.
"""

from __future__ import annotations

import getpass
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import make_url

from valuegap.errors import ValueGapError
from valuegap.formatting import escape_markdown
from valuegap.store import Actor, Role, Store, default_database_url
from valuegap.workspace import open_workspace

log = logging.getLogger("valuegap")

APP_NAME = "Value Gap Workbench"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its file under ``pages/``, title and icon."""

    file: str
    title: str
    icon: str

    @property
    def path(self) -> str:
        return f"pages/{self.file}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("1_overview.py", "Overview", ":material/dashboard:"),
    PageSpec("2_propositions.py", "Propositions", ":material/edit_note:"),
    PageSpec("3_evidence.py", "Evidence", ":material/upload_file:"),
    PageSpec("4_gap_analysis.py", "Gap analysis", ":material/query_stats:"),
    PageSpec("5_competitors.py", "Competitors", ":material/leaderboard:"),
    PageSpec("6_pricing.py", "Pricing", ":material/sell:"),
)


def page(file: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.file == file)


@dataclass(frozen=True)
class PageContext:
    store: Store
    actor: Actor
    local_mode: bool


@st.cache_resource(show_spinner="Opening the workspace…")
def _workspace(url: str) -> Store:
    return open_workspace(url)


def _display_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is reported by the store itself
        return "(unreadable database URL)"


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "local user"


def _identity() -> tuple[Actor, bool]:
    """Who is using the app. Without OIDC configured the app runs in local single-user mode."""
    name = st.session_state.get("vg_user_name") or _local_user()
    return Actor(name=name.strip()[:200] or "local user", role=Role.editor), True


def _leave_pages_directory_mode() -> None:
    """Make ``app.py``'s router handle the request even on a fresh server's first deep link.

    Until some session has called ``st.navigation``, Streamlit runs the file from ``pages/`` that the
    URL names directly, without ``app.py`` (its older pages-directory mode): no top navigation, and
    links built for the router break. Switching that process-wide mode off and rerunning once sends
    this and every later request through ``app.py``. At most once per session: AppTest turns the
    mode back on before every run, and a rerun there would swallow the widget event being tested.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get("vg_left_pages_mode"):
        PagesManager.uses_pages_directory = False
        st.session_state["vg_left_pages_mode"] = True
        st.rerun()


def page_setup(title: str, icon: str = ":material/insights:") -> PageContext:
    """The guard every page opens with: page config, identity, the workspace, the sidebar."""
    _leave_pages_directory_mode()
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    url = default_database_url()
    try:
        store = _workspace(url)
    except Exception:
        log.exception("could not open the workspace at %s", _display_url(url))
        st.error(
            f"The workspace database could not be opened ({escape_markdown(_display_url(url))}). Check "
            "`VALUEGAP_DATABASE_URL` and that the database server is reachable, then reload the page."
        )
        st.stop()
    if not st.session_state.get("vg_user_name"):
        st.session_state["vg_user_name"] = _local_user()
    with st.sidebar:
        st.markdown(f"**{APP_NAME}**")
        st.text_input(
            "Your name",
            key="vg_user_name",
            help="Recorded with every change you save, in the revision history.",
        )
    actor, local_mode = _identity()
    with st.sidebar:
        if local_mode:
            st.caption(
                ":material/person: Local single-user mode: no sign-in is configured, so anyone who "
                "can open this app can edit."
            )
        st.caption(f":material/database: {escape_markdown(_display_url(url))}")
    show_flash()
    return PageContext(store=store, actor=actor, local_mode=local_mode)


def run_page(render: Callable[[PageContext], None], ctx: PageContext) -> None:
    """Render a page body; user errors become messages, anything else a short apology."""
    try:
        render(ctx)
    except ValueGapError as exc:
        st.error(escape_markdown(exc.message))
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("unexpected error on a page (reference %s)", reference)
        st.error(
            "Sorry, something went wrong on this page. Nothing you saved was lost. Reload the page "
            f"to try again; if it keeps happening, report reference `{reference}`."
        )
        if os.environ.get("VALUEGAP_DEBUG"):
            raise


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """Show plain-text ``message`` as a toast after the next rerun (e.g. after a save and ``st.rerun``)."""
    st.session_state["vg_flash"] = (escape_markdown(message), icon)


def show_flash() -> None:
    pending = st.session_state.pop("vg_flash", None)
    if pending:
        st.toast(pending[0], icon=pending[1])


def choose_proposition(store: Store, *, key: str = "vg_prop_select") -> int | None:
    """A proposition picker bound to ``?p=``; ``None`` (with a hint) when there are none."""
    items = store.list_propositions(include_archived=True)
    if not items:
        st.info("There are no propositions yet. Create or import one on the Overview page.")
        st.page_link(page("1_overview.py").path, label="Go to Overview", icon=":material/dashboard:")
        return None
    ids = [item.id for item in items]
    names = {item.id: item.proposition.name + (" (archived)" if item.archived else "") for item in items}
    wanted = st.query_params.get("p")
    current = int(wanted) if wanted and wanted.isdigit() and int(wanted) in names else ids[0]
    if wanted and current != (int(wanted) if wanted.isdigit() else None):
        st.warning("The proposition in the link no longer exists; showing another one.")
    st.session_state[key] = current

    def _on_change() -> None:
        st.query_params["p"] = str(st.session_state[key])

    st.selectbox("Proposition", ids, format_func=names.__getitem__, key=key, on_change=_on_change)
    st.query_params["p"] = str(current)
    return current


def url_choice(label: str, options: list[str], *, param: str, default: str, **kwargs: object) -> str:
    """A selectbox whose value lives in the URL (``?param=``), so a copied link reopens it.

    A value in the link that is no longer an option falls back to ``default`` with a note.
    """
    wanted = st.query_params.get(param, default)
    if wanted not in options:
        if param in st.query_params:
            st.caption(
                f"The link asked for {label.lower()} '{escape_markdown(wanted)}', which is not available."
            )
        wanted = default if default in options else options[0]
    key = f"vg_url_{param}"
    st.session_state[key] = wanted

    def _on_change() -> None:
        st.query_params[param] = st.session_state[key]

    st.selectbox(label, options, key=key, on_change=_on_change, **kwargs)  # type: ignore[arg-type]
    if wanted == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = wanted
    return wanted
