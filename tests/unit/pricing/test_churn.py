"""The churn model (METHODS section 7, "Churn and revenue") against independent computations."""

from __future__ import annotations

import functools
import json
import math
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from valuegap import sources
from valuegap.errors import ValueGapError
from valuegap.model.proposition import parse_proposition
from valuegap.pricing import churn
from valuegap.pricing.churn import ChurnData, ChurnModel, fit_churn
from valuegap.sources.engine import Evidence, evidence_of_frame
from valuegap.workspace.demo import demo_propositions

DATA = Path(__file__).resolve().parents[3] / "data"
Z95 = float(stats.norm.ppf(0.975))


def expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def proposition(*claims: dict, value_of_time: float | None = 10.0, price: float = 20.0):
    data = {
        "name": "Test offer",
        "price": {"amount": price, "currency": "USD", "period": "month"},
        "claims": list(claims),
    }
    if value_of_time is not None:
        data["value_of_time"] = value_of_time
    return parse_proposition(data)


def claim(claim_id: str, **fields) -> dict:
    return {"id": claim_id, "text": f"claim {claim_id}", **fields}


MONEY = claim("money", benefit="money", form="average", metric="saved", claimed=5.0)
TIME = claim("time", benefit="time", form="average", metric="hours", claimed=2.0)


def outcomes(rows: list[tuple]) -> Evidence:
    columns = ["customer_id", "metric", "value", "offer", "segment"][: len(rows[0])]
    return evidence_of_frame(pd.DataFrame(rows, columns=columns))


# --------------------------------------------------------------------------- per-customer value gap

# Every form in both directions (METHODS section 5), value of time 10 per hour, rival "Rival".
FORMS = (
    claim("avg-hi", benefit="money", form="average", metric="saved", claimed=5.0),
    claim("avg-lo", benefit="time", form="average", metric="setup_hours", claimed=2.0, direction="lower"),
    claim("med-hi", benefit="capability", form="median", metric="score", claimed=8.0, money_per_unit=0.5),
    claim("upto-lo", benefit="money", form="up_to", metric="cost", claimed=30.0, direction="lower"),
    claim("share-hi", benefit="money", form="share", metric="days_early", claimed=0.0, share=0.9,
          money_per_unit=20.0),
    claim("share-lo", benefit="time", form="share", metric="wait_hours", claimed=1.0, share=0.8,
          direction="lower"),
    claim("comp-hi", benefit="money", form="comparative", metric="recovered", claimed=2.0, ratio=2.0,
          competitor="Rival"),
    claim("parity-lo", benefit="money", form="parity", metric="fees", claimed=1.0, competitor="Rival",
          direction="lower"),
    claim("fun", benefit="enjoyment", form="average", metric="fun", claimed=9.0),  # no money rate
    claim("best", benefit="enjoyment", form="puffery"),
)  # fmt: skip
VALUES = {  # customer: segment, then metric → value (ours: A, B, C, D; rival: R1, R2, R3)
    "A": ("north", {"saved": [2.0, 4.0], "setup_hours": [3.0], "score": [6.0], "cost": [25.0],
                    "days_early": [1.0], "wait_hours": [2.0], "recovered": [10.0], "fees": [12.0],
                    "fun": [1.0]}),
    "B": ("south", {"saved": [6.0], "setup_hours": [1.5], "score": [9.0], "cost": [40.0],
                    "days_early": [-2.0], "wait_hours": [1.0], "recovered": [4.0], "fees": [9.0]}),
    "C": ("north", {"saved": [4.0], "score": [8.0], "cost": [30.0], "days_early": [0.0],
                    "wait_hours": [0.5], "recovered": [7.0], "fees": [10.0]}),
    "D": ("east", {"saved": [5.0], "setup_hours": [2.0], "score": [7.0], "cost": [20.0], "wait_hours": [3.0],
                   "recovered": [6.0], "fees": [11.0]}),
    "R1": ("north", {"recovered": [4.0], "fees": [10.0], "saved": [100.0]}),
    "R2": ("north", {"recovered": [6.0], "fees": [14.0]}),
    "R3": ("south", {"recovered": [3.0], "fees": [8.0]}),
}  # fmt: skip
# Rival means: north recovered (4 + 6)/2 = 5, fees (10 + 14)/2 = 12; south 3 and 8; no rival in
# "east", so D is compared with the overall means: recovered (4 + 6 + 3)/3 = 13/3, fees 32/3.
EXPECTED = {
    # s·(C − x)·m, higher, m = 1: A's mean saved is (2 + 4)/2 = 3
    "avg-hi": [5 - 3, 5 - 6, 5 - 4, 5 - 5],
    # lower, m = 10: −(2 − x)·10; C has no setup_hours and counts the mean of A, B, D: (10 − 5 + 0)/3
    "avg-lo": [10.0, -5.0, 5 / 3, 0.0],
    # higher, m = 0.5: (8 − x)·0.5
    "med-hi": [1.0, -0.5, 0.0, 0.5],
    # lower, m = 1: −(30 − x)
    "upto-lo": [-5.0, 10.0, 0.0, -10.0],
    # (0.9 − 1[x ≥ 0])·20: A 1 reaches, B −2 does not, C 0 reaches (at the bar); D has no value and
    # counts the mean (−2 + 18 − 2)/3
    "share-hi": [-2.0, 18.0, -2.0, 14 / 3],
    # (0.8 − 1[x ≤ 1])·10: A 2 does not reach, B 1 reaches (at the bar), C 0.5 reaches, D 3 does not
    "share-lo": [8.0, -2.0, -2.0, 8.0],
    # s·(ratio·x̄_rival − x)·m: A north 2·5 − 10, B south 2·3 − 4, C north 2·5 − 7, D overall 2·13/3 − 6
    "comp-hi": [0.0, 2.0, 3.0, 26 / 3 - 6],
    # lower: −(x̄_rival − x) = x − x̄_rival: A 12 − 12, B 9 − 8, C 10 − 12, D 11 − 32/3
    "parity-lo": [0.0, 1.0, -2.0, 11 - 32 / 3],
}


def forms_summary() -> Evidence:
    rows = [
        (customer, metric, value, "Rival" if customer.startswith("R") else "Ours", segment)
        for customer, (segment, metrics) in VALUES.items()
        for metric, values in metrics.items()
        for value in values
    ]
    return outcomes(rows)


def test_customer_gap_by_hand_for_every_form_and_direction() -> None:
    prop = proposition(*FORMS)
    basis = churn.gap_basis(prop, forms_summary())
    assert basis.frame["customer_id"].tolist() == ["A", "B", "C", "D"]  # rival customers are not ours
    assert basis.offers == ("Ours",)
    assert basis.rival_ids == frozenset({"R1", "R2", "R3"})
    assert basis.claim_ids == tuple(EXPECTED)
    for claim_id, gaps in EXPECTED.items():
        np.testing.assert_allclose(basis.per_claim[claim_id], gaps, rtol=1e-12, atol=1e-12, err_msg=claim_id)
    np.testing.assert_allclose(basis.frame["gap"], np.sum(list(EXPECTED.values()), axis=0), rtol=1e-12)
    assert dict(basis.missing) == {"avg-lo": 1, "share-hi": 1}
    text = basis.note
    assert "“claim fun” is left out of the gap: it has no money value per unit" in text  # by its words
    assert "claim best" not in text  # puffery is never a gap, nothing to say
    assert "1 of 4 customers have no value for claim “claim avg-lo”" in text
    # which rival mean: A, B, C in their own segment, D (east, no rival there) the overall one
    assert (
        "“claim comp-hi” compares 3 customer values with Rival's mean in the customer's own segment and 1"
        in text
    )


def test_claim_gaps_rule_for_one_value_per_form() -> None:
    prop = proposition(*FORMS)
    one = {c.id: c for c in prop.claims}
    # higher average: promised 5, got 7 → −2 money
    assert churn.claim_gaps(one["avg-hi"], [7.0], 1.0).tolist() == [-2.0]
    # lower average: promised at most 2 hours, took 2.5 → 0.5 h over × 10 = 5
    assert churn.claim_gaps(one["avg-lo"], [2.5], 10.0).tolist() == [5.0]
    # lower share: bar 1, x = 1.0001 misses it → 0.8 − 0 = 0.8 × m
    assert churn.claim_gaps(one["share-lo"], [1.0001, 1.0], 10.0).tolist() == pytest.approx([8.0, -2.0])
    # comparative without a rival mean is refused, not NaN
    with pytest.raises(ValueGapError, match="comp-hi"):
        churn.claim_gaps(one["comp-hi"], [1.0], 1.0, None)
    with pytest.raises(ValueGapError, match="puffery"):
        churn.claim_gaps(one["best"], [1.0], 1.0)


def test_a_rival_without_values_leaves_its_claim_out_with_a_note() -> None:
    prop = proposition(FORMS[6], MONEY)
    summary = outcomes(
        [("A", "recovered", 3.0, "Ours"), ("A", "saved", 4.0, "Ours"), ("R", "saved", 9.0, "Rival")]
    )
    basis = churn.gap_basis(prop, summary)
    assert basis.claim_ids == ("money",)
    assert "Rival's customers have no values of recovered" in basis.note
    assert basis.frame["gap"].tolist() == [1.0]


def test_customer_gap_without_monetary_claims_is_zero_with_a_note() -> None:
    prop = proposition(claim("fun", benefit="enjoyment", form="average", metric="fun", claimed=9.0))
    summary = outcomes([("A", "fun", 3.0, "Ours"), ("B", "fun", 8.0, "Ours")])
    basis = churn.gap_basis(prop, summary)
    assert basis.claim_ids == ()
    assert basis.frame["gap"].tolist() == [0.0, 0.0]
    assert "every customer's value gap is 0" in basis.note
    empty = churn.gap_basis(prop, summary, offer="Nobody")
    assert empty.frame.empty and "no customer" in empty.note


LOWER_TIME = claim("slow", benefit="time", form="average", metric="hours", claimed=2.0, direction="lower")
SHARE = claim(
    "bar", benefit="money", form="share", metric="saved", claimed=0.0, share=0.75, money_per_unit=8.0
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-50, 50, allow_nan=False, allow_infinity=False) | st.none(),
            st.floats(-50, 50, allow_nan=False, allow_infinity=False) | st.none(),
        ).filter(lambda pair: pair != (None, None)),
        min_size=1,
        max_size=25,
    ).filter(lambda rows: any(a is not None for a, _ in rows) and any(b is not None for _, b in rows))
)
def test_mean_customer_gap_equals_the_sum_of_claim_mean_gaps(rows) -> None:
    """mean_i G_i = Σ_k mean over measured customers of g_ik (METHODS section 5), with each claim's
    mean gap worked out here from the raw values alone."""
    prop = proposition(MONEY, LOWER_TIME, SHARE)
    observations = []
    for i, (saved, hours) in enumerate(rows):
        if saved is not None:
            observations.append((f"c{i:03d}", "saved", saved, "Ours"))
        if hours is not None:
            observations.append((f"c{i:03d}", "hours", hours, "Ours"))
    gaps = churn.customer_gaps(prop, outcomes(observations))
    assert len(gaps) == len(rows)
    saved = np.array([a for a, _ in rows if a is not None])
    hours = np.array([b for _, b in rows if b is not None])
    aggregate = (
        np.mean(5.0 - saved)  # money: higher, m = 1
        + np.mean(-(2.0 - hours) * 10.0)  # time: lower, m = value of time 10
        + (0.75 - np.mean(saved >= 0.0)) * 8.0  # share of customers reaching 0
    )
    assert gaps["gap"].mean() == pytest.approx(aggregate, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- the Logit


def newton_logit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum likelihood by Newton-Raphson on the log-likelihood, written here: β̂ and (X'WX)⁻¹."""
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        p = expit(X @ beta)
        hessian = X.T @ (X * (p * (1 - p))[:, None])
        step = np.linalg.solve(hessian, X.T @ (y - p))
        beta = beta + step
        if np.abs(step).max() < 1e-12:
            break
    p = expit(X @ beta)
    return beta, np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))


def spector() -> pd.DataFrame:
    from statsmodels.datasets import spector as data

    return data.load_pandas().data


def spector_data() -> ChurnData:
    frame = spector()
    return ChurnData.from_arrays(
        frame["GRADE"], gap=frame["GPA"], price=frame["TUCE"], covariates={"PSI": frame["PSI"]}
    )


def test_logit_matches_published_spector_estimates() -> None:
    fit = fit_churn(spector_data())
    assert fit.reason == "" and fit.model is not None
    model = fit.model
    assert model.terms == ("intercept", "gap", "price", "PSI")
    # Greene / statsmodels documentation: const, GPA, TUCE, PSI
    np.testing.assert_allclose(model.params, [-13.0213, 2.8261, 0.0952, 2.3787], atol=1e-4)
    np.testing.assert_allclose(model.coefficients["se"], [4.9313, 1.2629, 0.1416, 1.0646], atol=1e-4)
    assert model.n == 32 and model.churners == 11
    assert model.pseudo_r2 == pytest.approx(0.3740, abs=1e-4)


def raw_tables(n: int = 900, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcomes (one 'saved' value per customer, some twice) and a customer table, as files give them."""
    rng = np.random.default_rng(seed)
    ids = [f"K{i:04d}" for i in range(n)]
    saved = rng.normal(4.0, 20.0, n)
    segment = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    price = rng.choice([29.0, 49.0, 79.0], n)
    tenure = rng.integers(1, 49, n).astype(float)
    eta = -2.0 + 0.03 * (5.0 - saved) + 0.02 * (price - 49) - 0.3 * np.log(tenure) + 0.5 * (segment == "c")
    churned = (rng.random(n) < expit(eta)).astype(int)
    observations = pd.DataFrame({"customer_id": ids, "metric": "saved", "value": saved, "offer": "Ours"})
    # the first ten customers measured twice: their mean is the value above
    twice = observations.iloc[:10].copy()
    observations.loc[:9, "value"] -= 1.0
    twice["value"] += 1.0
    observations = pd.concat([observations, twice], ignore_index=True)
    customers = pd.DataFrame(
        {"customer_id": ids, "segment": segment, "churned": churned, "revenue": price * rng.integers(1, 4, n),
         "price": price, "tenure": tenure}
    )  # fmt: skip
    return observations, customers


def own_design(observations: pd.DataFrame, customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The design METHODS section 7 names, built here from the raw tables: intercept, gap = 5 − mean
    saved, price, log(tenure), one dummy per segment but the largest (a)."""
    mean_saved = observations.groupby("customer_id")["value"].mean()
    frame = customers.set_index("customer_id").join(mean_saved.rename("saved"))
    X = np.column_stack(
        [
            np.ones(len(frame)),
            5.0 - frame["saved"],
            frame["price"],
            np.log(frame["tenure"]),
            frame["segment"] == "b",
            frame["segment"] == "c",
        ]
    ).astype(float)
    return X, frame["churned"].to_numpy(dtype=float)


@functools.cache
def raw_fit() -> tuple[churn.ChurnFit, np.ndarray, np.ndarray]:
    observations, customers = raw_tables()
    prop = proposition(MONEY)
    fit = fit_churn(churn.churn_data(prop, evidence_of_frame(observations), customers))
    X, y = own_design(observations, customers)
    return fit, X, y


def test_coefficients_and_odds_ratio_intervals_match_an_independent_newton_fit() -> None:
    fit, X, y = raw_fit()
    model = fit.model
    assert model is not None, fit.reason
    assert model.terms == ("intercept", "gap", "price", "log(tenure)", "segment[b]", "segment[c]")
    beta, cov = newton_logit(X, y)
    se = np.sqrt(np.diag(cov))
    table = model.coefficients
    np.testing.assert_allclose(table["coef"], beta, rtol=1e-6)
    np.testing.assert_allclose(table["se"], se, rtol=1e-6)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(beta), rtol=1e-6)
    np.testing.assert_allclose(table["ci_low"], np.exp(beta - Z95 * se), rtol=1e-6)
    np.testing.assert_allclose(table["ci_high"], np.exp(beta + Z95 * se), rtol=1e-6)
    np.testing.assert_allclose(table["p_value"], 2 * stats.norm.sf(np.abs(beta / se)), rtol=1e-5, atol=1e-300)
    # what the CLI prints is the same table at 95%
    terms = model.summary(12)["terms"]
    assert [t["term"] for t in terms] == list(model.terms)
    assert list(terms[0]) == ["term", "coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value"]
    np.testing.assert_allclose([t["ci_high"] for t in terms], np.exp(beta + Z95 * se), rtol=1e-6)
    # a 90% model still prints 95% intervals in the summary
    observations, customers = raw_tables()
    data = churn.churn_data(proposition(MONEY), evidence_of_frame(observations), customers)
    at90 = fit_churn(data, alpha=0.10).model
    np.testing.assert_allclose(
        at90.coefficients["ci_low"], np.exp(beta - stats.norm.ppf(0.95) * se), rtol=1e-6
    )
    np.testing.assert_allclose(
        [t["ci_low"] for t in at90.summary(12)["terms"]], np.exp(beta - Z95 * se), rtol=1e-6
    )


@pytest.mark.parametrize(
    ("factor", "shift", "segment"), [(1.0, 0.0, None), (1.25, 12.0, None), (0.8, -9.0, "b")]
)
def test_churn_rate_band_matches_statsmodels_average_prediction(factor, shift, segment) -> None:
    from statsmodels.discrete.discrete_model import Logit

    fit, X, y = raw_fit()
    model = fit.model
    reference = Logit(y, X).fit(disp=0)
    customers = raw_tables()[1]
    rows = (customers["segment"] == segment).to_numpy() if segment else np.ones(len(y), bool)
    exog = X[rows].copy()
    exog[:, 2] *= factor  # price
    exog[:, 1] += shift  # gap
    frame = reference.get_prediction(exog=exog, average=True).summary_frame(alpha=0.05)
    rate, low, high = model.churn_rate(price_factor=factor, gap_shift=shift, segment=segment)
    expected = frame[["predicted", "ci_lower", "ci_upper"]].to_numpy()[0]
    assert expected[1] > 0 and expected[2] < 1  # no clipping at 0 or 1 here
    np.testing.assert_allclose([rate, low, high], expected, rtol=1e-6)


def synthetic(n: int = 2000, seed: int = 1, *, beta_price: float = 0.03) -> ChurnData:
    rng = np.random.default_rng(seed)
    gap = rng.normal(20, 40, n)
    price = rng.choice([29.0, 49.0, 79.0], n)
    tenure = rng.integers(1, 49, n).astype(float)
    segment = rng.choice(["a", "b"], n)
    eta = -3.0 + 0.01 * gap + beta_price * (price - 49) - 0.3 * np.log(tenure) + 0.4 * (segment == "b")
    churned = (rng.random(n) < expit(eta)).astype(int)
    return ChurnData.from_arrays(
        churned, gap, price, price * rng.integers(1, 4, n), segment=segment,
        covariates={"log(tenure)": np.log(tenure), "segment[b]": (segment == "b").astype(float)},
    )  # fmt: skip


@functools.cache
def synthetic_model() -> ChurnModel:
    model = fit_churn(synthetic()).model
    assert model is not None
    return model


def test_delta_method_band_matches_a_numerical_gradient() -> None:
    model = synthetic_model()
    price_col, gap_col = model.terms.index("price"), model.terms.index("gap")
    for factor, shift, segment in ((1.0, 0.0, None), (1.2, 15.0, None), (0.8, -10.0, "b")):
        rows = model.segment == segment if segment else np.ones(model.n, bool)
        X = model.X[rows].copy()
        X[:, price_col] *= factor
        X[:, gap_col] += shift

        def mean_p(beta: np.ndarray, X: np.ndarray = X) -> float:
            return float(expit(X @ beta).mean())

        step = 1e-6
        gradient = np.array(
            [
                (mean_p(model.params + step * e) - mean_p(model.params - step * e)) / (2 * step)
                for e in np.eye(len(model.params))
            ]
        )
        se = math.sqrt(gradient @ model.cov @ gradient)
        rate = mean_p(model.params)
        got = model.churn_rate(price_factor=factor, gap_shift=shift, segment=segment)
        np.testing.assert_allclose(got, (rate, rate - Z95 * se, rate + Z95 * se), rtol=1e-6)
        assert model.probabilities(price_factor=factor, gap_shift=shift, segment=segment).size == rows.sum()


def test_delta_method_band_covers_a_parametric_bootstrap() -> None:
    """Simulated β ~ N(β̂, Σ): the spread of the mean churn rate agrees with the delta-method band."""
    model = synthetic_model()
    rng = np.random.default_rng(7)
    draws = rng.multivariate_normal(model.params, model.cov, size=4000)
    rate, low, high = model.churn_rate(price_factor=1.1)
    X = model.X.copy()
    X[:, model.terms.index("price")] *= 1.1
    rates = expit(X @ draws.T).mean(axis=0)
    assert rate == pytest.approx(float(expit(X @ model.params).mean()))
    # the band is symmetric (rate ± z·se); the simulated rates' standard deviation is that se
    assert rates.std() == pytest.approx((high - low) / (2 * Z95), rel=0.05)


# --------------------------------------------------------------------------- revenue figures


def revenue_sums(
    model: ChurnModel, beta: np.ndarray, factor: float, shift: float, rows: np.ndarray, horizon: float
):
    """Revenue at risk, under-delivery and net effect at coefficients ``beta``, from the design alone."""
    gap_col, price_col = model.terms.index("gap"), model.terms.index("price")
    X = model.X[rows].copy()
    X[:, price_col] *= factor
    X[:, gap_col] += shift
    weights = model.revenue[rows] * factor * horizon

    def at(gap: np.ndarray) -> float:
        design = X.copy()
        design[:, gap_col] = gap
        return float(expit(design @ beta) @ weights)

    gap = X[:, gap_col]
    now = at(gap)
    return np.array([now, now - at(np.minimum(gap, 0.0)), now - at(np.zeros_like(gap))]), float(weights.sum())


@pytest.mark.parametrize(
    ("factor", "shift", "segment"), [(1.0, 0.0, None), (1.2, 15.0, None), (0.8, -25.0, "b")]
)
def test_revenue_figures_and_intervals_match_a_finite_difference_gradient(factor, shift, segment) -> None:
    model = synthetic_model()
    horizon = 18
    rows = model.segment == segment if segment else np.ones(model.n, bool)
    values, total = revenue_sums(model, model.params, factor, shift, rows, horizon)
    step = 1e-6
    jacobian = np.column_stack(
        [
            (revenue_sums(model, model.params + step * e, factor, shift, rows, horizon)[0]
             - revenue_sums(model, model.params - step * e, factor, shift, rows, horizon)[0]) / (2 * step)
            for e in np.eye(len(model.params))
        ]
    )  # fmt: skip
    se = np.sqrt(np.einsum("ij,jk,ik->i", jacobian, model.cov, jacobian))
    figures = model.figures(horizon, price_factor=factor, gap_shift=shift, segment=segment)
    got = [figures.revenue_at_risk, figures.under_delivery, figures.net_effect]
    np.testing.assert_allclose([f.estimate for f in got], values, rtol=1e-10)
    low, high = values - Z95 * se, values + Z95 * se
    low[0], high[0] = max(low[0], 0.0), min(high[0], total)  # revenue at risk stays within [0, revenue]
    np.testing.assert_allclose([f.ci_low for f in got], low, rtol=1e-5)
    np.testing.assert_allclose([f.ci_high for f in got], high, rtol=1e-5)
    assert figures.revenue == pytest.approx(total)
    # the single-figure methods agree with the figures
    args = {"price_factor": factor, "gap_shift": shift, "segment": segment}
    assert model.revenue_at_risk(horizon, **args) == pytest.approx(values[0], rel=1e-12)
    assert model.under_delivery(horizon, **args) == pytest.approx(values[1], rel=1e-9)
    assert model.net_effect(horizon, **args) == pytest.approx(values[2], rel=1e-9)
    assert (figures.rate, figures.low, figures.high) == pytest.approx(model.churn_rate(**args))


def hand_model(gap=(10.0, -5.0, 0.0), price=(20.0, 30.0, 40.0), segment=("x", "y", "x")) -> ChurnModel:
    gap, price = np.asarray(gap, float), np.asarray(price, float)
    X = np.column_stack([np.ones(3), gap, price])
    return ChurnModel(
        terms=("intercept", "gap", "price"), params=np.array([-2.0, 0.05, 0.02]),
        cov=np.diag([0.1, 1e-4, 1e-5]), X=X, revenue=np.array([100.0, 200.0, 50.0]), price=price, gap=gap,
        segment=np.asarray(segment, dtype=object), churned=np.array([1.0, 0.0, 0.0]),
    )  # fmt: skip


def p(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_revenue_figures_by_hand() -> None:
    model = hand_model()
    # p̂ = 1/(1+exp(−(−2 + 0.05·gap + 0.02·price))), gaps 10, −5, 0
    p1, p2, p3 = p(-2 + 0.5 + 0.4), p(-2 - 0.25 + 0.6), p(-2 + 0 + 0.8)
    np.testing.assert_allclose(model.probabilities(), [p1, p2, p3], rtol=1e-12)
    assert model.churn_rate()[0] == pytest.approx((p1 + p2 + p3) / 3, rel=1e-12)
    assert model.revenue_at_risk(12) == pytest.approx((p1 * 100 + p2 * 200 + p3 * 50) * 12, rel=1e-12)
    q1, q2, q3 = p(-2 + 0.4), p(-2 + 0.6), p(-2 + 0.8)  # every gap 0
    # under-delivery removes only customer 1's shortfall (gap 10 → 0); customer 2 keeps −5
    assert model.under_delivery(12) == pytest.approx((p1 - q1) * 100 * 12, rel=1e-12)
    # the net effect sets every gap to 0, so customer 2's surplus counts against it
    assert model.net_effect(12) == pytest.approx(((p1 - q1) * 100 + (p2 - q2) * 200) * 12, rel=1e-12)
    assert model.total_revenue(12) == pytest.approx(350 * 12)
    # price +10 %: price term moves, revenue scales with price
    r1, r2, r3 = p(-2 + 0.5 + 0.44), p(-2 - 0.25 + 0.66), p(-2 + 0.88)
    assert model.revenue_at_risk(6, price_factor=1.1) == pytest.approx(
        (r1 * 100 + r2 * 200 + r3 * 50) * 1.1 * 6, rel=1e-12
    )
    assert model.total_revenue(6, price_factor=1.1) == pytest.approx(350 * 1.1 * 6)
    t1, t2 = p(-2 + 0.44), p(-2 + 0.66)  # gap 0 at the new price
    assert model.net_effect(6, price_factor=1.1) == pytest.approx(
        ((r1 - t1) * 100 + (r2 - t2) * 200) * 1.1 * 6, rel=1e-12
    )
    # gap shifted by +6: gaps 16, 1, 6, all shortfalls, so both gap figures are equal
    s1, s2, s3 = p(-2 + 0.8 + 0.4), p(-2 + 0.05 + 0.6), p(-2 + 0.3 + 0.8)
    expected = (s1 - q1) * 100 + (s2 - q2) * 200 + (s3 - q3) * 50
    assert model.under_delivery(1, gap_shift=6) == pytest.approx(expected, rel=1e-12)
    assert model.net_effect(1, gap_shift=6) == pytest.approx(expected, rel=1e-12)
    assert model.revenue_at_risk(1, zero_gap=True) == pytest.approx(q1 * 100 + q2 * 200 + q3 * 50, rel=1e-12)
    # one segment
    assert model.revenue_at_risk(1, segment="x") == pytest.approx(p1 * 100 + p3 * 50, rel=1e-12)
    assert model.churn_rate(segment="y")[0] == pytest.approx(p2, rel=1e-12)
    assert churn.revenue_without_model(np.array([100.0, np.nan, 50.0]), 12, 1.1) == pytest.approx(
        150 * 1.1 * 12
    )


def test_net_effect_is_negative_when_customers_get_more_than_promised() -> None:
    model = hand_model(gap=(-10.0, -5.0, -1.0))  # every customer got more than promised; β_gap > 0
    # p̂ at the gaps is below p̂ at gap 0 for every customer
    at_gap = [p(-2 - 0.5 + 0.4), p(-2 - 0.25 + 0.6), p(-2 - 0.05 + 0.8)]
    at_zero = [p(-2 + 0.4), p(-2 + 0.6), p(-2 + 0.8)]
    expected = sum((a - b) * r for a, b, r in zip(at_gap, at_zero, (100, 200, 50), strict=True)) * 3
    figures = model.figures(3)
    assert figures.net_effect.estimate == pytest.approx(expected, rel=1e-12) and expected < 0
    assert figures.under_delivery.estimate == 0.0  # no shortfall to remove
    assert figures.under_delivery.ci_low == figures.under_delivery.ci_high == 0.0
    words = figures.sentences("USD")
    assert "more than promised" in words["net_effect"] and "%" not in words["net_effect"].replace(
        "95% CI", ""
    )
    assert "raise revenue at risk by USD" in words["net_effect"]


small = st.floats(-2, 2, allow_nan=False, allow_infinity=False)


@st.composite
def models(draw, *, positive_price: bool = False, positive_gap: bool = False) -> ChurnModel:
    n = draw(st.integers(1, 12))
    amounts = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    gap = np.array(draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n)))
    price = np.array(draw(st.lists(amounts, min_size=n, max_size=n)))
    beta_price = draw(st.floats(0.0, 0.2)) if positive_price else draw(st.floats(-0.2, 0.2))
    beta_gap = draw(st.floats(1e-4, 0.1)) if positive_gap else draw(st.floats(-0.1, 0.1))
    params = np.array([draw(small), beta_gap, beta_price])
    root = np.array(draw(st.lists(st.floats(-0.1, 0.1), min_size=9, max_size=9))).reshape(3, 3)
    return ChurnModel(
        terms=("intercept", "gap", "price"), params=params, cov=root @ root.T,
        X=np.column_stack([np.ones(n), gap, price]), revenue=np.array(draw(st.lists(amounts, min_size=n,
        max_size=n))), price=price, gap=gap, segment=np.full(n, "", dtype=object), churned=np.zeros(n),
    )  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(models(positive_gap=True), st.floats(0, 3), st.floats(-50, 50), st.integers(0, 60))
def test_under_delivery_is_never_negative_when_the_gap_raises_churn(model, factor, shift, horizon) -> None:
    figures = model.figures(horizon, price_factor=factor, gap_shift=shift)
    assert figures.under_delivery.estimate >= 0.0
    assert figures.under_delivery.estimate <= figures.revenue_at_risk.estimate + 1e-9
    assert 0 <= figures.revenue_at_risk.ci_low <= figures.revenue_at_risk.ci_high <= figures.revenue + 1e-9
    json.dumps(figures.to_dict(), allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(models(positive_price=True), st.floats(0, 3), st.floats(0, 3))
def test_raising_price_never_lowers_churn(model: ChurnModel, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert model.churn_rate(price_factor=low)[0] <= model.churn_rate(price_factor=high)[0] + 1e-15
    assert (model.probabilities(price_factor=low) <= model.probabilities(price_factor=high) + 1e-15).all()


def figures_of(under: float, net: float, total: float = 100.0) -> churn.ChurnFigures:
    figure = churn.RevenueFigure
    return churn.ChurnFigures(0.1, 0.05, 0.15, 1000.0, figure(total, total - 10, total + 10),
                              figure(under, under - 5, under + 5), figure(net, net - 5, net + 5))  # fmt: skip


def test_a_gap_figure_is_called_a_share_only_between_0_and_the_total() -> None:
    inside = figures_of(25.0, 40.0).sentences("USD")
    assert "(25% of the revenue at risk)" in inside["under_delivery"]
    assert "lower revenue at risk by USD 40.00 (40% of it" in inside["net_effect"]
    outside = figures_of(-3.0, -40.0).sentences("USD")
    assert "%" not in outside["under_delivery"].replace("95% CI", "")
    assert "raise revenue at risk by USD 3.00 " in outside["under_delivery"]
    assert "%" not in outside["net_effect"].replace("95% CI", "")
    assert "95% CI USD 35.00 to USD 45.00" in outside["net_effect"]  # the interval of the rise, not of −40
    assert churn.RevenueFigure(120.0, 0, 0).share_of(100.0) is None
    assert churn.RevenueFigure(0.0, 0, 0).share_of(100.0) == 0.0
    assert churn.RevenueFigure(5.0, 0, 0).share_of(0.0) is None


def test_scenario_arguments_are_checked() -> None:
    model = hand_model()
    with pytest.raises(ValueGapError, match="segment 'z'"):
        model.churn_rate(segment="z")
    with pytest.raises(ValueGapError, match="price factor"):
        model.probabilities(price_factor=-1)
    with pytest.raises(ValueGapError, match="horizon"):
        model.revenue_at_risk(-1)
    with pytest.raises(ValueGapError, match="horizon"):
        model.figures(float("nan"))


def test_model_pickles() -> None:
    model = synthetic_model()
    again = pickle.loads(pickle.dumps(model))
    assert again.churn_rate(price_factor=1.2) == model.churn_rate(price_factor=1.2)
    assert again.gap_sentence == model.gap_sentence


def test_promise_gap_shift_follows_direction_and_form() -> None:
    before = proposition(*FORMS)
    changed = {"avg-hi": 6.0, "avg-lo": 1.5, "med-hi": 10.0, "upto-lo": 35.0, "share-hi": 2.0, "comp-hi": 3.0}
    after = before.model_copy(
        update={
            "claims": tuple(
                c.model_copy(update={"claimed": changed.get(c.id, c.claimed)}) for c in before.claims
            )
        }
    )
    # +1 money (higher); lower by 0.5 h at 10 → −(1.5 − 2)·10 = +5; +2 × 0.5 = +1; lower +5 → −5;
    # share bar and comparative value do not shift every customer's gap by one amount
    assert churn.promise_gap_shift(before, after) == pytest.approx(1.0 + 5.0 + 1.0 - 5.0)
    assert churn.promise_gap_shift(before, before) == 0.0


# --------------------------------------------------------------------------- degenerate data


def no_nan(fit: churn.ChurnFit) -> None:
    json.dumps(fit.to_dict(), allow_nan=False)  # raises on NaN or infinity


def test_no_churn_column() -> None:
    prop, summary, customers = demo("invoicing-saas")
    customers = customers.assign(churned=np.nan)  # what ingest stores when the file has no churn column
    data = churn.churn_data(prop, summary, customers)
    fit = fit_churn(data)
    assert fit.model is None and "no churn column" in fit.reason
    assert fit.customers_in_table == 3000 and fit.used == 0
    no_nan(fit)
    assert fit.revenue_without_churn(24) == pytest.approx(customers["revenue"].sum() * 24)


def test_too_few_churners_or_stayers() -> None:
    data = synthetic(200)
    frame = data.frame.copy()
    churned = np.zeros(len(frame), int)
    churned[:3] = 1
    few = fit_churn(ChurnData.from_arrays(churned, frame["gap"], frame["price"]))
    assert few.model is None and "3 who churned" in few.reason and f"{churn.MIN_CLASS_SIZE}" in few.reason
    everyone = fit_churn(ChurnData.from_arrays(np.ones(len(frame)), frame["gap"], frame["price"]))
    assert everyone.model is None and "0 who stayed" in everyone.reason
    no_nan(few)
    no_nan(everyone)


def test_perfect_and_quasi_separation() -> None:
    rng = np.random.default_rng(3)
    gap = rng.normal(0, 10, 100)
    price = rng.choice([20.0, 30.0], 100)
    perfect = fit_churn(ChurnData.from_arrays((gap > 0).astype(int), gap, price))
    assert perfect.model is None and "separated" in perfect.reason
    # quasi-complete: separated except for six customers on the boundary (gap 0), three of each kind
    churned = np.append((gap > 0).astype(int), [1, 0, 1, 0, 1, 0])
    quasi = fit_churn(
        ChurnData.from_arrays(churned, np.append(gap, np.zeros(6)), np.append(price, [20.0] * 6))
    )
    assert quasi.model is None and "separated" in quasi.reason
    no_nan(perfect)
    no_nan(quasi)
    # one customer on the wrong side is no separation: the model is fitted
    crossing = (gap > 0).astype(int)
    crossing[np.argmax(gap)] = 0
    fitted = fit_churn(ChurnData.from_arrays(crossing, gap, price))
    assert fitted.model is not None and fitted.reason == ""


def test_same_price_for_everyone_is_dropped_with_a_note() -> None:
    data = synthetic(1500)
    frame = data.frame
    fit = fit_churn(ChurnData.from_arrays(frame["churned"], frame["gap"], np.full(len(frame), 49.0),
                                          frame["revenue"]))  # fmt: skip
    assert fit.model is not None and fit.reason == ""
    assert fit.model.terms == ("intercept", "gap")
    assert any("same price (USD 49.00)" in note for note in fit.notes)
    model = fit.model
    assert model.churn_rate(price_factor=1.5) == model.churn_rate()
    assert model.revenue_at_risk(2, price_factor=1.5) == pytest.approx(1.5 * model.revenue_at_risk(2))
    no_nan(fit)


def test_collinear_covariate_is_dropped_with_a_note() -> None:
    data = synthetic(1500)
    frame = data.frame
    fit = fit_churn(
        ChurnData.from_arrays(frame["churned"], frame["gap"], frame["price"],
                              covariates={"double price": 2 * frame["price"]})
    )  # fmt: skip
    assert fit.model is not None and fit.model.terms == ("intercept", "gap", "price")
    assert any("double price follows from the other terms" in note for note in fit.notes)


def test_gap_all_zero_gives_a_model_without_gap_and_zero_gap_figures() -> None:
    data = synthetic(1500)
    frame = data.frame
    fit = fit_churn(ChurnData.from_arrays(frame["churned"], np.zeros(len(frame)), frame["price"]))
    model = fit.model
    assert model is not None and "gap" not in model.terms and model.gap_odds_ratio is None
    assert "cannot be estimated" in model.gap_sentence
    figures = model.figures(12, gap_shift=50)
    assert figures.under_delivery == figures.net_effect == churn.RevenueFigure(0.0, 0.0, 0.0)
    no_nan(fit)


# --------------------------------------------------------------------------- the customer table


def table_case() -> tuple:
    """Ten of our customers with gaps, a rival's customer, and a table with every kind of gap in it."""
    prop = proposition(MONEY, claim("vs", benefit="money", form="parity", metric="saved", claimed=1.0,
                                    competitor="Rival"), price=30.0)  # fmt: skip
    rows = [(f"C{i}", "saved", float(i), "Ours") for i in range(10)] + [("R1", "saved", 3.0, "Rival")]
    return prop, outcomes(rows)


def test_price_defaults_to_the_proposition_and_revenue_to_price() -> None:
    prop, summary = table_case()
    customers = pd.DataFrame(
        {"customer_id": [f"C{i}" for i in range(10)], "churned": [0, 1] * 5,
         "revenue": [np.nan, 50.0] + [np.nan] * 8}
    )  # fmt: skip
    data = churn.churn_data(prop, summary, customers)
    assert data.frame["price"].tolist() == [30.0] * 10  # no price in the table: the proposition's
    assert data.frame["revenue"].tolist() == [30.0, 50.0] + [30.0] * 8  # revenue defaults to price
    assert "proposition's price of USD 30.00 per month" in " ".join(data.notes)
    assert "9 customers have no revenue; their price is taken as their revenue" in " ".join(data.notes)
    assert data.left_out == ()


def test_customers_left_out_are_counted_by_reason() -> None:
    prop, summary = table_case()
    customers = pd.DataFrame(
        {
            "customer_id": ["C0", "C0", "R1", "X9", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"],
            "segment": ["s"] * 12,
            "churned": [0, 1, 0, 1, np.nan, 2, 0, 1, 0, 1, 0, 1],
            "price": [10.0, 10, 10, 10, 10, 10, np.nan, 10, 10, 10, 10, 10],
            "tenure": [1.0, 1, 1, 1, 1, 1, 1, np.nan, 2, 3, 4, 5],
        }
    )
    data = churn.churn_data(prop, summary, customers)
    # C0 twice (second row left out), R1 the rival's, X9 unknown, C1 no flag, C2 flag 2, C3 no price,
    # C4 no tenure; C0, C5, C6, C7, C8 used (5 of 6 with tenure: "most", so tenure is a covariate)
    assert data.left_out == (
        (churn.REPEATED, 1), (churn.RIVAL, 1), (churn.NO_OUTCOMES, 1), (churn.NO_CHURN, 2),
        (churn.NO_PRICE, 1), (churn.NO_TENURE, 1),
    )  # fmt: skip
    assert data.frame["customer_id"].tolist() == ["C0", "C5", "C6", "C7", "C8"]
    assert data.covariates == ("log(tenure)",)
    np.testing.assert_allclose(data.frame["log(tenure)"], np.log([1, 2, 3, 4, 5]))
    text = " ".join(data.notes)
    assert "1 customer in the customer table has outcomes only under a competitor (Rival)" in text
    assert "2 customers have no churn flag (0 or 1) and are left out" in text
    assert (data.customers_in_table, data.matched, data.used) == (12, 9, 5)


def test_tenure_enters_only_for_most_customers_and_as_is_when_not_positive() -> None:
    prop, summary = table_case()
    ids = [f"C{i}" for i in range(10)]
    base = {"customer_id": ids, "churned": [0, 1] * 5, "price": [10.0] * 10}
    half = churn.churn_data(prop, summary, pd.DataFrame(base | {"tenure": [1.0] * 5 + [np.nan] * 5}))
    assert half.covariates == () and "only 5 of 10 customers have it" in " ".join(half.notes)
    zero = churn.churn_data(prop, summary, pd.DataFrame(base | {"tenure": [0.0, *range(1, 10)]}))
    assert zero.covariates == ("tenure",) and zero.frame["tenure"].tolist() == list(range(10))


# --------------------------------------------------------------------------- the demo


def demo(slug: str):
    prop = dict(demo_propositions())[slug]
    summary = evidence_of_frame(pd.read_csv(DATA / f"outcomes/{slug}.csv"))
    raw = sources.read_table((DATA / f"customers/{slug}.csv").read_bytes(), "customers.csv")
    customers = sources.apply_mapping(raw, sources.propose_mapping(raw)).customers
    return prop, summary, customers


def test_demo_recovers_the_planted_gap_effect() -> None:
    prop, summary, customers = demo("invoicing-saas")
    assert str(customers["churned"].dtype) == "Int8"
    data = churn.churn_data(prop, summary, customers)
    assert data.customers_in_table == data.matched == data.used == 3000
    assert data.covariates == ("log(tenure)", "segment[agency]", "segment[small-business]")
    fit = fit_churn(data)
    model = fit.model
    assert model is not None, fit.reason
    assert model.n == 3000 and model.churners == int(customers["churned"].sum())
    ratio, low, high = model.gap_odds_ratio
    assert 1 < low < ratio < high
    price = model.coefficients.set_index("term").loc["price"]
    assert price["ci_low"] > 1  # the demo's churn rises with price too
    assert model.gap_sentence.startswith("Each extra USD 10.00 of monthly value gap multiplies the odds")
    rate, band_low, band_high = model.churn_rate()
    assert band_low < customers["churned"].mean() < band_high
    assert model.churn_rate(gap_shift=20)[0] > rate
    assert model.churn_rate(price_factor=1.2)[0] > rate
    figures = model.figures(prop.horizon)
    assert (
        figures.under_delivery.ci_low > 0
        and figures.under_delivery.estimate < figures.revenue_at_risk.estimate
    )
    no_nan(fit)


def test_scenarios_are_fast_for_ten_thousand_customers() -> None:
    data = synthetic(10_000, seed=5)
    model = fit_churn(data).model

    def best_of(call) -> float:
        times = []
        for _ in range(20):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return min(times)

    assert best_of(lambda: model.probabilities(price_factor=1.1, gap_shift=5, segment="a")) < 0.005
    assert best_of(lambda: model.churn_rate(price_factor=1.1, gap_shift=5)) < 0.005
    assert best_of(lambda: model.figures(24, price_factor=1.1, gap_shift=5)) < 0.01


def test_unpriced_claims_are_named_in_one_sentence() -> None:
    assert (
        churn.unpriced_claims_note(["Fun every evening"])
        == "Claim “Fun every evening” is left out of the gap: it has no money value per unit."
    )
    assert churn.unpriced_claims_note(["A", "B", "C"]) == (
        "Claims “A”, “B” and “C” are left out of the gap: they have no money value per unit."
    )


def test_coefficients_read_in_words() -> None:
    coefficients = pd.DataFrame(
        {
            "term": ["intercept", "gap", "log(tenure)", "segment[singles]", "plan_type"],
            "coef": [-3.0, 0.06, -0.38, -0.007, 0.4],
            "se": [0.6, 0.005, 0.05, 0.15, 0.3],
            "odds_ratio": [1.3e-34, 1.066, 0.6622, 0.9933, 1500.0],
            "ci_low": [1e-40, 1.0552, 0.6178, 0.7312, 1.2],
            "ci_high": [2e-30, 1.0769, 0.7534, 1.3493, 2000.0],
            "p_value": [1.3e-34, 0.0004, 0.0031, 0.97, 0.23],
        }
    )
    shown = churn.coefficients_display(coefficients)
    assert list(shown.columns) == ["Term", "Odds ratio", "95% interval", "p-value"]
    assert shown["Term"].tolist() == [
        "Baseline (intercept)", "Value gap (per 1 unit of money)", "Tenure (log)", "Segment: singles",
        "Plan type",
    ]  # fmt: skip
    assert shown["Odds ratio"].tolist() == ["< 0.001", "1.07", "0.662", "0.993", "> 999"]
    assert shown["95% interval"].tolist()[1] == "1.06 to 1.08"
    assert shown["p-value"].tolist() == ["< 0.001", "< 0.001", "0.003", "0.97", "0.23"]


def test_the_reference_segment_is_named_in_words() -> None:
    fit, _, _ = raw_fit()
    assert "Segments are compared with the largest one, “a”." in fit.remarks
