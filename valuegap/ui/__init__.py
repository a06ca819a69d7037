"""Streamlit-only glue: the page guard, identity, and the shared pieces every page uses.

Every page file starts with :func:`page_setup` (so a deep link works even when a fresh server runs
the page file without ``app.py``) and renders its body through :func:`run_page`, which turns user
errors into ``st.error`` messages and unexpected ones into a short apology, never a traceback.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import streamlit as st
from sqlalchemy.engine import make_url

from valuegap.errors import InvalidInput, NotFound, ValueGapError
from valuegap.reporting.formatting import dataset_choice_label, escape_markdown
from valuegap.sharing import links
from valuegap.store import (
    Actor,
    Store,
    StoredDataset,
    StoredProposition,
    StoredShareLink,
    default_database_url,
)
from valuegap.ui import state_keys as keys
from valuegap.ui.identity import (
    VIEWER_NOTE_SIGNED_IN,
    VIEWER_NOTE_SINGLE_USER,
    auth_configured,
    identify,
    leave_shared_view,
    local_user,
)
from valuegap.ui.state_keys import CURRENT_PROPOSITION, CURRENT_SCENARIO
from valuegap.workspace.opening import open_workspace

log = logging.getLogger("valuegap")

LabelVisibility = Literal["visible", "hidden", "collapsed"]

APP_NAME = "Value Gap Workbench"
APP_SCRIPT = "app.py"  # the router (st.navigation), relative to the folder the app runs from
ROOT = Path(__file__).resolve().parents[2]
# The browser tab's icon, served by the app itself: a ``:material/...:`` page icon made every page
# fetch an SVG from fonts.gstatic.com (no icon offline, and a request leaving the app for viewers).
APP_ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
# The sidebar's width in px (Streamlit's default is 300). The top navigation sits beside the sidebar and
# Streamlit counts the navigation's own 16 px side paddings as room for links, so at 1024 px the last
# link ("Share") ran 11 px past the window; 240 px leaves the seven links room, and the page more width.
SIDEBAR_WIDTH = 240


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
    PageSpec("7_share.py", "Share", ":material/share:"),
)


def page(file: str) -> PageSpec:
    """The registered page whose file under ``pages/`` is ``file``."""
    return next(spec for spec in PAGES if spec.file == file)


@dataclass(frozen=True)
class PageContext:
    store: Store
    actor: Actor
    local_mode: bool
    shared: StoredShareLink | None = None  # set when a viewer came through a share link

    @property
    def can_edit(self) -> bool:
        return self.actor.can_edit


@st.cache_resource(show_spinner="Opening the workspace…")
def _workspace(url: str) -> Store:
    return open_workspace(url)


def workspace_place(url: str) -> str:
    """Where the workspace is kept, in words (the database address is for the log, not the screen)."""
    try:
        parsed = make_url(url)
    except Exception:
        return "Saved in the workspace database."
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return "Not saved: this workspace lives in memory and is gone when the app stops."
        return "Saved in a workspace file on the computer running this app."
    return "Saved in the team's shared workspace database."


def _display_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is reported by the store itself
        return "(unreadable database URL)"


def _routed_by_app(title: str) -> None:
    """Make sure ``app.py``'s router serves this session, so its navigation and page addresses apply.

    ``pages/`` sits next to ``app.py``, so until some session has called ``st.navigation``, a fresh
    server runs the page a deep link names on its own, without ``app.py`` (Streamlit's older
    pages-directory mode; its automatic page list is switched off in ``.streamlit/config.toml``).
    The first such page of a session goes back through ``app.py`` once, with the same address
    parameters: ``app.py`` calls ``st.navigation``, which ends that mode for the whole server, and
    opens the page asked for. Never in a session ``app.py`` has routed already: AppTest starts each
    run in that mode again, and a detour there would swallow the widget event being tested.
    """
    if st.session_state.get(keys.ROUTED_BY_APP) or st.session_state.get(keys.ROUTE_ASKED):
        return
    spec = next((spec for spec in PAGES if spec.title == title), None)
    if spec is None:  # a page outside the registry: nothing to ask the router for
        return
    st.session_state[keys.ROUTE_ASKED] = True
    st.session_state[keys.ROUTE_PAGE] = spec.path
    st.switch_page(APP_SCRIPT, query_params=st.query_params.to_dict())


SCENARIO_PAGES = frozenset({"Share"})  # pages whose ?scenario= picks a saved scenario without reloading it


def remember_scenario(proposition_id: int, scenario_id: int | None) -> None:
    """The scenario the visitor opened or saved last (``None``: forget it), for :func:`keep_view`."""
    if scenario_id is None:
        st.session_state.pop(CURRENT_SCENARIO, None)
    else:
        st.session_state[CURRENT_SCENARIO] = (proposition_id, scenario_id)


def keep_view(title: str) -> None:
    """Carry the proposition (``?p=``) from page to page, and the scenario to the pages that use it.

    The top navigation's links name the page only: Streamlit opens the page without any query
    string, so each page used to fall back to the first proposition. The proposition a page shows
    is remembered for the session (here from the address, and by :func:`choose_proposition`) and
    written into the address of a page opened without one, so it shows the same proposition and
    its address can be copied as it is.
    """
    query = st.query_params.to_dict()
    here = links.parse_query(query).proposition
    if here is not None:
        st.session_state[CURRENT_PROPOSITION] = here
    add = links.carried(
        query,
        st.session_state.get(CURRENT_PROPOSITION),
        st.session_state.get(CURRENT_SCENARIO),
        with_scenario=title in SCENARIO_PAGES,
    )
    for key, value in add.items():
        st.query_params[key] = value


def page_setup(title: str, icon: str = ":material/insights:") -> PageContext:
    """The guard every page opens with: page config, identity, the workspace, the sidebar.

    ``icon`` names the page's icon; the navigation draws it (from PAGES) with the font Streamlit
    bundles. The browser tab shows the app's own icon, served by the app, on every page.
    """
    _routed_by_app(title)
    st.set_page_config(
        page_title=f"{title} · {APP_NAME}", page_icon=str(APP_ICON), layout="wide",
        initial_sidebar_state=SIDEBAR_WIDTH,
    )  # fmt: skip
    url = default_database_url()
    try:
        store = _workspace(url)
    except Exception:
        log.exception("could not open the workspace at %s", _display_url(url))
        st.error(
            "The workspace database could not be opened. Whoever runs this app: check "
            "`VALUEGAP_DATABASE_URL` and that the database server is reachable (the server's log names the "
            "address it tried), then reload the page."
        )
        st.stop()
    identity = identify(store)
    with st.sidebar:
        st.markdown(f"**{APP_NAME}**")
        if identity.mode == "shared" and identity.shared is not None:
            link = identity.shared
            st.caption(
                f":material/visibility: Read-only view shared by {escape_markdown(link.created_by)}, "
                f"until {link.expires_at:%Y-%m-%d %H:%M} UTC. "
                + (VIEWER_NOTE_SIGNED_IN if auth_configured() else VIEWER_NOTE_SINGLE_USER)
                + " This browser reopens the view until the link expires."
            )
            if st.button("Leave the shared view", icon=":material/logout:", key=keys.LEAVE_SHARE):
                leave_shared_view()
        elif identity.mode == "signed-in":
            st.caption(f":material/person: Signed in as {escape_markdown(identity.actor.name)} (editor).")
            if st.button("Sign out", icon=":material/logout:", key=keys.SIGN_OUT):
                st.logout()
        else:
            # set before the widget on every run: Streamlit drops a widget's value when the page
            # changes, and the box came up empty on every other page
            st.session_state[keys.USER_NAME] = st.session_state.get(keys.USER_NAME) or local_user()
            st.text_input(
                "Your name",
                key=keys.USER_NAME,
                max_chars=200,
                help="Recorded with every change you save, in the revision history. Type yours in place "
                f"of “{local_user()}”.",
            )
            st.caption(
                ":material/person: Local single-user mode: no sign-in is configured, so anyone who "
                "can open this app can edit."
            )
        if identity.mode != "shared":
            st.caption(f":material/database: {workspace_place(url)}")
    keep_view(title)
    show_flash()
    return PageContext(
        store=store, actor=identity.actor, local_mode=identity.mode == "local", shared=identity.shared
    )


def run_page(render: Callable[[PageContext], None], ctx: PageContext) -> None:
    """Render a page body; user errors become messages, anything else a short apology."""
    try:
        render(ctx)
    except InvalidInput as exc:  # each problem named in words, not by its field path
        st.error(escape_markdown(exc.in_words))
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
    st.session_state[keys.FLASH] = (escape_markdown(message), icon)


def show_flash() -> None:
    """Toast the message :func:`flash` left for this run, once."""
    pending = st.session_state.pop(keys.FLASH, None)
    if pending:
        st.toast(pending[0], icon=pending[1])


def visible_propositions(ctx: PageContext, *, include_archived: bool = True) -> list[StoredProposition]:
    """The propositions this session may see: all of them, or only the one a share link opened."""
    if ctx.shared is not None:
        return [ctx.store.get(ctx.shared.proposition_id)]
    return ctx.store.list_propositions(include_archived=include_archived)


def choose_proposition(
    ctx: PageContext, *, key: str = keys.PROPOSITION_PICKER, label_visibility: LabelVisibility = "visible"
) -> int | None:
    """A proposition picker bound to ``?p=``; ``None`` (with a hint) when there are none."""
    items = visible_propositions(ctx)
    if not items:
        st.info("There are no propositions yet. Create or import one on the Overview page.")
        st.page_link(page("1_overview.py").path, label="Go to Overview", icon=":material/dashboard:")
        return None
    ids = [item.id for item in items]
    names = {item.id: item.proposition.name + (" (archived)" if item.archived else "") for item in items}
    wanted = links.parse_query(st.query_params.to_dict()).proposition
    current = wanted if wanted in names else ids[0]
    if links.PROPOSITION in st.query_params and current != wanted:
        st.warning(
            "This view is limited to the proposition you were sent."
            if ctx.shared is not None
            else "The proposition in the link no longer exists; showing another one."
        )
    st.session_state[key] = current
    st.session_state[CURRENT_PROPOSITION] = current  # the next page opens on it too (keep_view)

    def _on_change() -> None:
        st.query_params[links.PROPOSITION] = str(st.session_state[key])
        st.session_state[CURRENT_PROPOSITION] = st.session_state[key]

    st.selectbox(
        "Proposition", ids, format_func=names.__getitem__, key=key, on_change=_on_change,
        disabled=ctx.shared is not None, label_visibility=label_visibility,
    )  # fmt: skip
    st.query_params[links.PROPOSITION] = str(current)
    return current


def visible_datasets(ctx: PageContext, proposition_id: int, kind: str | None = None) -> list[StoredDataset]:
    """Datasets to offer for ``proposition_id``: its own first, then (for editors) everyone else's."""
    linked = ctx.store.datasets(kind=kind, proposition_id=proposition_id)
    if ctx.shared is not None:
        return linked
    return linked + [d for d in ctx.store.datasets(kind=kind) if d.proposition_id != proposition_id]


def evidence_dataset(ctx: PageContext, proposition_id: int, kind: str = "outcomes") -> StoredDataset | None:
    """The dataset of ``kind`` (outcomes, customers) a page analyses by default: for a share-link viewer
    the one the link pinned, else the proposition's chosen current evidence, never simply the newest."""
    if ctx.shared is not None:
        pinned = ctx.shared.pinned_dataset(kind)
        try:
            return ctx.store.dataset(pinned) if pinned is not None else None
        except NotFound:  # deleted since the link was resolved on this rerun
            return None
    return ctx.store.current_dataset(proposition_id, kind)


def choose_dataset(
    ctx: PageContext, proposition_id: int, *, kind: str = "outcomes", label: str = "Measured with",
    others: bool = False, help: str | None = None,
) -> StoredDataset | None:  # fmt: skip
    """A dataset picker bound to ``?d=``, opening on the current evidence; with ``others``, editors may
    pick another proposition's too. A share-link viewer gets the pinned dataset, whatever ``?d=`` says."""
    current = evidence_dataset(ctx, proposition_id, kind)
    if ctx.shared is not None:
        if current is not None:
            st.selectbox(
                label,
                [dataset_choice_label(current.name, current.version, current.created_at, today=date.today())],
                disabled=True,
                key=keys.keyed(keys.PINNED_CHOICE, kind),
                help=f"Fixed by the share link you opened: {escape_markdown(current.label)}",
            )
        return current
    items = (
        visible_datasets(ctx, proposition_id, kind)
        if others
        else ctx.store.datasets(kind=kind, proposition_id=proposition_id)
    )
    if current is not None and all(d.id != current.id for d in items):
        items = [current, *items]  # another proposition's dataset chosen as this one's evidence
    if not items:
        return None
    choices = {str(d.id): d for d in items}
    if current is None and st.query_params.get(links.DATASET) not in choices:
        if any(d.proposition_id == proposition_id for d in items):  # it had some: its choice was deleted
            st.warning(
                f"No {kind} dataset is chosen as this proposition's current evidence (the chosen one was "
                "deleted). Choose one with “Use as current evidence” on the Evidence page."
            )
        return None
    # short enough for a third of a 1024 px screen: the whole name and which one is current are in the help
    names = {
        key: dataset_choice_label(
            d.name, d.version, d.created_at, today=date.today(),
            note="" if d.proposition_id == proposition_id else "other",
        )
        for key, d in choices.items()
    }  # fmt: skip
    whole = [f"{d.label}{' (current evidence)' if current is not None and d.id == current.id else ''}"
             + ("" if d.proposition_id == proposition_id else " (another proposition's)")
             for d in choices.values()]  # fmt: skip
    listed = "To choose from: " + "; ".join(whole) + "."
    options = list(choices)
    default = str(current.id) if current is not None else st.query_params[links.DATASET]
    chosen = url_choice(
        label, options, param=links.DATASET, default=default, format_func=names.__getitem__,
        help=escape_markdown(f"{help} {listed}" if help else listed),
    )  # fmt: skip
    return choices[chosen]


def url_choice(
    label: str, options: list[str], *, param: str, default: str, format_func: Callable[[str], str] = str,
    help: str | None = None, disabled: bool = False,
) -> str:  # fmt: skip
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
    key = keys.keyed(keys.URL_CHOICE, param)
    st.session_state[key] = wanted

    def _on_change() -> None:
        st.query_params[param] = st.session_state[key]

    st.selectbox(
        label, options, key=key, on_change=_on_change, format_func=format_func, help=help, disabled=disabled
    )
    if wanted == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = wanted
    return wanted
