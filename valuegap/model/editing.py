"""The editor's tables and fields, to and from the domain model, without Streamlit.

The Propositions page shows claims and cost-of-access items as editable tables. These functions turn
a proposition into those tables, turn what the user typed back into plain data for
``parse_proposition``, and route each validation problem to the field or table row that has it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from valuegap.errors import InvalidInput, Problem, quote
from valuegap.model.identifiers import slug
from valuegap.model.proposition import (
    CLAIM_FIELD_WORDS,
    AccessCost,
    Claim,
    ClaimForm,
    Proposition,
    parse_proposition,
)

CLAIM_COLUMNS: tuple[str, ...] = tuple(Claim.model_fields)
NEEDS_MEASURE = frozenset(form.value for form in ClaimForm) - {"puffery"}  # forms tested on a metric
NEEDS_COMPETITOR = frozenset({"comparative", "parity"})  # forms tested against a competitor
ACCESS_COLUMNS: tuple[str, ...] = tuple(AccessCost.model_fields)
_NUMERIC_CLAIM = ("claimed", "share", "ratio", "tolerance", "money_per_unit", "importance")


def claims_frame(prop: Proposition) -> pd.DataFrame:
    """One row per claim, every claim field a column (blank where unset)."""
    rows = [claim.model_dump(mode="json") for claim in prop.claims]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    for column in _NUMERIC_CLAIM:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("id", "text", "metric", "unit", "competitor", "benefit", "form", "direction"):
        frame[column] = frame[column].astype("object")
    return frame


# ----------------------------------------------------------------------------- typed cells


class CellError(ValueError):
    """What was typed in a cell cannot be read; ``str`` says why in words."""


_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,000 or 12,500.5
_TIMES = re.compile(r"\s*[x×]\s*$", re.IGNORECASE)


def _decimal(text: str) -> Decimal:
    """Text as a number: plain ("3.5", "-2", "1e3") or with thousands commas ("1,000"), else CellError.

    "2,5" is refused: it is 2.5 with a decimal comma or 25 with a stray one, and a guess would change
    what the user meant."""
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _PLAIN_NUMBER.match(cleaned):
        if "," in cleaned and re.fullmatch(r"[+-]?\d+,\d+", cleaned):
            raise CellError(f"{quote(text)} is not clear: write the decimal point as '.' (2.5), not ','")
        raise CellError(f"must be a number written in digits (got {quote(text)})")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise CellError(f"must be a number written in digits (got {quote(text)})") from None
    if not value.is_finite() or abs(value) > Decimal("1e300"):
        raise CellError(f"is too large (got {quote(text)})")
    return value


def read_number(value: Any) -> float | None:
    """A number cell as typed → float, None when blank; raises CellError for anything else.

    Numbers pass through; text must be digits ("3", "2.5", "1,000", "-4"). "two" or "3 hours" are
    refused rather than read as 0 or dropped."""
    if _blank(value):
        return None
    value = _clean(value)
    if isinstance(value, bool):
        raise CellError(f"must be a number (got {quote(value)})")
    if isinstance(value, int | float):
        if isinstance(value, int) and abs(value) > 10**300:  # float() of it would overflow
            raise CellError(f"is too large (got {quote(value)})")
        if not math.isfinite(value):
            raise CellError("must be a finite number")
        return float(value)
    if not isinstance(value, str):
        raise CellError(f"must be a number (got {quote(value)})")
    return float(_decimal(value))


def read_ratio(value: Any) -> float | None:
    """Like :func:`read_number`, also reading "2×" or "2x" as 2."""
    if isinstance(value, str):
        value = _TIMES.sub("", value)
    return read_number(value)


def read_share(value: Any) -> float | None:
    """A share of customers as typed → a fraction in (0, 1], None when blank; raises CellError otherwise.

    - "95%" (or "95 %") is 95%, whatever the number: "150%" and "0%" are refused (a share is above 0%
      and at most 100%).
    - a number from 0 to 1 is the fraction itself: 0.95 is 95%, 1 is 100%.
    - a number from 2 to 100 can only be a percentage: 95 is 95%.
    - a number above 1 and below 2 (1.5) is refused: it could be 1.5% or a mistyped 150%, and a
      guess would test a different promise. So is anything above 100, zero or below, and words.
    """
    if _blank(value):
        return None
    value = _clean(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1]
        percent = _decimal(text) if text.strip() else None
        if percent is None:
            raise CellError(f"must be a percentage such as 95% (got {quote(value)})")
        if not 0 < percent <= 100:
            raise CellError(f"must be more than 0% and at most 100% (got {quote(value)})")
        return float(percent / 100)
    if isinstance(value, str):
        number = _decimal(value)
    else:
        read = read_number(value)
        assert read is not None
        number = Decimal(repr(read))
    if 0 < number <= 1:
        return float(number)
    if 2 <= number <= 100:
        return float(number / 100)
    if 1 < number < 2:
        raise CellError(
            f"{quote(value)} is not clear ({_plain(number)}% or {_plain(number * 100)}%?): write it with a % "
            f"sign, such as {_plain(number)}%, or as a fraction from 0 to 1 (0.95 is 95%)"
        )
    raise CellError(f"must be more than 0% and at most 100%, such as 95% or 0.95 (got {quote(value)})")


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def share_text(share: float | None) -> str:
    """A stored share as the grid shows it: 0.95 → "95%" (exact: :func:`read_share` gives 0.95 back)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return _plain(Decimal(repr(float(share))) * 100) + "%"


def number_text(value: float | None) -> str:
    """A stored number as a text cell shows it: 5.0 → "5", 2.5 → "2.5" (read back exactly)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def read_tolerance(typed: Any) -> float | None:
    """A tolerance as a share of the claim ("10%", 0.1); unlike a share of customers, 0% is allowed."""
    if isinstance(typed, str) and typed.strip().rstrip("%").strip() in {"0", "0.0"}:
        return 0.0
    if isinstance(typed, int | float) and not isinstance(typed, bool) and typed == 0:
        return 0.0
    return read_share(typed)


_CELL_READERS = {
    "claimed": read_number,
    "share": read_share,
    "ratio": read_ratio,
    "tolerance": read_tolerance,
    "money_per_unit": read_number,
    "importance": read_number,
}


@dataclass(frozen=True)
class CellProblem:
    """A cell whose text cannot be read: its row as the user sees it (1-based), column and why."""

    row: int
    column: str
    typed: Any
    message: str

    def __str__(self) -> str:
        label = CLAIM_FIELD_WORDS.get(self.column, self.column)
        return f"Row {self.row}, {label}: {self.message}"


def read_claim_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[CellProblem]]:
    """The claims grid with its number cells read (text as typed → numbers), and every cell refused.

    A refused cell is left blank in the returned frame, so the rest still validates; the caller must
    not save while there are cell problems (the user's text would be lost)."""
    out = frame.copy()
    problems: list[CellProblem] = []
    for column, reader in _CELL_READERS.items():
        if column not in out.columns:
            continue
        values: list[float | None] = []
        for position, cell in enumerate(out[column].tolist(), start=1):
            try:
                values.append(reader(cell))
            except CellError as exc:
                problems.append(CellProblem(position, column, cell, str(exc)))
                values.append(None)
        out[column] = pd.Series(values, index=out.index, dtype="float64")
    return out, problems


def claims_grid(prop: Proposition) -> pd.DataFrame:
    """The claims grid as the page shows it: number cells as text ("95%", "2.5"), so what is typed can be
    read and checked (see :func:`read_claim_cells`), rather than silently coerced by the grid."""
    frame = claims_frame(prop)
    for column in _CELL_READERS:
        show = share_text if column in ("share", "tolerance") else number_text  # "10%", as the form says
        shown = [show(v) for v in frame[column].tolist()]
        frame[column] = pd.Series(shown, index=frame.index, dtype="object")
    for column in ("id", "text", "metric", "unit", "competitor"):  # blank, not "None", in empty cells
        frame[column] = frame[column].map(lambda v: "" if _blank(v) else v).astype("object")  # None, NaN
    return frame


EVERYONE = "everyone"


def segment_text(segment: str) -> str:
    """The target segment as the form shows it: the stored catch-all "all" reads "everyone"."""
    return EVERYONE if segment.strip().lower() == "all" else segment


def read_segment(typed: str) -> str:
    """The target segment as typed → as stored: "everyone" (any case) is the catch-all "all"."""
    return "all" if typed.strip().lower() == EVERYONE else typed


def access_frame(prop: Proposition) -> pd.DataFrame:
    """One row per cost-of-access item, every field a column."""
    rows = [item.model_dump(mode="json") for item in prop.cost_of_access]
    frame = pd.DataFrame(rows, columns=list(ACCESS_COLUMNS))
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").astype("float64")
    for column in ("kind", "label", "unit", "frequency"):
        frame[column] = frame[column].astype("object")
    return frame


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _clean(value: Any) -> Any:
    """Editor cell → plain Python (numpy scalars become int/float, integral floats stay floats)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return value


def slugify(text: str, taken: set[str]) -> str:
    """A claim id from its text: ``"Saves 5 h a week"`` → ``saves-5-h-a-week`` (unique within taken)."""
    base = slug(text, limit=32) or "claim"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:36]}-{n}"
        n += 1
    return candidate


def rows_from_frame(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[int]]:
    """Editor rows as dicts, leaving out blank cells (so defaults apply) and fully blank rows.

    Also returns each kept row's 1-based position in the editor, so problems name the row the user sees.
    """
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    for position, record in enumerate(frame.to_dict(orient="records"), start=1):
        row = {column: _clean(record.get(column)) for column in columns if not _blank(record.get(column))}
        if row:
            rows.append(row)
            positions.append(position)
    return rows, positions


def claim_rows(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[int]]:
    """Claims from the editor; a claim without an id gets one made from its text."""
    rows, positions = rows_from_frame(frame, CLAIM_COLUMNS)
    taken = {str(row["id"]) for row in rows if "id" in row}
    for row in rows:
        if "id" not in row and isinstance(row.get("text"), str):
            row["id"] = slugify(row["text"], taken)
            taken.add(row["id"])
        elif "id" in row:
            row["id"] = str(row["id"]).strip()
    return rows, positions


@dataclass(frozen=True)
class EditorData:
    """What the editor holds as plain data, and where each table row sits in its editor."""

    data: dict[str, Any]
    claim_positions: list[int]
    access_positions: list[int]
    cell_problems: list[CellProblem] = field(default_factory=list)


def proposition_data(fields: dict[str, Any], access: pd.DataFrame, claims: pd.DataFrame) -> EditorData:
    """Everything the editor holds, ready for :func:`valuegap.model.proposition.parse_proposition`.

    ``fields`` holds the scalar fields with ``price`` and ``canvas`` as nested dicts; blank scalars
    are left out so the model's defaults (or its "is required" message) apply. ``claims`` may hold
    numbers or text as typed ("95%", "2.5"); cells that cannot be read are in ``cell_problems`` (and
    left blank in ``data``).
    """
    claims, cell_problems = read_claim_cells(claims)
    data: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            data[key] = {k: v for k, v in value.items() if not _blank(v) or key == "canvas"}
        elif not _blank(value) or key == "offer":
            data[key] = value
    data["cost_of_access"], access_positions = rows_from_frame(access, ACCESS_COLUMNS)
    data["claims"], claim_positions = claim_rows(claims)
    return EditorData(data, claim_positions, access_positions, cell_problems)


@dataclass
class RoutedProblems:
    """Validation problems grouped by where the editor shows them."""

    fields: dict[str, list[str]] = field(default_factory=dict)  # "price.amount" -> messages
    claims: list[tuple[int, str, str]] = field(default_factory=list)  # (row 1-based, column, message)
    access: list[tuple[int, str, str]] = field(default_factory=list)
    general: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            sum(len(v) for v in self.fields.values())
            + len(self.claims)
            + len(self.access)
            + len(self.general)
        )


_ROW_PATH = re.compile(r"^(claims|cost_of_access)\[(\d+)(?: \([^)]*\))?\](?:\.(\w+))?")


def route_problems(problems: list[Problem], editor: EditorData | None = None) -> RoutedProblems:
    """Group problems by field and by editor row (the row the user sees, blank rows counted)."""
    routed = RoutedProblems()
    for problem in problems:
        match = _ROW_PATH.match(problem.path)
        if match:
            table, index, column = match.group(1), int(match.group(2)), match.group(3) or ""
            positions = None
            if editor is not None:
                positions = editor.claim_positions if table == "claims" else editor.access_positions
            row = positions[index - 1] if positions and 0 < index <= len(positions) else index
            target = routed.claims if table == "claims" else routed.access
            target.append((row, column, problem.message))
        elif problem.path:
            routed.fields.setdefault(problem.path, []).append(problem.message)
        else:
            routed.general.append(problem.message)
    return routed


def has_unsaved_edits(base: Proposition, editor_data: Any) -> bool:
    """Whether the Propositions page's fields or grid hold edits not saved in ``base``: cells that
    cannot be read, data that does not parse, or data that differs. A panel that saves a new version
    checks this first, since its version would leave those edits out."""
    if getattr(editor_data, "cell_problems", None):
        return True
    try:
        return parse_proposition(editor_data.data) != base
    except InvalidInput:
        return True


# ----------------------------------------------------------------------------- problems in words


def problem_sentences(
    rows: list[tuple[int, str, str]], labels: dict[str, str], *, row_names: dict[int, str] | None = None
) -> list[str]:
    """One sentence per table problem, naming the row and the column by its heading in the table:
    ``Row 2, Unit: is required``. ``row_names`` names rows otherwise (``{5: "Draft 1"}``)."""
    said = []
    for row, column, message in rows:
        place = (row_names or {}).get(row, f"Row {row}")
        said.append(f"{place}, {labels.get(column, column)}: {message}" if column else f"{place}: {message}")
    return said


def rows_in_words(table: str, rows: list[tuple[int, str, str]]) -> str:
    """Where a table's problems are: ``claims table, rows 2 and 4``."""
    numbers = [str(row) for row in sorted({row for row, _, _ in rows})]
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"{table}, row{'s' if len(numbers) > 1 else ''} {listed}"


def not_saved_message(count: int, places: list[str]) -> str:
    """The save bar's refusal: how many problems and every place that has one, edits kept."""
    return (
        f"Not saved: {count} problem{'s' if count != 1 else ''} to fix ({'; '.join(places)}). "
        "Your edits are kept."
    )


def claim_from_answers(answers: dict[str, Any], existing_id: str | None, taken: set[str]) -> dict[str, Any]:
    """One claim as plain data from the guided editor's answers: only the fields its form uses, blanks
    left out so the model's defaults apply. An edited claim keeps ``existing_id``; a new one without an
    id gets one made from its copy, unique among ``taken``."""
    form = answers["form"]
    keep = {"id", "text", "benefit", "form", "tolerance", "money_per_unit", "importance"}
    if form in NEEDS_MEASURE:
        keep |= {"metric", "claimed", "unit", "direction"}
    if form == "share":
        keep.add("share")
    if form in NEEDS_COMPETITOR:
        keep.add("competitor")
    if form == "comparative":
        keep.add("ratio")
    data = {k: v for k, v in answers.items() if k in keep and v not in (None, "")}
    if existing_id is not None:
        data["id"] = existing_id
    elif "id" not in data:
        data["id"] = slugify(answers.get("text") or "claim", taken)
    return data
