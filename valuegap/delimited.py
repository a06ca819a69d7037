"""Delimited text (CSV, TSV) as an Arrow table: encoding, delimiter and header detected, every cell text.

Needs Arrow and the standard library only, not pandas: the command line starts parsing a file here
while pandas, the proposition model and the statistics load (:class:`EarlyRead`). The table reader
(:mod:`valuegap.ingest.reading`) turns the result into a pandas frame.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from valuegap import filetypes
from valuegap.errors import ValueGapError

DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 4 << 20  # blocks are parsed in parallel; a few per core
SAMPLE_BYTES = 1 << 16  # enough lines to recognise delimiter, header and decimal comma
NUMBER_PROBE_CELLS = 1024  # cells cast first to tell a text column from one of numbers


@dataclass(frozen=True)
class TextTable:
    """Delimited text as read: every cell a string (dictionary-encoded after :class:`EarlyRead`),
    headers checked."""

    table: pa.Table
    encoding: str
    delimiter: str


def parse(data: bytes, file_name: str) -> TextTable:
    """CSV or TSV ``data``, every cell read as text by Arrow's multi-threaded reader.

    Only files that are not UTF-8 are decoded in Python (as Windows-1252, the usual 'Latin-1' of
    spreadsheets); a UTF-8 body goes to the parser untouched and is checked there as it is read.
    """
    sample, encoding, body = _decode_sample(data)
    if not sample.strip():
        raise ValueGapError(f"{file_name}: the file is empty.")
    delimiter = _delimiter(sample)
    try:
        # newline='': rows may end in CR alone (Excel's 'CSV (Macintosh)'), as the csv module expects
        first_row = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValueGapError(f"{file_name}: not a readable CSV file ({exc}).") from None
    header = check_headers(first_row, file_name)
    if len(header) == 1 and any(d in header[0] for d in DELIMITERS if d != delimiter):
        raise ValueGapError(f"{file_name}: every row is one cell; the delimiter could not be recognised.")
    try:
        table = _arrow_csv(body, header, delimiter)
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        if "UTF8" not in message or encoding == "latin-1":
            raise _unreadable(message, file_name) from None
        # UTF-8 in the sample, another encoding further on: read it all as Windows-1252
        sample, encoding, body = _latin(body)
        try:
            table = _arrow_csv(body, header, delimiter)
        except pa.ArrowInvalid as again:
            raise _unreadable(str(again).splitlines()[0], file_name) from None
    if table.num_rows == 0:
        raise ValueGapError(f"{file_name}: has a header but no rows.")
    return TextTable(table, encoding, delimiter)


def check_headers(columns: list[str], file_name: str) -> list[str]:
    """Headers stripped of surrounding spaces; a blank or repeated header is an error saying which."""
    stripped = [str(c).strip() for c in columns]
    if any(not c for c in stripped):
        position = stripped.index("") + 1
        raise ValueGapError(
            f"{file_name}: column {position} has no header. Name every column in the first row."
        )
    repeated = [c for c, n in Counter(stripped).items() if n > 1]
    if repeated:
        raise ValueGapError(
            f"{file_name}: the header '{repeated[0]}' appears more than once. Rename the duplicate column "
            "so each column has its own name."
        )
    return stripped


class EarlyRead:
    """A file read from disk, and parsed if it is delimited text, on another thread from the start.

    Arrow parses without holding the GIL, so the caller can meanwhile import pandas and the rest.
    The parsed text columns are then dictionary-encoded there too, which validation would otherwise
    do first (hashing a million customer ids took 0.2-0.35 s): they arrive as categoricals.
    Errors are raised where the results are asked for: :meth:`data` for a file that cannot be read,
    :meth:`text` for text that cannot be parsed, so they surface in the same order as if nothing had
    been started early.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: Future[bytes] = Future()
        self._text: Future[TextTable | None] = Future()
        threading.Thread(target=self._read, name="valuegap-read", daemon=True).start()

    def _read(self) -> None:
        try:
            data = filetypes.read_file(self.path)
        except BaseException as exc:
            self._data.set_exception(exc)
            self._text.set_result(None)
            return
        self._data.set_result(data)
        if filetypes.recognise(data) is not None or filetypes.looks_binary(data):
            self._text.set_result(None)  # not text: the table reader says what it is
            return
        try:
            text = parse(data, str(self.path))
            self._text.set_result(TextTable(_encoded(text.table), text.encoding, text.delimiter))
        except BaseException as exc:
            self._text.set_exception(exc)

    def data(self) -> bytes:
        """The file's bytes (or the error saying why it cannot be read)."""
        return self._data.result()

    def text(self) -> TextTable | None:
        """The parsed table, ``None`` if the file is not plain text (or the parse error)."""
        return self._text.result()


def _encoded(table: pa.Table) -> pa.Table:
    """Every column as one dictionary array (the chunks encoded as they are share one dictionary, so
    only the codes are joined, not the strings), except columns of plain numbers: validation casts
    those directly, and encoding a million distinct measurements cost 0.5 s more than it saved."""
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow releases the GIL: columns in parallel
        columns = list(pool.map(_encoded_column, table.columns))
    return pa.table(columns, names=table.column_names)


def _encoded_column(column: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    # a text column nearly always shows itself in its first cells: a failed cast of a whole column
    # of a million ids took 15 ms, of its first thousand cells 0.3 ms
    for cells in (column.slice(0, NUMBER_PROBE_CELLS), column):
        try:
            pc.cast(cells, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return encode(column)
    return column


def encode(text: pa.ChunkedArray) -> pa.DictionaryArray:
    """Text as one dictionary array, missing cells as "". Encoding the chunks as they are shares one
    dictionary among them, so joining them afterwards copies only the codes, not every string.
    Its dictionary holds each text once (the table reader relies on that). Nulls are filled only if
    there are any: Arrow's ``fill_null`` imports pandas, which the early read must not wait for."""
    filled = pc.fill_null(text, "") if text.null_count else text
    return pc.dictionary_encode(filled).combine_chunks()


def _decode_sample(data: bytes) -> tuple[str, str, bytes]:
    """A text sample for sniffing, the encoding, and the body as UTF-8 bytes for the parser."""
    body, encoding = (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (data, "utf-8")
    head = body[:SAMPLE_BYTES]
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a sample may end inside a multi-byte character; anything earlier means another encoding
        if len(head) < len(body) and exc.start >= len(head) - 3:
            sample = head[: exc.start].decode("utf-8")
        else:
            return _latin(body)
    return sample, encoding, body


def _latin(body: bytes) -> tuple[str, str, bytes]:
    text = body.decode("cp1252", errors="replace")
    return text[:SAMPLE_BYTES], "latin-1", text.encode("utf-8")


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = Counter({d: lines[0].count(d) for d in DELIMITERS})
        best, seen = counts.most_common(1)[0]
        return best if seen else ","


def _unreadable(message: str, file_name: str) -> ValueGapError:
    if "columns" in message:
        return ValueGapError(
            f"{file_name}: rows have different numbers of cells "
            f"({message.removeprefix('CSV parse error: ')[:200]})."
        )
    return ValueGapError(f"{file_name}: not a readable CSV file ({message[:200]}).")


def _arrow_csv(body: bytes, header: list[str], delimiter: str) -> pa.Table:
    return arrow_csv.read_csv(
        # Arrow reads the bytes where they are; through a Python file object it copied every block
        # (a 70 MB file: 17,000 page faults and up to 0.3 s)
        pa.BufferReader(body),
        read_options=arrow_csv.ReadOptions(column_names=header, skip_rows=1, block_size=BLOCK_BYTES),
        parse_options=arrow_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=arrow_csv.ConvertOptions(
            # plain text, encoded per column in validation: per-block dictionaries cost more to merge
            column_types=dict.fromkeys(header, pa.large_string()),  # what pandas keeps: no copy
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
