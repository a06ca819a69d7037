"""Defensible rewording: the claim's own sentence with its promise replaced by what the data support.

METHODS §3 gives the defensible value; this puts it into the marketer's wording ("saves 3.1 h a week
on average"), keeping the text's number style (decimal comma, percent, "9 out of 10") and rounding
in the safe direction, so the new sentence never promises more than the evidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from valuegap.model import Claim, ClaimForm, Direction

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ ,.]\d{3})+|\d+)(?:([.,])(\d+))?(?![\d])")
_OUT_OF = re.compile(r"(?<![\w.,])(\d{1,9})(\s+(?:out\s+of|in)\s+)(\d{1,9})(?![\w.,]\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Rewording:
    text: str
    changed: bool
    reason: str
    value: float | None = None  # the number now written, in the claim's terms (C, or the share)


def _parse(match: re.Match[str]) -> tuple[float, int, str]:
    """Value, decimals shown and decimal separator of a number token."""
    whole, separator, fraction = match.group(1), match.group(2), match.group(3)
    digits = re.sub(r"[ ,.]", "", whole)
    if fraction is None:
        return float(digits), 0, "."
    return float(f"{digits}.{fraction}"), len(fraction), separator


def _round_safe(value: float, decimals: int, down: bool) -> float:
    scale = 10**decimals
    rounded = math.floor(value * scale + 1e-9) if down else math.ceil(value * scale - 1e-9)
    return rounded / scale


def _format(value: float, decimals: int, separator: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", separator) if separator == "," else text


def _replace_number(
    text: str, target: float, new: float, *, down: bool, percent: bool
) -> tuple[str, float] | None:
    """Replace the first number in ``text`` equal to ``target`` by ``new`` rounded safely."""
    for match in _NUMBER.finditer(text):
        value, decimals, separator = _parse(match)
        if not math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if percent and not text[match.end() :].lstrip().startswith(("%", "per cent", "percent")):
            continue
        places = decimals if (abs(new) >= 10 or percent) else max(decimals, 1)
        written = _round_safe(new, min(places, 2), down)
        if written == value:
            return None
        return text[: match.start()] + _format(written, min(places, 2), separator) + text[
            match.end() :
        ], written
    return None


def reword(claim: Claim, defensible: float, *, share: float | None = None) -> Rewording:
    """The claim's text with its promised number replaced by the defensible one (METHODS §3)."""
    if claim.form in (ClaimForm.puffery, ClaimForm.parity, ClaimForm.comparative):
        return Rewording(claim.text, False, f"{claim.form.value} claims have no defensible number to write")
    if not math.isfinite(defensible):
        return Rewording(claim.text, False, "no defensible value")
    if claim.form is ClaimForm.share:
        return _reword_share(claim, share if share is not None else defensible)
    if claim.claimed is None:
        return Rewording(claim.text, False, "the claim has no promised value")
    down = claim.direction is Direction.higher
    replaced = _replace_number(claim.text, claim.claimed, defensible, down=down, percent=False)
    if replaced is None:
        return Rewording(
            claim.text, False, f"no number in the text matches the claim's value {claim.claimed:g}"
        )
    text, written = replaced
    return Rewording(
        text,
        True,
        f"{claim.claimed:g} → {written:g}, rounded {'down' if down else 'up'} to stay defensible",
        written,
    )


def _reword_share(claim: Claim, defensible: float) -> Rewording:
    promised = claim.share
    if promised is None:
        return Rewording(claim.text, False, "the claim has no promised share")
    replaced = _replace_number(
        claim.text, round(promised * 100, 6), defensible * 100, down=True, percent=True
    )
    if replaced is not None:
        text, written = replaced
        return Rewording(text, True, f"{promised:.0%} → {written:g}%, rounded down", written / 100)
    for match in _OUT_OF.finditer(claim.text):
        k, n = int(match.group(1)), int(match.group(3))
        if n and math.isclose(k / n, promised, abs_tol=1e-9):
            new_k = math.floor(defensible * n + 1e-9)
            if new_k == k:
                break
            text = claim.text[: match.start()] + f"{new_k}{match.group(2)}{n}" + claim.text[match.end() :]
            return Rewording(text, True, f"{k} out of {n} → {new_k} out of {n}, rounded down", new_k / n)
    return Rewording(claim.text, False, f"no share in the text matches the promised {promised:.0%}")
