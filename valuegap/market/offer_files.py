"""OFFERS files: YAML or JSON in the DESIGN.md form, or a CSV/Excel table with a weights row.

``loads(dumps(x)) == x`` for YAML and JSON, and a table written by :func:`to_csv` or
:func:`to_excel` reads back to the same offers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from valuegap.errors import InvalidInput, Problem, quote
from valuegap.market.competition import MAX_ATTRIBUTES, Offers, parse_offers
from valuegap.model import proposition_files
from valuegap.model.editing import CellError, read_number
from valuegap.reporting import exports
from valuegap.sources import filetypes

TEXT_SUFFIXES = (".yaml", ".yml", ".json")
WEIGHTS_ROW = "importance"  # the row of a CSV/Excel offers table that holds the attribute weights


def loads(raw: bytes, file_name: str, *, source: str | None = None) -> Offers:
    """Offers from a file's bytes; the name's ending picks YAML/JSON, anything else is read as a table.
    Messages name ``source`` (the file's path on the command line), else ``file_name``."""
    source = file_name if source is None else source
    if file_name.lower().endswith(TEXT_SUFFIXES):
        data = proposition_files.load_data(raw, proposition_files.format_for(file_name), source=source)
        try:
            return parse_offers(data, source=source)
        except RecursionError:  # load_data refuses deep nesting first; this is the last line of defence
            raise InvalidInput([Problem("", "the file is nested too deeply")], source=source) from None
    from valuegap.sources import read_table

    return parse_offers_table(read_table(raw, file_name).frame, source=source)


def read(path: Path) -> Offers:
    """An offers file from disk; messages name its path, as the proposition file's do."""
    return loads(filetypes.read_file(path), path.name, source=str(path))


def dumps(offers: Offers, fmt: proposition_files.FileFormat = "yaml") -> str:
    return proposition_files.dump_data(offers.to_dict(), fmt)


def to_csv(offers: Offers) -> bytes:
    """The offers table as CSV; names a spreadsheet would run as formulas are neutralised."""
    return exports.to_csv(offers_table(offers))


def to_excel(offers: Offers) -> bytes:
    return exports.to_excel(offers_table(offers), "offers")


def offers_table(offers: Offers) -> pd.DataFrame:
    """The offers as one row each (name, price, ours, a column per attribute), led by the weights row:
    the CSV/Excel exchange form."""
    weights = {"name": WEIGHTS_ROW, "price": None, "ours": None, **offers.attributes}
    rows = [{"name": o.name, "price": o.price, "ours": o.ours, **o.scores} for o in offers.offers]
    return pd.DataFrame([weights, *rows], columns=["name", "price", "ours", *offers.attributes])


def _cell(value: Any) -> Any:
    """A table cell as :func:`parse_offers` reads it: a number when it is one, by the grid's rule
    (:func:`valuegap.model.editing.read_number`: "1,000" is a thousand, "2,5" is not clear), None when
    blank, else as it is, which ``parse_offers`` then refuses naming the offer and the attribute."""
    if isinstance(value, str) and not value.strip():
        return None
    try:
        return read_number(value)
    except CellError:
        return value.strip() if isinstance(value, str) else value


def _ours(value: Any, row: int, source: str) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    text = str(value).strip().casefold()
    if text in ("true", "yes", "1", "1.0", "x"):
        return True
    if text in ("false", "no", "0", "0.0", ""):
        return False
    raise InvalidInput(
        [Problem(f"row {row}, column ours", f"must be yes or no (got {quote(value)})")], source=source
    )


def parse_offers_table(table: pd.DataFrame, *, source: str = "") -> Offers:
    """Read the CSV/Excel form written by :func:`offers_table` (the weights row named ``importance``)."""
    columns = {str(c).strip().casefold(): c for c in table.columns}
    missing = [c for c in ("name", "price") if c not in columns]
    if missing:
        raise InvalidInput(
            [
                Problem(
                    "",
                    "the table needs columns name, price and one per attribute; "
                    f"missing {', '.join(missing)}",
                )
            ],
            source=source,
        )
    # files we exported carry an apostrophe before names a spreadsheet would run as formulas
    table = table.rename(columns=lambda c: exports.restore(c) if isinstance(c, str) else c)
    table = table.map(lambda v: exports.restore(v) if isinstance(v, str) else v)
    columns = {str(c).strip().casefold(): c for c in table.columns}
    attributes = [c for c in table.columns if str(c).strip().casefold() not in ("name", "price", "ours")]
    if len(attributes) > MAX_ATTRIBUTES:  # said before reading rows x attributes cells
        raise InvalidInput(
            [
                Problem(
                    "",
                    f"the table has {len(attributes):,} attribute columns; compare offers on at most "
                    f"{MAX_ATTRIBUTES} (keep the ones customers weigh most)",
                )
            ],
            source=source,
        )
    if not attributes:
        raise InvalidInput(
            [Problem("", "the table has no attribute columns to compare offers on")], source=source
        )
    names = table[columns["name"]].astype(object).where(table[columns["name"]].notna(), "")
    weights_rows = [i for i, n in enumerate(names) if str(n).strip().casefold() == WEIGHTS_ROW]
    if not weights_rows:
        raise InvalidInput(
            [Problem("", f"add a row named {WEIGHTS_ROW!r} with each attribute's weight (they sum to 100)")],
            source=source,
        )
    weights_row = table.iloc[weights_rows[0]]
    data = {
        "attributes": {str(a).strip(): _cell(weights_row[a]) for a in attributes},
        "offers": [
            {
                "name": str(names.iloc[i]).strip(),
                "price": _cell(table.iloc[i][columns["price"]]),
                "ours": _ours(table.iloc[i][columns["ours"]], i + 2, source) if "ours" in columns else False,
                "scores": {str(a).strip(): _cell(table.iloc[i][a]) for a in attributes},
            }
            for i in range(len(table))
            if i != weights_rows[0] and not all(_cell(v) is None for v in table.iloc[i])
        ],
    }
    return parse_offers(data, source=source)
