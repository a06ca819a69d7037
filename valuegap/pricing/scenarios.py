"""What-if scenarios: overrides on a proposition and what they do to value, position, churn and revenue.

A :class:`Scenario` changes the price, cost-of-access amounts, claims' promised values and the target
segment. :func:`evaluate` recomputes (METHODS.md sections 5–7) customer value and the value gap from
the measured estimates, our place on the value map against the same competitors, and churn and revenue
with the churn model fitted once per dataset, for today and for the what-if, from cached inputs only:
nothing here reads raw observations, so a slider move costs microseconds to milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from valuegap.errors import InvalidInput, Problem, quote
from valuegap.evidence.value_gap import Measured, ValueGap, value_gap
from valuegap.market.competition import Offers, value_map
from valuegap.model.proposition import (
    ACCESS_ID_PATTERN,
    AccessCost,
    AccessUnit,
    Claim,
    ClaimForm,
    Frequency,
    Proposition,
    problems_of,
)
from valuegap.pricing.churn import RevenueFigure, promise_gap_shift
from valuegap.reporting.formatting import format_money

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from valuegap.evidence.analysis import Analysis
    from valuegap.pricing.churn import ChurnModel

DEFENSIBLE = "defensible"  # a claim override meaning "promise the defensible value"
# forms whose defensible value is in the claim's own units, so it can replace the promised value
# (a share claim's defensible value is a share of customers, not its bar)
DEFENSIBLE_FORMS = frozenset({ClaimForm.average, ClaimForm.median, ClaimForm.up_to})
NAME_LENGTH = 80


@dataclass(frozen=True)
class Scenario:
    """Overrides on a proposition; anything left unset keeps today's value.

    Cost-of-access overrides name their item by its id (:class:`valuegap.model.proposition.AccessCost`), never
    by its place in the list, and ``version`` records the proposition version the scenario was
    saved against, so a later change of the proposition can be pointed out (:func:`notes`).
    Scenarios saved before either existed keep their overrides by position in
    ``access_by_position`` until the store matches them to items; those are never applied.
    """

    name: str = ""
    price: float | None = None
    access: Mapping[str, float] = field(default_factory=dict)  # cost-of-access item id → amount
    claims: Mapping[str, float | str] = field(default_factory=dict)  # claim id → value or DEFENSIBLE
    segment: str | None = None  # None = every customer
    version: int | None = None  # the proposition version it was saved against; None = not recorded
    access_by_position: Mapping[int, float] = field(default_factory=dict)  # 0-based; old scenarios only

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "price": self.price,
            "access": dict(sorted(self.access.items())),
            "claims": dict(sorted(self.claims.items())),
            "segment": self.segment,
            "version": self.version,
        }
        if self.access_by_position:
            data["access_by_position"] = {str(k): v for k, v in sorted(self.access_by_position.items())}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """A scenario from its stored form; every problem is reported with its field.

        pydantic checks the fields (:class:`_StoredScenario`); a stored form without ``version``
        comes from before cost-of-access ids: its ``access`` keys that are whole numbers are positions
        in the list, kept in ``access_by_position``.
        """
        problems: list[Problem] = []
        try:
            stored = _StoredScenario.model_validate(dict(data))
        except ValidationError as error:
            problems += problems_of(error, dict(data))
            stored = None
        legacy = "version" not in data
        access: dict[str, float] = {}
        by_position: dict[int, float] = {}
        for key in _keys(data.get("access")):  # named by id, or (before ids) by position
            if not (legacy and key.strip().isdigit()) and not ACCESS_ID_PATTERN.match(key.strip()):
                problems.append(Problem(f"access.{key}", "must name a cost-of-access item by its id"))
        for key in _keys(data.get("access_by_position")):
            if not key.strip().isdigit():
                problems.append(Problem(f"access_by_position.{key}", "must be a position (0, 1, 2, ...)"))
        if problems or stored is None:
            named = f"scenario {quote(data.get('name'))}" if isinstance(data.get("name"), str) else "scenario"
            in_words = [Problem(p.path, p.message, describe_scenario_path(p.path)) for p in problems]
            raise InvalidInput(in_words, source=named)
        for key, amount in stored.access.items():
            if legacy and key.strip().isdigit():
                by_position[int(key.strip())] = amount
            else:
                access[key.strip()] = amount
        for key, amount in stored.access_by_position.items():
            by_position[int(key.strip())] = amount
        return cls(
            str(stored.name or "")[:NAME_LENGTH], stored.price, access, dict(stored.claims),
            stored.segment or None, stored.version, by_position,
        )  # fmt: skip


_SCENARIO_FIELD_WORDS = {"name": "Name", "price": "Price", "segment": "Target segment",
                         "version": "Proposition version", "access": "Cost of access", "claims": "Claims",
                         "access_by_position": "Cost of access"}  # fmt: skip


def describe_scenario_path(path: str) -> str:
    """A stored scenario's field path in words: ``access.setup-fee`` → "Cost-of-access item setup-fee",
    ``claims.paid-sooner`` → "Promised value of claim paid-sooner"."""
    field_name, _, key = path.partition(".")
    if key and field_name == "access":
        return f"Cost-of-access item {key}"
    if key and field_name == "access_by_position":
        return f"Cost-of-access item at position {key}"
    if key and field_name == "claims":
        return f"Promised value of claim {key}"
    return _SCENARIO_FIELD_WORDS.get(field_name, path) if not key else path


def _amount(value: Any, *, negative: bool = False) -> float:
    """A stored amount: a finite number, at least 0 unless ``negative``."""
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond float range
        raise PydanticCustomError("amount", "must be a number (got {got})", {"got": quote(value)}) from None
    if not math.isfinite(result):
        raise PydanticCustomError("amount", "must be a finite number (got {got})", {"got": quote(value)})
    if result < 0 and not negative:
        raise PydanticCustomError(
            "amount", "must be a finite number of at least 0 (got {got})", {"got": quote(value)}
        )
    return result


def _promise(value: Any) -> float | str:
    """A claim override: DEFENSIBLE or a promised value (which may be below 0)."""
    return DEFENSIBLE if value == DEFENSIBLE else _amount(value, negative=True)


def _version(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError(
            "version", "must be a whole number of at least 1 (got {got})", {"got": quote(value)}
        )
    return value


def _keys(value: Any) -> list[str]:
    """The keys of a stored mapping as text (none when it is not a mapping)."""
    return [str(key) for key in value] if isinstance(value, Mapping) else []


def _mapping(value: Any) -> Any:
    """A stored mapping; empty when it was left out or null. Keys are text, as JSON stores them."""
    return {} if value is None else {str(key): item for key, item in dict(value).items()}


_Amount = Annotated[float, BeforeValidator(_amount)]
_Promise = Annotated[float | str, BeforeValidator(_promise)]


class _StoredScenario(BaseModel):
    """The stored form of a :class:`Scenario` (:meth:`Scenario.to_dict`), as pydantic checks it."""

    model_config = ConfigDict(extra="forbid")

    name: Any = ""
    price: Annotated[float | None, BeforeValidator(lambda v: None if v is None else _amount(v))] = None
    access: Annotated[dict[str, _Amount], BeforeValidator(_mapping)] = {}
    claims: Annotated[dict[str, _Promise], BeforeValidator(_mapping)] = {}
    segment: Any = None
    version: Annotated[int | None, BeforeValidator(_version)] = None
    access_by_position: Annotated[dict[str, _Amount], BeforeValidator(_mapping)] = {}


def place_positions(scenario: Scenario, prop: Proposition, version: int) -> Scenario:
    """An old scenario's overrides by position turned into overrides by item id.

    ``prop`` must be the proposition as it was when the scenario was saved (version ``version``):
    position ``i`` then names its ``i``-th cost-of-access item. A position past the end of that list
    stays in ``access_by_position``, to be reported, never applied.
    """
    items = prop.cost_of_access
    access = dict(scenario.access)
    left: dict[int, float] = {}
    for position, amount in scenario.access_by_position.items():
        if 0 <= position < len(items):
            access.setdefault(items[position].id, amount)
        else:
            left[position] = amount
    return replace(scenario, access=access, access_by_position=left, version=version)


def notes(
    scenario: Scenario,
    prop: Proposition,
    version: int,
    *,
    version_guessed: bool = False,
    then: Proposition | None = None,
) -> list[str]:
    """What a reader of ``scenario`` must know about it against ``prop`` (version ``version``), in
    plain words: the proposition changed since it was saved, and which of its changes no longer
    have anything to apply to (those are left out, never moved to another item or claim).
    ``then``, the proposition as the scenario was saved against, names a gone item by its label."""
    said: list[str] = []
    if scenario.version is None:
        said.append(
            "It was saved before scenarios recorded the proposition's version, so whether the "
            "proposition changed since cannot be told."
        )
    elif scenario.version != version:
        how = " (going by when it was saved)" if version_guessed else ""
        said.append(
            f"The proposition has changed since this scenario was saved: it was made against version "
            f"{scenario.version}{how}, and this is version {version}. Its changes are applied to "
            "today's proposition."
        )
    elif version_guessed:
        said.append(
            f"It was saved before scenarios recorded the proposition's version; going by when it was "
            f"saved, it was made against this version ({version})."
        )
    ids = {item.id for item in prop.cost_of_access}
    labels = {item.id: item.label for item in then.cost_of_access if item.label} if then is not None else {}
    for item_id in sorted(set(scenario.access) - ids):
        named = f"'{labels[item_id]}' (id '{item_id}')" if item_id in labels else f"the item '{item_id}'"
        said.append(
            f"Its cost of access for {named} is not applied: the proposition has no cost-of-access "
            "item with that id any more."
        )
    for position in sorted(scenario.access_by_position):
        said.append(
            f"Its cost of access for item {position + 1} of the list is not applied: it was saved "
            "before items had ids, and which item that was cannot be told."
        )
    claim_ids = {claim.id for claim in prop.claims}
    for claim_id in sorted(set(scenario.claims) - claim_ids):
        said.append(
            f"Its promised value for the claim '{claim_id}' is not applied: the proposition has no "
            "claim with that id any more."
        )
    return said


def apply(prop: Proposition, scenario: Scenario, defensible: Mapping[str, float | None]) -> Proposition:
    """The proposition with the scenario's price, cost of access and promised values.

    Cost-of-access overrides apply to the item with their id; one whose item is gone applies to
    nothing (see :func:`notes`), and overrides by position (``access_by_position``) never apply.
    A claim set to DEFENSIBLE promises its defensible value; when it has none (not measured, or a
    form without one) it keeps its promise.
    """
    price = prop.price if scenario.price is None else prop.price.model_copy(update={"amount": scenario.price})
    access = tuple(
        item.model_copy(update={"amount": scenario.access[item.id]}) if item.id in scenario.access else item
        for item in prop.cost_of_access
    )
    claims = []
    for claim in prop.claims:
        override = scenario.claims.get(claim.id)
        if override == DEFENSIBLE:
            override = defensible.get(claim.id)
        if override is None or claim.claimed is None:
            claims.append(claim)
        else:
            claims.append(claim.model_copy(update={"claimed": float(override)}))
    return prop.model_copy(update={"price": price, "cost_of_access": access, "claims": tuple(claims)})


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything a scenario is evaluated against, computed once per proposition, dataset and segment."""

    prop: Proposition
    measured: Mapping[str, Measured | None]  # per claim id: what the value gap is computed from
    defensible: Mapping[str, float | None]  # defensible value per claim id
    market: Offers | None = None  # competitors, with our offer
    measured_scores: Mapping[str, float] | None = None  # our scores as measured (value map)
    churn: ChurnModel | None = None
    revenue: np.ndarray | None = None  # revenue per customer and period (customer table)
    revenue_segments: np.ndarray | None = None  # segment per customer, aligned with revenue
    churn_note: str = ""
    # today's outcome per segment: the same for every what-if, so a slider move computes it once
    today_by_segment: dict[str | None, Outcome] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Outcome:
    """One side of the comparison: today or the what-if."""

    price: float
    sacrifice: float
    promised_benefit: float
    realized_benefit: float
    value_gap: float
    net_value: float
    value_ratio: float | None
    quality_ratio: float | None = None
    relative_price: float | None = None
    value_advantage: float | None = None
    churn_rate: float | None = None
    churn_low: float | None = None
    churn_high: float | None = None
    revenue: float | None = None
    revenue_at_risk: float | None = None
    revenue_at_risk_low: float | None = None
    revenue_at_risk_high: float | None = None
    under_delivery: float | None = None  # revenue at risk from under-delivery (METHODS section 7)
    under_delivery_low: float | None = None
    under_delivery_high: float | None = None
    net_effect: float | None = None  # net effect of delivering exactly the promise
    net_effect_low: float | None = None
    net_effect_high: float | None = None

    def revenue_figure(self, name: str) -> RevenueFigure:
        """``revenue_at_risk``, ``under_delivery`` or ``net_effect`` with its interval (0 where there is
        no churn model to compute it)."""
        estimate, low, high = (getattr(self, f"{name}{end}") for end in ("", "_low", "_high"))
        return RevenueFigure(estimate or 0.0, low or 0.0, high or 0.0)


# name, label, whether a higher number is better for the business or the customer
METRICS: tuple[tuple[str, str, bool], ...] = (
    ("price", "Price", True),
    ("sacrifice", "Price + cost of access", False),
    ("promised_benefit", "Promised benefit", True),
    ("realized_benefit", "Realized benefit", True),
    ("value_gap", "Value gap", False),
    ("net_value", "Net customer value", True),
    ("value_ratio", "Value ratio", True),
    ("relative_price", "Relative price", False),
    ("value_advantage", "Value advantage (map)", True),
    ("churn_rate", "Predicted churn rate", False),
    ("revenue", "Revenue over the horizon", True),
    ("revenue_at_risk", "Revenue at risk", False),
    ("under_delivery", "Revenue at risk from under-delivery", False),
    ("net_effect", "Net effect of delivering exactly the promise", False),
)


CHOICES = frozenset({"price", "sacrifice", "promised_benefit", "relative_price"})


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    proposition: Proposition  # the what-if proposition
    today: Outcome
    what_if: Outcome
    value: ValueGap  # the what-if's value gap, claim by claim

    def delta(self, name: str) -> float | None:
        before, after = getattr(self.today, name), getattr(self.what_if, name)
        return None if before is None or after is None else after - before

    def to_frame(self) -> pd.DataFrame:
        """Metric, today, what-if and change, one row per metric that could be computed."""
        rows = [
            {
                "metric": label,
                "today": getattr(self.today, name),
                "what-if": getattr(self.what_if, name),
                "change": self.delta(name),
            }
            for name, label, _ in METRICS
            if getattr(self.today, name) is not None or getattr(self.what_if, name) is not None
        ]
        return pd.DataFrame(rows, columns=["metric", "today", "what-if", "change"])

    def display_table(self, currency: str) -> Styler:
        """:meth:`to_frame` for reading: headings in words and each cell shown in its metric's unit
        (:func:`format_metric`: money with the currency and 2 decimals, rates as percentages, changes
        signed); the cells keep their numbers."""
        frame = self.to_frame().rename(columns=DISPLAY_HEADINGS)
        return metric_styler(frame, currency, changes=("Change",))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.to_dict(),
            "today": self.today.__dict__,
            "what_if": self.what_if.__dict__,
        }


def _factor(prop: Proposition, scenario_prop: Proposition) -> float:
    """How much each customer's price and revenue scale: the list price's relative change."""
    base = prop.price.amount
    return scenario_prop.price.amount / base if base > 0 else 1.0


def _outcome(
    inputs: ScenarioInputs, prop: Proposition, *, price_factor: float, gap_shift: float, segment: str | None
) -> Outcome:
    value = value_gap(prop, inputs.measured)
    position: dict[str, float | None] = {}
    if inputs.market is not None and inputs.market.ours is not None and len(inputs.market.offers) >= 2:
        vm = value_map(inputs.market.with_ours(price=prop.price.amount), inputs.measured_scores)
        ours = vm.measured or vm.claimed
        if ours is not None:
            position = {
                "quality_ratio": ours.quality_ratio,
                "relative_price": ours.relative_price,
                "value_advantage": ours.value_advantage,
            }
    churn: dict[str, float | None] = {}
    model = inputs.churn
    horizon = prop.horizon
    if model is not None:
        figures = model.figures(horizon, price_factor=price_factor, gap_shift=gap_shift, segment=segment)
        churn = {"churn_rate": figures.rate, "churn_low": figures.low, "churn_high": figures.high}
        for name in ("revenue_at_risk", "under_delivery", "net_effect"):
            figure = getattr(figures, name)
            churn |= {name: figure.estimate, f"{name}_low": figure.ci_low, f"{name}_high": figure.ci_high}
    revenue = None
    if inputs.revenue is not None:
        chosen = inputs.revenue
        if segment is not None and inputs.revenue_segments is not None:
            chosen = chosen[inputs.revenue_segments == segment]
        revenue = float(np.nansum(chosen)) * price_factor * horizon
    return Outcome(
        price=prop.price.amount,
        sacrifice=value.sacrifice,
        promised_benefit=value.promised_benefit,
        realized_benefit=value.realized_benefit,
        value_gap=value.gap,
        net_value=value.net_value,
        value_ratio=value.value_ratio,
        revenue=revenue,
        **position,
        **churn,
    )


def evaluate(inputs: ScenarioInputs, scenario: Scenario) -> ScenarioResult:
    """Today and the what-if side by side. The churn model sees the what-if as a change of each
    customer's price (scaled like the list price) and of their value gap (by the change of the
    promised benefit); the cost of access changes value only, as the model does not know it."""
    today_prop = inputs.prop
    what_if_prop = apply(today_prop, scenario, inputs.defensible)
    segment = scenario.segment or None
    today = inputs.today_by_segment.get(segment)
    if today is None:
        today = _outcome(inputs, today_prop, price_factor=1.0, gap_shift=0.0, segment=segment)
        inputs.today_by_segment[segment] = today
    what_if_value = value_gap(what_if_prop, inputs.measured)
    gap_shift = promise_gap_shift(today_prop, what_if_prop)
    what_if = _outcome(
        inputs,
        what_if_prop,
        price_factor=_factor(today_prop, what_if_prop),
        gap_shift=gap_shift,
        segment=segment,
    )
    return ScenarioResult(scenario, what_if_prop, today, what_if, what_if_value)


def best_per_metric(results: Mapping[str, ScenarioResult]) -> dict[str, str]:
    """For each metric, the name of the scenario with the best what-if value (ties: the first)."""
    best: dict[str, str] = {}
    for name, label, higher_is_better in METRICS:
        if name in CHOICES:
            continue  # what the marketer sets, not an outcome to win on
        scored = [
            (value, scenario)
            for scenario, result in results.items()
            if (value := getattr(result.what_if, name)) is not None and math.isfinite(value)
        ]
        if len(scored) < 2 or max(v for v, _ in scored) - min(v for v, _ in scored) < 1e-9:
            continue  # nothing to choose between
        pick = max if higher_is_better else min
        best[label] = pick(scored, key=lambda item: item[0])[1]
    return best


RATE_METRICS = frozenset({"churn_rate"})
RATIO_METRICS = frozenset({"value_ratio", "relative_price", "value_advantage"})


def format_metric(name: str, value: float | None, currency: str, *, change: bool = False) -> str:
    """One metric's value (or its change) for a table: money as :func:`format_money` writes it,
    ``BRL 39.90``, ``-BRL 45.57``, a change ``+BRL 2.50``; a rate ``15.1%`` (a change
    in points, ``+1.20 pp``), a ratio with 2 decimals (the value advantage with 3, signed); a dash when
    there is none."""
    if value is None or not math.isfinite(value):
        return "—"
    if name in RATE_METRICS:
        return f"{100 * value:+.2f} pp" if change else f"{value:.1%}"
    if name in RATIO_METRICS:
        places = 3 if name == "value_advantage" else 2
        return f"{value:+.{places}f}" if change or name == "value_advantage" else f"{value:.{places}f}"
    return format_money(value, currency, signed=change)


DISPLAY_HEADINGS = {"metric": "Metric", "today": "Today", "what-if": "What-if", "change": "Change"}
_METRIC_NAMES = {label: name for name, label, _ in METRICS}


def metric_styler(frame: pd.DataFrame, currency: str, *, changes: Sequence[str] = ()) -> Styler:
    """A table with one metric per row (labelled in its "Metric" column) shown in each metric's unit;
    the columns in ``changes`` as signed changes. The numbers stay numbers (and downloads)."""
    styler = frame.style
    columns = [c for c in frame.columns if c != "Metric"]
    for row, label in enumerate(frame["Metric"]):
        name = _METRIC_NAMES.get(label, label)
        for column in columns:
            styler = styler.format(
                partial(_format_cell, name=name, currency=currency, change=column in changes),
                subset=pd.IndexSlice[frame.index[row], [column]],
            )
    return styler


def _format_cell(value: Any, *, name: str, currency: str, change: bool) -> str:
    if isinstance(value, str):  # a column of words, e.g. which scenario is best
        return value
    number = None if value is None or pd.isna(value) else float(value)
    return format_metric(name, number, currency, change=change)


def comparison_frame(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """Saved scenarios side by side: one row per metric, one column per scenario, with today first."""
    if not results:
        return pd.DataFrame(columns=["metric", "today"])
    first = next(iter(results.values()))
    frame = pd.DataFrame({"metric": [label for _, label, _ in METRICS]})
    frame["today"] = [getattr(first.today, name) for name, _, _ in METRICS]
    for scenario, result in results.items():
        frame[scenario] = [getattr(result.what_if, name) for name, _, _ in METRICS]
    return frame.dropna(subset=[c for c in frame.columns if c != "metric"], how="all").reset_index(drop=True)


def with_name(scenario: Scenario, name: str) -> Scenario:
    return replace(scenario, name=name.strip()[:NAME_LENGTH])


def build_inputs(
    prop: Proposition,
    analysis: Analysis | None,
    *,
    market: Offers | None = None,
    measured_scores: Mapping[str, float] | None = None,
    churn: ChurnModel | None = None,
    customers: pd.DataFrame | None = None,
    churn_note: str = "",
) -> ScenarioInputs:
    """Scenario inputs from an analysis of the proposition (its measured estimates and defensible
    values), the market, the churn model and the customer table (revenue per customer)."""
    measured: dict[str, Measured | None] = {}
    defensible: dict[str, float | None] = {}
    for result in analysis.results if analysis is not None else ():
        if analysis is not None and result.segment != analysis.segment:
            continue
        test = result.verdict.test
        measured[result.claim.id] = result.measured
        if result.claim.form in DEFENSIBLE_FORMS:
            defensible[result.claim.id] = test.defensible
    revenue = segments = None
    if customers is not None and "revenue" in customers.columns:
        values = pd.to_numeric(customers["revenue"], errors="coerce").to_numpy(dtype="float64")
        if np.isfinite(values).any():
            revenue = np.where(np.isfinite(values), values, 0.0)
            if "segment" in customers.columns:
                segments = customers["segment"].astype(str).to_numpy()
    return ScenarioInputs(
        prop, measured, defensible, market=market, measured_scores=measured_scores, churn=churn,
        revenue=revenue, revenue_segments=segments, churn_note=churn_note,
    )  # fmt: skip


# ----------------------------------------------------------------------------- slider scales

SLIDER_STOPS = 300  # about this many stops from 0 to the top


@dataclass(frozen=True)
class SliderScale:
    """A what-if slider's range and step for one of today's values, all on one decimal grid.

    Every number here is ``k × step`` written with the step's decimals, the way the browser writes
    the slider's value into the link: the top, the bottom and today's value (``start``). A top like
    ``3 × 69.99`` = 209.96999999999997 would sit just below the 209.97 the browser sends at the
    slider's end, and Streamlit drops a value above the top back to the default.
    """

    bottom: float
    top: float
    step: float
    start: float  # today's value on the grid (today's value itself when it is on it)
    decimals: int

    def snap(self, value: float) -> float:
        """``value`` moved to the nearest stop within the range."""
        return min(max(_grid(value, self.step, self.decimals), self.bottom), self.top)

    def contains(self, value: float) -> bool:
        return math.isfinite(value) and self.bottom <= value <= self.top

    @property
    def places(self) -> int:
        """Decimals to show a value with: the step's, and at least two below a step of 1."""
        return self.decimals if self.step >= 1 else max(self.decimals, 2)

    def text(self, value: float) -> str:
        return f"{value:,.{self.places}f}"


def _grid(value: float, step: float, decimals: int, rounding: Any = round) -> float:
    """``value`` on the grid of ``step`` (a step with ``decimals`` decimals), by ``rounding``
    (``round`` to the nearest stop, ``math.ceil`` up, ``math.floor`` down), exact to the decimal."""
    scale = 10**decimals
    units = round(step * scale)  # the step in units of the last decimal: 1, 2 or 5 times a power of ten
    if rounding is round:
        count = round(value * scale / units)
    else:  # within a billionth of a stop counts as on it: 3 × 69.99 is 20997 stops of 0.01
        ratio = value * scale / units
        count = rounding(ratio - 1e-9) if rounding is math.ceil else rounding(ratio + 1e-9)
    return count * units / scale


def _ladder(top: float) -> list[tuple[float, int]]:
    """Steps of 5, 2 and 1 times a power of ten, coarsest first, each with its number of decimals:
    two decades from about ``top / SLIDER_STOPS`` down, then up to two finer ones (never below 0.01)."""
    raw = top / SLIDER_STOPS
    exponent = math.floor(math.log10(raw)) if raw > 0 else -2
    found: list[tuple[float, int]] = []
    for power in range(exponent, exponent - 4, -1):  # at most four decades
        for m in (5, 2, 1):
            decimals = max(0, -power)
            step = float(m * 10**power) if power >= 0 else m / 10**decimals
            near = power >= exponent - 1  # the two decades that give about SLIDER_STOPS stops
            if (near and step <= max(raw * 1.5, 0.01)) or (not near and step >= 0.01):
                found.append((step, decimals))
    return found or [(0.01, 2)]


def slider_scale(value: float) -> SliderScale:
    """The range and step of a slider around today's ``value``: 0 to three times it (at least 10),
    or the same span below 0 as well for a negative value, in about 300 stops of 1, 2 or 5 times a
    power of ten, made finer until ``value`` is one of the stops (when none of them fits, the finest
    of at least 0.01, and today's value is shown at its nearest stop)."""
    value = float(value) if math.isfinite(value) else 0.0
    span = max(abs(value) * 3, 10.0)
    ladder = _ladder(span)
    fits = [(step, places) for step, places in ladder if abs(value / step - round(value / step)) < 1e-9]
    coarse = [item for item in ladder if item[0] <= max(span / SLIDER_STOPS * 1.5, 0.01)]
    step, decimals = fits[0] if fits else max(min(coarse), (0.01, 2))
    top = _grid(span, step, decimals, math.ceil)
    bottom = -top if value < 0 else 0.0
    start = min(max(_grid(value, step, decimals), bottom), top)
    return SliderScale(bottom, top, step, start, decimals)


# ----------------------------------------------------------------------------- what-if controls

EVERY_SEGMENT = "all"  # the segment choice meaning every customer (a scenario's segment None)
PRICE, ACCESS, CLAIM, DEFENSIBLE_CHOICE, SEGMENT = "price", "access", "claim", "defensible", "segment"


@dataclass(frozen=True)
class Control:
    """One what-if control: ``kind`` is PRICE, ACCESS (a cost-of-access amount), CLAIM (a promised
    value), DEFENSIBLE_CHOICE (promise the defensible value) or SEGMENT; ``item`` is the cost-of-access
    item's or claim's id, empty for the price and the segment."""

    kind: str
    item: str = ""


ControlValue = float | bool | str


def claim_slider_label(claim: Claim) -> str:
    """A promised value's slider label: the claim's own words and its unit once, "…, in points (0-10)"."""
    text = (claim.text or claim.id).strip().rstrip(".")
    return f"{text}, in {claim.unit}" if claim.unit else text


def defensible_choice_label(claim: Claim, value: float) -> str:
    """The checkbox that promises a claim's defensible value, naming the claim, the value and its unit."""
    text = (claim.text or claim.id).strip().rstrip(".")
    amount = f"{value:.3g} {claim.unit}".strip()
    return f"{text}: promise the defensible value, {amount}"


def access_label(item: AccessCost) -> str:
    """How a cost-of-access item is named: its label, else its kind in words."""
    return item.label or item.kind.value.replace("_", " ")


def access_slider_label(item: AccessCost, prop: Proposition) -> str:
    """A cost-of-access item's slider: its name, its unit and how often in the proposition's own period,
    "Month-end admin (hours a month)", "Setup fee (USD, once)", never "(hours, per period)"."""
    unit = "hours" if item.unit is AccessUnit.hours else prop.price.currency
    if item.frequency is Frequency.once:
        return f"{access_label(item)} ({unit}, once)"
    period = prop.price.period.value
    return f"{access_label(item)} ({unit} {'an' if period[0] in 'aeiou' else 'a'} {period})"


@dataclass(frozen=True)
class OpenedScenario:
    """The controls' values that show a saved scenario, and what they cannot show: one sentence per
    override outside its slider's range (``outside``), where the slider keeps today's value."""

    values: dict[Control, ControlValue]
    outside: tuple[str, ...]


@dataclass(frozen=True)
class WhatIfControls:
    """The what-if controls of one proposition: a slider per number a scenario can change (price,
    each cost-of-access amount, each promised value), a "promise the defensible value" choice per
    claim and the target segment; and how their values turn into a :class:`Scenario` and back."""

    prop: Proposition
    scales: Mapping[Control, SliderScale]

    @classmethod
    def of(cls, prop: Proposition) -> WhatIfControls:
        """The controls of ``prop``, each slider scaled around today's value (:func:`slider_scale`)."""
        scales = {Control(PRICE): slider_scale(prop.price.amount)}
        scales |= {Control(ACCESS, item.id): slider_scale(item.amount) for item in prop.cost_of_access}
        scales |= {
            Control(CLAIM, claim.id): slider_scale(claim.claimed)
            for claim in prop.claims
            if claim.claimed is not None
        }
        return cls(prop, scales)

    @property
    def promised_claims(self) -> tuple[Claim, ...]:
        """The claims whose promised value the what-if may change: a number, and not puffery."""
        return tuple(c for c in self.prop.claims if c.claimed is not None and c.form is not ClaimForm.puffery)

    def describe(self, control: Control) -> str:
        """What a control sets, in words, e.g. "cost of access for 'Onboarding'"."""
        if control.kind == ACCESS:
            items = {item.id: item for item in self.prop.cost_of_access}
            named = access_label(items[control.item]) if control.item in items else control.item
            return f"cost of access for '{named}'"
        if control.kind in (CLAIM, DEFENSIBLE_CHOICE):
            return f"promised value for the claim '{control.item}'"
        return control.kind

    def today(self) -> dict[Control, ControlValue]:
        """Every control's value for today: sliders at today's stop, no defensible promise, every customer."""
        values: dict[Control, ControlValue] = {control: scale.start for control, scale in self.scales.items()}
        values |= {Control(DEFENSIBLE_CHOICE, claim.id): False for claim in self.prop.claims}
        values[Control(SEGMENT)] = EVERY_SEGMENT
        return values

    def price(self, value: float) -> float:
        """The price a price slider's ``value`` means: today's exact price at today's stop (today's price
        may lie between two stops), else the value."""
        return self.prop.price.amount if value == self.scales[Control(PRICE)].start else float(value)

    def scenario(self, values: Mapping[Control, ControlValue], *, version: int | None = None) -> Scenario:
        """The scenario the controls' ``values`` set: the price (:meth:`price`), every amount moved off
        today's stop, each claim promising its defensible value or a moved promised value, the segment.
        A control missing from ``values`` keeps today's value."""
        price_value = values.get(Control(PRICE))
        price = self.prop.price.amount if price_value is None else self.price(float(price_value))
        access: dict[str, float] = {}
        for item in self.prop.cost_of_access:
            value = values.get(Control(ACCESS, item.id))
            if value is not None and value != self.scales[Control(ACCESS, item.id)].start:
                access[item.id] = float(value)
        claims: dict[str, float | str] = {}
        for claim in self.promised_claims:
            value = values.get(Control(CLAIM, claim.id))
            if values.get(Control(DEFENSIBLE_CHOICE, claim.id)) is True:
                claims[claim.id] = DEFENSIBLE
            elif value is not None and value != self.scales[Control(CLAIM, claim.id)].start:
                claims[claim.id] = float(value)
        segment = str(values.get(Control(SEGMENT)) or EVERY_SEGMENT)
        return Scenario(
            price=price, access=access, claims=claims, segment=None if segment == EVERY_SEGMENT else segment,
            version=version,
        )  # fmt: skip

    def opened(self, scenario: Scenario) -> OpenedScenario:
        """The controls' values that show ``scenario``: today's, changed by each override that fits its
        slider. One outside the slider's range is named in ``outside`` and the slider keeps today's; an
        override of a gone item or claim changes nothing (:func:`notes` names it)."""
        values = self.today()
        outside: list[str] = []

        def put(control: Control, value: float) -> None:
            scale = self.scales[control]
            if scale.contains(value):
                values[control] = float(value)
            else:
                outside.append(
                    f"its {self.describe(control)} ({scale.text(value)}) is outside the slider's range "
                    f"({scale.text(scale.bottom)} to {scale.text(scale.top)}), so the slider shows today's"
                )

        if scenario.price is not None:
            put(Control(PRICE), scenario.price)
        for item_id, amount in scenario.access.items():
            if Control(ACCESS, item_id) in self.scales:  # a gone item is never given to another one
                put(Control(ACCESS, item_id), amount)
        for claim_id, value in scenario.claims.items():
            if value == DEFENSIBLE and Control(DEFENSIBLE_CHOICE, claim_id) in values:
                values[Control(DEFENSIBLE_CHOICE, claim_id)] = True
            elif value != DEFENSIBLE and Control(CLAIM, claim_id) in self.scales:
                put(Control(CLAIM, claim_id), float(value))
        values[Control(SEGMENT)] = scenario.segment or EVERY_SEGMENT
        return OpenedScenario(values, tuple(outside))

    def link_problem(self, control: Control, raw: str) -> str | None:
        """What is wrong with a link's value ``raw`` for a slider, in words, or None when it is on the
        slider (a value the slider cannot take would otherwise quietly show today's value)."""
        scale, what, given = self.scales[control], self.describe(control), raw[:40]
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            return f"The link's {what} ({given}) is not a number; showing today's {what} instead."
        if not scale.contains(value):
            return (
                f"The link's {what} ({given}) is outside the slider's range "
                f"({scale.text(scale.bottom)} to {scale.text(scale.top)}); showing today's {what} instead."
            )
        return None
