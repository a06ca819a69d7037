"""Domain objects: a value proposition, its price, cost of access and claims.

Validation happens in two steps so every problem is reported at once, each with its field path:
pydantic checks types and ranges (and refuses unknown fields), then ``_semantic_problems`` checks
what depends on several fields (a ``share`` claim needs its share, claim ids are unique, ...).
``parse_proposition`` is the one entry point; it raises :class:`InvalidInput`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from valuegap.errors import InvalidInput, Problem, quote, shorten
from valuegap.model.identifiers import slug


class BenefitKind(StrEnum):
    money = "money"
    time = "time"
    capability = "capability"
    asset_value = "asset_value"
    enjoyment = "enjoyment"


class ClaimForm(StrEnum):
    average = "average"
    median = "median"
    up_to = "up_to"
    share = "share"
    comparative = "comparative"
    parity = "parity"
    puffery = "puffery"


class Direction(StrEnum):
    higher = "higher"
    lower = "lower"  # type: ignore[assignment]  # the member shadows str.lower; "lower" is the file format's word


class Status(StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"


class Period(StrEnum):
    order = "order"
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class AccessKind(StrEnum):
    time = "time"
    effort = "effort"
    switching = "switching"
    setup_fee = "setup_fee"


class AccessUnit(StrEnum):
    hours = "hours"
    money = "money"


class Frequency(StrEnum):
    per_period = "per_period"
    once = "once"


FORMS_NEEDING_MEASURE = frozenset(ClaimForm) - {ClaimForm.puffery}
CLAIM_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class _Strict(BaseModel):
    """Shared config: unknown fields are errors, no NaN/inf, values checked on assignment."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        frozen=True,
        str_strip_whitespace=True,
        use_enum_values=False,
    )


class Price(_Strict):
    amount: float = Field(ge=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    period: Period = Period.month

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class AccessCost(_Strict):
    """One item of the cost of access: time, effort, switching or a setup fee.

    ``id`` names the item for good: saved scenarios and links override an item by its id, so
    inserting or deleting another item never moves an override onto the wrong one. An item read
    without an id (files and stored propositions from before ids) gets one from its label, see
    :func:`access_ids`; saving the proposition then keeps that id.
    """

    id: str = ""
    kind: AccessKind
    label: str = Field(default="", max_length=200)
    amount: float = Field(ge=0)
    unit: AccessUnit = AccessUnit.hours
    frequency: Frequency = Frequency.per_period


class Canvas(_Strict):
    """Value proposition canvas notes: the customer's jobs, pains and gains."""

    jobs: str = Field(default="", max_length=5000)
    pains: str = Field(default="", max_length=5000)
    gains: str = Field(default="", max_length=5000)


class Claim(_Strict):
    """A promised, ideally measurable, benefit as it appears in the marketing copy."""

    id: str
    text: str = Field(min_length=1, max_length=500)
    benefit: BenefitKind
    form: ClaimForm
    metric: str | None = Field(default=None, max_length=80)
    claimed: float | None = None
    unit: str = Field(default="", max_length=40)
    direction: Direction = Direction.higher
    share: float | None = Field(default=None, gt=0, le=1)
    competitor: str | None = Field(default=None, max_length=120)
    ratio: float | None = Field(default=None, gt=0)
    tolerance: float = Field(default=0.10, ge=0, lt=1)
    money_per_unit: float | None = Field(default=None, ge=0)
    importance: float = Field(default=1.0, ge=0, le=100)


class Proposition(_Strict):
    """A value proposition: who it is for, what it costs them, and what it promises."""

    name: str = Field(min_length=1, max_length=120)
    segment: str = Field(default="all", min_length=1, max_length=80)
    offer: str = Field(default="", max_length=2000)
    price: Price
    value_of_time: float | None = Field(default=None, ge=0)
    horizon: int = Field(default=12, ge=1, le=600)
    cost_of_access: tuple[AccessCost, ...] = ()
    canvas: Canvas = Canvas()
    status: Status = Status.draft
    claims: tuple[Claim, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _name_access_items(cls, data: Any) -> Any:
        """Give every cost-of-access item without an id one made from its label (see access_ids)."""
        if not isinstance(data, dict) or not isinstance(data.get("cost_of_access"), list | tuple):
            return data
        items = list(data["cost_of_access"])
        ids = access_ids([_given_id(item) for item in items], [_label_of(item) for item in items])
        named = []
        for item, item_id in zip(items, ids, strict=True):
            if isinstance(item, dict) and _given_id(item) is None:
                item = {"id": item_id, **{k: v for k, v in item.items() if k != "id"}}
            elif isinstance(item, AccessCost) and not item.id:
                item = item.model_copy(update={"id": item_id})
            named.append(item)
        return {**data, "cost_of_access": named}

    def to_dict(self) -> dict[str, Any]:
        """Plain data in file order, leaving out unset optional fields (the proposition file form)."""
        return self.model_dump(mode="json", exclude_none=True)

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)


# --------------------------------------------------------------------------- cost-of-access ids

ACCESS_ID_PATTERN = CLAIM_ID_PATTERN


def _given_id(item: Any) -> str | None:
    """The id an item comes with, or None when it has none (missing, blank or not text)."""
    raw = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    return None if raw is None or isinstance(raw, str) else raw  # a non-text id is left to validation


def _label_of(item: Any) -> str:
    if isinstance(item, dict):
        label, kind = item.get("label"), item.get("kind")
    else:
        label, kind = getattr(item, "label", ""), getattr(item, "kind", "")
    for text in (label, kind):
        if isinstance(text, str) and text.strip():
            return text
    return "item"


def access_ids(given: list[Any], labels: list[str]) -> list[Any]:
    """Ids for cost-of-access items: the given ones kept, each missing one (None) made from its label.

    A made id is the label in lower case with every run of other characters turned into '-' (cut to
    at most 32 characters, at a word's end where there is one), then '-2', '-3', ... when another
    item already has it: ``"Setup fee"`` → ``setup-fee``. It depends only on the list, so the same
    list always gets the same ids.
    """
    taken = {str(item) for item in given if item is not None}
    made: list[Any] = []
    for item, label in zip(given, labels, strict=True):
        if item is not None:
            made.append(item)
            continue
        base = slug(label, limit=32) or "item"
        candidate, n = base, 2
        while candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        taken.add(candidate)
        made.append(candidate)
    return made


# --------------------------------------------------------------------------- words for messages

FORM_WORDS = {
    "average": "Average (“on average …”)",
    "median": "Typical customer (median)",
    "up_to": "Up to (the best case)",
    "share": "Share of customers (“95% of …”)",
    "comparative": "Compared with a competitor (“2× …”)",
    "parity": "As good as a competitor",
    "puffery": "Not measurable (puffery)",
}
BENEFIT_WORDS = {
    "money": "Money",
    "time": "Time",
    "capability": "Something they can now do",
    "asset_value": "Value of something they own",
    "enjoyment": "Enjoyment",
}
DIRECTION_WORDS = {"higher": "Higher is better", "lower": "Lower is better"}
ACCESS_KIND_WORDS = {"time": "Time", "effort": "Effort", "switching": "Switching", "setup_fee": "Setup fee"}
ACCESS_UNIT_WORDS = {"hours": "Hours", "money": "Money"}
FREQUENCY_WORDS = {"per_period": "Every period", "once": "Once"}
PERIOD_WORDS = {p: p for p in ("order", "day", "week", "month", "quarter", "year")}

FIELD_WORDS = {
    "name": "Name",
    "segment": "Target segment",
    "offer": "Offer",
    "status": "Status",
    "price": "Price",
    "price.amount": "Price",
    "price.currency": "Currency",
    "price.period": "Price period",
    "value_of_time": "Value of the customer's time",
    "horizon": "Horizon",
    "canvas": "Canvas",
    "canvas.jobs": "Customer jobs",
    "canvas.pains": "Pains",
    "canvas.gains": "Gains",
    "claims": "Claims",
    "cost_of_access": "Cost of access",
}
CLAIM_FIELD_WORDS = {
    "id": "ID",
    "text": "claim as written in the copy",
    "benefit": "benefit",
    "form": "form",
    "metric": "metric (what is measured)",
    "claimed": "claimed value",
    "unit": "unit",
    "direction": "better is",
    "share": "share of customers",
    "competitor": "competitor",
    "ratio": "ratio to the competitor",
    "tolerance": "tolerance",
    "money_per_unit": "money per unit",
    "importance": "importance",
}
ACCESS_FIELD_WORDS = {
    "id": "ID",
    "kind": "kind",
    "label": "what it is",
    "amount": "amount",
    "unit": "unit",
    "frequency": "how often",
}
_ROW_PLACE = re.compile(r"^(claims|cost_of_access)\[(\d+)(?: \((.*)\))?\](?:\.(.+))?$")


def describe_path(path: str) -> str:
    """A field path in the user's words: ``claims[2 (on-time)].share`` → "Claim 2 (on-time), share of
    customers"; ``price.amount`` → "Price". A path it does not know (an unknown field) is shown as is."""
    match = _ROW_PLACE.match(path)
    if match:
        table, number, label, rest = match.groups()
        thing = "Claim" if table == "claims" else "Cost-of-access item"
        place = f"{thing} {number}" + (f" ({label})" if label else "")
        if not rest:
            return place
        words = CLAIM_FIELD_WORDS if table == "claims" else ACCESS_FIELD_WORDS
        return f"{place}, {words.get(rest, rest)}"
    return FIELD_WORDS.get(path, path)


def _number(value: Any) -> str:
    """A bound as a message shows it: 0 not 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- parsing

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a known field; remove it or check its spelling",
    "finite_number": "must be a finite number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "string_too_short": "must not be empty",
}
# what a field of these kinds is, said by "is missing" alone: "Name: is missing", not "…, it must be text"
_TYPE_ONLY = frozenset(
    {"finite_number", "float_parsing", "float_type", "int_parsing", "int_type", "string_type",
     "string_too_short", "model_type", "model_attributes_type", "dict_type", "tuple_type", "list_type",
     "string_pattern_mismatch"}
)  # fmt: skip
_TYPE_RULES = frozenset(_FRIENDLY[kind] for kind in _TYPE_ONLY if kind in _FRIENDLY)
_LONG_NUMBER_DIGITS = 16


def blank_kind(value: Any) -> str | None:
    """ "missing" for no value (None, NaN: a blank cell of a table), "empty" for text of only blanks,
    None for a value that is there."""
    if value is None:
        return "missing"
    if isinstance(value, float) and math.isnan(value):  # numpy's floats are floats too
        return "missing"
    if isinstance(value, str) and not value.strip():
        return "empty"
    return None


def given_in_words(value: Any) -> str:
    """A value a user gave, as a message echoes it: text quoted, numbers as written (0 not 0.0),
    true/false, "a list", "a mapping of fields", never a Python repr of a container or None."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, np.integer):
        value = int(value)  # numpy's numbers (a table cell) as Python's, so they read the same
    elif isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, int | float):
        number = float(value) if isinstance(value, float) else None
        if number is not None and math.isinf(number):
            return "infinity" if number > 0 else "minus infinity"
        if number is not None and number.is_integer() and abs(number) < 10**_LONG_NUMBER_DIGITS:
            return str(int(number))
        return quote(value)  # a huge whole number comes out as "a whole number of about N digits"
    if isinstance(value, Mapping):
        return "a mapping of fields"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str | bytes):
        return quote(value)
    return quote(shorten(str(value)))


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic location into ``claims[2:on-time].share`` style paths users can follow."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = str(item + 1)
            if isinstance(node, list | tuple) and 0 <= item < len(node):
                node = node[item]
                # a list item is named by its id (claims, cost of access) or its name (offers)
                fields = node if isinstance(node, dict) else {}
                named = [fields[k] for k in ("id", "name") if isinstance(fields.get(k), str)]
                if named and named[0].strip():
                    label = f"{item + 1} ({shorten(named[0].strip(), 40)})"
            else:
                node = None
            parts.append(f"[{label}]")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(("." if parts else "") + shorten(str(item), 40))
    return "".join(parts)


def _rule(error: ErrorDetails) -> str:
    """What the field must be, in words, without the value given."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in {"enum", "literal_error"}:
        return f"must be one of {ctx.get('expected', '')}"
    if kind in {"greater_than_equal", "greater_than", "less_than", "less_than_equal"}:
        bound = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": "at least",
            "greater_than": "greater than",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        return f"must be {words} {_number(bound)}"
    if kind == "string_pattern_mismatch":
        return "has an unexpected format"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind in {"too_long", "too_short"}:
        most = "at most" if kind == "too_long" else "at least"
        return f"must have {most} {ctx.get('max_length', ctx.get('min_length'))} items"
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    message = str(error.get("msg") or "is not valid")
    if "got" in ctx:  # a custom error of ours: "must be a number greater than 0 (got {got})"
        message = message.replace(f" (got {ctx['got']})", "")
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return re.sub(r"^Input should be", "must be", message)


_SAYS_WHAT_WAS_GIVEN = frozenset(
    {"enum", "literal_error", "greater_than_equal", "greater_than", "less_than", "less_than_equal",
     "string_pattern_mismatch", "finite_number"}
)  # fmt: skip


def _message(error: ErrorDetails) -> str:
    """One pydantic error in plain words: a blank value (None, NaN, empty text) "is missing" or "is
    empty", with the rule when it says more than the field's type; any other value is echoed in words."""
    kind = error["type"]
    rule = _rule(error)
    if kind == "missing":
        return rule
    given = error.get("input")
    blank = blank_kind(given)
    if blank is not None:
        says_only_its_type = kind in _TYPE_ONLY or rule in _TYPE_RULES
        return f"is {blank}" if says_only_its_type else f"is {blank}: it {rule}"
    ctx = error.get("ctx") or {}
    echoes = kind in _SAYS_WHAT_WAS_GIVEN or kind.endswith(("parsing", "_type")) or "got" in ctx
    return f"{rule} (got {given_in_words(given)})" if echoes else rule


def problems_of(error: ValidationError, data: Any) -> list[Problem]:
    """pydantic's errors about ``data`` as problems a user can act on: each at its field path as a file
    spells it (``claims[2 (on-time)].share``, list items named by their id or name), in plain words
    (a blank value "is missing" or "is empty", never "(got None)")."""
    return [Problem(_path(err["loc"], data), _message(err)) for err in error.errors()]


_FORM_NOUNS = {
    "average": "an average claim (“on average …”)",
    "median": "a typical-customer claim (median)",
    "up_to": "an “up to” claim",
    "share": "a share-of-customers claim (“95% of …”)",
    "comparative": "a claim compared with a competitor (“2× …”)",
    "parity": "an “as good as a competitor” claim",
    "puffery": "a claim that is not measurable",
}


def _form(claim: Claim) -> str:
    """The claim's kind as a message names it: "an “up to” claim"."""
    return _FORM_NOUNS[claim.form.value]


def _claim_problems(index: int, claim: Claim) -> list[Problem]:
    """What is wrong with one claim beyond types and ranges (fields that depend on its form)."""
    problems: list[Problem] = []
    where = f"claims[{index + 1} ({shorten(claim.id, 40)})]"
    if not CLAIM_ID_PATTERN.match(claim.id):
        problems.append(
            Problem(
                f"claims[{index + 1}].id",
                f"{quote(claim.id)} must be 1-40 lower-case letters, digits, '-' or '_' "
                "(it names the claim in reports and links)",
            )
        )
    if claim.form in FORMS_NEEDING_MEASURE:
        if not claim.metric:
            problems.append(
                Problem(f"{where}.metric", f"is required for {_form(claim)}: name what is measured")
            )
        if claim.claimed is None:
            problems.append(
                Problem(f"{where}.claimed", f"is required for {_form(claim)}: the promised value")
            )
    if claim.form is ClaimForm.share and claim.share is None:
        problems.append(
            Problem(f"{where}.share", f"is required for {_form(claim)} (95% for “95% of orders”)")
        )
    if claim.form in {ClaimForm.comparative, ClaimForm.parity} and not claim.competitor:
        problems.append(
            Problem(f"{where}.competitor", f"is required for {_form(claim)}: whom it compares with")
        )
    if claim.form is ClaimForm.comparative and claim.ratio is None:
        problems.append(Problem(f"{where}.ratio", f"is required for {_form(claim)} (2 for “2× the savings”)"))
    return problems


def _id_label(claim_id: Any) -> str:
    """A claim id as a field path shows it: text cut short, anything else quoted."""
    return shorten(claim_id, 40) if isinstance(claim_id, str) else quote(claim_id, 40)


def _duplicate_id_problems(claim_ids: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[Any, int] = {}
    for index, claim_id in enumerate(claim_ids):
        if claim_id in seen:
            problems.append(
                Problem(
                    f"claims[{index + 1} ({_id_label(claim_id)})].id",
                    f"is used by claim {seen[claim_id]} too; ids must be unique",
                )
            )
        seen.setdefault(claim_id, index + 1)
    return problems


def _access_id_problems(prop: Proposition) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(prop.cost_of_access):
        if not ACCESS_ID_PATTERN.match(item.id):
            problems.append(
                Problem(
                    f"cost_of_access[{index + 1}].id",
                    f"{quote(item.id)} must be 1-40 lower-case letters, digits, '-' or '_' "
                    "(it names the item in saved scenarios and links)",
                )
            )
        elif item.id in seen:
            problems.append(
                Problem(
                    f"cost_of_access[{index + 1}].id",
                    f"is used by cost-of-access item {seen[item.id]} too; ids must be unique",
                )
            )
        seen.setdefault(item.id, index + 1)
    return problems


def _semantic_problems(prop: Proposition) -> list[Problem]:
    problems: list[Problem] = []
    for index, claim in enumerate(prop.claims):
        problems += _claim_problems(index, claim)
    problems += _duplicate_id_problems([claim.id for claim in prop.claims])
    problems += _access_id_problems(prop)
    # Time *claims* may be measured in anything (days early, minutes); they simply stay non-monetary
    # without a value of time. Cost of access in hours, though, cannot be priced without it.
    if prop.value_of_time is None and any(item.unit is AccessUnit.hours for item in prop.cost_of_access):
        problems.append(
            Problem(
                "value_of_time",
                "is required because the cost of access is given in hours: set what one hour of the "
                "customer's time is worth (money per hour)",
            )
        )
    return problems


def _problems_of_parsable_claims(data: dict[str, Any]) -> list[Problem]:
    """When the whole proposition fails type checks, still report form-specific claim problems."""
    raw_claims = data.get("claims")
    if not isinstance(raw_claims, list):
        return []
    problems: list[Problem] = []
    for index, raw in enumerate(raw_claims):
        try:
            claim = Claim.model_validate(raw)
        except ValidationError:
            continue
        problems += _claim_problems(index, claim)
    ids = [raw.get("id") for raw in raw_claims if isinstance(raw, dict)]
    if len(ids) == len(raw_claims) and all(isinstance(i, str) for i in ids):  # an id that is a list is
        # not hashable; pydantic has already said it must be text
        problems += _duplicate_id_problems(ids)
    return problems


def parse_proposition(data: Any, *, source: str = "") -> Proposition:
    """Validate plain data (from a file, the editor or the store) into a :class:`Proposition`.

    Raises :class:`InvalidInput` listing every problem with its field path.
    """
    if not isinstance(data, dict):
        raise InvalidInput(
            [Problem("", "a proposition must be a mapping of fields (name, price, claims, ...)")],
            source=source,
        )
    try:
        prop = Proposition.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, data)
        problems += _problems_of_parsable_claims(data)
        raise InvalidInput(_in_words(problems), source=source) from None
    problems = _semantic_problems(prop)
    if problems:
        raise InvalidInput(_in_words(problems), source=source)
    return prop


def _in_words(problems: list[Problem]) -> list[Problem]:
    """Each problem with the place it names in the user's words (see :func:`describe_path`)."""
    return [
        problem if problem.where else Problem(problem.path, problem.message, describe_path(problem.path))
        for problem in problems
    ]
