"""The demo workspace: three value propositions from different businesses, with planted evidence.

``write_demo`` writes proposition files, long-form outcomes (including a rival's customers for the
comparative and parity claims), customer tables with churn and survey items, competitor offers and
price surveys. Effects are planted so that, under the rules of METHODS.md, some claims come out
substantiated, some exaggerated and a few inconclusive; ``data/README.md`` says which and why.

The output is byte-identical on every run: each file is drawn from its own fixed-seed generator,
numbers are written with a fixed number of decimals, and dates are fixed (never "today").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from valuegap.model import proposition_files
from valuegap.model.proposition import Proposition, parse_proposition

DEMO_SEED: int = 20260315
"""Seed of every random draw in the demo workspace (each file uses its own stream derived from it)."""

_OUTCOME_COLUMNS = ["customer_id", "metric", "value", "segment", "offer", "observed_at"]
_Array = np.ndarray


# --------------------------------------------------------------------------- propositions


def _claim(claim_id: str, text: str, benefit: str, form: str, **fields: Any) -> dict[str, Any]:
    return {"id": claim_id, "text": text, "benefit": benefit, "form": form, **fields}


def _access(kind: str, label: str, amount: float, unit: str, frequency: str) -> dict[str, Any]:
    return {"kind": kind, "label": label, "amount": amount, "unit": unit, "frequency": frequency}


def _invoicing_data() -> dict[str, Any]:
    return {
        "name": "Ledgerly invoicing for small firms",
        "segment": "all",
        "offer": (
            "Ledgerly: invoicing software for freelancers, small businesses and agencies. Send an invoice "
            "in a minute, automatic reminders, card payments from the invoice, month-end close in one place."
        ),
        "price": {"amount": 49.0, "currency": "USD", "period": "month"},
        "value_of_time": 45.0,
        "horizon": 24,
        "cost_of_access": [
            _access("time", "Onboarding and training", 4.0, "hours", "once"),
            _access("switching", "Moving clients and open invoices from the old tool", 6.0, "hours", "once"),
            _access("setup_fee", "Setup fee", 99.0, "money", "once"),
            _access("effort", "Monthly reconciliation and admin in Ledgerly", 0.5, "hours", "per_period"),
        ],
        "canvas": {
            "jobs": "Bill clients correctly and on time; get paid; close the books each month.",
            "pains": "Evenings lost to invoicing admin; clients who pay late; chasing overdue invoices.",
            "gains": "Money in the bank sooner; less admin; a month-end close that takes an afternoon.",
        },
        "status": "in_review",
        "claims": [
            _claim(
                "admin-time",
                "Saves you 5 hours of invoicing admin every month on average",
                "time",
                "average",
                metric="admin_hours_saved",
                claimed=5.0,
                unit="hours/month",
                importance=3.0,
            ),
            _claim(
                "paid-faster",
                "Get paid 9 days sooner, guaranteed",
                "money",
                "average",
                metric="days_sooner_paid",
                claimed=9.0,
                unit="days",
                money_per_unit=4.0,
                importance=3.0,
            ),
            _claim(
                "first-invoice",
                "9 out of 10 new customers send their first invoice within 2 days",
                "time",
                "share",
                metric="days_to_first_invoice",
                claimed=2.0,
                unit="days",
                direction="lower",
                share=0.9,
                money_per_unit=0.0,
            ),
            _claim(
                "month-end",
                "The typical customer saves 6 hours at month-end close",
                "time",
                "median",
                metric="month_end_hours_saved",
                claimed=6.0,
                unit="hours/month",
                importance=2.0,
            ),
            _claim(
                "card-payments",
                "Clients pay by card straight from the invoice: 8 invoices a month paid online on average",
                "capability",
                "average",
                metric="card_paid_invoices",
                claimed=8.0,
                unit="invoices/month",
                money_per_unit=2.5,
            ),
            _claim(
                "vs-invoicehub",
                "Tests show our reminders recover 2x as many overdue invoices as InvoiceHub",
                "capability",
                "comparative",
                metric="overdue_recovery_pct",
                claimed=2.0,
                unit="% of overdue invoices paid in 30 days",
                competitor="InvoiceHub",
                ratio=2.0,
                importance=2.0,
            ),
            _claim("effortless", "Invoicing that feels effortless", "enjoyment", "puffery"),
        ],
    }


def _streaming_data() -> dict[str, Any]:
    return {
        "name": "Cinemar streaming plan",
        "segment": "all",
        "offer": (
            "Cinemar: films, series and kids' shows on up to four screens, new titles every week, "
            "no ads. Student discount; family plan with four screens."
        ),
        "price": {"amount": 39.9, "currency": "BRL", "period": "month"},
        "value_of_time": 15.0,
        "horizon": 12,
        "cost_of_access": [
            _access("effort", "Setting up profiles and the TV app", 1.0, "hours", "once"),
            _access("switching", "Paying the old service to the end of its cycle", 19.9, "money", "once"),
            _access("time", "Browsing to find something to watch", 1.5, "hours", "per_period"),
        ],
        "canvas": {
            "jobs": "Unwind in the evening; keep the kids entertained; watch together as a family.",
            "pains": "Cable TV bills; scrolling for ages; buffering; nothing new to watch.",
            "gains": "Something good on every night; one plan for the whole family; savings over cable.",
        },
        "status": "approved",
        "claims": [
            _claim(
                "evening-rating",
                "Subscribers rate their evenings with Cinemar 8.5 on average",
                "enjoyment",
                "average",
                metric="evening_rating",
                claimed=8.5,
                unit="points (0-10)",
                importance=2.0,
            ),
            _claim(
                "new-every-week",
                "95% of subscribers start a new title every week",
                "enjoyment",
                "share",
                metric="new_titles_started_per_week",
                claimed=1.0,
                unit="titles/week",
                share=0.95,
            ),
            _claim(
                "instant-start",
                "Playback starts instantly: 2 seconds for the typical viewer",
                "enjoyment",
                "median",
                metric="startup_seconds",
                claimed=2.0,
                unit="seconds",
                direction="lower",
            ),
            _claim(
                "vs-streammax",
                "Subscribers finish 1.5x as many series and films as on StreamMax",
                "enjoyment",
                "comparative",
                metric="titles_finished_per_month",
                claimed=1.5,
                unit="titles/month",
                competitor="StreamMax",
                ratio=1.5,
            ),
            _claim(
                "quality-parity",
                "Picture quality as good as StreamMax",
                "enjoyment",
                "parity",
                metric="stream_quality_score",
                claimed=1.0,
                unit="points (0-100)",
                competitor="StreamMax",
                ratio=1.0,
            ),
            _claim(
                "save-vs-cable",
                "Save R$ 30 a month compared with cable TV",
                "money",
                "average",
                metric="monthly_saving_brl",
                claimed=25.0,
                unit="BRL/month",
                importance=3.0,
            ),
            _claim("best-choice", "The best choice for your family", "enjoyment", "puffery"),
        ],
    }


def _retrofit_data() -> dict[str, Any]:
    return {
        "name": "WarmHome energy retrofit",
        "segment": "all",
        "offer": (
            "WarmHome: insulation, heat pump and smart thermostat installed as one package, financed "
            "per month over ten years, with monitoring and yearly service."
        ),
        "price": {"amount": 89.0, "currency": "EUR", "period": "month"},
        "value_of_time": 25.0,
        "horizon": 120,
        "cost_of_access": [
            _access("setup_fee", "Energy survey and design", 350.0, "money", "once"),
            _access("time", "Home visits for the survey and the handover", 6.0, "hours", "once"),
            _access("effort", "Clearing rooms for the installers", 10.0, "hours", "once"),
            _access("switching", "Ending the old boiler's service contract early", 120.0, "money", "once"),
            _access(
                "effort", "Yearly heat-pump service visit, spread per month", 12.0, "money", "per_period"
            ),
        ],
        "canvas": {
            "jobs": "Keep the home warm; bring energy bills down; make the house ready for the future.",
            "pains": "High heating bills; cold, draughty rooms; weeks of builders in the house.",
            "gains": "Lower bills; a warmer home; a house worth more when it is sold.",
        },
        "status": "draft",
        "claims": [
            _claim(
                "heating-bill",
                "Cuts your heating bill by up to 40%",
                "money",
                "up_to",
                metric="heating_bill_reduction_pct",
                claimed=40.0,
                unit="%",
                money_per_unit=1.6,
                importance=3.0,
            ),
            _claim(
                "kwh-saved",
                "Saves 450 kWh of energy a month on average",
                "money",
                "average",
                metric="kwh_saved_per_month",
                claimed=450.0,
                unit="kWh/month",
                money_per_unit=0.3,
                importance=3.0,
            ),
            _claim(
                "install-days",
                "Installed in 3 days, start to finish",
                "time",
                "median",
                metric="install_days",
                claimed=3.0,
                unit="days",
                direction="lower",
                money_per_unit=0.0,
            ),
            _claim(
                "home-value",
                "Increases your home's value by 4%, independently verified",
                "asset_value",
                "average",
                metric="home_value_uplift_pct",
                claimed=4.0,
                unit="%",
                money_per_unit=25.0,
                importance=2.0,
            ),
            _claim(
                "warmer",
                "9 in 10 homeowners say their home feels warmer",
                "enjoyment",
                "share",
                metric="comfort_score_change",
                claimed=1.0,
                unit="points (1-5 scale)",
                share=0.9,
            ),
            _claim(
                "future-proof",
                "A future-proof home that cuts your bills for years, guaranteed",
                "asset_value",
                "puffery",
            ),
        ],
    }


_PROPOSITIONS = (
    ("invoicing-saas", _invoicing_data),
    ("streaming-plan", _streaming_data),
    ("energy-retrofit", _retrofit_data),
)


def demo_propositions() -> list[tuple[str, Proposition]]:
    """The three demo propositions as ``(slug, proposition)``, validated like any user file."""
    return [(slug, parse_proposition(make(), source=f"demo {slug}")) for slug, make in _PROPOSITIONS]


# --------------------------------------------------------------------------- drawing helpers


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([DEMO_SEED, *key])


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:05d}" for i in range(1, n + 1)]


def _text(values: _Array, decimals: int) -> list[str]:
    """Numbers as fixed-decimal text (no float repr, no '-0.0'), so files are identical everywhere."""
    rounded = np.round(np.asarray(values, dtype=float), decimals) + 0.0
    return [f"{value:.{decimals}f}" for value in rounded]


def _subset(rng: np.random.Generator, n: int, size: int) -> _Array:
    return np.sort(rng.choice(n, size=size, replace=False))


def _likert(values: _Array) -> _Array:
    return np.clip(np.rint(values), 1, 7).astype(int)


def _churn(rng: np.random.Generator, risk: _Array, rate: float) -> _Array:
    """0/1 churn flags from a logit ``intercept + risk``, the intercept set so the mean churn is ``rate``."""
    low, high = -30.0, 30.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(mid + risk)))) < rate:
            low = mid
        else:
            high = mid
    probability = 1 / (1 + np.exp(-(low + risk)))
    return (rng.random(risk.size) < probability).astype(int)


@dataclass
class _Panel:
    """Customers of one offer (ours or a rival's) and the long-form outcome rows measured on them."""

    prefix: str
    offer: str
    segments: _Array  # segment name per customer
    start: str  # first observation date
    rng: np.random.Generator
    parts: list[pd.DataFrame] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return _ids(self.prefix, len(self.segments))

    def observe(
        self,
        metric: str,
        values: _Array,
        decimals: int,
        *,
        who: _Array | None = None,
        repeats: int = 1,
        noise: float = 0.0,
        low: float | None = None,
        high: float | None = None,
        every_days: int = 30,
    ) -> None:
        """Rows for ``metric`` measured on the customers ``who`` (default: all); customer ``i`` truly has
        ``values[i]``. With ``repeats`` > 1 each is measured 1..repeats times, with noise that averages
        out to the true value."""
        who = np.arange(len(self.segments)) if who is None else np.asarray(who)
        count = self.rng.integers(1, repeats + 1, size=who.size) if repeats > 1 else np.ones(who.size, int)
        owner = np.repeat(np.arange(who.size), count)
        first_row = np.repeat(np.cumsum(count) - count, count)
        visit = np.arange(owner.size) - first_row
        error = self.rng.normal(0.0, noise, owner.size) if noise > 0 else np.zeros(owner.size)
        error -= (np.bincount(owner, weights=error, minlength=who.size) / count)[owner]
        observed = np.clip(np.asarray(values, dtype=float)[who][owner] + error, low, high)
        day = self.rng.integers(0, 90, size=who.size)[owner] + visit * every_days
        dates = np.datetime_as_string(np.datetime64(self.start) + day.astype("timedelta64[D]"), unit="D")
        ids = np.asarray(self.ids)[who]
        self.parts.append(
            pd.DataFrame(
                {
                    "customer_id": ids[owner],
                    "metric": metric,
                    "value": _text(observed, decimals),
                    "segment": self.segments[who][owner],
                    "offer": self.offer,
                    "observed_at": dates,
                }
            )
        )

    def rows(self) -> pd.DataFrame:
        frame = pd.concat(self.parts, ignore_index=True)
        return frame.sort_values(["customer_id", "metric", "observed_at"], kind="stable")


def _outcomes(*panels: _Panel) -> pd.DataFrame:
    return pd.concat([panel.rows() for panel in panels], ignore_index=True)[_OUTCOME_COLUMNS]


def _segments(rng: np.random.Generator, names: Sequence[str], shares: Sequence[float], n: int) -> _Array:
    index = rng.choice(len(names), size=n, p=list(shares))
    return np.asarray(names, dtype=object)[index]


def _by_segment(segments: _Array, table: dict[str, float]) -> _Array:
    return np.array([table[name] for name in segments], dtype=float)


@dataclass(frozen=True)
class _Population:
    """Our customers' segments and how well the offer suits each one (``fit``, shared by outcomes)."""

    segments: _Array
    fit: _Array
    rng: np.random.Generator

    def around(self, means: dict[str, float] | float, sd: float, shared: float) -> _Array:
        """True per-customer values: the segment's mean plus noise of ``sd``, the ``shared`` part of it
        coming from ``fit`` (so a customer the offer suits does well on every metric)."""
        noise = shared * self.fit + np.sqrt(1 - shared**2) * self.rng.standard_normal(self.fit.size)
        centre = _by_segment(self.segments, means) if isinstance(means, dict) else means
        return centre + sd * noise


def _pick(
    rng: np.random.Generator, segments: _Array, options: dict[str, tuple[list[float], list[float]]]
) -> _Array:
    """Per customer, one of its segment's options (values, probabilities)."""
    out = np.empty(segments.size)
    for name, (values, probabilities) in options.items():
        mask = segments == name
        out[mask] = rng.choice(values, size=int(mask.sum()), p=probabilities)
    return out


def _customers(
    ids: list[str],
    segments: _Array,
    churned: _Array,
    revenue: _Array,
    price: _Array,
    tenure: _Array,
    survey: dict[str, tuple[_Array, _Array]],
) -> pd.DataFrame:
    table: dict[str, Any] = {
        "customer_id": ids,
        "segment": segments,
        "churned": churned.astype(int),
        "revenue": _text(revenue, 2),
        "price": _text(price, 2),
        "tenure": tenure.astype(int),
    }
    for item, (expected, experienced) in survey.items():
        table[f"expected_{item}"] = expected
        table[f"experienced_{item}"] = experienced
    return pd.DataFrame(table)


def _survey_item(
    rng: np.random.Generator, n: int, expected_mean: float, shift: float, signal: _Array
) -> tuple[_Array, _Array]:
    """Likert expectation and experience (1-7); experience follows what the customer really got."""
    expected = expected_mean + 0.8 * rng.standard_normal(n)
    experienced = expected + shift + 0.6 * signal + 0.7 * rng.standard_normal(n)
    return _likert(expected), _likert(experienced)


def _van_westendorp(
    rng: np.random.Generator, n: int, centre: float, step: float, bad_share: float
) -> pd.DataFrame:
    """Answers rounded to ``step`` and strictly increasing, then a few respondents made inconsistent."""
    reference = centre * np.exp(0.3 * rng.standard_normal(n))
    factors = np.column_stack(
        [rng.uniform(lo, hi, n) for lo, hi in ((0.35, 0.6), (0.65, 0.9), (1.15, 1.45), (1.55, 2.2))]
    )
    answers = np.maximum(step, np.round(reference[:, None] * factors / step) * step)
    for col in range(1, 4):
        answers[:, col] = np.maximum(answers[:, col], answers[:, col - 1] + step)
    for row in _subset(rng, n, round(n * bad_share)):
        kind = rng.integers(0, 3)
        if kind == 0:  # cheap and expensive swapped
            answers[row, [1, 2]] = answers[row, [2, 1]]
        elif kind == 1:  # the two "too" questions swapped
            answers[row, [0, 3]] = answers[row, [3, 0]]
        else:  # the same price for "cheap" and "expensive"
            answers[row, 2] = answers[row, 1]
    decimals = 0 if float(step).is_integer() else 2
    return pd.DataFrame(
        {
            "respondent_id": np.arange(1, n + 1),
            **{
                name: _text(answers[:, col], decimals)
                for col, name in enumerate(("too_cheap", "cheap", "expensive", "too_expensive"))
            },
        }
    )


def _gabor_granger(
    rng: np.random.Generator, n: int, prices: Sequence[float], median_wtp: float
) -> pd.DataFrame:
    """The highest tested price each respondent accepts (everyone accepted the lowest one)."""
    tested = np.asarray(prices, dtype=float)
    willing = median_wtp * np.exp(0.35 * rng.standard_normal(n))
    index = np.clip(np.searchsorted(tested, willing, side="right") - 1, 0, tested.size - 1)
    return pd.DataFrame({"respondent_id": np.arange(1, n + 1), "max_price": _text(tested[index], 2)})


def _offers(attributes: dict[str, int], offers: list[tuple[str, float, bool, list[int]]]) -> dict[str, Any]:
    names = list(attributes)
    return {
        "attributes": attributes,
        "offers": [
            {"name": name, "price": price, "ours": ours, "scores": dict(zip(names, scores, strict=True))}
            for name, price, ours, scores in offers
        ],
    }


@dataclass
class _Demo:
    """Everything the demo holds for one proposition."""

    outcomes: pd.DataFrame
    customers: pd.DataFrame
    competitors: dict[str, Any]
    surveys: dict[str, pd.DataFrame] = field(default_factory=dict)


# --------------------------------------------------------------------------- invoicing SaaS


def _invoicing(key: int) -> _Demo:
    rng = _rng(key, 0)
    n = 3000
    segments = _segments(rng, ("freelancer", "small-business", "agency"), (0.45, 0.40, 0.15), n)
    fit = rng.standard_normal(n)  # how well Ledgerly suits this customer
    pop = _Population(segments, fit, rng)
    admin = np.clip(pop.around({"freelancer": 4.1, "small-business": 6.6, "agency": 7.6}, 2.2, 0.6), 0, None)
    paid = pop.around({"freelancer": 5.6, "small-business": 6.4, "agency": 6.1}, 4.0, 0.6)
    first = np.exp(pop.around(np.log(0.6), 0.8, 0.0))
    month_end = pop.around(5.3, 2.4, 0.0)
    card = pop.around(7.8, 3.6, 0.0)
    recovery = pop.around(44.0, 14.0, 0.4)

    ours = _Panel("INV", "Ledgerly", segments, "2025-01-06", _rng(key, 1))
    ours.observe("admin_hours_saved", admin, 1, repeats=3, noise=1.2, low=0)
    ours.observe("days_sooner_paid", paid, 1, repeats=2, noise=2.0, low=-20, every_days=91)
    ours.observe("days_to_first_invoice", first, 1, low=0)
    ours.observe("month_end_hours_saved", month_end, 1, who=_subset(rng, n, 450), low=0)
    ours.observe("card_paid_invoices", card, 1, who=_subset(rng, n, 38), low=0)
    ours.observe("overdue_recovery_pct", recovery, 1, who=_subset(rng, n, 2400), low=0, high=100)

    rival_rng = _rng(key, 2)
    rival_segments = _segments(rival_rng, ("freelancer", "small-business", "agency"), (0.5, 0.4, 0.1), 700)
    rival = _Panel("IH", "InvoiceHub", rival_segments, "2025-01-06", rival_rng)
    rival.observe("overdue_recovery_pct", 27.0 + 13.0 * rival_rng.standard_normal(700), 1, low=0, high=100)

    price = _pick(
        rng,
        segments,
        {
            "freelancer": ([29.0, 49.0], [0.35, 0.65]),
            "small-business": ([49.0, 79.0], [0.8, 0.2]),
            "agency": ([49.0, 79.0], [0.3, 0.7]),
        },
    )
    seats = np.where(
        segments == "freelancer",
        1,
        np.where(segments == "agency", rng.integers(3, 13, n), rng.integers(1, 5, n)),
    )
    tenure = rng.integers(1, 49, n)
    gap = (5.0 * 45 + 9.0 * 4) - (45 * admin + 4 * paid)  # promised minus realized money, per month
    churned = _churn(rng, 0.009 * gap + 0.03 * (price - 49) - 0.35 * np.log(tenure), 0.12)
    survey = {
        "time_saved": _survey_item(rng, n, 5.9, -0.3, (admin - 5.6) / 2.2),
        "getting_paid": _survey_item(rng, n, 6.1, -1.2, (paid - 6.0) / 4.0),
        "ease": _survey_item(rng, n, 5.5, 0.2, fit),
    }
    customers = _customers(ours.ids, segments, churned, price * seats, price, tenure, survey)

    competitors = _offers(
        {"Ease of use": 30, "Automation": 25, "Getting paid": 20, "Integrations": 15, "Support": 10},
        [
            ("Ledgerly", 49.0, True, [8, 8, 9, 7, 7]),
            ("InvoiceHub", 39.0, False, [7, 6, 6, 8, 6]),
            ("PaperTrail", 25.0, False, [6, 4, 5, 4, 5]),
            ("BillForge", 79.0, False, [8, 9, 8, 9, 8]),
            ("QuickLedger", 59.0, False, [7, 7, 7, 8, 6]),
        ],
    )
    survey_rng = _rng(key, 3)
    return _Demo(
        outcomes=_outcomes(ours, rival),
        customers=customers,
        competitors=competitors,
        surveys={
            "van_westendorp": _van_westendorp(survey_rng, 420, 45.0, 5.0, 0.03),
            "gabor_granger": _gabor_granger(survey_rng, 300, [19, 29, 39, 49, 59, 69, 79, 99], 60.0),
        },
    )


# --------------------------------------------------------------------------- streaming plan


def _streaming(key: int) -> _Demo:
    rng = _rng(key, 0)
    n = 3600
    segments = _segments(rng, ("students", "families", "singles"), (0.35, 0.40, 0.25), n)
    fit = rng.standard_normal(n)  # how well Cinemar suits this subscriber
    pop = _Population(segments, fit, rng)
    rating = np.clip(pop.around({"students": 7.2, "families": 8.6, "singles": 8.1}, 1.2, 0.6), 0, 10)
    pace = _by_segment(segments, {"students": 1.5, "families": 2.3, "singles": 1.7})
    new_titles = rng.poisson(4 * rng.gamma(3.0, pace / 3.0)) / 4  # four weeks of new starts, per week
    startup = np.exp(pop.around(np.log(1.6), 0.35, 0.0))
    finished = rng.poisson(rng.gamma(4.0, 6.0 / 4.0, n)).astype(float)
    quality = pop.around(82.0, 9.0, 0.0)
    saving = pop.around({"students": 12.0, "families": 27.5, "singles": 18.0}, 10.0, 0.5)

    ours = _Panel("STR", "Cinemar", segments, "2025-02-03", _rng(key, 1))
    ours.observe("evening_rating", rating, 1, repeats=4, noise=0.8, low=0, high=10)
    ours.observe("new_titles_started_per_week", new_titles, 2)
    ours.observe("startup_seconds", startup, 2)
    ours.observe("titles_finished_per_month", finished, 0)
    ours.observe("stream_quality_score", quality, 1, low=0, high=100)
    ours.observe("monthly_saving_brl", saving, 2)

    rival_rng = _rng(key, 2)
    m = 900
    rival_segments = _segments(rival_rng, ("students", "families", "singles"), (0.3, 0.4, 0.3), m)
    rival = _Panel("SM", "StreamMax", rival_segments, "2025-02-03", rival_rng)
    rival.observe("titles_finished_per_month", rival_rng.poisson(rival_rng.gamma(4.0, 3.6 / 4.0, m)), 0)
    rival.observe("stream_quality_score", 83.0 + 9.0 * rival_rng.standard_normal(m), 1, low=0, high=100)

    price = _pick(
        rng,
        segments,
        {
            "students": ([19.9], [1.0]),
            "families": ([39.9, 49.9], [0.6, 0.4]),
            "singles": ([39.9, 33.25], [0.7, 0.3]),
        },
    )
    tenure = rng.integers(1, 37, n)
    risk = 0.05 * (25.0 - saving) + 0.35 * (8.5 - rating) + 0.04 * (price - 39.9) - 0.3 * np.log(tenure)
    churned = _churn(rng, risk, 0.15)
    survey = {
        "content": _survey_item(rng, n, 6.0, -0.6, (rating - 8.0) / 1.2),
        "picture_quality": _survey_item(rng, n, 5.6, 0.1, (quality - 82.0) / 9.0),
        "value_for_money": _survey_item(rng, n, 5.8, -0.8, (saving - 19.5) / 10.0),
    }
    customers = _customers(ours.ids, segments, churned, price, price, tenure, survey)

    competitors = _offers(
        {"Catalogue": 35, "New releases": 20, "Picture quality": 15, "Ease of use": 15, "Kids' content": 15},
        [
            ("Cinemar", 39.9, True, [8, 7, 8, 8, 9]),
            ("StreamMax", 44.9, False, [8, 8, 8, 7, 6]),
            ("TelaFlix", 29.9, False, [6, 5, 7, 7, 6]),
            ("PlayBox", 55.9, False, [9, 9, 9, 8, 7]),
            ("VideoJá", 19.9, False, [4, 3, 6, 6, 4]),
        ],
    )
    survey_rng = _rng(key, 3)
    prices = [19.9, 24.9, 29.9, 34.9, 39.9, 44.9, 49.9, 59.9]
    return _Demo(
        outcomes=_outcomes(ours, rival),
        customers=customers,
        competitors=competitors,
        surveys={
            "van_westendorp": _van_westendorp(survey_rng, 480, 32.0, 1.0, 0.03),
            "gabor_granger": _gabor_granger(survey_rng, 320, prices, 44.0),
        },
    )


# --------------------------------------------------------------------------- energy retrofit


def _retrofit(key: int) -> _Demo:
    rng = _rng(key, 0)
    n = 2400
    segments = _segments(rng, ("detached", "semi-detached", "apartment"), (0.45, 0.35, 0.20), n)
    fit = rng.standard_normal(n)  # how well the retrofit suits this home
    pop = _Population(segments, fit, rng)
    heating = pop.around({"detached": 30.0, "semi-detached": 27.0, "apartment": 20.0}, 8.0, 0.6)
    kwh = pop.around({"detached": 650.0, "semi-detached": 480.0, "apartment": 300.0}, 150.0, 0.6)
    install = _pick(
        rng,
        segments,
        {
            "detached": ([2, 3, 4, 5, 6, 7], [0.05, 0.20, 0.35, 0.25, 0.10, 0.05]),
            "semi-detached": ([2, 3, 4, 5, 6, 7], [0.10, 0.30, 0.35, 0.15, 0.07, 0.03]),
            "apartment": ([2, 3, 4, 5, 6, 7], [0.30, 0.45, 0.15, 0.07, 0.03, 0.0]),
        },
    )
    home_value = pop.around(3.7, 2.4, 0.0)
    comfort = rng.choice([-1, 0, 1, 2, 3], size=n, p=[0.02, 0.06, 0.35, 0.40, 0.17]).astype(float)

    ours = _Panel("NRG", "WarmHome", segments, "2024-03-04", _rng(key, 1))
    ours.observe("heating_bill_reduction_pct", heating, 1, who=_subset(rng, n, 2200), low=-10, high=90)
    ours.observe("kwh_saved_per_month", kwh, 0, repeats=3, noise=60.0, every_days=31)
    ours.observe("install_days", install, 0)
    ours.observe("home_value_uplift_pct", home_value, 1, who=_subset(rng, n, 42))
    ours.observe("comfort_score_change", comfort, 0, who=_subset(rng, n, 1600))

    price = _pick(
        rng,
        segments,
        {
            "detached": ([99.0, 119.0, 139.0], [0.3, 0.4, 0.3]),
            "semi-detached": ([79.0, 89.0, 99.0], [0.3, 0.4, 0.3]),
            "apartment": ([59.0, 69.0, 79.0], [0.3, 0.4, 0.3]),
        },
    )
    tenure = rng.integers(1, 61, n)
    gap = (0.3 * 450 + 1.6 * 40) - (0.3 * kwh + 1.6 * heating)
    churned = _churn(rng, 0.012 * gap + 0.02 * (price - 89.0) - 0.25 * np.log(tenure), 0.08)
    survey = {
        "savings": _survey_item(rng, n, 6.0, -0.7, (kwh - 520.0) / 150.0),
        "comfort": _survey_item(rng, n, 5.7, 0.3, (comfort - 1.6) / 0.9),
        "disruption": _survey_item(rng, n, 5.2, -0.4, (3.9 - install) / 1.2),
    }
    customers = _customers(ours.ids, segments, churned, price, price, tenure, survey)

    competitors = _offers(
        {
            "Energy savings": 35,
            "Warranty": 20,
            "Financing terms": 15,
            "Low disruption": 15,
            "Customer service": 15,
        },
        [
            ("WarmHome", 89.0, True, [8, 8, 7, 8, 7]),
            ("EcoRenov", 79.0, False, [7, 6, 7, 6, 7]),
            ("ThermaPlus", 109.0, False, [9, 9, 6, 7, 8]),
            ("BudgetInsulate", 59.0, False, [5, 4, 6, 5, 5]),
            ("GreenShell", 95.0, False, [7, 8, 8, 6, 7]),
        ],
    )
    return _Demo(outcomes=_outcomes(ours), customers=customers, competitors=competitors)


# --------------------------------------------------------------------------- writing

# which metric measures each attribute of the demo markets (the Competitors page's measured scores)
DEMO_LINKS = {
    "invoicing-saas": {
        "Ease of use": "days_to_first_invoice",
        "Automation": "admin_hours_saved",
        "Getting paid": "days_sooner_paid",
    },
    "streaming-plan": {"New releases": "new_titles_started_per_week"},
    "energy-retrofit": {"Energy savings": "kwh_saved_per_month", "Low disruption": "install_days"},
}

_BUILDERS = {
    "invoicing-saas": (1, _invoicing),
    "streaming-plan": (2, _streaming),
    "energy-retrofit": (3, _retrofit),
}


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_demo(out_dir: Path) -> list[Path]:
    """Write the demo workspace into ``out_dir`` (created if needed); returns the paths written.

    Layout: ``propositions/<slug>.yaml``, ``outcomes/<slug>.csv``, ``customers/<slug>.csv``,
    ``competitors/<slug>.yaml`` and ``surveys/<slug>_<method>.csv``. The same bytes on every run.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []

    def put(relative: str, text: str) -> None:
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written.append(path)

    for slug, prop in demo_propositions():
        key, build = _BUILDERS[slug]
        demo = build(key)
        put(f"propositions/{slug}.yaml", proposition_files.dumps(prop))  # exactly what the app exports
        put(f"outcomes/{slug}.csv", _csv(demo.outcomes))
        put(f"customers/{slug}.csv", _csv(demo.customers))
        put(f"competitors/{slug}.yaml", _yaml(demo.competitors))
        for method, frame in demo.surveys.items():
            put(f"surveys/{slug}_{method}.csv", _csv(frame))
    return written
