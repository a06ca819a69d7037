"""Who may edit: the editor allow-list used when sign-in (OIDC) is configured.

Sign-in says who someone is, not what they may do (DESIGN.md), so after ``st.login`` the app checks
the person's e-mail against this list on every rerun. Entries are whole addresses
(``alice@example.com``) or domains (``@example.com`` or ``example.com``); matching ignores case, and a
domain entry does not admit its subdomains. An empty list admits nobody: editing must be granted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from valuegap.errors import ValueGapError


@dataclass(frozen=True)
class AllowList:
    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str] | str | None) -> AllowList:
        """From a list of entries (or one comma-separated string, as in an environment variable)."""
        if entries is None:
            return cls()
        if isinstance(entries, str):
            entries = entries.split(",")
        emails: set[str] = set()
        domains: set[str] = set()
        for raw in entries:
            entry = str(raw).strip().lower()
            if not entry:
                continue
            if entry.count("@") > 1 or entry.endswith("@") or " " in entry:
                raise ValueGapError(
                    f"The editor list entry '{raw}' is neither an e-mail address nor a domain "
                    "(write alice@example.com or @example.com)."
                )
            if entry.startswith("@"):
                domains.add(entry[1:])
            elif "@" in entry:
                emails.add(entry)
            else:
                domains.add(entry)
        return cls(frozenset(emails), frozenset(domains))

    def __bool__(self) -> bool:
        return bool(self.emails or self.domains)

    def __or__(self, other: AllowList) -> AllowList:
        return AllowList(self.emails | other.emails, self.domains | other.domains)

    def allows(self, email: str | None, *, verified: bool | None = None) -> bool:
        """Whether ``email`` may edit. An address the identity provider marks unverified never may."""
        if verified is False or not email:
            return False
        address = email.strip().lower()
        if address.count("@") != 1:
            return False
        domain = address.split("@", 1)[1]
        return address in self.emails or domain in self.domains
