"""Long-form outcome files read strictly, as the command line reads them.

Kept apart from :mod:`valuegap.analysis` so reading a file needs no SciPy: the command line loads
the statistics on another thread while the file is read (and it starts reading before pandas is
loaded, with :class:`valuegap.delimited.EarlyRead`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from valuegap import filetypes
from valuegap.delimited import EarlyRead
from valuegap.errors import ValueGapError
from valuegap.ingest.mapping import Mapping
from valuegap.ingest.reading import read_table
from valuegap.ingest.validation import apply_mapping

REQUIRED_COLUMNS = ("customer_id", "metric", "value")
OPTIONAL_COLUMNS = ("segment", "offer", "observed_at")


def read_outcomes_csv(path: Path | EarlyRead) -> pd.DataFrame:
    """Read a long-form outcomes file strictly; the first bad cell is an error naming file, row and
    column. Exact duplicate rows are dropped, as on the Evidence page. ``path`` may be a read of the
    file already under way (:class:`~valuegap.delimited.EarlyRead`)."""
    early = path if isinstance(path, EarlyRead) else None
    source = str(early.path if early is not None else path)
    data = early.data() if early is not None else filetypes.read_file(Path(source))
    # a file on the user's own disk: no upload limit; nothing is stored, so no content hash
    raw = read_table(data, source, max_bytes=None, early=early, hash_content=False)
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
