"""Validation: every rejected row with its file row number and reason; the rest kept, typed.

Checks are vectorised over whole columns (no per-row Python). Row numbers are as a spreadsheet
shows them: the header is row 1, the first data row is row 2 (also for Parquet, Excel and SQL).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from valuegap.errors import ValueGapError
from valuegap.reporting.exports import safe_text
from valuegap.sources.categories import categorical
from valuegap.sources.delimited import encode
from valuegap.sources.mapping import Kind, Mapping
from valuegap.sources.reading import RawTable

LISTED = 10_000  # rejected rows listed in a report; the counts are always complete
# METHODS.md section 8: a row that repeats an earlier one exactly is a double upload only when it
# carries an observed_at; without one it is a repeated measurement and is kept. Both are counted.
DOUBLE_UPLOAD = "double upload (same customer, metric, value and observed_at as an earlier row)"


@dataclass(frozen=True)
class ValidationReport:
    rows_read: int
    rows_kept: int
    rows_rejected: int
    rejections: pd.DataFrame  # row, column, value, reason
    repeats_kept: int = 0  # rows repeating an earlier row exactly, kept as repeated measurements
    repeats_dropped: int = 0  # rows repeating an earlier row exactly, observed_at included (rejected)
    notes: tuple[str, ...] = ()  # the repeats in plain words, one line per kind (none when none)

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
            writer.writerow([safe_text(str(cell)) for cell in row])
        return sink.getvalue().encode("utf-8")


@dataclass(frozen=True)
class IngestResult:
    kind: Kind
    observations: pd.DataFrame | None
    customers: pd.DataFrame | None
    report: ValidationReport
    mapping: Mapping


ROWS_NAMED = 20  # a problem message names this many rows per reason, then counts the rest
SHOWN_CELLS = ("not a number", "not a date")  # reasons whose message shows what the cell holds


@dataclass(frozen=True)
class RowProblem:
    """One reason rows were rejected: its column, how many rows, and the first rows with their cells
    (``None``: the cell is empty)."""

    column: str
    reason: str
    rows: int
    first: tuple[tuple[int, str | None], ...]


def _cell_words(cell: str | None) -> str:
    return "(empty)" if cell is None or not cell.strip() else f"({cell!r})"


def rejected_rows_message(source: str, problems: list[RowProblem]) -> str:
    """Every reason rows were rejected on one line, each with its count and the rows that have it
    ("outcomes.csv: 3 rows cannot be used. Column value, not a number (2 rows): rows 4 ('x'), 6 (empty)…")."""
    problems = sorted(problems, key=lambda p: p.first[0][0] if p.first else 0)
    total = sum(p.rows for p in problems)
    if total == 1:
        only = problems[0]
        row, cell = only.first[0]
        shown = f" {_cell_words(cell)}" if only.reason in SHOWN_CELLS else ""
        return f"{source}: row {row}, column {only.column}: {only.reason}{shown}."
    parts = []
    for problem in problems:
        rows = [
            f"{row} {_cell_words(cell)}" if problem.reason in SHOWN_CELLS else str(row)
            for row, cell in problem.first
        ]
        named = f"row {rows[0]}" if problem.rows == 1 else "rows " + ", ".join(rows)
        rest = problem.rows - len(problem.first)
        more = f", and {rest:,} more {'row' if rest == 1 else 'rows'} with this problem" if rest > 0 else ""
        count = "1 row" if problem.rows == 1 else f"{problem.rows:,} rows"
        parts.append(f"Column {problem.column}, {problem.reason} ({count}): {named}{more}.")
    return (
        f"{source}: {total:,} rows cannot be used. "
        + " ".join(parts)
        + " Fix them in the file and try again."
    )


class _Rejections:
    """Collects (row mask, column, reason) and knows which rows are still kept."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.kept = np.ones(len(frame), dtype=bool)
        self.parts: list[pd.DataFrame] = []
        self.problems: dict[tuple[str, str], RowProblem] = {}

    def add(self, mask: np.ndarray, column: str | None, reason: str, values: pd.Series | None = None) -> None:
        mask = mask & self.kept  # a row is reported once, for its first problem
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        cells = (values if values is not None else self.frame[column]).iloc[rows[:LISTED]]
        shown = cells.astype(str)
        self._count(str(column), reason, rows, cells)
        self.parts.append(
            pd.DataFrame({"row": self.frame.index.to_numpy()[rows[:LISTED]] + 2, "column": column,
                          "value": shown.to_numpy(), "reason": reason, "count": 1})
        )  # fmt: skip
        self.kept &= ~mask

    def _count(self, column: str, reason: str, rows: np.ndarray, cells: pd.Series) -> None:
        """The reason's count and its first rows, for :func:`rejected_rows_message`."""
        before = self.problems.get((column, reason), RowProblem(column, reason, 0, ()))
        room = ROWS_NAMED - len(before.first)
        numbers = self.frame.index.to_numpy()[rows[:room]] + 2
        named = [None if pd.isna(cell) else str(cell) for cell in cells.iloc[:room]]
        first = before.first + tuple(zip(map(int, numbers), named, strict=True))
        self.problems[(column, reason)] = RowProblem(column, reason, before.rows + len(rows), first)

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


@dataclass(frozen=True)
class _Keys:
    """A text column as integer codes into its distinct, whitespace-stripped labels ('' = blank).

    Checks then run once per distinct label instead of once per row, and the kept rows become
    categoricals without building a Python string per row. Labels are sorted, except where a column
    is keyed in order of first appearance (customer ids: sorting hundreds of thousands of them cost
    more than reading the file, and nothing shown depends on their order).
    """

    codes: np.ndarray  # one per row: int32, or a categorical's own int8/int16
    text: pa.Array  # the distinct labels, as Arrow strings

    @cached_property
    def labels(self) -> np.ndarray:
        """The labels as an object array of str."""
        return np.asarray(self.text.to_numpy(zero_copy_only=False), dtype=object)

    @property
    def blank(self) -> np.ndarray:
        where = pc.index(self.text, "").as_py()
        if where >= 0:
            return self.codes == where
        return np.zeros(len(self.codes), dtype=bool)

    def per_row(self, per_label: np.ndarray) -> np.ndarray:
        return per_label[self.codes]

    def categorical(self, kept: np.ndarray | slice) -> pd.Series:
        labels = pd.Index(self.text.to_pandas(), copy=False)
        return pd.Series(categorical(self.codes[kept], labels))  # labels are distinct


def _arrow(series: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array behind a pandas string column, or None for other storage."""
    if isinstance(series.array, pd.arrays.ArrowStringArray) or isinstance(series.dtype, pd.ArrowDtype):
        array = pa.array(series.array)  # zero-copy through __arrow_array__
        array = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return array
    return None


def _keys(series: pd.Series, *, sort: bool = True) -> _Keys:
    """``series`` as :class:`_Keys`; ``sort=False`` numbers the labels in order of first appearance."""
    arrow = _arrow(series)
    if arrow is not None:
        encoded = encode(arrow)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        return _distinct_keys(codes, encoded.dictionary, sort=sort)
    if isinstance(series.dtype, pd.CategoricalDtype):
        # int8 or int16 for up to 32,767 labels: widening ten million codes would write 40 MB afresh
        codes = series.array.codes  # the categorical's own codes, not a copy
        categories = series.cat.categories
        textual = pd.api.types.is_string_dtype(categories.dtype)
        labels = pa.array(categories if textual else categories.astype(str), type=pa.string())
        if codes.min(initial=0) < 0:  # missing → blank
            labels = pa.concat_arrays([labels, pa.array([""])])
            codes = np.where(codes < 0, len(labels) - 1, codes.astype(np.int32))
        # distinct categories stay distinct as text unless they are not text or a blank was added
        distinct = textual and len(labels) == len(categories)
        return _distinct_keys(codes, labels, sort=sort, distinct=distinct)
    text = series.astype(object).where(series.notna(), "").astype(str)
    codes, uniques = pd.factorize(text.to_numpy(dtype=object))
    return _distinct_keys(codes.astype(np.int32), pa.array(uniques, type=pa.string()), sort=sort)


def _distinct_keys(codes: np.ndarray, labels: pa.Array, *, sort: bool, distinct: bool = True) -> _Keys:
    """Codes into the distinct stripped labels: in code-point order with ``sort``, so the same data
    always gets the same codes whatever the row order; otherwise in the given order, merging labels
    that differ only in surrounding spaces. ``distinct`` says the labels are already distinct."""
    if len(labels) == 0:
        return _Keys(codes, pa.array([""], type=pa.string()))
    text = pc.utf8_trim_whitespace(labels)
    if sort:
        return _sorted_keys(codes, text)
    if distinct and pc.all(pc.equal(text, labels)).as_py():
        return _Keys(codes, text)
    encoded = pc.dictionary_encode(text)
    relabel = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return _Keys(relabel[codes], encoded.dictionary)


def _sorted_keys(codes: np.ndarray, text: pa.Array) -> _Keys:
    """Codes into the distinct labels of ``text`` (already stripped) in code-point order. Sorting
    happens in Arrow: Python string comparisons cost more than reading the file."""
    order = pc.sort_indices(text).to_numpy()
    ordered = text.take(order)
    first = np.ones(len(ordered), dtype=bool)  # first of each run of equal labels
    if len(ordered) > 1:
        first[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1)).to_numpy(
            zero_copy_only=False
        )
    distinct = ordered.filter(pa.array(first))
    relabel = np.empty(len(order), dtype=np.int32)
    relabel[order] = np.cumsum(first, dtype=np.int32) - 1
    if np.array_equal(relabel, np.arange(len(relabel), dtype=np.int32)):
        return _Keys(codes, distinct)  # already distinct and sorted: keep the codes
    return _Keys(relabel[codes], distinct)


def _parse_numbers(text: pd.Series, decimal: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text (already stripped) as float, with masks of cells that are not numbers and infinite."""
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    lower = text.str.lower()
    # words pandas would accept as numbers are not measurements
    wordy = lower.str.contains(r"[a-df-z]|^e|e$", regex=True).fillna(False).to_numpy(dtype=bool)
    values = pd.to_numeric(text.where(~wordy, ""), errors="coerce").astype("float64").to_numpy()
    missing = np.isnan(values)
    infinite = np.isinf(values) | (wordy & lower.str.contains("inf").fillna(False).to_numpy(dtype=bool))
    return values, missing & ~infinite, infinite


def _numbers(column: pd.Series, decimal: str | None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Values as float, and masks of cells that are not numbers and that are infinite."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype("float64")
        return values, values.isna().to_numpy(), np.isinf(values.to_numpy())
    arrow = _arrow(column)
    if arrow is not None:
        fast = _arrow_numbers(arrow, decimal)
        if fast is not None:
            return fast
    # each distinct text parsed once (their order does not matter): by Arrow when they are plain
    # numbers, which for a million distinct values is seconds faster than the careful parser, unless
    # Arrow has just refused this very text above
    keys = _keys(column, sort=False)
    parsed = _arrow_numbers(pa.chunked_array([keys.text]), decimal) if arrow is None else None
    if parsed is not None:
        values, not_number, infinite = parsed[0].to_numpy(), parsed[1], parsed[2]
    else:
        values, not_number, infinite = _parse_numbers(pd.Series(keys.labels, dtype=object), decimal)
    return pd.Series(keys.per_row(values), copy=False), keys.per_row(not_number), keys.per_row(infinite)


def _arrow_numbers(
    arrow: pa.ChunkedArray, decimal: str | None
) -> tuple[pd.Series, np.ndarray, np.ndarray] | None:
    """Arrow's parser for clean numeric text; None when a cell needs the careful path (words such
    as "n/a", "inf" or "nan", which Arrow would read or refuse without saying which row)."""
    nothing = np.zeros(len(arrow), dtype=bool)
    if decimal != "," and arrow.null_count == 0:
        # most files have plain numbers: parse them as they are, and trim only if that fails (Arrow
        # refuses blanks and surrounding spaces), saving two copies of every cell's text
        try:
            values = np.asarray(pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            if not np.isfinite(values).all():
                return None
            return pd.Series(values, copy=False), nothing, np.zeros_like(nothing)
    text = pc.utf8_trim_whitespace(arrow)
    if decimal == ",":
        text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        values = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    blank = np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
    if not (np.isfinite(values) | blank).all():
        return None
    return pd.Series(values, copy=False), blank, nothing


def _dates(column: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates (naive, UTC where a zone was given), a mask of unreadable cells, and a code per distinct
    date (-1 for none) for the duplicate key."""
    if pd.api.types.is_datetime64_any_dtype(column):
        dates = column.dt.tz_convert(None) if getattr(column.dt, "tz", None) is not None else column
        dates = dates.astype("datetime64[ns]").reset_index(drop=True)
        return dates, np.zeros(len(column), bool), _keys_of_dates(dates.to_numpy())
    # each distinct text parsed once (their order does not matter): by Arrow when they are all ISO
    # dates, otherwise by pandas (zones, day-first and other forms)
    keys = _keys(column, sort=False)
    blank = pc.equal(keys.text, "")
    try:
        parsed = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), keys.text), pa.timestamp("ns"))
        per_label = np.asarray(parsed.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        read = pd.to_datetime(pd.Index(keys.labels), errors="coerce", format="mixed", utc=True)
        per_label = read.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    bad_label = np.isnat(per_label) & ~np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
    bad = keys.per_row(bad_label) if bad_label.any() else np.zeros(len(column), bool)
    return pd.Series(keys.per_row(per_label), copy=False), bad, _date_codes(per_label, keys.codes)


def _date_codes(per_label: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per row, a code equal exactly where the dates are, for the duplicate key. Distinct texts can
    name one date ("2025-01-02", "2025-01-02 00:00"), so the dates are coded, not the texts; where
    every text names a date of its own, the text codes already are such codes (no per-row copy)."""
    per_date = _keys_of_dates(per_label)
    return codes if np.unique(per_date).size == per_date.size else per_date[codes]


def _duplicates(keys: list[np.ndarray], values: np.ndarray) -> np.ndarray:
    """Rows equal in every key code and in value to an earlier row (pandas' ``duplicated``)."""
    frame = pd.DataFrame({f"key{i}": key for i, key in enumerate(keys)} | {"value": values}, copy=False)
    return frame.duplicated(keep="first").to_numpy(dtype=bool)


def apply_mapping(
    raw: RawTable,
    mapping: Mapping,
    *,
    known_metrics: Collection[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    strict: bool = False,
) -> IngestResult:
    """Validate ``raw`` under ``mapping``; rejected rows are reported and dropped, the rest typed.

    ``strict`` (the command line) turns the first rejected row into an error naming its row and
    column. Rows that repeat an earlier row exactly are no error: they are dropped as double uploads
    when they carry an observed_at and kept as repeated measurements when they do not, and either way
    counted in the report (``repeats_dropped``, ``repeats_kept`` and ``notes``).
    """
    report = progress or (lambda fraction, message: None)
    raw = raw.full()  # a lazily read table (a preview and its file): every row
    frame = raw.frame
    role = mapping.roles.get
    if mapping.kind == "wide":
        report(0.1, "Turning metric columns into rows")
        frame = _wide_to_long(frame, mapping)
        role = {**mapping.roles, "metric": "metric", "value": "value"}.get
    report(0.2, "Reading customer ids")
    checks = _Rejections(frame)
    if mapping.kind == "customers":
        customer = _keys(frame[role("customer_id")], sort=False)
        checks.add(customer.blank, role("customer_id"), "missing customer id")
        return _customers(raw, frame, mapping, checks, customer, report)
    # customer ids, the one column with hundreds of thousands of distinct values, are encoded on the
    # other core (Arrow releases the GIL) while this one reads the rest
    with ThreadPoolExecutor(max_workers=1) as pool:
        customer_keys = pool.submit(_keys, frame[role("customer_id")], sort=False)
        report(0.4, "Checking metrics and values")
        metric, renamed = _renamed(_keys(frame[role("metric")]), mapping.metric_renames)
        values, not_number, infinite = _numbers(frame[role("value")], raw.decimal)
        observed = bad_date = day = None
        if role("observed_at"):
            report(0.5, "Reading dates")
            observed, bad_date, day = _dates(frame[role("observed_at")])
        segment = _optional_keys(frame, role("segment"))
        offer = _optional_keys(frame, role("offer"))
        customer = customer_keys.result()
    # a row is reported for its first problem, in this order
    checks.add(customer.blank, role("customer_id"), "missing customer id")
    checks.add(metric.blank, role("metric"), "missing metric")
    checks.add(not_number, role("value"), "not a number")
    checks.add(infinite, role("value"), "infinite value")
    if known_metrics is not None:
        unknown = metric.per_row(~np.isin(metric.labels, list(known_metrics)))
        # a renamed row is shown under its new name (the name the claims were searched for)
        shown = None
        if (unknown & renamed).any():
            cells = frame[role("metric")].to_numpy(dtype=object)
            shown = pd.Series(np.where(renamed, metric.labels[metric.codes], cells), dtype=object)
        checks.add(unknown, role("metric"), "unknown metric (no claim measures it)", shown)
    if bad_date is not None:
        checks.add(bad_date, role("observed_at"), "not a date")
    report(0.7, "Looking for repeated rows")
    if day is None:  # no observed_at column: every row on one day
        day = np.zeros(len(frame), dtype=np.int32)
    repeated = _duplicates([customer.codes, metric.codes, segment.codes, offer.codes, day], values.to_numpy())
    if strict:
        _fail_on_bad_rows(raw, checks)
    dated = ~np.isnat(observed.to_numpy()) if observed is not None else np.zeros(len(frame), dtype=bool)
    dropped = int((repeated & dated & checks.kept).sum())
    checks.add(repeated & dated, role("customer_id"), DOUBLE_UPLOAD)
    repeats = int((repeated & ~dated & checks.kept).sum())
    kept = checks.kept
    result = checks.report()
    notes = _repeat_notes(
        repeats, dropped, wide=mapping.kind == "wide", dated=observed is not None, sql=raw.format == "sql"
    )
    result = replace(result, repeats_kept=repeats, repeats_dropped=dropped, notes=notes)
    if result.rows_kept == 0:
        raise ValueGapError(_nothing_kept(raw, result))
    report(0.9, "Typing the kept rows")
    # with nothing rejected the kept rows are views, not copies (at 10M rows, 400 MB not written)
    rows: np.ndarray | slice = slice(None) if result.rows_rejected == 0 else kept
    observations = pd.DataFrame(
        {
            "customer_id": customer.categorical(rows),
            "metric": metric.categorical(rows),
            "value": values.to_numpy()[rows],
            "segment": segment.categorical(rows),
            "offer": offer.categorical(rows),
            "observed_at": observed.to_numpy()[rows]
            if observed is not None
            else np.full(result.rows_kept, np.datetime64("NaT"), dtype="datetime64[ns]"),
        },
        copy=False,  # the arrays are this function's own
    )
    report(1.0, "Checked")
    return IngestResult(mapping.kind, observations, None, result, mapping)


def _renamed(metric: _Keys, renames: dict[str, str]) -> tuple[_Keys, np.ndarray]:
    """``metric`` with the file's labels renamed (``Mapping.metric_renames``, on the stripped label),
    labels that become one merged, and a mask of the rows renamed."""
    if not renames:
        return metric, np.zeros(len(metric.codes), dtype=bool)
    labels = metric.labels
    changed = np.fromiter((label in renames for label in labels), dtype=bool, count=len(labels))
    if not changed.any():
        return metric, np.zeros(len(metric.codes), dtype=bool)
    relabelled = pa.array([renames.get(label, label) for label in labels], type=pa.string())
    return _distinct_keys(metric.codes, relabelled, sort=True), metric.per_row(changed)


def metric_labels(raw: RawTable, mapping: Mapping) -> dict[str, int]:
    """The metrics a file names (labels stripped of surrounding spaces, as the checks compare them),
    each with its number of measurements, before any rename: for long form the metric column's
    labels, for wide form the metric columns (their non-blank cells counted). Blank labels are left
    out. A lazily read table is read whole."""
    frame = raw.full().frame
    if mapping.kind == "wide":
        labels = _wide_to_long(frame, mapping)["metric"]
    else:
        column = mapping.roles.get("metric")
        if mapping.kind != "long" or column is None or column not in frame.columns:
            return {}
        labels = frame[column]
    keys = _keys(labels)
    counts = np.bincount(keys.codes, minlength=len(keys.labels))
    return {str(label): int(n) for label, n in zip(keys.labels, counts, strict=True) if label and n}


def _repeat_notes(kept: int, dropped: int, *, wide: bool, dated: bool, sql: bool) -> tuple[str, ...]:
    """The repeated rows in plain words: one line for those kept, one for those dropped. In wide
    form a repeated file row repeats one measurement per metric column, so measurements are counted."""
    thing = "measurement" if wide else "row"

    def repeat(count: int) -> str:
        verb = "repeats" if count == 1 else "repeat"
        return f"{count:,} {thing}{'' if count == 1 else 's'} {verb} an earlier {thing} exactly"

    notes = []
    if kept:
        if dated:
            why = "its observed_at is blank" if kept == 1 else "their observed_at is blank"
        else:
            why = f"{'the query result' if sql else 'the file'} has no observed_at column"
        notes.append(f"{repeat(kept)}; kept as repeated measurements because {why}.")
    if dropped:
        notes.append(
            f"{repeat(dropped)}; dropped as double uploads: same customer, metric, value and observed_at."
        )
    return tuple(notes)


def _optional_keys(frame: pd.DataFrame, column: str | None) -> _Keys:
    if column is None:
        return _Keys(np.zeros(len(frame), dtype=np.int32), pa.array([""], type=pa.string()))
    return _keys(frame[column])


def _keys_of_dates(dates: np.ndarray) -> np.ndarray:
    """A code per distinct date (-1 for none), so dates take part in the packed duplicate key."""
    codes, _ = pd.factorize(dates.view(np.int64))
    return np.where(np.isnat(dates), -1, codes).astype(np.int32)


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


def _customers(raw: RawTable, frame: pd.DataFrame, mapping: Mapping, checks: _Rejections, customer: _Keys,
               report: Callable[[float, str], None]) -> IngestResult:  # fmt: skip
    everyone = np.ones(len(frame), dtype=bool)
    segment = _optional_keys(frame, mapping.roles.get("segment"))
    typed: dict[str, pd.Series] = {
        "customer_id": pd.Series(customer.labels[customer.codes], dtype=object),
        "segment": pd.Series(segment.categorical(everyone), dtype=object),
    }
    numeric = [(r, mapping.roles.get(r)) for r in ("churned", "revenue", "price", "tenure")]
    numeric += [
        (f"{side}_{item}", f"{side}_{item}")
        for item in mapping.survey_items
        for side in ("expected", "experienced")
    ]
    for name, column in numeric:
        if not column:
            typed[name] = pd.Series(np.nan, index=range(len(frame)))
            continue
        values, not_number, infinite = _numbers(frame[column], raw.decimal)
        blank = _keys(frame[column]).blank if not pd.api.types.is_numeric_dtype(frame[column]) else ~everyone
        checks.add(not_number & ~blank, column, "not a number")
        checks.add(infinite, column, "infinite value")
        if name == "churned":
            checks.add(
                ~values.isin([0.0, 1.0]).to_numpy() & ~blank & ~not_number, column, "churned must be 0 or 1"
            )
        typed[name] = values.reset_index(drop=True)
    seen = pd.Series(customer.codes).duplicated(keep="first").to_numpy(dtype=bool)
    checks.add(seen, mapping.roles["customer_id"], "duplicate customer (same id as an earlier row)")
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


def _fail_on_bad_rows(raw: RawTable, checks: _Rejections) -> None:
    """Stop at a file with rejected rows, naming every reason with its count and rows."""
    if checks.problems:
        raise ValueGapError(rejected_rows_message(raw.file_name, list(checks.problems.values())))


def _nothing_kept(raw: RawTable, report: ValidationReport) -> str:
    counts = report.rejections["reason"].value_counts()
    reasons = "; ".join(
        f"{reason} ({count:,} {'row' if count == 1 else 'rows'})" for reason, count in counts.items()
    )
    return f"{raw.file_name}: no row passed the checks ({reasons}). Check the column mapping."
