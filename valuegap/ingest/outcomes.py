"""Long-form outcome files read strictly, as the command line reads them.

Kept apart from :mod:`valuegap.analysis` so reading a file needs only pandas and Arrow: the command
line loads the statistics (SciPy) on the other core while the file is parsed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.ingest.mapping import Mapping
from valuegap.ingest.reading import read_table
from valuegap.ingest.validation import apply_mapping

REQUIRED_COLUMNS = ("customer_id", "metric", "value")
OPTIONAL_COLUMNS = ("segment", "offer", "observed_at")


def read_outcomes_csv(path: Path) -> pd.DataFrame:
    """Read a long-form outcomes file strictly; the first bad cell is an error naming file, row and
    column. Exact duplicate rows are dropped, as on the Evidence page."""
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueGapError(f"{source}: no such file.") from None
    except IsADirectoryError:
        raise ValueGapError(f"{source}: is a folder, not an outcomes file.") from None
    raw = read_table(data, source, max_bytes=None)  # a file on the user's own disk: no upload limit
    columns = set(map(str, raw.frame.columns))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueGapError(
            f"{source}: missing column(s) {', '.join(missing)}; outcomes need exactly "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})."
        )
    roles = {c: c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in columns}
    result = apply_mapping(raw, Mapping("long", roles), strict=True)
    assert result.observations is not None
    # `analyze` reports over all periods: dates are checked above but not needed below
    return result.observations.drop(columns="observed_at")
