"""Identity and role on every rerun: a share link (viewer), sign-in (editor) or local single-user mode.

Checked in :func:`valuegap.ui.page_setup` before any heavy work, because Streamlit's websocket
accepts sessions without an origin check and ``st.login`` says who someone is, not what they may do
(DESIGN.md). The library re-checks the role inside every write function as well.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from valuegap.errors import ValueGapError
from valuegap.reporting.formatting import escape_markdown
from valuegap.sharing import links, tokens
from valuegap.sharing.editors import AllowList
from valuegap.sharing.tokens import ShareLinkError
from valuegap.store import Actor, Role, Store, StoredShareLink
from valuegap.ui import state_keys as keys

log = logging.getLogger("valuegap")

RETURN_COOKIE = "vg_return"
EDITORS_ENV = "VALUEGAP_EDITORS"


@dataclass(frozen=True)
class Identity:
    actor: Actor
    mode: str  # "local", "signed-in" or "shared"
    shared: StoredShareLink | None = None


def _secrets_section(name: str) -> dict[str, Any]:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets.toml at all: that is the local default, not an error
        return {}
    return dict(section) if section else {}


def configured_share_secret() -> str | None:
    """``[valuegap] share_secret`` from secrets.toml; the store falls back to the environment, then
    to the secret kept in the workspace database."""
    value = _secrets_section("valuegap").get("share_secret")
    return str(value) if value else None


def auth_configured() -> bool:
    return bool(_secrets_section("auth"))


# What a share link is worth without sign-in: said on the Share page before a link is made.
SINGLE_USER_LINKS = (
    "**No sign-in is configured, so share links are not read-only in practice.** A link opens a "
    "read-only view, but whoever has it can leave that view, or open the app's address without the "
    "link, and edit everything, like anyone who can reach this app. Links are read-only only once "
    "sign-in is configured: add an `[auth]` section (OpenID Connect) and `[valuegap] editors` to "
    "`.streamlit/secrets.toml` (see Deploy in the README); then only signed-in editors can edit."
)
# What a viewer is told in the sidebar: without sign-in, leaving the view does give edit access.
VIEWER_NOTE_SIGNED_IN = "You can filter, explore and download, but not change anything."
VIEWER_NOTE_SINGLE_USER = (
    "This view changes nothing. The app has no sign-in, so leaving the view opens it for editing."
)


def editor_allow_list() -> AllowList:
    """``[valuegap] editors`` in secrets.toml together with ``VALUEGAP_EDITORS`` (comma-separated)."""
    return AllowList.parse(_secrets_section("valuegap").get("editors") or []) | AllowList.parse(
        os.environ.get(EDITORS_ENV)
    )


LOCAL_USER = "local user"


def local_user() -> str:
    """The name a local session's changes are recorded under until someone types theirs: not the
    operating system's account, which in a container or on a server is "root" or a service name."""
    return LOCAL_USER


def identify(store: Store) -> Identity:
    """Who this session is, re-checked on every rerun; stops the page when the answer is "nobody"."""
    token = links.share_token(st.query_params.to_dict())
    first_visit = token is not None
    if first_visit:
        st.session_state[keys.SHARE_TOKEN] = token
        st.session_state.pop(keys.LEFT_SHARE, None)  # a new link is followed, even after leaving one
        st.session_state[keys.REMEMBER_SHARE] = True  # once it has been checked, keep it in this browser
        st.query_params.pop(links.SHARE, None)  # out of the address bar, history and screenshots
    token = st.session_state.get(keys.SHARE_TOKEN)
    remembered = False
    if st.session_state.get(keys.LEFT_SHARE):
        _set_cookie(tokens.forget_cookie(secure=_secure()))  # cookies are read once per session
    elif not token:
        token = _cookie(tokens.SHARE_COOKIE)  # a reload or bookmark in this browser
        remembered = bool(token)
    if token:
        identity = _shared(store, token, first_visit=first_visit, remembered=remembered)
    elif auth_configured():
        identity = _signed_in()
    else:
        name = st.session_state.get(keys.USER_NAME) or local_user()
        identity = Identity(Actor(name=name.strip()[:200] or "local user", role=Role.editor), "local")
    if st.session_state.pop(keys.NAVIGATION_HIDDEN, False):
        st.rerun()  # admitted again (a new link, or signed in): bring the page links back
    if identity.shared is not None and token and st.session_state.pop(keys.REMEMBER_SHARE, False):
        _remember_share(token, identity.shared.expires_at)
    return identity


def _remember_share(token: str, expires_at: datetime) -> None:
    try:
        cookie = tokens.remember_cookie(token.strip(), expires_at, secure=_secure())
    except ShareLinkError:  # not token text (a verified token always is): this session still works
        log.warning("a verified share token was not kept in a cookie: unexpected characters")
        return
    _set_cookie(cookie)


def _hide_navigation() -> None:
    """A gate page shows its message and nothing else: no links to pages that would only refuse.

    The router draws the navigation before the page runs, so the first gated run asks for one more.
    """
    if not st.session_state.get(keys.NAVIGATION_HIDDEN):
        st.session_state[keys.NAVIGATION_HIDDEN] = True
        st.rerun()


def leave_shared_view() -> None:
    """Stop using the share link in this browser: the app opens as it would without one."""
    st.session_state[keys.LEFT_SHARE] = True
    st.session_state.pop(keys.SHARE_TOKEN, None)
    st.rerun()


def _cookie(name: str) -> str | None:
    """A cookie the browser sent with this session's first request (text only, else none)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and value else None


def _secure() -> bool:
    return urlsplit(str(st.context.url or "")).scheme == "https"


def _refuse(title: str, message: str) -> None:
    _hide_navigation()
    st.title(title)
    st.error(escape_markdown(message))
    st.stop()


def _shared(store: Store, token: str, *, first_visit: bool, remembered: bool) -> Identity:
    try:
        link = store.resolve_share_token(token, secret=configured_share_secret())
    except ShareLinkError as exc:
        if remembered:  # revoked or expired since: forget it, so the next visit opens the app
            _set_cookie(tokens.forget_cookie(secure=_secure()))
        _refuse("This link can't be opened", exc.message)
        raise  # unreachable: st.stop() ends the run
    if first_visit:
        st.query_params[links.PROPOSITION] = str(link.proposition_id)
        if link.scenario_id is not None:
            st.query_params[links.SCENARIO] = str(link.scenario_id)
    actor = Actor(name=f"viewer of share link {link.public_id[:6]}", role=Role.viewer)
    return Identity(actor, "shared", link)


def _signed_in() -> Identity:
    user = st.user
    if not user.is_logged_in:
        _sign_in_page()
    email = str(user.get("email") or "")
    verified = user.get("email_verified")
    try:
        allowed = editor_allow_list().allows(email, verified=None if verified is None else bool(verified))
    except ValueGapError as exc:
        log.error("the editor allow-list is misconfigured: %s", exc.message)
        allowed = False
    if not allowed:
        _hide_navigation()
        st.title("You can't edit this workspace")
        st.error(
            escape_markdown(
                f"You are signed in as {email or 'an account without an e-mail address'}, which is not on "
                "this workspace's editor list. Ask an editor to add you, or to send you a share link "
                "to read a proposition."
            )
        )
        if st.button("Sign out", icon=":material/logout:"):
            st.logout()
        st.stop()
    _return_to_remembered_link()
    return Identity(Actor(name=email, role=Role.editor), "signed-in")


def _sign_in_page() -> None:
    _hide_navigation()
    st.title("Sign in to Value Gap Workbench")
    st.write(
        "Editing is for the workspace's editors. Sign in with your work account; stakeholders open the "
        "share link they were sent instead."
    )
    _remember_link()
    if st.button("Sign in", type="primary", icon=":material/login:"):
        problem = provider_problem()
        if problem is None:
            st.login()
        else:  # st.login would end on Streamlit's bare "Authentication error" page
            st.error(escape_markdown(problem))
    st.stop()


PROVIDER_TIMEOUT = 5.0  # seconds: the check runs when Sign in is clicked


def _metadata_urls(section: dict[str, Any]) -> list[str]:
    """The providers' metadata addresses: ``[auth]`` itself, or each ``[auth.<provider>]``."""
    found = [str(section["server_metadata_url"])] if section.get("server_metadata_url") else []
    for value in section.values():
        if isinstance(value, dict) and value.get("server_metadata_url"):
            found.append(str(value["server_metadata_url"]))
    return found


def provider_problem(timeout: float = PROVIDER_TIMEOUT) -> str | None:
    """Why sign-in can't work now (the identity provider's metadata can't be read), or None."""
    for url in _metadata_urls(_secrets_section("auth")):
        host = urlsplit(url).netloc or url[:80]
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # the address is the admin's
                body = json.loads(response.read(1_000_000))
            if not isinstance(body, dict) or "authorization_endpoint" not in body:
                reason = "its answer is not an OpenID Connect configuration"
            else:
                continue
        except urllib.error.HTTPError as error:
            reason = f"it answered HTTP {error.code}"
        except (OSError, ValueError) as error:
            reason = "it did not answer in time" if "timed out" in str(error) else "it could not be reached"
        log.warning("sign-in provider check failed for %s: %s", url, reason)
        return (
            f"Sign-in is not available right now: the sign-in provider ({host}) can't be used, "
            f"{reason}. Try again in a few minutes. If it keeps happening, ask whoever runs this app "
            "to check server_metadata_url in the [auth] section of secrets.toml and that this server "
            "can reach it. Stakeholders with a share link can still open it."
        )
    return None


def _here() -> links.View:
    """This page's view, validated by the deep-link parser."""
    from valuegap.ui import PAGES  # the page registry lives in the package module

    path = urlsplit(str(st.context.url or "")).path.rstrip("/")
    page = next((p for p in (links.page_path(s.file) for s in PAGES) if path.endswith("/" + p)), "")
    return links.parse_query(st.query_params.to_dict(), page)


def _remember_link() -> None:
    """Keep this deep link in a short-lived cookie: ``st.login`` always returns to the home page.

    A sandboxed same-origin iframe writes the cookie; the server reads it back after the redirect
    through ``st.context.cookies``. The value is the parsed-and-rebuilt link, percent-encoded, so it
    cannot break out of the script it is written into.
    """
    here = _here()
    if here.page:
        _set_cookie(f"{RETURN_COOKIE}={links.remember(here)}; path=/; max-age=900; SameSite=Lax")


def _set_cookie(cookie: str) -> None:
    # ``cookie`` holds only fixed text and percent-encoded characters, so it can't close the script.
    with st.sidebar:
        st.iframe(f"<script>document.cookie = {json.dumps(cookie)};</script>", height=1)


def _return_to_remembered_link() -> None:
    """After sign-in, reopen the deep link the visitor came with (once per session)."""
    if st.session_state.pop(keys.CLEAR_RETURN, False):
        _set_cookie(f"{RETURN_COOKIE}=; path=/; max-age=0; SameSite=Lax")
    if st.session_state.get(keys.RETURNED):
        return
    st.session_state[keys.RETURNED] = True
    remembered = _cookie(RETURN_COOKIE)
    if not remembered:
        return
    st.session_state[keys.CLEAR_RETURN] = True
    from valuegap.ui import PAGES  # the page registry lives in the package module

    view = links.remembered(remembered, (links.page_path(spec.file) for spec in PAGES))
    if view is None or st.query_params.to_dict():
        return  # an unknown page, or the visitor already chose a view: keep theirs
    target = next(spec for spec in PAGES if links.page_path(spec.file) == view.page)
    st.switch_page(target.path, query_params=links.to_query(view))
