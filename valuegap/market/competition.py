"""Competitors: relative performance and the customer value map (METHODS.md section 6).

Attributes ``k`` carry importance weights ``w_k`` summing to 100; every offer ``j`` has a price and a
score per attribute. Relative performance ``r_jk`` divides an offer's score by the mean of the other
offers' scores, the quality ratio ``Q_j`` weighs those ratios, the relative price ``R_j`` divides the
price by the other offers' mean price, and the fair-value line is the least-squares line ``R = a + bQ``
across all offers, with the fair-value zone of one standard deviation of the offers' perpendicular
distances around it (from four offers on). Our offer is placed twice: with the scores the proposition
claims and with the scores the evidence measured (customers' own ratings of an attribute, else the
claimed score times the linked claim's fulfilment); the distance between the two points is what the
exaggeration costs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from valuegap.errors import InvalidInput, Problem, ValueGapError, quote, shorten
from valuegap.model.proposition import problems_of

WEIGHT_TOTAL = 100.0
WEIGHT_SLACK = 1e-6  # weights typed as 33.3333… still sum to 100
MIN_OFFERS_FOR_LINE = 3
MIN_OFFERS_FOR_ZONE = 4  # METHODS §6: the zone is drawn only with at least four offers
NAME_LENGTH = 120
MAX_ATTRIBUTES = 100  # checking every offer against every attribute costs offers x attributes
NAMES_SHOWN = 8  # a message listing attribute names shows this many, then how many more


@dataclass(frozen=True)
class Offer:
    """One offer on the market: ours (``ours=True``) or a competitor's."""

    name: str
    price: float
    scores: Mapping[str, float]
    ours: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "price": self.price, "ours": self.ours, "scores": dict(self.scores)}


@dataclass(frozen=True)
class Offers:
    """The OFFERS file: attribute weights (in the order given) and the offers compared on them."""

    attributes: Mapping[str, float]
    offers: tuple[Offer, ...]

    @property
    def ours(self) -> Offer | None:
        return next((offer for offer in self.offers if offer.ours), None)

    @property
    def names(self) -> list[str]:
        return [offer.name for offer in self.offers]

    def offer(self, name: str) -> Offer:
        for offer in self.offers:
            if offer.name == name:
                return offer
        raise ValueGapError(f"There is no offer named {quote(name)}.")

    def with_ours(self, *, price: float | None = None, scores: Mapping[str, float] | None = None) -> Offers:
        """The same market with our offer's price or scores replaced (what-ifs, measured scores)."""
        offers = tuple(
            replace(
                offer,
                price=offer.price if price is None else price,
                scores=offer.scores if scores is None else {**offer.scores, **scores},
            )
            if offer.ours
            else offer
            for offer in self.offers
        )
        return Offers(self.attributes, offers)

    def to_dict(self) -> dict[str, Any]:
        """The OFFERS file form; ``parse_offers(x.to_dict()) == x``."""
        return {"attributes": dict(self.attributes), "offers": [offer.to_dict() for offer in self.offers]}


# ----------------------------------------------------------------------------- parsing
# pydantic checks each offer's fields (types, ranges, unknown fields) and the attribute weights; the
# checks that depend on more than one field (scores against the attributes, weights summing to 100,
# names unique, one offer ours) follow. Problems keep the file's field paths (``offers[2 (Rival)].
# price``) and name the place in the app's words too (:func:`describe_offers_path`).


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (text, booleans, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return None
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond float's range (a YAML file can hold one)
        return None
    return number if math.isfinite(number) else None


def _format(value: float) -> str:
    return f"{value:g}"


def _names(names: Sequence[str]) -> str:
    """Names for a message: the first few, each cut short, then how many more (so a message stays
    short however many attributes a file has)."""
    shown = ", ".join(shorten(name, 40) for name in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more:,} more" if more > 0 else shown


def _price(value: Any) -> float:
    number = _number(value)
    if number is None or number <= 0:
        raise PydanticCustomError(
            "offer_price", "must be a number greater than 0 (got {got})", {"got": quote(value)}
        )
    return number


def _score(value: Any) -> float | None:
    if value is None:
        return None  # a missing score: said once the attributes are known
    number = _number(value)
    if number is None or number < 0:
        raise PydanticCustomError(
            "offer_score", "must be a number of at least 0 (got {got})", {"got": quote(value)}
        )
    return number


def _name(value: Any) -> str:
    name = str(value or "").strip()
    if len(name) > NAME_LENGTH:
        raise PydanticCustomError("offer_name", f"is too long (at most {NAME_LENGTH} characters)")
    return name


def _scores(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise PydanticCustomError("offer_scores", "give a score for every attribute")
    return {str(key).strip(): score for key, score in value.items()}


class _Offer(BaseModel):
    """One entry of an OFFERS file's ``offers`` list."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, BeforeValidator(_name)] = ""
    price: Annotated[float, BeforeValidator(_price), Field(validate_default=True)] = None  # type: ignore[assignment]  # a missing price is refused by _price
    ours: StrictBool = False
    scores: Annotated[
        dict[str, Annotated[float | None, BeforeValidator(_score)]],
        BeforeValidator(_scores),
        Field(validate_default=True),
    ] = None  # type: ignore[assignment]  # missing scores are refused by _scores


def _offer_problems(index: int, raw: Any, weights: Mapping[str, float]) -> tuple[Offer | None, list[Problem]]:
    name = str(raw.get("name") or "").strip() if isinstance(raw, Mapping) else ""
    where = f"offers[{index + 1} ({shorten(name, 40)})]" if name else f"offers[{index + 1}]"
    if not isinstance(raw, Mapping):
        return None, [Problem(where, "must be a mapping with name, price and scores")]
    problems: list[Problem] = []
    try:
        model: _Offer | None = _Offer.model_validate(dict(raw))
    except ValidationError as error:
        model = None
        problems += [
            Problem(f"{where}.{problem.path}", problem.message)
            for problem in problems_of(error, raw)
            # a score for an attribute the file does not have is said once, below
            if not problem.path.startswith("scores.") or problem.path.removeprefix("scores.") in weights
        ]
    if not name:
        problems.append(Problem(f"{where}.name", "every offer needs a name"))
    given = _given_scores(raw.get("scores"))
    if given is not None:
        known = _names(list(weights)) or "none"
        problems += [
            Problem(
                f"{where}.scores.{shorten(attribute, 40)}",
                f"is not one of the attributes ({known}); score only those",
            )
            for attribute in given
            if attribute not in weights
        ]
        missing = [a for a in weights if a not in given or given[a] is None]
        if len(missing) > NAMES_SHOWN:  # one problem, not one per attribute, for a file of many offers
            problems.append(Problem(f"{where}.scores", f"misses {_names(missing)}: score every attribute"))
        else:
            problems += [
                Problem(f"{where}.scores.{shorten(a, 40)}", "is missing: score every attribute")
                for a in missing
            ]
    if problems or model is None:
        return None, problems
    scores = {a: score for a, score in model.scores.items() if score is not None}
    return Offer(name=model.name, price=model.price, scores=scores, ours=model.ours), []


def _given_scores(raw: Any) -> dict[str, Any] | None:
    return {str(key).strip(): value for key, value in raw.items()} if isinstance(raw, Mapping) else None


def _weight(value: Any) -> float:
    number = _number(value)
    if number is None or number < 0:
        raise PydanticCustomError(
            "weight", "must be a number of at least 0 (got {got})", {"got": quote(value)}
        )
    return number


_WEIGHTS: TypeAdapter[dict[str, float]] = TypeAdapter(dict[str, Annotated[float, BeforeValidator(_weight)]])


def _attribute_problems(raw: Any) -> tuple[dict[str, float], list[Problem]]:
    if not isinstance(raw, Mapping) or not raw:
        return {}, [Problem("attributes", "list the attributes offers are compared on, each with its weight")]
    if len(raw) > MAX_ATTRIBUTES:
        return {}, [
            Problem(
                "attributes",
                f"the file lists {len(raw):,} attributes; compare offers on at most {MAX_ATTRIBUTES} "
                "(keep the ones customers weigh most)",
            )
        ]
    problems: list[Problem] = []
    named: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).strip()
        where = f"attributes.{shorten(name, 40)}"
        if not name:
            problems.append(Problem("attributes", "an attribute has no name"))
        elif len(name) > NAME_LENGTH:
            problems.append(Problem(where, f"is too long (at most {NAME_LENGTH} characters)"))
        elif name in named:
            problems.append(Problem(where, "appears twice"))
        else:
            named[name] = value
    try:
        weights = _WEIGHTS.validate_python(named)
    except ValidationError as error:
        problems += [Problem(f"attributes.{p.path}", p.message) for p in problems_of(error, named)]
        refused = {err["loc"][0] for err in error.errors()}
        weights = {name: _weight(value) for name, value in named.items() if name not in refused}
    if not problems and abs(sum(weights.values()) - WEIGHT_TOTAL) > WEIGHT_SLACK:
        problems.append(
            Problem(
                "attributes",
                f"importance weights must sum to 100; they sum to {_format(sum(weights.values()))}",
            )
        )
    return weights, problems


_OFFERS_PLACE = re.compile(
    r"^offers\[(\d+)(?: \((.*)\))?\](?:\.(name|price|ours|scores)(?:\.(.+))?|\.(.+))?$"
)
_OFFER_FIELD_WORDS = {"name": "name", "price": "price", "ours": "ours (our own offer)", "scores": "scores"}


def describe_offers_path(path: str) -> str:
    """A field path of an OFFERS file in the user's words: ``offers[2 (Rival)].scores.Speed`` →
    "Offer 2 (Rival), score for Speed"; ``attributes.Speed`` → "Importance weight of Speed"."""
    match = _OFFERS_PLACE.match(path)
    if match:
        number, name, field_name, attribute, other = match.groups()
        place = f"Offer {number}" + (f" ({name})" if name else "")
        if attribute:
            return f"{place}, score for {attribute}"
        if field_name:
            return f"{place}, {_OFFER_FIELD_WORDS[field_name]}"
        return f"{place}, {other}" if other else place
    if path.startswith("attributes."):
        return f"Importance weight of {path.removeprefix('attributes.')}"
    return {"attributes": "Attributes", "offers": "Offers", "": ""}.get(path, path)


def _in_words(problems: list[Problem]) -> list[Problem]:
    return [Problem(p.path, p.message, describe_offers_path(p.path)) for p in problems]


def parse_offers(data: Any, *, source: str = "") -> Offers:
    """Validate plain data (an OFFERS file, the page's editor) into :class:`Offers`.

    Raises :class:`InvalidInput` listing every problem, each naming the offer and attribute (its
    field path, and in words for the app: ``InvalidInput.in_words``).
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(
            [Problem("", "an offers file must be a mapping with attributes and offers")], source=source
        )
    problems = [
        Problem(shorten(str(key), 40), "is not a known field; remove it or check its spelling")
        for key in data
        if key not in ("attributes", "offers")
    ]
    weights, attribute_problems = _attribute_problems(data.get("attributes"))
    problems += attribute_problems
    raw_offers = data.get("offers")
    offers: list[Offer] = []
    if not isinstance(raw_offers, Sequence) or isinstance(raw_offers, str) or not raw_offers:
        problems.append(Problem("offers", "list the offers to compare, ours and the competitors'"))
        raw_offers = []
    for index, raw in enumerate(raw_offers):
        offer, offer_problems = _offer_problems(index, raw, weights)
        problems += offer_problems
        if offer is not None:
            offers.append(offer)
    seen: dict[str, int] = {}
    for index, offer in enumerate(offers):
        key = offer.name.casefold()
        if key in seen:
            problems.append(Problem(f"offers[{index + 1} ({offer.name})].name", "is used by another offer"))
        seen[key] = index
    if sum(offer.ours for offer in offers) > 1:
        names = ", ".join(offer.name for offer in offers if offer.ours)
        problems.append(Problem("offers", f"only one offer can be ours (marked: {names})"))
    if not problems and len(offers) < 2:
        problems.append(Problem("offers", "compare at least two offers: ours and one competitor's"))
    if problems:
        raise InvalidInput(_in_words(problems), source=source)
    return Offers(attributes=weights, offers=tuple(offers))


# ----------------------------------------------------------------------------- the value map


@dataclass(frozen=True)
class FairValueLine:
    """``R = intercept + slope · Q``, and the half-width of the fair-value zone around it, measured
    perpendicular to the line like the value advantage: the standard deviation of the offers'
    perpendicular distances with ``n − 2`` degrees of freedom. ``None`` (no zone) below
    :data:`MIN_OFFERS_FOR_ZONE` offers."""

    intercept: float
    slope: float
    zone: float | None
    offers: int = 0  # how many offers the line was fitted to

    def price_at(self, quality: float) -> float:
        return self.intercept + self.slope * quality

    def advantage(self, quality: float, price: float) -> float:
        return (self.price_at(quality) - price) / math.sqrt(1 + self.slope**2)

    @property
    def zone_text(self) -> str:
        """The zone in words, for the page and the report."""
        if self.zone is None:
            return (
                f"no fair-value zone is drawn: it needs at least {MIN_OFFERS_FOR_ZONE} offers and there "
                f"are {self.offers}"
            )
        return (
            f"the fair-value zone is ±{self.zone:.3f} around it (one standard deviation of the offers' "
            "distances from the line)"
        )


@dataclass(frozen=True)
class Position:
    """Where an offer sits on the value map."""

    name: str
    ours: bool
    price: float
    quality_ratio: float
    relative_price: float
    value_advantage: float | None
    version: str = ""  # "claimed" or "measured" for our offer

    @property
    def label(self) -> str:
        return f"{self.name} ({self.version})" if self.version else self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "quality_ratio": self.quality_ratio,
            "relative_price": self.relative_price,
            "value_advantage": self.value_advantage,
        }


@dataclass(frozen=True)
class ValueMap:
    offers: Offers
    relative: pd.DataFrame  # offers × attributes: r_jk
    positions: tuple[Position, ...]
    line: FairValueLine | None
    no_line_reason: str | None
    measured: Position | None = None  # our offer with measured scores, against the same market
    measured_relative: dict[str, float] = field(default_factory=dict)

    @property
    def claimed(self) -> Position | None:
        return next((p for p in self.positions if p.ours), None)

    def position(self, name: str) -> Position:
        return next(p for p in self.positions if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's fields (DESIGN.md): per offer and the line's intercept and slope."""
        return {
            "offers": [position.to_dict() for position in self.positions],
            "intercept": self.line.intercept if self.line else None,
            "slope": self.line.slope if self.line else None,
        }


def relative_performance(offers: Offers) -> pd.DataFrame:
    """``r_jk = s_jk / mean of s_ik over the other offers`` as an offers × attributes table."""
    scores = pd.DataFrame(
        [[offer.scores[a] for a in offers.attributes] for offer in offers.offers],
        index=pd.Index(offers.names, name="offer"),
        columns=pd.Index(list(offers.attributes), name="attribute"),
        dtype=float,
    )
    others = (scores.sum(axis=0) - scores) / (len(scores) - 1)
    zero = (others <= 0).any(axis=0)
    if zero.any():
        attribute = zero[zero].index[0]
        offer = others.index[(others[attribute] <= 0).to_numpy()][0]
        raise ValueGapError(
            f"offers[{shorten(offer, 40)}].scores.{shorten(attribute, 40)}: every other offer scores 0 on "
            f"{quote(attribute)}, so {shorten(offer, 40)}'s relative performance on it is undefined; give "
            "the others a score above 0."
        )
    return scores / others


def _quality(relative: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    w = pd.Series(weights, dtype=float)[relative.columns]
    return (relative * w).sum(axis=1) / WEIGHT_TOTAL


def _relative_prices(offers: Offers) -> pd.Series:
    prices = pd.Series([o.price for o in offers.offers], index=offers.names, dtype=float)
    return prices / ((prices.sum() - prices) / (len(prices) - 1))


def fit_fair_value_line(
    quality: Sequence[float], price: Sequence[float]
) -> tuple[FairValueLine | None, str | None]:
    """OLS of relative price on quality ratio; None with the reason when no line can be fitted."""
    q, r = np.asarray(quality, dtype=float), np.asarray(price, dtype=float)
    if len(q) < MIN_OFFERS_FOR_LINE:
        return None, (
            f"A fair-value line needs at least {MIN_OFFERS_FOR_LINE} offers; there are {len(q)}. "
            "Add competitors to see which offers give more than fair value."
        )
    spread = max(1.0, float(np.abs(q).max()))
    if float(np.ptp(q)) <= 1e-9 * spread:
        return None, (
            "Every offer has the same quality ratio, so price cannot be explained by quality and no "
            "fair-value line can be fitted."
        )
    if float(np.ptp(r)) <= 1e-9 * max(1.0, float(np.abs(r).max())):
        return None, (
            "Every offer has the same relative price, so there is no price-quality trade-off to fit a "
            "fair-value line to."
        )
    qc = q - q.mean()
    slope = float((qc * (r - r.mean())).sum() / (qc**2).sum())
    intercept = float(r.mean() - slope * q.mean())
    zone = None
    if len(q) >= MIN_OFFERS_FOR_ZONE:
        # the standard deviation of the signed perpendicular distances, n − 2 degrees of freedom (their
        # mean is 0 up to rounding: least-squares residuals sum to 0 when the line has an intercept)
        distances = (intercept + slope * q - r) / math.sqrt(1 + slope**2)
        zone = float(np.std(distances, ddof=2))
    return FairValueLine(intercept, slope, zone, len(q)), None


def value_map(offers: Offers, measured_scores: Mapping[str, float] | None = None) -> ValueMap:
    """Place every offer on the customer value map, and our offer a second time with measured scores.

    The measured point moves only our offer: the market (competitors' ratios and the line) stays as
    customers perceive it from the claims, so the distance between our two points is the claims' cost.
    """
    relative = relative_performance(offers)
    quality = _quality(relative, offers.attributes)
    prices = _relative_prices(offers)
    line, reason = fit_fair_value_line(quality.to_numpy(), prices.to_numpy())
    positions = tuple(
        Position(
            name=offer.name,
            ours=offer.ours,
            price=offer.price,
            quality_ratio=float(quality[offer.name]),
            relative_price=float(prices[offer.name]),
            value_advantage=line.advantage(quality[offer.name], prices[offer.name]) if line else None,
            version="claimed" if offer.ours and measured_scores else "",
        )
        for offer in offers.offers
    )
    ours = offers.ours
    if ours is None or not measured_scores:
        return ValueMap(offers, relative, positions, line, reason)
    moved = relative_performance(offers.with_ours(scores=measured_scores)).loc[ours.name]
    measured_quality = float(
        (moved * pd.Series(offers.attributes, dtype=float)[moved.index]).sum() / WEIGHT_TOTAL
    )
    claimed = next(p for p in positions if p.ours)
    measured = replace(
        claimed,
        quality_ratio=measured_quality,
        value_advantage=line.advantage(measured_quality, claimed.relative_price) if line else None,
        version="measured",
    )
    return ValueMap(
        offers, relative, positions, line, reason, measured, {k: float(v) for k, v in moved.items()}
    )


def shift_in_money(value_map: ValueMap) -> float | None:
    """Money per price period the market would pay for our offer as measured minus as claimed:
    the quality shift along the fair-value line, in relative price, times the competitors' mean price.
    Negative when the claims promise more than customers get."""
    if value_map.line is None or value_map.measured is None or value_map.claimed is None:
        return None
    ours = value_map.claimed.name
    others = [o.price for o in value_map.offers.offers if o.name != ours]
    shift = value_map.measured.quality_ratio - value_map.claimed.quality_ratio
    return value_map.line.slope * shift * float(np.mean(others))


@dataclass(frozen=True)
class AttributeStanding:
    attribute: str
    weight: float
    relative: float  # our relative performance on it
    fix_first: bool  # above-average importance and behind the competitors


def standings(value_map: ValueMap, *, measured: bool = False) -> list[AttributeStanding]:
    """Importance vs our relative performance per attribute; "fix first" = more important than the
    average attribute (weight above 100 / K) and below the competitors' mean (ratio under 1)."""
    ours = value_map.offers.ours
    if ours is None:
        return []
    ratios = (
        value_map.measured_relative
        if measured and value_map.measured_relative
        else value_map.relative.loc[ours.name]
    )
    average = WEIGHT_TOTAL / len(value_map.offers.attributes)
    return [
        AttributeStanding(a, w, float(ratios[a]), w > average and float(ratios[a]) < 1)
        for a, w in value_map.offers.attributes.items()
    ]


# ----------------------------------------------------------------------------- measured scores


def measured_scores(
    offers: Offers,
    links: Mapping[str, str],
    fulfilment: Mapping[str, float | None],
    *,
    ratings: Mapping[str, float | None] | None = None,
    maximum: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Our scores as measured (METHODS §6), for the attributes the data say something about.

    An attribute customers rated themselves (``ratings``: attribute → their mean rating, on the
    attribute's own scale) takes that rating. Otherwise an attribute linked to a claim's metric
    (``links``: attribute → metric) takes the claimed score times that claim's fulfilment
    (``fulfilment``: metric → METHODS §2 fulfilment, read in the claim's direction, 1 = as promised,
    as :func:`valuegap.evidence.gaps.delivery_by_metric` gives it). A measured score is capped at the
    attribute's scale maximum where ``maximum`` gives one, and never goes below 0. Attributes with
    neither, or with no finite value, are left out (they keep the claimed score on the map).
    """
    ours = offers.ours
    if ours is None:
        return {}
    rated = ratings or {}
    scores: dict[str, float] = {}
    for attribute, claimed in ours.scores.items():
        rating = _number(rated.get(attribute))
        metric = links.get(attribute)
        factor = _number(fulfilment.get(metric)) if metric else None
        if rating is not None:
            score = rating
        elif factor is not None:
            score = claimed * factor
        else:
            continue
        top = _number((maximum or {}).get(attribute))
        scores[attribute] = max(0.0, min(score, top) if top is not None else score)
    return scores
