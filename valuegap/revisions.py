"""What changed between two versions of a proposition, in words a marketer reads.

Claims are matched by id, so reordering claims is not a change and an edited claim shows field by
field; cost-of-access items are matched by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valuegap.model import Proposition


@dataclass(frozen=True)
class Change:
    """One changed field: its path (``price.amount``, ``claims[on-time].text``), old and new value."""

    path: str
    before: Any
    after: Any

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


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f"“{text}”"
    if isinstance(value, dict):
        return value.get("text") or value.get("label") or "{…}"
    return str(value)


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    else:
        out[prefix] = value


def _diff_mappings(prefix: str, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    flat_before: dict[str, Any] = {}
    flat_after: dict[str, Any] = {}
    _flatten(prefix, before, flat_before)
    _flatten(prefix, after, flat_after)
    changes = []
    for key in list(flat_before) + [k for k in flat_after if k not in flat_before]:
        old, new = flat_before.get(key), flat_after.get(key)
        if old != new:
            changes.append(Change(key, old, new))
    return changes


def diff_propositions(before: Proposition | None, after: Proposition) -> list[Change]:
    """Every difference from ``before`` to ``after`` (all of ``after`` as added when before is None)."""
    old = before.to_dict() if before is not None else {}
    new = after.to_dict()
    changes: list[Change] = []
    scalar_keys = [k for k in new if k not in ("claims", "cost_of_access")]
    changes += _diff_mappings(
        "",
        {k: old[k] for k in scalar_keys if k in old},
        {k: new[k] for k in scalar_keys},
    )

    old_items, new_items = old.get("cost_of_access", []), new.get("cost_of_access", [])
    for index in range(max(len(old_items), len(new_items))):
        path = f"cost_of_access[{index + 1}]"
        if index >= len(old_items):
            changes.append(Change(path, None, new_items[index]))
        elif index >= len(new_items):
            changes.append(Change(path, old_items[index], None))
        else:
            changes += _diff_mappings(path, old_items[index], new_items[index])

    old_claims = {c["id"]: c for c in old.get("claims", [])}
    new_claims = {c["id"]: c for c in new.get("claims", [])}
    for claim_id, claim in new_claims.items():
        path = f"claims[{claim_id}]"
        if claim_id not in old_claims:
            changes.append(Change(path, None, claim))
        else:
            changes += _diff_mappings(path, old_claims[claim_id], claim)
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
