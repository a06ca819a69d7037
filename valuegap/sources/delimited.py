"""Delimited text (CSV, TSV) as an Arrow table: encoding, delimiter and header detected, every cell text.

Needs Arrow and the standard library only, not pandas. The table reader
(:mod:`valuegap.sources.reading`) turns the result into a pandas frame.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections import Counter
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from valuegap.errors import ValueGapError

DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 4 << 20  # blocks are parsed in parallel; a few per core
SAMPLE_BYTES = 1 << 16  # enough lines to recognise delimiter, header and decimal comma
MAX_HEADER_BYTES = 16 << 20  # a header row is read whole however long it is, up to this
# the reader's encoding choices (None: detect), as offered to the user when a file mixes encodings
ENCODINGS = {
    "utf-8": "UTF-8, replacing the bytes that are not UTF-8 (shown as \N{REPLACEMENT CHARACTER})",
    "cp1252": "Windows-1252 (Western European), the whole file",
}
LISTED_ROWS = 10  # rows named in the message about bytes that are not UTF-8


class MixedEncoding(ValueGapError):
    """A file that is UTF-8 except for a few rows: which encoding is meant cannot be told, so the user
    chooses (:data:`ENCODINGS`). ``rows`` are the file rows (the header is row 1) holding bytes that
    are not UTF-8, every one of them."""

    def __init__(self, file_name: str, rows: list[int], example: bytes) -> None:
        self.file_name = file_name
        self.rows = rows
        self.example = example
        named = _rows_text(rows)
        shown = " ".join(f"0x{b:02X}" for b in example)
        verb = "is" if len(rows) == 1 else "are"
        super().__init__(
            f"{file_name}: {named} {verb} not UTF-8 (e.g. the byte {shown}, which Windows-1252 reads as "
            f"'{example.decode('cp1252', errors='replace')}'), while the rest of the file is UTF-8. "
            "Choose how to read it: as UTF-8 with those bytes replaced, or the whole file as "
            "Windows-1252 (Western European)."
        )

    def __reduce__(self) -> tuple[object, ...]:  # sent back from a bounded read's worker process
        return (MixedEncoding, (self.file_name, self.rows, self.example))


def _rows_text(rows: list[int]) -> str:
    listed = [str(r) for r in rows[:LISTED_ROWS]]
    if len(rows) == 1:
        return f"row {listed[0]}"
    if len(rows) <= LISTED_ROWS:
        return f"rows {', '.join(listed[:-1])} and {listed[-1]}"
    return f"rows {', '.join(listed)} and {len(rows) - LISTED_ROWS:,} more ({len(rows):,} rows in all)"


@dataclass(frozen=True)
class TextTable:
    """Delimited text as read: every cell a string, headers checked."""

    table: pa.Table
    encoding: str
    delimiter: str


def parse(data: bytes, file_name: str, encoding: str | None = None) -> TextTable:
    """CSV or TSV ``data``, every cell read as text by Arrow's multi-threaded reader.

    ``encoding`` None detects it: UTF-8 (with or without a byte-order mark), or Windows-1252 (the usual
    'Latin-1' of spreadsheets) for a file with no UTF-8 in it at all. A file that is UTF-8 except for
    some rows raises :class:`MixedEncoding` naming them, since which was meant cannot be told; the
    caller asks the user and reads again with ``encoding`` "utf-8" (those bytes replaced) or
    "cp1252" (the whole file). Only files that are not UTF-8 are decoded in Python; a UTF-8 body goes
    to the parser untouched and is checked there as it is read.
    """
    if encoding is not None and encoding not in ENCODINGS:
        raise ValueError(f"encoding must be None or one of {', '.join(ENCODINGS)}")
    body, encoding_name = (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (data, "utf-8")
    if encoding == "cp1252":
        body, encoding_name = body.decode("cp1252", errors="replace").encode("utf-8"), "windows-1252"
    elif not _utf8_head(body):
        body, encoding_name = _not_utf8(body, file_name, encoding, encoding_name)
    delimiter, header, header_bytes = _header(body, file_name)
    if not body[header_bytes:].strip():
        raise ValueGapError(f"{file_name}: has a header but no rows.")
    try:
        table = _arrow_csv(body, header, delimiter, header_bytes)
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        if "UTF8" not in message or (encoding_name != "utf-8" and encoding_name != "utf-8-sig"):
            raise _unreadable(message, file_name) from None
        # UTF-8 at the start, something else further on (the header, UTF-8, keeps its length)
        body, encoding_name = _not_utf8(body, file_name, encoding, encoding_name)
        try:
            table = _arrow_csv(body, header, delimiter, header_bytes)
        except pa.ArrowInvalid as again:
            raise _unreadable(str(again).splitlines()[0], file_name) from None
    if table.num_rows == 0:
        raise ValueGapError(f"{file_name}: has a header but no rows.")
    return TextTable(table, encoding_name, delimiter)


def _header(body: bytes, file_name: str) -> tuple[str, list[str], int]:
    """The delimiter, the checked header row and its length in bytes, read whole however long it is (a
    sample of a fixed size cut a 5,000-column header short, and the rows then had 'too many' cells)."""
    size = SAMPLE_BYTES
    while True:
        sample = _sample(body, size)
        if not sample.strip():
            raise ValueGapError(f"{file_name}: the file is empty.")
        delimiter = _delimiter(sample)
        try:
            # newline='': rows may end in CR alone (Excel's 'CSV (Macintosh)'), as the csv module expects
            stream = io.StringIO(sample, newline="")
            reader = csv.reader(stream, delimiter=delimiter)
            first_row = next(reader)
            end = stream.tell()  # the header's end, even if a quoted name holds a line break
            complete = next(reader, None) is not None or size >= len(body)
        except csv.Error as exc:
            raise ValueGapError(_header_problem(file_name, exc)) from None
        if complete:
            break
        if size >= MAX_HEADER_BYTES:
            raise ValueGapError(
                f"{file_name}: the first row (the header) is longer than {MAX_HEADER_BYTES >> 20} MB, or no "
                "row ends in the first part of the file; this is not a table this app can read."
            )
        size *= 4  # the first row is not over yet: read on
    header = check_headers(first_row, file_name)
    if len(header) == 1 and any(d in header[0] for d in DELIMITERS if d != delimiter):
        raise ValueGapError(f"{file_name}: every row is one cell; the delimiter could not be recognised.")
    return delimiter, header, len(sample[:end].encode("utf-8"))


def _sample(body: bytes, size: int) -> str:
    """The first ``size`` bytes of a UTF-8 ``body`` as text, without a character cut at the end."""
    head = body[:size]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(head) < len(body) and exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", errors="replace")
        return head.decode("utf-8", errors="replace")


def _utf8_head(body: bytes) -> bool:
    """The first sample of ``body``, and the rest of the line it ends in, are UTF-8 (so is the header
    however long it is; a character cut by the end of what is checked does not count)."""
    end = body.find(b"\n", SAMPLE_BYTES, MAX_HEADER_BYTES)
    head = body[: end + 1] if end >= 0 else body[:MAX_HEADER_BYTES]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return len(head) < len(body) and exc.start >= len(head) - 3
    return True


class _Collect:
    """A decoding error handler that notes where each byte that is not UTF-8 is and drops it."""

    def __init__(self) -> None:
        self.positions: list[int] = []

    def __call__(self, error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        self.positions.append(error.start)
        return "\ufffd", error.end


_collector = threading.local()


def _collect(error: UnicodeError) -> tuple[str, int]:
    return _collector.current(error)


codecs.register_error("valuegap-collect", _collect)


def _not_utf8(body: bytes, file_name: str, encoding: str | None, found: str) -> tuple[bytes, str]:
    """``body`` (not all UTF-8) as UTF-8 bytes for the parser, and the encoding read.

    Without a choice: a file with no UTF-8 character at all is Windows-1252; one with both is refused
    naming the rows that are not UTF-8 (:class:`MixedEncoding`). "utf-8" replaces those bytes."""
    collect = _Collect()
    _collector.current = collect
    try:
        text = body.decode("utf-8", errors="valuegap-collect")
    finally:
        _collector.current = None
    if encoding == "utf-8":
        return text.encode("utf-8"), f"{found}, {len(collect.positions):,} bad bytes replaced"
    if text.replace("\ufffd", "").isascii() and found == "utf-8":  # nothing but ASCII is UTF-8 in it
        return body.decode("cp1252", errors="replace").encode("utf-8"), "windows-1252"
    raise MixedEncoding(file_name, _file_rows(body, collect.positions), body[collect.positions[0] :][:1])


def _file_rows(body: bytes, positions: list[int]) -> list[int]:
    """File rows (the header is row 1) of byte ``positions``: line ends before each, counted. A cell
    holding a line break would shift the count, which spreadsheets do not write in such files."""
    rows: list[int] = []
    line, start = 1, 0
    for position in positions:
        line += body.count(b"\n", start, position)
        start = position
        if not rows or rows[-1] != line:
            rows.append(line)
    return rows


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


def encode(text: pa.ChunkedArray) -> pa.DictionaryArray:
    """Text as one dictionary array, missing cells as "". Encoding the chunks as they are shares one
    dictionary among them, so joining them afterwards copies only the codes, not every string.
    Its dictionary holds each text once (the table reader relies on that). Nulls are filled only if
    there are any."""
    filled = pc.fill_null(text, "") if text.null_count else text
    return pc.dictionary_encode(filled).combine_chunks()


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


_RESAVE = "Save it again as CSV (UTF-8) from the spreadsheet program and upload that."
_RAGGED = re.compile(r"Expected (\d+) columns, got (\d+): ?(.*)")


def _header_problem(file_name: str, error: csv.Error) -> str:
    """Why the first row could not be read, in words (Python's csv module says it in its own)."""
    if "field limit" in str(error):
        what = f"a name in the first row is longer than {csv.field_size_limit():,} characters"
        return f"{file_name}: {what}, so the file is not a table with a header row. {_RESAVE}"
    return f"{file_name}: the first row (the header) is not a well-formed CSV row. {_RESAVE}"


def _unreadable(message: str, file_name: str) -> ValueGapError:
    """The CSV reader's complaint in words: a row with more or fewer cells than the header, or else a
    file that is not CSV as this app reads it."""
    ragged = _RAGGED.search(message)
    if ragged:
        expected, got, row = ragged.groups()
        start = row[:80] + ("…" if len(row) > 80 else "")
        return ValueGapError(
            f"{file_name}: rows have different numbers of cells: a row has {got} where the header has "
            f"{expected} (it reads “{start}”). Check that every row uses the same delimiter and that every "
            "quote is closed."
        )
    return ValueGapError(f"{file_name}: not a readable CSV file. {_RESAVE}")


def _arrow_csv(body: bytes, header: list[str], delimiter: str, header_bytes: int) -> pa.Table:
    return arrow_csv.read_csv(
        # Arrow reads the bytes where they are; through a Python file object it copied every block
        # (a 70 MB file: 17,000 page faults and up to 0.3 s). The header is passed over by its length:
        # Arrow's skip_rows counts lines, and a quoted header cell may hold a line break.
        pa.BufferReader(pa.py_buffer(body).slice(header_bytes)),
        read_options=arrow_csv.ReadOptions(column_names=header, block_size=BLOCK_BYTES),
        parse_options=arrow_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=arrow_csv.ConvertOptions(
            # plain text, encoded per column in validation: per-block dictionaries cost more to merge
            column_types=dict.fromkeys(header, pa.large_string()),  # what pandas keeps: no copy
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
