"""What changed between two versions of a proposition, in words a marketer reads.

Claims are matched by id, so reordering claims is not a change and an edited claim shows field by
field; cost-of-access items are matched by position. Each change has a path for code and the stored
one-line summary (:meth:`Change.describe`), and a sentence for people (:meth:`Change.sentence`):
"Claim 'hours-saved': claimed 2 → 3 hours a week".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from valuegap.model.proposition import (
    ACCESS_KIND_WORDS,
    BENEFIT_WORDS,
    DIRECTION_WORDS,
    FIELD_WORDS,
    FORM_WORDS,
    FREQUENCY_WORDS,
    Proposition,
)
from valuegap.reporting.formatting import format_money

STATUS_WORDS = {"draft": "Draft", "in_review": "In review", "approved": "Approved"}
_CLAIM_WORDS = {
    "text": "copy",
    "benefit": "benefit",
    "form": "form",
    "metric": "metric",
    "claimed": "claimed",
    "unit": "unit",
    "direction": "better is",
    "share": "share of customers",
    "competitor": "competitor",
    "ratio": "ratio to the competitor",
    "tolerance": "tolerance",
    "money_per_unit": "money per unit",
    "importance": "importance",
}
_ACCESS_WORDS = {
    "id": "ID",
    "kind": "kind",
    "label": "what it is",
    "amount": "amount",
    "unit": "unit",
    "frequency": "how often",
}
_VALUE_WORDS = {
    "form": FORM_WORDS,
    "benefit": BENEFIT_WORDS,
    "direction": DIRECTION_WORDS,
    "kind": ACCESS_KIND_WORDS,
    "frequency": FREQUENCY_WORDS,
    "status": STATUS_WORDS,
}
# the proposition's own amounts of money (its price, and what an hour of a customer's time is worth)
MONEY_FIELDS = ("price.amount", "value_of_time")
_ITEM = re.compile(r"^(claims|cost_of_access)\[([^\]]+)\](?:\.(\w+))?$")


@dataclass(frozen=True)
class Change:
    """One changed field: its path (``price.amount``, ``claims[on-time].text``), old and new value.

    ``context`` (not part of equality) holds what a sentence needs beyond the values: the claim's unit,
    the item's label and unit.
    """

    path: str
    before: Any
    after: Any
    context: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    def describe(self) -> str:
        if self.kind == "added":
            detail = "" if isinstance(self.after, dict) else f": {_show(self.after)}"
            return f"{self.path} added{detail}"
        if self.kind == "removed":
            return f"{self.path} removed"
        return f"{self.path}: {_show(self.before)} → {_show(self.after)}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "change": self.kind, "before": self.before, "after": self.after}

    def sentence(self) -> str:
        """The change as a sentence: "Claim 'hours-saved': claimed 2 → 3 hours a week",
        "Price: USD 49.00 → USD 59.00", "Claim 'fast' added: “Twice as fast as Rival”". Never shows a
        mapping."""
        match = _ITEM.match(self.path)
        if match is None:
            name = FIELD_WORDS.get(self.path, self.path)
            key = self.path.rsplit(".", 1)[-1]
            if self.path in MONEY_FIELDS:
                return f"{name}: " + self._money()
            return f"{name}: " + _values(key, self.before, self.after, self.kind, unit="")
        table, which, key = match.groups()
        if table == "claims":
            thing = f"Claim '{which}'"
            words = _CLAIM_WORDS
        else:
            item = self.after if isinstance(self.after, dict) else self.before
            label = (item or {}).get("label") if isinstance(item, dict) else self.context.get("label")
            label = label or self.context.get("label") or ""
            thing = f"Cost of access item {which}" + (f" ({_show(label)})" if label else "")
            words = _ACCESS_WORDS
        if key is None:
            currency = self.context.get("currency", "")
            if self.kind == "added":
                return f"{thing} added: {_whole(table, self.after, currency)}"
            if self.kind == "removed":
                return f"{thing} removed (it was {_whole(table, self.before, currency)})"
            return f"{thing} changed"
        if (key == "amount" and self.context.get("money")) or (table == "claims" and key == "money_per_unit"):
            return f"{thing}: {words[key]} " + self._money()
        unit = self.context.get("unit", "") if key in ("claimed", "amount") else ""
        return f"{thing}: {words.get(key, key)} " + _values(
            key, self.before, self.after, self.kind, unit=unit
        )

    def _money(self) -> str:
        """A changed amount of money as the pages write money: "USD 49.00 → USD 59.00"; each side in
        its own version's currency."""
        currency = self.context.get("currency", "")
        currency_before = self.context.get("currency_before", "")

        def amount(value: Any, currency: str) -> str:
            return _as_money(value, currency) or _words("amount", value)

        if self.kind == "added":
            return f"set to {amount(self.after, currency)}"
        if self.kind == "removed":
            return f"{amount(self.before, currency_before or currency)} cleared"
        return f"{amount(self.before, currency_before or currency)} → {amount(self.after, currency)}"


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f"“{text}”"
    if isinstance(value, dict):
        return value.get("text") or value.get("label") or "{…}"
    return str(value)


def _words(key: str, value: Any, unit: str = "") -> str:
    """One value in words: enums by their label, shares as percentages, numbers without '.0'."""
    if value is None:
        return "blank"
    if key in _VALUE_WORDS and isinstance(value, str):
        return _VALUE_WORDS[key].get(value, value)
    if key == "share" and isinstance(value, int | float):
        return format((Decimal(repr(float(value))) * 100).normalize(), "f") + "%"
    if key == "tolerance" and isinstance(value, int | float):
        return format((Decimal(repr(float(value))) * 100).normalize(), "f") + "% of the claim"
    if key == "ratio" and isinstance(value, int | float):
        return _show(float(value)) + "×"
    if value == "":
        return "none" if key == "unit" else "blank"
    shown = _show(value)
    return f"{shown} {unit}".rstrip() if unit and isinstance(value, int | float) else shown


def _values(key: str, before: Any, after: Any, kind: str, *, unit: str) -> str:
    """ "2 → 3 hours a week", "set to 12", "12 cleared"."""
    if kind == "added":
        return f"set to {_words(key, after, unit)}"
    if kind == "removed":
        return f"{_words(key, before, unit)} cleared"
    if unit and isinstance(before, int | float) and isinstance(after, int | float):
        return f"{_show(before)} → {_show(after)} {unit}"
    return f"{_words(key, before)} → {_words(key, after)}"


def _whole(table: str, item: Any, currency: str = "") -> str:
    """A whole added or removed claim or item, in a few words."""
    if not isinstance(item, dict):
        return _show(item)
    if table == "claims":
        return _show(item.get("text", ""))
    amount = _show(item.get("amount"))
    how_often = FREQUENCY_WORDS.get(item.get("frequency", "per_period"), "").lower()
    kind = ACCESS_KIND_WORDS.get(item.get("kind", ""), "")
    if item.get("unit") == "money":
        size = _as_money(item.get("amount"), currency) or f"{currency} {amount}".strip()
    else:
        size = f"{amount} hours"
    return f"{kind}, {size} {how_often}".strip()


def _as_money(value: Any, currency: str) -> str | None:
    """A number as the report and the pages write money ("USD 99.00"); None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_money(value, currency).strip()
    return None


def sentences(changes: list[Change]) -> list[str]:
    """Every change as a sentence (see :meth:`Change.sentence`), in order."""
    return [change.sentence() for change in changes]


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    else:
        out[prefix] = value


def _diff_mappings(
    prefix: str, before: dict[str, Any], after: dict[str, Any], context: dict[str, Any] | None = None
) -> list[Change]:
    flat_before: dict[str, Any] = {}
    flat_after: dict[str, Any] = {}
    _flatten(prefix, before, flat_before)
    _flatten(prefix, after, flat_after)
    changes = []
    for key in list(flat_before) + [k for k in flat_after if k not in flat_before]:
        old, new = flat_before.get(key), flat_after.get(key)
        if old != new:
            changes.append(Change(key, old, new, dict(context or {})))
    return changes


def diff_propositions(before: Proposition | None, after: Proposition) -> list[Change]:
    """Every difference from ``before`` to ``after`` (all of ``after`` as added when before is None)."""
    old = before.to_dict() if before is not None else {}
    new = after.to_dict()
    changes: list[Change] = []
    scalar_keys = [k for k in new if k not in ("claims", "cost_of_access")]
    currency = new.get("price", {}).get("currency", "")
    # money is written in its version's currency: the price before a change of currency in its own
    money = {"currency": currency, "currency_before": old.get("price", {}).get("currency", currency)}
    changes += _diff_mappings(
        "",
        {k: old[k] for k in scalar_keys if k in old},
        {k: new[k] for k in scalar_keys},
        money,
    )

    old_items, new_items = old.get("cost_of_access", []), new.get("cost_of_access", [])
    for index in range(max(len(old_items), len(new_items))):
        path = f"cost_of_access[{index + 1}]"
        if index >= len(old_items):
            changes.append(Change(path, None, new_items[index], {"currency": currency}))
        elif index >= len(new_items):
            changes.append(Change(path, old_items[index], None, {"currency": currency}))
        else:
            context = {
                "label": new_items[index].get("label") or old_items[index].get("label"),
                "unit": "hours" if new_items[index].get("unit", "hours") == "hours" else "",
                # an item that is money before and after (a change of unit reads as the numbers)
                "money": old_items[index].get("unit") == new_items[index].get("unit") == "money",
                **money,
            }
            changes += _diff_mappings(path, old_items[index], new_items[index], context)

    old_claims = {c["id"]: c for c in old.get("claims", [])}
    new_claims = {c["id"]: c for c in new.get("claims", [])}
    for claim_id, claim in new_claims.items():
        path = f"claims[{claim_id}]"
        if claim_id not in old_claims:
            changes.append(Change(path, None, claim))
        else:
            context = {"unit": claim.get("unit") or old_claims[claim_id].get("unit") or "", **money}
            changes += _diff_mappings(path, old_claims[claim_id], claim, context)
    for claim_id, claim in old_claims.items():
        if claim_id not in new_claims:
            changes.append(Change(f"claims[{claim_id}]", claim, None))
    return changes


def summarize(changes: list[Change], *, limit: int = 4) -> str:
    """A one-line summary such as ``price.amount: 49 → 59; claims[fast] added (+2 more)``."""
    if not changes:
        return "no changes"
    shown = "; ".join(change.describe() for change in changes[:limit])
    more = f" (+{len(changes) - limit} more)" if len(changes) > limit else ""
    return shown + more


ACTION_WORDS = {
    "create": "Created",
    "save": "Edited",
    "restore": "Restored",
    "import": "Imported",
    "duplicate": "Copied",
    "draft from copy": "Added claims drafted from copy",
    "metric renamed": "Renamed a claim metric to match an uploaded file",
}


def action_in_words(action: str, summary: str = "") -> str:
    """How the History tab names what a revision did: "Edited", or for a restore its summary,
    "Restored version 1"."""
    if action == "restore" and summary:
        return summary[:1].upper() + summary[1:]
    return ACTION_WORDS.get(action, action[:1].upper() + action[1:])


def _people(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def conflict_in_words(authors: list[str], version: int, saved_at: datetime, seen_version: int) -> str:
    """A refused save, said to the one refused: who saved since the version they opened, and what to
    do. Their changes follow it as :func:`sentences`."""
    who = _people(sorted(set(authors))) if authors else "Someone else"
    return (
        f"Not saved: {who} saved this proposition (version {version}, {saved_at:%Y-%m-%d %H:%M} UTC) "
        f"after you opened version {seen_version}. Nothing was overwritten: load their version to see "
        "it, then re-apply your edits."
    )
