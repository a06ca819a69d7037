"""An outcomes upload checked, stored and reduced by DuckDB where the file is, in SQL.

A Parquet or UTF-8 CSV/TSV upload read with ``read_table(..., lazy=True)`` is a file on disk and a
preview (:class:`~valuegap.sources.RawTable`). Its import never builds a frame of its rows: DuckDB reads
the mapped columns of the file, and

1. every row goes through the checks of :mod:`valuegap.sources.validation`, decided alike (missing ids
   and metrics, values that are not numbers or infinite, unknown metrics, dates): each rejected row is
   kept with its spreadsheet row number (the header is row 1) and its first problem, listed up to
   :data:`~valuegap.sources.validation.LISTED`, counted always;
2. exact repeats (METHODS.md section 8) are found: a repeat with an observed_at is a double upload
   (rejected and counted), one without is a repeated measurement (kept and counted);
3. the kept rows are written once as Parquet (``COPY … TO``, the stored rows), and reduced from that
   file to per-customer means (:func:`valuegap.sources.engine.per_customer`, the engine's one definition).

What DuckDB cannot decide as the project does raises :class:`Fallback`, and the caller imports the
whole table the pandas way (:func:`~valuegap.sources.apply_mapping`), which says the project's words
about the file: a decimal comma, wide tables, dates in forms DuckDB's cast does not read, label or
value columns of other types, and a CSV DuckDB's reader refuses (ragged rows, quotes left open).

Limits: the connection has a ``memory_limit`` (:data:`MEMORY_LIMIT`, beyond it DuckDB spills to the
import's temporary folder) and uses the machine's cores; an upload's size is capped before it is read
(``reading.check_size``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.sources.mapping import Mapping
from valuegap.sources.reading import RawTable
from valuegap.sources.validation import (
    DOUBLE_UPLOAD,
    LISTED,
    ValidationReport,
    _nothing_kept,
    _repeat_notes,
)

MEMORY_LIMIT = "1GB"  # DuckDB's own memory for one import; past it, it spills to disk
TEXT_TYPES = ("VARCHAR",)
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
NUMBER_TYPES = (*INTEGER_TYPES, "FLOAT", "DOUBLE")
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
ROLES = ("customer_id", "metric", "value", "segment", "offer", "observed_at")
# the reasons of validation, in the order a row's first problem is chosen
REASONS = (
    ("customer_id", "missing customer id"),
    ("metric", "missing metric"),
    ("value", "not a number"),
    ("value", "infinite value"),
    ("metric", "unknown metric (no claim measures it)"),
    ("observed_at", "not a date"),
)
# Unicode white space that Arrow's utf8_trim_whitespace (the pandas path) strips from labels
_SPACE = (
    " \t\n\r\x0b\x0c\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class Fallback(Exception):
    """DuckDB cannot check this table as the project does: import it the pandas way."""


@dataclass(frozen=True)
class Checked:
    """What the SQL import wrote and found."""

    report: ValidationReport
    rows: Path  # the kept rows, as stored


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _stripped(text: str) -> str:
    """``text`` without surrounding white space; trimmed only where it begins or ends with a space, a
    control or a non-ASCII character (trimming a set of characters costs DuckDB a plain scan five times)."""
    ends = f"unicode({text}) BETWEEN 33 AND 126 AND unicode(right({text}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {ends} THEN {text} ELSE trim({text}, {_text(_SPACE)}) END"


def usable(raw: RawTable, mapping: Mapping) -> bool:
    """The SQL import takes this table and mapping (else the pandas way does): a lazily read Parquet
    or CSV/TSV (or one given its file after a whole read), in long form."""
    return raw.path is not None and mapping.kind == "long" and raw.format in ("parquet", "csv", "tsv")


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An embedded DuckDB for one import: bounded memory, spilling into ``folder``, times in UTC."""
    con = duckdb.connect(
        config={
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": str(folder),
            "preserve_insertion_order": True,  # the stored rows keep the file's order
            "threads": max(os.cpu_count() or 1, 1),
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    return con


def check_and_store(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    mapping: Mapping,
    folder: Path,
    *,
    known_metrics: Collection[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Checked:
    """Check every row of ``raw``'s file under ``mapping`` and write the kept rows to a Parquet file in
    ``folder``. Raises :class:`Fallback` for what the pandas way must decide."""
    report = progress or (lambda fraction, message: None)
    assert raw.path is not None
    roles = {role: column for role, column in mapping.roles.items() if role in ROLES}
    scan, types = _scan(con, raw, roles, folder, mapping.metric_renames)
    report(0.2, "Checking customer ids, metrics and values")
    con.execute(f"CREATE TEMP VIEW src AS {scan}")
    # the file read and checked once: every row with its labels stripped, its number and date and its
    # first problem (the few rows with a problem also keep their cells as the file has them) and the
    # hash of its key (-0.0 and 0.0 are one value), computed once for the search of exact repeats below
    con.execute(
        f"""CREATE TEMP TABLE checked AS
            SELECT *, hash(customer_id, metric, segment, offer, day, value + 0.0) AS h
            FROM ({_checks(types, known_metrics, raw.decimal)})"""
    )
    con.execute("CREATE TEMP TABLE bad AS SELECT row, problem, shown FROM checked WHERE problem > 0")
    con.execute("ALTER TABLE checked DROP COLUMN shown")
    if "observed_at" in roles and _one(con, "SELECT count(*) FROM bad WHERE problem = 6"):
        raise Fallback  # dates in forms DuckDB's cast does not read (03/04/2025): pandas decides
    report(0.5, "Looking for repeated rows")
    # the grouping below has no order to keep (each repeat is ranked by its row number), and keeping
    # the file's order costs DuckDB its parallel hash tables; the stored rows keep it again below
    con.execute("SET preserve_insertion_order = false")
    # rows sharing the hash of their key (hashed once, in the checked table), then compared exactly:
    # the repeats of an earlier row
    con.execute(
        """CREATE TEMP TABLE repeated AS
            WITH twice AS (SELECT h FROM checked WHERE problem = 0 GROUP BY h HAVING count(*) > 1),
                 candidates AS (SELECT row, customer_id, metric, segment, offer, day, value + 0.0 AS v
                                FROM checked WHERE problem = 0 AND h IN (SELECT h FROM twice))
            SELECT row, day IS NOT NULL AS dated FROM (
                SELECT row, day, row_number() OVER (
                    PARTITION BY customer_id, metric, segment, offer, day, v ORDER BY row) AS nth
                FROM candidates) WHERE nth > 1"""
    )
    con.execute("SET preserve_insertion_order = true")
    dropped, kept_repeats = (
        int(n)
        for n in _row(
            con, "SELECT count(*) FILTER (WHERE dated), count(*) FILTER (WHERE NOT dated) FROM repeated"
        )
    )
    counts = dict(con.execute("SELECT problem, count(*) FROM bad GROUP BY problem").fetchall())
    rows_read = int(_one(con, "SELECT count(*) FROM checked"))
    if not raw.preview and rows_read != raw.rows:
        raise Fallback  # DuckDB split the file otherwise than the project's reader: that reader decides
    rejections = _rejections(con, roles, dropped, csv=raw.format != "parquet")
    rejected = sum(int(n) for n in counts.values()) + dropped
    notes = _repeat_notes(kept_repeats, dropped, wide=False, dated="observed_at" in roles, sql=False)
    result = ValidationReport(
        rows_read, rows_read - rejected, rejected, rejections,
        repeats_kept=kept_repeats, repeats_dropped=dropped, notes=notes,
    )  # fmt: skip
    if result.rows_kept == 0:
        raise ValueGapError(_nothing_kept(raw, result))
    report(0.8, "Writing the validated rows")
    drop = "AND row NOT IN (SELECT row FROM repeated WHERE dated)" if dropped else ""
    con.execute(
        f"""CREATE TEMP VIEW kept AS
            SELECT customer_id, metric, value, segment, offer, day AS observed_at
            FROM checked WHERE problem = 0 {drop}"""
    )
    rows_path = folder / "rows.parquet"
    con.execute(
        f"""COPY (SELECT * REPLACE (CAST(observed_at AS TIMESTAMP_NS) AS observed_at) FROM kept)
            TO {_text(str(rows_path))} (FORMAT parquet, COMPRESSION zstd)"""
    )
    # the reduction reads the stored rows: the checked table's memory goes back to its grouping (at
    # 10M rows both together passed the memory limit, and the grouping spilled to disk)
    for name in ("kept", "src"):
        con.execute(f"DROP VIEW {name}")
    for name in ("checked", "bad", "repeated"):
        con.execute(f"DROP TABLE {name}")
    con.execute(f"CREATE TEMP VIEW kept AS SELECT * FROM read_parquet({_text(str(rows_path))})")
    report(1.0, "Checked")
    return Checked(result, rows_path)


def _scan(
    con: duckdb.DuckDBPyConnection, raw: RawTable, roles: dict[str, str], folder: Path,
    renames: dict[str, str] | None = None,
) -> tuple[str, dict[str, str]]:  # fmt: skip
    """``SELECT`` of the file's mapped columns under their roles with the file row of each (``row``),
    and the type of each role's column as DuckDB reads it. ``renames`` (``Mapping.metric_renames``)
    renames metrics on their stripped label, as the pandas path does; other labels stay as the file
    has them."""
    assert raw.path is not None
    if raw.format == "parquet":
        source = raw.path
        names = dict(raw.file_columns or ())  # the column as the preview names it → as the file does
    else:
        # DuckDB's parallel reader; row_number() OVER () numbers the rows in file order (DuckDB
        # preserves the order through a window with an empty OVER clause)
        header = list(raw.file_columns or ())
        columns = ", ".join(f"{_text(name)}: 'VARCHAR'" for name, _ in header)
        delimiter = raw.delimiter or ","
        source = (
            f"read_csv({_text(raw.path)}, header = true, delim = {_text(delimiter)}, quote = '\"', "
            "escape = '\"', strict_mode = true, null_padding = false, auto_detect = false, "
            f"columns = {{{columns}}})"
        )
        names = {name: name for name, _ in header}
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {_from(source)}").fetchall()
    except duckdb.Error:
        raise Fallback from None
    kinds = {str(name): str(kind) for name, kind, *_ in described}
    types: dict[str, str] = {}
    for role, column in roles.items():
        original = names.get(column, column)
        kind = kinds.get(original)
        allowed = (
            NUMBER_TYPES + TEXT_TYPES
            if role == "value"
            else DATE_TYPES + TEXT_TYPES
            if role == "observed_at"
            else TEXT_TYPES + INTEGER_TYPES
        )
        if kind is None or kind not in allowed:
            raise Fallback  # e.g. floats as ids, or times with a zone: the project's reader types them
        types[role] = kind
    numbered = "file_row_number + 2" if raw.format == "parquet" else "row_number() OVER () + 1"
    selected = [f"{numbered} AS row"]
    for role in ROLES:
        if role in roles:
            column = _name(names.get(roles[role], roles[role]))
            if role in ("customer_id", "metric", "segment", "offer"):
                column = f"CAST({column} AS VARCHAR)"
            if role == "metric" and renames:
                label = _stripped(column)
                cases = " ".join(
                    f"WHEN {_text(old)} THEN {_text(new)}" for old, new in sorted(renames.items())
                )
                column = f"CASE {label} {cases} ELSE {column} END"
            selected.append(f"{column} AS {role}")
        else:
            selected.append(f"NULL::VARCHAR AS {role}")
    if raw.format == "parquet":
        source = f"read_parquet({_text(source)}, file_row_number = true)"
        for role in ("customer_id", "metric", "segment", "offer"):
            if role in roles and types[role] in INTEGER_TYPES:
                column = _name(names.get(roles[role], roles[role]))
                missing = _one(con, f"SELECT count(*) - count({column}) FROM {source}")
                if missing:
                    raise Fallback  # pandas reads such a column as floats ('7.0'): it decides
    scan = f"SELECT {', '.join(selected)} FROM {source}"
    return scan, types


def _from(source: str) -> str:
    return source if source.startswith("read_csv(") else f"read_parquet({_text(source)})"


def _blank(text: str) -> str:
    """Missing or only white space (trimmed only where the first character may be white space)."""
    return (
        f"CASE WHEN {text} IS NULL THEN true WHEN unicode({text}) BETWEEN 33 AND 126 THEN false "
        f"ELSE trim({text}, {_text(_SPACE)}) = '' END"
    )


def _checks(types: dict[str, str], known_metrics: Collection[str] | None, decimal: str | None) -> str:
    """Every row of ``src`` with its labels stripped, its number and date, and its first problem
    (``problem``: the 1-based position in :data:`REASONS`, 0 for none), decided as the pandas path
    decides (valuegap.sources.validation). The exact tests run only on rows a cheap test suspects."""
    if types["value"] in TEXT_TYPES:
        # DuckDB's cast reads surrounding spaces and most numbers as pandas does; the rest (blank,
        # words, '1_000' which DuckDB reads and pandas does not) are sorted out on the stripped text.
        # A decimal comma: '1.234,5' is read as 1234.5, as the pandas path reads it
        value = "replace(replace(value, '.', ''), ',', '.')" if decimal == "," else "value"
        cast = f"TRY_CAST({value} AS DOUBLE)"
        plain = f"coalesce(isfinite({cast}) AND NOT contains({value}, '_'), false)"
        text = _stripped(f"coalesce({value}, '')")
        wordy = f"regexp_matches(lower({text}), '[a-df-z]|^e|e$')"
        spelled = f"({wordy} AND contains(lower({text}), 'inf'))"  # 'inf', '-Infinity'
        overflow = f"(NOT {wordy} AND coalesce(isinf({cast}), false) AND NOT contains({text}, '_'))"
        infinite = f"CASE WHEN {plain} THEN false ELSE coalesce({spelled} OR {overflow}, false) END"
        not_number = f"CASE WHEN {plain} THEN false ELSE NOT ({infinite}) END"
        number = f"CASE WHEN {plain} THEN {cast} END"
        odd_value = f"NOT {plain}"
    else:
        number = "CAST(value AS DOUBLE)"
        infinite = f"coalesce(isinf({number}), false)"
        not_number = f"({number} IS NULL OR isnan({number}))"
        odd_value = f"NOT coalesce(isfinite({number}), false)"
    if types.get("observed_at") in TEXT_TYPES:
        stripped = _stripped("observed_at")
        cast = "TRY_CAST(observed_at AS TIMESTAMPTZ)"
        day = (
            f"CAST(CASE WHEN {cast} IS NOT NULL THEN {cast} "
            f"ELSE TRY_CAST(nullif({stripped}, '') AS TIMESTAMPTZ) END AS TIMESTAMP)"
        )
        bad_day = f"(NOT {_blank('observed_at')} AND {day} IS NULL)"
    elif "observed_at" in types:
        day, bad_day = "CAST(observed_at AS TIMESTAMP)", "false"
    else:
        day, bad_day = "NULL::TIMESTAMP", "false"
    odd = "({0} IS NULL OR NOT (unicode({0}) BETWEEN 33 AND 126))"
    metric = f"coalesce({_stripped('metric')}, '')"
    if known_metrics is None:
        unknown, odd_metric = "false", "false"
    else:
        names = ", ".join(map(_text, sorted(known_metrics))) or "NULL"
        unknown = f"NOT coalesce({metric} IN ({names}), false)"
        odd_metric = f"NOT coalesce(metric IN ({names}), false)"
    suspect = " OR ".join([odd.format("customer_id"), odd.format("metric"), odd_value, odd_metric, bad_day])
    problems = [
        _blank("customer_id"), _blank("metric"), not_number, infinite, unknown, bad_day
    ]  # fmt: skip
    first = " ".join(f"WHEN {test} THEN {i}" for i, test in enumerate(problems, start=1))
    shown_value = "CAST(value AS VARCHAR)"
    return f"""
        SELECT row,
               coalesce({_stripped("customer_id")}, '') AS customer_id, {metric} AS metric,
               coalesce({_stripped("segment")}, '') AS segment, coalesce({_stripped("offer")}, '') AS offer,
               {number} AS value, {day} AS day,
               CASE WHEN {suspect} THEN (CASE {first} ELSE 0 END) ELSE 0 END AS problem,
               CASE WHEN {suspect} THEN struct_pack(customer_id := customer_id, metric := metric,
                    value := {shown_value}, observed_at := CAST(observed_at AS VARCHAR)) END AS shown,
               CASE WHEN customer_id IS DISTINCT FROM coalesce({_stripped("customer_id")}, '')
                    THEN customer_id END AS customer_cell
        FROM src"""


def _rejections(
    con: duckdb.DuckDBPyConnection, roles: dict[str, str], dropped: int, *, csv: bool
) -> pd.DataFrame:
    """The first :data:`LISTED` rejected rows in file order: row, column, value (the cell as the
    pandas path shows it) and reason."""
    cases = " ".join(f"WHEN {i} THEN {_text(reason)}" for i, (_, reason) in enumerate(REASONS, start=1))
    columns = " ".join(
        f"WHEN {i} THEN {_text(roles.get(role, role))}" for i, (role, _) in enumerate(REASONS, start=1)
    )
    cell_cases = " ".join(f"WHEN {i} THEN shown.{role}" for i, (role, _) in enumerate(REASONS, start=1))
    parts = [
        f"""SELECT row, CASE problem {columns} END AS "column", CASE problem {cell_cases} END AS cell,
                   CASE problem {cases} END AS reason FROM bad"""
    ]
    if dropped:
        parts.append(
            f"""SELECT row, {_text(roles["customer_id"])}, NULL, {_text(DOUBLE_UPLOAD)}
                FROM repeated WHERE dated"""
        )
    listed = con.execute(
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY row LIMIT {LISTED}"
    ).fetchall()
    frame = pd.DataFrame(listed, columns=["row", "column", "value", "reason"])
    if dropped:  # the customer id cell of each double upload listed, as the file has it
        wanted = [int(r) for r, *_, reason in listed if reason == DOUBLE_UPLOAD]
        if wanted:
            con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?) AS row", [wanted])
            found = dict(
                con.execute(
                    "SELECT c.row, coalesce(c.customer_cell, c.customer_id) FROM checked c "
                    "JOIN wanted w ON c.row = w.row"
                ).fetchall()
            )
            frame.loc[frame["reason"] == DOUBLE_UPLOAD, "value"] = [found.get(r) for r in wanted]
    frame["row"] = frame["row"].astype("int64")
    # a cell as the pandas path shows it: a blank CSV cell blank, a missing Parquet cell as nan
    cells = [("" if csv else np.nan) if _missing(v) else str(v) for v in frame["value"]]
    frame["value"] = pd.Series(cells, dtype=object).astype(str)  # as the pandas path turns cells to text
    return frame


def _missing(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell)


def _row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The one row an aggregate query gives."""
    found = con.execute(sql).fetchone()
    if found is None:  # an aggregate without GROUP BY always gives one row
        raise Fallback
    return found


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value an aggregate query gives."""
    return _row(con, sql)[0]
