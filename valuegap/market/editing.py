"""Editing a proposition's market on the Competitors page, without Streamlit.

The page keeps a :class:`MarketDraft`: the OFFERS file form (``attributes`` and ``offers``) plus
``links`` from attributes to metrics, the saved version it started from, whether it holds edits not
saved yet, and a *revision* that changes whenever the editor's widgets must show the draft afresh
(new widget keys). The helpers here turn the draft into the editor's table and back, start a new
market, and say what is wrong with a draft, or where it places our offer, in words a marketer can act
on. The page only keeps the draft in the session and draws it.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from valuegap.errors import InvalidInput
from valuegap.market.competition import (
    WEIGHT_SLACK,
    WEIGHT_TOTAL,
    Offers,
    ValueMap,
    measured_scores,
    parse_offers,
    value_map,
)
from valuegap.model.proposition import FORM_WORDS, ClaimForm, Proposition
from valuegap.reporting.formatting import escape_markdown, format_price

if TYPE_CHECKING:
    from valuegap.store import StoredOffers

NOT_MEASURED = "(not measured)"
SURVEY_PREFIX = "survey: "


def survey_delivery(expectations: pd.DataFrame) -> dict[str, float | None]:
    """Per survey item (``survey: <item>``), mean experience over mean expectation: 1 = as expected."""
    found: dict[str, float | None] = {}
    for item, expected, experienced in zip(
        expectations["item"], expectations["expected"], expectations["experienced"], strict=True
    ):
        usable = _number(expected) is not None and _number(experienced) is not None and float(expected) > 0
        ratio = float(experienced) / float(expected) if usable else None
        found[f"{SURVEY_PREFIX}{item}"] = ratio if ratio is not None and math.isfinite(ratio) else None
    return found


def _number(value: object) -> float | None:
    """A table cell as a number, or None when it holds none (missing, text)."""
    return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


STARTER_ATTRIBUTES = {"Main benefit": 60.0, "Ease of use": 40.0}
STARTER_RIVAL = "Competitor A"


def _starter(prop: Proposition) -> tuple[dict[str, float | None], list[dict[str, Any]]]:
    """A new market's attributes and offers: ours at the proposition's price, one row per competitor
    the claims name (or one placeholder), every score blank."""
    attributes: dict[str, float | None] = dict(STARTER_ATTRIBUTES)
    rivals = sorted({c.competitor for c in prop.claims if c.competitor}) or [STARTER_RIVAL]
    ours = {"name": prop.name, "price": prop.price.amount, "ours": True, "scores": dict.fromkeys(attributes)}
    others = [
        {"name": name, "price": None, "ours": False, "scores": dict.fromkeys(attributes)} for name in rivals
    ]
    return attributes, [ours, *others]


@dataclass
class MarketDraft:
    """The market as it is being edited: what the editor shows, and what Save would store.

    ``base_version`` is the saved version the draft started from (0: nothing saved yet), the version
    a save checks against; ``dirty`` says it holds edits not saved yet. ``revision`` goes up whenever
    the editor's widgets must be drawn afresh from the draft (an attribute added or removed, a file
    taken, a save or a discard): widget keys carry it, so no widget keeps a value from before.
    """

    attributes: dict[str, float | None]
    offers: list[dict[str, Any]]
    links: dict[str, str] = field(default_factory=dict)
    base_version: int = 0
    dirty: bool = False
    revision: int = 1
    grid_revision: int = 0  # the revision the offers grid was given ``grid_rows`` at
    grid_rows: list[dict[str, Any]] = field(default_factory=list)

    # ------------------------------------------------------------------------- starting and resetting

    @classmethod
    def of_market(
        cls, offers: Offers | None, links: Mapping[str, str], prop: Proposition, *, version: int = 0,
        revision: int = 1,
    ) -> MarketDraft:  # fmt: skip
        """A draft of a saved market, or a starter market when there is none yet."""
        if offers is None:
            attributes, rows = _starter(prop)
            return cls(attributes, rows, {}, base_version=version, revision=revision)
        data = offers.to_dict()
        return cls(dict(data["attributes"]), list(data["offers"]), dict(links), version, revision=revision)

    @classmethod
    def for_saved(cls, previous: MarketDraft | None, saved: StoredOffers, prop: Proposition) -> MarketDraft:
        """The draft to edit now: ``previous`` while it still stands for the saved market (made from
        this version, or holding unsaved edits), else a fresh one from what is saved (someone saved a
        newer version), drawn under new widget keys."""
        if previous is not None and (previous.base_version == saved.version or previous.dirty):
            return previous
        revision = previous.revision + 1 if previous is not None else 1
        return cls.of_market(saved.offers, saved.links, prop, version=saved.version, revision=revision)

    def reset(self, saved: StoredOffers, prop: Proposition) -> None:
        """Start again from what is saved (after a save or a discard), under new widget keys: the
        offers grid keeps its edits as changes to its first data, and would show them again."""
        fresh = MarketDraft.of_market(saved.offers, saved.links, prop, version=saved.version)
        self.attributes, self.offers, self.links = fresh.attributes, fresh.offers, fresh.links
        self.base_version, self.dirty = saved.version, False
        self._redraw()

    def take_file(self, loaded: Offers) -> None:
        """Replace attributes and offers with a file's; links of attributes it keeps stay."""
        data = loaded.to_dict()
        self.attributes, self.offers = dict(data["attributes"]), list(data["offers"])
        self.links = {a: m for a, m in self.links.items() if a in loaded.attributes}
        self.dirty = True
        self._redraw()

    def _redraw(self) -> None:
        self.revision += 1

    # ------------------------------------------------------------------------- edits

    def set_weight(self, attribute: str, weight: float) -> None:
        """An attribute's importance as typed; an unchanged value is no edit."""
        if weight != self.attributes.get(attribute):
            self.attributes[attribute] = weight
            self.dirty = True

    def link(self, attribute: str) -> str:
        """The metric measuring ``attribute``, or :data:`NOT_MEASURED`."""
        return self.links.get(attribute) or NOT_MEASURED

    def set_link(self, attribute: str, metric: str) -> None:
        """Link ``attribute`` to ``metric`` (:data:`NOT_MEASURED` for none); an unchanged link is no edit."""
        if metric != self.link(attribute):
            self.links[attribute] = metric
            self.dirty = True

    def remove_attribute(self, attribute: str) -> None:
        """Drop an attribute with its link and every offer's score on it."""
        self.attributes.pop(attribute, None)
        self.links.pop(attribute, None)
        for offer in self.offers:
            (offer.get("scores") or {}).pop(attribute, None)
        self.dirty = True
        self._redraw()

    def add_attribute(self, name: str) -> str | None:
        """Add an attribute of weight 0; the problem in words when it cannot be added, else None."""
        name = name.strip()
        if not name:
            return "Give the new attribute a name."
        if name in self.attributes:
            return f"There is already an attribute called {name}."
        self.attributes[name] = 0.0
        self.dirty = True
        self._redraw()
        return None

    def grid(self) -> pd.DataFrame:
        """The offers grid's data: the offers as they were when this revision was drawn.

        The grid keeps its edits as changes to the data it was first given: feeding it the edited
        offers would apply them twice (added rows doubled), so its data only change with a revision.
        """
        if self.grid_revision != self.revision:
            self.grid_revision, self.grid_rows = self.revision, copy.deepcopy(self.offers)
        return offers_frame(self.attributes, self.grid_rows)

    def take_grid(self, edited: pd.DataFrame) -> None:
        """The offers as the grid shows them now; an edit when they differ from what it was given."""
        attributes = list(self.attributes)
        now = offers_from_frame(edited, attributes)
        if now != offers_from_frame(self.grid(), attributes):
            self.offers, self.dirty = now, True
        else:
            self.offers = copy.deepcopy(self.grid_rows)

    # ------------------------------------------------------------------------- reading

    @property
    def measured_by(self) -> dict[str, str]:
        """Attribute → the metric measuring it, for attributes linked to one."""
        return {a: m for a, m in self.links.items() if m and m != NOT_MEASURED}

    @property
    def weight_total(self) -> float:
        """The sum of the finite weights typed so far."""
        return weight_total(self.attributes)

    def check(self, prop: Proposition) -> tuple[Offers | None, list[str]]:
        """The draft as :class:`Offers` (our price set to the proposition's), or the problems to fix."""
        return check_offers(self.attributes, self.offers, prop)


def weight_total(attributes: Mapping[str, Any]) -> float:
    """The sum of the finite numeric weights of ``attributes`` (attribute → weight)."""
    return float(sum(w for w in attributes.values() if isinstance(w, int | float) and math.isfinite(w)))


def weight_status(total: float) -> tuple[bool, str]:
    """Whether the weights can be saved, and the running-total line the editor shows."""
    if abs(total - WEIGHT_TOTAL) <= WEIGHT_SLACK:
        return True, f"Weights total {WEIGHT_TOTAL:g}: ready to save."
    gap = WEIGHT_TOTAL - total
    todo = f"add {gap:g}" if gap > 0 else f"take away {-gap:g}"
    return False, f"Weights total {total:g} of {WEIGHT_TOTAL:g}: {todo} before saving."


def offers_frame(attributes: Collection[str], offers: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One editor row per offer: name, price, ours and a column per attribute."""
    attributes = list(attributes)
    rows = [
        {
            "name": offer.get("name") or "",
            "price": offer.get("price"),
            "ours": bool(offer.get("ours")),
            **{a: (offer.get("scores") or {}).get(a) for a in attributes},
        }
        for offer in offers
    ]
    frame = pd.DataFrame(rows, columns=["name", "price", "ours", *attributes])
    for column in ["price", *attributes]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["ours"] = frame["ours"].astype(bool)
    frame["name"] = frame["name"].astype(object)
    return frame


def _value(cell: Any) -> Any:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    return cell.item() if hasattr(cell, "item") else cell


def offers_from_frame(frame: pd.DataFrame, attributes: Collection[str]) -> list[dict[str, Any]]:
    """The editor's rows back into OFFERS entries; fully blank rows (just added) are skipped."""
    offers = []
    for _, row in frame.iterrows():
        values = {column: _value(row.get(column)) for column in ["name", "price", *attributes]}
        if all(v in (None, "") for v in values.values()):
            continue
        offers.append(
            {
                "name": str(values["name"] or "").strip(),
                "price": values["price"],
                "ours": bool(_value(row.get("ours")) or False),
                "scores": {a: values[a] for a in attributes},
            }
        )
    return offers


def check_offers(
    attributes: Mapping[str, Any], offers: Sequence[Mapping[str, Any]], prop: Proposition
) -> tuple[Offers | None, list[str]]:
    """Attributes and offers as :class:`Offers` (our price set to the proposition's), or the problems."""
    try:
        parsed = parse_offers({"attributes": dict(attributes), "offers": list(offers)})
    except InvalidInput as error:
        return None, [problem.in_words for problem in error.problems]
    if parsed.ours is None:
        return None, ["No offer is marked as ours: tick “Ours” on the row of our own offer"]
    if prop.price.amount > 0:
        parsed = parsed.with_ours(price=prop.price.amount)
    return parsed, []


def competitor_claims(prop: Proposition, market: Offers | None, data_offers: Collection[str]) -> pd.DataFrame:
    """Comparative and parity claims with where their competitor's data come from."""
    names = {name.casefold() for name in (market.names if market else [])}
    rows = [
        {
            "claim": claim.id,
            "text": claim.text,
            "form": FORM_WORDS[claim.form.value],  # in words: "As good as a competitor", not "parity"
            "competitor": claim.competitor,
            "in this market": (claim.competitor or "").casefold() in names,
            "outcomes in the data": claim.competitor in data_offers,
        }
        for claim in prop.claims
        if claim.form in (ClaimForm.comparative, ClaimForm.parity)
    ]
    return pd.DataFrame(
        rows, columns=["claim", "text", "form", "competitor", "in this market", "outcomes in the data"]
    )


def standing_line(vm: ValueMap, *, dirty: bool) -> str:
    """One line on where the draft places our offer, shown above the editor while typing (the map
    itself is on its own tab): relative quality and price, and the value advantage where a
    fair-value line exists."""
    ours = vm.claimed
    if ours is None:
        return "No offer is ticked as ours, so the map has nothing to place."
    parts = [f"relative quality {ours.quality_ratio:.2f}", f"relative price {ours.relative_price:.2f}"]
    if ours.value_advantage is not None:
        parts.append(f"value advantage {ours.value_advantage:+.3f}")
    whose = "your unsaved edits" if dirty else "the saved market"
    return f"Our offer as claimed, on {whose}: " + ", ".join(parts) + "."


# ----------------------------------------------------------------------------- the page's words

MARKET_TAB_NAMES = (
    "Value map", "Relative performance", "Edit the market", "Import / export", "Claims against competitors",
)  # fmt: skip
EDIT_TAB, FILES_TAB = MARKET_TAB_NAMES[2], MARKET_TAB_NAMES[3]


def opening_tab(saved_version: int, *, can_edit: bool) -> str:
    """The tab the page opens on: a market not saved yet opens on its editor (for those who may
    edit), any other on its map. The map has its own tab, so it never pushes the editor down the
    page when a draft becomes drawable while typing."""
    return EDIT_TAB if not saved_version and can_edit else MARKET_TAB_NAMES[0]


def market_caption(prop: Proposition, saved: StoredOffers) -> str:
    """The line under the pickers (markdown, user text escaped): our price, and who saved the market."""
    price = f"Our offer's price is the proposition's: **{escape_markdown(format_price(prop.price))}**. "
    if saved.version:
        return price + f"Market saved as version {saved.version} by {escape_markdown(saved.updated_by)}."
    return price + (
        f"No market saved yet: fill it in on **{EDIT_TAB}**, or start from a file on **{FILES_TAB}**."
    )


def cannot_draw_text(problems: Sequence[str]) -> str:
    """Why the map cannot be drawn, as markdown: where to fix it and every problem (escaped)."""
    return (
        f"The market cannot be drawn yet. Fix these in **{EDIT_TAB}**, or start from a file in "
        f"**{FILES_TAB}**:\n\n" + "\n".join(f"- {escape_markdown(problem)}" for problem in problems)
    )


def cannot_draw_line(problems: Sequence[str]) -> str:
    """The editor's one line when the map cannot be drawn: how many problems are listed below."""
    count = len(problems)
    return f"The value map cannot be drawn yet: {count} problem{'s' if count != 1 else ''} listed below."


@dataclass(frozen=True)
class Figure:
    """One headline number of the value map: label, value as shown, and its change (or None)."""

    label: str
    value: str
    delta: str | None = None


def map_figures(vm: ValueMap) -> list[Figure]:
    """The value map's headline numbers: our relative quality and price as claimed, the value
    advantage as claimed, and as measured with its difference from the claimed one."""
    claimed, measured = vm.claimed, vm.measured
    if claimed is None:
        return []
    figures = [
        Figure("Our relative quality (claimed)", f"{claimed.quality_ratio:.2f}"),
        Figure("Our relative price", f"{claimed.relative_price:.2f}"),
    ]
    if claimed.value_advantage is not None:
        figures.append(Figure("Value advantage (claimed)", f"{claimed.value_advantage:+.3f}"))
    if measured is not None and measured.value_advantage is not None:
        change = measured.value_advantage - (claimed.value_advantage or 0)
        advantage = f"{measured.value_advantage:+.3f}"
        figures.append(Figure("Value advantage (measured)", advantage, f"{change:+.3f} vs claimed"))
    return figures


def fair_line_text(vm: ValueMap) -> str | None:
    """The fair-value line as an equation and its zone, in words (markdown-safe); None without one."""
    if vm.line is None:
        return None
    return (
        f"Fair-value line: relative price = {vm.line.intercept:.3f} + {vm.line.slope:.3f} × relative "
        f"quality; {escape_markdown(vm.line.zone_text)}."
    )


def offers_file_name(proposition_name: str, extension: str) -> str:
    """The download name of a market's offers file: the proposition's name as a slug."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in proposition_name.lower()).strip("-") or "offers"
    return f"{slug}-offers.{extension}"


@dataclass(frozen=True)
class MarketEvidence:
    """What measures our offer: delivery per metric (outcome data) and per survey item (customer
    table), and the offers the outcome data has rows for."""

    delivery: Mapping[str, float | None] = field(default_factory=dict)
    data_offers: frozenset[str] = frozenset()

    @property
    def metrics(self) -> list[str]:
        """The metrics and survey items an attribute can be linked to, sorted."""
        return sorted(self.delivery)

    def value_map(self, offers: Offers, measured_by: Mapping[str, str]) -> ValueMap:
        """The value map of ``offers``, our measured scores scaled by this delivery."""
        return value_map(offers, measured_scores(offers, measured_by, self.delivery))
