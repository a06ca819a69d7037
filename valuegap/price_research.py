"""Price research: Van Westendorp, Gabor-Granger and price elasticity (METHODS.md section 7).

A survey comes in through :func:`read_survey` (any format the ingest step reads); each method checks
the columns it needs and refuses what it cannot use in one line naming file, row and column (the header
is row 1, the first respondent row 2). Curves come from ``np.searchsorted`` on sorted answers and
bootstrap resamples from histograms, so nothing loops over respondents or prices in Python.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuegap.errors import InvalidInput, Problem, ValueGapError

if TYPE_CHECKING:
    from valuegap.ingest import RawTable

VW_COLUMNS = ("too_cheap", "cheap", "expensive", "too_expensive")
POINTS = ("opp", "idp", "pmc_original", "pme_original", "pmc_common", "pme_common")
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
    from valuegap.ingest import read_table

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
            frame[name] = np.append(labels.to_numpy(dtype=object), None)[codes]
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

    ``rule``: "price" (above 0), "max" (0 or more), "binary" (0 or 1) or "any" (finite)."""
    found: list[tuple[int, int, Problem]] = []
    result = {}
    for order, (name, column) in enumerate(columns.items()):
        values, status, texts = _parse(frame[column])
        bad = {
            "price": values <= 0,
            "max": values < 0,
            "binary": (values != 0) & (values != 1),
            "any": np.zeros(len(values), bool),
        }[rule] & (status == _OK)
        for i in np.flatnonzero((status != _OK) | bad):
            text, code = texts[i], status[i]
            if code == _BLANK:
                message = "blank cell; every respondent needs an answer here"
            elif code == _TEXT:
                message = f"'{text}' is not " + ("0 or 1" if rule == "binary" else "a number")
            elif code == _INF:
                message = f"'{text}' is not a finite number"
            else:
                message = {
                    "price": "a price must be above 0",
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


@dataclass(frozen=True, eq=False)
class VanWestendorp:
    """Price sensitivity meter: the curves over the answered prices and where they cross.

    ``curves`` has ``price`` and the shares ``too_cheap, cheap, expensive, too_expensive, not_cheap,
    not_expensive``; ``dropped_rows`` lists each inconsistent respondent (file row, answers, reason);
    ``intervals`` maps each point to its 95% bootstrap interval (empty when not bootstrapped)."""

    n: int
    dropped: int
    dropped_rows: pd.DataFrame
    curves: pd.DataFrame
    opp: float | None
    idp: float | None
    pmc_original: float | None
    pme_original: float | None
    pmc_common: float | None
    pme_common: float | None
    intervals: dict[str, tuple[float, float]]
    resamples: int = 0
    seed: int = 2026

    @property
    def points(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in POINTS}

    def summary(self) -> dict[str, Any]:
        """The fields the command line prints (DESIGN.md)."""
        return {"n": self.n, "dropped": self.dropped, **self.points}

    def to_dict(self) -> dict[str, Any]:
        return self.summary() | {
            "intervals": {k: list(v) for k, v in self.intervals.items()},
            "resamples": self.resamples,
            "seed": self.seed,
            "curves": _records(self.curves),
            "dropped_rows": _records(self.dropped_rows),
        }


def van_westendorp_answers(frame: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """The four answers as floats with each respondent's file ``row``; an error names the first bad cell."""
    source = _source(frame, source)
    columns = _columns(frame, VW_COLUMNS, source, "Van Westendorp")
    values = _numbers(frame, columns, source, "price")
    _enough(len(frame), source)
    return pd.DataFrame({"row": np.arange(len(frame)) + 2, **values})


def crossing(prices: Sequence[float], falling: Sequence[float], rising: Sequence[float]) -> float | None:
    """The lowest price at which the rising curve has reached the falling one; None if it never does."""
    hit = np.asarray(rising, float) >= np.asarray(falling, float)
    return float(np.asarray(prices, float)[hit.argmax()]) if hit.any() else None


def _crossings(
    tc: np.ndarray, c: np.ndarray, e: np.ndarray, te: np.ndarray, n: int, answered: np.ndarray
) -> np.ndarray:
    """Indices (rows × 6 points, -1 = none) of the lowest answered price where rising ≥ falling.

    Curves are counts of respondents (rows = samples, columns = prices), so ties compare exactly."""
    pairs = ((tc, te), (c, e), (tc, n - c), (n - e, te), (tc, e), (c, te))
    out = np.empty((answered.shape[0], len(pairs)), dtype=np.int64)
    for k, (falling, rising) in enumerate(pairs):
        hit = (rising >= falling) & answered
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
        offsets = (np.arange(b) * m)[:, None]
        hists = [
            np.bincount((ranks[picks, q] + offsets).ravel(), minlength=b * m).reshape(b, m) for q in range(4)
        ]
        at_most = [h.cumsum(axis=1) for h in hists]
        tc, c = n - at_most[0] + hists[0], n - at_most[1] + hists[1]
        found.append(_crossings(tc, c, at_most[2], at_most[3], n, sum(hists) > 0))
    index = np.concatenate(found)
    values = np.where(index >= 0, prices[np.maximum(index, 0)], np.nan)
    low, high = np.nanpercentile(values, [2.5, 97.5], axis=0)
    return {name: (float(lo), float(hi)) for name, lo, hi in zip(POINTS, low, high, strict=True)}


def _reasons(answers: np.ndarray, bad: np.ndarray) -> list[str]:
    """Why each dropped respondent is inconsistent, naming every pair of answers out of order."""
    return [
        "; ".join(
            f"{VW_COLUMNS[j]} ({_num(row[j])}) is not below {VW_COLUMNS[j + 1]} ({_num(row[j + 1])})"
            for j in np.flatnonzero(flags)
        )
        for row, flags in zip(answers, bad, strict=True)
    ]


def van_westendorp(
    frame: pd.DataFrame, *, bootstrap: int | None = None, seed: int = 2026, source: str | None = None
) -> VanWestendorp:
    """Van Westendorp's price sensitivity meter as METHODS.md section 7 defines it.

    ``bootstrap`` resamples (default: RESAMPLES when fewer than SMALL_SAMPLE respondents are kept, else
    none; 0 turns intervals off) give each point a 95% percentile interval, reproducible by ``seed``."""
    source = _source(frame, source)
    answers = van_westendorp_answers(frame, source=source)
    values = answers[list(VW_COLUMNS)].to_numpy()
    bad = values[:, :-1] >= values[:, 1:]
    keep = ~bad.any(axis=1)
    n = int(keep.sum())
    if n < 2:
        raise ValueGapError(
            f"{_where(source)}{'none' if n == 0 else 'only one'} of the {len(values)} respondents answered "
            "too_cheap < cheap < expensive < too_expensive; check that no columns are swapped."
        )
    dropped_rows = answers[~keep].reset_index(drop=True)
    dropped_rows["reason"] = _reasons(values[~keep], bad[~keep])
    kept = values[keep]
    prices = np.unique(kept)
    ordered = np.sort(kept, axis=0)
    tc = n - np.searchsorted(ordered[:, 0], prices, "left")  # respondents whose too_cheap >= p
    c = n - np.searchsorted(ordered[:, 1], prices, "left")
    e = np.searchsorted(ordered[:, 2], prices, "right")  # respondents whose expensive <= p
    te = np.searchsorted(ordered[:, 3], prices, "right")
    index = _crossings(tc[None], c[None], e[None], te[None], n, np.ones((1, len(prices)), bool))[0]
    points = {name: float(prices[i]) if i >= 0 else None for name, i in zip(POINTS, index, strict=True)}
    curves = pd.DataFrame(
        {"price": prices, "too_cheap": tc / n, "cheap": c / n, "expensive": e / n, "too_expensive": te / n}
    ).assign(not_cheap=1 - c / n, not_expensive=1 - e / n)
    resamples = (RESAMPLES if n < SMALL_SAMPLE else 0) if bootstrap is None else int(bootstrap)
    if resamples < 0:
        raise ValueGapError("bootstrap must be 0 (no intervals) or a number of resamples.")
    intervals = _bootstrap(kept, prices, resamples, seed) if resamples else {}
    return VanWestendorp(
        n,
        len(dropped_rows),
        dropped_rows,
        curves,
        **points,
        intervals=intervals,
        resamples=resamples,
        seed=seed,
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
    demand = pd.DataFrame({"price": tested, "share": count / n, "revenue": tested * count / n})
    best = _best(tested * count)
    profit_price = best_profit = None
    if unit_cost is not None:
        demand["profit"] = (tested - unit_cost) * count / n
        top_profit = _best((tested - unit_cost) * count)
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
