"""What a file really is, from its first bytes, whatever its name says.

Used by the table reader (:mod:`valuegap.sources`) and the YAML/JSON readers
(:mod:`valuegap.model.proposition_files`) so a refused file is named for what it is ("this is a PNG image")
with what to do about it. Standard library only: the proposition reader and the CLI's ``lint`` stay light.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

from valuegap.errors import ValueGapError

UNPACK = "Unpack it and upload the file inside."
RESAVE = "Save it as .xlsx or CSV and upload that."


@dataclass(frozen=True)
class Recognised:
    """A file format recognised from content: a short description, what to do about it (if anything
    particular) and, for the table formats the ingest step reads, ``table``: "parquet" or "excel"."""

    description: str
    advice: str = ""
    table: str = ""


_MAGIC: tuple[tuple[bytes, Recognised], ...] = (
    (b"PAR1", Recognised("a Parquet file", table="parquet")),
    (b"\x89PNG\r\n\x1a\n", Recognised("a PNG image")),
    (b"\xff\xd8\xff", Recognised("a JPEG image")),
    (b"GIF87a", Recognised("a GIF image")),
    (b"GIF89a", Recognised("a GIF image")),
    (b"%PDF-", Recognised("a PDF document")),
    (b"{\\rtf", Recognised("an RTF document")),
    (b"\x1f\x8b", Recognised("a gzip-compressed file", UNPACK)),
    (b"\xfd7zXZ\x00", Recognised("an xz-compressed file", UNPACK)),
    (b"\x28\xb5\x2f\xfd", Recognised("a zstd-compressed file", UNPACK)),
    (b"7z\xbc\xaf\x27\x1c", Recognised("a 7-Zip archive", UNPACK)),
    (b"Rar!\x1a\x07", Recognised("a RAR archive", UNPACK)),
    (b"SQLite format 3\x00", Recognised("an SQLite database", "Export the table you need as CSV.")),
    (b"\x7fELF", Recognised("a program (an executable file)")),
    (b"\xff\xfe", Recognised("UTF-16 text", "Save it as UTF-8 (in Excel: 'CSV UTF-8') and upload that.")),
    (b"\xfe\xff", Recognised("UTF-16 text", "Save it as UTF-8 (in Excel: 'CSV UTF-8') and upload that.")),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of old Office files and of encrypted new ones


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def recognise(data: bytes) -> Recognised | None:
    """The format of ``data`` if its first bytes (or, for zip and Office files, its contents) say so."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip(data)
    if data.startswith(_OLE):
        return _ole(data)
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return Recognised("a bzip2-compressed file", UNPACK)
    for magic, found in _MAGIC:
        if data.startswith(magic):
            return found
    return None


def _zip(data: bytes) -> Recognised:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return Recognised(
            "a zip archive that cannot be opened (an .xlsx file is one)",
            "It may be damaged or cut short: save or download it again.",
        )
    if any(n.startswith("xl/") for n in names):
        return Recognised("an Excel workbook (.xlsx)", table="excel")
    if any(n.startswith("word/") for n in names):
        return Recognised("a Word document")
    if any(n.startswith("ppt/") for n in names):
        return Recognised("a PowerPoint presentation")
    if b"opendocument.spreadsheet" in mimetype:
        return Recognised("an OpenDocument spreadsheet (.ods)", RESAVE)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return Recognised("an OpenDocument file")
    return Recognised("a zip archive", UNPACK)


def unpacked_size(data: bytes) -> int:
    """What a zip archive (an .xlsx workbook is one) declares its files unpack to. Python's zipfile
    stops reading an entry at its declared size, so this bounds what reading the archive can inflate."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def zip_parts(data: bytes) -> list[tuple[str, int, int]]:
    """Each file of a zip archive: its name, packed size and declared unpacked size."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, info.compress_size, info.file_size) for info in archive.infolist()]


def _ole(data: bytes) -> Recognised:
    if _utf16("EncryptedPackage") in data:
        return Recognised(
            "a password-protected Office file", "Remove the password in Excel and upload it again."
        )
    if _utf16("WordDocument") in data:
        return Recognised("an old Word document (.doc)")
    if _utf16("PowerPoint") in data:
        return Recognised("an old PowerPoint presentation (.ppt)")
    return Recognised("an old Excel (.xls) or other old-format Office file", RESAVE)


def looks_binary(data: bytes, *, window: int = 8192) -> bool:
    """Bytes no text file holds: a NUL, or more than 5 % control characters (text has tabs, line ends
    and the odd form feed or Ctrl-Z; compressed or encrypted data has about 11 %)."""
    head = data[:window]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in (*range(1, 9), 11, *range(14, 32), 127))
    return controls > 0.05 * len(head)


def megabytes(size: int, unit: int = 2**20) -> str:
    """``size`` bytes in megabytes of ``unit`` bytes (uploads use 10**6, as the browser's uploader does),
    rounded up to 0.1 so over-limit sizes never print as the limit itself: 20 MB and 1 byte is
    "20.1 MB"."""
    tenths = math.ceil(size * 10 / unit)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def read_file(path: Path) -> bytes:
    """A file's bytes, or a :class:`ValueGapError` saying in one line why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueGapError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise ValueGapError(f"{path}: is a folder, not a file.") from None
    except OSError as exc:
        raise ValueGapError(f"{path}: cannot be read ({exc.strerror}).") from None
