"""The one error family users can cause, with messages fit to show as they are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input: where it is (a field path) and what to do about it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValueGapError(Exception):
    """An error the user caused and can fix; ``str(error)`` is a complete, user-readable message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ValueGapError):
    """Input that failed validation; carries every problem found, each with its field path."""

    def __init__(self, problems: list[Problem], *, source: str = "") -> None:
        if not problems:
            raise ValueError("InvalidInput needs at least one problem")
        self.problems = list(problems)
        self.source = source
        first = str(problems[0])
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{first}{more}")


class ConflictError(ValueGapError):
    """Someone else saved first; the caller gets their version and what they changed."""

    def __init__(self, message: str, *, current: object, changes: list) -> None:
        super().__init__(message)
        self.current = current
        self.changes = changes


class NotFound(ValueGapError):
    """The thing asked for does not exist (any more)."""


class PermissionDenied(ValueGapError):
    """The caller's role does not allow this action."""
