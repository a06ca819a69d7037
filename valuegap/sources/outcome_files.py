"""Outcome files for the command line, read by DuckDB where it can and by pandas where it cannot.

``valuegap analyze PROP FILE`` needs the per-customer means of the claims' metrics. DuckDB reads a
CSV/TSV or Parquet file in parallel, checks the rows of the claims' metrics in SQL and reduces them
where the file is, so only the aggregates reach Python. The checks and their messages are the same as
:func:`valuegap.sources.outcomes.read_outcomes` given the same metrics (METHODS.md section 8 for
repeated rows): every row the analysis reads is checked (the rows of metrics no claim measures are
not read, beyond their segment and offer), the first bad row is reported with its file row (the
header is row 1) and column, and repeated rows are counted with the same notes. Files DuckDB's
reader does not read as the project does go the pandas way (:func:`choose_reader` says which and why).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import duckdb
import ibis
import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.model.proposition import Proposition
from valuegap.sources import delimited, engine, filetypes
from valuegap.sources.outcomes import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, read_outcomes
from valuegap.sources.reading import _uses_decimal_comma
from valuegap.sources.validation import ROWS_NAMED, RowProblem, _repeat_notes, rejected_rows_message

Reader = Literal["duckdb-csv", "duckdb-parquet", "pandas"]
HEAD_BYTES = 1 << 20  # enough of a text file to find its delimiter and header
TEXT_TYPES = ("VARCHAR",)
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
NUMBER_TYPES = (*INTEGER_TYPES, "FLOAT", "DOUBLE")
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")


@dataclass(frozen=True)
class OutcomeEvidence:
    """The evidence of an outcomes file and what was said about its repeated rows (one line each,
    naming the file: the command line prints them on stderr)."""

    evidence: engine.Evidence
    notes: tuple[str, ...]
    reader: Reader


@dataclass(eq=False)
class FileEvidence(engine.Evidence):
    """:class:`~valuegap.sources.engine.Evidence` of some metrics of a file, which also knows the segment and
    offer of the file's other rows (``seen``, when asked for), so that :meth:`segments_of` lists the
    segments of the whole file, as the evidence of all its rows would."""

    seen: pd.DataFrame | None = None

    def segments_of(self, *, exclude_offers: Collection[str] = ()) -> tuple[str, ...]:
        found = set(super().segments_of(exclude_offers=exclude_offers))
        if self.seen is not None:
            rows = self.seen[~self.seen["offer"].isin(list(exclude_offers))]
            found |= {str(s) for s in rows["segment"] if s}
        return tuple(sorted(found))


class _Fallback(Exception):
    """DuckDB cannot read this file as the project reads it: the pandas path will (or will say why)."""


def read_evidence(
    path: Path,
    metrics: Collection[str] | None = None,
    encoding: str | None = None,
    *,
    all_segments: bool = False,
) -> OutcomeEvidence:
    """The evidence of outcomes file ``path`` (``metrics``: only these are reduced; None for all).
    ``all_segments`` (``analyze --by-segment``): the evidence also knows the segments and offers of
    the rows of other metrics, so a segment measured only in metrics no claim reads is listed (with
    no evidence), as the pandas path lists it."""
    reader = choose_reader(path, encoding)
    if reader != "pandas":
        try:
            return _DuckDBFile(path, reader).evidence(metrics, all_segments)
        except _Fallback:
            pass
    outcomes = read_outcomes(path, encoding, metrics=metrics)
    return OutcomeEvidence(engine.evidence_of_frame(outcomes.observations), outcomes.notes, "pandas")


def choose_reader(path: Path, encoding: str | None = None) -> Reader:
    """Which reader takes ``path``: DuckDB for Parquet and for UTF-8 CSV/TSV with a point as decimal
    mark, pandas for everything else. Why pandas there: Excel is not DuckDB's; a chosen ``--encoding``
    (a file not wholly UTF-8) is decoded by the project's reader, which names the rows that are not;
    a decimal comma needs the project's number parser; and a missing, empty, binary or non-table file
    gets the project's own message. A file DuckDB then fails to read (ragged rows, bytes that are not
    UTF-8 further in, a header it sees otherwise) also goes to pandas (:func:`read_evidence`)."""
    if encoding is not None or not path.is_file():
        return "pandas"
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return "pandas"
    found = filetypes.recognise(head)
    if found is not None:
        return "duckdb-parquet" if found.table == "parquet" else "pandas"
    if not head.strip() or filetypes.looks_binary(head) or head.lstrip()[:1] in (b"<", b"{", b"["):
        return "pandas"
    return "duckdb-csv"


def _sql_text(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Unicode whitespace that Arrow's utf8_trim_whitespace (the pandas path) strips from labels
_SPACE = (
    " \t\n\r\x0b\x0c\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _stripped(text: str) -> str:
    """``text`` without surrounding white space. Trimming a set of characters costs DuckDB five times
    a plain scan, so only cells that begin or end with a space, a control or a non-ASCII character are
    trimmed."""
    ends = f"unicode({text}) BETWEEN 33 AND 126 AND unicode(right({text}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {ends} THEN {text} ELSE trim({text}, {_sql_text(_SPACE)}) END"


class _DuckDBFile:
    """One outcomes file in an embedded DuckDB: its columns as the checks need them, as views."""

    def __init__(self, path: Path, reader: Reader) -> None:
        self.path = path
        self.source = str(path)
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.csv = reader == "duckdb-csv"
        if reader == "duckdb-parquet":
            self.scan, self.types = self._parquet()
        else:
            self.scan, self.types = self._csv()
        names = set(self.types)
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise ValueGapError(
                f"{self.source}: missing column(s) {', '.join(missing)}; outcomes need exactly "
                f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})."
            )
        self.present = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in names]

    # ------------------------------------------------------------------ reading

    def _parquet(self) -> tuple[str, dict[str, str]]:
        scan = f"read_parquet({_sql_text(self.source)})"
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        except duckdb.Error:
            raise _Fallback from None  # the project's reader says what is wrong with the file
        types = self._checked_types([(str(name), str(kind)) for name, kind, *_ in described])
        return scan, types

    def _csv(self) -> tuple[str, dict[str, str]]:
        with self.path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        body = head.removeprefix(b"\xef\xbb\xbf")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(body) - 4:  # not a character cut at the end of the head
                raise _Fallback from None
            text = body[: exc.start].decode("utf-8")
        lines = text.splitlines()
        if len(lines) < 2:
            raise _Fallback  # a header alone, or one line longer than the head: the project's reader
        # the project's delimiter detection rather than DuckDB's sniffer: both paths split a file alike
        delimiter = delimited._delimiter("\n".join(lines[:-1]) if len(lines) > 2 else text)
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except (csv.Error, StopIteration):
            raise _Fallback from None
        if delimiter not in (",", "\t") or len(header) < 2:
            raise _Fallback  # ';' goes with decimal commas; one column: the project's reader says why
        if len({c.strip() for c in header}) != len(header) or any(not c.strip() for c in header):
            raise _Fallback  # a blank or repeated header: the project's reader names it
        names = [c.strip() for c in header]  # as the project reads them
        columns = ", ".join(f"{_sql_text(name)}: 'VARCHAR'" for name in names)
        scan = (
            f"read_csv({_sql_text(self.source)}, header = true, delim = {_sql_text(delimiter)}, "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"auto_detect = false, columns = {{{columns}}})"
        )
        if delimiter == "\t":
            try:
                sample = self.con.execute(f"SELECT * FROM {scan} LIMIT 200").df()
            except duckdb.Error:
                raise _Fallback from None
            if _uses_decimal_comma(sample.fillna(""), delimiter):
                raise _Fallback
        return scan, dict.fromkeys(names, "VARCHAR")

    def _checked_types(self, columns: list[tuple[str, str]]) -> dict[str, str]:
        names = [name for name, _ in columns]
        try:
            delimited.check_headers(names, self.source)
        except ValueGapError:
            raise _Fallback from None
        types = {
            name.strip(): kind
            for name, kind in columns
            if name.strip() in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        }
        if any(name != name.strip() for name in names if name.strip() in types):
            raise _Fallback
        text_ok = (*TEXT_TYPES, *INTEGER_TYPES)
        for name, kind in types.items():
            allowed = (
                NUMBER_TYPES + TEXT_TYPES
                if name == "value"
                else DATE_TYPES + TEXT_TYPES
                if name == "observed_at"
                else text_ok
            )
            if kind not in allowed:
                raise _Fallback  # e.g. floats as ids, or time zones: the project's reader types them
        return types

    # ------------------------------------------------------------------ the checks, as SQL

    def _columns(self, only: tuple[str, ...] | None = None) -> str:
        """The file's columns as read: labels as text (NULL for missing), value and observed_at as
        they are typed in the file, NULL where the file has none (``only``: these labels alone)."""
        text = {
            name: f"CAST({_column(name)} AS VARCHAR)" if name in self.types else "NULL::VARCHAR"
            for name in ("customer_id", "metric", "segment", "offer")
        }
        if only is not None:
            return ", ".join(f"{text[name]} AS {name}" for name in only)
        dated = _column("observed_at") if "observed_at" in self.types else "NULL::VARCHAR"
        return ", ".join(f"{sql} AS {name}" for name, sql in text.items()) + (
            f", {_column('value')} AS value, {dated} AS observed_at"
        )

    @staticmethod
    def _blank(text: str) -> str:
        """Missing or only white space (trimmed only where the first character may be white space)."""
        return (
            f"CASE WHEN {text} IS NULL THEN true WHEN unicode({text}) BETWEEN 33 AND 126 THEN false "
            f"ELSE trim({text}, {_sql_text(_SPACE)}) = '' END"
        )

    def _checks(self, rows: str, *, shown: bool = False) -> str:
        """``rows`` (with :meth:`_columns`) with the number, the date and every check, exactly as the
        pandas path decides them (valuegap.sources.validation); ``shown``: with the value as text, for
        the message about a bad row."""
        if self.types["value"] == "VARCHAR":
            # DuckDB's cast reads surrounding spaces and most numbers as pandas does; the rest (blank,
            # words, '1_000' which DuckDB reads and pandas does not) are sorted out on the stripped text
            cast = "TRY_CAST(value AS DOUBLE)"
            plain = f"coalesce(isfinite({cast}) AND NOT contains(value, '_'), false)"
            text = _stripped("coalesce(value, '')")
            wordy = f"regexp_matches(lower({text}), '[a-df-z]|^e|e$')"
            spelled = f"({wordy} AND contains(lower({text}), 'inf'))"  # 'inf', '-Infinity'
            overflow = f"(NOT {wordy} AND coalesce(isinf({cast}), false) AND NOT contains({text}, '_'))"
            infinite = f"CASE WHEN {plain} THEN false ELSE coalesce({spelled} OR {overflow}, false) END"
            not_number = f"CASE WHEN {plain} THEN false ELSE NOT ({infinite}) END"
            number = f"CASE WHEN {plain} THEN {cast} END"
        else:
            number = "CAST(value AS DOUBLE)"
            infinite = f"coalesce(isinf({number}), false)"
            not_number = f"({number} IS NULL OR isnan({number}))"
        if self.types.get("observed_at") == "VARCHAR":
            text = _stripped("observed_at")
            cast = "TRY_CAST(observed_at AS TIMESTAMPTZ)"
            day = (
                f"CAST(CASE WHEN {cast} IS NOT NULL THEN {cast} "
                f"ELSE TRY_CAST(nullif({text}, '') AS TIMESTAMPTZ) END AS TIMESTAMP)"
            )
            bad_day = f"(NOT {self._blank('observed_at')} AND {day} IS NULL)"
        else:
            day, bad_day = "CAST(observed_at AS TIMESTAMP)", "false"
        return f"""
            SELECT *, {number} AS number, {day} AS day,
                   {"CAST(value AS VARCHAR)" if shown else "NULL"} AS raw_value,
                   {self._blank("customer_id")} AS no_customer, {self._blank("metric")} AS no_metric,
                   {not_number} AS not_number, {infinite} AS infinite, {bad_day} AS bad_day
            FROM {rows}"""

    def evidence(self, metrics: Collection[str] | None, all_segments: bool) -> OutcomeEvidence:
        """Check the rows of ``metrics``, count the repeated ones and reduce them to per-customer means.

        The file is read once for them: the rows of ``metrics`` (and the few whose metric may be one
        once stripped) are grouped by everything that makes two rows the same, and the exact checks,
        the counts of bad rows and repeats and the per-customer means all come from that grouped
        table, not from the file again (a CSV of 10M rows takes seconds to parse). The rows of other
        metrics are not read closely: 92% of a 50-metric file whose claims read four."""
        con = self.con
        if metrics is None:
            wanted, exact = "true", "true"
        else:  # the claims' metrics, and labels that may be one of them once stripped
            names = ", ".join(map(_sql_text, sorted(metrics))) or "NULL"
            starts = " OR ".join(f"starts_with(metric, {_sql_text(m)})" for m in sorted(metrics)) or "false"
            odd = "NOT coalesce(unicode(metric) BETWEEN 33 AND 126, false)"  # may be one once stripped
            wanted = f"(metric IN ({names}) OR {starts} OR {odd})"
            stripped = f"coalesce({_stripped('metric')}, '') IN ({names})"
            exact = f"CASE WHEN metric IN ({names}) THEN true ELSE {stripped} END"
        self.exact = exact
        try:
            rows_read = f"(SELECT {self._columns()} FROM {self.scan})"
            # only the rows of the claims' metrics are read closely: what the analysis reads
            con.execute(
                f"""CREATE TEMP TABLE grouped AS
                    SELECT *, count(*) AS n FROM {rows_read} WHERE {wanted} GROUP BY ALL"""
            )
            seen = None
            if all_segments:  # the segments and offers of the other metrics' rows too
                seen = con.execute(
                    f"""SELECT DISTINCT coalesce({_stripped("segment")}, '') AS segment,
                                        coalesce({_stripped("offer")}, '') AS offer
                        FROM (SELECT DISTINCT {self._columns(only=("segment", "offer"))} FROM {self.scan})"""
                ).df()
        except duckdb.Error:
            raise _Fallback from None  # not UTF-8 further in, ragged rows, a quote left open: pandas says
        con.execute(f"CREATE TEMP TABLE checked AS {self._checks('grouped')} WHERE {exact}")
        counts = con.execute(
            """SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE bad), 0),
                      coalesce(sum(n) FILTER (WHERE bad_day), 0)
               FROM (SELECT *, no_customer OR no_metric OR not_number OR infinite OR bad_day AS bad
                     FROM checked)"""
        ).fetchone()
        assert counts is not None
        rows, rejected, bad_days = (int(c) for c in counts)
        if rows == 0:
            raise _Fallback  # "has a header but no rows" (or none of the claims' metrics): pandas says
        if bad_days:
            raise _Fallback  # dates in forms DuckDB's cast does not read (03/04/2025): pandas decides
        if rejected:
            self._fail_on_bad_rows()
        # rows the same once their labels are stripped are the same rows; labels are stripped only in the
        # columns where some label needs it (looked for among the distinct labels, not every row)
        label = {}
        for name in ("customer_id", "metric", "segment", "offer"):
            stripped = f"coalesce({_stripped(name)}, '')"
            differing = con.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT {name} FROM checked) "
                f"WHERE {name} IS NOT NULL AND {stripped} <> {name}"
            ).fetchone()
            label[name] = stripped if differing and differing[0] else f"coalesce({name}, '')"
        con.execute(
            f"""CREATE TEMP TABLE clean AS
                SELECT {label["customer_id"]} AS customer_id, {label["metric"]} AS metric,
                       {label["segment"]} AS segment, {label["offer"]} AS offer, number AS value, day,
                       sum(n) AS n
                FROM checked GROUP BY ALL"""
        )
        repeats = con.execute(
            """SELECT coalesce(sum(n - 1) FILTER (WHERE day IS NOT NULL), 0),
                      coalesce(sum(n - 1) FILTER (WHERE day IS NULL), 0)
               FROM clean"""
        ).fetchone()
        assert repeats is not None
        dropped, kept = (int(c) for c in repeats)
        # METHODS.md section 8: an exact repeat with an observed_at is a double upload (dropped), without
        # one a repeated measurement (kept); both are counted and said
        notes = _repeat_notes(kept, dropped, wide=False, dated="observed_at" in self.types, sql=False)
        # per-customer means as engine.per_customer computes them from rows (period "" = all periods:
        # `analyze` reports over all periods, observed_at only tells repeats apart), each double upload
        # counted once and each repeated measurement as often as it was measured
        con.execute(
            f"""CREATE TEMP TABLE per_customer AS
                SELECT customer_id, metric, segment, offer,
                       sum(value * weight) / sum(weight) AS value, '{engine.ALL_PERIODS}' AS period
                FROM (SELECT *, CASE WHEN day IS NULL THEN n ELSE 1 END AS weight FROM clean)
                GROUP BY customer_id, metric, segment, offer"""
        )
        for table in ("grouped", "checked", "clean"):
            con.execute(f"DROP TABLE {table}")
        backend = ibis.duckdb.from_connection(con)
        evidence = FileEvidence.from_values(
            backend, backend.table("per_customer"), granularity=None, observations=rows - dropped
        )
        evidence.seen = seen
        reader: Reader = "duckdb-csv" if self.csv else "duckdb-parquet"
        return OutcomeEvidence(evidence, tuple(f"{self.source}: {note}" for note in notes), reader)

    def _fail_on_bad_rows(self) -> None:
        """Every problem of the bad rows, in the words of the project's validation: per reason its
        count and first rows, as the pandas path says it."""
        problems = [
            ("no_customer", "customer_id", "missing customer id"),
            ("no_metric", "metric", "missing metric"),
            ("not_number", "value", "not a number"),
            ("infinite", "value", "infinite value"),
            ("bad_day", "observed_at", "not a date"),
        ]
        # file order: a table keeps the rows in the order read, and its rowid counts them
        rows = f"(SELECT {self._columns()} FROM {self.scan})"
        self.con.execute(f"CREATE TEMP TABLE ordered AS {self._checks(rows, shown=True)}")
        # a row is reported for its first problem, in the order above
        first_problem = " ".join(f"WHEN {flag} THEN {index}" for index, (flag, _, _) in enumerate(problems))
        flags = " OR ".join(flag for flag, _, _ in problems)
        listed = self.con.execute(
            f"""SELECT problem, total, rowid, raw_value FROM (
                    SELECT *, row_number() OVER (PARTITION BY problem ORDER BY rowid) AS place,
                           count(*) OVER (PARTITION BY problem) AS total
                    FROM (SELECT rowid, raw_value, CASE {first_problem} END AS problem FROM ordered
                          WHERE ({self.exact}) AND ({flags})))
                WHERE place <= {ROWS_NAMED} ORDER BY problem, rowid"""
        ).fetchall()
        found: dict[int, RowProblem] = {}
        for index, total, rowid, raw_value in listed:
            _, column, reason = problems[index]
            cell = self._cell(column, raw_value)
            before = found.get(index, RowProblem(column, reason, int(total), ()))
            found[index] = replace(before, first=(*before.first, (int(rowid) + 2, cell)))
        raise ValueGapError(rejected_rows_message(self.source, list(found.values())))

    def _cell(self, column: str, raw_value: object) -> str | None:
        """A bad row's cell as the pandas path reads it: ``None`` when it is empty (a blank CSV cell,
        a missing Parquet cell, or a NaN in a number column)."""
        if column != "value" or raw_value is None or (not self.csv and self.types[column] != "VARCHAR"):
            return None
        return str(raw_value)


def claim_metrics(prop: Proposition) -> set[str]:
    """The metrics a proposition's claims measure (all ``analyze`` reads of an outcomes file)."""
    return {claim.metric for claim in prop.claims if claim.metric}
