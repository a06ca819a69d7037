"""Who is acting, in which role: every write to the store is checked against it, whatever the UI shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from valuegap.errors import PermissionDenied


class Role(StrEnum):
    editor = "editor"
    viewer = "viewer"


@dataclass(frozen=True)
class Actor:
    """Who is acting and in which role; every write is checked against it."""

    name: str
    role: Role = Role.editor

    @property
    def can_edit(self) -> bool:
        """True for editors: only they may write."""
        return self.role is Role.editor


def require_editor(actor: Actor, action: str) -> None:
    """Refuse ``action`` (e.g. "import datasets") unless ``actor`` is an editor."""
    if not actor.can_edit:
        raise PermissionDenied(f"{actor.name} has view-only access and cannot {action}.")
