"""AppTest of the Gap analysis page's rewordings on the demo's Cinemar proposition: every exaggerated
claim gets a suggestion with an Accept button or, where none can be given, the reason in words."""

from __future__ import annotations

from tests.app.conftest import app_at
from valuegap.store import Actor
from valuegap.ui.state_keys import ACCEPT_REWORDING, keyed

CINEMAR = 2


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [element.value for element in at.text]


def test_both_exaggerated_cinemar_claims_are_offered_a_rewording():
    at = app_at("4_gap_analysis.py", p=str(CINEMAR))
    texts = _texts(at)
    assert "Suggested: 74% of subscribers start a new title every week" in texts
    assert "Suggested: Save R$ 19 a month compared with cable TV" in texts
    for claim_id in ("new-every-week", "save-vs-cable"):
        assert any(b.key and b.key.startswith(keyed(ACCEPT_REWORDING, claim_id)) for b in at.button)
    assert not any(text.startswith("No rewording") for text in texts)


def test_a_claim_that_cannot_be_reworded_says_why_beside_the_others(open_store):
    store = open_store()
    stored = store.get(CINEMAR)
    claims = tuple(
        c.model_copy(update={"text": "Save R$ 30 a month on 2 screens compared with cable TV"})
        if c.id == "save-vs-cable"
        else c
        for c in stored.proposition.claims
    )
    store.save(
        CINEMAR, stored.proposition.model_copy(update={"claims": claims}),
        seen_version=stored.version, actor=Actor("Ana"),
    )  # fmt: skip
    at = app_at("4_gap_analysis.py", p=str(CINEMAR))
    texts = _texts(at)
    assert "Now: Save R$ 30 a month on 2 screens compared with cable TV" in texts
    assert (
        "No rewording: the copy's numbers (“R$ 30”, “2”) differ from the claim's promised 25 BRL/month, so "
        "it is not clear which one to change: make the copy and the claim say the same number."
    ) in texts
    assert "Suggested: 74% of subscribers start a new title every week" in texts
    assert not any(b.key and b.key.startswith(keyed(ACCEPT_REWORDING, "save-vs-cable")) for b in at.button)
