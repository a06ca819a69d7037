"""Wording checks on claim copy that need no data (METHODS.md section 4).

Regulators and customers read the words of a claim, not the form chosen for it in the workbench. These
checks point at words that promise more than the claim's test can show: absolutes, unqualified
superlatives, "up to", phrases that name a level of proof, numbers that differ from the claim's value,
and measurable-sounding copy filed as puffery. Each :class:`WordingFlag` names the words as written and
says, in marketer language, why they matter and what to do.

The editor calls :func:`check_wording` live on half-typed rows, so it accepts loose input (None, NaN,
unknown forms, numbers as strings) and never raises on it.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from valuegap.model.editing import CellError, read_number
from valuegap.model.proposition import Claim, ClaimForm, Proposition

log = logging.getLogger(__name__)

RULES: tuple[str, ...] = (
    "absolute",
    "superlative",
    "up_to",
    "establishment",
    "number_mismatch",
    "puffery_objective",
)
_RULE_RANK = {rule: rank for rank, rule in enumerate(RULES)}
_FORMS = frozenset(form.value for form in ClaimForm)
_REL_TOL = 1e-9
_REGULATORS = "regulators (FTC, ASA)"


RULE_LABELS: dict[str, str] = {
    "absolute": "Absolute word",
    "superlative": "Unqualified superlative",
    "up_to": "'Up to' claim",
    "establishment": "Names a level of proof",
    "number_mismatch": "Number differs from the claim",
    "puffery_objective": "Measurable-sounding puffery",
}


@dataclass(frozen=True)
class WordingFlag:
    """One wording problem in a claim's text: which rule, the words as written, and why it matters."""

    claim_id: str
    rule: str
    words: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class _Hit:
    """A flag with its place in the text, so flags can be put in text order."""

    start: int
    end: int
    rule: str
    why: str


# --------------------------------------------------------------------------- loose input


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _claim_id(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def _form(value: Any) -> str:
    """The form as a lower-case known value, or "" for missing/unknown forms."""
    if not isinstance(value, str):
        return ""
    form = str(value).strip().lower()  # a ClaimForm is a str whose str() is its value
    return form if form in _FORMS else ""


def _number(value: Any) -> float | None:
    """An editor cell as a number by the grid's rule (:func:`valuegap.model.editing.read_number`);
    None for a blank or anything that is not one, which switches off the checks that need it."""
    try:
        return read_number(value)
    except CellError:
        return None


def _unit(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------- helpers


def _word(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern that only matches whole words (hyphens and punctuation separate)."""
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


def _spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    return [match.span() for pattern in patterns for match in pattern.finditer(text)]


def _merge(
    spans: Iterable[tuple[int, int]], text: str, *, join_spaced: bool = False
) -> list[tuple[int, int]]:
    """Merge overlapping spans (one flag per occurrence); with ``join_spaced`` also spans only
    whitespace apart, so "saves 5 hours" is one finding rather than three."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged:
            last_start, last_end = merged[-1]
            touching = start < last_end or (join_spaced and not text[last_end:start].strip())
            if touching:
                merged[-1] = (last_start, max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def _quote(words: str) -> str:
    return f"'{words}'"


def _fmt(value: float) -> str:
    """A number as a marketer would write it: 5, 0.47, 1,000, 3.14."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


# --------------------------------------------------------------------------- absolute words

_ABSOLUTE = (
    (_word(r"always"), "always"),
    (_word(r"never"), "always"),
    (_word(r"guarantee(?:s|d|ing)?"), "guarantee"),
    (re.compile(r"(?<![\w.,])100(?:[.,]0+)?\s?(?:%|per\s?cent(?!\w))", re.IGNORECASE), "all"),
    (_word(r"instant(?:ly)?"), "instant"),
    (_word(r"forever"), "forever"),
)


def _absolute_why(words: str, kind: str) -> str:
    quoted = _quote(words)
    if kind == "guarantee":
        return (
            f"{quoted} is a promise without exceptions: {_REGULATORS} expect you to honor it for every "
            "customer, with any conditions stated right next to it. Spell out the terms (what is guaranteed, "
            "for how long, what the customer gets if it fails) or drop the word."
        )
    if kind == "all":
        return (
            f"{quoted} says there are no exceptions: {_REGULATORS} read it literally, so one counterexample "
            "makes the claim untrue. Use the share you can show (e.g. '97% of orders') unless it really is "
            "every single case."
        )
    if kind == "instant":
        return (
            f"{quoted} promises no wait at all, and customers and {_REGULATORS} will take it literally. "
            "Say how long it actually takes (e.g. 'within 2 minutes') unless there is truly no delay."
        )
    if kind == "forever":
        return (
            f"{quoted} promises something with no end date, which {_REGULATORS} expect you to keep for as "
            "long as customers could reasonably expect. Say what it covers and for how long, or drop it."
        )
    return (
        f"{quoted} is an absolute: customers and {_REGULATORS} read it literally, so a single customer for "
        "whom it fails makes the claim untrue. Keep it only if it holds every time; otherwise soften it "
        "(e.g. 'usually', 'on average')."
    )


def _absolute(text: str, form: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern, kind in _ABSOLUTE:
        for start, end in _merge((m.span() for m in pattern.finditer(text)), text):
            hits.append(_Hit(start, end, "absolute", _absolute_why(text[start:end], kind)))
    return hits


# --------------------------------------------------------------------------- superlatives

_SUPERLATIVES = (
    _word(r"best(?!\s+practices?(?!\w))(?![\s-]+before(?!\w))"),
    _word(r"fastest|cheapest|lowest|unbeatable"),
    _word(r"leading(?!\s+(?:to|into)(?!\w))"),
    _word(r"number\s+(?:one|1)"),
    re.compile(r"(?<!\w)no\.\s?1(?![\d\w]|[.,]\d)", re.IGNORECASE),
    re.compile(r"#\s?1(?![\d\w]|[.,]\d)"),
)
# A stated basis in the same text qualifies every superlative in it. A comparison with one named
# competitor ("2x faster than Rival") is deliberately not a basis: it does not make you the best overall.
_BASIS = (
    _word(r"according\s+to"),
    re.compile(
        r"(?<!\w)(?:rated|ranked|voted|named|awarded|chosen|judged)(?!\w)[^.!?\n]{0,80}?(?<!\w)by(?!\w)",
        re.IGNORECASE,
    ),
    _word(
        r"(?:in|from|per|by)\s+(?:a|an|our|the|this|their)\s+(?:[\w-]+\s+){0,3}?(?:survey|poll|study|review)s?"
    ),
    _word(r"surveyed|survey\s+(?:of|by)"),
    _word(r"based\s+on|as\s+measured\s+by"),
    re.compile(r"(?<!\w)sources?\s*:", re.IGNORECASE),
    re.compile(r"[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]|\[\d{1,2}\]"),
)


def _superlative_why(words: str, form: str) -> str:
    quoted = _quote(words)
    if form == ClaimForm.puffery:
        return (
            f"{quoted} is a superlative with no stated basis: it only passes as puffery if nobody could "
            f"measure it, and {_REGULATORS} treat words like 'fastest', 'cheapest' or '#1' as measurable. "
            "Keep it clearly a matter of opinion, or state the basis next to it (e.g. 'rated best by X')."
        )
    competitor = (
        " Being ahead of one named competitor does not support a claim about the whole market."
        if form in (ClaimForm.comparative, ClaimForm.parity)
        else ""
    )
    return (
        f"{quoted} is an unqualified superlative: {_REGULATORS} read it as a claim about the whole market "
        "that you must be able to prove against every competitor. State the basis next to it (e.g. 'rated "
        f"best by X in a 2024 survey of 500 users') or drop it.{competitor}"
    )


def _superlative(text: str, form: str) -> list[_Hit]:
    if any(pattern.search(text) for pattern in _BASIS):
        return []
    return [
        _Hit(start, end, "superlative", _superlative_why(text[start:end], form))
        for start, end in _merge(_spans(_SUPERLATIVES, text), text)
    ]


# --------------------------------------------------------------------------- "up to"

_UP_TO = _word(r"up[\s-]+to")
# Idioms and phrasal verbs where "up to" is not a maximum: "up to date", "sign up to", "lives up to".
_UP_TO_IDIOM_AFTER = re.compile(r"[\s-]+(?:date|speed|you|us|them|scratch|par)(?!\w)", re.IGNORECASE)
_UP_TO_VERB_BEFORE = re.compile(
    r"(?<!\w)(?:sign|signs|signed|signing|log|logs|logged|set|sets|setting|show|shows|showed|showing|"
    r"live|lives|lived|living|step|steps|stepped|catch|catches|caught|measure|measures|measured|"
    r"lead|leads|leading|led|add|adds|added|adding|look|looks|looked|open|opens|opened|own|owns|owned|"
    r"back|backs|backed|stand|stands|stood|face|faces|faced|keep|keeps|kept)\s+$",
    re.IGNORECASE,
)


def _up_to_why(words: str, form: str) -> str:
    quoted = _quote(words)
    if form == ClaimForm.up_to:
        return (
            f"{quoted} is read by regulators (the FTC) as a promise that all or almost all customers "
            "reach the stated value, not just the best case. Keep evidence that almost all customers "
            "(90% by default) reach it, or lower the number to what they do reach."
        )
    current = f"this claim's form is '{form}'" if form else "this claim has no valid form yet"
    return (
        f"{quoted} promises a maximum customers can reach, but {current}, so it is not tested the way "
        "'up to' is read. Set the form to 'up_to': regulators (the FTC) read 'up to' as a promise that all "
        "or almost all customers reach the stated value."
    )


def _up_to(text: str, form: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _UP_TO.finditer(text):
        start, end = match.span()
        if _UP_TO_IDIOM_AFTER.match(text, end) or _UP_TO_VERB_BEFORE.search(text, max(0, start - 20), start):
            continue
        hits.append(_Hit(start, end, "up_to", _up_to_why(text[start:end], form)))
    return hits


# --------------------------------------------------------------------------- establishment phrases

_ESTABLISHMENT = (
    _word(
        r"(?:clinically|scientifically|medically|dermatologically|independently|laboratory|lab)[\s-]+"
        r"(?:proven|tested|verified|validated|certified|approved|audited)"
    ),
    _word(
        r"(?:tests?|studies|study|research|science|trials?|experiments?|data)\s+"
        r"(?:shows?|showed|shown|proves?|proved|confirms?|confirmed|demonstrates?|demonstrated)"
    ),
    _word(r"proven\s+to|(?:backed|supported|proven)\s+by\s+(?:science|research|studies|data|tests)"),
    _word(r"(?:science|research|evidence)[\s-]+(?:backed|based)"),
    _word(r"(?:doctors?|dermatologists?|experts?)[\s-]+(?:recommended|approved)"),
)
_PROOF = (
    ("clinic", "clinical studies done to accepted scientific standards"),
    ("medical", "clinical studies done to accepted scientific standards"),
    ("dermatolog", "studies or a survey of dermatologists that show exactly this"),
    ("independent", "a report from an independent third party that checked exactly this"),
    ("lab", "laboratory test results for exactly this claim"),
    ("doctor", "a survey of doctors showing they recommend it"),
    ("expert", "a survey of the experts showing they recommend it"),
    ("scien", "competent and reliable scientific studies that show this result"),
    ("stud", "competent and reliable scientific studies that show this result"),
    ("research", "competent and reliable research that shows this result"),
    ("evidence", "competent and reliable evidence that shows this result"),
    ("data", "the data and the analysis that show this result"),
    ("trial", "the trials themselves, done competently and reliably"),
    ("experiment", "the experiments themselves, done competently and reliably"),
    ("test", "the tests themselves, done competently and reliably"),
)


def _establishment_why(words: str) -> str:
    lowered = words.lower()
    proof = next(
        (proof for key, proof in _PROOF if key in lowered), "evidence that proves it, not just suggests it"
    )
    return (
        f"{_quote(words)} names a level of proof, and {_REGULATORS} hold you to exactly that: you need "
        f"{proof} before you publish it. Keep that evidence on file, or drop the phrase and say what "
        "you can show."
    )


def _establishment(text: str, form: str) -> list[_Hit]:
    return [
        _Hit(start, end, "establishment", _establishment_why(text[start:end]))
        for start, end in _merge(_spans(_ESTABLISHMENT, text), text)
    ]


# --------------------------------------------------------------------------- numbers in the text

_SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0, "week": 604800.0}
_SECONDS |= {"year": 31556952.0, "month": 31556952.0 / 12}
_TIME_WORDS = {
    "second": ("s", "sec", "secs", "second", "seconds"),
    "minute": ("min", "mins", "minute", "minutes"),
    "hour": ("h", "hr", "hrs", "hour", "hours"),
    "day": ("d", "day", "days"),
    "week": ("wk", "wks", "week", "weeks"),
    "month": ("mo", "mos", "month", "months"),
    "year": ("yr", "yrs", "year", "years"),
}
_TIME_UNIT = {word: unit for unit, words in _TIME_WORDS.items() for word in words}
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_CURRENCY_BEFORE = re.compile(r"(?:(?:R|US|A|C|NZ|HK|S)?\$|€|£|¥|₹)\s?$")
_PERCENT_AFTER = re.compile(r"\s?(?:%|per\s?cent(?!\w))", re.IGNORECASE)
_TIMES_AFTER = re.compile(r"\s?[x×](?![^\W\d_])", re.IGNORECASE)
_THOUSANDS_AFTER = re.compile(r"k(?![^\W\d_])", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"\s+(thousand|million|mn|billion|bn)(?!\w)", re.IGNORECASE)
_SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}
_UNIT_AFTER = re.compile(r"\s*-?\s*([^\W\d_]+)")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![^\W\d_])|[ºª]", re.IGNORECASE)
_RANK_BEFORE = re.compile(r"(?:#\s?|(?<!\w)no\.\s?|(?<!\w)number\s+)$", re.IGNORECASE)
_SLASHES = re.compile(r"(?<![\w.,/])[0-9]+(?:/[0-9]+)+(?![\w/]|[.,][0-9])")
_OUT_OF = re.compile(r"(?<![\w.,])([0-9]{1,9})\s+(out\s+of|in)\s+([0-9]{1,9})(?!\w|[.,][0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class _Number:
    """A number found in the text.

    ``readings`` are (value as written, decimals written, scale): the text means ``value × scale`` in the
    claim's terms ("10k" is 10 × 1000; "90 minutes" for a claim in hours is 90 × 1/60). ``fraction`` is
    set for "9 out of 10" and "9/10"; ``percent`` for "47%". Numbers that are clearly not claim values
    (years, "24/7", ranks, ordinals) have ``counts`` False: they may match the claim but never trigger a
    flag on their own.
    """

    start: int
    end: int
    readings: tuple[tuple[Decimal, int, float], ...] = ()
    fraction: float | None = None
    counts: bool = True
    percent: bool = False


def _parse_digits(raw: str) -> tuple[tuple[Decimal, int], ...]:
    """The readings (value, decimals written) of a run of digits and separators, most likely first.

    "3,5" → 3.5; "1.234,56" and "1,234.56" → 1234.56; "1,000" and "1.000" → 1000, and also 1.000 (one
    separator before exactly three digits is read as thousands, but a decimal comma or point is possible,
    so "2.675" for a claim of 2.675 is not flagged); () when it is no number at all ("1.2.3").
    """
    parts = re.split(r"([.,])", raw)
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return ((Decimal(raw), 0),)

    def thousands(head: str, tails: list[str]) -> bool:
        return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(tail) == 3 for tail in tails)

    if len(set(seps)) == 1:
        decimal = (Decimal(f"{groups[0]}.{groups[1]}"), len(groups[1])) if len(seps) == 1 else None
        if thousands(groups[0], groups[1:]):
            whole = (Decimal("".join(groups)), 0)
            return (whole, decimal) if decimal else (whole,)
        return (decimal,) if decimal else ()
    if len(set(seps[:-1])) == 1 and seps[-1] != seps[0] and thousands(groups[0], groups[1:-1]):
        return ((Decimal(f"{''.join(groups[:-1])}.{groups[-1]}"), len(groups[-1])),)
    return ()


def _claim_time_unit(unit: str) -> str | None:
    match = re.match(r"[^\W\d_]+", unit.lower())
    return _TIME_UNIT.get(match.group()) if match else None


def _numbers(text: str, unit: str = "") -> list[_Number]:
    """Every number in the text with what it may mean (see :class:`_Number`)."""
    found: list[_Number] = []
    taken: set[int] = set()  # positions already read as part of a fraction
    for match in _OUT_OF.finditer(text):
        top, word, bottom = int(match.group(1)), match.group(2).lower(), int(match.group(3))
        after = _UNIT_AFTER.match(text, match.end())
        unit_after = after is not None and after.group(1).lower() in _TIME_UNIT
        if word == "in" and (top >= bottom or bottom > 1000 or unit_after):
            continue
        if bottom > 0 and top <= bottom:
            found.append(_Number(match.start(), match.end(), fraction=top / bottom))
            taken.update(range(*match.span()))
    for match in _SLASHES.finditer(text):
        if match.start() in taken:
            continue
        # "9/10" is a share; dates ("12/05/2024"), "24/7" and the like are not claim values.
        pieces = match.group().split("/")
        fraction = None
        if len(pieces) == 2 and max(len(piece) for piece in pieces) <= 4:
            top, bottom = int(pieces[0]), int(pieces[1])
            fraction = top / bottom if 0 < bottom <= 1000 and top <= bottom else None
        is_fraction = fraction is not None
        found.append(_Number(match.start(), match.end(), fraction=fraction, counts=is_fraction))
        taken.update(range(*match.span()))
    claim_unit = _claim_time_unit(unit)
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        if start in taken:
            continue
        number = _digits_number(text, start, end, claim_unit)
        if number is not None:
            found.append(number)
    return sorted(found, key=lambda number: number.start)


def _digits_number(text: str, start: int, end: int, claim_unit: str | None) -> _Number | None:
    before = max(0, start - 8)
    prefix = text[start - 1] if start else ""
    # "MP3", "A4" are names; a lone "x2" is a multiplier.
    lone_x = prefix in ("x", "X") and (start < 2 or not (text[start - 2].isalnum() or text[start - 2] == "_"))
    if prefix and (prefix.isalnum() or prefix == "_") and not lone_x:
        return None
    leading_dot = prefix == "." and (start < 2 or not text[start - 2].isdigit())
    parsed = _parse_digits(("0." if leading_dot else "") + text[start:end])
    if not parsed:
        return None
    if leading_dot:
        start -= 1
    currency = _CURRENCY_BEFORE.search(text, before, start)
    word_start = start - len(currency.group()) if currency else start - 1 if lone_x else start
    plain = tuple((value, decimals, 1.0) for value, decimals in parsed)
    if _ORDINAL_AFTER.match(text, end):
        return _Number(word_start, end, plain, counts=False)
    scales = [1.0]
    word_end = end
    marks = False
    percent = _PERCENT_AFTER.match(text, end)
    for mark in (percent, _TIMES_AFTER.match(text, end)):
        if mark:
            word_end, marks = mark.end(), True
            break
    else:
        thousands = _THOUSANDS_AFTER.match(text, end)
        scale = _SCALE_AFTER.match(text, end)
        if thousands:
            word_end = thousands.end()
            scales.append(1e3)
        elif scale:
            word_end = scale.end()
            scales.append(_SCALES[scale.group(1).lower()])
    unit_word = _UNIT_AFTER.match(text, word_end)
    text_unit = _TIME_UNIT.get(unit_word.group(1).lower()) if unit_word else None
    if claim_unit and text_unit and text_unit != claim_unit:
        scales.append(_SECONDS[text_unit] / _SECONDS[claim_unit])
    readings = tuple((value, decimals, scale) for scale in scales for value, decimals in parsed)
    value, decimals = parsed[0]
    is_year = decimals == 0 and end - start == 4 and 1900 <= value <= 2100 and not currency and not marks
    is_rank = bool(_RANK_BEFORE.search(text, before, start)) and value == 1
    return _Number(word_start, word_end, readings, counts=not (is_year or is_rank), percent=bool(percent))


def _round_half_up(value: float, decimals: int) -> Decimal | None:
    try:
        return Decimal(format(value, ".12g")).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def _matches(number: _Number, accepted: float) -> bool:
    """Does the number as written say ``accepted`` (exactly, or rounded to the decimals written)?"""
    target = abs(accepted)
    if number.fraction is not None:
        if math.isclose(number.fraction, target, rel_tol=_REL_TOL):
            return True
        rounded = _round_half_up(target, 2)
        return rounded is not None and rounded == _round_half_up(number.fraction, 2)
    for value, decimals, scale in number.readings:
        written = float(value)
        if math.isclose(written * scale, target, rel_tol=_REL_TOL):
            return True
        if _round_half_up(target / scale, decimals) == value:
            return True
    return False


def _accepted(
    form: str, claimed: float | None, share: float | None, ratio: float | None
) -> list[tuple[float, bool]]:
    """The numbers the copy may show for this claim (C, C as a percent, the share, the ratio), each
    with whether a percent in the copy may show it (not the share as a fraction nor the ratio: "1%"
    must not pass for a share of 0.5 by rounding)."""
    values: list[tuple[float, bool]] = []
    if claimed is not None:
        values += [(claimed, True), (claimed * 100, True)]
    if form == ClaimForm.share and share is not None:
        values += [(share, False), (share * 100, True)]
    if ratio is not None:
        values.append((ratio, False))
        if form == ClaimForm.comparative:
            values.append(((ratio - 1) * 100, True))  # "2x the savings" is also "100% more savings"
            if 0 < ratio < 1:  # "3x faster" / "8x cheaper" on a lower-is-better metric is a ratio of 1/3, 1/8
                values += [(1 / ratio, False), ((1 / ratio - 1) * 100, True)]
    return [(value, as_percent) for value, as_percent in values if math.isfinite(value)]


def _describe(form: str, claimed: float | None, share: float | None, ratio: float | None, unit: str) -> str:
    parts: list[str] = []
    if form == ClaimForm.share and share is not None:
        parts.append(f"a share of {_fmt(share * 100)}%")
    if claimed is not None:
        value = f"{_fmt(claimed)} {unit}".strip()
        parts.append(f"a bar of {value}" if form == ClaimForm.share else f"a promised value of {value}")
    if ratio is not None:
        parts.append(f"a ratio of {_fmt(ratio)}×")
    return " and ".join(parts)


def _number_mismatch(
    text: str, form: str, claimed: float | None, share: float | None, ratio: float | None, unit: str
) -> list[_Hit]:
    if form == ClaimForm.puffery:
        return []
    if claimed is None and form not in (ClaimForm.share, ClaimForm.comparative):
        return []
    accepted = _accepted(form, claimed, share, ratio)
    if not accepted:
        return []
    numbers = _numbers(text, unit)
    if any(
        _matches(number, value)
        for number in numbers
        for value, as_percent in accepted
        if as_percent or not number.percent
    ):
        return []
    described = _describe(form, claimed, share, ratio, unit)
    hits = []
    for number in numbers:
        if not number.counts:
            continue
        words = text[number.start : number.end]
        why = (
            f"The copy says {_quote(words)} but the claim is set up with {described}: customers read the "
            f"number in the copy, and that is the number {_REGULATORS} will hold you to. Make the copy and "
            "the claim's value say the same thing."
        )
        hits.append(_Hit(number.start, number.end, "number_mismatch", why))
    return hits


# --------------------------------------------------------------------------- puffery that sounds objective

_TIME_SINGULAR = r"(?:second|minute|hour|day|week|month|year)"
_OBJECTIVE = (
    re.compile(r"[0-9]+(?:[.,/][0-9]+)*"),
    re.compile(r"%|(?<!\w)per\s?cent(?:age)?(?!\w)|(?<!\w)percent(?:age)?(?!\w)", re.IGNORECASE),
    re.compile(r"(?:(?<![^\W\d_])(?:R|US|A|C|NZ|HK|S))?\$|[€£¥₹]"),
    _word(r"usd|eur|gbp|brl|dollars?|euros?|reais|cents?|bucks"),
    _word(r"seconds|secs|minutes|mins|hours|hrs|days|weeks|months|years|yrs"),
    _word(rf"(?:a|an|one|per|every|each|half\s+an?|within\s+an?|in\s+an?)\s+{_TIME_SINGULAR}"),
    re.compile(rf"(?<=[0-9])\s?-?\s?{_TIME_SINGULAR}(?!\w)", re.IGNORECASE),
    _word(r"(?:faster|quicker|cheaper|more|less|fewer|lower|higher|shorter|smaller|bigger|larger)\s+than"),
    re.compile(r"(?:(?<=[0-9])|(?<!\w))[x×]\s+the(?!\w)", re.IGNORECASE),
    _word(r"times\s+(?:the|more|faster|cheaper|less|as)|twice|half\s+the"),
    _word(r"sav(?:e|es|ed|ing|ings)|cuts|cutting|(?<!a\s)cut(?!\s+above)"),
    _word(r"reduc(?:e|es|ed|ing|tion)|doubl(?:e|es|ed|ing)|halv(?:e|es|ed|ing)|tripl(?:e|es|ed|ing)"),
)


def _puffery_objective(text: str, form: str) -> list[_Hit]:
    if form != ClaimForm.puffery:
        return []
    hits = []
    for start, end in _merge(_spans(_OBJECTIVE, text), text, join_spaced=True):
        words = text[start:end]
        why = (
            f"{_quote(words)} sounds measurable, so {_REGULATORS} will read this claim as a statement of "
            "fact that needs evidence, not as puffery. Give it a measurable form (e.g. 'average' or 'share') "
            "and test it, or reword it so it is clearly a matter of opinion."
        )
        hits.append(_Hit(start, end, "puffery_objective", why))
    return hits


# --------------------------------------------------------------------------- public API


def check_wording(
    text: str,
    *,
    claim_id: str = "",
    form: str | None = None,
    claimed: float | None = None,
    share: float | None = None,
    ratio: float | None = None,
    unit: str = "",
) -> list[WordingFlag]:
    """Wording flags for one claim's copy, in the order their words appear in the text.

    Accepts loose editor input: any argument may be None, NaN or of the wrong type (an unknown form
    counts as no form); such values switch off the checks that need them instead of raising.
    """
    text = _text(text)
    if not text.strip():
        return []
    form_ = _form(form)
    claimed_, share_, ratio_, unit_ = _number(claimed), _number(share), _number(ratio), _unit(unit)
    checks: tuple[tuple[str, Callable[[], list[_Hit]]], ...] = (
        ("absolute", lambda: _absolute(text, form_)),
        ("superlative", lambda: _superlative(text, form_)),
        ("up_to", lambda: _up_to(text, form_)),
        ("establishment", lambda: _establishment(text, form_)),
        ("number_mismatch", lambda: _number_mismatch(text, form_, claimed_, share_, ratio_, unit_)),
        ("puffery_objective", lambda: _puffery_objective(text, form_)),
    )
    hits: list[_Hit] = []
    for rule, check in checks:
        try:
            hits += check()
        except Exception:  # a bug in one rule must not take the live editor down
            log.exception("wording rule %s failed on claim %r (text %r)", rule, claim_id, text[:200])
    hits.sort(key=lambda hit: (hit.start, _RULE_RANK[hit.rule], hit.end))
    ident = _claim_id(claim_id)
    return [WordingFlag(ident, hit.rule, text[hit.start : hit.end], hit.why) for hit in hits]


def check_claim(claim: Claim) -> list[WordingFlag]:
    """Wording flags for a validated claim."""
    return check_wording(
        claim.text,
        claim_id=claim.id,
        form=claim.form,
        claimed=claim.claimed,
        share=claim.share,
        ratio=claim.ratio,
        unit=claim.unit,
    )


def check_proposition(prop: Proposition) -> list[WordingFlag]:
    """Wording flags for every claim of a proposition, claim by claim in file order."""
    return [flag for claim in prop.claims for flag in check_claim(claim)]
