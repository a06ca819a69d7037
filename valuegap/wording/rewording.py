"""Defensible rewording: the claim's own sentence with its promise replaced by what the data support.

METHODS §3 gives the defensible value; this puts it into the marketer's wording ("saves 3.1 h a week
on average"), keeping the text's number style (decimal comma, percent, "9 out of 10"), rounding in
the safe direction, and dropping the words the wording checks flag as absolute or superlative
("guaranteed", "best"). :func:`defensible_rewording` then tests the suggested claim on the same data
and steps further to the safe side until it comes out substantiated, so what the app suggests passes
both the statistics and the wording checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from valuegap.evidence.claim_tests import (
    DEFAULT_ALPHA,
    DEFAULT_UP_TO_SHARE,
    Sample,
    Verdict,
    adjust,
    run_claim_test,
)
from valuegap.model.proposition import Claim, ClaimForm, Direction
from valuegap.wording.checks import check_wording

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ ,.]\d{3})+|\d+)(?:([.,])(\d+))?(?![\d])")
_OUT_OF = re.compile(r"(?<![\w.,])(\d{1,9})(\s+(?:out\s+of|in)\s+)(\d{1,9})(?![\w.,]\d)", re.IGNORECASE)
REWORDED_FORMS = frozenset({ClaimForm.average, ClaimForm.median, ClaimForm.up_to, ClaimForm.share,
                            ClaimForm.comparative})  # fmt: skip
"""Forms with a defensible value to write (METHODS §3; parity holds or it does not)."""
UNSAFE_RULES = ("absolute", "superlative")
"""Wording flags whose words a suggestion leaves out."""
POSITIVE_FORMS = frozenset({ClaimForm.share, ClaimForm.comparative})
"""Forms whose promised number must stay above 0 (a share of customers, a multiple of the rival)."""
NOTHING_PASSES = "no rewording of this claim is substantiated by the data"
MAX_STEPS = 50
"""How many rounding units a suggestion may step past the defensible value to pass its own test."""


@dataclass(frozen=True)
class Rewording:
    text: str
    changed: bool
    reason: str
    value: float | None = None  # the number now written, in the claim's terms (C, the share or ratio)
    substantiated: bool | None = None  # the suggestion tested on the same data (None: not tested)


@dataclass(frozen=True)
class _Slot:
    """Where the promised number stands in the text and how it is written."""

    start: int
    end: int
    decimals: int
    separator: str
    scale: float  # written number = value × scale (100 for percentages)
    out_of: int | None = None  # "9 out of 10": the denominator, and value = numerator / out_of
    text_decimals: int = 0  # as the text wrote it: a whole number is written so again ("4 days")

    @property
    def step(self) -> float:
        """One unit at the precision written, in the claim's terms."""
        if self.out_of is not None:
            return 1 / self.out_of
        return 10.0**-self.decimals / self.scale

    def snap(self, value: float) -> float:
        """``value`` exactly as written (no binary residue of the rounding steps)."""
        if self.out_of is not None:
            return round(value * self.out_of) / self.out_of
        return round(value * self.scale, self.decimals) / self.scale

    def write(self, text: str, value: float) -> str:
        if self.out_of is not None:
            shown = str(round(value * self.out_of))
        else:
            written = value * self.scale
            whole = math.isclose(written, round(written), abs_tol=1e-9)
            shown = f"{written:.{self.text_decimals if whole else self.decimals}f}"
            if self.separator == ",":
                shown = shown.replace(".", ",")
        return text[: self.start] + shown + text[self.end :]


def _parse(match: re.Match[str]) -> tuple[float, int, str]:
    """Value, decimals shown and decimal separator of a number token."""
    whole, separator, fraction = match.group(1), match.group(2), match.group(3)
    digits = re.sub(r"[ ,.]", "", whole)
    if fraction is None:
        return float(digits), 0, "."
    return float(f"{digits}.{fraction}"), len(fraction), separator


def _slot(text: str, target: float, new: float, *, percent: bool) -> _Slot | None:
    """The first number in ``text`` equal to ``target`` (followed by "%" when ``percent``), with the
    precision a rewording writes: the text's own decimals, one at least for small numbers, two at most."""
    for match in _NUMBER.finditer(text):
        value, decimals, separator = _parse(match)
        if not math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if percent and not text[match.end() :].lstrip().startswith(("%", "per cent", "percent")):
            continue
        places = decimals if (abs(new) >= 10 or percent) else max(decimals, 1)
        scale = 100.0 if percent else 1.0
        return _Slot(match.start(), match.end(), min(places, 2), separator, scale, text_decimals=decimals)
    return None


def _share_slot(text: str, promised: float, defensible: float) -> _Slot | None:
    slot = _slot(text, round(promised * 100, 6), defensible * 100, percent=True)
    if slot is not None:
        return slot
    for match in _OUT_OF.finditer(text):
        k, n = int(match.group(1)), int(match.group(3))
        if n and math.isclose(k / n, promised, abs_tol=1e-9):
            return _Slot(match.start(1), match.end(1), 0, ".", 1.0, out_of=n)
    return None


def _round_safe(value: float, step: float, down: bool) -> float:
    units = value / step
    units = math.floor(units + 1e-9) if down else math.ceil(units - 1e-9)
    return units * step


def _promised(claim: Claim) -> float | None:
    if claim.form is ClaimForm.share:
        return claim.share
    if claim.form is ClaimForm.comparative:
        return claim.ratio
    return claim.claimed


def _safe_down(claim: Claim) -> bool:
    """Whether the safe side is the smaller number (always for shares: reaching the bar is good)."""
    return claim.form is ClaimForm.share or claim.direction is Direction.higher


def without_unsafe_words(claim: Claim, text: str) -> str:
    """``text`` without the words the wording checks flag as absolute or superlative, tidied."""
    flags = check_wording(text, form=claim.form.value, unit=claim.unit)
    for flag in flags:
        if flag.rule in UNSAFE_RULES and flag.words in text:
            text = text.replace(flag.words, "", 1)
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?]|$)", "", text.strip())
    text = re.sub(r"^[,;:]\s*", "", text)
    return text[:1].upper() + text[1:] if text[:1].islower() and claim.text[:1].isupper() else text


def with_promise(claim: Claim, value: float, text: str, *, tolerance: float | None = None) -> Claim:
    """``claim`` promising ``value`` (its C, share or ratio, by form) in ``text``; ``tolerance`` too
    when given."""
    update: dict[str, Any] = {"text": text}
    if tolerance is not None:
        update["tolerance"] = tolerance
    if claim.form is ClaimForm.share:
        update["share"] = value
    elif claim.form is ClaimForm.comparative:
        update["ratio"] = value
        if claim.claimed is not None and claim.ratio is not None and math.isclose(claim.claimed, claim.ratio):
            update["claimed"] = value
    else:
        update["claimed"] = value
    return claim.model_copy(update=update)


def reword(claim: Claim, defensible: float, *, share: float | None = None) -> Rewording:
    """The claim's text with its promised number replaced by the defensible one, rounded to the safe
    side at the precision the text used, and without absolute or superlative words (METHODS §3)."""
    return _reword(claim, share if share is not None and claim.form is ClaimForm.share else defensible)


def _reword(claim: Claim, defensible: float, passes: Callable[[Claim], bool] | None = None) -> Rewording:
    if claim.form not in REWORDED_FORMS:
        return Rewording(claim.text, False, f"{claim.form.value} claims have no defensible number to write")
    if not math.isfinite(defensible):
        return Rewording(claim.text, False, "no defensible value")
    promised = _promised(claim)
    if promised is None:
        return Rewording(claim.text, False, "the claim has no promised value")
    if claim.form is ClaimForm.share:
        slot = _share_slot(claim.text, promised, defensible)
        if slot is None:
            return Rewording(claim.text, False, f"no share in the text matches the promised {promised:.0%}")
    else:
        slot = _slot(claim.text, promised, defensible, percent=False)
        if slot is None:
            return Rewording(
                claim.text, False, f"no number in the text matches the claim's value {promised:g}"
            )
    down = _safe_down(claim)
    value = slot.snap(_round_safe(defensible, slot.step, down))
    if passes is not None:
        passing = _first_passing(claim, slot, value, down, passes)
        if passing is None:
            return Rewording(claim.text, False, NOTHING_PASSES, None, False)
        value = passing
    if value <= 0 and claim.form in POSITIVE_FORMS:
        return Rewording(claim.text, False, NOTHING_PASSES, None, False)
    text = without_unsafe_words(claim, slot.write(claim.text, value))
    if math.isclose(value, promised, rel_tol=1e-12) and text == claim.text:
        return Rewording(claim.text, False, "the promise is already as strong as the evidence allows", value)
    shown = f"{promised:g} → {value:g}" if slot.scale == 1 or slot.out_of else f"{promised:.0%} → {value:.0%}"
    return Rewording(
        text, True, f"{shown}, rounded {'down' if down else 'up'} to stay defensible", value,
        None if passes is None else True,
    )  # fmt: skip


def _first_passing(
    claim: Claim, slot: _Slot, value: float, down: bool, passes: Callable[[Claim], bool]
) -> float | None:
    """The first value from ``value`` on, a rounding unit at a time to the safe side, whose claim
    passes; ``None`` when none does within :data:`MAX_STEPS` units."""
    for _ in range(MAX_STEPS):
        value = slot.snap(value)
        if value <= 0 and claim.form in POSITIVE_FORMS:
            return None
        if passes(
            with_promise(
                claim, value, without_unsafe_words(claim, slot.write(claim.text, value)), tolerance=0.0
            )
        ):
            return value
        value = value - slot.step if down else value + slot.step
    return None


def defensible_rewording(
    claim: Claim,
    defensible: float | None,
    ours: Sample | None,
    rival: Sample | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    up_to_share: float = DEFAULT_UP_TO_SHARE,
) -> Rewording:
    """The suggested copy for a claim, checked: written at the defensible value rounded to the safe
    side (then further, a unit at a time, until it passes), it comes out ``substantiated`` when tested
    on the same data with no tolerance, and carries no absolute or superlative word."""
    if defensible is None:
        return Rewording(claim.text, False, "the data support no defensible value for this claim")

    def passes(suggested: Claim) -> bool:
        test = run_claim_test(suggested, ours, rival, alpha=alpha, up_to_share=up_to_share)
        return adjust([test], alpha=alpha, correction="none")[0].verdict is Verdict.substantiated

    return _reword(claim, defensible, passes)
