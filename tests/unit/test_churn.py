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

from valuegap import churn, ingest
from valuegap.aggregates import OutcomeSummary
from valuegap.churn import ChurnData, ChurnModel, fit_churn
from valuegap.demo import demo_propositions
from valuegap.errors import ValueGapError
from valuegap.model import parse_proposition
from valuegap.value import value_gap

DATA = Path(__file__).resolve().parents[2] / "data"


def expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def proposition(*claims: dict, value_of_time: float | None = 10.0):
    data = {
        "name": "Test offer",
        "price": {"amount": 20.0, "currency": "USD", "period": "month"},
        "claims": list(claims),
    }
    if value_of_time is not None:
        data["value_of_time"] = value_of_time
    return parse_proposition(data)


def claim(claim_id: str, **fields) -> dict:
    return {"id": claim_id, "text": f"claim {claim_id}", **fields}


MONEY = claim("money", benefit="money", form="average", metric="saved", claimed=5.0)
TIME = claim("time", benefit="time", form="average", metric="hours", claimed=2.0)


def outcomes(rows: list[tuple[str, str, float, str]]) -> OutcomeSummary:
    frame = pd.DataFrame(rows, columns=["customer_id", "metric", "value", "offer"])
    return OutcomeSummary.build(frame)


# --------------------------------------------------------------------------- per-customer gap


def test_customer_gap_by_hand_with_a_missing_metric() -> None:
    prop = proposition(
        MONEY,
        TIME,
        claim("vs-rival", benefit="money", form="comparative", metric="saved", claimed=2.0,
              competitor="Rival", ratio=2.0),
        claim("fun", benefit="enjoyment", form="average", metric="fun", claimed=9.0),
        claim("best", benefit="enjoyment", form="puffery"),
    )  # fmt: skip
    summary = outcomes(
        [
            ("A", "saved", 2.0, "Ours"), ("A", "saved", 4.0, "Ours"),  # A's mean: 3
            ("A", "hours", 1.0, "Ours"),
            ("B", "saved", 6.0, "Ours"), ("B", "hours", 2.5, "Ours"),
            ("C", "saved", 4.0, "Ours"),  # no hours: gets the mean of A and B, 1.75
            ("A", "fun", 3.0, "Ours"),
            ("R", "saved", 100.0, "Rival"),  # the rival's customer is not ours
        ]
    )  # fmt: skip
    basis = churn.gap_basis(prop, summary)
    # A: (5 − 3)·1 + (2 − 1)·10 = 12; B: (5 − 6) + (2 − 2.5)·10 = −6; C: (5 − 4) + (2 − 1.75)·10 = 3.5
    assert basis.frame["customer_id"].tolist() == ["A", "B", "C"]
    np.testing.assert_allclose(basis.frame["gap"], [12.0, -6.0, 3.5])
    assert basis.claim_ids == ("money", "time")
    assert basis.offers == ("Ours",)
    assert basis.missing == (("time", 1),)
    assert any("'fun'" in note and "money" in note for note in basis.notes)
    assert any("1 of 3 customers" in note for note in basis.notes)
    # the mean per-customer gap is the aggregate gap of section 5 with each claim's mean
    means = {
        c: summary.sample(prop.claim(c).metric, exclude_offers={"Rival"}).mean for c in ("money", "time")
    }
    assert basis.frame["gap"].mean() == pytest.approx(value_gap(prop, means).gap, abs=1e-12)
    # one offer by name: the rival's customer alone
    rival = churn.customer_gaps(prop, summary, offer="Rival")
    assert rival["customer_id"].tolist() == ["R"]
    np.testing.assert_allclose(rival["gap"], [(5 - 100.0) + (2 - 2.0) * 10])  # no hours: no measure → 0


def test_customer_gap_without_monetary_claims_is_zero_with_a_note() -> None:
    prop = proposition(claim("fun", benefit="enjoyment", form="average", metric="fun", claimed=9.0))
    summary = outcomes([("A", "fun", 3.0, "Ours"), ("B", "fun", 8.0, "Ours")])
    basis = churn.gap_basis(prop, summary)
    assert basis.claim_ids == ()
    assert basis.frame["gap"].tolist() == [0.0, 0.0]
    assert "every customer's value gap is 0" in basis.note
    empty = churn.gap_basis(prop, summary, offer="Nobody")
    assert empty.frame.empty and "no customer" in empty.note


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
def test_mean_customer_gap_equals_aggregate_gap(rows) -> None:
    prop = proposition(MONEY, TIME)
    observations = []
    for i, (saved, hours) in enumerate(rows):
        if saved is not None:
            observations.append((f"c{i:03d}", "saved", saved, "Ours"))
        if hours is not None:
            observations.append((f"c{i:03d}", "hours", hours, "Ours"))
    summary = outcomes(observations)
    gaps = churn.customer_gaps(prop, summary)
    assert len(gaps) == len(rows)
    means = {
        "money": float(np.mean([a for a, _ in rows if a is not None])),
        "time": float(np.mean([b for _, b in rows if b is not None])),
    }
    assert gaps["gap"].mean() == pytest.approx(value_gap(prop, means).gap, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- the Logit


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
    assert model.terms == ("const", "gap", "price", "PSI")
    # Greene / statsmodels documentation: const, GPA, TUCE, PSI
    np.testing.assert_allclose(model.params, [-13.0213, 2.8261, 0.0952, 2.3787], atol=1e-4)
    np.testing.assert_allclose(model.coefficients["std_err"], [4.9313, 1.2629, 0.1416, 1.0646], atol=1e-4)
    assert model.n == 32 and model.churners == 11
    assert model.pseudo_r2 == pytest.approx(0.3740, abs=1e-4)


def test_odds_ratios_and_intervals_match_statsmodels() -> None:
    import statsmodels.api as sm

    frame = spector()
    result = sm.Logit(frame["GRADE"], sm.add_constant(frame[["GPA", "TUCE", "PSI"]])).fit(disp=0)
    for alpha in (0.05, 0.10):
        table = fit_churn(spector_data(), alpha=alpha).model.coefficients
        np.testing.assert_allclose(table["odds_ratio"], np.exp(result.params), rtol=1e-6)
        np.testing.assert_allclose(table["ci_low"], np.exp(result.conf_int(alpha)[0]), rtol=1e-6)
        np.testing.assert_allclose(table["ci_high"], np.exp(result.conf_int(alpha)[1]), rtol=1e-6)
        np.testing.assert_allclose(table["p_value"], result.pvalues, rtol=1e-6)


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
        np.testing.assert_allclose(got, (rate, rate - 1.959963984540054 * se, rate + 1.959963984540054 * se),
                                   rtol=1e-6)  # fmt: skip
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
    assert rates.std() == pytest.approx((high - low) / (2 * 1.959963984540054), rel=0.05)


# --------------------------------------------------------------------------- revenue by hand


def hand_model(gap=(10.0, -5.0, 0.0), price=(20.0, 30.0, 40.0), segment=("x", "y", "x")) -> ChurnModel:
    gap, price = np.asarray(gap, float), np.asarray(price, float)
    X = np.column_stack([np.ones(3), gap, price])
    return ChurnModel(
        terms=("const", "gap", "price"), params=np.array([-2.0, 0.05, 0.02]), cov=np.diag([0.1, 1e-4, 1e-5]),
        X=X, revenue=np.array([100.0, 200.0, 50.0]), price=price, gap=gap,
        segment=np.asarray(segment, dtype=object), churned=np.array([1.0, 0.0, 0.0]),
    )  # fmt: skip


def p(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_revenue_at_risk_by_hand() -> None:
    model = hand_model()
    # p̂ = 1/(1+exp(−(−2 + 0.05·gap + 0.02·price)))
    p1, p2, p3 = p(-2 + 0.5 + 0.4), p(-2 - 0.25 + 0.6), p(-2 + 0 + 0.8)
    np.testing.assert_allclose(model.probabilities(), [p1, p2, p3], rtol=1e-12)
    assert model.churn_rate()[0] == pytest.approx((p1 + p2 + p3) / 3, rel=1e-12)
    assert model.revenue_at_risk(12) == pytest.approx((p1 * 100 + p2 * 200 + p3 * 50) * 12, rel=1e-12)
    q1, q2, q3 = p(-2 + 0.4), p(-2 + 0.6), p(-2 + 0.8)  # gap 0
    assert model.gap_revenue_at_risk(12) == pytest.approx(
        ((p1 - q1) * 100 + (p2 - q2) * 200 + (p3 - q3) * 50) * 12, rel=1e-12
    )
    assert model.total_revenue(12) == pytest.approx(350 * 12)
    # price +10 %: price term moves, revenue scales with price
    r1, r2, r3 = p(-2 + 0.5 + 0.44), p(-2 - 0.25 + 0.66), p(-2 + 0.88)
    assert model.revenue_at_risk(6, price_factor=1.1) == pytest.approx(
        (r1 * 100 + r2 * 200 + r3 * 50) * 1.1 * 6, rel=1e-12
    )
    assert model.total_revenue(6, price_factor=1.1) == pytest.approx(350 * 1.1 * 6)
    t1, t2, t3 = p(-2 + 0.44), p(-2 + 0.66), p(-2 + 0.88)  # gap 0 at the new price
    assert model.gap_revenue_at_risk(6, price_factor=1.1) == pytest.approx(
        ((r1 - t1) * 100 + (r2 - t2) * 200 + (r3 - t3) * 50) * 1.1 * 6, rel=1e-12
    )
    # gap shifted by +4 and the gap part of it
    s1, s2, s3 = p(-2 + 0.7 + 0.4), p(-2 - 0.05 + 0.6), p(-2 + 0.2 + 0.8)
    assert model.gap_revenue_at_risk(1, gap_shift=4) == pytest.approx(
        (s1 - q1) * 100 + (s2 - q2) * 200 + (s3 - q3) * 50, rel=1e-12
    )
    assert model.revenue_at_risk(1, zero_gap=True) == pytest.approx(q1 * 100 + q2 * 200 + q3 * 50, rel=1e-12)
    assert model.gap_revenue_at_risk(1, zero_gap=True) == 0.0
    # one segment
    assert model.revenue_at_risk(1, segment="x") == pytest.approx(p1 * 100 + p3 * 50, rel=1e-12)
    assert model.churn_rate(segment="y")[0] == pytest.approx(p2, rel=1e-12)
    assert churn.revenue_without_model(np.array([100.0, np.nan, 50.0]), 12, 1.1) == pytest.approx(
        150 * 1.1 * 12
    )


def test_scenario_arguments_are_checked() -> None:
    model = hand_model()
    with pytest.raises(ValueGapError, match="segment 'z'"):
        model.churn_rate(segment="z")
    with pytest.raises(ValueGapError, match="price factor"):
        model.probabilities(price_factor=-1)
    with pytest.raises(ValueGapError, match="horizon"):
        model.revenue_at_risk(-1)


def test_model_pickles() -> None:
    model = synthetic_model()
    again = pickle.loads(pickle.dumps(model))
    assert again.churn_rate(price_factor=1.2) == model.churn_rate(price_factor=1.2)
    assert again.gap_sentence == model.gap_sentence


# --------------------------------------------------------------------------- properties

small = st.floats(-2, 2, allow_nan=False, allow_infinity=False)


@st.composite
def models(draw, *, positive_price: bool = False, zero_gap: bool = False) -> ChurnModel:
    n = draw(st.integers(1, 12))
    amounts = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    gap = np.zeros(n) if zero_gap else np.array(draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n)))
    price = np.array(draw(st.lists(amounts, min_size=n, max_size=n)))
    beta_price = draw(st.floats(0.0, 0.2)) if positive_price else draw(st.floats(-0.2, 0.2))
    params = np.array([draw(small), draw(st.floats(-0.1, 0.1)), beta_price])
    root = np.array(draw(st.lists(st.floats(-0.1, 0.1), min_size=9, max_size=9))).reshape(3, 3)
    return ChurnModel(
        terms=("const", "gap", "price"), params=params, cov=root @ root.T,
        X=np.column_stack([np.ones(n), gap, price]), revenue=np.array(draw(st.lists(amounts, min_size=n,
        max_size=n))), price=price, gap=gap, segment=np.full(n, "", dtype=object), churned=np.zeros(n),
    )  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(models())
def test_scenario_equal_to_today_gives_the_base_rate(model: ChurnModel) -> None:
    base = float(expit(model.X @ model.params).mean())
    rate, low, high = model.churn_rate(price_factor=1.0, gap_shift=0.0)
    assert rate == pytest.approx(base, rel=1e-12, abs=1e-15)
    assert model.churn_rate() == (rate, low, high)
    assert 0 <= low <= rate <= high <= 1


@settings(max_examples=100, deadline=None)
@given(models(positive_price=True), st.floats(0, 3), st.floats(0, 3))
def test_raising_price_never_lowers_churn(model: ChurnModel, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert model.churn_rate(price_factor=low)[0] <= model.churn_rate(price_factor=high)[0] + 1e-15
    assert (model.probabilities(price_factor=low) <= model.probabilities(price_factor=high) + 1e-15).all()


@settings(max_examples=100, deadline=None)
@given(models(zero_gap=True), st.floats(0, 3), st.integers(0, 60))
def test_gap_part_is_zero_when_every_gap_is_zero(model: ChurnModel, factor: float, horizon: int) -> None:
    assert model.gap_revenue_at_risk(horizon, price_factor=factor) == 0.0
    assert model.revenue_at_risk(horizon, price_factor=factor) == pytest.approx(
        model.revenue_at_risk(horizon, price_factor=factor, zero_gap=True)
    )


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
    assert fit.model.terms == ("const", "gap")
    assert any("same price (USD 49)" in note for note in fit.notes)
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
    assert fit.model is not None and fit.model.terms == ("const", "gap", "price")
    assert any("double price follows from the other terms" in note for note in fit.notes)


def test_gap_all_zero_gives_a_model_without_gap() -> None:
    data = synthetic(1500)
    frame = data.frame
    fit = fit_churn(ChurnData.from_arrays(frame["churned"], np.zeros(len(frame)), frame["price"]))
    model = fit.model
    assert model is not None and "gap" not in model.terms and model.gap_odds_ratio is None
    assert "cannot be estimated" in model.gap_sentence
    assert model.gap_revenue_at_risk(12, gap_shift=50) == 0.0
    no_nan(fit)


# --------------------------------------------------------------------------- the demo


def demo(slug: str):
    prop = dict(demo_propositions())[slug]
    summary = OutcomeSummary.build(pd.read_csv(DATA / f"outcomes/{slug}.csv"))
    raw = ingest.read_table((DATA / f"customers/{slug}.csv").read_bytes(), "customers.csv")
    customers = ingest.apply_mapping(raw, ingest.propose_mapping(raw)).customers
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
    assert model.gap_sentence.startswith("Each extra USD 10 of monthly value gap multiplies the odds")
    rate, band_low, band_high = model.churn_rate()
    assert band_low < customers["churned"].mean() < band_high
    assert model.churn_rate(gap_shift=20)[0] > rate
    assert model.churn_rate(price_factor=1.2)[0] > rate
    no_nan(fit)


def test_customers_left_out_are_counted_and_explained() -> None:
    prop, summary, customers = demo("invoicing-saas")
    extra = pd.DataFrame({"customer_id": ["NEW-1", "NEW-2"], "segment": ["agency"] * 2, "churned": [0, 1],
                          "revenue": [1.0, 2.0], "price": [49.0, 49.0], "tenure": [3.0, 4.0]})  # fmt: skip
    customers = pd.concat([customers, extra], ignore_index=True)
    customers["churned"] = customers["churned"].astype("Int8")
    customers.loc[0, "churned"] = pd.NA
    customers.loc[1, "price"] = np.nan
    customers.loc[2, "tenure"] = np.nan
    data = churn.churn_data(prop, summary, customers)
    assert (data.customers_in_table, data.matched, data.used) == (3002, 3000, 2997)
    text = " ".join(data.notes)
    assert "2 customers in the customer table have no outcomes" in text
    assert "1 customer has no churn flag (0 or 1) and is left out" in text
    assert "1 customer has no price" in text
    assert "1 customer has no tenure" in text
    assert "2 customers in the customer table have no outcomes for our offer and are left out" in text
    assert data.table_revenue.size == 3002


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
    assert best_of(lambda: model.gap_revenue_at_risk(24, price_factor=1.1, gap_shift=5)) < 0.005


def test_figures_of_a_scenario_equal_the_separate_answers():
    import numpy as np

    from valuegap.churn import ChurnData, fit_churn

    rng = np.random.default_rng(11)
    gap = rng.normal(5, 6, 600)
    price = rng.choice([20.0, 40.0, 60.0], 600)
    segment = rng.choice(["a", "b"], 600)
    churned = rng.random(600) < 1 / (1 + np.exp(-(-2 + 0.1 * gap + 0.02 * price)))
    model = fit_churn(ChurnData.from_arrays(churned, gap, price, price * 2, segment=segment)).model
    assert model is not None
    for args in ({}, {"price_factor": 1.3}, {"gap_shift": -4.0, "segment": "b"}):
        figures = model.figures(12, **args)
        assert (figures.rate, figures.low, figures.high) == pytest.approx(model.churn_rate(**args))
        assert figures.revenue_at_risk == pytest.approx(model.revenue_at_risk(12, **args))
        assert figures.gap_revenue_at_risk == pytest.approx(model.gap_revenue_at_risk(12, **args))
