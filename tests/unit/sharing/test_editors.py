"""The editor allow-list: whole addresses or domains, case-insensitive, nobody by default."""

from __future__ import annotations

import pytest

from valuegap.errors import ValueGapError
from valuegap.sharing.editors import AllowList

LIST = AllowList.parse(["Alice@Example.com", "@partner.org", "agency.io"])


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("alice@example.com", True),
        ("ALICE@EXAMPLE.COM ", True),
        ("bob@example.com", False),  # only Alice at example.com
        ("anyone@partner.org", True),
        ("anyone@agency.io", True),
        ("eve@sub.partner.org", False),  # a domain does not admit its subdomains
        ("eve@partner.org.evil.com", False),
        ("partner.org", False),
        ("a@b@partner.org", False),
        ("", False),
        (None, False),
    ],
)
def test_addresses_and_domains(email, allowed):
    assert LIST.allows(email) is allowed


def test_an_unverified_address_never_edits():
    assert LIST.allows("alice@example.com", verified=False) is False
    assert LIST.allows("alice@example.com", verified=True) is True


def test_an_empty_list_admits_nobody():
    assert not AllowList.parse(None)
    assert not AllowList.parse(" , ")
    assert AllowList.parse([]).allows("alice@example.com") is False


def test_environment_style_strings_and_union():
    combined = AllowList.parse("alice@example.com, @partner.org") | AllowList.parse(["bob@example.com"])
    assert combined.allows("bob@example.com") and combined.allows("x@partner.org")
    assert combined.allows("alice@example.com")


@pytest.mark.parametrize("entry", ["a@b@c.com", "alice@", "two words@x.com"])
def test_malformed_entries_are_reported(entry):
    with pytest.raises(ValueGapError, match="neither an e-mail address nor a domain"):
        AllowList.parse([entry])
