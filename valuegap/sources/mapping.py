"""Column roles: proposed from header names and types, fixed by the user, remembered by file shape."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from valuegap.errors import InvalidInput, Problem
from valuegap.model.proposition import problems_of
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
ROLE_WORDS = {
    "customer_id": "Customer ID",
    "metric": "Metric",
    "value": "Value",
    "segment": "Segment",
    "offer": "Offer",
    "observed_at": "Date measured",
    "churned": "Churned",
    "revenue": "Revenue",
    "price": "Price",
    "tenure": "Tenure",
}
"""Each role as a person calls it, for messages about a mapping."""
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


METRIC_NAME_LENGTH = 80  # a claim's metric is at most this long (valuegap.model.proposition.Claim)
_Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=METRIC_NAME_LENGTH)]


class _StoredMapping(BaseModel):
    """A mapping as stored with a dataset (``Mapping.to_dict``); keys it does not know are ignored, and
    a mapping stored before metric renames existed has none."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["long", "wide", "customers"]
    roles: dict[str, str] = {}
    metric_columns: tuple[str, ...] = ()
    survey_items: tuple[str, ...] = ()
    metric_renames: dict[_Label, _Label] = {}

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: dict[str, str]) -> dict[str, str]:
        return {role: column for role, column in roles.items() if role in ROLES}


_MAPPING_WORDS = {
    "kind": "Kind of data",
    "roles": "Column roles",
    "metric_columns": "Metric columns",
    "survey_items": "Survey items",
    "metric_renames": "Metric names in the file",
}


def _mapping_place(path: str) -> str:
    """A stored mapping's field path in words: ``roles.metric`` → "Column for the metric"."""
    head, _, rest = path.partition(".")
    field_name, _, index = head.partition("[")
    words = _MAPPING_WORDS.get(field_name, field_name)
    if field_name == "roles" and rest:
        return f"Column for the {rest.replace('_', ' ')}"
    if field_name == "metric_renames" and rest.endswith(".[key]"):  # the file's label itself
        return f"Metric name in the file “{rest.removesuffix('.[key]')}”"
    if field_name == "metric_renames" and rest:
        return f"New name for “{rest}”"
    if index:
        return f"{words}, item {index.rstrip(']')}"
    return words


@dataclass(frozen=True)
class Mapping:
    kind: Kind
    roles: dict[str, str] = field(default_factory=dict)  # role -> column
    metric_columns: tuple[str, ...] = ()
    survey_items: tuple[str, ...] = ()
    # a metric as the file names it (stripped of surrounding spaces) -> the claims' metric it counts as
    metric_renames: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "roles": dict(self.roles), "metric_columns": list(self.metric_columns),
            "survey_items": list(self.survey_items), "metric_renames": dict(self.metric_renames),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any) -> Mapping:
        """A stored mapping; raises :class:`InvalidInput` naming every problem in words."""
        try:
            stored = _StoredMapping.model_validate(data)
        except ValidationError as error:
            problems = [
                Problem(p.path, p.message, where=_mapping_place(p.path)) for p in problems_of(error, data)
            ]
            raise InvalidInput(problems, source="The saved column mapping") from None
        renames = {label: metric for label, metric in stored.metric_renames.items() if label != metric}
        return cls(
            kind=stored.kind, roles=dict(stored.roles), metric_columns=stored.metric_columns,
            survey_items=stored.survey_items, metric_renames=renames,
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
            what = ROLE_WORDS[role].lower() if role != "customer_id" else ROLE_WORDS[role]
            message = f"choose the column that holds the {what}"
            problems.append(Problem(role, message, where=ROLE_WORDS[role]))
    for role, column in mapping.roles.items():
        if column not in columns:
            problems.append(Problem(role, f"the file has no column '{column}'", where=ROLE_WORDS[role]))
    used = list(mapping.roles.values()) + list(mapping.metric_columns)
    for column in sorted({c for c in used if used.count(c) > 1}):
        roles = [ROLE_WORDS[r] for r, c in mapping.roles.items() if c == column]
        roles += ["Metric columns"] if column in mapping.metric_columns else []
        count = {2: "two", 3: "three"}.get(len(roles), str(len(roles)))
        message = f"this column is given {count} roles ({', '.join(roles)}); give each column one role"
        problems.append(Problem(column, message, where=f"Column '{column}'"))
    if mapping.kind == "wide" and not mapping.metric_columns:
        message = "choose at least one column that holds a metric"
        problems.append(Problem("metric columns", message, where="Metric columns"))
    return problems


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
CLOSE_ENOUGH = 0.8  # difflib's similarity a proposal needs (1.0: the same after normalising)
CLEAR_LEAD = 0.05  # and by how much it must beat the next metric, else it is no clear proposal


def metric_key(name: str) -> str:
    """A metric name compared loosely: case, spaces, punctuation, underscores and hyphens, camelCase
    and a plural s ignored ("Hours saved", "hours_saved", "hoursSaved", "hour-saved" → "hour_saved")."""
    words = re.findall(r"[a-z0-9]+", _CAMEL.sub(" ", str(name)).lower())
    return "_".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def propose_metric_matches(labels: Iterable[str], metrics: Iterable[str]) -> dict[str, str]:
    """For each file label no claim measures, the claims' metric it most likely means ("Hours saved" →
    ``hours_saved``), only where that is clear: one metric equal after normalising, or else one metric
    close enough (difflib) and clearly closer than any other. Labels with no clear match are left out."""
    known = sorted({m for m in metrics if m})
    keys: dict[str, list[str]] = {}
    for metric in known:
        keys.setdefault(metric_key(metric), []).append(metric)
    proposals: dict[str, str] = {}
    for label in dict.fromkeys(labels):
        if not label or label in known:
            continue
        key = metric_key(label)
        if not key:
            continue
        if key in keys:
            if len(keys[key]) == 1:
                proposals[label] = keys[key][0]
            continue  # two metrics look the same as this label: no clear match
        scores = sorted(
            ((difflib.SequenceMatcher(None, key, other).ratio(), other) for other in keys), reverse=True
        )
        if not scores or scores[0][0] < CLOSE_ENOUGH:
            continue
        best, best_key = scores[0]
        rival = scores[1][0] if len(scores) > 1 else 0.0
        if best - rival >= CLEAR_LEAD and len(keys[best_key]) == 1:
            proposals[label] = keys[best_key][0]
    return proposals
