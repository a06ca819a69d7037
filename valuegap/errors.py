"""The one error family users can cause, with messages fit to show as they are."""

from __future__ import annotations

import math
import re
import reprlib
from dataclasses import dataclass

QUOTE_LIMIT = 60  # characters of user input a message echoes
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` on one line (control characters as spaces) and cut to ``limit`` characters, "…" marking
    the cut: for names from user input (a key, a column) that a message or a field path shows as they
    are. Looks at no more than ``limit`` characters, however long ``text`` is."""
    head = _CONTROL.sub(" ", text[: limit + 1])
    return head if len(head) <= limit else head[: max(limit - 1, 0)] + "…"


class _BoundedRepr(reprlib.Repr):
    """``repr`` that looks at a few items and levels only, so a value that expands to gigabytes
    (a YAML billion-laughs document) costs microseconds, and never fails on a huge integer."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.fillvalue = "…"
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxarray = self.maxdeque = 6
        self.maxdict = self.maxset = self.maxfrozenset = 4
        self.maxstring = self.maxother = self.maxlong = limit

    def repr_str(self, x: str, level: int) -> str:
        return repr(x) if len(x) <= self.maxstring - 2 else repr(x[: max(self.maxstring - 5, 1)]) + "…"

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() <= 3 * self.maxlong:  # at most ~0.9 x limit digits: printing it is cheap
            return super().repr_int(x, level)
        digits = math.floor(x.bit_length() * math.log10(2)) + 1  # exact or one too many
        return f"a {'negative ' if x < 0 else ''}whole number of about {digits:,} digits"

    def repr_instance(self, x: object, level: int) -> str:
        try:
            text = repr(x)
        except Exception:  # a value whose repr fails is still named by its type
            return f"<{type(x).__name__}>"
        return shorten(text, self.maxother)


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as a message echoes user input: its ``repr``, cut to at most ``limit`` characters.

    Every message that quotes what a user gave goes through here ("must be a number (got 'abc')"), so
    no input can make a message long: a megabyte of text, a list of a billion items or a 5,000-digit
    number each come out as a short, readable excerpt, at a cost that does not grow with the value.
    """
    text = _BoundedRepr(limit).repr(value)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input: where it is and what to do about it.

    ``path`` is the field path as a file spells it (``claims[2 (on-time)].share``), which is what
    ``str`` shows: the words a file's author wrote. ``where``, when given, names the same place in the
    words of someone using the app ("Claim 2 (on-time), share of customers"); :attr:`in_words` shows it.
    """

    path: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    @property
    def in_words(self) -> str:
        """The problem as the app shows it: the place in words when known, else its path."""
        place = self.where or self.path
        return f"{place}: {self.message}" if place else self.message


PROBLEMS_LISTED = 100  # a message lists every problem up to this many, then counts the rest


def list_problems(problems: list[Problem], *, in_words: bool = False) -> str:
    """Every problem on one line, numbered when there are several: a message never says "and 2 more".

    ``in_words`` names each place as the app does (:attr:`Problem.in_words`) instead of by its path.
    Past :data:`PROBLEMS_LISTED` the rest are counted, not listed: a 1 MB file of 10,000 unknown
    fields made a 500 KB message that went to the browser whole.
    """
    shown = [problem.in_words if in_words else str(problem) for problem in problems[:PROBLEMS_LISTED]]
    if len(problems) == 1:
        return shown[0]
    text = f"{len(problems):,} problems: " + "; ".join(f"({n}) {t}" for n, t in enumerate(shown, start=1))
    rest = len(problems) - len(shown)
    return text + (f"; and {rest:,} more: fix these and try again to see them" if rest else "")


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
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + list_problems(self.problems))
        self.in_words = prefix + list_problems(self.problems, in_words=True)


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
