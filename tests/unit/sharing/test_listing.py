"""The sharer's list of links in words: what each shares and shows, which are behind the current
evidence, and the choices a new link is made from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from valuegap.errors import ValueGapError
from valuegap.pricing.scenarios import Scenario
from valuegap.sharing import listing
from valuegap.sharing.tokens import ViewSettings
from valuegap.store import StoredDataset, StoredScenario, StoredShareLink

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def dataset(dataset_id: int, version: int) -> StoredDataset:
    return StoredDataset(
        id=dataset_id, name="Invoicing outcomes", version=version, kind="outcomes", proposition_id=1,
        file_name="outcomes.csv", source_format="csv", content_hash="4f2fd768" * 8, rows_read=10,
        rows_kept=10, rows_rejected=0, rejections={}, mapping={}, details={},
        created_at=datetime(2026, 12, version, tzinfo=UTC), created_by="ana@example.com",
    )  # fmt: skip


def link(
    link_id: int, *, dataset_id: int | None = 7, scenario_id: int | None = None, **kw: object
) -> StoredShareLink:
    values: dict = dict(
        id=link_id, public_id=f"pub{link_id}", proposition_id=1, scenario_id=scenario_id, role="viewer",
        note="", created_at=NOW - timedelta(days=1), created_by="ana@example.com",
        expires_at=NOW + timedelta(days=6), revoked_at=None, revoked_by=None, dataset_id=dataset_id,
    )  # fmt: skip
    values.update(kw)
    return StoredShareLink(**values)


SAVED = [StoredScenario(3, 1, Scenario("Price 59", price=59.0), NOW, "ana@example.com")]
KNOWN = {7: dataset(7, 1), 8: dataset(8, 2)}


def test_a_link_names_what_it_shares_and_where_it_opens():
    assert listing.target_label(None, SAVED) == "The proposition (opens on Gap analysis)"
    assert listing.target_label(listing.WHOLE_PROPOSITION, SAVED) == "The proposition (opens on Gap analysis)"
    assert listing.target_label(3, SAVED) == "What-if 'Price 59' (opens on Pricing)"
    assert listing.target_label(4, SAVED) == "A deleted what-if (opens on Pricing)"
    assert listing.what_if_label(listing.WHOLE_PROPOSITION, SAVED) == "No what-if"
    assert listing.what_if_label(3, SAVED) == "What-if 'Price 59'"


def test_evidence_is_named_by_name_and_version_never_by_hash_or_id():
    assert listing.evidence_label(7, KNOWN) == "Invoicing outcomes v1"
    assert listing.evidence_label(None, KNOWN) == "none"
    deleted = listing.evidence_label(99, KNOWN)
    assert deleted == "a dataset that was deleted" and "99" not in deleted
    said = listing.pin_in_words(link(1, settings=ViewSettings(0.01, "fdr_bh", segment="agency")), KNOWN)
    assert said == (
        "Evidence: Invoicing outcomes v1 uploaded 2026-12-01 · α 0.01 · Benjamini–Hochberg · segment agency "
        "· all periods"
    )
    assert "4f2fd768" not in said
    assert listing.pin_in_words(link(2, dataset_id=None), KNOWN).startswith("Evidence: none was shared · ")


def test_only_active_links_on_other_evidence_are_offered_a_move():
    on_current = link(1, dataset_id=8)
    behind = link(2, dataset_id=7)
    revoked = link(3, dataset_id=7, revoked_at=NOW, revoked_by="ana@example.com")
    expired = link(4, dataset_id=7, expires_at=NOW - timedelta(seconds=1))
    items = [on_current, behind, revoked, expired]
    assert listing.links_behind(items, (8, None), NOW) == [behind]
    assert listing.links_behind(items, (None, None), NOW) == []  # nothing to move them to
    assert listing.on_current_evidence(on_current, (8, None))
    assert not listing.on_current_evidence(on_current, (8, 5))  # the customer table counts too


def test_the_table_of_links_reads_in_words_one_row_per_link_in_order():
    items = [
        link(2, note="For the board", scenario_id=3),
        link(1, dataset_id=8, revoked_at=NOW, revoked_by="bo"),
    ]
    frame = listing.links_frame(items, SAVED, KNOWN, (8, None), NOW)
    assert list(frame["Link"]) == ["#2", "#1"]
    assert list(frame["Shares"]) == [
        "What-if 'Price 59' (opens on Pricing)",
        "The proposition (opens on Gap analysis)",
    ]
    assert list(frame["Evidence"]) == ["Invoicing outcomes v1", "Invoicing outcomes v2"]
    assert list(frame["On current evidence"]) == [False, True]
    assert list(frame["Status"]) == ["active", "revoked"]
    assert list(frame["Revoked by"]) == ["", "bo"]
    assert list(frame["Expires (UTC)"]) == ["2026-12-13 09:30", "2026-12-13 09:30"]
    empty = listing.links_frame([], SAVED, KNOWN, (8, None), NOW)
    assert empty.empty and list(empty.columns) == list(frame.columns) == listing.LINK_COLUMNS


def test_a_new_links_expiry_and_pinned_settings_come_from_the_forms_choices():
    assert listing.expires_at(listing.DEFAULT_EXPIRY, NOW) == NOW + timedelta(days=7)
    assert [listing.expires_at(choice, NOW) - NOW for choice in listing.EXPIRY_DAYS] == [
        timedelta(days=days) for days in (1, 7, 30, 90)
    ]
    assert listing.pinned_settings("0.10", "holm", "all", "all") == ViewSettings(0.1, "holm")
    assert listing.pinned_settings("0.05", "fdr_bh", "agency", "2025-03") == ViewSettings(
        0.05, "fdr_bh", segment="agency", period="2025-03"
    )
    with pytest.raises(ValueGapError, match="significance level"):
        listing.pinned_settings("0.2", "holm", "all", "all")


def test_the_move_offer_counts_the_links_in_words():
    assert listing.behind_in_words(1, "Outcomes v2").startswith(
        "1 active link shows other evidence than the current (Outcomes v2)"
    )
    assert listing.behind_in_words(3, "Outcomes v2").startswith("3 active links show other evidence")
