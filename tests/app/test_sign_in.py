"""Sign-in (OIDC configured in secrets): who may edit is decided by the editor list on every rerun."""

from __future__ import annotations

import getpass
import re
from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_at, shown
from valuegap.store import Actor
from valuegap.ui import state_keys as keys

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
}


def _app(page_file: str, user: dict, editors: list[str] | None = None, **query: str) -> AppTest:
    def sign_in(at: AppTest) -> None:
        at.secrets["auth"] = AUTH
        at.secrets["valuegap"] = {"editors": editors if editors is not None else ["ana@example.com"]}
        at.user = user

    return app_at(page_file, prepare=sign_in, **query)


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_page(open_store):
    open_store()
    at = _app("4_gap_analysis.py", {"is_logged_in": False}, p="1")
    assert [t.value for t in at.title] == ["Sign in to Value Gap Workbench"]
    assert [b.label for b in at.button] == ["Sign in"]
    for kind in ("dataframe", "metric", "selectbox", "tab", "vega_lite_chart", "text_input"):
        assert at.get(kind) == [], kind


def test_a_signed_in_editor_edits_under_their_own_address(open_store):
    store = open_store()
    at = _app("1_overview.py", {"is_logged_in": True, "email": "Ana@Example.com", "email_verified": True})
    assert not at.error
    assert any("Signed in as Ana@Example.com (editor)" in c for c in shown(at.sidebar.caption))
    assert not at.sidebar.text_input  # no free-text name: the identity comes from sign-in
    new_name = next(t for t in at.text_input if t.label == "New proposition")
    new_name.input("Signed-in proposition")
    next(b for b in at.button if b.label == "Create").click()
    at.run()
    created = next(p for p in store.list_propositions() if p.proposition.name == "Signed-in proposition")
    assert created.created_by == "Ana@Example.com"
    assert store.revisions(created.id)[0].changed_by == "Ana@Example.com"


def test_a_domain_on_the_list_admits_its_people(open_store):
    open_store()
    at = _app("2_propositions.py", {"is_logged_in": True, "email": "bo@partner.org"}, ["@partner.org"], p="1")
    assert not at.error
    name = next(t for t in at.text_input if t.label == "Name")
    assert not name.disabled  # the editor fields are open to an editor


def test_someone_signed_in_but_not_on_the_list_cannot_edit_or_read(open_store):
    open_store()
    for user in (
        {"is_logged_in": True, "email": "eve@elsewhere.com"},
        {"is_logged_in": True, "email": "ana@example.com", "email_verified": False},
        {"is_logged_in": True},
    ):
        at = _app("2_propositions.py", user, p="1")
        assert [t.value for t in at.title] == ["You can't edit this workspace"]
        assert "not on this workspace's editor list" in at.error[0].value
        assert [b.label for b in at.button] == ["Sign out"]
        assert at.get("text_input") == [] and at.get("dataframe") == []


def test_an_empty_editor_list_admits_nobody(open_store):
    open_store()
    at = _app("1_overview.py", {"is_logged_in": True, "email": "ana@example.com"}, editors=[])
    assert [t.value for t in at.title] == ["You can't edit this workspace"]


def test_a_share_link_still_opens_read_only_without_signing_in(open_store):
    store = open_store()
    _, token = store.create_share_link(
        1, expires_at=datetime.now(UTC) + timedelta(days=1), actor=Actor("ana@example.com")
    )
    at = _app("4_gap_analysis.py", {"is_logged_in": False}, share=token)
    assert [t.value for t in at.title] == ["Gap analysis"]
    assert any("Read-only view" in c for c in shown(at.sidebar.caption))


def test_the_local_name_box_keeps_the_name_on_every_page():
    """Streamlit drops a widget's value when the page changes: the box was empty on every other page."""
    at = app_at("1_overview.py")
    at.text_input(key=keys.USER_NAME).input("Ana Lima").run()
    for page_file in ("3_evidence.py", "4_gap_analysis.py", "2_propositions.py", "3_evidence.py"):
        at.switch_page(f"pages/{page_file}")
        at.run()
        assert at.text_input(key=keys.USER_NAME).value == "Ana Lima", page_file


def test_an_unreachable_identity_provider_gets_a_plain_message_not_an_authentication_error(open_store):
    """Streamlit's own error page says only "Authentication error": the app checks the provider first."""
    open_store()

    def unreachable(at: AppTest) -> None:
        at.secrets["auth"] = AUTH | {
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"
        }
        at.secrets["valuegap"] = {"editors": ["ana@example.com"]}
        at.user = {"is_logged_in": False}

    at = app_at("4_gap_analysis.py", prepare=unreachable, p="1")
    at.button[0].click()
    at.run()
    assert not at.exception
    [message] = shown(at.error)
    assert "Sign-in is not available right now" in message and "127.0.0.1:9" in message
    assert "could not be reached" in message and "server_metadata_url" in message


def test_the_local_sidebar_names_neither_the_database_address_nor_the_computers_account(workspace):
    """The address of the workspace database is for the log; the OS account ("root" in a container)
    is not who is editing."""
    at = app_at("1_overview.py")
    texts = shown(at.sidebar.caption) + shown(at.sidebar.markdown) + [at.text_input(key=keys.USER_NAME).value]
    texts += [at.text_input(key=keys.USER_NAME).help or ""]
    assert any("Saved in a workspace file on the computer running this app" in text for text in texts)
    assert at.text_input(key=keys.USER_NAME).value == "local user"
    database_file = workspace.removeprefix("sqlite:///")
    account = re.compile(rf"\b{re.escape(getpass.getuser())}\b")
    for text in texts:
        assert database_file not in text and "sqlite" not in text, text
        assert not account.search(text), text
