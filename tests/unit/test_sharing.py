"""Share links: signatures, expiry and revocation, checked on the server whatever the UI shows."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import sample
from valuegap import sharing
from valuegap.errors import NotFound, PermissionDenied, ValueGapError
from valuegap.scenarios import Scenario
from valuegap.store import Actor, Role, Store

SECRET = "test-secret-that-is-long-enough"
LATER = datetime.now(UTC) + timedelta(days=7)


def test_a_signed_token_names_its_link_and_expiry_but_no_database_id():
    token = sharing.sign("abc123", LATER, SECRET)
    claims = sharing.verify(token, SECRET)
    assert claims.public_id == "abc123" and claims.expires_at == LATER.replace(microsecond=0)
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert set(body) == {"id", "exp"}


@given(position=st.integers(0, 200), replacement=st.sampled_from("AZaz09-_."))
def test_changing_any_character_is_detected(position: int, replacement: str):
    token = sharing.sign("abc123", LATER, SECRET)
    index = position % len(token)
    if token[index] == replacement:
        return
    changed = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(sharing.TamperedLink, match="not valid"):
        sharing.verify(changed, SECRET)


def test_wrong_secret_garbage_and_expiry_are_refused_with_their_own_message():
    token = sharing.sign("abc123", LATER, SECRET)
    for bad in ("", "v1.abc", "garbage", token + "x", token.replace("v1", "v2", 1)):
        with pytest.raises(sharing.TamperedLink):
            sharing.verify(bad, SECRET)
    with pytest.raises(sharing.TamperedLink):
        sharing.verify(token, "another-secret")
    with pytest.raises(sharing.ExpiredLink, match="expired on"):
        sharing.verify(token, SECRET, now=LATER + timedelta(seconds=1))
    with pytest.raises(ValueGapError, match="No share secret"):
        sharing.sign("abc", LATER, "")


def test_share_links_are_made_listed_resolved_and_revoked_by_editors_only(store: Store, editor: Actor):
    prop_id = store.create(sample(), editor).id
    scenario = store.save_scenario(prop_id, Scenario("Dearer", price=60.0), actor=editor)
    link, token = store.create_share_link(
        prop_id, expires_at=LATER, actor=editor, scenario_id=scenario.id, note="for the board"
    )
    assert link.role == "viewer" and link.status() == "active" and link.created_by == editor.name
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert body["id"] == link.public_id and len(link.public_id) >= 20  # random, not the row id
    opened = store.resolve_share_token(token, secret=None)
    assert (opened.proposition_id, opened.scenario_id) == (prop_id, scenario.id)
    viewer = Actor("board@example.com", Role.viewer)
    with pytest.raises(PermissionDenied):
        store.create_share_link(prop_id, expires_at=LATER, actor=viewer)
    with pytest.raises(PermissionDenied):
        store.revoke_share_link(link.id, actor=viewer)
    revoked = store.revoke_share_link(link.id, actor=editor)
    assert revoked.status() == "revoked" and revoked.revoked_by == editor.name
    with pytest.raises(sharing.RevokedLink, match="revoked on"):
        store.resolve_share_token(token)
    assert [item.id for item in store.share_links(prop_id)] == [link.id]


def test_expired_deleted_and_foreign_targets(store: Store, editor: Actor):
    prop_id = store.create(sample(), editor).id
    other_id = store.create(sample(name="Other"), editor).id
    foreign = store.save_scenario(other_id, Scenario("Theirs"), actor=editor)
    with pytest.raises(NotFound, match="not one of this proposition's scenarios"):
        store.create_share_link(prop_id, expires_at=LATER, actor=editor, scenario_id=foreign.id)
    with pytest.raises(ValueGapError, match="future"):
        store.create_share_link(prop_id, expires_at=datetime.now(UTC) - timedelta(minutes=1), actor=editor)
    link, token = store.create_share_link(prop_id, expires_at=LATER, actor=editor)
    with pytest.raises(sharing.ExpiredLink):
        store.resolve_share_token(token, now=LATER + timedelta(hours=1))
    assert link.status(now=LATER + timedelta(hours=1)) == "expired"
    store.delete(prop_id, editor)
    with pytest.raises(sharing.RevokedLink, match="was deleted"):
        store.resolve_share_token(token)


def test_every_replica_signs_with_the_same_workspace_secret(database_url: str, monkeypatch):
    monkeypatch.delenv("VALUEGAP_SHARE_SECRET", raising=False)
    first, second = Store.open(database_url), Store.open(database_url)
    try:
        assert first.share_secret() == second.share_secret() and len(first.share_secret()) >= 32
        monkeypatch.setenv("VALUEGAP_SHARE_SECRET", "from-the-environment")
        assert first.share_secret() == "from-the-environment"
        assert first.share_secret("from-secrets-toml") == "from-secrets-toml"
    finally:
        first.close()
        second.close()


def test_an_opened_link_is_remembered_until_it_expires_and_forgotten_on_request():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    token = sharing.sign("abc123", now + timedelta(days=7), SECRET)
    cookie = sharing.remember_cookie(token, now + timedelta(days=7), secure=False, now=now)
    assert cookie == f"vg_share={token}; path=/; max-age=604800; SameSite=Lax"
    assert sharing.remember_cookie(token, now - timedelta(seconds=5), secure=True, now=now).endswith(
        "max-age=0; SameSite=Lax; Secure"
    )
    assert sharing.forget_cookie(secure=False) == "vg_share=; path=/; max-age=0; SameSite=Lax"


@pytest.mark.parametrize(
    "token", ["", "v1.abc", 'v1.abc.def"; alert(1); "', "v1.abc.def; path=/evil", "v1.a b.c", "v1.abc.def\n"]
)
def test_only_token_characters_are_ever_written_into_a_cookie(token: str):
    with pytest.raises(sharing.TamperedLink):
        sharing.remember_cookie(token, LATER, secure=False)
