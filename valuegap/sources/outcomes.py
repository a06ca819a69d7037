"""Long-form outcome files read strictly, as the command line reads them.

Kept apart from :mod:`valuegap.evidence.analysis` so reading a file needs no SciPy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from valuegap.errors import ValueGapError
from valuegap.sources import filetypes
from valuegap.sources.mapping import Mapping
from valuegap.sources.reading import read_table
from valuegap.sources.validation import ValidationReport, apply_mapping

REQUIRED_COLUMNS = ("customer_id", "metric", "value")
OPTIONAL_COLUMNS = ("segment", "offer", "observed_at")


@dataclass(frozen=True)
class OutcomesFile:
    """A long-form outcomes file as read: its observations and what validation said about them."""

    source: str
    observations: pd.DataFrame  # customer_id, metric, value, segment, offer (no observed_at)
    report: ValidationReport

    @property
    def notes(self) -> tuple[str, ...]:
        """What was left out or kept of the file's repeated rows, one line per kind, naming the file
        (METHODS.md section 8: never silent; the command line prints them on stderr)."""
        return tuple(f"{self.source}: {note}" for note in self.report.notes)


def read_outcomes(
    path: Path, encoding: str | None = None, *, metrics: Collection[str] | None = None
) -> OutcomesFile:
    """Read a long-form outcomes file strictly; the first bad cell is an error naming file, row and
    column. Rows repeating an earlier row exactly are dropped as double uploads when they carry an
    observed_at and kept as repeated measurements when they do not, as on the Evidence page; the
    counts are in ``report`` and ``notes``. ``encoding`` is the reader's
    (:func:`~valuegap.sources.read_table`): None detects it. ``metrics``: only the rows of these
    metrics (labels stripped) are checked and kept, with their rows in the file as numbers, unless
    the file has none of them (then every row is, and says what is wrong with the file)."""
    source = str(path)
    data = filetypes.read_file(Path(source))
    # a file on the user's own disk: no upload limit; nothing is stored, so no content hash
    raw = read_table(data, source, max_bytes=None, hash_content=False, encoding=encoding)
    columns = set(map(str, raw.frame.columns))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueGapError(
            f"{source}: missing column(s) {', '.join(missing)}; outcomes need exactly "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})."
        )
    roles = {c: c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in columns}
    if metrics is not None:
        # the index keeps each row's place in the file, so a bad row is named by its file row
        label = raw.frame["metric"].astype(object).where(raw.frame["metric"].notna(), "").astype(str)
        wanted = label.str.strip().isin(list(metrics)).to_numpy(dtype=bool)
        if wanted.any():
            raw = replace(raw, frame=raw.frame[wanted], rows=int(wanted.sum()))
    result = apply_mapping(raw, Mapping("long", roles), strict=True)
    assert result.observations is not None
    # `analyze` reports over all periods: dates are checked above but not needed below
    return OutcomesFile(source, result.observations.drop(columns="observed_at"), result.report)


def read_outcomes_csv(path: Path) -> pd.DataFrame:
    """The observations of :func:`read_outcomes`, for callers that say nothing about the file's
    repeated rows themselves (a command should print :attr:`OutcomesFile.notes`)."""
    return read_outcomes(path).observations
