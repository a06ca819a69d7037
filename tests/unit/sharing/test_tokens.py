"""Share links: signatures, expiry and revocation, checked on the server whatever the UI shows."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import sample
from valuegap.errors import NotFound, PermissionDenied, ValueGapError
from valuegap.pricing.scenarios import Scenario
from valuegap.sharing import tokens
from valuegap.store import Actor, Role, Store

SECRET = "test-secret-that-is-long-enough"
LATER = datetime.now(UTC) + timedelta(days=7)


def test_a_signed_token_names_its_link_and_expiry_but_no_database_id():
    token = tokens.sign("abc123", LATER, SECRET)
    claims = tokens.verify(token, SECRET)
    assert claims.public_id == "abc123" and claims.expires_at == LATER.replace(microsecond=0)
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert set(body) == {"id", "exp"}


@given(position=st.integers(0, 200), replacement=st.sampled_from("AZaz09-_."))
def test_changing_any_character_is_detected(position: int, replacement: str):
    token = tokens.sign("abc123", LATER, SECRET)
    index = position % len(token)
    if token[index] == replacement:
        return
    changed = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(tokens.TamperedLink, match="not valid"):
        tokens.verify(changed, SECRET)


@given(position=st.integers(0, 200), replacement=st.characters(min_codepoint=128))
def test_a_non_ascii_character_anywhere_is_refused_as_tampered(position: int, replacement: str):
    """``?share=v1.%C3%A9.x`` raised a UnicodeEncodeError (the signature hashes ASCII), not a refusal."""
    token = tokens.sign("abc123", LATER, SECRET)
    index = position % (len(token) + 1)
    replaced = token[:index] + replacement + token[index + 1 :]
    for changed in (replaced, token[:index] + replacement + token[index:]):
        with pytest.raises(tokens.TamperedLink, match="not valid"):
            tokens.verify(changed, SECRET)
    with pytest.raises(tokens.TamperedLink, match="not valid"):
        tokens.verify("v1.\u00e9.x", SECRET)


def test_wrong_secret_garbage_and_expiry_are_refused_with_their_own_message():
    token = tokens.sign("abc123", LATER, SECRET)
    for bad in ("", "v1.abc", "garbage", token + "x", token.replace("v1", "v2", 1)):
        with pytest.raises(tokens.TamperedLink):
            tokens.verify(bad, SECRET)
    with pytest.raises(tokens.TamperedLink):
        tokens.verify(token, "another-secret")
    with pytest.raises(tokens.ExpiredLink, match="expired on"):
        tokens.verify(token, SECRET, now=LATER + timedelta(seconds=1))
    with pytest.raises(ValueGapError, match="No share secret"):
        tokens.sign("abc", LATER, "")


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
    with pytest.raises(tokens.RevokedLink, match="revoked on"):
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
    with pytest.raises(tokens.ExpiredLink):
        store.resolve_share_token(token, now=LATER + timedelta(hours=1))
    assert link.status(now=LATER + timedelta(hours=1)) == "expired"
    store.delete(prop_id, editor)
    with pytest.raises(tokens.RevokedLink, match="was deleted"):
        store.resolve_share_token(token)


def test_every_replica_signs_with_the_same_workspace_secret(database_url: str, monkeypatch):
    monkeypatch.delenv("VALUEGAP_SHARE_SECRET", raising=False)
    first, second = Store.open(database_url), Store.open(database_url)
    try:
        assert first.shares.secret() == second.shares.secret() and len(first.shares.secret()) >= 32
        monkeypatch.setenv("VALUEGAP_SHARE_SECRET", "from-the-environment")
        assert first.shares.secret() == "from-the-environment"
        assert first.shares.secret("from-secrets-toml") == "from-secrets-toml"
    finally:
        first.close()
        second.close()


def test_an_opened_link_is_remembered_until_it_expires_and_forgotten_on_request():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    token = tokens.sign("abc123", now + timedelta(days=7), SECRET)
    cookie = tokens.remember_cookie(token, now + timedelta(days=7), secure=False, now=now)
    assert cookie == f"vg_share={token}; path=/; max-age=604800; SameSite=Lax"
    assert tokens.remember_cookie(token, now - timedelta(seconds=5), secure=True, now=now).endswith(
        "max-age=0; SameSite=Lax; Secure"
    )
    assert tokens.forget_cookie(secure=False) == "vg_share=; path=/; max-age=0; SameSite=Lax"


@pytest.mark.parametrize(
    "token", ["", "v1.abc", 'v1.abc.def"; alert(1); "', "v1.abc.def; path=/evil", "v1.a b.c", "v1.abc.def\n"]
)
def test_only_token_characters_are_ever_written_into_a_cookie(token: str):
    with pytest.raises(tokens.TamperedLink):
        tokens.remember_cookie(token, LATER, secure=False)


# ----------------------------------------------------------------------------- what a link pins


def _outcomes(store: Store, actor: Actor, prop_id: int, name: str, segments=(), periods=()):
    from valuegap.store.datasets import NewDataset

    count = len(store.datasets())
    new = NewDataset(
        name=name, kind="outcomes", proposition_id=prop_id, file_name=f"{name}.csv", source_format="csv",
        content_hash=f"{count:064d}", rows_read=1, rows_kept=1, rows_rejected=0, rejections={},
        mapping={}, details={"segments": list(segments), "periods": list(periods)}, data=b"rows",
        summary=None,
    )  # fmt: skip
    return store.datasets.add(new, actor)


def test_a_link_keeps_the_evidence_and_settings_it_was_shared_with(store: Store, editor: Actor):
    prop_id = store.create(sample(), editor).id
    march = _outcomes(store, editor, prop_id, "Outcomes", segments=["agency", "solo"], periods=["2026-03"])
    pinned = tokens.ViewSettings(alpha=0.10, correction="fdr_bh", segment="agency", period="2026-03")
    link, token = store.create_share_link(prop_id, expires_at=LATER, actor=editor, settings=pinned)
    assert (link.dataset_id, link.settings, link.pinned_by) == (march.id, pinned, editor.name)
    # a second, partial upload, even made current, does not change what the link shows
    partial = _outcomes(store, editor, prop_id, "Outcomes", segments=["solo"])
    store.set_current_evidence(prop_id, partial.id, editor)
    opened = store.resolve_share_token(token)
    assert opened.dataset_id == march.id and opened.settings == pinned
    assert opened.pinned_dataset("outcomes") == march.id and opened.pinned_dataset("customers") is None
    # a link made now pins the new current evidence, with the default settings
    later, _ = store.create_share_link(prop_id, expires_at=LATER, actor=editor)
    assert later.dataset_id == partial.id and later.settings == tokens.ViewSettings()
    assert later.settings.describe() == "α 0.05 · Holm · all segments · all periods"


def test_the_sharer_moves_a_link_to_the_current_evidence_and_the_move_is_recorded(
    store: Store, editor: Actor
):
    prop_id = store.create(sample(), editor).id
    march = _outcomes(store, editor, prop_id, "Outcomes", segments=["agency"], periods=["2026-03"])
    link, token = store.create_share_link(
        prop_id,
        expires_at=LATER,
        actor=editor,
        settings=tokens.ViewSettings(segment="agency", period="2026-03"),
    )
    with pytest.raises(ValueGapError, match="already shows the current evidence"):
        store.move_share_link(link.id, actor=editor)
    april = _outcomes(store, editor, prop_id, "Outcomes", segments=["solo"], periods=["2026-03"])
    store.set_current_evidence(prop_id, april.id, editor)
    with pytest.raises(PermissionDenied, match="view-only"):
        store.move_share_link(link.id, actor=Actor("board", Role.viewer))
    bo = Actor("bo@example.com")
    move = store.move_share_link(link.id, actor=bo)
    assert (move.from_dataset_id, move.to_dataset_id) == (march.id, april.id)
    assert (move.from_label, move.to_label) == (march.label, april.label) and move.moved_by == bo.name
    assert move.note == "the new evidence has no segment 'agency': it shows all segments"
    opened = store.resolve_share_token(token)  # the same token, now on the new evidence
    assert opened.dataset_id == april.id and opened.pinned_by == bo.name
    assert opened.settings == tokens.ViewSettings(period="2026-03")  # the period exists there: kept
    assert store.share_link_moves(link.id) == [move]
    # the record outlives the datasets it names; a link whose evidence was deleted shares none
    store.delete_dataset(april.id, editor)
    assert store.share_link_moves(link.id)[0].to_label == april.label
    assert store.resolve_share_token(token).dataset_id is None
    store.revoke_share_link(link.id, actor=editor)
    with pytest.raises(ValueGapError, match="was revoked"):
        store.move_share_link(link.id, actor=editor)
    with pytest.raises(NotFound):
        store.move_share_link(9999, actor=editor)


def test_settings_a_link_cannot_show_are_refused_naming_every_problem(store: Store, editor: Actor):
    with pytest.raises(ValueGapError) as info:
        tokens.ViewSettings(alpha=0.2, correction="bonferroni", segment=" ")
    message = info.value.message
    assert "0.2" in message and "'bonferroni'" in message and "segment" in message
    prop_id = store.create(sample(), editor).id
    with pytest.raises(ValueGapError, match="no current evidence"):
        store.create_share_link(
            prop_id, expires_at=LATER, actor=editor, settings=tokens.ViewSettings(segment="x")
        )
    bare, _ = store.create_share_link(prop_id, expires_at=LATER, actor=editor)
    assert bare.dataset_id is None  # nothing to pin yet: the link says so to its viewer
    with pytest.raises(ValueGapError, match="move the link to"):
        store.move_share_link(bare.id, actor=editor)
    _outcomes(store, editor, prop_id, "Outcomes", segments=["agency"], periods=["2026-03"])
    with pytest.raises(ValueGapError) as info:
        store.create_share_link(
            prop_id,
            expires_at=LATER,
            actor=editor,
            settings=tokens.ViewSettings(segment="solo", period="1999-01"),
        )
    assert "no segment 'solo'" in info.value.message and "no period '1999-01'" in info.value.message
    assert len(store.share_links(prop_id)) == 1


def test_the_pinned_view_reads_in_plain_words_and_a_viewers_address_cannot_change_it():
    uploaded = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    line = tokens.describe_pin("Outcomes v2 (1a2b3c4d)", uploaded, tokens.ViewSettings())
    assert (
        line
        == "Evidence: Outcomes v2 (1a2b3c4d) uploaded 2026-12-01 · α 0.05 · Holm · all segments · all periods"
    )
    narrowed = tokens.ViewSettings(alpha=0.01, correction="fdr_bh", segment="agency", period="2026-03")
    assert tokens.describe_pin(None, None, narrowed) == (
        "Evidence: none was shared · α 0.01 · Benjamini–Hochberg · segment agency · period 2026-03"
    )
    query = {"p": "1", "alpha": "0.10", "segment": "solo", "d": "7", "tab": "Value gap"}
    assert tokens.ignored_params(query) == ["dataset", "α", "segment"]
