"""Claims from the copy: find the sentences of marketing copy that promise something measurable and
draft a typed claim for each.

A marketer has the landing page, the ad or the sales deck, not a table. :func:`read_copy` turns an
uploaded .txt, .md, .html or .docx file into plain text, :func:`split_sentences` cuts it into
sentences and :func:`draft_claims` drafts one :class:`ClaimDraft` per sentence that promises
something (sentences that promise nothing are left out). The drafts are proposals for a person to
review: :meth:`ClaimDraft.to_claim` turns an accepted one into a valid
:class:`~valuegap.model.proposition.Claim`.

Everything here is rules over the words, deterministic and offline. Numbers are read with the same
grammar the wording checks use (``valuegap.wording.checks``), so "R$ 30", "10k", "9 out of 10", "47%" and
"2x" mean the same thing in a draft as in a wording flag. The rules, in the order they are tried:

- ``parity``: "as good as X", "on par with X", "just as fast as X", "matches X" (no multiplier).
  ``claimed`` = ``ratio`` = 1 (the house convention for parity claims).
- ``comparative``: a multiplier or percent tied to a comparison with a named party ("2× the savings of
  X", "30% cheaper than X", "3 times faster than X"), or a comparison with no number ("faster than
  X", ratio 1). ``claimed`` = ``ratio``. The ratio is ours ÷ theirs *of the metric*: "2× faster"
  compares times, so ratio 0.5 with direction lower; "30% cheaper" is 0.7, lower; "2× more" is 2;
  "save 20% compared with X" is what the customer pays, 0.8, lower.
- ``share``: "95% of orders …", "9 out of 10 customers …", "nine in ten …", "half of …", "three
  quarters of …", "99% of malware detected", "kills 99.9% of bacteria" (a percent of what a verb acts on,
  not of what is saved, cut or spent): ``share`` is the promised share and ``claimed`` the bar
  each customer must reach: a second number in the sentence ("within 30 minutes" → 30, lower), or 1
  on a yes/no outcome (1 = it happened) when the sentence names none.
- ``up_to``: "up to" (not "up to date", "sign up to", ...) before the number.
- ``median``: "typical", "typically", "median", "most customers …" ("Most kitchens are …" opening a
  sentence).
- ``average``: "on average", "average", and any other number that is a promised outcome.
- ``puffery``: no number, but a superlative or a boast ("the best", "#1", "effortless", "our most
  luxurious", "Britain's greenest", "highest-rated", "a smarter way to bank", "loved by accountants";
  "most hotels" is a quantifier, not a boast), or a comparative with nothing compared with ("a quieter,
  smoother ride", less sure).

Direction: reducing and speed words ("cuts", "reduces", "lower", "fewer", "less", "faster",
"sooner", "early", "within", "in under", "takes") make it ``lower``; a ceiling ("no more than 5
days", "never wait more than 2 minutes", "at most") is ``lower`` and "2,500 *more* steps"
``higher``. A reduction *by* an amount is drafted as a change of the thing reduced, negative: "cuts
your bill by 40%" → ``bill_change_pct`` = −40, lower (the claim holds when the change is at or below
−40%), so the sign, the metric and the direction agree; "by half" and "in half the time" are −50%, "in a
third of the time" −66.67%, and "loads 2x faster than before" (no rival) −50% too; "3x stronger" or
"3x more leads" (no rival) is +200%, higher. A level reached ("within 30 minutes", "in 2 days", "drops to 90
seconds", "response time: 12 minutes") is drafted as that level, lower. Savings and gains ("saves 5
hours", "earn 4%") are ``higher``.

Numbers may be written as words before a unit ("two levels", "three days sooner"; not "one"); a level
with the article ("in under a week", "within an hour") is one of the unit when the sentence has no other
number (beside one, "within a year" is a timeframe). A span covered ("0–60 mph in 3.1 seconds",
"charges from 0 to 50% in 30 minutes") is the condition, and the time the claim.
Numbers that are not promised outcomes are left out: years, ranks, "24/7", names ("5G"), times of
day ("before 10pm"), prices and rates ("from $9 a month", "mortgage rates from 3.9%"), the offer's
terms ("3 months free", "30-day money-back guarantee", "cancel within 14 days", "borrow up to
£25,000", "loans from £1,000 to £25,000"), thresholds ("orders over $50"), who endorses it
("trusted by 9 of the top 10 retailers", "winner of 12 awards"), standards' names ("SOC 2", "ISO 27001
certified"), what the product is made of ("made with 100% Arabica beans"), counts of customers ("join
10,000 teams") and bare counts of things with no word that makes them an outcome ("we operate 40
warehouses", "up to four screens": a plan's allowance); a measure ("600 calories"), a period ("a
month"), "on average", "more", or a verb of change or reach ("in 3 clicks") makes a count an outcome.
"""

from __future__ import annotations

import html.parser
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from valuegap.errors import InvalidInput, Problem, quote
from valuegap.model.identifiers import slug
from valuegap.model.proposition import CLAIM_ID_PATTERN, BenefitKind, Claim, ClaimForm, Direction
from valuegap.wording.checks import (
    _UP_TO,
    _UP_TO_IDIOM_AFTER,
    _UP_TO_VERB_BEFORE,
    _Number,
    _numbers,
)

__all__ = [
    "COPY_TYPES",
    "MAX_COPY_BYTES",
    "YES_UNIT",
    "ClaimDraft",
    "draft_claims",
    "read_copy",
    "split_sentences",
]

MAX_COPY_BYTES = 5 << 20  # 5 MB: a landing page or a sales deck's text is a few hundred KB at most
MAX_DOCX_UNPACKED = 50 << 20  # a .docx is a zip: refuse one that unpacks past 50 MB before parsing it
MAX_COPY_CHARS = 200_000  # characters of text drafted from; beyond that the rest is not read
MAX_SENTENCE_CHARS = 500  # a claim's text is at most 500 characters (Claim.text)
COPY_TYPES = ("txt", "md", "markdown", "html", "htm", "docx")
YES_UNIT = "yes = 1"  # the unit of a share claim with no bar: a yes/no outcome, 1 when it happened

# --------------------------------------------------------------------------- the draft


@dataclass(frozen=True)
class ClaimDraft:
    """A claim drafted from one sentence of copy, for a person to accept, edit or skip.

    ``rule`` names the rule that picked the form (e.g. ``"share: '95% of'"``) and ``confidence`` is
    how sure that rule is (0-1): explicit words ("up to", "on average", "% of") are sure, a plain
    number read as an average less so, puffery least.
    """

    sentence: str
    form: ClaimForm
    benefit: BenefitKind
    metric: str | None
    claimed: float | None
    unit: str
    direction: Direction
    share: float | None = None
    competitor: str | None = None
    ratio: float | None = None
    rule: str = ""
    confidence: float = 0.5

    def to_claim(self, existing_ids: set[str] | frozenset[str] | list[str] | tuple[str, ...] = ()) -> Claim:
        """A valid :class:`Claim` from this draft, with an id unique among ``existing_ids``."""
        return Claim(
            id=claim_id(self.metric or self.sentence, existing_ids),
            text=_cut(self.sentence, MAX_SENTENCE_CHARS),
            benefit=self.benefit,
            form=self.form,
            metric=self.metric,
            claimed=self.claimed,
            unit=self.unit[:40],
            direction=self.direction,
            share=self.share,
            competitor=self.competitor[:120] if self.competitor else None,
            ratio=self.ratio,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "sentence": self.sentence,
            "form": self.form.value,
            "benefit": self.benefit.value,
            "metric": self.metric,
            "claimed": self.claimed,
            "unit": self.unit,
            "direction": self.direction.value,
            "share": self.share,
            "competitor": self.competitor,
            "ratio": self.ratio,
            "rule": self.rule,
            "confidence": self.confidence,
        }


def claim_id(source: str, existing_ids: set[str] | frozenset[str] | list[str] | tuple[str, ...] = ()) -> str:
    """A claim id made from ``source`` (a metric name or a sentence): lower case, runs of other
    characters as '-', cut to at most 32 characters at a word's end, then '-2', '-3', ... when taken."""
    taken = set(existing_ids)
    base = slug(source, limit=32) or "claim"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    assert CLAIM_ID_PATTERN.match(candidate)
    return candidate


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- reading files


class _HTMLText(html.parser.HTMLParser):
    """The visible text of an HTML page: no script, style, template or head; blocks on their own lines."""

    HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe"})
    BLOCKS = frozenset(
        {
            "p",
            "div",
            "section",
            "article",
            "header",
            "footer",
            "main",
            "aside",
            "nav",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "tr",
            "td",
            "th",
            "table",
            "blockquote",
            "figcaption",
            "dd",
            "dt",
            "hr",
            "button",
            "label",
            "option",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_text(source: str) -> str:
    parser = _HTMLText()
    parser.feed(source)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`)")
_MD_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+)")


def _markdown_text(source: str) -> str:
    lines = []
    for line in source.splitlines():
        if re.match(r"^\s*(?:[-*_]\s*){3,}$|^\s*```", line):  # rules and code fences
            continue
        line = _MD_LINE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        lines.append(_MD_MARKS.sub("", line))
    return "\n".join(lines)


def _docx_text(data: bytes, file_name: str) -> str:
    import docx  # python-docx; imported here so the rest of the module loads without it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        unpacked = 0  # python-docx names the problem below
    if unpacked > MAX_DOCX_UNPACKED:
        raise InvalidInput(
            [
                Problem(
                    "",
                    f"{quote(file_name)} unpacks to {unpacked / 1e6:,.0f} MB; a Word file of copy can unpack "
                    f"to at most {MAX_DOCX_UNPACKED >> 20} MB",
                )
            ],
            source=file_name,
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InvalidInput(
            [Problem("", f"{quote(file_name)} is not a Word document (.docx) that can be opened ({error})")],
            source=file_name,
        ) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(paragraph.text for paragraph in cell.paragraphs)
    return "\n".join(line for line in lines if line.strip())


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def read_copy(data: bytes, file_name: str) -> str:
    """The text of an uploaded copy file: .txt, .md, .html/.htm or .docx.

    HTML keeps only what a reader sees (no script or style text), with each block on its own line;
    Markdown loses its marks (headings, bullets, emphasis, links keep their words); a .docx gives its
    paragraphs and table cells. Raises :class:`InvalidInput` naming the file for any other type, an
    empty file, one over 5 MB or a .docx that cannot be opened.
    """
    name = file_name or "the file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in COPY_TYPES:
        raise InvalidInput(
            [
                Problem(
                    "",
                    f"{quote(name)} is not a file copy can be read from: choose a .txt, .md, .html or .docx "
                    "file, or paste the text",
                )
            ],
            source=name,
        )
    if len(data) > MAX_COPY_BYTES:
        raise InvalidInput(
            [Problem("", f"{quote(name)} is {len(data) / 1e6:.1f} MB; copy files can be at most 5 MB")],
            source=name,
        )
    if not data.strip():
        raise InvalidInput([Problem("", f"{quote(name)} is empty: it has no text to draft claims from")])
    if extension == "docx":
        return _docx_text(data, name)
    text = _decode(data)
    if extension in ("html", "htm"):
        return _html_text(text)
    if extension in ("md", "markdown"):
        return _markdown_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = re.compile(
    r"(?<!\w)(?:e\.g|i\.e|vs|etc|approx|incl|inc|ltd|co|corp|mr|mrs|ms|dr|st|no|nos|avg|est|min|mins|hr|hrs|"
    r"sec|mo|yr|yrs|p\.a|u\.s|u\.k|fig|ref|cf|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*+•·▪‣◦–—]|\d{1,2}[.)])\s+")
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order: each line (a heading, a bullet) on its own, lines cut after
    '.', '!', '?' or '…' followed by a space, except after abbreviations ("e.g.", "vs.", "No.") and
    inside numbers ("2.5"). Bullets and extra spaces are stripped; blank results are dropped."""
    text = (text or "")[:MAX_COPY_CHARS]
    sentences: list[str] = []
    for line in re.split(r"\n\s*|\u2028|\u2029", text.replace("\r", "\n")):
        line = _BULLET.sub("", line).strip()
        start = 0
        for match in _END.finditer(line):
            piece = line[start : match.end()]
            following = line[match.end() :].lstrip()
            if _ABBREVIATIONS.search(piece[-12:]) and following and not following[0].isupper():
                continue
            if _ABBREVIATIONS.search(piece[-12:]) and re.search(r"(?i)(?:vs|e\.g|i\.e|no)\.$", piece[-12:]):
                continue
            if following and following[0].islower():
                continue  # "Save 5 hrs. a week" and similar: a lower-case word goes on the sentence
            sentences.append(piece.strip())
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return [" ".join(s.split()) for s in sentences if re.search(r"\w", s)]


# --------------------------------------------------------------------------- vocabulary


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


_TIME_UNITS = {
    "second": "seconds",
    "seconds": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "s": "seconds",
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "hr": "hours",
    "hrs": "hours",
    "h": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
_PERIODS = {
    "hour": "hour",
    "day": "day",
    "night": "night",
    "week": "week",
    "month": "month",
    "year": "year",
    "order": "order",
    "delivery": "delivery",
    "trip": "trip",
    "meal": "meal",
    "box": "box",
    "mo": "month",
    "yr": "year",
    "wk": "week",
}
_PERIOD_LATER = re.compile(
    r"(?<!\w)(?:a|an|per|each|every)\s+(hour|day|night|week|month|year|order|delivery|trip|meal|box)(?!\w)"
    r"|(?<!\w)(daily|weekly|monthly|yearly|annually)(?!\w)",
    re.IGNORECASE,
)
_PERIOD_ADVERBS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"}
_PERIOD = re.compile(
    r"(?:\s*/\s*|\s+(?:a|an|per|each|every|a\s+single)\s+)(hour|day|night|week|month|year|order|delivery|trip|"
    r"meal|box|mo|yr|wk)(?!\w)|\s+(daily|weekly|monthly|yearly|annually)(?!\w)",
    re.IGNORECASE,
)
_CURRENCIES = {
    "R$": "BRL",
    "US$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
}
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "usd": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "pounds": "GBP",
    "gbp": "GBP",
    "reais": "BRL",
    "brl": "BRL",
}
_POPULATION = (
    r"customers?|users?|clients?|members?|subscribers?|orders?|deliveries|parcels?|packages?|shipments?|"
    r"calls?|tickets?|requests?|flights?|trains?|patients?|homeowners?|households?|homes?|famil(?:y|ies)|"
    r"businesses|companies|teams?|merchants?|drivers?|riders?|guests?|travell?ers?|students?|learners?|"
    r"people|participants?|respondents?|players?|viewers?|listeners?|shoppers?|buyers?|renters?|"
    r"borrowers?|applicants?|applications?|claims?|loans?|payments?|transfers?|invoices?|meals?|boxes|"
    r"kits?|rides?|trips?|bookings?|reservations?|searches|issues|questions|queries|cases|sessions|"
    r"workouts?|parents|owners|women|men|children|adults|kids|sellers|freelancers|shops|stores|restaurants|installations|installs|"
    r"repairs|jobs|projects|signups|sign-ups|accounts|cardholders|savers|investors|athletes|runners|"
    r"gym-goers|diners|cooks|readers|fans|homebuyers|agents|employees|staff|nurses|doctors|dentists|"
    r"the\s+time"
)
_POPULATION_WORD = _words(_POPULATION)
_SHARE_OF = re.compile(
    rf"^\s*of\s+(?:(?:the|our|all|your|their|its|new|active|paying|surveyed|eligible|uk|us|eu)\s+)*"
    rf"(?:[\w'-]+\s+){{0,2}}?(?:(?:{_POPULATION})(?!\w)|[a-z]+[a-rt-z]s(?=\s+(?!of\b|back\b|off\b)[a-z])"
    r"|[a-z]{3,}(?=\s+(?:is|are|was|were|gets?|got|(?!need|feed|seed|speed|bed|red|shed)[a-z]{2,}ed)\b))",
    re.IGNORECASE,
)
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "hundred": 100,
}
_COUNTED_WORDS = {
    **{word: value for word, value in _WORD_NUMBERS.items() if 2 <= value <= 10},
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
# "two levels", "three days": a number word before a word (not "one", which is mostly an article, and not
# "five-star", "two-thirds", "two times" or a fraction, which other rules read)
_WORD_NUMBER = re.compile(
    rf"(?<![\w-])({'|'.join(_COUNTED_WORDS)})(?=\s+[A-Za-z])"
    r"(?!\s+(?:times|thirds?|quarters?|fifths?|tenths?|out\s+of|"
    rf"in\s+(?:{'|'.join(_WORD_NUMBERS)}))(?!\w))",
    re.IGNORECASE,
)
_WORD_FRACTION = re.compile(
    r"(?<!\w)(one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:out\s+of|in)\s+(two|three|four|five|"
    r"six|seven|eight|nine|ten|twenty|hundred)(?!\w)",
    re.IGNORECASE,
)
# "half of our customers", "three quarters of learners", "a third of": a share in words
_PARTS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_PART_OF = re.compile(
    r"(?i)(?<![\w-])(?P<part>(?P<half>half)|(?P<count>a|one|two|three|four|nine)[\s-]+"
    r"(?P<piece>thirds?|quarters?|fifths?|tenths?))(?=\s+of\b)"
)
# "cuts paperwork by half", "reduces waiting times by a third": a reduction in words, as a percent
_BY_PART = re.compile(
    r"(?i)(?<=\bby\s|\bin\s)(?:(?P<half>half)|(?P<count>a|one|two|three)\s+(?P<piece>thirds?|quarters?))"
    r"(?![\w-])"
)
# "in half the time", "in a third of the cost": the part that is left, after the part's words
_IN_PART_OF_THE = re.compile(r"(?i)\s+(?:of\s+)?the\s+(?P<thing>[a-z][\w-]*)")
_MULTIPLIER_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "half": 0.5}
_TIMES_WORD = re.compile(r"^\s*(?:times|fold)(?!\w)|^-fold(?!\w)", re.IGNORECASE)
_WORD_TIMES = re.compile(
    r"(?<!\w)(two|three|four|five|six|seven|eight|nine|ten)\s+times(?!\w)|(?<!\w)(twice|half)(?!\w)",
    re.IGNORECASE,
)

_DOWN_ADJECTIVES = {
    "faster": "time",
    "quicker": "time",
    "sooner": "time",
    "shorter": "time",
    "earlier": "time",
    "early": "time",
    "cheaper": "cost",
    "less": "less",
    "fewer": "fewer",
    "lower": "lower",
    "smaller": "smaller",
    "lighter": "weight",
}
_COMPARATIVE_ADJ = (
    r"faster|quicker|sooner|shorter|earlier|cheaper|less|fewer|lower|smaller|lighter|more|higher|better|"
    r"bigger|larger|longer|greater|stronger|richer|brighter|clearer|safer|warmer|healthier|happier"
)
_UP_AFTER_TIMES = re.compile(
    r"(?i)\s*(?:times\s+)?(?:[\w'-]+\s+)?(?:"
    + "|".join(word for word in _COMPARATIVE_ADJ.split("|") if word not in _DOWN_ADJECTIVES)
    + r")(?![\w-])"
)
_THAN = re.compile(
    r"(?<!\w)(?:than|vs\.?|versus|compared\s+(?:to|with)|against|relative\s+to)\s+(?P<who>[^,;:!?()]+)",
    re.IGNORECASE,
)
_OF_RIVAL = re.compile(r"(?<!\w)(?:of|on|at|with|from)\s+(?P<who>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})")
_PARITY = re.compile(
    r"(?<!\w)(?:(?:just|every\s+bit|at\s+least)\s+)?as\s+(?P<adj>[a-z-]+(?:\s+[a-z-]+)?)\s+as\s+(?P<who>[^,;:!?()]+)"
    r"|(?<!\w)(?:on\s+par\s+with|matches|match|equal\s+to|identical\s+to|the\s+same\s+\w+(?:\s+\w+)?\s+as|"
    r"just\s+like|same\s+as)\s+(?P<who2>[^,;:!?()]+)",
    re.IGNORECASE,
)
_SELF = _words(
    r"before|ever|usual|usually|normal|last\s+\w+|previous(?:ly)?|expected|you\s+think|you'?d\s+expect|"
    r"possible|today|yesterday|the\s+old\s+way|a\s+year\s+ago|it\s+was|they\s+were|we\s+were|average|"
    r"the\s+average|industry\s+average|standard|baseline|national\s+average|(?:the\s+)?(?:asking|list|retail|"
    r"sticker|market|full|original|usual)\s+price|(?:the\s+)?rrp|(?:the\s+)?msrp|the\s+price"
)
_LEAD_WORDS = re.compile(
    r"^(?:(?:the|a|an|your|their|most|many|other|typical|traditional|leading|big|on|at|with|using|in|"
    r"those\s+of|that\s+of|what|you'?d\s+get\s+(?:with|from|at))\s+)+",
    re.IGNORECASE,
)
_CUT_WORDS = re.compile(
    r"\s+(?:and|or|but|while|when|for|at|on|in|by|so|because|who|which|that|with|without|every|each|per|a|"
    r"last|this|next|over|after|since|during|today|now)"
    r"(?!\w).*$|[.…]+$",
    re.IGNORECASE,
)

# A superlative is "the/our/Britain's" + "most <adjective>" or "<adjective>-est" ("our most luxurious
# cream", "Britain's greenest supplier", "the UK's highest-rated"); without the determiner "most" is a
# quantifier ("most hotels") and words that merely end in -est are no superlatives ("interest", "latest").
_NOT_SUPERLATIVE = (
    r"interest|request|harvest|forest|honest|modest|latest|guest|test|contest|invest|west|rest|nest|chest|"
    r"digest|suggest|protest|arrest|manifest|quest|conquest|pest|vest|zest|crest|earnest|priest|behest|"
    r"bequest|inquest|midwest|attest|detest|unrest|everest|newest|biggest\s+(?:\w+\s+)?(?:sale|deal)s?"
)
_DETERMINER = r"(?:the|our|its|their|britain'?s|america'?s|europe'?s|world'?s|[a-z]+['’]s)"
_SUPERLATIVE = re.compile(
    rf"(?<![\w-]){_DETERMINER}\s+(?:(?:very|single|all-?time|new|\w+-?)\s+)?"
    rf"(?:most\s+[a-z]{{4,}}|(?!(?:{_NOT_SUPERLATIVE})(?![\w-]))[a-z]{{2,}}est(?:-[a-z]+)?)(?![\w])"
    r"|(?<![\w-])(?:top|highest|best|most|fastest|lowest)-(?:rated|reviewed|selling|loved|ranked|growing)(?![\w-])",
    re.IGNORECASE,
)
# A comparative with nothing to compare with, sold as the way to do something: "a smarter way to bank",
# "the better choice for families" (not "the other way", "a paper way"; "-er" nouns are left out)
_NOT_COMPARATIVE = (
    r"other|another|under|over|after|never|ever|either|neither|rather|together|whether|user|order|paper|"
    r"power|water|number|member|customer|partner|provider|lender|insurer|retailer|supplier|player|leader|"
    r"super|proper|offer|winter|summer|corner|border|letter|matter|master|meter|computer|server|sooner"
)
_BOAST = re.compile(
    r"(?i)(?<![\w-])(?:a|the)\s+(?:(?:much|far|whole\s+new|new|simply)\s+)?"
    rf"(?:better|(?!(?:{_NOT_COMPARATIVE})\b)[a-z]{{3,}}(?:ier|er))\s+"
    r"(?:way|approach|choice|option|alternative|deal|experience)(?![\w-])"
)
_VAGUE_COMPARATIVE = _words(
    r"better|easier|simpler|smarter|faster|quicker|cheaper|safer|healthier|happier|greener|cleaner|"
    r"stronger|fresher|softer|smoother|quieter|brighter|calmer|clearer|sharper|tastier|richer|warmer|"
    r"cosier|comfier|lighter|tougher|longer-lasting|friendlier|kinder|fairer"
)
_UP_TO_CUES = re.compile(
    rf"{_UP_TO.pattern}|(?<!\w)as\s+(?:little|low|much|many|few|short|quick)\s+as(?!\w)", re.IGNORECASE
)
# "most customers ...", and "Most kitchens are ..." opening the sentence: what most of them get is the median
_TYPICAL = _words(
    rf"typical(?:ly)?|median|the\s+usual|most\s+(?:of\s+(?:our|the)\s+)?(?:{_POPULATION})"
    r"|^most\s+(?:of\s+(?:our|the|your)\s+)?[a-z]+(?:[a-rt-z]s|ies)(?=\s+[a-z])"
)
_AVERAGE = _words(r"on\s+average|average|averages|avg\.?|mean|on\s+a\s+typical\s+\w+\s+average")
_PUFFERY = _words(
    r"best|#\s?1|no\.\s?1|number\s+(?:one|1)|leading|ultimate|unbeatable|unbeaten|unrivall?ed|unmatched|"
    r"world-?class|best-in-class|industry-leading|market-leading|award-winning|revolutionary|effortless(?:ly)?|"
    r"seamless(?:ly)?|hassle-free|stress-free|worry-free|perfect(?:ly)?|amazing|incredible|ultimate|"
    r"smartest|easiest|simplest|fastest|cheapest|lowest|highest|freshest|tastiest|safest|finest|greatest|"
    r"most\s+(?:trusted|reliable|advanced|powerful|secure|loved|popular|affordable|comfortable|"
    r"delicious|innovative)|like\s+never\s+before|second\s+to\s+none|in\s+a\s+league\s+of\s+its\s+own|"
    r"game-?chang(?:er|ing)|unforgettable|exceptional|outstanding|expertly|unparall?el+ed|legendary|love[ds]?|favou?rite|future-proof|peace\s+of\s+mind|lightning-?fast|blazing(?:ly)?\s+fast"
)
_LOWER_LEVEL = _words(
    r"within|in\s+under|under|in\s+less\s+than|less\s+than|no\s+more\s+than|at\s+most|takes?|taking|"
    r"in\s+(?:just|only|as\s+little\s+as)|in|down\s+to|as\s+little\s+as|as\s+low\s+as|only|just|"
    r"(?:cuts?|reduces?|brings?|lowers?|drops?|dropped|falls?|fell|(?:comes?|goes?)\s+down)"
    r"\s+(?:[\w'-]+\s+){0,4}?(?:to|down\s+to)"
)
_REDUCE_VERBS = _words(
    r"cuts?|cutting|reduces?|reduced|reducing|reduction|lowers?|lowered|lowering|slash(?:es|ed)?|trims?|"
    r"drops?|dropped|falls?|fell|declines?|declined|sinks?|(?:comes?|goes?|went|came)\s+down|"
    r"decreases?|decreased|shrinks?|shrank|halves|halved|minimi[sz]es?|eliminates?|fewer|less|lower|shorter|"
    r"faster|quicker|sooner|earlier|cheaper"
)
_GAIN_VERBS = _words(
    r"saves?|saved|saving|savings|earns?|earned|earning|gains?|gets?\s+back|boosts?|boosted|increases?|"
    r"increased|raises?|grows?|grew|more|extra|higher|improves?|improved|adds?|lifts?|rises?"
)
_PRICE_BEFORE = re.compile(
    r"(?:from|only|just|for|costs?|priced\s+at|starting\s+at|starts\s+at|plans?\s+(?:from|at)|"
    r"over|above|orders?\s+(?:of|over)|spend|spending|minimum|min\.?)\s*$",
    re.IGNORECASE,
)
_NOT_OUTCOME_AFTER = re.compile(
    r"^\s*(?:[\w'-]+\s+){0,2}?(?:countries|cities|languages|currencies|locations|branches|stores|airports|destinations|"
    r"channels|titles|recipes|plans|apps|integrations|awards|reviews|ratings|stars?\s+on|years?\s+of\s+"
    r"experience|years?\s+in\s+business|staff|employees|partners|brands|products|shows|films|movies|"
    r"songs|tracks|podcasts|cuisines|dishes|menu|stations|hotels|airlines|routes|gyms|classes|"
    r"trainers|coaches|support|customer\s+support|service)(?!\w)",
    re.IGNORECASE,
)
_SOCIAL_PROOF_BEFORE = re.compile(
    r"(?:join|joined|trusted\s+by|used\s+by|loved\s+by|chosen\s+by|serving|serves|over|more\s+than|"
    r"than|nearly|almost|already|helped|helping|with)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_RATING_AFTER = re.compile(r"^\s*(?:out\s+of|/)\s*(5|10|100)(?:\s+stars?)?(?!\w|[.,]\d)", re.IGNORECASE)
_STOP = frozenset(
    re.findall(
        r"\S+",
        "a an the your our their its my of to for on in at by with from and or but that this these "
        "those is are was were be been being it you we they us them than as up so into per each every "
        "any all more less fewer most just only about over under within around nearly almost same "
        "very also even still then get gets getting got will can could would should may might do does "
        "did have has had no not one",
    )
)
_UNIT_SKIP = frozenset(
    re.findall(
        r"\S+",
        "extra more fewer less fresh full whole free new additional fewer healthy delicious happy "
        "real actual precious valuable wasted hard",
    )
)
_EVENTS = (
    (r"transfer|send\s+money", "transfer"),
    (r"refund", "refund"),
    (r"pay\s+(?:for\s+)?(?:it|them)sel|payback|pays?\s+back", "payback"),
    (r"check[\s-]?in|boarding", "check_in"),
    (r"deliver|delivery|delivered|arriv|doorstep|ships?\b|shipped|shipping|dispatch", "delivery"),
    (r"\bpaid\b|\bpay\b|payment|payout|get\s+your\s+money|funds|refund", "payment"),
    (r"set\s*up|setup|set-up|up\s+and\s+running|go\s+live|live\s+in", "setup"),
    (r"install", "install"),
    (r"onboard", "onboarding"),
    (r"respon|reply|replies|answer|pick\s+up|picked\s+up", "response"),
    (r"resolv|fix|solved", "resolution"),
    (r"approv|decision", "approval"),
    (r"switch", "switch"),
    (r"cook|on\s+the\s+table|prep|dinner|meal", "meal_ready"),
    (r"connect|activat", "activation"),
    (r"charg", "charge"),
    (r"load|start|playback|stream", "start"),
    (r"recover|results|see\s+results|visible", "results"),
    (r"\bbook(?:ing|ings|ed)?\b|reserv", "booking"),
    (r"ready", "ready"),
)


def _slug(text: str, limit: int = 40) -> str:
    return slug(text, separator="_", limit=limit)


_METRIC_STOP = frozenset(
    re.findall(
        r"\S+",
        "average averages typical typically median usual approximately around roughly say says said "
        "report reported agree tell told customers users clients members people subscribers never longer "
        "later",
    )
)


def _content_words(text: str, limit: int = 3) -> list[str]:
    text = re.sub(r"(?i)\bon\s+time\b", "on_time", text)
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'_-]*", text)]
    words = [w.replace("'", "") for w in words if w not in _STOP and w not in _METRIC_STOP and len(w) > 1]
    return words[:limit]


# --------------------------------------------------------------------------- numbers in a sentence


@dataclass(frozen=True)
class _Value:
    """One number of the sentence that may be a promised outcome."""

    start: int
    end: int
    value: float
    percent: bool = False
    times: bool = False
    fraction: bool = False
    currency: str = ""
    unit_word: str = ""  # the unit written after the number, as canonical as we can make it
    unit_end: int = 0
    period: str = ""
    rating_of: int = 0  # "4.8 out of 5" → 5


def _number_value(number: _Number) -> float | None:
    if number.fraction is not None:
        return number.fraction
    if not number.readings:
        return None
    scale = max(reading[2] for reading in number.readings)
    value, _, _ = next(reading for reading in number.readings if reading[2] == scale)
    result = float(Decimal(value) * Decimal(str(scale)))
    return result if math.isfinite(result) else None


def _currency_of(written: str, after: str) -> str:
    for symbol in sorted(_CURRENCIES, key=len, reverse=True):
        if written.startswith(symbol) or written.startswith(symbol.lower()):
            return _CURRENCIES[symbol]
    word = re.match(r"\s*([A-Za-z]+)", after)
    return _CURRENCY_WORDS.get(word.group(1).lower(), "") if word else ""


def _values(sentence: str) -> list[_Value]:
    """The numbers of the sentence that may be promised outcomes, with their units, in text order."""
    found: list[_Value] = []
    numbers = _numbers(sentence) + _word_numbers(sentence)
    if not numbers and not (
        _WORD_FRACTION.search(sentence) or _PART_OF.search(sentence) or _WORD_TIMES.search(sentence)
    ):
        numbers = _article_levels(sentence)
    for part in _BY_PART.finditer(sentence):
        share = _part_value(part)
        if re.search(r"(?i)\bin\s$", sentence[: part.start()]) and _IN_PART_OF_THE.match(
            sentence, part.end()
        ):
            # "in half the time", "in a third of the time": what is left, so the cut is the rest
            share = 1 - share
        percent = Decimal(str(round(100 * share, 2)))
        numbers.append(_Number(part.start(), part.end(), ((percent, 0, 1.0),), percent=True))
    numbers.sort(key=lambda number: number.start)
    skip_until = -1
    for number in numbers:
        if number.start < skip_until or not number.counts:
            continue
        value = _number_value(number)
        if value is None:
            continue
        written = sentence[number.start : number.end]
        after = sentence[number.end :]
        before = sentence[: number.start]
        if re.match(r"^\s*/\s*7|^\s*[-–—]\s*\d|^\s*:\s*\d", after) or re.search(
            r"[\d/–—-]\s*$|\d\s*:\s*$|:$", before
        ):
            continue  # 24/7, phone numbers, times of day, ranges ("2-3 days", "0–60 mph")
        if _a_standards_name(sentence, before, after):
            continue  # "SOC 2 Type II", "ISO 27001 certified": a standard's name, not an outcome
        promotion = number.percent and re.match(r"(?i)^\s*(?:off|discount)(?!\w)", after)
        if re.match(r"0\d", written) or promotion or re.match(r"G(?![\w-])", after):
            continue  # phone numbers and codes; "60% off" is a promotion, not an outcome; "5G" a name
        if re.search(r"(?i)\dk$", written) and re.match(
            r"(?i)^\s*(?:time|run|race|pb|pr|training)(?!\w)", after
        ):
            continue  # "your 5k time": a race distance
        times = bool(re.search(r"[x×]$", written, re.IGNORECASE))
        frequency = re.match(
            r"(?i)^\s*times\s+(?=(?:a|an|per|each|every)\s+(?:day|week|month|year)\b)", after
        )
        times_word = _TIMES_WORD.match(after)
        if not times and not frequency and times_word:
            times = True
            after = after[times_word.end() :]
        currency = _currency_of(written, after)
        rating = _RATING_AFTER.match(after)
        rating_of = int(rating.group(1)) if rating and number.fraction is None else 0
        if rating:
            skip_until = number.end + rating.end()
        unit_word, unit_end = "", number.end
        if frequency:
            unit_word, unit_end = "times", number.end + frequency.end()
        elif not (number.percent or times or rating_of or number.fraction is not None):
            unit_word, unit_end = _unit_after(sentence, number.end, currency)
        period_match = _PERIOD.match(sentence, unit_end) or _PERIOD_LATER.search(sentence, unit_end)
        period = ""
        if period_match:
            word = (period_match.group(1) or period_match.group(2) or "").lower()
            period = _PERIODS.get(word) or _PERIOD_ADVERBS.get(word, "")
        found.append(
            _Value(
                number.start,
                number.end,
                value,
                percent=number.percent,
                times=times,
                fraction=number.fraction is not None,
                currency=currency,
                unit_word=unit_word,
                unit_end=unit_end,
                period=period,
                rating_of=rating_of,
            )
        )
    return found


# "installed in under a week", "fitted in a day": a level written with the article, one of the unit. Read only
# when the sentence has no other number: beside one it is a timeframe ("75% get a promotion within a year")
_ARTICLE_LEVEL = re.compile(
    r"(?i)(?<![\w-])(?:within|in(?:\s+(?:under|less\s+than|just|only))?|under|less\s+than)\s+(an?)\s+"
    r"(?=(?:second|minute|hour|day|week|fortnight|month|year)\b)"
)


def _article_levels(sentence: str) -> list[_Number]:
    return [
        _Number(match.start(1), match.end(1), ((Decimal(1), 0, 1.0),))
        for match in _ARTICLE_LEVEL.finditer(sentence)
    ]


def _a_standards_name(sentence: str, before: str, after: str) -> bool:
    """True for a number right after an acronym that names a standard or a model ("SOC 2", "ISO 27001",
    "PCI DSS 4"), unless a mark or a unit follows it ("NPS 70%", "EV 300 miles"); not in an all-caps line."""
    if sentence.isupper() or not re.search(r"(?<![\w-])[A-Z]{2,}[\w-]*\s+$", before):
        return False
    if re.match(r"\s*(?:%|[x×](?!\w)|times\b)", after, re.IGNORECASE):
        return False
    word = re.match(r"\s*-?\s*([A-Za-z]+)", after)
    return not (word and (word.group(1).lower() in _TIME_UNITS or _MEASURES.fullmatch(word.group(1))))


def _word_numbers(sentence: str) -> list[_Number]:
    """Numbers written as words before another word ("two levels", "three days sooner")."""
    found = []
    for match in _WORD_NUMBER.finditer(sentence):
        value = Decimal(_COUNTED_WORDS[match.group(1).lower()])
        found.append(_Number(match.start(), match.end(), ((value, 0, 1.0),)))
    return found


def _unit_after(sentence: str, end: int, currency: str) -> tuple[str, int]:
    """The unit word written after a number ("5 hours", "2-day", "450 kWh"), and where it ends."""
    position = end
    for _ in range(3):
        match = re.match(r"\s*-?\s*([A-Za-z][A-Za-z'-]*)", sentence[position:])
        if not match:
            return "", end
        word = match.group(1)
        lower = word.lower().rstrip("'")
        if lower in _CURRENCY_WORDS and not currency:
            return _CURRENCY_WORDS[lower], position + match.end()
        if lower in _UNIT_SKIP:
            position += match.end()
            continue
        modifier = (
            word.isupper()
            and len(word) > 1
            and re.match(rf"\s+(?:{_POPULATION})(?!\w)", sentence[position + match.end() :], re.IGNORECASE)
        )
        if lower in _TIME_UNITS and not modifier:  # "HR teams" is no number of hours
            return _TIME_UNITS[lower], position + match.end()
        if lower in _STOP or lower in {"times", "percent"}:
            return "", end
        if currency:
            return "", end
        return (word if any(c.isupper() for c in word[1:]) else lower), position + match.end()
    return "", end


_MEASURES = _words(
    r"calories|kcal|steps|points|levels|grades?|marks|miles|kilometres|kilometers|km|metres|meters|kilos|"
    r"kilograms|kg|pounds|lbs|litres|liters|gallons|degrees|inches|cm|mm|reps|pages|words|beats|clicks|"
    r"taps|stars|servings|portions|units|kwh|mbps|gbps|mb|gb|tb|watts|kw"
)
_COUNT_NOUN_AFTER = re.compile(
    rf"^\s*(?:[\w'-]+\s+){{0,2}}?(?:(?:{_POPULATION})(?!\w)|(?!times\b)[a-z]+(?:[a-rt-z]s|ies|men|ren)(?![\w-]))",
    re.IGNORECASE,
)
_COUNT_IS_OUTCOME = re.compile(
    r"(?i)\b(?:by|in|within|under|takes?|sav(?:e|es|ed|ing)|earn(?:s|ed)?|burn(?:s|ed)?|los(?:e|es|t)|"
    r"gain(?:s|ed)?|get\s+back|cuts?|reduces?|raises?|boosts?|adds?|recovers?|discovers?|finds?|wins?|"
    r"closes?|makes?|books?|sells?)\b(?:\s+[\w'-]+){0,4}?\s*$"
)


# The terms of the offer, not an outcome: "3 months free", "a 30-day money-back guarantee", "try it free
# for 30 days", "cancel within 14 days", "5-year warranty"
_OFFER_TERM_AFTER = re.compile(
    r"(?i)^\s*(?:of\s+)?(?:free|trial|money[\s-]?back|guarantee|warranty|returns?|cooling[\s-]off|notice|"
    r"contract|commitment|minimum\s+term|on\s+us)(?![\w-])"
)
_OFFER_TERM_BEFORE = re.compile(
    r"(?i)\b(?:free\s+for|free\s+trial\s+(?:of|for)|trial\s+(?:of|for)|warranty\s+(?:of|for)|guaranteed?\s+for|"
    r"returns?\s+(?:it\s+)?within|cancel(?:lation)?\s+(?:\w+\s+)?(?:within|up\s+to)|borrow|lend|"
    r"loans?\s+(?:of|from)|credit\s+(?:limits?\s+)?(?:of|from)|overdrafts?\s+(?:of|from)|"
    r"cover(?:age)?(?:\s+(?:of|from))?|limits?\s+of)\s+(?:up\s+to\s+)?$"
)


_MADE_OF = re.compile(
    r"(?i)(?:\b(?:made|crafted|brewed|built|produced|woven|spun|blended)\s+(?:[a-z]+ly\s+)?(?:with|from|of|using)"
    r"|\b(?:contains?|containing))\s+$"
)
_CHANGE_AFTER = re.compile(r"(?i)\s*(?:[\w'-]+\s+)?(?:less|more|fewer|lower|higher|extra|of)(?![\w-])")
_AWARDS_AFTER = re.compile(
    r"(?i)\s+(?:[\w'’-]+\s+){0,4}?(?:awards?|prizes?|accolades|medals|trophies|nominations)(?![\w-])"
)
_ENDORSED_BY = re.compile(
    r"(?i)\b(?:trusted|used|loved|chosen|relied\s+on|backed|recommended|rated)\s+by\s+"
    r"(?:over\s+|more\s+than\s+|nearly\s+|almost\s+)?$"
)


def _a_bare_count(sentence: str, value: _Value) -> bool:
    """True for a plain number of things with no word that makes it an outcome: "we operate 40
    warehouses", "trusted by 4,000 HR teams", "up to four screens" (a plan's allowance). Numbers become
    outcomes by a measure ("600 calories"), a period ("12 artists a month"), "on average" or "typical",
    "more"/"fewer" after them or a verb of change or reach before them ("in 3 clicks", "saves 40 ...")."""
    if value.percent or value.times or value.fraction or value.currency or value.rating_of:
        return False
    if value.period or value.unit_word.lower() in _TIME_UNITS.values() or value.unit_word == "times":
        return False
    after = sentence[value.end :]
    noun = _COUNT_NOUN_AFTER.match(after)
    if (
        not noun
        or _MEASURES.search(noun.group(0))
        or re.match(r"(?i)\s*(?:more|fewer|less|extra|additional)\b", after)
    ):
        return False
    if _AVERAGE.search(sentence) or _TYPICAL.search(sentence):
        return False
    before = re.sub(
        r"(?i)\b(?:up\s+to|as\s+many\s+as|over|more\s+than|nearly|almost)\s*$", "", sentence[: value.start]
    )
    return not _COUNT_IS_OUTCOME.search(before.rstrip() + " ")


def _is_outcome(sentence: str, value: _Value) -> bool:
    """False for numbers that count customers or things, price the offer or set a threshold."""
    before = sentence[: value.start]
    after = sentence[value.unit_end if value.unit_word else value.end :]
    if (
        value.percent
        and re.search(r"(?i)\b(?:from|starting\s+(?:at|from))\s+$", before)
        and not _GAIN_VERBS.search(before[-25:])
    ):
        return False  # "mortgage rates from 3.9%": the price of the offer
    ranged = re.search(r"(?i)\bfrom\s+\S+\s+(?:to|and)\s+$", before)
    if ranged and not _REDUCE_VERBS.search(before) and not _GAIN_VERBS.search(before):
        # "loans from £1,000 to £25,000": the offer's range; "charges from 0 to 50% in 30 minutes": a span
        # covered, the condition of the claim
        return False
    if value.percent and _MADE_OF.search(before) and not _CHANGE_AFTER.match(sentence, value.end):
        return False  # "made with 100% Arabica beans", "contains 20% vitamin C": what it is made of
    if value.percent or value.times or value.fraction:
        return True
    if re.match(r"(?i)\s*[ap]\.?m\.?(?!\w)", sentence[value.end :]):
        return False  # "order before 10pm": a time of day
    if _ENDORSED_BY.search(before) or re.search(r"(?i)\btop\s+$", before):
        return False  # "trusted by 9 of the top 10 retailers": who uses it and a rank, no outcome
    if _AWARDS_AFTER.match(sentence, value.end):
        return False  # "winner of 12 Game of the Year awards": who praised it, no outcome
    if _a_bare_count(sentence, value) or _OFFER_TERM_AFTER.match(after) or _OFFER_TERM_BEFORE.search(before):
        return False
    if value.currency and _PRICE_BEFORE.search(before) and not _GAIN_VERBS.search(before[-25:]):
        return False
    if (
        value.unit_word
        and _POPULATION_WORD.fullmatch(value.unit_word)
        and value.unit_word.lower()
        not in {
            "meals",
            "meal",
        }
    ):
        return False  # "join 10,000 teams", "trusted by 2 million families"
    if (
        not value.unit_word
        and re.match(r"^\s*(?:[\w'-]+\s+){0,2}?(?:" + _POPULATION + r")(?!\w)", after, re.I)
        and (
            _SOCIAL_PROOF_BEFORE.search(before)
            or not before.strip()
            or re.search(r"(?i)\b(?:by|for)\s+$", before)
        )
    ):
        return False
    unit_words_after = sentence[value.end :]
    if _NOT_OUTCOME_AFTER.match(unit_words_after) or _NOT_OUTCOME_AFTER.match(" " + value.unit_word):
        return False
    if re.match(
        r"(?i)^\s*(?:7\s+days?\s+a\s+week|24\s+hours?\s+a\s+day|365\s+days?\s+a\s+year)",
        sentence[value.start :],
    ):
        return False  # opening hours, not an outcome
    if re.search(
        r"(?i)(?:since|founded\s+in|established|est\.|in\s+business\s+for|step|plan|tier|every)\s*$", before
    ):
        return False
    return (
        not re.search(r"(?i)(?:over|more\s+than)\s+$", before)
        or not _SOCIAL_PROOF_BEFORE.search(before)
        or (bool(value.unit_word) and not _POPULATION_WORD.fullmatch(value.unit_word))
        or (bool(value.currency) and bool(_GAIN_VERBS.search(before[-25:])))  # "save over £300"
    )


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class _Facts:
    sentence: str
    values: tuple[_Value, ...]


def _competitor(phrase: str) -> str | None:
    """The party compared with, from the words after "than" / "as ... as" / "vs", or None for
    self-comparisons ("than before", "than ever") and empty phrases."""
    phrase = phrase.strip()
    if not phrase or _oneself(phrase) or re.match(r"(?:[$€£¥₹]|R\$)?\s*\d", phrase):
        return None
    capitals = re.match(
        r"^(?:(?:the|a|an|on|at|with|using|in|your|those\s+of|that\s+of)\s+)*"
        r"([A-Z0-9][\w&'.+-]*(?:\s+(?:[A-Z0-9][\w&'.+-]*|&|of|de|and))*)",
        phrase,
    )
    if capitals:
        name = re.sub(r"(?:\s+(?:of|de|and|&))+$", "", capitals.group(1)).rstrip(".")
        name = re.sub(r"['’]s$", "", name)
        if name and not _SELF.fullmatch(name):
            return name
    phrase = _LEAD_WORDS.sub("", phrase)
    phrase = _CUT_WORDS.sub("", phrase).strip(" .'\"")
    words = phrase.split()[:4]
    if not words or _oneself(" ".join(words)):
        return None
    return " ".join(words)


_STOP_WORD = re.compile(r"(?:" + "|".join(sorted(_STOP, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _oneself(phrase: str) -> bool:
    """True when the comparison is with oneself or no one ("before", "ever", "the asking price"); not
    when more words name a benchmark ("the price cap", "the average bank")."""
    own = _SELF.match(phrase)
    if own is None:
        return False
    more = re.match(r"\s+([a-z]{3,})", phrase[own.end() :])
    return more is None or bool(_STOP_WORD.fullmatch(more.group(1))) or bool(_SELF.match(more.group(1)))


def _share_of(facts: _Facts) -> tuple[_Value, float] | None:
    sentence = facts.sentence
    for value in facts.values:
        if value.fraction and 0 < value.value <= 1:
            return value, value.value
        if _BY_PART.match(sentence, value.start):
            continue  # "by half", "in a third of the time": a cut in words, not a share
        if value.percent and 0 < value.value <= 100 and _SHARE_OF.match(sentence[value.end :]):
            return value, value.value / 100
        if value.percent and 0 < value.value <= 100 and _a_share_as_object(sentence, value):
            return value, value.value / 100
    match = _WORD_FRACTION.search(sentence)
    if match:
        top, bottom = _WORD_NUMBERS[match.group(1).lower()], _WORD_NUMBERS[match.group(2).lower()]
        if 0 < top <= bottom:
            return _Value(match.start(), match.end(), top / bottom, fraction=True), top / bottom
    for part in _PART_OF.finditer(sentence):
        if re.search(r"(?i)\bin\s+$", sentence[: part.start()]):
            continue  # "in a third of the time": a cut, not a share
        if _SHARE_OF.match(sentence[part.end("part") :]):
            share = _part_value(part)
            return _Value(part.start(), part.end("part"), share, fraction=True), share
    return None


# "Kills 99.9% of bacteria", "blocks 99% of phishing emails": a percent of a short noun phrase that ends the
# clause, taken by a verb that is not one of saving, cutting, spending or pricing ("save 20% of your bill")
_OBJECT_OF = re.compile(
    r"(?i)^\s*of\s+(?:(?:the|all|known|common|your|our|their)\s+)?[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,2}?"
    r"\s*(?:[.,;:!?]|$|\s+(?:in|on|at|from|within|before|after|for|with|without|every|each|and|or)\b)"
)
_VERB_BEFORE = re.compile(r"(?i)(?:^|\s)(?P<verb>[a-z]{3,}(?:s|es|ed)?)\s+$")
_NOT_A_SHARE_VERB = _words(
    r"spends?|spent|uses?|used|pays?|paid|costs?|charges?|takes?|took|keeps?|kept|gives?|gave|offers?|"
    r"returns?|refunds?|covers?|funds?|invests?|lends?|borrows?|waives?|matches?|back"
)


def _a_share_as_object(sentence: str, value: _Value) -> bool:
    verb = _VERB_BEFORE.search(sentence[: value.start])
    if verb is None or not _OBJECT_OF.match(sentence[value.end :]):
        return False
    word = verb.group("verb")
    return not (
        word.lower() in _STOP
        or _GAIN_VERBS.fullmatch(word)
        or _REDUCE_VERBS.fullmatch(word)
        or _NOT_A_SHARE_VERB.fullmatch(word)
        or _PRICE_BEFORE.fullmatch(word)
    )


def _part_value(part: re.Match[str]) -> float:
    if part.group("half"):
        return 0.5
    count = part.group("count").lower()
    top = 1 if count in {"a", "one"} else _WORD_NUMBERS[count]
    return top / _PARTS[part.group("piece").lower().rstrip("s")]


def _multiplier(facts: _Facts) -> tuple[float, int, int] | None:
    """A multiplier in the sentence: "2x", "3 times", "twice", "half": (value, start, end)."""
    for value in facts.values:
        if value.times and value.value > 0:
            return value.value, value.start, value.end
    match = _WORD_TIMES.search(facts.sentence)
    if match:
        if match.group(1):
            return float(_WORD_NUMBERS[match.group(1).lower()]), match.start(), match.end()
        return _MULTIPLIER_WORDS[match.group(2).lower()], match.start(), match.end()
    return None


def _comparison(facts: _Facts) -> tuple[str, str | None, int] | None:
    """The comparative word and the party compared with ("faster", "Rival", position)."""
    sentence = facts.sentence
    than = _THAN.search(sentence)
    adjective = re.search(rf"(?<!\w)({_COMPARATIVE_ADJ})(?!\w)", sentence, re.IGNORECASE)
    if than:
        who = _competitor(than.group("who"))
        if who is None:
            return None
        word = adjective.group(1).lower() if adjective and adjective.start() < than.start() else ""
        return word, who, than.start()
    multiplier = _multiplier(facts)
    if multiplier:
        rival = None
        for match in _OF_RIVAL.finditer(sentence, multiplier[2]):
            rival = _competitor(match.group("who"))
            if rival:
                break
        of_a = re.search(
            r"(?i)^\s*(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+of\s+(?P<who>(?:a|an|the|your)\s+[^,;:!?()]+)",
            sentence[multiplier[2] :],
        )
        if of_a and not rival:
            rival = _competitor(re.sub(r"(?i)\s+(?:last|this|per|a|every)\s+\w+$", "", of_a.group("who")))
        those = re.search(r"(?i)^\s*(?:those|that)\s+of\s+(?P<who>[^,;:!?()]+)", sentence[multiplier[2] :])
        if those:
            rival = _competitor(those.group("who")) or rival
        as_as = re.search(
            r"(?i)(?<!\w)as\s+(?:[\w-]+\s+){1,3}?as\s+(?P<who>[^,;:!?()]+)", sentence[multiplier[2] :]
        )
        if as_as:
            rival = _competitor(as_as.group("who")) or rival
        if rival:
            word = adjective.group(1).lower() if adjective else ""
            if as_as and not word:  # "twice as fast as X" compares like "2x faster than X"
                base = re.match(r"(?i)\s*as\s+([\w-]+)", sentence[multiplier[2] :])
                word = _AS_AS_COMPARATIVE.get(base.group(1).lower(), "") if base else ""
            return word, rival, multiplier[1]
    return None


_AS_AS_COMPARATIVE = {
    "fast": "faster",
    "quick": "quicker",
    "quickly": "quicker",
    "cheap": "cheaper",
    "cheaply": "cheaper",
    "short": "shorter",
    "low": "lower",
    "few": "fewer",
    "little": "less",
    "soon": "sooner",
    "early": "earlier",
}
_GROWTH = _words(
    r"grows?|growing|earns?|earning|builds?|building|learns?|learning|gains?|gaining|improves?|"
    r"progress(?:es)?|climbs?|rises?|recovers?|heals?"
)


def _direction_of_comparison(word: str, sentence: str) -> Direction:
    if word in {"faster", "quicker"} and _GROWTH.search(sentence.split(word)[0]):
        return Direction.higher  # "grow your savings 2x faster": a rate, more is better
    if word in _DOWN_ADJECTIVES:
        return Direction.lower
    if word:
        return Direction.higher
    if re.search(r"(?i)\b(?:fees?|prices?|costs?|bills?|premiums?|rates?|charges?|commission)\b", sentence):
        return Direction.lower
    return (
        Direction.lower
        if _REDUCE_VERBS.search(sentence) and not _GAIN_VERBS.search(sentence)
        else Direction.higher
    )


def _ratio(facts: _Facts, word: str, direction: Direction, saved: _Value | None = None) -> tuple[float, str]:
    """The ratio ours ÷ theirs of the metric, and how it was read (``saved``: the percent of "save 20%
    compared with X", :func:`_saved_percent`, found by the caller)."""
    multiplier = _multiplier(facts)
    speed = word in {"faster", "quicker"}
    if multiplier:
        value = multiplier[0]
        if direction is Direction.lower and value > 1:
            return (
                1 / value,
                f"'{facts.sentence[multiplier[1] : multiplier[2]]}' {word}: ratio 1/{_fmt(value)}",
            )
        return value, f"multiplier '{facts.sentence[multiplier[1] : multiplier[2]]}'"
    if saved is not None:
        p = saved.value / 100
        return max(1 - p, 1e-6), f"save {_fmt(saved.value)}%: ratio 1 - {_fmt(p)}"
    percent = next((v for v in facts.values if v.percent), None)
    if percent is not None and not word and re.search(r"(?i)\bby\s+$", facts.sentence[: percent.start]):
        # "cut your food waste by 40% compared with X": a change by a percent, its way the direction's
        p = percent.value / 100
        if direction is Direction.lower:
            return max(1 - p, 1e-6), f"by {_fmt(percent.value)}%, less: ratio 1 - {_fmt(p)}"
        return 1 + p, f"by {_fmt(percent.value)}%, more: ratio 1 + {_fmt(p)}"
    if percent is not None and word:
        p = percent.value / 100
        if speed:
            return 1 / (1 + p), f"{_fmt(percent.value)}% {word}: time ratio 1/(1 + {_fmt(p)})"
        if direction is Direction.lower:
            return max(1 - p, 1e-6), f"{_fmt(percent.value)}% {word}"
        return 1 + p, f"{_fmt(percent.value)}% {word}"
    return 1.0, f"'{word or 'compared'}' with no number: ratio 1"


def _saved_percent(facts: _Facts) -> _Value | None:
    """The percent of "save 20% compared with X", "saves 15% on Y vs X": straight after a saving verb,
    what ours costs is that much less than the rival's."""
    percent = next((v for v in facts.values if v.percent), None)
    if percent is not None and _SAVE_BEFORE.search(facts.sentence[: percent.start]):
        return percent
    return None


_SAVE_BEFORE = re.compile(r"(?i)\bsav(?:e|es|ed|ing)\s+(?:(?:you|your\s+\w+)\s+)?$")


def _fmt(value: float) -> str:
    return f"{value:g}"


def _main_value(facts: _Facts, after: int = 0) -> _Value | None:
    candidates = [v for v in facts.values if v.start >= after and _is_outcome(facts.sentence, v)]
    if not candidates:
        return None
    # Prefer a number with a unit or a mark over a bare one
    marked = [v for v in candidates if v.percent or v.currency or v.unit_word or v.times or v.rating_of]
    return (marked or candidates)[0]


_BAR_CUE = re.compile(
    r"(?i)\b(?:within|in\s+under|under|in|in\s+less\s+than|less\s+than|at\s+least|more\s+than|over|"
    r"no\s+more\s+than|at\s+most|by|before|inside)\s*$"
)


def _bar(facts: _Facts, share_value: _Value) -> _Value | None:
    """The bar each customer must reach: the first later number that words like "within" or "at
    least" introduce, else the first later number that is an outcome."""
    candidates = _bar_candidates(facts, share_value)
    cued = [value for value in candidates if _BAR_CUE.search(facts.sentence[: value.start])]
    found = cued or candidates
    return found[0] if found else None


def _bar_candidates(facts: _Facts, share_value: _Value) -> list[_Value]:
    found = []
    for value in facts.values:
        if (
            value.start == share_value.start
            or value.fraction
            or (value.percent and value.start < share_value.end)
        ):
            continue
        timeframe = re.search(
            r"(?i)\b(?:after|for|during|over\s+(?:the|a)|in\s+the\s+first|per|every)\s*$",
            facts.sentence[: value.start],
        )
        if value.start > share_value.end and not timeframe and _is_outcome(facts.sentence, value):
            found.append(value)
    return found


def _unit(value: _Value) -> str:
    if value.percent:
        unit = "%"
    elif value.times:
        unit = "×"
    elif value.rating_of:
        unit = f"points (0-{value.rating_of})"
    elif value.currency:
        unit = value.currency
    else:
        unit = value.unit_word
    if value.period and unit:
        unit = f"{unit}/{value.period}"
    return unit


_UPPER_BOUND = re.compile(
    r"(?i)(?:\b(?:no|not|never|nothing|n't)\b(?:\s+[\w'-]+){0,3}?\s+(?:more|longer|later|over)(?:\s+than)?"
    r"|\bat\s+(?:the\s+)?most|\bno\s+(?:later|longer)\s+than|\bat\s+worst|\bmax(?:imum)?(?:\s+of)?)$"
)


def _level_direction(facts: _Facts, value: _Value) -> Direction:
    """Direction of a promised level ("within 30 minutes" lower, "saves 5 hours" higher)."""
    before = facts.sentence[max(0, value.start - 40) : value.start]
    near = re.sub(r"(?i)\bup[\s-]+to\s*$", "", before).rstrip()
    if re.match(
        r"(?i)\s*(?:[\w'-]+\s+)?(?:more|extra|additional|higher|longer|better)(?!\w)",
        facts.sentence[value.end :],
    ):
        return Direction.higher  # "2,500 more steps", "27 extra minutes of sleep"
    if _UPPER_BOUND.search(near):
        return Direction.lower  # "no more than 5 days", "never wait more than 2 minutes": a ceiling
    if _GAIN_VERBS.search(before[-30:]) and not re.search(r"(?i)(?:less|fewer|lower)\s*$", near):
        return Direction.higher
    if _LOWER_LEVEL.search(near[-30:] + " ") and re.search(
        r"(?i)(?:within|under|less\s+than|no\s+more\s+than|at\s+most|takes?|taking|in|just|only|little\s+as|"
        r"low\s+as|to|down\s+to)\s*$",
        near,
    ):
        return Direction.lower
    if value.unit_word in _TIME_UNITS.values() and re.search(r"(?i)(?:\bin\b|\bwithin\b)[^.]*$", near):
        return Direction.lower
    if value.unit_word in _TIME_UNITS.values() and re.search(
        r"(?i)\b(?:times?|wait(?:s|ing)?|delays?|turnaround|latency|queues?|downtime)\b", before
    ):
        return Direction.lower  # "time to first response: 12 minutes": a time taken
    return Direction.higher


_BY_AMOUNT = re.compile(r"(?i)(?:\bby|\bup\s+to|\bas\s+much\s+as|\bover|\bnearly|\balmost)\s*$")


def _change(facts: _Facts, value: _Value) -> tuple[str, str] | None:
    """When the number is a reduction ("cuts X by 40%", "40% less X", "9 days faster"): the
    reduced thing and the reducing word; None when it is a level or a gain."""
    sentence = facts.sentence
    before = sentence[: value.start]
    after_unit = sentence[value.unit_end if value.unit_word else value.end :]
    after = re.match(
        r"\s*(?:of\s+)?(?:[\w'-]+\s+){0,1}?(less|fewer|lower|faster|quicker|sooner|shorter|earlier|early|"
        r"ahead|cheaper|off)(?!\w)",
        after_unit,
        re.IGNORECASE,
    )
    than = _THAN.search(sentence[value.end :])
    rival = than is not None and _competitor(than.group("who")) is not None
    left = _IN_PART_OF_THE.match(sentence, value.end) if re.search(r"(?i)\bin\s+$", before) else None
    if left and value.percent and not rival and _BY_PART.match(sentence, value.start):
        return left.group("thing").lower(), "in"  # "in half the time": the time, cut by half
    if after and not rival and not re.match(r"(?i)\s*or\b", after_unit):
        word = after.group(1).lower()
        rest = after_unit[after.end() :]
        thing = (
            _thing(rest)
            or _thing(before, verb_first=True)
            or ("time" if _DOWN_ADJECTIVES.get(word) == "time" else "")
        )
        return thing, word
    verb = None
    for match in _REDUCE_VERBS.finditer(before):
        if match.group(0).lower() not in {
            "less",
            "lower",
            "fewer",
            "faster",
            "quicker",
            "sooner",
            "shorter",
            "earlier",
            "cheaper",
        }:
            verb = match
    if verb:
        between = before[verb.end() :]
        if _BY_AMOUNT.search(between) or re.search(
            r"(?i)(?:\bby\s+up\s+to|\bby\s+(?:as\s+much\s+as|over))\s*$", between
        ):
            thing = _thing(between) or ""
            return thing, verb.group(0).lower()
        if not between.strip() or re.match(
            r"^\s*(?:up\s+to|as\s+much\s+as|nearly|almost|over)?\s*$", between, re.I
        ):
            return _thing(after_unit) or "", verb.group(0).lower()
    return None


def _thing(text: str, verb_first: bool = False) -> str:
    """The content words of a short noun phrase: "your heating bill by" → heating_bill."""
    text = re.split(
        r"(?i)\b(?:by|with|when|if|thanks|compared|than|vs|because|so|and\s+get)\b|[,.;:!?]", text
    )[0]
    if verb_first:
        words = _content_words(text, 6)
        words = [w for w in words if not _REDUCE_VERBS.fullmatch(w) and not _GAIN_VERBS.fullmatch(w)]
        return "_".join(words[-2:])
    words = _content_words(text, 3)
    return "_".join(w for w in words if not _TIME_UNITS.get(w) and w not in _PERIODS)


def _event(sentence: str) -> str:
    for pattern, name in _EVENTS:
        if re.search(pattern, sentence, re.IGNORECASE):
            return name
    return ""


def _benefit(sentence: str, unit: str) -> BenefitKind:
    lower = sentence.lower()
    if re.search(
        r"home'?s?\s+value|property\s+value|resale|worth\s+more|value\s+of\s+your\s+(?:home|car|house)", lower
    ):
        return BenefitKind.asset_value
    if any(code in unit for code in _CURRENCIES.values()) or re.search(
        r"[$€£¥₹]|\b(?:bills?|costs?|prices?|fees?|interest|cashback|cash\s+back|earn|cheaper|spend|"
        r"spending|money|income|revenue|refund|rates?\s+of\s+return|returns?|apr|premiums?|savings?\s+account|"
        r"tariff|energy\s+bill|overdraft|commission|charges?)\b",
        lower,
    ):
        return BenefitKind.money
    if re.search(
        r"\b(?:rate|rated|rating|stars?|enjoy|happy|happier|satisf|sleep|feel|feels|fun|love|taste|tastier|"
        r"comfort|stress|mood|energi[sz]ed|confident|delicious|warmer|calmer|relax)",
        lower,
    ):
        return BenefitKind.enjoyment
    if unit.split("/")[0] in _TIME_UNITS.values() or re.search(
        r"\b(?:faster|quicker|sooner|hours?|minutes?|days?|weeks?|seconds?|time)\b", lower
    ):
        return BenefitKind.time
    return BenefitKind.capability


def _metric_for_level(
    facts: _Facts, value: _Value, direction: Direction, change: tuple[str, str] | None
) -> str:
    sentence = facts.sentence
    unit = value.unit_word.lower()
    period = f"_per_{value.period}" if value.period else ""
    before = sentence[: value.start]
    after = sentence[(value.unit_end if value.unit_word else value.end) :]
    suffix = "pct" if value.percent else (_slug(value.currency or unit) if (value.currency or unit) else "")
    if change is not None:
        thing, word = change
        if word in {"faster", "quicker", "sooner", "earlier", "early", "ahead"}:
            thing = f"time_to_{_event(sentence) or thing or 'result'}"
        return _join(thing or "outcome", "change", suffix)
    if value.rating_of:
        rated = re.sub(r"(?i)\b(?:rate[sd]?|rating|scores?|scored|give|gives)\b", " ", before)
        return _join(_thing(rated, verb_first=True), "rating")
    gain = re.search(
        r"(?i)\b(increas|boost|rais|improv|grow|lift|add)\w*\s+(.*?)\bby\s+(?:up\s+to\s+|over\s+)?$", before
    )
    if gain:
        return _join(_thing(gain.group(2)) or "outcome", "increase", suffix)
    lost = re.search(r"(?i)\b(los[et]|burn(?:s|ed|t)?|shed)\b", before)
    if lost and unit and not value.percent:
        return _join(unit, "burned" if lost.group(1).lower().startswith("burn") else "lost") + period
    saved = re.search(r"(?i)\b(?:sav(?:e|es|ed|ing)|get\s+back|free\s+up|frees?\s+up|reclaim)\b", before)
    if saved:
        if value.percent:
            on = re.search(r"(?i)\bon\s+(.+)$", after)
            return _join(_thing(on.group(1)) if on else _thing(after), "saving_pct")
        if value.currency:
            return _join(value.currency.lower(), "saved") + period
        return _join(unit or _thing(after), "saved") + period
    if unit in _TIME_UNITS.values() and direction is Direction.lower:
        return _join(unit, "to", _event(sentence) or _thing(before, verb_first=True) or "result")
    if value.percent:
        return _join(_thing(after) or _thing(before, verb_first=True) or "outcome", "pct")
    if value.currency:
        return (
            _join(value.currency.lower(), _thing(after) or _thing(before, verb_first=True) or "amount")
            + period
        )
    if unit == "times" and value.period:
        return _join(_thing(before, verb_first=True) or "times") + period
    if unit:
        if unit in _TIME_UNITS.values():
            return _join(unit, _thing(after)) + period
        return _join(_thing(re.sub(r"(?i)\b(?:of|up\s+to)\s*$", "", before), verb_first=True), unit) + period
    return _join(_thing(after) or _thing(before, verb_first=True) or "outcome") + period


def _join(*parts: str) -> str:
    name = "_".join(_slug(part) for part in parts if part and _slug(part))
    return _slug(name, 60) or "outcome"


def _draft(sentence: str) -> ClaimDraft | None:
    facts = _Facts(sentence, tuple(_values(sentence)))
    outcomes = [v for v in facts.values if _is_outcome(sentence, v)]

    # parity: "as good as X" with no multiplier
    parity = _PARITY.search(sentence)
    multiplier = _multiplier(facts)
    multiplied = multiplier is not None and 0 <= parity.start() - multiplier[2] <= 3 if parity else False
    if parity and not multiplied and not any(v.percent and v.start < parity.start() for v in outcomes):
        who = _competitor(parity.group("who") or parity.group("who2") or "")
        if who:
            adjective = (parity.group("adj") or "").lower()
            lower_words = re.search(
                r"(?i)\b(?:cheap|fast|quick|low|short|light|little|price|cost|fees?)\b",
                parity.group(0).split(who)[0],
            )
            direction = Direction.lower if lower_words else Direction.higher
            metric = _join(
                _thing(sentence[: parity.start()], verb_first=True) or adjective or "quality", "score"
            )
            return ClaimDraft(
                sentence,
                ClaimForm.parity,
                _benefit(sentence, ""),
                metric,
                1.0,
                "ratio",
                direction,
                competitor=who,
                ratio=1.0,
                rule=f"parity: '{parity.group(0).split()[0]} … {who}'",
                confidence=0.8,
            )

    # comparative: a named party with a multiplier, a percent tied to a comparative word, or no number
    comparison = _comparison(facts)
    if comparison:
        word, who, where = comparison
        multiplier = _multiplier(facts)
        saved = None if word or multiplier is not None else _saved_percent(facts)
        has_ratio_number = (
            multiplier is not None or (bool(word) and any(v.percent for v in outcomes)) or saved is not None
        )
        plain_amount = [v for v in outcomes if not v.percent and not v.times]
        if has_ratio_number or not plain_amount:
            direction = _direction_of_comparison(word, sentence)
            if not word and multiplier is not None and multiplier[0] < 1:
                # "in half the time of a manual audit": ours a fraction of theirs boasts only where
                # less is better
                direction = Direction.lower
            benefit = _benefit(sentence, "")
            metric = _comparative_metric(sentence, word, where)
            if saved is not None:
                # "Save 20% compared with Geico": what the customer pays, 20% less than with Geico
                direction = Direction.lower
                if benefit is BenefitKind.capability:  # nothing but the saving says what it is
                    benefit, metric = BenefitKind.money, "cost" if metric == "outcome" else metric
            ratio, how = _ratio(facts, word, direction, saved)
            return ClaimDraft(
                sentence,
                ClaimForm.comparative,
                benefit,
                metric,
                round(ratio, 4),
                "ratio",
                direction,
                competitor=who,
                ratio=round(ratio, 4),
                rule=f"comparative: {how} vs {who}",
                confidence=0.85 if has_ratio_number else 0.6,
            )

    # share: "95% of orders", "9 out of 10 customers"
    share = _share_of(facts)
    if share:
        share_value, fraction = share
        bar = _bar(facts, share_value)
        if bar is not None:
            direction = _level_direction(facts, bar)
            claimed = bar.value
            unit = _unit(bar)
            metric = _metric_for_level(facts, bar, direction, None)
        else:
            direction, claimed, unit = Direction.higher, 1.0, YES_UNIT
            predicate = sentence[share_value.end :]
            of = _SHARE_OF.match(predicate) or re.match(
                rf"(?i)^\s*(?:[\w'-]+\s+){{0,2}}?(?:{_POPULATION})(?!\w)", predicate
            )
            if of:
                predicate = predicate[of.end() :]
            predicate = re.sub(
                r"(?i)^\s*(?:who\s+|that\s+)?(?:say|said|report|reported|agree|told\s+us|tell\s+us|would|will|"
                r"are|were|is|was|get|got|find|found|see|saw|arrive|arrived|feel|felt|have|had)?\s*"
                r"(?:that\s+|they\s+|their\s+|it\s+)?",
                "",
                predicate,
            )
            metric = _join("share", "_".join(_content_words(predicate, 3)) or "yes")
        return ClaimDraft(
            sentence,
            ClaimForm.share,
            _benefit(sentence, unit),
            metric,
            claimed,
            unit,
            direction,
            share=round(fraction, 6),
            rule=f"share: '{sentence[share_value.start : share_value.end]}'",
            confidence=0.9,
        )

    main = _main_value(facts)
    if main is None:
        puff = _PUFFERY.search(sentence) or _SUPERLATIVE.search(sentence) or _BOAST.search(sentence)
        if puff is None and not _THAN.search(sentence):
            puff = _VAGUE_COMPARATIVE.search(sentence)  # "a quieter, smoother ride": better than what?
        if puff:
            return ClaimDraft(
                sentence,
                ClaimForm.puffery,
                _benefit(sentence, ""),
                None,
                None,
                "",
                Direction.higher,
                rule=f"puffery: '{puff.group(0)}' with no number",
                confidence=0.5 if puff.re is not _VAGUE_COMPARATIVE else 0.4,
            )
        return None

    # up to
    form, rule, confidence = ClaimForm.average, "average: a promised number", 0.6
    for match in _UP_TO_CUES.finditer(sentence):
        start, end = match.span()
        if _UP_TO_IDIOM_AFTER.match(sentence, end) or _UP_TO_VERB_BEFORE.search(
            sentence, max(0, start - 20), start
        ):
            continue
        later = _main_value(facts, after=end)
        if later is not None and later.start - end <= 12:
            main, form, rule, confidence = later, ClaimForm.up_to, f"up_to: '{match.group(0)}'", 0.95
            break
    if form is ClaimForm.average:
        typical = _TYPICAL.search(sentence)
        average = _AVERAGE.search(sentence)
        if typical:
            form, rule, confidence = ClaimForm.median, f"median: '{typical.group(0)}'", 0.85
        elif average:
            rule, confidence = f"average: '{average.group(0)}'", 0.9

    change = _change(facts, main)
    if change is not None and main.times and main.value > 1:
        # "loads 2x faster than before": the time halves, a change of -50%
        main = replace(main, value=round((1 - 1 / main.value) * 100, 2), percent=True, times=False)
    grown = (
        _UP_AFTER_TIMES.match(sentence, main.end)
        if change is None and main.times and main.value > 1
        else None
    )
    if grown:
        # "3x stronger" (than it was, no rival): a change of +200%, as "2x faster than before" is -50%
        main = replace(main, value=round((main.value - 1) * 100, 2), percent=True, times=False)
    if change is not None:
        direction = Direction.lower
        claimed = -main.value
    else:
        direction = Direction.higher if grown else _level_direction(facts, main)
        claimed = main.value
    unit = _unit(main)
    if grown:
        word = grown.group(0).split()[-1].lower()
        subject = _content_words(sentence[: main.start], 1)
        thing = _thing(sentence[grown.end() :]) if word == "more" else _join(*subject, word)
        metric = _join(thing or word, "change", "pct")  # "leads_change_pct", "hair_stronger_change_pct"
    else:
        metric = _metric_for_level(facts, main, direction, change)
    return ClaimDraft(
        sentence,
        form,
        _benefit(sentence, unit),
        metric,
        claimed,
        unit,
        direction,
        rule=rule,
        confidence=confidence,
    )


def _comparative_metric(sentence: str, word: str, where: int) -> str:
    kind = _DOWN_ADJECTIVES.get(word)
    before = sentence[:where]
    if kind == "time" and _GROWTH.search(before):
        return _join(_thing(before, verb_first=True) or "outcome", "growth_rate")
    if kind == "time":
        return _join(_event(sentence) or _thing(before, verb_first=True) or "task", "time")
    if kind == "cost" or (
        word in {"less", "lower"} and re.search(r"[$€£]|\b(?:cost|pay|price|spend|bill|fee)", sentence, re.I)
    ):
        return (
            _join(_thing(before, verb_first=True) or "price", "cost")
            if not re.search(r"(?i)\b(?:cost|price|bill|fee)s?\b", before)
            else _join(_thing(before, verb_first=True) or "cost")
        )
    found = re.search(rf"(?i)(?<!\w){re.escape(word)}\s+(.+)$", before) if word else None
    thing = _thing(found.group(1)) if found else ""
    if not thing:
        after_times = re.search(
            r"(?i)(?:\d\s*[x×]|times|twice|half)\s+(?:the\s+|as\s+many\s+|as\s+much\s+)?(.+?)(?:\s+as\s+.*)?$",
            sentence,
        )
        thing = _thing(after_times.group(1)) if after_times else ""
    return _join(thing or _thing(before, verb_first=True) or "outcome")


def draft_claims(text: str) -> list[ClaimDraft]:
    """One draft per sentence of ``text`` that promises something (in text order); sentences that
    promise nothing measurable and no superlative are left out. Deterministic: the same text gives
    the same drafts."""
    drafts: list[ClaimDraft] = []
    for sentence in split_sentences(text):
        draft = _draft(_cut(sentence, MAX_SENTENCE_CHARS))
        if draft is not None:
            drafts.append(draft)
    return drafts


def same_copy(text: str) -> str:
    """``text`` as compared with a claim's copy: case, spacing and a closing full stop do not count."""
    return " ".join(text.split()).rstrip(".").casefold()


def already_claimed(drafts: Sequence[ClaimDraft], claims: Sequence[Claim]) -> dict[int, Claim]:
    """The drafts (by position) whose sentence is the copy of a claim the proposition already has:
    drafting the same page twice would otherwise add every claim a second time."""
    by_copy = {same_copy(claim.text): claim for claim in claims}
    return {
        index: by_copy[same_copy(draft.sentence)]
        for index, draft in enumerate(drafts)
        if same_copy(draft.sentence) in by_copy
    }
