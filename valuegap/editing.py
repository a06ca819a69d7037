"""The editor's tables and fields, to and from the domain model, without Streamlit.

The Propositions page shows claims and cost-of-access items as editable tables. These functions turn
a proposition into those tables, turn what the user typed back into plain data for
``parse_proposition``, and route each validation problem to the field or table row that has it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from valuegap.errors import Problem
from valuegap.model import AccessCost, Claim, Proposition

CLAIM_COLUMNS: tuple[str, ...] = tuple(Claim.model_fields)
ACCESS_COLUMNS: tuple[str, ...] = tuple(AccessCost.model_fields)
_NUMERIC_CLAIM = ("claimed", "share", "ratio", "tolerance", "money_per_unit", "importance")


def claims_frame(prop: Proposition) -> pd.DataFrame:
    """One row per claim, every claim field a column (blank where unset)."""
    rows = [claim.model_dump(mode="json") for claim in prop.claims]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    for column in _NUMERIC_CLAIM:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("id", "text", "metric", "unit", "competitor", "benefit", "form", "direction"):
        frame[column] = frame[column].astype("object")
    return frame


def access_frame(prop: Proposition) -> pd.DataFrame:
    rows = [item.model_dump(mode="json") for item in prop.cost_of_access]
    frame = pd.DataFrame(rows, columns=list(ACCESS_COLUMNS))
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").astype("float64")
    for column in ("kind", "label", "unit", "frequency"):
        frame[column] = frame[column].astype("object")
    return frame


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _clean(value: Any) -> Any:
    """Editor cell → plain Python (numpy scalars become int/float, integral floats stay floats)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return value


def slugify(text: str, taken: set[str]) -> str:
    """A claim id from its text: ``"Saves 5 h a week"`` → ``saves-5-h-a-week`` (unique within taken)."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:32].strip("-") or "claim"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:36]}-{n}"
        n += 1
    return candidate


def rows_from_frame(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[int]]:
    """Editor rows as dicts, leaving out blank cells (so defaults apply) and fully blank rows.

    Also returns each kept row's 1-based position in the editor, so problems name the row the user sees.
    """
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    for position, record in enumerate(frame.to_dict(orient="records"), start=1):
        row = {column: _clean(record.get(column)) for column in columns if not _blank(record.get(column))}
        if row:
            rows.append(row)
            positions.append(position)
    return rows, positions


def claim_rows(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[int]]:
    """Claims from the editor; a claim without an id gets one made from its text."""
    rows, positions = rows_from_frame(frame, CLAIM_COLUMNS)
    taken = {str(row["id"]) for row in rows if "id" in row}
    for row in rows:
        if "id" not in row and isinstance(row.get("text"), str):
            row["id"] = slugify(row["text"], taken)
            taken.add(row["id"])
        elif "id" in row:
            row["id"] = str(row["id"]).strip()
    return rows, positions


@dataclass(frozen=True)
class EditorData:
    """What the editor holds as plain data, and where each table row sits in its editor."""

    data: dict[str, Any]
    claim_positions: list[int]
    access_positions: list[int]


def proposition_data(fields: dict[str, Any], access: pd.DataFrame, claims: pd.DataFrame) -> EditorData:
    """Everything the editor holds, ready for :func:`valuegap.model.parse_proposition`.

    ``fields`` holds the scalar fields with ``price`` and ``canvas`` as nested dicts; blank scalars
    are left out so the model's defaults (or its "is required" message) apply.
    """
    data: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            data[key] = {k: v for k, v in value.items() if not _blank(v) or key == "canvas"}
        elif not _blank(value) or key == "offer":
            data[key] = value
    data["cost_of_access"], access_positions = rows_from_frame(access, ACCESS_COLUMNS)
    data["claims"], claim_positions = claim_rows(claims)
    return EditorData(data, claim_positions, access_positions)


@dataclass
class RoutedProblems:
    """Validation problems grouped by where the editor shows them."""

    fields: dict[str, list[str]] = field(default_factory=dict)  # "price.amount" -> messages
    claims: list[tuple[int, str, str]] = field(default_factory=list)  # (row 1-based, column, message)
    access: list[tuple[int, str, str]] = field(default_factory=list)
    general: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            sum(len(v) for v in self.fields.values())
            + len(self.claims)
            + len(self.access)
            + len(self.general)
        )


_ROW_PATH = re.compile(r"^(claims|cost_of_access)\[(\d+)(?: \([^)]*\))?\](?:\.(\w+))?")


def route_problems(problems: list[Problem], editor: EditorData | None = None) -> RoutedProblems:
    """Group problems by field and by editor row (the row the user sees, blank rows counted)."""
    routed = RoutedProblems()
    for problem in problems:
        match = _ROW_PATH.match(problem.path)
        if match:
            table, index, column = match.group(1), int(match.group(2)), match.group(3) or ""
            positions = None
            if editor is not None:
                positions = editor.claim_positions if table == "claims" else editor.access_positions
            row = positions[index - 1] if positions and 0 < index <= len(positions) else index
            target = routed.claims if table == "claims" else routed.access
            target.append((row, column, problem.message))
        elif problem.path:
            routed.fields.setdefault(problem.path, []).append(problem.message)
        else:
            routed.general.append(problem.message)
    return routed
