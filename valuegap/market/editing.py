"""Editing a proposition's market on the Competitors page, without Streamlit.

The page keeps a *draft*: the OFFERS file form (``attributes`` and ``offers``) plus ``links`` from
attributes to metrics. These helpers turn the draft into the editor's table and back, start a new
market, and say what is wrong with a draft in words a marketer can act on.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from valuegap.errors import InvalidInput
from valuegap.market.competition import WEIGHT_SLACK, WEIGHT_TOTAL, Offers, ValueMap, parse_offers
from valuegap.model.proposition import ClaimForm, Proposition

NOT_MEASURED = "(not measured)"
SURVEY_PREFIX = "survey: "


def survey_delivery(expectations: pd.DataFrame) -> dict[str, float | None]:
    """Per survey item (``survey: <item>``), mean experience over mean expectation: 1 = as expected."""
    found: dict[str, float | None] = {}
    for row in expectations.itertuples(index=False):
        expected, experienced = row.expected, row.experienced
        usable = expected is not None and experienced is not None and expected > 0
        ratio = experienced / expected if usable else None
        found[f"{SURVEY_PREFIX}{row.item}"] = ratio if ratio is not None and math.isfinite(ratio) else None
    return found


def draft_of(offers: Offers | None, links: Mapping[str, str], prop: Proposition) -> dict[str, Any]:
    """A draft from a saved market, or a starter market when there is none yet."""
    if offers is not None:
        return {**offers.to_dict(), "links": dict(links)}
    attributes = {"Main benefit": 60.0, "Ease of use": 40.0}
    rivals = sorted({c.competitor for c in prop.claims if c.competitor}) or ["Competitor A"]
    return {
        "attributes": attributes,
        "offers": [
            {
                "name": prop.name,
                "price": prop.price.amount,
                "ours": True,
                "scores": dict.fromkeys(attributes),
            },
            *(
                {"name": name, "price": None, "ours": False, "scores": dict.fromkeys(attributes)}
                for name in rivals
            ),
        ],
        "links": {},
    }


def weight_total(draft: Mapping[str, Any]) -> float:
    return float(
        sum(w for w in draft["attributes"].values() if isinstance(w, int | float) and math.isfinite(w))
    )


def weight_status(total: float) -> tuple[bool, str]:
    """Whether the weights can be saved, and the running-total line the editor shows."""
    if abs(total - WEIGHT_TOTAL) <= WEIGHT_SLACK:
        return True, f"Weights total {WEIGHT_TOTAL:g}: ready to save."
    gap = WEIGHT_TOTAL - total
    todo = f"add {gap:g}" if gap > 0 else f"take away {-gap:g}"
    return False, f"Weights total {total:g} of {WEIGHT_TOTAL:g}: {todo} before saving."


def offers_frame(draft: Mapping[str, Any]) -> pd.DataFrame:
    """One editor row per offer: name, price, ours and a column per attribute."""
    attributes = list(draft["attributes"])
    rows = [
        {
            "name": offer.get("name") or "",
            "price": offer.get("price"),
            "ours": bool(offer.get("ours")),
            **{a: (offer.get("scores") or {}).get(a) for a in attributes},
        }
        for offer in draft["offers"]
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


def check_draft(draft: Mapping[str, Any], prop: Proposition) -> tuple[Offers | None, list[str]]:
    """The draft as :class:`Offers` (our price set to the proposition's), or the problems to fix."""
    data = {"attributes": draft["attributes"], "offers": draft["offers"]}
    try:
        offers = parse_offers(data)
    except InvalidInput as error:
        return None, [str(problem) for problem in error.problems]
    if offers.ours is None:
        return None, ["offers: tick 'ours' on the row of our own offer"]
    if prop.price.amount > 0:
        offers = offers.with_ours(price=prop.price.amount)
    return offers, []


def competitor_claims(prop: Proposition, market: Offers | None, data_offers: Collection[str]) -> pd.DataFrame:
    """Comparative and parity claims with where their competitor's data come from."""
    names = {name.casefold() for name in (market.names if market else [])}
    rows = [
        {
            "claim": claim.id,
            "text": claim.text,
            "form": claim.form.value,
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
