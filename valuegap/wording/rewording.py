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
from valuegap.wording.checks import _numbers as numbers_in_copy  # the wording package's own reader
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
NO_NUMBER_FORMS = {
    ClaimForm.parity: (
        "an “as good as” claim holds or it does not: there is no smaller number to promise; drop the claim "
        "or compare on something the data show"
    ),
    ClaimForm.puffery: "the claim promises nothing measurable, so there is no number to change",
}
"""Why claims of these forms never get a rewording, in words."""
_WHAT_IS_ABOVE_ZERO = {
    ClaimForm.average: "an average above zero",
    ClaimForm.median: "a typical customer's value above zero",
    ClaimForm.up_to: "a value above zero that almost all customers reach",
    ClaimForm.share: "a share of customers reaching the bar that rounds above 0%",
    ClaimForm.comparative: "any positive multiple of the competitor's result",
}
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

    def shown(self, value: float) -> str:
        """``value`` as the copy writes it ("19", "2,8", "74" of "74%", "8" of "8 out of 10")."""
        if self.out_of is not None:
            return str(round(value * self.out_of))
        written = value * self.scale
        whole = math.isclose(written, round(written), abs_tol=1e-9)
        shown = f"{written:.{self.text_decimals if whole else self.decimals}f}"
        return shown.replace(".", ",") if self.separator == "," else shown

    def write(self, text: str, value: float) -> str:
        return text[: self.start] + self.shown(value) + text[self.end :]


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


def not_above_zero(claim: Claim) -> str:
    """Why a claim whose defensible number is not above zero gets no rewording, in words."""
    what = _WHAT_IS_ABOVE_ZERO.get(claim.form, "a value above zero")
    return f"the data do not show {what}, so no smaller promise holds either; drop the claim"


def _reword(claim: Claim, defensible: float, passes: Callable[[Claim], bool] | None = None) -> Rewording:
    if claim.form not in REWORDED_FORMS:
        reason = NO_NUMBER_FORMS.get(claim.form, "the claim has no number to change")
        return Rewording(claim.text, False, reason)
    if not math.isfinite(defensible):
        return Rewording(claim.text, False, "the data support no defensible value for this claim")
    promised = _promised(claim)
    if promised is None:
        return Rewording(claim.text, False, "the claim has no promised value to change")
    slot, differs = _copy_slot(claim, promised, defensible)
    if slot is None:
        return Rewording(claim.text, False, differs)
    down = _safe_down(claim)
    value = slot.snap(_round_safe(defensible, slot.step, down))
    if down and promised > 0 and value <= 0:
        return Rewording(claim.text, False, not_above_zero(claim), None, False)
    if passes is not None:
        passing = _first_passing(claim, slot, value, down, passes)
        if passing is None:
            return Rewording(claim.text, False, NOTHING_PASSES, None, False)
        value = passing
    if value <= 0 and claim.form in POSITIVE_FORMS:
        return Rewording(claim.text, False, not_above_zero(claim), None, False)
    text = without_unsafe_words(claim, slot.write(claim.text, value))
    if math.isclose(value, promised, rel_tol=1e-12) and text == claim.text:
        return Rewording(claim.text, False, "the promise is already as strong as the evidence allows", value)
    mark = "%" if slot.scale != 1 and slot.out_of is None else ""
    shown = f"{claim.text[slot.start : slot.end]}{mark} → {slot.shown(value)}{mark}"
    reason = f"{shown}, rounded {'down' if down else 'up'} to stay defensible"
    if differs:
        reason += f" ({differs})"
    return Rewording(text, True, reason, value, None if passes is None else True)


def _copy_slot(claim: Claim, promised: float, defensible: float) -> tuple[_Slot | None, str]:
    """Where the copy writes the promise, and a note when that number is not the claim's value.

    The copy's number equal to the promised value is the slot. When no number equals it but the copy
    has exactly one number that can only be read as the claim's own kind of number (no other unit,
    scale or fraction), that number is the slot: the copy promises it, and the defensible value, which
    does not depend on the number promised, replaces it. Otherwise there is no slot, and the note says
    why in words.
    """
    if claim.form is ClaimForm.share:
        slot = _share_slot(claim.text, promised, defensible)
        shown_promise = f"{promised:.0%}"
    else:
        slot = _slot(claim.text, promised, defensible, percent=False)
        shown_promise = f"{promised:g}{' ' + claim.unit if claim.unit else ''}"
    if slot is not None:
        return slot, ""
    counted = [number for number in numbers_in_copy(claim.text, claim.unit) if number.counts]
    if not counted:
        return None, (
            f"the copy has no number for the promised {shown_promise}: write the number into the copy, "
            "then a rewording can be suggested"
        )
    words = ", ".join(f"“{claim.text[n.start : n.end]}”" for n in counted)
    if len(counted) > 1:
        return None, (
            f"the copy's numbers ({words}) differ from the claim's promised {shown_promise}, so it is not "
            "clear which one to change: make the copy and the claim say the same number"
        )
    lone = _lone_slot(claim, counted[0], defensible)
    if lone is None:
        return None, (
            f"the copy says {words} while the claim promises {shown_promise}: make them say the same "
            "number, then a rewording can be suggested"
        )
    return lone, f"the copy said {words} while the claim promised {shown_promise}"


def _lone_slot(claim: Claim, number: Any, defensible: float) -> _Slot | None:
    """The slot of the copy's only number when it can only mean the claim's kind of number: a percent
    for a share claim, a plain number otherwise (a percent only when the claim's unit is one)."""
    share = claim.form is ClaimForm.share
    in_percent = "%" in claim.unit or "percent" in claim.unit.lower()
    if number.fraction is not None or len(number.readings) != 1 or number.readings[0][2] != 1.0:
        return None
    if share != number.percent and not (number.percent and in_percent):
        return None
    match = _NUMBER.search(claim.text, number.start, number.end)
    if match is None:
        return None
    _, decimals, separator = _parse(match)
    target = defensible * 100 if share else defensible
    places = decimals if (abs(target) >= 10 or share) else max(decimals, 1)
    return _Slot(match.start(), match.end(), min(places, 2), separator, 100.0 if share else 1.0,
                 text_decimals=decimals)  # fmt: skip


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
        return Rewording(claim.text, False, _why_no_defensible_value(claim, ours, rival, alpha, up_to_share))

    def passes(suggested: Claim) -> bool:
        test = run_claim_test(suggested, ours, rival, alpha=alpha, up_to_share=up_to_share)
        return adjust([test], alpha=alpha, correction="none")[0].verdict is Verdict.substantiated

    return _reword(claim, defensible, passes)


def _why_no_defensible_value(
    claim: Claim, ours: Sample | None, rival: Sample | None, alpha: float, up_to_share: float
) -> str:
    """Why the claim's test gave no defensible value (METHODS §3), in words: the test's own reason
    (too few customers, the rival's mean too uncertain, ...) when it gives one."""
    if claim.form not in REWORDED_FORMS:
        return NO_NUMBER_FORMS.get(claim.form, "the claim has no number to change")
    if ours is None or ours.n == 0:
        return "there are no measured outcomes for this claim yet"
    reason = run_claim_test(claim, ours, rival, alpha=alpha, up_to_share=up_to_share).reason
    if reason:
        return reason
    if claim.form is ClaimForm.comparative:
        return not_above_zero(claim)
    return "the data support no defensible value for this claim"
