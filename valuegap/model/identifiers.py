"""Names made from text: the one slug rule for claim ids, cost-of-access ids, metric names and file names."""

from __future__ import annotations

import re

_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, separator: str = "-", limit: int | None = None) -> str:
    """``text`` in lower-case letters and digits, every other run of characters one ``separator``
    ("Saves 5 h a week!" → "saves-5-h-a-week"); longer than ``limit``, it is cut at a word's end where
    there is one. Empty when ``text`` has no letter or digit (callers choose their fallback)."""
    words = _NOT_ALPHANUMERIC.sub(separator, text.lower()).strip(separator)
    if limit is not None and len(words) > limit:
        cut = words[: limit + 1]
        words = cut[: cut.rfind(separator)] if separator in cut else words[:limit]
    return words
