"""Live sources: outcome data that stays in the user's engine, reached through named connections.

A *connection* is a name and a URL kept out of the workspace database: ``[connections.NAME] url = "…"``
in ``.streamlit/secrets.toml`` or the environment variable ``VALUEGAP_SOURCE_<NAME>``. Its URL is never
stored, logged or shown with its password (:func:`redact_url`; every error message is scrubbed).

Supported engines (tested): ``duckdb:///path/file.duckdb`` (opened read-only, with no access to other
files), ``postgresql://user:password@host/db`` (ibis' PostgreSQL backend over psycopg 3; queries run in
read-only transactions with a statement time-out) and ``spark://local[2]`` or ``spark://HOST:PORT``
(ibis' PySpark backend over a SparkSession with that master). Any other scheme that ``ibis.connect``
understands (Trino, BigQuery, Snowflake, Databricks) is passed to it as it is: it should work, but is
untested here.

A *live dataset* is stored in the datasets table as kind ``outcomes`` with ``source_format`` ``live``:
its ``details["live"]`` holds the connection's NAME (never the URL), the table or query, and the
metrics kept; its ``mapping`` the column mapping; its summary blob the group table. Each refresh is a
new version of the dataset (same name) recording when, how many rows and the aggregates' fingerprint,
so a share link or analysis pinned to a version says plainly when the source no longer gives its
numbers, instead of mixing data (:class:`SourceChanged`).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import threading
import tomllib
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

import ibis
import ibis.expr.types as ir
import pandas as pd

from valuegap.errors import ValueGapError, quote, shorten
from valuegap.sources import engine
from valuegap.sources.mapping import Mapping as ColumnMapping

if TYPE_CHECKING:
    from valuegap.store import Actor, Store, StoredDataset

ENV_PREFIX = "VALUEGAP_SOURCE_"
LIVE_FORMAT = "live"  # source_format of a live dataset
DEFAULT_TIMEOUT = 120.0  # seconds one query may take before it is stopped
CONNECT_TIMEOUT = 15  # seconds to reach a server
PREVIEW_ROWS = 20
OFFENDING_ROWS = 20  # offending rows a mapping check lists; its counts are always complete
KINDS = {"duckdb": "DuckDB file", "postgres": "PostgreSQL", "spark": "Spark"}
_SECRET_KEYS = re.compile(r"pass|pwd|secret|token|key|credential", re.IGNORECASE)
_SECRET_PARAM = re.compile(r"([?&][^=&#]*(?:pass|pwd|secret|token|key|credential)[^=&#]*=)[^&#]*", re.I)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@\s]*)@")

# the reasons a row is left out, in the order a row is reported for its first problem (as uploads)
MISSING_ID = "missing customer id"
MISSING_METRIC = "missing metric"
MISSING_VALUE = "missing value"
NOT_A_NUMBER = "not a number"
INFINITE = "infinite value"
UNKNOWN_METRIC = "unknown metric (no claim measures it)"
NOT_A_DATE = "not a date"
REASONS = (MISSING_ID, MISSING_METRIC, MISSING_VALUE, NOT_A_NUMBER, INFINITE, UNKNOWN_METRIC, NOT_A_DATE)

# a number as text (what every engine's cast to a double reads), and infinity spelled out
_NUMBER = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
_INFINITY = r"^\s*[+-]?[Ii][Nn][Ff]([Ii][Nn][Ii][Tt][Yy])?\s*$"
_DATE = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*$"


class SourceError(ValueGapError):
    """Something went wrong reading a live source; the message names it without its password."""


class SourceChanged(ValueGapError):
    """The live source no longer gives the numbers a stored version of it recorded."""


# --------------------------------------------------------------------------- URLs and secrets


def redact_url(url: str) -> str:
    """``url`` with its password (and any query parameter that looks like a secret) as ``***``."""
    redacted = url
    try:
        netloc = urlsplit(url).netloc
        userinfo, at, host = netloc.rpartition("@")
        if at and ":" in userinfo:  # the password ends at the last '@', even one written unencoded
            redacted = url.replace(netloc, f"{userinfo.split(':', 1)[0]}:***@{host}", 1)
    except ValueError:
        pass
    redacted = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", redacted)
    return _SECRET_PARAM.sub(lambda m: f"{m[1]}***", redacted)


def _secrets_of(url: str) -> list[str]:
    """The parts of ``url`` no message may show: its password (as written and decoded) and secret
    query parameters."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if _SECRET_KEYS.search(key) and value:
                found.append(value)
    except ValueError:
        match = _USERINFO.search(url)
        if match and match["password"]:
            found.append(match["password"])
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` with ``url`` (whole or its password) never readable: for every message about a source."""
    for secret in [url, *_secrets_of(url)]:
        if secret:
            text = text.replace(secret, redact_url(url) if secret == url else "***")
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def url_kind(url: str) -> str:
    """``duckdb``, ``postgres``, ``spark`` or the scheme of another ibis backend."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    scheme = scheme.split("+", 1)[0]
    if scheme in ("postgres", "postgresql"):
        return "postgres"
    return scheme


@dataclass(frozen=True)
class Connection:
    """A named connection: what the app may show of it is its name, kind and redacted URL."""

    name: str
    redacted_url: str
    kind: str
    origin: str  # "secrets.toml" or the environment variable's name
    url: str = field(repr=False)  # the secret URL: for connect() only, never shown or stored

    @property
    def label(self) -> str:
        return f"{self.name} ({KINDS.get(self.kind, self.kind)}, {self.redacted_url})"

    def __str__(self) -> str:
        return self.label


def secrets_files(cwd: Path | None = None) -> list[Path]:
    """Where Streamlit reads ``secrets.toml`` by default: the user's, then the project's (wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", (cwd or Path.cwd()) / ".streamlit" / "secrets.toml"]


def _file_connections() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in secrets_files():
        try:
            with path.open("rb") as handle:
                found.update(tomllib.load(handle).get("connections") or {})
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueGapError(f"{path}: cannot be read as TOML ({shorten(str(exc), 120)}).") from None
    return found


def connections(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Connection]:
    """The named connections, by name: ``[connections.NAME] url`` of ``secrets`` (default: the
    secrets.toml files Streamlit reads) and ``VALUEGAP_SOURCE_<NAME>`` of ``environ`` (default: the
    process environment; its names are lower case, and it wins over secrets.toml)."""
    found: dict[str, Connection] = {}
    section = _file_connections() if secrets is None else secrets
    for name, entry in dict(section or {}).items():
        url = entry.get("url") if isinstance(entry, Mapping) else None
        if isinstance(url, str) and url.strip():
            found[str(name)] = Connection(
                str(name), redact_url(url.strip()), url_kind(url.strip()), "secrets.toml", url.strip()
            )
    for key, url in (os.environ if environ is None else environ).items():
        if key.startswith(ENV_PREFIX) and len(key) > len(ENV_PREFIX) and url.strip():
            name = key[len(ENV_PREFIX) :].lower()
            found[name] = Connection(name, redact_url(url.strip()), url_kind(url.strip()), key, url.strip())
    return dict(sorted(found.items()))


def connection(name: str, secrets: Mapping[str, Any] | None = None) -> Connection:
    """The connection called ``name``; a plain error saying how to add it when there is none."""
    found = connections(secrets)
    if name in found:
        return found[name]
    known = ", ".join(found) or "none"
    raise ValueGapError(
        f"No connection named {quote(name)} (known: {known}). Add it to .streamlit/secrets.toml as "
        f'[connections.{name}] url = "…", or set {ENV_PREFIX}{name.upper()}.'
    )


# --------------------------------------------------------------------------- the workspace database


def _normalised(url: str) -> tuple[str, ...] | None:
    """What identifies the database behind ``url``: engine, host, port and database (not the user or
    password); for a file, its resolved path. None when the URL can't be read."""
    try:
        parts = urlsplit(url)
        kind = url_kind(url)
        if kind in ("postgres",):
            host = (parts.hostname or "localhost").lower()
            host = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
            database = parts.path.lstrip("/") or (parts.username or "")
            return ("postgres", host, str(parts.port or 5432), unquote(database))
        if kind in ("sqlite", "duckdb"):
            path = unquote(url.split("://", 1)[1])
            path = path[1:] if path.startswith("/") else path
            path = path.split("?", 1)[0]
            if not path or path == ":memory:":
                return None
            return ("file", str(Path(path).expanduser().resolve()))
    except ValueError:
        return None
    return None


def workspace_urls(store_url: str | None = None) -> list[str]:
    """The workspace database's URLs: the store's, ``VALUEGAP_DATABASE_URL`` and the default file."""
    from valuegap.store.engine import default_database_url

    urls = [u for u in (store_url, os.environ.get("VALUEGAP_DATABASE_URL", "").strip()) if u]
    with contextlib.suppress(OSError):
        urls.append(default_database_url())
    return urls


def refuse_workspace(url: str, name: str, workspace: Collection[str] = ()) -> None:
    """The workspace's own database is never a source (it holds the share-link secret)."""
    mine = _normalised(url)
    if mine is None:
        return
    for other in [*workspace, *workspace_urls()]:
        if _normalised(other) == mine:
            raise SourceError(
                f"Source {quote(name)}: this is the workbench's own database, which can't be read as a "
                "source. Point the connection at the database that holds your outcomes."
            )


# --------------------------------------------------------------------------- connecting


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _plain(exc: BaseException, timeout: float) -> str:
    """A driver's error in plain words, first line only."""
    text = _one_line(str(exc) or type(exc).__name__)
    low = text.lower()
    if "password authentication failed" in low or "authentication failed" in low:
        return "the user name or password was refused"
    if "statement timeout" in low or "interrupt" in low or "cancel" in low or "timed out" in low:
        return f"it did not answer within {timeout:g} seconds, so the query was stopped"
    if "could not translate host name" in low or "connection refused" in low or "timeout expired" in low:
        return f"the server could not be reached ({shorten(text, 160)})"
    if type(exc).__name__ in ("TableNotFound", "CatalogException") or "table_or_view_not_found" in low:
        return f"no such table ({shorten(text, 160)})"
    if "does not exist" in low and ("table" in low or "relation" in low):
        return f"no such table ({shorten(text, 160)})"
    return shorten(text, 300)


def _label(name: str, url: str) -> str:
    """How messages name a source: its connection name and redacted URL (or the URL alone)."""
    redacted = redact_url(url)
    return redacted if name == redacted else f"{quote(name)} ({redacted})"


@dataclass(eq=False)
class SourceBackend:
    """An ibis backend reached through a connection, with what the evidence engine needs of one
    (:meth:`execute`): every query runs under a deadline, one at a time, and any failure becomes a
    one-line :class:`SourceError` naming the source without its password."""

    ibis: Any  # the ibis backend
    name: str
    kind: str
    url: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT
    interrupt: Callable[[], None] | None = field(default=None, repr=False)
    close_hook: Callable[[], None] | None = field(default=None, repr=False)
    # a DuckDB file is opened for each query and closed after it: DuckDB lets one process open a
    # file one way only, and another process not write it while it is open
    reopen: Callable[[], Any] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def redacted_url(self) -> str:
        return redact_url(self.url)

    def error(self, what: str) -> SourceError:
        return SourceError(scrub(f"Source {_label(self.name, self.url)}: {what}.", self.url))

    def run(self, work: Callable[[], Any], doing: str = "reading it") -> Any:
        """``work()`` under the deadline; a failure becomes a one-line :class:`SourceError`."""
        with self._lock:
            stopped = threading.Event()

            def stop() -> None:
                stopped.set()
                if self.interrupt is not None:
                    self.interrupt()

            timer = threading.Timer(self.timeout, stop)
            timer.daemon = True
            opened = None
            try:
                if self.reopen is not None and self.ibis is not None:
                    opened = self.ibis.con = self.reopen()
                timer.start()
                return work()
            except ValueGapError as exc:
                raise self.error(f"{doing}: {exc.message.rstrip('.')}") from None
            except Exception as exc:
                what = (
                    f"it did not answer within {self.timeout:g} seconds, so the query was stopped"
                    if stopped.is_set()
                    else _plain(exc, self.timeout)
                )
                raise self.error(f"{doing} failed: {what}") from None
            finally:
                timer.cancel()
                if opened is not None:
                    opened.close()

    def execute(self, expression: ir.Expr, **kwargs: Any) -> Any:
        return self.run(lambda: self.ibis.execute(expression, **kwargs), "a query")

    def table(self, name: str) -> ir.Table:
        database, _, table = name.strip().rpartition(".")

        def find() -> ir.Table:
            return self.ibis.table(table, database=database or None)

        return self.run(find, f"opening table {quote(name)}")

    def sql(self, query: str) -> ir.Table:
        """The rows of one SQL query (a single SELECT: anything else is refused before it runs)."""
        try:
            _one_select(query, self.kind)
        except ValueGapError as exc:
            raise self.error(exc.message.rstrip(".")) from None
        if self.kind == "postgres":
            # ibis learns a query's columns from a temporary view, which a read-only transaction
            # refuses (and whose clean-up fails with this sqlglot); ask for no rows instead
            return self.run(lambda: self.ibis.sql(query, schema=self._postgres_schema(query)), "the query")
        if self.kind == "duckdb":
            # ibis 12 asks DuckDB 2 for a method it no longer has; DuckDB's relation knows the columns
            return self.run(lambda: self.ibis.sql(query, schema=self._duckdb_schema(query)), "the query")
        return self.run(lambda: self.ibis.sql(query), "the query")

    def _duckdb_schema(self, query: str) -> ibis.Schema:
        relation = self.ibis.con.sql(query)
        return ibis.schema(
            {name: _type_of(str(kind)) for name, kind in zip(relation.columns, relation.types, strict=True)}
        )

    def _postgres_schema(self, query: str) -> ibis.Schema:
        cursor = self.ibis.raw_sql(f"SELECT * FROM ({query}) AS valuegap_query LIMIT 0")
        try:
            types = cursor.connection.adapters.types
            columns = {}
            for column in cursor.description:
                info = types.get(column.type_code)
                columns[column.name] = _type_of(info.name if info is not None else "")
        finally:
            cursor.close()
        return ibis.schema(columns)

    def close(self) -> None:
        if self.close_hook is not None:
            self.close_hook()


# an engine's type names → the ibis types a mapping tells apart (anything else is read as text)
_TYPES = {
    "int2": "int16", "int4": "int32", "int8": "int64", "smallint": "int16", "integer": "int32",
    "bigint": "int64", "tinyint": "int8", "hugeint": "float64", "ubigint": "float64", "uinteger": "int64",
    "usmallint": "int32", "utinyint": "int16", "float4": "float32", "float8": "float64", "real": "float32",
    "float": "float32", "double": "float64", "numeric": "float64", "decimal": "float64", "bool": "boolean",
    "boolean": "boolean", "date": "date", "timestamp": "timestamp", "timestamp_ns": "timestamp",
    "timestamp_ms": "timestamp", "timestamp_s": "timestamp", "timestamptz": "timestamp('UTC')",
    "timestamp with time zone": "timestamp('UTC')",
}  # fmt: skip


def _type_of(name: str) -> str:
    """The ibis type of a column an engine calls ``name`` (``DECIMAL(18,3)`` is a decimal)."""
    return _TYPES.get(name.lower().split("(", 1)[0].strip(), "string")


_DIALECTS = {"postgres": "postgres", "duckdb": "duckdb", "spark": "spark"}


def _one_select(query: str, kind: str) -> None:
    """A source query is one SELECT (or WITH, UNION…): no second statement, nothing that writes."""
    import sqlglot

    try:
        statements = [s for s in sqlglot.parse(query, read=_DIALECTS.get(kind)) if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise ValueGapError(f"the query can't be read as SQL ({shorten(_one_line(str(exc)), 160)})") from None
    if len(statements) != 1 or not isinstance(statements[0], sqlglot.exp.Query):
        raise ValueGapError("the query must be one SELECT statement (a table's rows are read, never changed)")


_spark_lock = threading.Lock()


def spark_session(master: str) -> Any:
    """The process's SparkSession (one per process): small, quiet, no web UI, reading no files by
    path from SQL. A session already running with another master is refused."""
    from pyspark.sql import SparkSession

    with _spark_lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            running = active.sparkContext.master
            if running != master:
                raise ValueGapError(
                    f"this process already runs Spark with master {running}; one master per process"
                )
            return active
        return (
            SparkSession.builder.master(master)
            .appName("valuegap")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )


def connect(
    url: str,
    *,
    name: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    workspace: Collection[str] = (),
    allow_files: bool = False,
) -> SourceBackend:
    """Open the source at ``url`` (named ``name`` in messages; default its redacted URL).

    ``workspace``: URLs of the workbench's own database, refused as a source. ``allow_files``: let a
    DuckDB or Spark query read other files by path (the command line, on the user's own machine; never
    the app, where a query could read the server's files)."""
    label = name or redact_url(url)
    kind = url_kind(url)
    refuse_workspace(url, label, workspace)
    bare = SourceBackend(None, label, kind, url, timeout)
    if kind == "duckdb":
        return bare.run(lambda: _duckdb(url, label, timeout, allow_files), "connecting")
    if kind == "postgres":
        return bare.run(lambda: _postgres(url, label, timeout), "connecting")
    if kind == "spark":
        return bare.run(lambda: _spark(url, label, timeout, allow_files), "connecting")
    if not kind:
        raise SourceError(
            f"Source {quote(label)}: {quote(redact_url(url))} is not a connection URL "
            "(duckdb:///file.duckdb, postgresql://user:password@host/db, spark://local[2])."
        )
    # another engine ibis knows (Trino, BigQuery, Snowflake, Databricks…): should work, untested here
    return bare.run(lambda: SourceBackend(ibis.connect(url), label, kind, url, timeout), "connecting")


def _duckdb(url: str, name: str, timeout: float, allow_files: bool) -> SourceBackend:
    import duckdb

    path = unquote(url.split("://", 1)[1])
    path = path[1:] if path.startswith("/") and not path.startswith("//") else path
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        raise ValueGapError("a DuckDB source is a file: duckdb:///path/to/file.duckdb")
    if not Path(path).expanduser().is_file():
        raise ValueGapError(f"there is no DuckDB file at {quote(path)}")
    config: dict[str, str | bool | int | float | list[str]] = (
        {} if allow_files else {"enable_external_access": False}
    )

    def reopen() -> Any:
        con = duckdb.connect(str(Path(path).expanduser()), read_only=True, config=config)
        con.execute("SET TimeZone = 'UTC'")  # what ibis sets on a connection it opens
        con.execute("SET python_enable_replacements = false")
        return con

    backend = ibis.duckdb.from_connection(reopen())
    backend.con.close()
    return SourceBackend(
        backend, name, "duckdb", url, timeout, interrupt=lambda: backend.con.interrupt(), reopen=reopen
    )


def _postgres(url: str, name: str, timeout: float) -> SourceBackend:
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    millis = int(timeout * 1000)
    backend = ibis.postgres.connect(
        host=parts.hostname or "localhost", port=parts.port or 5432,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        database=unquote(parts.path.lstrip("/")) or None,
        connect_timeout=int(options.pop("connect_timeout", CONNECT_TIMEOUT)),
        options=f"-c statement_timeout={millis} -c default_transaction_read_only=on",
        **{k: v for k, v in options.items() if k in ("sslmode", "sslrootcert", "application_name")},
    )  # fmt: skip
    return SourceBackend(backend, name, "postgres", url, timeout, close_hook=backend.disconnect)


def _spark(url: str, name: str, timeout: float, allow_files: bool) -> SourceBackend:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ValueGapError(
            'Spark needs pyspark and Java: pip install "valuegap[spark]" and a Java runtime '
            "(e.g. Debian's default-jre-headless)"
        ) from None
    rest = url.split("://", 1)[1]
    master = rest if rest.startswith("local") else f"spark://{rest}"
    session = spark_session(master)
    session.conf.set("spark.sql.runSQLOnFiles", "true" if allow_files else "false")
    group = f"valuegap-{uuid.uuid4().hex[:12]}"
    context = session.sparkContext

    class _Grouped:
        """The PySpark backend with this source's queries in one Spark job group, so a deadline
        cancels exactly them."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def execute(self, expression: Any, **kwargs: Any) -> Any:
            context.setJobGroup(group, "valuegap", interruptOnCancel=True)
            return self.inner.execute(expression, **kwargs)

        def table(self, table: str, database: str | None = None) -> Any:
            return self.inner.table(table, database=database)

        def sql(self, query: str) -> Any:
            return self.inner.sql(query)

    backend = ibis.pyspark.connect(session)
    return SourceBackend(
        _Grouped(backend), name, "spark", url, timeout, interrupt=lambda: context.cancelJobGroup(group)
    )


def source_table(backend: SourceBackend, table: str | None = None, query: str | None = None) -> ir.Table:
    """The rows of ``table`` (``name`` or ``schema.name``) or of the SQL ``query``: one of the two."""
    table = (table or "").strip() or None
    query = (query or "").strip().rstrip(";").strip() or None
    if (table is None) == (query is None):
        raise ValueGapError("Give either a table name or a SQL query (one of the two).")
    return (
        backend.table(table) if table is not None else backend.sql(query or "")
    )  # query is set: one of the two


def preview(backend: SourceBackend, table: ir.Table, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows, to map columns by."""
    return backend.execute(table.limit(rows))


# --------------------------------------------------------------------------- mapping, in the engine


def _text(column: ir.Value) -> ir.StringValue:
    return column.cast("string")


def renamed_metric(metric: ir.StringValue, renames: Mapping[str, str]) -> ir.StringValue:
    """``metric`` with the source's labels renamed to claim metrics (``Mapping.metric_renames``, matched
    on the label stripped of spaces, tabs and line breaks); other labels stay as the source has them.
    One CASE expression, the same SQL meaning on DuckDB, PostgreSQL and Spark."""
    if not renames:
        return metric
    stripped = metric.strip()
    cases = [(stripped == label, ibis.literal(target, "string")) for label, target in sorted(renames.items())]
    return ibis.cases(*cases, else_=metric)


def mapped(table: ir.Table, mapping: ColumnMapping) -> ir.Table:
    """``table`` under ``mapping`` (long or wide form) as ``customer_id, metric, value, segment, offer``
    (+ ``observed_at``) with values as the source has them (not yet cast) and metrics renamed as the
    mapping says (:func:`renamed_metric`)."""
    if mapping.kind not in ("long", "wide"):
        raise ValueGapError("A live source holds outcomes (long or wide form), not a customer table.")
    role = mapping.roles.get
    missing = [r for r in ("customer_id", "metric", "value") if mapping.kind == "long" and not role(r)]
    if mapping.kind == "wide" and not mapping.metric_columns:
        missing.append("metric columns")
    if not role("customer_id") and "customer_id" not in missing:
        missing.insert(0, "customer_id")
    if missing:
        raise ValueGapError(f"Map a column to {', '.join(missing)} first.")
    absent = sorted({c for c in [*mapping.roles.values(), *mapping.metric_columns] if c not in table.columns})
    if absent:
        raise ValueGapError(f"The source has no column(s) {', '.join(map(quote, absent))}.")

    def base(value: ir.Value, metric: ir.Value) -> dict[str, ir.Value]:
        columns = {
            "customer_id": _text(table[role("customer_id")]),
            "metric": renamed_metric(_text(metric), mapping.metric_renames),
            "value": value,
            "segment": _text(table[role("segment")]) if role("segment") else ibis.literal(""),
            "offer": _text(table[role("offer")]) if role("offer") else ibis.literal(""),
        }
        if role("observed_at"):
            columns["observed_at"] = table[role("observed_at")]
        return columns

    if mapping.kind == "long":
        return table.select(**base(table[role("value")], table[role("metric")]))
    parts = []
    for column in mapping.metric_columns:
        value = table[column]
        value = value.cast("string") if not value.type().is_numeric() else value.cast("float64")
        parts.append(table.select(**base(value, ibis.literal(column))))
    # every part's value has one type: text if any metric column is text
    if any(p.value.type().is_string() for p in parts):
        parts = [p.mutate(value=p.value.cast("string")) for p in parts]
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def source_metric_labels(backend: SourceBackend, table: ir.Table, mapping: ColumnMapping) -> dict[str, int]:
    """The metrics the source names under ``mapping`` (labels stripped, as renames match them), each
    with its number of measurements, before any rename, counted in the source's engine (only the
    counts per label come back): for long form the metric column's labels, for wide form the metric
    columns (their non-missing cells). Blank labels are left out."""
    rows = mapped(table, replace(mapping, metric_renames={}))
    if mapping.kind == "wide":
        rows = rows.filter(rows.value.notnull())
    per_label = rows.group_by("metric").aggregate(rows=rows.count())
    # stripped after grouping, so the engine trims each distinct label once, not every row
    per_label = per_label.mutate(label=per_label.metric.strip())
    per_label = per_label.filter(per_label.label.notnull() & (per_label.label != ""))
    counted = per_label.group_by("label").aggregate(rows=per_label.rows.sum())
    found = backend.execute(counted)
    return {str(label): int(n) for label, n in sorted(zip(found["label"], found["rows"], strict=True)) if n}


def _number(value: ir.Value) -> tuple[ir.FloatingValue, ir.BooleanValue, ir.BooleanValue]:
    """The value as a double, whether it is not a number, whether it is infinite (a text column is
    checked against the number grammar first, so a bad cell is counted, never a failing cast)."""
    kind = value.type()
    if kind.is_string():
        number_like = value.re_search(_NUMBER)
        infinite_text = value.re_search(_INFINITY)
        as_number = ibis.cases((number_like, value.cast("float64")), else_=ibis.null("float64"))
        not_number = value.notnull() & ~number_like & ~infinite_text
        return as_number, not_number, infinite_text.fill_null(False)
    if kind.is_numeric() or kind.is_boolean():
        number = value.cast("float64")
        if kind.is_floating():
            return number, number.isnan().fill_null(False), number.isinf().fill_null(False)
        return number, ibis.literal(False), ibis.literal(False)
    return ibis.null("float64"), value.notnull(), ibis.literal(False)


def _timestamp(value: ir.Value) -> tuple[ir.Value, ir.BooleanValue]:
    kind = value.type()
    if kind.is_timestamp():
        return value, ibis.literal(False)
    if kind.is_date():
        return value.cast("timestamp"), ibis.literal(False)
    if kind.is_string():
        ok = value.re_search(_DATE)
        return (
            ibis.cases((ok, value.cast("timestamp")), else_=ibis.null("timestamp")),
            value.notnull() & (value.strip() != "") & ~ok,
        )
    return ibis.null("timestamp"), value.notnull()


# what TRIM removes by default in ibis (Python's whitespace but the Unicode kinds): text made only of
# these is blank; each has a code below 33, as has the empty text (ASCII gives 0)
_NOT_BLANK = "[^ \t\n\r\x0b\x0c]"


def _blank(text: ir.StringValue) -> ir.BooleanValue:
    """Missing, or nothing but spaces, tabs and line breaks: ``TRIM(text) = ''``, but trimming copies
    every value (10M ids in DuckDB: 3.7 s), and this runs on every row of every query of a live
    source. The code of the first character rules out almost every text at no cost (an id starts
    with a letter or digit); a regex looks at the rest."""
    return text.isnull() | ((text.ascii_str() <= 32) & ~text.re_search(_NOT_BLANK))


def checked(rows: ir.Table, known_metrics: Collection[str] | None = None) -> ir.Table:
    """Mapped rows with ``reason``: the first problem of each row (``None`` for a row that is kept),
    and the value (and date) cast."""
    number, not_number, infinite = _number(rows.value)
    blank_id, blank_metric = _blank(rows.customer_id), _blank(rows.metric)
    cases = [
        (blank_id, MISSING_ID),
        (blank_metric, MISSING_METRIC),
        (rows.value.isnull(), MISSING_VALUE),
        (not_number, NOT_A_NUMBER),
        (infinite, INFINITE),
    ]
    if known_metrics is not None:
        cases.append((~rows.metric.isin(sorted(known_metrics)), UNKNOWN_METRIC))
    extra: dict[str, ir.Value] = {}
    if "observed_at" in rows.columns:
        stamp, bad_date = _timestamp(rows.observed_at)
        cases.append((bad_date, NOT_A_DATE))
        extra["observed_at"] = stamp
        extra["observed_at_text"] = _text(rows.observed_at)
    reason = ibis.cases(*cases, else_=ibis.null("string"))
    return rows.mutate(
        reason=reason, source_value=_text(rows.value), value=number, segment=rows.segment.fill_null(""),
        offer=rows.offer.fill_null(""), **extra,
    )  # fmt: skip


def kept(rows: ir.Table) -> ir.Table:
    """The rows :func:`checked` keeps, in the engine's columns."""
    good = rows.filter(rows.reason.isnull())
    columns = ["customer_id", "metric", "value", "segment", "offer"]
    if "observed_at" in rows.columns:
        columns.append("observed_at")
    return good.select(*columns)


@dataclass(frozen=True)
class MappingCheck:
    """What a mapping keeps of a source, counted in the engine."""

    rows: int
    counts: dict[str, int]  # reason → rows left out for it (a row counts for its first problem)
    offending: pd.DataFrame  # up to OFFENDING_ROWS of them: customer_id, metric, value, …, reason
    # the first and last date of the rows kept (None without dates): the evidence's periods
    first_observed: Any = None
    last_observed: Any = None

    @property
    def rejected(self) -> int:
        return sum(self.counts.values())

    @property
    def kept(self) -> int:
        return self.rows - self.rejected

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"reason": list(self.counts), "rows": list(self.counts.values())})

    def rejections(self) -> dict[str, Any]:
        """As a stored dataset keeps them (``reasons`` and the first ``rows``)."""
        frame = self.offending.astype("string").fillna("")
        return {"reasons": dict(self.counts), "rows": frame.to_dict(orient="records")}

    def problem(self, name: str, url: str = "") -> str | None:
        """A one-line account of the rows left out, or None when every row is kept."""
        if not self.counts:
            return None
        parts = [f"{count:,} rows {reason}" for reason, count in self.counts.items()]
        example = ""
        if not self.offending.empty:
            first = self.offending.iloc[0]
            example = (
                f" (e.g. customer {quote(first['customer_id'])}, metric {quote(first['metric'])}, "
                f"value {quote(first['value'])}: {first['reason']})"
            )
        return f"Source {_label(name, url) if url else quote(name)}: " + "; ".join(parts) + example + "."


def check_mapping(
    backend: SourceBackend, table: ir.Table, mapping: ColumnMapping,
    known_metrics: Collection[str] | None = None,
) -> MappingCheck:  # fmt: skip
    """Count, in the engine, the rows ``mapping`` leaves out of ``table`` by reason (missing ids,
    unknown metrics, text or infinity where numbers are mapped, dates that are not dates) and fetch
    a few of them."""
    rows = checked(mapped(table, mapping), known_metrics)
    counted = _counted(backend, rows)
    offending = pd.DataFrame(columns=["customer_id", "metric", "value", "segment", "offer", "reason"])
    if counted.counts:
        shown = ["customer_id", "metric", "source_value", "segment", "offer", "reason"]
        if "observed_at" in rows.columns:
            shown.insert(5, "observed_at_text")
        bad = rows.filter(rows.reason.notnull()).select(*shown).limit(OFFENDING_ROWS)
        offending = backend.execute(bad).rename(
            columns={"source_value": "value", "observed_at_text": "observed_at"}
        )
    return MappingCheck(
        counted.rows, counted.counts, offending, counted.first_observed, counted.last_observed
    )


def _counted(backend: SourceBackend, rows: ir.Table) -> MappingCheck:
    """The rows of :func:`checked` ``rows`` counted by reason, with the first and last date of those
    kept, in one query (no offending rows)."""
    sums = {f"r{i}": rows.count(where=rows.reason == reason) for i, reason in enumerate(REASONS)}
    if "observed_at" in rows.columns:
        good = rows.reason.isnull()
        sums["first"] = rows.observed_at.min(where=good)
        sums["last"] = rows.observed_at.max(where=good)
    first = backend.execute(rows.aggregate(total=rows.count(), **sums)).iloc[0]
    counts = {
        reason: int(first[f"r{i}"])
        for i, reason in enumerate(REASONS)
        if not pd.isna(first[f"r{i}"]) and int(first[f"r{i}"]) > 0
    }
    dates = [None if "first" not in first or pd.isna(first[k]) else first[k] for k in ("first", "last")]
    return MappingCheck(int(first["total"]), counts, pd.DataFrame(), *dates)


# --------------------------------------------------------------------------- evidence and datasets


def evidence_of_source(
    backend: SourceBackend, table: ir.Table, mapping: ColumnMapping,
    known_metrics: Collection[str] | None = None, *, check: MappingCheck | None = None,
) -> engine.Evidence:  # fmt: skip
    """The evidence of the rows ``mapping`` keeps, reduced in the source's engine. ``check``: the
    :func:`check_mapping` of the same table, mapping and metrics, when it was just made; its counts
    and dates stand for the two queries (observations, first and last date) the evidence needs
    besides the reduction, each a scan of every row of the source."""
    every = checked(mapped(table, mapping), known_metrics)
    counted = check if check is not None else _counted(backend, every)
    first, last = counted.first_observed, counted.last_observed
    granularity = (
        engine.period_granularity(pd.Timestamp(first), pd.Timestamp(last))
        if first is not None and last is not None
        else None
    )
    values = engine.per_customer(engine.observations(kept(every)), granularity)
    evidence = engine.Evidence.from_values(
        backend, values, granularity=granularity, observations=counted.kept
    )
    if evidence.groups.empty:
        raise backend.error("no rows are left to analyse once the mapping's checks are applied")
    return evidence


@dataclass(frozen=True)
class LiveSource:
    """What a live dataset reads: a connection's name, a table or query, the mapping and the metrics
    kept (None: all). Stored with the dataset; the URL never is."""

    connection: str
    table: str | None
    query: str | None
    mapping: ColumnMapping
    metrics: tuple[str, ...] | None = None

    def describe(self) -> str:
        what = f"table {self.table}" if self.table else "a SQL query"
        return f"{self.connection}: {what}"

    def to_details(self) -> dict[str, Any]:
        return {
            "connection": self.connection, "table": self.table, "query": self.query,
            "metrics": list(self.metrics) if self.metrics is not None else None,
        }  # fmt: skip

    @classmethod
    def of(cls, dataset: StoredDataset) -> LiveSource:
        live = dataset.details.get("live") or {}
        metrics = live.get("metrics")
        return cls(
            live.get("connection", ""), live.get("table"), live.get("query"),
            ColumnMapping.from_dict(dataset.mapping), tuple(metrics) if metrics is not None else None,
        )  # fmt: skip

    def open(
        self, secrets: Mapping[str, Any] | None = None, *, workspace: Collection[str] = ()
    ) -> tuple[SourceBackend, ir.Table]:
        named = connection(self.connection, secrets)
        backend = connect(named.url, name=named.name, workspace=workspace)
        return backend, source_table(backend, self.table, self.query)


def is_live(dataset: StoredDataset) -> bool:
    return dataset.source_format == LIVE_FORMAT


def _store_url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _groups_parquet(groups: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    groups.to_parquet(buffer, index=False)
    return buffer.getvalue()


def stored_groups(store: Store, dataset: StoredDataset) -> pd.DataFrame:
    """The group table a live dataset's version recorded."""
    blob = store.datasets.summary(dataset.id)
    return pd.read_parquet(io.BytesIO(blob)) if blob else pd.DataFrame()


def add_live_dataset(
    store: Store, source: LiveSource, *, name: str, proposition_id: int | None, actor: Actor,
    secrets: Mapping[str, Any] | None = None,
) -> StoredDataset:  # fmt: skip
    """Read ``source`` once (check, then aggregates) and store it as a new version of dataset
    ``name``: time, row count, fingerprint and the group table; nothing is stored when any step fails."""
    from valuegap.store import NewDataset, require_editor

    require_editor(actor, "add live sources")  # before the source is opened, not only when storing
    name = name.strip()
    if not name:
        raise ValueGapError("Give the live dataset a name.")
    backend, table = source.open(secrets, workspace=[_store_url(store)])
    try:
        check = check_mapping(backend, table, source.mapping, source.metrics)
        if check.kept == 0:
            raise backend.error(
                f"the mapping keeps none of its {check.rows:,} rows; check the columns and the metrics"
            )
        evidence = evidence_of_source(backend, table, source.mapping, source.metrics, check=check)
        customers = evidence.customers()
    finally:
        backend.close()
    fingerprint = evidence.fingerprint()
    now = datetime.now(UTC)
    details = {
        "metrics": list(evidence.metrics), "segments": list(evidence.named_segments),
        "periods": list(evidence.periods), "granularity": evidence.granularity, "customers": customers,
        "observations": evidence.observations,
        "live": {**source.to_details(), "fingerprint": fingerprint, "refreshed_at": now.isoformat()},
    }  # fmt: skip
    new = NewDataset(
        name=name, kind="outcomes", proposition_id=proposition_id,
        file_name=shorten(source.describe(), 300), source_format=LIVE_FORMAT, content_hash=fingerprint,
        rows_read=check.rows, rows_kept=check.kept, rows_rejected=check.rejected,
        rejections=check.rejections(), mapping=source.mapping.to_dict(), details=details, data=b"",
        summary=_groups_parquet(evidence.groups),
    )  # fmt: skip
    return store.datasets.add(new, actor)


def refresh_live_dataset(
    store: Store, dataset: StoredDataset, actor: Actor, secrets: Mapping[str, Any] | None = None
) -> StoredDataset:
    """A new version of live ``dataset`` read now. When the refreshed version was the proposition's
    current evidence, the new one becomes it (share links keep the version they pinned)."""
    from valuegap.store import require_editor

    require_editor(actor, "refresh live sources")
    if not is_live(dataset):
        raise ValueGapError(f"{dataset.label} is an upload, not a live source; upload the file again.")
    fresh = add_live_dataset(
        store, LiveSource.of(dataset), name=dataset.name, proposition_id=dataset.proposition_id,
        actor=actor, secrets=secrets,
    )  # fmt: skip
    if dataset.proposition_id is not None:
        current = store.datasets.current(dataset.proposition_id, dataset.kind)
        if current is not None and current.id == dataset.id:
            store.datasets.choose_current(dataset.proposition_id, fresh.id, actor)
    return fresh


def changes(before: pd.DataFrame, after: pd.DataFrame, limit: int = 3) -> list[str]:
    """The groups whose customers or mean differ between two group tables, in words (a few)."""
    keys = ["metric", "offer", "segment", "period"]
    if before.empty or after.empty:
        return []
    b = before[before["period"] == engine.ALL_PERIODS].set_index(keys)
    a = after[after["period"] == engine.ALL_PERIODS].set_index(keys)
    said = []
    for key in sorted(set(b.index) | set(a.index)):
        metric, offer, segment, _ = key
        where = metric + (f", offer {offer}" if offer else "") + (f", segment {segment}" if segment else "")
        if key not in a.index:
            said.append(f"{where}: gone")
        elif key not in b.index:
            said.append(f"{where}: new")
        else:
            nb, na = int(b.loc[key, "n"]), int(a.loc[key, "n"])
            mb, ma = float(b.loc[key, "mean"]), float(a.loc[key, "mean"])
            if nb != na or not math.isclose(mb, ma, rel_tol=1e-9, abs_tol=1e-12):
                said.append(f"{where}: {nb:,} → {na:,} customers, mean {mb:.4g} → {ma:.4g}")
        if len(said) == limit:
            break
    return said


def load_live_evidence(
    store: Store, dataset: StoredDataset, secrets: Mapping[str, Any] | None = None
) -> engine.Evidence:
    """The evidence of a live dataset's version, computed in its source now. When the source no longer
    gives that version's aggregates (its fingerprint differs), :class:`SourceChanged` says so in
    plain words rather than analyse other data under the version's name."""
    source = LiveSource.of(dataset)
    backend, table = source.open(secrets, workspace=[_store_url(store)])
    evidence = evidence_of_source(backend, table, source.mapping, source.metrics)
    recorded = (dataset.details.get("live") or {}).get("fingerprint", dataset.content_hash)
    if evidence.fingerprint() != recorded:
        backend.close()
        when = (dataset.details.get("live") or {}).get("refreshed_at", "")[:16].replace("T", " ")
        what = changes(stored_groups(store, dataset), evidence.groups)
        detail = f" ({'; '.join(what)})" if what else ""
        raise SourceChanged(
            f"The live source {quote(source.connection)} has changed since {dataset.label} was read on "
            f"{when} UTC{detail}. Its numbers are no longer those of that version, so nothing is shown "
            "from it: refresh the live source on the Evidence page to analyse the data as they are now (a "
            "share link keeps this version until whoever shared it moves the link on the Share page)."
        )
    return evidence


# --------------------------------------------------------------------------- the command line

CLI_COLUMNS = ("customer_id", "metric", "value")
CLI_OPTIONAL = ("segment", "offer")


def evidence_from_url(
    url: str, *, table: str | None, query: str | None, timeout: float = DEFAULT_TIMEOUT
) -> engine.Evidence:
    """``valuegap analyze PROP URL --table T`` / ``--query Q``: the outcomes columns by their exact
    names (as in an outcomes file), checked in the engine; a row that an upload would reject is an
    error naming the source (like the first bad cell of a file), and so is anything else that fails.
    ``timeout``: the seconds one query may take."""
    backend = connect(url, allow_files=True, timeout=timeout)
    try:
        rows = source_table(backend, table, query)
        missing = [c for c in CLI_COLUMNS if c not in rows.columns]
        if missing:
            raise backend.error(
                f"the {'table' if table else 'query'} lacks the column(s) {', '.join(missing)}; outcomes "
                f"need {', '.join(CLI_COLUMNS)} (optional: {', '.join(CLI_OPTIONAL)})"
            )
        roles = {c: c for c in (*CLI_COLUMNS, *CLI_OPTIONAL) if c in rows.columns}
        mapping = ColumnMapping("long", roles)
        check = check_mapping(backend, rows, mapping)
        problem = check.problem(backend.name, url)
        if problem is not None:
            raise SourceError(scrub(problem, url))
        return evidence_of_source(backend, rows, mapping, check=check)
    except BaseException:
        backend.close()
        raise
