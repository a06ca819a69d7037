"""Column roles: proposed from header names and types, fixed by the user, remembered by file shape."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from valuegap.errors import Problem
from valuegap.sources.reading import RawTable

ROLES = (
    "customer_id",
    "metric",
    "value",
    "segment",
    "offer",
    "observed_at",
    "churned",
    "revenue",
    "price",
    "tenure",
)
Kind = Literal["long", "wide", "customers"]
KINDS: tuple[str, ...] = ("long", "wide", "customers")
REQUIRED = {
    "long": ("customer_id", "metric", "value"),
    "wide": ("customer_id",),
    "customers": ("customer_id",),
}

SYNONYMS = {
    "customer_id": (
        "customer_id",
        "customer",
        "customerid",
        "client_id",
        "client",
        "id",
        "user_id",
        "account_id",
        "home_id",
    ),
    "metric": ("metric", "kpi", "measure", "variable", "outcome"),
    "value": ("value", "val", "amount", "measurement", "result"),
    "segment": ("segment", "customer_segment", "tier", "group", "cohort"),
    "offer": ("offer", "brand", "provider", "product", "vendor"),
    "observed_at": ("observed_at", "date", "timestamp", "measured_at", "observed", "time", "period", "month"),
    "churned": ("churned", "churn", "cancelled", "canceled", "left"),
    "revenue": ("revenue", "mrr", "arpu", "sales"),
    "price": ("price", "plan_price", "list_price"),
    "tenure": ("tenure", "tenure_months", "months_active", "age_months"),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


@dataclass(frozen=True)
class Mapping:
    kind: Kind
    roles: dict[str, str] = field(default_factory=dict)  # role -> column
    metric_columns: tuple[str, ...] = ()
    survey_items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "roles": dict(self.roles), "metric_columns": list(self.metric_columns),
            "survey_items": list(self.survey_items),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        kind = data["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        return cls(
            kind=kind, roles={str(k): str(v) for k, v in dict(data.get("roles", {})).items() if k in ROLES},
            metric_columns=tuple(data.get("metric_columns", ())),
            survey_items=tuple(data.get("survey_items", ())),
        )  # fmt: skip


def shape_signature(columns: Sequence[str]) -> str:
    """Same set of headers (any order or case) → same signature: the key a mapping is remembered by."""
    return hashlib.sha256("\x1f".join(sorted(_norm(c) for c in columns)).encode()).hexdigest()


def _survey_items(columns: Sequence[str]) -> tuple[str, ...]:
    expected = {c.removeprefix("expected_") for c in columns if c.startswith("expected_")}
    experienced = {c.removeprefix("experienced_") for c in columns if c.startswith("experienced_")}
    return tuple(sorted(expected & experienced))


def _numeric_share(column: pd.Series) -> float:
    sample = column.head(500)
    if pd.api.types.is_numeric_dtype(sample):
        return 1.0
    text = sample.astype(str).str.strip().str.replace(",", ".", regex=False)
    text = text[text != ""]  # blank cells in wide form mean "not measured"
    return float(pd.to_numeric(text, errors="coerce").notna().mean()) if len(text) else 0.0


def propose_mapping(raw: RawTable) -> Mapping:
    """Guess each column's role from its name (synonyms, any case or spacing) and the kind of table."""
    columns = [str(c) for c in raw.frame.columns]
    normalised = {_norm(c): c for c in columns}
    roles: dict[str, str] = {}
    for role, names in SYNONYMS.items():
        for name in names:
            if name in normalised and normalised[name] not in roles.values():
                roles[role] = normalised[name]
                break
    items = _survey_items(columns)
    if {"customer_id", "metric", "value"} <= roles.keys():
        keep = ("customer_id", "metric", "value", "segment", "offer", "observed_at")
        return Mapping("long", {r: c for r, c in roles.items() if r in keep})
    roles.pop("metric", None)
    roles.pop("value", None)
    if "customer_id" in roles and (items or {"churned", "revenue", "tenure"} & roles.keys()):
        keep = ("customer_id", "segment", "churned", "revenue", "price", "tenure")
        return Mapping("customers", {r: c for r, c in roles.items() if r in keep}, survey_items=items)
    used = set(roles.values())
    metrics = tuple(c for c in columns if c not in used and _numeric_share(raw.frame[c]) >= 0.8)
    kept_roles = ("customer_id", "segment", "offer", "observed_at")
    return Mapping("wide", {r: c for r, c in roles.items() if r in kept_roles}, metric_columns=metrics)


def check_mapping(raw: RawTable, mapping: Mapping) -> list[Problem]:
    """What is wrong with a mapping, each with what to do about it."""
    problems = []
    columns = set(map(str, raw.frame.columns))
    for role in REQUIRED[mapping.kind]:
        if role not in mapping.roles:
            problems.append(Problem(role, f"choose the column that holds the {role.replace('_', ' ')}"))
    for role, column in mapping.roles.items():
        if column not in columns:
            problems.append(Problem(role, f"the file has no column '{column}'"))
    used = list(mapping.roles.values()) + list(mapping.metric_columns)
    for column in sorted({c for c in used if used.count(c) > 1}):
        problems.append(Problem(column, "this column is given two roles; give each column one role"))
    if mapping.kind == "wide" and not mapping.metric_columns:
        problems.append(Problem("metric columns", "choose at least one column that holds a metric"))
    return problems
