"""Validation: every rejected row with its file row number and reason; the rest kept, typed.

Checks are vectorised over whole columns (no per-row Python). Row numbers are as a spreadsheet
shows them: the header is row 1, the first data row is row 2 (also for Parquet, Excel and SQL).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.ingest.mapping import Kind, Mapping
from valuegap.ingest.reading import RawTable

LISTED = 10_000  # rejected rows listed in a report; the counts are always complete
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ValidationReport:
    rows_read: int
    rows_kept: int
    rows_rejected: int
    rejections: pd.DataFrame  # row, column, value, reason

    def summary(self) -> pd.DataFrame:
        """Rejected rows per reason, with the first rows that have it."""
        if self.rejections.empty:
            return pd.DataFrame(columns=["reason", "rows", "first rows"])
        grouped = self.rejections.groupby("reason", sort=False)["row"]
        return pd.DataFrame(
            {
                "reason": list(grouped.groups),
                "rows": grouped.size().to_list(),
                "first rows": [", ".join(map(str, rows.head(5))) for _, rows in grouped],
            }
        )

    def to_csv(self) -> bytes:
        """The rejected rows as CSV, with spreadsheet formulas neutralised and CRLF line ends."""
        sink = io.StringIO()
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow(["row", "column", "value", "reason"])
        for row in self.rejections.itertuples(index=False):
            writer.writerow([_safe(str(cell)) for cell in row])
        return sink.getvalue().encode("utf-8")


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@dataclass(frozen=True)
class IngestResult:
    kind: Kind
    observations: pd.DataFrame | None
    customers: pd.DataFrame | None
    report: ValidationReport
    mapping: Mapping


class _Rejections:
    """Collects (row mask, column, reason) and knows which rows are still kept."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.kept = np.ones(len(frame), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, column: str, reason: str, values: pd.Series | None = None) -> None:
        mask = mask & self.kept  # a row is reported once, for its first problem
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        shown = (values if values is not None else self.frame[column]).iloc[rows[:LISTED]].astype(str)
        self.parts.append(
            pd.DataFrame({"row": self.frame.index.to_numpy()[rows[:LISTED]] + 2, "column": column,
                          "value": shown.to_numpy(), "reason": reason, "count": 1})
        )  # fmt: skip
        self.counts = getattr(self, "counts", 0) + int(mask.sum())
        self.kept &= ~mask

    def report(self) -> ValidationReport:
        table = (
            pd.concat(self.parts, ignore_index=True)
            if self.parts
            else pd.DataFrame(columns=["row", "column", "value", "reason", "count"])
        )
        table = (
            table.sort_values("row", kind="stable").head(LISTED).drop(columns="count").reset_index(drop=True)
        )
        kept = int(self.kept.sum())
        return ValidationReport(len(self.kept), kept, len(self.kept) - kept, table)


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series | None:
    if column is None:
        return None
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(str)
    return series.astype("string").str.strip().fillna("")


def _numbers(column: pd.Series, decimal: str | None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Values as float, and masks of cells that are not numbers and that are infinite."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype("float64")
        return values, values.isna().to_numpy(), np.isinf(values.to_numpy())
    text = column.astype("string").str.strip().fillna("")
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    # words pandas would accept as numbers are not measurements
    wordy = text.str.lower().str.contains(r"[a-df-z]|^e|e$", regex=True).fillna(False).to_numpy(dtype=bool)
    values = pd.to_numeric(text.where(~wordy, ""), errors="coerce").astype("float64")
    missing = values.isna().to_numpy()
    infinite = np.isinf(values.to_numpy()) | (
        wordy & text.str.lower().str.contains("inf").fillna(False).to_numpy(dtype=bool)
    )
    return values, missing & ~infinite, infinite


def apply_mapping(
    raw: RawTable,
    mapping: Mapping,
    *,
    known_metrics: Collection[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> IngestResult:
    """Validate ``raw`` under ``mapping``; rejected rows are reported and dropped, the rest typed."""
    report = progress or (lambda fraction, message: None)
    frame = raw.frame
    role = mapping.roles.get
    if mapping.kind == "wide":
        report(0.1, "Turning metric columns into rows")
        frame = _wide_to_long(frame, mapping)
        role = {**mapping.roles, "metric": "metric", "value": "value"}.get
    report(0.3, "Checking cells")
    checks = _Rejections(frame)
    customer = _text(frame, role("customer_id"))
    assert customer is not None
    checks.add((customer == "").to_numpy(dtype=bool), role("customer_id"), "missing customer id")
    if mapping.kind == "customers":
        return _customers(raw, frame, mapping, checks, customer, report)
    metric = _text(frame, role("metric"))
    assert metric is not None
    checks.add((metric == "").to_numpy(dtype=bool), role("metric"), "missing metric")
    values, not_number, infinite = _numbers(frame[role("value")], raw.decimal)
    checks.add(not_number, role("value"), "not a number")
    checks.add(infinite, role("value"), "infinite value")
    if known_metrics is not None:
        unknown = ~metric.isin(list(known_metrics)).to_numpy(dtype=bool)
        checks.add(unknown, role("metric"), "unknown metric (no claim measures it)")
    observed = None
    if role("observed_at"):
        text = _text(frame, role("observed_at"))
        observed = (
            pd.to_datetime(frame[role("observed_at")], errors="coerce", format="mixed")
            if text is not None
            else None
        )
        bad_date = (observed.isna() & (text != "")).to_numpy(dtype=bool)
        checks.add(bad_date, role("observed_at"), "not a date")
    report(0.6, "Looking for duplicate rows")
    columns = [
        c
        for c in (
            role("customer_id"),
            role("metric"),
            role("value"),
            role("segment"),
            role("offer"),
            role("observed_at"),
        )
        if c
    ]
    duplicated = frame.duplicated(subset=columns if mapping.kind == "long" else None, keep="first").to_numpy()
    checks.add(duplicated, role("customer_id"), "duplicate row (same as an earlier row)")
    kept = checks.kept
    result = checks.report()
    if result.rows_kept == 0:
        raise ValueGapError(_nothing_kept(raw, result))
    report(0.85, "Typing the kept rows")
    observations = pd.DataFrame(
        {
            "customer_id": customer[kept].astype("category").reset_index(drop=True),
            "metric": metric[kept].astype("category").reset_index(drop=True),
            "value": values[kept].reset_index(drop=True),
            "segment": _category(_text(frame, role("segment")), kept),
            "offer": _category(_text(frame, role("offer")), kept),
            "observed_at": observed[kept].reset_index(drop=True)
            if observed is not None
            else pd.Series(pd.NaT, index=range(int(kept.sum())), dtype="datetime64[ns]"),
        }
    )
    report(1.0, "Checked")
    return IngestResult(mapping.kind, observations, None, result, mapping)


def _category(text: pd.Series | None, kept: np.ndarray) -> pd.Series:
    if text is None:
        return pd.Series([""] * int(kept.sum()), dtype="category")
    return text[kept].astype("category").reset_index(drop=True)


def _wide_to_long(frame: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """One row per (customer row, metric column); blank cells mean 'not measured' and are dropped.

    The index keeps the source row so rejected rows are reported with their row in the file.
    """
    ids = [c for c in (mapping.roles.get(r) for r in ("customer_id", "segment", "offer", "observed_at")) if c]
    long = frame[ids + list(mapping.metric_columns)].melt(
        id_vars=ids,
        value_vars=list(mapping.metric_columns),
        var_name="metric",
        value_name="value",
        ignore_index=False,
    )
    blank = long["value"].isna() | (long["value"].astype("string").str.strip() == "")
    return long[~blank.to_numpy(dtype=bool)]


def _customers(raw: RawTable, frame: pd.DataFrame, mapping: Mapping, checks: _Rejections, customer: pd.Series,
               report: Callable[[float, str], None]) -> IngestResult:  # fmt: skip
    typed: dict[str, pd.Series] = {"customer_id": customer}
    segment = _text(frame, mapping.roles.get("segment"))
    typed["segment"] = segment if segment is not None else pd.Series("", index=frame.index)
    numeric = [(r, mapping.roles.get(r)) for r in ("churned", "revenue", "price", "tenure")]
    numeric += [
        (f"{side}_{item}", f"{side}_{item}")
        for item in mapping.survey_items
        for side in ("expected", "experienced")
    ]
    for name, column in numeric:
        if not column:
            typed[name] = pd.Series(np.nan, index=frame.index)
            continue
        values, not_number, infinite = _numbers(frame[column], raw.decimal)
        blank = (_text(frame, column) == "").to_numpy(dtype=bool)
        checks.add(not_number & ~blank, column, "not a number")
        checks.add(infinite, column, "infinite value")
        if name == "churned":
            checks.add(
                ~values.isin([0.0, 1.0]).to_numpy() & ~blank & ~not_number, column, "churned must be 0 or 1"
            )
        typed[name] = values
    checks.add(
        customer.duplicated(keep="first").to_numpy(dtype=bool),
        mapping.roles["customer_id"],
        "duplicate customer (same id as an earlier row)",
    )
    kept = checks.kept
    result = checks.report()
    if result.rows_kept == 0:
        raise ValueGapError(_nothing_kept(raw, result))
    customers = pd.DataFrame({k: v[kept].reset_index(drop=True) for k, v in typed.items()})
    customers["churned"] = (
        customers["churned"].astype("Int8") if mapping.roles.get("churned") else customers["churned"]
    )
    report(1.0, "Checked")
    return IngestResult("customers", None, customers, result, mapping)


def _nothing_kept(raw: RawTable, report: ValidationReport) -> str:
    top = report.rejections["reason"].value_counts().head(3)
    reasons = "; ".join(f"{reason} ({count} rows)" for reason, count in top.items())
    return f"{raw.file_name}: no row passed the checks ({reasons}). Check the column mapping."
