"""Reading uploads: format from content, encoding, delimiter and decimal comma detected.

Text files are read with every cell as a string (nothing coerced silently: "inf", "1e309" or "n/a"
reach validation as written and are rejected there with their row).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from valuegap.errors import ValueGapError
from valuegap.sources import delimited, filetypes
from valuegap.sources.categories import frame_of
from valuegap.sources.delimited import MixedEncoding, TextTable, check_headers
from valuegap.sources.filetypes import megabytes

Format = Literal["csv", "tsv", "parquet", "excel", "sql"]
ACCEPTED = "CSV, TSV, Parquet or Excel (.xlsx)"
# Uploads: the 20 MB of `server.maxUploadSize` in .streamlit/config.toml, so bytes that reach the reader
# by another way than the browser's upload meet the same limit. Streamlit's MB is not one unit: its
# browser uploader (1.67, FileHelper's sizeConverter) turns it into bytes with 1000 per step except on
# Windows (1024), and its server accepts 20 * 1024 * 1024 bytes plus 1 MB of form overhead. The
# smallest of these, what most browsers enforce, is the limit: 20 MB = 20,000,000 bytes.
MAX_UPLOAD_MB = 20
MB = 1_000_000
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MB
# The XML inside an .xlsx. Real data unpacks to about 12 times its file size (the demo outcomes written
# by openpyxl: 2.4 MB unpacked to 30 MB), so a full 20 MB workbook to about 250 MB; a "zip bomb" of a
# few kilobytes can declare gigabytes that openpyxl would try to hold in memory.
MAX_WORKBOOK_UNPACKED_BYTES = 256 * MB
# A part packed more than this many times is a bomb, not a sheet (Apache POI refuses the same by default,
# ZipSecureFile's minimum inflate ratio of 0.01); parts under a megabyte unpacked are not judged.
MAX_WORKBOOK_RATIO = 100
# what a file name promises, to say so when the content turns out to be plain text
_CLAIMED = {".xlsx": "an Excel workbook", ".xlsm": "an Excel workbook", ".xls": "an Excel workbook",
            ".parquet": "a Parquet file", ".pq": "a Parquet file"}  # fmt: skip


PREVIEW_ROWS = 1_000  # rows of a lazily read table held as a frame (mapping, preview)
LAZY_HEAD_BYTES = 1 << 20  # of a text file read lazily: where its delimiter, header and preview are


class _TempFile:
    """A file this process wrote for a lazily read table; removed when no table refers to it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a lazily read table stays in the process that read it")


@dataclass(frozen=True)
class RawTable:
    """A table as read, before mapping: every text cell still a string.

    A table with ``path`` set has its file on disk (Parquet, or CSV/TSV in UTF-8) for DuckDB to read
    when it is imported (:mod:`valuegap.sources.sql_import`): one read with ``read_table(...,
    lazy=True)``, whose ``frame`` then holds only its first :data:`PREVIEW_ROWS` rows (``preview``;
    enough to map and show it, :meth:`full` reads all of it), or one given its file by
    :func:`with_file` after a whole read."""

    frame: pd.DataFrame
    file_name: str
    format: Format
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    content_hash: str  # sha256 of the file's bytes ("" when the caller asked for none)
    rows: int  # a lazily read text file: its lines after the header (a cell may hold a line break)
    path: str | None = None
    # a lazily read file's columns: (the name in ``frame``, the name in the file), in file order
    file_columns: tuple[tuple[str, str], ...] | None = None
    preview: bool = False  # ``frame`` holds the first rows only
    _file: _TempFile | None = field(default=None, repr=False, compare=False)

    def full(self) -> RawTable:
        """This table with every row in ``frame`` (itself unless it was read lazily)."""
        if not self.preview or self.path is None:
            return self
        data = Path(self.path).read_bytes()
        whole = read_table(data, self.file_name, max_bytes=None, hash_content=False)
        return replace(whole, content_hash=self.content_hash, encoding=self.encoding or whole.encoding)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(data: bytes, file_name: str, max_bytes: int | None = MAX_UPLOAD_BYTES) -> None:
    """Refuse more than ``max_bytes`` (``None``: no limit), naming the size, the limit and a way out."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueGapError(
            f"{file_name}: the file is {megabytes(len(data), MB)}; the limit is {megabytes(max_bytes, MB)} "
            f"({max_bytes:,} bytes). Split it "
            "into smaller files, save it as Parquet (much smaller than the same table as CSV), or read the "
            "data from its database with a SQL source."
        )


def _check_workbook_size(data: bytes, file_name: str) -> None:
    unpacked = filetypes.unpacked_size(data)  # recognised as a workbook: the archive opens
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise ValueGapError(
            f"{file_name}: this workbook unpacks to {megabytes(unpacked, MB)}, more than the "
            f"{megabytes(MAX_WORKBOOK_UNPACKED_BYTES, MB)} this app reads from one Excel file. "
            "Save the sheet as CSV or Parquet and upload that."
        )
    for part, packed, size in filetypes.zip_parts(data):
        if size > MB and size > MAX_WORKBOOK_RATIO * max(packed, 1):
            ratio = size / max(packed, 1)
            raise ValueGapError(
                f"{file_name}: the part {part} of this workbook unpacks to {ratio:,.0f} times "
                f"its packed size ({megabytes(size, MB)}); a sheet of real data packs about 12 times, and "
                f"more than {MAX_WORKBOOK_RATIO} times is the mark of a 'zip bomb'. Save the sheet as CSV or "
                "Parquet and upload that."
            )


def _sniff(data: bytes, file_name: str) -> str | None:
    """'parquet', 'excel', or None for text; refuse anything else with what it really is."""
    found = filetypes.recognise(data)
    if found is not None:
        if found.table:
            return found.table
        advice = found.advice or f"Upload {ACCEPTED}."
        raise ValueGapError(f"{file_name}: this is {found.description}, not a table. {advice}")
    if filetypes.looks_binary(data):
        raise ValueGapError(
            f"{file_name}: this is a binary file, not a table (no text file holds these bytes). "
            f"Upload {ACCEPTED}."
        )
    _sniff_text(data.removeprefix(b"\xef\xbb\xbf")[:512].lstrip().lower(), file_name)
    return None


def _sniff_text(head: bytes, file_name: str) -> None:
    """Refuse text that is a document, not a table: web pages, XML, JSON."""
    what = ""
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body")):
        what = (
            "a web page (HTML), not a table. An 'Export to Excel' link sometimes saves one: open it in "
            "Excel and save it as .xlsx or CSV"
        )
    elif head.startswith(b"<?xml") and (b"excel.sheet" in head or b"office:spreadsheet" in head):
        what = "an Excel 2003 XML spreadsheet, a format this app does not read. Save it as .xlsx or CSV"
    elif head.startswith(b"<?xml"):
        what = "an XML document, not a table. Export the data as CSV, Excel or Parquet"
    elif head.startswith(b"{") or (head.startswith(b"[") and head[1:].lstrip()[:1] in (b"{", b"[", b'"')):
        what = "JSON, not a table. Export the data as CSV, Excel or Parquet"
    if what:
        raise ValueGapError(f"{file_name}: this is {what}, and upload that.")


def _uses_decimal_comma(frame: pd.DataFrame, delimiter: str) -> bool:
    """A ';' or tab file whose number-looking cells use ',' as the decimal point (e.g. '3,5')."""
    if delimiter == ",":
        return False
    sample = frame.head(200)
    comma = sample.apply(lambda s: s.str.fullmatch(r"-?\d+,\d+").sum()).sum()
    dot = sample.apply(lambda s: s.str.fullmatch(r"-?\d+\.\d+").sum()).sum()
    return bool(comma > dot)


def read_table(
    data: bytes,
    file_name: str,
    *,
    sheet: str | int | None = None,
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    hash_content: bool = True,
    encoding: str | None = None,
    lazy: bool = False,
) -> RawTable:
    """Read an uploaded file into a :class:`RawTable`, detecting its format from the content.

    More than ``max_bytes`` is refused (the upload limit by default; ``None`` for files the caller reads
    from its own disk, as the CLI does). Content that is not a table is refused saying what it is.
    ``hash_content=False`` leaves
    ``content_hash`` empty, for callers that never store the table (the command line: 0.05 s for a
    70 MB file). ``encoding`` is for text: None detects it (a file mixing UTF-8 with another encoding
    raises :class:`~valuegap.sources.delimited.MixedEncoding` naming the rows), "utf-8" or "cp1252" say it
    (:data:`~valuegap.sources.delimited.ENCODINGS`).

    ``lazy``: a Parquet file, or a CSV/TSV file that is UTF-8 throughout, is written to a temporary
    file and only its first rows are read (:class:`RawTable`'s ``path``), for an import by DuckDB
    (:mod:`valuegap.sources.sql_import`); other files are read whole as without it."""
    check_size(data, file_name, max_bytes)
    if not data:
        raise ValueGapError(f"{file_name}: the file is empty.")
    kind = _sniff(data, file_name)
    digest = content_hash(data) if hash_content else ""
    if lazy and kind == "parquet":
        return _lazy_parquet(data, file_name, digest)
    if lazy and kind is None and encoding is None:
        found = _lazy_text(data, file_name, digest)
        if found is not None:
            return found
    if kind == "parquet":
        try:
            frame = _read_parquet(data)
        except MemoryError:  # a bounded read (valuegap.sources.bounded) says so itself
            raise
        except Exception as exc:  # pyarrow raises many types for corrupt files
            reason = str(exc).splitlines()[0].rstrip(".")
            raise ValueGapError(
                f"{file_name}: not a readable Parquet file ({reason}). It may be damaged or cut short: "
                "export it again."
            ) from None
        frame.columns = check_headers([str(c) for c in frame.columns], file_name)
        return _done(frame, file_name, "parquet", None, None, None, digest)
    if kind == "excel":
        _check_workbook_size(data, file_name)
        try:
            frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet or 0, dtype=str, keep_default_na=False)
        except MemoryError:
            raise
        except Exception as exc:
            raise ValueGapError(
                f"{file_name}: not a readable Excel file ({str(exc).splitlines()[0]})."
            ) from None
        frame.columns = check_headers([str(c) for c in frame.columns], file_name)
        return _done(frame, file_name, "excel", None, None, None, digest)
    try:
        return _read_text(data, file_name, digest, None, encoding)
    except MixedEncoding:
        raise
    except ValueGapError as error:
        claimed = next((v for k, v in _CLAIMED.items() if file_name.lower().endswith(k)), None)
        if claimed is None:
            raise
        detail = error.message.removeprefix(f"{file_name}: ")
        raise ValueGapError(
            f"{file_name}: this is plain text, not {claimed} as its name says. Read as CSV: {detail}"
        ) from None


def _read_text(
    data: bytes, file_name: str, digest: str, text: TextTable | None, encoding: str | None
) -> RawTable:
    """CSV or TSV as a frame of text columns (``text``: ``data`` already parsed)."""
    parsed = text or delimited.parse(data, file_name, encoding)
    frame = frame_of(parsed.table, distinct=True)  # plain text, or encoded by pc.dictionary_encode
    decimal = "," if _uses_decimal_comma(frame, parsed.delimiter) else "."
    fmt: Format = "tsv" if parsed.delimiter == "\t" else "csv"
    return _done(frame, file_name, fmt, parsed.encoding, parsed.delimiter, decimal, digest)


def _temp_file(data: bytes, suffix: str) -> _TempFile:
    handle, path = tempfile.mkstemp(prefix="valuegap-upload-", suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return _TempFile(path)


def _unreadable_parquet(exc: Exception, file_name: str) -> ValueGapError:
    reason = str(exc).splitlines()[0].rstrip(".")
    return ValueGapError(
        f"{file_name}: not a readable Parquet file ({reason}). It may be damaged or cut short: "
        "export it again."
    )


def _lazy_parquet(data: bytes, file_name: str, digest: str) -> RawTable:
    """A Parquet file's schema, row count and first rows; the rest stays in a file for DuckDB."""
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(pa.BufferReader(data))
        schema = source.schema_arrow
        text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        source = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text)
        batches = source.iter_batches(batch_size=PREVIEW_ROWS)
        first = next(batches, None)
        head = pa.Table.from_batches([first]) if first is not None else schema.empty_table()
        rows = source.metadata.num_rows
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise _unreadable_parquet(exc, file_name) from None
    frame = frame_of(head)
    original = [str(c) for c in frame.columns]
    frame.columns = check_headers(original, file_name)
    if rows == 0:
        raise ValueGapError(f"{file_name}: has a header but no rows.")
    held = _temp_file(data, ".parquet")
    columns = tuple(zip([str(c) for c in frame.columns], original, strict=True))
    return RawTable(
        frame, file_name, "parquet", None, None, None, digest, rows, held.path, columns, True, held
    )


def _lazy_text(data: bytes, file_name: str, digest: str) -> RawTable | None:
    """A CSV/TSV file in UTF-8 throughout: delimiter, header and first rows from its head, the rest in
    a file for DuckDB. None for what the whole read decides (another encoding, a line longer than the
    head, line ends without a line feed)."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    if not _is_utf8(body):
        return None
    head = body[:LAZY_HEAD_BYTES]
    if len(head) < len(body):
        end = head.rfind(b"\n")
        if end < 0:
            return None
        head = head[: end + 1]
    if b"\n" not in head:
        return None
    parsed = delimited.parse(head, file_name)  # the header's and the first rows' errors, as when read whole
    preview = parsed.table.slice(0, PREVIEW_ROWS)
    frame = frame_of(preview, distinct=True)
    decimal = "," if _uses_decimal_comma(frame, parsed.delimiter) else "."
    fmt: Format = "tsv" if parsed.delimiter == "\t" else "csv"
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1) - 1
    held = _temp_file(body, ".csv")
    names = tuple((str(c), str(c)) for c in frame.columns)
    return RawTable(
        frame, file_name, fmt, parsed.encoding, parsed.delimiter, decimal, digest, max(lines, 1),
        held.path, names, True, held,
    )  # fmt: skip


def with_file(raw: RawTable, data: bytes) -> RawTable:
    """``raw``, read whole from ``data``, with its file on disk for an import by DuckDB: a Parquet file
    as it is, a CSV/TSV file as UTF-8 (decoded as it was read: Windows-1252, or UTF-8 with the bytes
    that are not replaced). Other formats, and a table that has its file, are returned as they are."""
    if raw.path is not None or raw.format not in ("parquet", "csv", "tsv"):
        return raw
    if raw.format == "parquet":
        import pyarrow.parquet as pq

        index = set(
            (pq.ParquetFile(pa.BufferReader(data)).schema_arrow.pandas_metadata or {}).get(
                "index_columns", []
            )
        )
        names = [n for n in pq.ParquetFile(pa.BufferReader(data)).schema_arrow.names if n not in index]
        if len(names) != len(raw.frame.columns):
            return raw
        held = _temp_file(data, ".parquet")
        columns = tuple(zip([str(c) for c in raw.frame.columns], names, strict=True))
        return replace(raw, path=held.path, file_columns=columns, _file=held)
    body = data.removeprefix(b"\xef\xbb\xbf")
    if raw.encoding == "windows-1252":
        body = body.decode("cp1252", errors="replace").encode("utf-8")
    elif raw.encoding not in ("utf-8", "utf-8-sig"):  # UTF-8 with the bytes that are not replaced
        body = body.decode("utf-8", errors="replace").encode("utf-8")
    held = _temp_file(body, ".csv")
    as_read = tuple((str(c), str(c)) for c in raw.frame.columns)
    return replace(raw, path=held.path, file_columns=as_read, _file=held)


def _is_utf8(body: bytes) -> bool:
    """``body`` is UTF-8 throughout, checked in pieces (no copy of the whole file as text)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(body), 16 << 20
    try:
        for start in range(0, len(body), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_parquet(data: bytes) -> pd.DataFrame:
    """Text columns come back dictionary-encoded (as categoricals): Parquet usually stores them so,
    and codes are what validation and aggregation work on."""
    import pyarrow.parquet as pq

    source = pq.ParquetFile(io.BytesIO(data))
    text = [
        f.name for f in source.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    return frame_of(pq.read_table(io.BytesIO(data), read_dictionary=text))


def _done(frame: pd.DataFrame, file_name: str, fmt: Format, encoding: str | None, delimiter: str | None,
          decimal: str | None, digest: str) -> RawTable:  # fmt: skip
    if frame.empty:
        raise ValueGapError(f"{file_name}: has a header but no rows.")
    return RawTable(frame, file_name, fmt, encoding, delimiter, decimal, digest, len(frame))


def read_sql(url: str, query: str, *, row_limit: int = 20_000_000) -> RawTable:
    """Run ``query`` on the database at ``url``; errors never show the password."""
    import sqlalchemy as sa

    if not url.strip() or not query.strip():
        raise ValueGapError("Give both a database URL and a query.")
    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        raise ValueGapError(
            "The database URL is not valid, e.g. postgresql+psycopg://user:pw@host/db."
        ) from None
    try:
        engine = sa.create_engine(url)
    except Exception as exc:
        raise ValueGapError(
            f"{shown}: cannot connect ({type(exc).__name__}: a driver may be missing)."
        ) from None
    try:
        with engine.connect() as conn:
            frame = pd.read_sql_query(sa.text(query), conn)
    except Exception as exc:
        first = str(exc).splitlines()[0].replace(url, shown)
        raise ValueGapError(f"{shown}: the query failed ({first[:300]}).") from None
    finally:
        engine.dispose()
    if frame.empty:
        raise ValueGapError(f"{shown}: the query returned no rows.")
    if len(frame) > row_limit:
        raise ValueGapError(
            f"{shown}: the query returned more than {row_limit:,} rows; aggregate or filter it."
        )
    frame.columns = check_headers([str(c) for c in frame.columns], "query result")
    digest = content_hash(f"{shown}\n{query}\n".encode() + pd.util.hash_pandas_object(frame).values.tobytes())
    return RawTable(frame, "query result", "sql", None, None, None, digest, len(frame))
