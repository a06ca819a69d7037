"""Tables as CSV and Excel downloads that spreadsheets cannot turn into formulas.

A text cell that starts with ``= + - @``, a tab or a carriage return would be read by Excel,
LibreOffice or Google Sheets as a formula (CSV injection), so such cells get a leading apostrophe,
which spreadsheets show as text and hide. Numbers are left alone: ``-3`` in a numeric column stays
a number. :func:`restore` undoes the apostrophe when a file we exported is imported again.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(cell: str) -> str:
    """One text cell, neutralised when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def restore(cell: str) -> str:
    """The text as typed, from a cell :func:`safe_text` neutralised."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and text column names) are safe to open in a spreadsheet."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(lambda v: safe_text(v) if isinstance(v, str) else v)
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens accents correctly, and CRLF line ends
    (RFC 4180), so a cell holding a carriage return is quoted rather than splitting its row."""
    return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_excel(frame: pd.DataFrame, sheet: str = "table") -> bytes:
    """An .xlsx workbook with one sheet; text is written as text, never as a formula.

    Excel has no time zones: a column of zoned times is written in UTC, and its header says so
    ("Updated (UTC)"). Time zones inside a column of mixed cells are converted the same way."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralised(_zone_free(frame)).to_excel(writer, index=False, sheet_name=_sheet_name(sheet))
    return buffer.getvalue()


def _zone_free(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every zoned time in UTC without its zone, columns of them renamed "... (UTC)"."""
    out = frame.copy()
    names: dict[object, object] = {}
    for position, column in enumerate(frame.columns):
        series = frame.iloc[:, position]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out.isetitem(position, series.dt.tz_convert("UTC").dt.tz_localize(None))
            names[position] = f"{column} (UTC)" if isinstance(column, str) else column
        elif pd.api.types.is_object_dtype(series) and series.map(_zoned).any():
            out.isetitem(position, series.map(lambda v: _utc(v) if _zoned(v) else v))
    if names:
        out.columns = [names.get(i, c) for i, c in enumerate(frame.columns)]
    return out


def _zoned(value: object) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\`` in a sheet name."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "table"
    return cleaned[:31]
