"""Price research: Van Westendorp, Gabor-Granger and price elasticity (METHODS.md section 7).

A survey comes in through :func:`read_survey` (any format the ingest step reads); each method checks
the columns it needs and refuses what it cannot use in one line naming file, row and column (the header
is row 1, the first respondent row 2). Curves come from ``np.searchsorted`` on sorted answers and
bootstrap resamples from histograms, so nothing loops over respondents or prices in Python.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from valuegap.errors import InvalidInput, Problem, ValueGapError

if TYPE_CHECKING:
    from valuegap.sources import RawTable

VW_COLUMNS = ("too_cheap", "cheap", "expensive", "too_expensive")
POINTS = ("opp", "idp", "pmc_original", "pme_original", "pmc_common", "pme_common")
POINT_LABELS = {  # the points in words, for a table (POINT_NAMES below: short names in sentences)
    "opp": "Optimal price point (OPP)",
    "idp": "Indifference price point (IDP)",
    "pmc_original": "Lowest acceptable, original (PMC)",
    "pme_original": "Highest acceptable, original (PME)",
    "pmc_common": "Lowest acceptable, common (PMC)",
    "pme_common": "Highest acceptable, common (PME)",
}
SMALL_SAMPLE = 200  # below this many kept respondents, Van Westendorp points get bootstrap intervals
RESAMPLES = 1000
MAX_PRICE = "max_price"
_PRICE_COLUMN = re.compile(r"(?:(?:p|price|at)_?)?(\d+(?:\.\d+)?)")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
_COMMA_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_OK, _TEXT, _INF, _BLANK = 0, 1, 2, 3


# ----------------------------------------------------------------------------- reading and checking


def read_survey(data: bytes, file_name: str, *, max_bytes: int | None = None) -> pd.DataFrame:
    """A survey file (CSV, TSV, Excel or Parquet) as :func:`survey_frame` gives it; more than
    ``max_bytes`` is refused (no limit by default: the CLI reads files from the user's own disk)."""
    from valuegap.sources import read_table

    return survey_frame(read_table(data, file_name, max_bytes=max_bytes))


def survey_frame(raw: RawTable) -> pd.DataFrame:
    """A table as read, one row per respondent, with decimal commas made points ("1.234,5" -> "1234.5").

    The file name travels in ``frame.attrs["source"]`` so the methods' errors can name it."""
    frame = raw.frame.copy()
    if raw.decimal == ",":  # cells that are not such numbers stay as written
        for name in frame.columns:
            codes, labels = _factorize(frame[name])
            fix = labels.str.fullmatch(_COMMA_NUMBER)
            labels = labels.where(~fix, labels.str.replace(".", "", regex=False).str.replace(",", "."))
            frame[name] = np.append(labels.to_numpy(dtype=object), [None])[codes]
    frame.attrs["source"] = raw.file_name
    return frame


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's index into the distinct cell texts (stripped); -1 for an empty (null) cell."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object).map(str).str.strip()


def _parse(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (NaN where unusable), a status per row (_OK, _TEXT, _INF, _BLANK) and the cell texts."""
    codes, labels = _factorize(column)
    lower = labels.str.lower()
    number = lower.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
    values = np.array(pd.to_numeric(labels.where(number, None), errors="coerce"), dtype=float)
    status = np.where(number, _OK, _TEXT)
    status[np.isinf(values) | lower.isin(_INFINITE).to_numpy(dtype=bool)] = _INF
    status[(labels == "").to_numpy(dtype=bool)] = _BLANK
    values[status != _OK] = np.nan
    texts = np.append(labels.to_numpy(dtype=object), "")
    return np.append(values, np.nan)[codes], np.append(status, _BLANK)[codes], texts[codes]


def _shown(text: str, limit: int = 40) -> str:
    """A cell's text fit for a one-line message: control characters as spaces, long text cut."""
    flat = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _cell_text(value: object) -> str:
    """A cell as the file has it ('' for an empty one)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _num(value: float) -> str:
    return f"{value:.10g}"


def _where(source: str) -> str:
    return f"{source}: " if source else ""


def _norm(name: object) -> str:
    """Column names match case-insensitively, spaces around them ignored ('Too cheap' = too_cheap)."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _columns(frame: pd.DataFrame, needed: Sequence[str], source: str, method: str) -> dict[str, str]:
    """The file's column for each needed name, or an error saying which are missing."""
    found: dict[str, list[str]] = {}
    for column in frame.columns:
        found.setdefault(_norm(column), []).append(str(column))
    missing = [name for name in needed if name not in found]
    if missing:
        has = ", ".join(map(str, frame.columns[:12])) + (", …" if len(frame.columns) > 12 else "")
        what = "" if len(missing) == len(needed) else f"missing column(s) {', '.join(missing)}; "
        raise ValueGapError(
            f"{_where(source)}{what}{method} needs the columns {', '.join(needed)} "
            f"(the file has: {has or 'no columns'})."
        )
    for name in needed:
        if len(found[name]) > 1:
            both = " and ".join(f"'{c}'" for c in found[name])
            raise ValueGapError(f"{_where(source)}columns {both} both read as {name}; keep one.")
    return {name: found[name][0] for name in needed}


def _numbers(frame: pd.DataFrame, columns: dict[str, str], source: str, rule: str) -> dict[str, np.ndarray]:
    """Columns as floats; every blank, text, infinite or out-of-range cell is one problem.

    ``rule``: "max" (0 or more), "binary" (0 or 1) or "any" (finite)."""
    found: list[tuple[int, int, Problem]] = []
    result = {}
    for order, (name, column) in enumerate(columns.items()):
        values, status, texts = _parse(frame[column])
        bad = {
            "max": values < 0,
            "binary": (values != 0) & (values != 1),
            "any": np.zeros(len(values), bool),
        }[rule] & (status == _OK)
        for i in np.flatnonzero((status != _OK) | bad):
            text, code = _shown(texts[i]), status[i]
            if code == _BLANK:
                message = "blank cell; every respondent needs an answer here"
            elif code == _TEXT:
                message = f"'{text}' is not " + ("0 or 1" if rule == "binary" else "a number")
            elif code == _INF:
                message = f"'{text}' is not a finite number"
            else:
                message = {
                    "max": "must be 0 or more",
                    "binary": "must be 0 (no) or 1 (yes)",
                }[rule] + f" (got {_num(values[i])})"
            found.append((int(i), order, Problem(f"row {i + 2}, column {column}", message)))
        result[name] = values
    if found:
        raise InvalidInput([problem for *_, problem in sorted(found, key=lambda f: f[:2])], source=source)
    return result


def _enough(n: int, source: str, what: str = "respondent") -> None:
    if n == 0:
        raise ValueGapError(f"{_where(source)}no {what}s; the file has a header but no answers.")
    if n == 1:
        raise ValueGapError(
            f"{_where(source)}only one {what}; price curves cannot be estimated from a single answer."
        )


def _source(frame: pd.DataFrame, source: str | None) -> str:
    return source if source is not None else str(frame.attrs.get("source", ""))


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: _finite(v) if isinstance(v, float) else v for k, v in r.items()} for r in frame.to_dict("records")
    ]


# ----------------------------------------------------------------------------- Van Westendorp

CURVE_WORDS = {
    "too_cheap": "too cheap",
    "cheap": "cheap",
    "expensive": "expensive",
    "too_expensive": "too expensive",
    "not_cheap": "not cheap",
    "not_expensive": "not expensive",
}
CROSSINGS = {  # each point is the intersection of a falling curve and a rising curve (METHODS.md 7)
    "opp": ("too_cheap", "too_expensive"),
    "idp": ("cheap", "expensive"),
    "pmc_original": ("too_cheap", "not_cheap"),
    "pme_original": ("not_expensive", "too_expensive"),
    "pmc_common": ("too_cheap", "expensive"),
    "pme_common": ("cheap", "too_expensive"),
}
POINT_NAMES = {
    "opp": "OPP",
    "idp": "IDP",
    "pmc_original": "PMC (original range)",
    "pme_original": "PME (original range)",
    "pmc_common": "PMC (common range)",
    "pme_common": "PME (common range)",
}
INCOMPLETE, INCONSISTENT = "incomplete", "inconsistent"
_DROPPED_COLUMNS = ["row", *VW_COLUMNS, "kind", "reason"]


class InvalidAnswers(InvalidInput):
    """Van Westendorp answers that are negative or not numbers.

    ``cells`` lists every one (``row, column, answer, problem``; the header is row 1) and ``rows`` the
    respondents who gave them, so a caller can offer to go on without those respondents
    (``van_westendorp(..., without_invalid=True)``)."""

    def __init__(self, cells: pd.DataFrame, *, source: str) -> None:
        problems = [
            Problem(f"row {row}, column {column}", problem)
            for row, column, problem in zip(cells["row"], cells["column"], cells["problem"], strict=True)
        ]
        super().__init__(problems, source=source)
        self.cells = cells
        self.rows = tuple(sorted({int(row) for row in cells["row"]}))

    @property
    def respondents(self) -> int:
        return len(self.rows)

    @property
    def summary(self) -> str:
        """One sentence: how many answers are invalid and how many respondents gave them."""
        cells, people = len(self.cells), self.respondents
        return (
            f"{_where(self.source)}{_count(cells, 'answer is', 'answers are')} negative or not a finite "
            f"number, from {_count(people, 'respondent')}; prices must be numbers of 0 or more."
        )


def _count(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


def _row_list(rows: Sequence[int]) -> str:
    """File rows as 'row 3' or 'rows 3, 5-7, 10' (runs of consecutive rows joined)."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return ("row " if len(rows) == 1 else "rows ") + text


def _vw_cells(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The four answers with each respondent's file ``row`` (NaN for a blank answer), and every
    invalid cell (negative, text, infinite) as ``row, column, answer, problem`` in row order."""
    columns = _columns(frame, VW_COLUMNS, source, "Van Westendorp")
    values, found = {}, []
    for order, (name, column) in enumerate(columns.items()):
        parsed, status, texts = _parse(frame[column])
        negative = (status == _OK) & (parsed < 0)
        for i in np.flatnonzero((status == _TEXT) | (status == _INF) | negative):
            text = _shown(texts[i])
            if negative[i]:
                problem = f"a price cannot be negative (got {_num(parsed[i])})"
            elif status[i] == _INF:
                problem = f"'{text}' is not a finite number"
            else:
                problem = f"'{text}' is not a number"
            found.append((int(i) + 2, order, column, text, problem))
        values[name] = np.where(status == _OK, parsed, np.nan)
    answers = pd.DataFrame({"row": np.arange(len(frame), dtype=np.int64) + 2, **values})
    cells = pd.DataFrame(sorted(found), columns=["row", "order", "column", "answer", "problem"])
    return answers, cells.drop(columns="order")


def van_westendorp_answers(frame: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """The four answers as floats (NaN for a blank) with each respondent's file ``row``.

    Prices are numbers ≥ 0; a negative or non-numeric answer raises :class:`InvalidAnswers` listing
    every such cell."""
    source = _source(frame, source)
    answers, cells = _vw_cells(frame, source)
    if len(cells):
        raise InvalidAnswers(cells, source=source)
    _enough(len(frame), source)
    return answers


@dataclass(frozen=True, eq=False)
class VanWestendorp:
    """Price sensitivity meter: the curves over the answered prices and where they cross.

    ``curves`` has ``price`` and the shares ``too_cheap, cheap, expensive, too_expensive, not_cheap,
    not_expensive``; ``dropped_rows`` lists each dropped respondent (file row, answers, ``kind``
    incomplete or inconsistent, reason); ``unidentified`` maps each point the data do not identify to a
    warning in words; ``invalid_rows`` lists respondents left out for invalid answers when the caller
    chose so; ``intervals`` maps each point to its 95% bootstrap interval (empty when not bootstrapped)."""

    n: int
    dropped_incomplete: int
    dropped_inconsistent: int
    dropped_rows: pd.DataFrame
    curves: pd.DataFrame
    opp: float
    idp: float
    pmc_original: float
    pme_original: float
    pmc_common: float
    pme_common: float
    intervals: dict[str, tuple[float, float]]
    unidentified: dict[str, str]
    invalid_rows: pd.DataFrame
    resamples: int = 0
    seed: int = 2026
    source: str = ""

    @property
    def dropped(self) -> int:
        """Respondents dropped by the rule: blank answers plus answers out of order."""
        return self.dropped_incomplete + self.dropped_inconsistent

    @property
    def points(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in POINTS}

    @property
    def notes(self) -> tuple[str, ...]:
        """Warnings in words, one per point the data do not identify."""
        return tuple(self.unidentified[name] for name in POINTS if name in self.unidentified)

    def rows_of(self, kind: str) -> pd.DataFrame:
        """The dropped respondents of one kind (INCOMPLETE or INCONSISTENT)."""
        return self.dropped_rows[self.dropped_rows["kind"] == kind].reset_index(drop=True)

    @property
    def left_out(self) -> tuple[str, ...]:
        """What was left out, one sentence per kind (the CLI prints them on stderr)."""
        lines = []
        if len(self.invalid_rows):
            rows = self.invalid_rows["row"]
            lines.append(
                f"{_count(len(rows), 'respondent')} with invalid answers left out ({_row_list(rows)})."
            )
        for kind, why in (
            (INCOMPLETE, "a blank answer"),
            (INCONSISTENT, "answers not in the order too_cheap < cheap < expensive < too_expensive"),
        ):
            rows = self.rows_of(kind)["row"]
            if len(rows):
                lines.append(f"{_count(len(rows), 'respondent')} left out for {why} ({_row_list(rows)}).")
        return tuple(lines)

    def points_frame(self) -> pd.DataFrame:
        """The six price points named in words, with a note on each the data do not identify and,
        when bootstrapped, their 95% intervals."""
        frame = pd.DataFrame(
            {
                "point": [POINT_LABELS[name] for name in POINTS],
                "price": [self.points[name] for name in POINTS],
                "note": [
                    "not identified by the data" if name in self.unidentified else "" for name in POINTS
                ],
            }
        )
        if self.intervals:
            frame["95% low"] = [self.intervals.get(name, (None, None))[0] for name in POINTS]
            frame["95% high"] = [self.intervals.get(name, (None, None))[1] for name in POINTS]
        return frame

    def summary(self) -> dict[str, Any]:
        """The fields the command line prints (DESIGN.md)."""
        return {
            "n": self.n,
            "dropped": self.dropped,
            "dropped_incomplete": self.dropped_incomplete,
            "dropped_inconsistent": self.dropped_inconsistent,
            **self.points,
        }

    def to_dict(self) -> dict[str, Any]:
        return self.summary() | {
            "unidentified": dict(self.unidentified),
            "intervals": {k: list(v) for k, v in self.intervals.items()},
            "resamples": self.resamples,
            "seed": self.seed,
            "curves": _records(self.curves),
            "dropped_rows": _records(self.dropped_rows),
            "invalid_rows": _records(self.invalid_rows),
        }


def _curve_counts(ranks: np.ndarray, picks: np.ndarray, m: int, n: int) -> dict[str, np.ndarray]:
    """The six curves as counts of respondents at each of the ``m`` grid prices, one row per sample.

    ``ranks``: (respondents, 4) positions of each answer on the grid; ``picks``: (samples, respondents)
    the respondents of each sample. Counts are integers, so equal curves compare exactly."""
    b = picks.shape[0]
    offsets = (np.arange(b) * m)[:, None]
    hist = [np.bincount((ranks[picks, q] + offsets).ravel(), minlength=b * m).reshape(b, m) for q in range(4)]
    at_most = [h.cumsum(axis=1) for h in hist]  # answers <= the grid price
    curves = {
        "too_cheap": n - at_most[0] + hist[0],  # answers >= p
        "cheap": n - at_most[1] + hist[1],
        "expensive": at_most[2],
        "too_expensive": at_most[3],
    }
    curves["not_cheap"] = n - curves["cheap"]
    curves["not_expensive"] = n - curves["expensive"]
    curves["answered"] = np.asarray(sum(hist) > 0)
    return curves


def _crossings(curves: dict[str, np.ndarray]) -> np.ndarray:
    """Per sample, the grid index of each point: the lowest answered price where the rising curve
    is at or above the falling one (-1 if it never is)."""
    answered = curves["answered"]
    out = np.empty((answered.shape[0], len(POINTS)), dtype=np.int64)
    for k, name in enumerate(POINTS):
        falling, rising = CROSSINGS[name]
        hit = (curves[rising] >= curves[falling]) & answered
        out[:, k] = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    return out


def _bootstrap(kept: np.ndarray, prices: np.ndarray, resamples: int, seed: int) -> dict[str, tuple]:
    """95% percentile intervals of the six points over resampled respondents.

    Each resample's curves are cumulative histograms of answer ranks; a point may only fall on a price
    someone in that resample answered, as the rule says."""
    rng = np.random.default_rng(seed)
    n, m = kept.shape[0], len(prices)
    ranks = np.searchsorted(prices, kept)
    chunk, found = max(1, 2_000_000 // n), []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        picks = rng.integers(0, n, size=(b, n))
        found.append(_crossings(_curve_counts(ranks, picks, m, n)))
    index = np.concatenate(found)
    values = np.where(index >= 0, prices[np.maximum(index, 0)], np.nan)
    low, high = np.nanpercentile(values, [2.5, 97.5], axis=0)
    return {name: (float(lo), float(hi)) for name, lo, hi in zip(POINTS, low, high, strict=True)}


_ANSWER_WORDS = {column: column.replace("_", " ") for column in VW_COLUMNS}
"""The four Van Westendorp answers as a reason names them: "too cheap", not the column's too_cheap."""


def _reasons(answers: np.ndarray, incomplete: np.ndarray, disorder: np.ndarray) -> list[str]:
    """Why each dropped respondent is dropped: the blank answers, or every pair out of order."""
    reasons = []
    for row, blank, flags in zip(answers, incomplete, disorder, strict=True):
        if blank:
            missing = [
                _ANSWER_WORDS[name] for name, value in zip(VW_COLUMNS, row, strict=True) if math.isnan(value)
            ]
            reasons.append(f"no answer for {', '.join(missing)}")
        else:
            reasons.append(
                "; ".join(
                    f"{_ANSWER_WORDS[VW_COLUMNS[j]]} ({_num(row[j])}) is not below "
                    f"{_ANSWER_WORDS[VW_COLUMNS[j + 1]]} ({_num(row[j + 1])})"
                    for j in np.flatnonzero(flags)
                )
            )
    return reasons


def _unidentified(name: str, i: int, curves: dict[str, np.ndarray], prices: np.ndarray, n: int) -> str | None:
    """The warning for a point whose two curves are equal at 0 or at 1 where it lies, else None."""
    falling, rising = (curves[c][0] for c in CROSSINGS[name])
    level = falling[i]
    if rising[i] != level or level not in (0, n):
        return None
    j = i
    while j + 1 < len(prices) and falling[j + 1] == level and rising[j + 1] == level:
        j += 1
    where = (
        f"at {_num(prices[i])}"
        if j == i
        else f"at every answered price from {_num(prices[i])} to {_num(prices[j])}"
    )
    words = [CURVE_WORDS[c] for c in CROSSINGS[name]]
    return (
        f"{POINT_NAMES[name]} is not identified by the data: the {words[0]} and {words[1]} curves are both "
        f"{'0%' if level == 0 else '100%'} {where}, so no single price is where they meet; "
        f"the rule shows the lowest, {_num(prices[i])}."
    )


def van_westendorp(
    frame: pd.DataFrame,
    *,
    bootstrap: int | None = None,
    seed: int = 2026,
    source: str | None = None,
    without_invalid: bool = False,
) -> VanWestendorp:
    """Van Westendorp's price sensitivity meter exactly as METHODS.md section 7 defines it.

    Prices are numbers ≥ 0 (0 is an answer). A negative or non-numeric answer raises
    :class:`InvalidAnswers` (every cell listed) unless ``without_invalid``, which leaves those
    respondents out and lists them in ``invalid_rows``. Respondents with a blank answer
    (``dropped_incomplete``) and those not answering too cheap < cheap < expensive < too expensive
    (``dropped_inconsistent``) are dropped and counted apart. The grid is the sorted set of prices the
    kept respondents answered; each point is the lowest grid price where its rising curve is at or
    above its falling one; where the two are equal there at 0 or 1 the point is in ``unidentified``.

    ``bootstrap`` resamples (default: RESAMPLES when fewer than SMALL_SAMPLE respondents are kept, else
    none; 0 turns intervals off) give each point a 95% percentile interval, reproducible by ``seed``."""
    source = _source(frame, source)
    answers, cells = _vw_cells(frame, source)
    invalid_rows = pd.DataFrame(columns=["row", *VW_COLUMNS, "reason"])
    if len(cells):
        if not without_invalid:
            raise InvalidAnswers(cells, source=source)
        columns = _columns(frame, VW_COLUMNS, source, "Van Westendorp")
        bad = answers["row"].isin(cells["row"]).to_numpy()
        reasons = cells.assign(
            text=[f"{c}: {p}" for c, p in zip(cells["column"], cells["problem"], strict=True)]
        )
        invalid_rows = pd.DataFrame(
            {"row": answers["row"][bad].to_numpy()}
            | {
                name: frame[columns[name]].iloc[np.flatnonzero(bad)].map(_cell_text).to_numpy()
                for name in VW_COLUMNS
            }
        )
        invalid_rows["reason"] = invalid_rows["row"].map(reasons.groupby("row")["text"].agg("; ".join))
        answers = answers[~bad].reset_index(drop=True)
    _enough(len(frame), source)
    values = answers[list(VW_COLUMNS)].to_numpy(float)
    incomplete = np.isnan(values).any(axis=1)
    with np.errstate(invalid="ignore"):
        disorder = ~(values[:, :-1] < values[:, 1:])
    inconsistent = ~incomplete & disorder.any(axis=1)
    keep = ~incomplete & ~inconsistent
    n = int(keep.sum())
    if n < 2:
        why = [
            (len(invalid_rows), "left out for invalid answers"),
            (int(incomplete.sum()), "left an answer blank"),
            (int(inconsistent.sum()), "answered out of that order"),
        ]
        raise ValueGapError(
            f"{_where(source)}{'none' if n == 0 else 'only one'} of the {len(frame)} respondents answered "
            f"too_cheap < cheap < expensive < too_expensive ({', '.join(f'{k} {w}' for k, w in why if k)}); "
            "check that no columns are swapped or left empty."
        )
    out = ~keep
    dropped_rows = answers[out].reset_index(drop=True)
    dropped_rows["kind"] = np.where(incomplete[out], INCOMPLETE, INCONSISTENT)
    dropped_rows["reason"] = _reasons(values[out], incomplete[out], disorder[out])
    kept = values[keep]
    prices = np.unique(kept)
    counts = _curve_counts(np.searchsorted(prices, kept), np.arange(n)[None], len(prices), n)
    index = _crossings(counts)[0]
    points = {name: float(prices[i]) for name, i in zip(POINTS, index, strict=True)}  # always found
    unidentified = {
        name: note
        for name, i in zip(POINTS, index, strict=True)
        if (note := _unidentified(name, int(i), counts, prices, n)) is not None
    }
    curves = pd.DataFrame({"price": prices} | {name: counts[name][0] / n for name in CURVE_WORDS})
    resamples = (RESAMPLES if n < SMALL_SAMPLE else 0) if bootstrap is None else int(bootstrap)
    if resamples < 0:
        raise ValueGapError("bootstrap must be 0 (no intervals) or a number of resamples.")
    intervals = _bootstrap(kept, prices, resamples, seed) if resamples else {}
    return VanWestendorp(
        n=n,
        dropped_incomplete=int(incomplete.sum()),
        dropped_inconsistent=int(inconsistent.sum()),
        dropped_rows=dropped_rows[_DROPPED_COLUMNS],
        curves=curves,
        **points,
        intervals=intervals,
        unidentified=unidentified,
        invalid_rows=invalid_rows,
        resamples=resamples,
        seed=seed,
        source=source,
    )


# ----------------------------------------------------------------------------- Gabor-Granger


@dataclass(frozen=True, eq=False)
class GaborGranger:
    """Demand and revenue per respondent at each tested price; ``demand`` has ``price, share,
    revenue`` (and ``profit`` with a unit cost). Ties go to the lower price."""

    n: int
    best_price: float
    best_revenue: float
    demand: pd.DataFrame
    profit_price: float | None = None
    best_profit: float | None = None
    unit_cost: float | None = None
    inconsistent: int = 0
    notes: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """The fields the command line prints (DESIGN.md)."""
        rows = self.demand[["price", "share", "revenue"]]
        return {"n": self.n, "best_price": self.best_price, "best_revenue": self.best_revenue,
                "demand": _records(rows)}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return self.summary() | {
            "demand": _records(self.demand),
            "profit_price": self.profit_price,
            "best_profit": self.best_profit,
            "unit_cost": self.unit_cost,
            "inconsistent": self.inconsistent,
            "notes": list(self.notes),
        }


def _best(values: np.ndarray) -> int:
    """The first (lowest-price) index of the largest value, counting float noise as a tie."""
    top = values.max()
    return int(np.flatnonzero(values >= top - 1e-12 * abs(top))[0])


def _max_prices(frame: pd.DataFrame, source: str, prices: Sequence[float] | None) -> tuple:
    """Each respondent's highest acceptable price, the tested prices, the inconsistent count, notes."""
    names = {_norm(column): column for column in frame.columns}
    if MAX_PRICE in names:
        column = _columns(frame, [MAX_PRICE], source, "Gabor-Granger")[MAX_PRICE]
        top = _numbers(frame, {MAX_PRICE: column}, source, "max")[MAX_PRICE]
        tested = np.unique(top[top > 0]) if prices is None else np.unique(np.asarray(prices, float))
        off = int(((top > 0) & ~np.isin(top, tested)).sum()) if prices is not None else 0
        notes = [
            f"{off} max_price answers are not tested prices; each counts at the tested prices up to it."
        ] * bool(off)
        return top, tested, 0, notes
    columns = {
        c: float(m.group(1)) for c in map(str, frame.columns) if (m := _PRICE_COLUMN.fullmatch(_norm(c)))
    }
    if not columns:
        raise ValueGapError(
            f"{_where(source)}Gabor-Granger needs a max_price column or one 0/1 column per tested price "
            f"(named like 29, p_29 or price_49.5); the file has: {', '.join(map(str, frame.columns[:12]))}."
        )
    by_price = pd.Series(list(columns), index=list(columns.values())).sort_index()
    if by_price.index.has_duplicates:
        twice = by_price[by_price.index.duplicated(keep=False)]
        raise ValueGapError(f"{_where(source)}columns {', '.join(twice)} name the same price; keep one.")
    tested = by_price.index.to_numpy(float)
    if not np.isfinite(tested).all():  # a column named with a 400-digit price reads as infinity
        too_large = ", ".join(_shown(c) for c in by_price[~np.isfinite(by_price.index.to_numpy(float))])
        raise ValueGapError(
            f"{_where(source)}column(s) {too_large} name a price beyond the range of numbers this app reads "
            "(about 1.8e308); name each 0/1 column by the price it tested."
        )
    if prices is not None and not np.array_equal(np.unique(np.asarray(prices, float)), tested):
        raise ValueGapError(f"{_where(source)}the tested prices are the 0/1 columns; leave prices out.")
    answers = _numbers(frame, dict(zip(by_price, by_price, strict=True)), source, "binary")
    accepted = np.column_stack([answers[c] for c in by_price]).astype(bool)
    m = accepted.shape[1]
    highest = m - 1 - accepted[:, ::-1].argmax(axis=1)
    any_yes = accepted.any(axis=1)
    inconsistent = int((any_yes & (accepted.sum(axis=1) != highest + 1)).sum())
    notes = [
        f"{inconsistent} respondent(s) accepted a higher price but refused a lower one; their highest "
        "accepted price is used."
    ] * bool(inconsistent)
    return np.where(any_yes, tested[highest], 0.0), tested, inconsistent, notes


def gabor_granger(
    frame: pd.DataFrame,
    *,
    unit_cost: float | None = None,
    prices: Sequence[float] | None = None,
    source: str | None = None,
) -> GaborGranger:
    """Gabor-Granger demand ``D(p)`` = share whose highest acceptable price ≥ p, revenue ``p·D(p)``
    per respondent, and the revenue- (and, with ``unit_cost``, profit-) maximising tested price."""
    source = _source(frame, source)
    if prices is not None and (len(prices) == 0 or not all(math.isfinite(p) and p > 0 for p in prices)):
        raise ValueGapError("Tested prices must be numbers above 0.")
    if unit_cost is not None and not (math.isfinite(unit_cost) and unit_cost >= 0):
        raise ValueGapError("The unit cost must be a number of 0 or more.")
    top, tested, inconsistent, notes = _max_prices(frame, source, prices)
    n = len(top)
    _enough(n, source)
    none = int((top == 0).sum())
    if none == n:
        raise ValueGapError(f"{_where(source)}no respondent accepts any tested price; there is no demand.")
    if none:
        notes.append(f"{none} respondent(s) accepted none of the tested prices; they count as no demand.")
    count = n - np.searchsorted(np.sort(top), tested, "left")
    # price x share, never price x count / n: the share is at most 1, so revenue stays finite for any
    # finite price (prices near 1e308 made p x count overflow to infinity, and no price was "best")
    share = count / n
    demand = pd.DataFrame({"price": tested, "share": share, "revenue": tested * share})
    best = _best(demand["revenue"].to_numpy())
    profit_price = best_profit = None
    if unit_cost is not None:
        demand["profit"] = (tested - unit_cost) * share  # both at least 0, so the difference is finite
        top_profit = _best(demand["profit"].to_numpy())
        profit_price, best_profit = float(tested[top_profit]), float(demand["profit"].iloc[top_profit])
        if best_profit <= 0:
            notes.append("No tested price covers the unit cost with a profit.")
    return GaborGranger(
        n, float(tested[best]), float(demand["revenue"].iloc[best]), demand, profit_price, best_profit,
        unit_cost, inconsistent, tuple(notes),
    )  # fmt: skip


# ----------------------------------------------------------------------------- elasticity


@dataclass(frozen=True)
class Elasticity:
    """``ln Q = α + ε ln P (+ controls)`` by OLS: ε with its CI at ``1 − alpha`` and a reading in words."""

    n: int
    dropped: int
    elasticity: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    r_squared: float | None
    alpha: float
    controls: tuple[str, ...]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {
            "controls": list(self.controls)
        }


def _percent(value: float) -> str:
    return f"{value:.1f}" if value >= 0.1 else f"{value:.2g}"


def _reading(e: float, p_value: float | None, alpha: float) -> str:
    size = _percent(abs(e))
    if e < 0:
        kind = "elastic" if e < -1 else "inelastic" if e > -1 else "unit-elastic"
        text = f"{kind}: a 1% price rise loses {size}% of units"
    elif e > 0:
        text = (
            f"upward-sloping: a 1% price rise comes with {size}% more units (look for promotions or quality)"
        )
    else:
        text = "flat: units do not move with price"
    if p_value is None or p_value >= alpha:
        text += f"; not significantly different from 0 at α = {alpha:g}"
    return text


def elasticity(
    frame: pd.DataFrame,
    *,
    price: str = "price",
    quantity: str = "quantity",
    controls: Sequence[str] = (),
    alpha: float = 0.05,
    source: str | None = None,
) -> Elasticity:
    """Price elasticity from transactions (METHODS.md section 7); rows with price or quantity ≤ 0 are
    dropped and counted. Numeric controls enter as they are, text controls as dummies (first level out)."""
    from statsmodels.regression.linear_model import OLS

    source = _source(frame, source)
    if not 0 < alpha < 1:
        raise ValueGapError("alpha must be between 0 and 1.")
    names = [_norm(price), _norm(quantity), *(_norm(c) for c in controls)]
    columns = _columns(frame, names, source, "The elasticity model")
    pq = _numbers(frame, {k: columns[k] for k in names[:2]}, source, "any")
    extra = []
    for name in names[2:]:  # a control with any number in it is numeric and checked as such
        _, status, texts = _parse(frame[columns[name]])
        if (status == _OK).any():
            extra.append(pd.DataFrame(_numbers(frame, {name: columns[name]}, source, "any")))
            continue
        if (status == _BLANK).any():
            i = int(np.flatnonzero(status == _BLANK)[0])
            raise InvalidInput([Problem(f"row {i + 2}, column {columns[name]}", "blank cell")], source=source)
        extra.append(pd.get_dummies(pd.Series(texts, name=name), prefix=name, drop_first=True, dtype=float))
    p, q = pq[names[0]], pq[names[1]]
    usable = (p > 0) & (q > 0)
    n = int(usable.sum())
    if n < 3:
        raise ValueGapError(
            f"{_where(source)}only {n} usable row(s) with price and quantity above 0; the elasticity needs 3."
        )
    if np.unique(p[usable]).size < 2:
        raise ValueGapError(f"{_where(source)}every usable row has the same price; price must vary.")
    design = pd.concat(
        [pd.DataFrame({"const": 1.0, "ln_price": np.log(np.where(usable, p, 1.0))}), *extra], axis=1
    )[usable]
    design = design.loc[:, (design != 0).any() | (design.columns == "const")]
    if np.linalg.matrix_rank(design.to_numpy(float)) < design.shape[1] or n <= design.shape[1]:
        raise ValueGapError(
            f"{_where(source)}{n} rows cannot separate price from the controls "
            f"({', '.join(controls)}); drop a control or add rows."
        )
    fit = OLS(np.log(q[usable]), design.to_numpy(float)).fit()
    low, high = fit.conf_int(alpha)[1]
    e, p_value = float(fit.params[1]), _finite(fit.pvalues[1])
    return Elasticity(
        n, len(p) - n, e, _finite(low), _finite(high), p_value, _finite(fit.rsquared), alpha,
        tuple(controls), _reading(e, p_value, alpha),
    )  # fmt: skip


# ----------------------------------------------------------------------------- which survey counts


class StoredSurvey(Protocol):
    """What :func:`newest_surveys` reads of a stored survey dataset."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def details(self) -> Mapping[str, Any]: ...


SurveyT = TypeVar("SurveyT", bound=StoredSurvey)


def newest_surveys(surveys: Iterable[SurveyT]) -> dict[str, SurveyT]:
    """The survey each method (``details["method"]``: van_westendorp, gabor_granger, transactions) is
    read from: the newest one uploaded (latest ``created_at``, then highest id), so a new upload
    replaces the older survey of its method and never mixes with it. One without a method is left out."""
    newest: dict[str, SurveyT] = {}
    for survey in surveys:
        method = survey.details.get("method", "")
        held = newest.get(method)
        if method and (held is None or (survey.created_at, survey.id) > (held.created_at, held.id)):
            newest[method] = survey
    return newest


# ----------------------------------------------------------------------------- for the price slider


def price_ranges(vw: VanWestendorp | None, gg: GaborGranger | None) -> pd.DataFrame:
    """Price bands to draw on the Pricing page's price slider (``low == high`` for a single price)."""
    rows: list[tuple[str, float | None, float | None]] = []
    if vw is not None:
        rows.append(("acceptable range (original)", vw.pmc_original, vw.pme_original))
        rows.append(("acceptable range (common)", vw.pmc_common, vw.pme_common))
        if vw.opp is not None and vw.idp is not None:
            rows.append(("OPP–IDP", min(vw.opp, vw.idp), max(vw.opp, vw.idp)))
    if gg is not None:
        rows.append(("revenue-maximising price", gg.best_price, gg.best_price))
        if gg.profit_price is not None:
            rows.append(("profit-maximising price", gg.profit_price, gg.profit_price))
    rows = [row for row in rows if row[1] is not None and row[2] is not None]
    return pd.DataFrame(rows, columns=["label", "low", "high"]).astype({"low": float, "high": float})
