"""The demo workspace: valid propositions, byte-identical output, data/ made by the generator, and the
planted evidence coming out as data/README.md says (checked with scipy, independently of the app)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from scipy import stats
from statsmodels.stats.multitest import multipletests

from valuegap.model import proposition_files
from valuegap.model.proposition import (
    AccessKind,
    AccessUnit,
    BenefitKind,
    ClaimForm,
    Direction,
    Frequency,
    Proposition,
)
from valuegap.wording.checks import check_claim
from valuegap.workspace.demo import DEMO_SEED, demo_propositions, write_demo

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
SLUGS = ["invoicing-saas", "streaming-plan", "energy-retrofit"]
OUTCOME_COLUMNS = ["customer_id", "metric", "value", "segment", "offer", "observed_at"]
ALPHA = 0.05

# What data/README.md promises for each claim (whole customer base, Holm across a proposition's claims).
PLANTED = {
    "invoicing-saas": {
        "admin-time": "substantiated",
        "paid-faster": "exaggerated",
        "first-invoice": "substantiated",
        "month-end": "inconclusive",
        "card-payments": "inconclusive",
        "vs-invoicehub": "exaggerated",
        "effortless": "not testable",
    },
    "streaming-plan": {
        "evening-rating": "substantiated",
        "new-every-week": "exaggerated",
        "instant-start": "substantiated",
        "vs-streammax": "substantiated",
        "quality-parity": "substantiated",
        "save-vs-cable": "exaggerated",
        "best-choice": "not testable",
    },
    "energy-retrofit": {
        "heating-bill": "exaggerated",
        "kwh-saved": "substantiated",
        "install-days": "exaggerated",
        "home-value": "inconclusive",
        "warmer": "substantiated",
        "future-proof": "not testable",
    },
}
# Claims that hold for the whole base but not for one segment, or the other way round.
PLANTED_BY_SEGMENT = [
    ("invoicing-saas", "admin-time", "freelancer", "exaggerated"),
    ("invoicing-saas", "admin-time", "agency", "substantiated"),
    ("streaming-plan", "evening-rating", "students", "exaggerated"),
    ("streaming-plan", "save-vs-cable", "families", "substantiated"),
    ("energy-retrofit", "kwh-saved", "apartment", "exaggerated"),
    ("energy-retrofit", "install-days", "apartment", "substantiated"),
]
# Wording rules each claim's copy is planted to trip (every other claim is clean copy).
PLANTED_WORDING = {
    "paid-faster": {"absolute"},
    "vs-invoicehub": {"establishment"},
    "instant-start": {"absolute"},
    "save-vs-cable": {"number_mismatch"},
    "best-choice": {"superlative"},
    "heating-bill": {"up_to"},
    "home-value": {"establishment"},
    "future-proof": {"absolute", "puffery_objective"},
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(out)
    return out


@pytest.fixture(scope="module")
def props() -> dict[str, Proposition]:
    return dict(demo_propositions())


def files_under(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def ours_name(fresh: Path, slug: str) -> str:
    offers = yaml.safe_load((fresh / "competitors" / f"{slug}.yaml").read_text(encoding="utf-8"))["offers"]
    (name,) = [offer["name"] for offer in offers if offer["ours"]]
    return name


@functools.cache
def per_customer(fresh: Path, slug: str) -> pd.DataFrame:
    """One value per (offer, segment, customer, metric): repeated observations averaged, as ingest does."""
    outcomes = pd.read_csv(fresh / "outcomes" / f"{slug}.csv")
    return outcomes.groupby(["offer", "segment", "customer_id", "metric"], as_index=False)["value"].mean()


# --------------------------------------------------------------------------- files


def test_propositions_validate_and_round_trip(props):
    assert list(props) == SLUGS
    assert len({prop.name for prop in props.values()}) == 3
    for prop in props.values():
        assert proposition_files.loads(proposition_files.dumps(prop)) == prop
        assert len(prop.claims) >= 6


def test_write_demo_is_byte_identical_across_runs(tmp_path):
    first = write_demo(tmp_path / "a")
    second = write_demo(tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert all(path.is_file() for path in first)
    a, b = files_under(tmp_path / "a"), files_under(tmp_path / "b")
    assert len(a) == len(first) == 16
    assert a == b
    assert all(b"\r" not in content for content in a.values())


def test_repo_data_is_exactly_the_generator_output(fresh):
    generated = files_under(fresh)
    in_repo = files_under(DATA)
    assert set(in_repo) - set(generated) == {"README.md"}, "data/ holds files the generator does not write"
    for name, content in generated.items():
        assert in_repo.get(name) == content, f"data/{name} differs from write_demo(); run `valuegap demo`"
    assert sum(len(content) for content in in_repo.values()) < 8_000_000


def test_proposition_files_are_the_exporter_text(fresh, props):
    for slug, prop in props.items():
        text = (fresh / "propositions" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert text == yaml.safe_dump(prop.to_dict(), sort_keys=False, allow_unicode=True)
        assert proposition_files.loads(text) == prop


def test_readme_documents_every_file_column_and_the_seed(fresh):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert str(DEMO_SEED) in readme and "valuegap demo --out data" in readme
    for name in files_under(fresh):
        assert name in readme, f"data/README.md does not mention {name}"
        if name.endswith(".csv"):
            for column in pd.read_csv(fresh / name, nrows=1).columns:
                assert f"`{column}`" in readme, f"data/README.md does not document column {column} of {name}"
    for claims in PLANTED.values():
        for claim_id in claims:
            assert f"`{claim_id}`" in readme


# --------------------------------------------------------------------------- what the propositions cover


def test_every_form_direction_benefit_and_access_kind_occurs(props):
    claims = [claim for prop in props.values() for claim in prop.claims]
    assert {claim.form for claim in claims} == set(ClaimForm)
    measured = [claim for claim in claims if claim.form is not ClaimForm.puffery]
    assert {claim.direction for claim in measured} == set(Direction)
    assert {claim.benefit for claim in claims} == set(BenefitKind)
    items = [item for prop in props.values() for item in prop.cost_of_access]
    assert {item.kind for item in items} == set(AccessKind)
    assert {item.unit for item in items} == set(AccessUnit)
    assert {item.frequency for item in items} == set(Frequency)
    assert any(claim.money_per_unit for claim in claims)


def test_wording_problems_are_planted_where_documented(props):
    for prop in props.values():
        for claim in prop.claims:
            rules = {flag.rule for flag in check_claim(claim)}
            assert rules == PLANTED_WORDING.get(claim.id, set()), claim.id


def test_claim_metrics_and_competitors_exist_in_the_data(fresh, props):
    for slug, prop in props.items():
        outcomes = pd.read_csv(fresh / "outcomes" / f"{slug}.csv")
        ours = ours_name(fresh, slug)
        offers = yaml.safe_load((fresh / "competitors" / f"{slug}.yaml").read_text(encoding="utf-8"))
        names = {offer["name"] for offer in offers["offers"]}
        for claim in prop.claims:
            if claim.form is ClaimForm.puffery:
                continue
            assert ((outcomes.metric == claim.metric) & (outcomes.offer == ours)).any(), claim.id
            if claim.competitor:
                assert claim.competitor in names
                rival = outcomes[(outcomes.metric == claim.metric) & (outcomes.offer == claim.competitor)]
                assert rival.customer_id.nunique() >= 300, claim.id
        assert set(outcomes.offer) <= names


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize("slug", SLUGS)
def test_outcomes_are_long_form_with_repeats(fresh, slug):
    outcomes = pd.read_csv(fresh / "outcomes" / f"{slug}.csv", dtype={"observed_at": str})
    assert list(outcomes.columns) == OUTCOME_COLUMNS
    assert outcomes.notna().all().all()
    assert outcomes.observed_at.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    pd.to_datetime(outcomes.observed_at, format="%Y-%m-%d")  # real dates
    repeats = outcomes.groupby(["customer_id", "metric"]).size()
    assert (repeats > 1).sum() > 500 and (repeats == 1).sum() > 500
    assert outcomes.groupby("customer_id").segment.nunique().max() == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_customers_have_segments_churn_and_survey_items(fresh, slug):
    customers = pd.read_csv(fresh / "customers" / f"{slug}.csv")
    assert list(customers.columns[:6]) == ["customer_id", "segment", "churned", "revenue", "price", "tenure"]
    assert 2000 <= len(customers) <= 4000 and customers.customer_id.is_unique
    assert customers.segment.nunique() == 3 and customers.segment.value_counts().min() > 300
    assert set(customers.churned.unique()) == {0, 1}
    assert 0.05 <= customers.churned.mean() <= 0.25
    assert (customers.price > 0).all() and (customers.revenue >= customers.price).all()
    assert customers.tenure.dtype.kind == "i" and (customers.tenure >= 1).all()
    survey = list(customers.columns[6:])
    items = [column.removeprefix("expected_") for column in survey if column.startswith("expected_")]
    assert 2 <= len(items) <= 3
    assert survey == [f"{kind}_{item}" for item in items for kind in ("expected", "experienced")]
    scores = customers[survey]
    assert (scores.dtypes.map(lambda dtype: dtype.kind) == "i").all()
    assert scores.isin(range(1, 8)).all().all()
    ours = ours_name(fresh, slug)
    outcomes = pd.read_csv(fresh / "outcomes" / f"{slug}.csv")
    measured = outcomes[outcomes.offer == ours][["customer_id", "segment"]].drop_duplicates()
    joined = measured.merge(customers, on="customer_id", how="left", suffixes=("", "_table"))
    assert (joined.segment == joined.segment_table).all()


@pytest.mark.parametrize("slug", SLUGS)
def test_competitor_weights_sum_to_100_and_every_offer_is_scored(fresh, slug):
    data = yaml.safe_load((fresh / "competitors" / f"{slug}.yaml").read_text(encoding="utf-8"))
    assert set(data) == {"attributes", "offers"}
    weights = data["attributes"]
    assert sum(weights.values()) == 100 and all(weight > 0 for weight in weights.values())
    assert 4 <= len(data["offers"]) <= 5
    assert sum(offer["ours"] for offer in data["offers"]) == 1
    for offer in data["offers"]:
        assert set(offer) == {"name", "price", "ours", "scores"}
        assert set(offer["scores"]) == set(weights), offer["name"]
        assert all(1 <= score <= 10 for score in offer["scores"].values())
    prices = [offer["price"] for offer in data["offers"]]
    quality = [sum(weights[k] * s for k, s in offer["scores"].items()) for offer in data["offers"]]
    assert max(prices) / min(prices) > 1.5
    assert np.corrcoef(prices, quality)[0, 1] > 0.5  # a fair-value line is meaningful


@pytest.mark.parametrize("slug", ["invoicing-saas", "streaming-plan"])
def test_price_surveys(fresh, slug):
    vw = pd.read_csv(fresh / "surveys" / f"{slug}_van_westendorp.csv")
    assert list(vw.columns) == ["respondent_id", "too_cheap", "cheap", "expensive", "too_expensive"]
    assert 300 <= len(vw) <= 500 and vw.respondent_id.is_unique
    assert (vw.drop(columns="respondent_id") > 0).all().all()
    consistent = (vw.too_cheap < vw.cheap) & (vw.cheap < vw.expensive) & (vw.expensive < vw.too_expensive)
    assert 0.01 <= 1 - consistent.mean() <= 0.06
    gg = pd.read_csv(fresh / "surveys" / f"{slug}_gabor_granger.csv")
    assert list(gg.columns) == ["respondent_id", "max_price"]
    assert 250 <= len(gg) <= 400 and (gg.max_price > 0).all()
    tested = np.sort(gg.max_price.unique())
    revenue = [price * (gg.max_price >= price).mean() for price in tested]
    assert 0 < int(np.argmax(revenue)) < len(tested) - 1  # an interior revenue-maximising price


# --------------------------------------------------------------------------- planted evidence


def p_sides(form: str, claim, x: np.ndarray, rival: np.ndarray | None) -> tuple[float, float]:
    """(p_worse, p_better) by METHODS.md section 1, written straight from scipy."""
    C, tol, lower = claim.claimed, claim.tolerance, claim.direction is Direction.lower
    threshold = C + tol * abs(C) if lower else C - tol * abs(C)
    worse, better = ("greater", "less") if lower else ("less", "greater")
    if form == "average":
        return (
            stats.ttest_1samp(x, threshold, alternative=worse).pvalue,
            stats.ttest_1samp(x, threshold, alternative=better).pvalue,
        )
    if form in {"median", "up_to", "share"}:
        bar, p0 = {
            "median": (threshold, 0.5),
            "up_to": (C, 0.9),
            "share": (C, (claim.share or 0) * (1 - tol)),
        }[form]
        hits = int((x <= bar).sum() if lower else (x >= bar).sum())
        return (
            stats.binomtest(hits, x.size, p0, alternative="less").pvalue,
            stats.binomtest(hits, x.size, p0, alternative="greater").pvalue,
        )
    assert rival is not None
    if form == "comparative":
        scaled = claim.ratio * (1 - tol) * rival
        return (
            stats.ttest_ind(x, scaled, equal_var=False, alternative="less").pvalue,
            stats.ttest_ind(x, scaled, equal_var=False, alternative="greater").pvalue,
        )
    margin = tol * rival.mean()  # parity: TOST, only ever substantiated or inconclusive
    tost = max(
        stats.ttest_ind(x, rival - margin, equal_var=False, alternative="greater").pvalue,
        stats.ttest_ind(x, rival + margin, equal_var=False, alternative="less").pvalue,
    )
    return 1.0, tost


def verdicts(fresh: Path, slug: str, prop: Proposition, segment: str | None = None) -> dict[str, tuple]:
    values = per_customer(fresh, slug)
    if segment is not None:
        values = values[values.segment == segment]
    ours = ours_name(fresh, slug)
    tested, raw = [], []
    result: dict[str, tuple] = {}
    for claim in prop.claims:
        if claim.form is ClaimForm.puffery:
            result[claim.id] = ("not testable", None)
            continue
        of_metric = values[values.metric == claim.metric]
        x = of_metric[of_metric.offer == ours].value.to_numpy()
        rival = of_metric[of_metric.offer == claim.competitor].value.to_numpy() if claim.competitor else None
        p_worse, p_better = p_sides(claim.form.value, claim, x, rival)
        tested.append((claim.id, "worse" if p_worse < p_better else "better"))
        raw.append(min(p_worse, p_better))
    adjusted = multipletests(raw, method="holm")[1]
    for (claim_id, side), p_raw, p_adj in zip(tested, raw, adjusted, strict=True):
        verdict = (
            "inconclusive" if p_adj >= ALPHA else ("exaggerated" if side == "worse" else "substantiated")
        )
        result[claim_id] = (verdict, p_raw)
    return result


@pytest.mark.parametrize("slug", SLUGS)
def test_planted_verdicts_come_out_as_documented(fresh, props, slug):
    found = verdicts(fresh, slug, props[slug])
    assert {claim_id: verdict for claim_id, (verdict, _) in found.items()} == PLANTED[slug]
    for claim_id, (verdict, p_raw) in found.items():
        if verdict in {"substantiated", "exaggerated"}:
            assert p_raw < 1e-6, f"{claim_id} is not clearly {verdict} (p = {p_raw:.2g})"
        elif verdict == "inconclusive":
            assert p_raw > ALPHA, f"{claim_id} is significant before correction: not a borderline case"


def test_segments_tell_a_different_story(fresh, props):
    for slug, claim_id, segment, expected in PLANTED_BY_SEGMENT:
        verdict, p_raw = verdicts(fresh, slug, props[slug], segment)[claim_id]
        assert (verdict, p_raw < 1e-4) == (expected, True), (slug, claim_id, segment)


def test_borderline_claims_rest_on_few_customers_or_sit_at_the_threshold(fresh, props):
    values = per_customer(fresh, "invoicing-saas")
    assert (values.metric == "card_paid_invoices").sum() < 50
    assert 300 <= (values.metric == "month_end_hours_saved").sum() <= 600
    assert (per_customer(fresh, "energy-retrofit").metric == "home_value_uplift_pct").sum() < 50


@pytest.mark.parametrize(
    ("slug", "monetary"),
    [
        ("invoicing-saas", {"admin_hours_saved": 45.0, "days_sooner_paid": 4.0}),
        ("streaming-plan", {"monthly_saving_brl": 1.0}),
        ("energy-retrofit", {"kwh_saved_per_month": 0.3}),
    ],
)
def test_churn_rises_with_the_value_gap_and_the_price(fresh, props, slug, monetary):
    """METHODS.md 7: Logit(churned ~ gap + price + tenure) finds positive gap and price effects."""
    customers = pd.read_csv(fresh / "customers" / f"{slug}.csv").set_index("customer_id")
    values = per_customer(fresh, slug).pivot_table(index="customer_id", columns="metric", values="value")
    claims = {claim.metric: claim for claim in props[slug].claims}
    gap = sum(
        (claims[metric].claimed - values[metric].reindex(customers.index)) * money
        for metric, money in monetary.items()
    )
    assert gap.notna().all()
    design = sm.add_constant(
        pd.DataFrame({"gap": gap / 100, "price": customers.price, "log_tenure": np.log(customers.tenure)})
    )
    fit = sm.Logit(customers.churned, design).fit(disp=0)
    assert fit.params["gap"] > 0 and fit.pvalues["gap"] < 1e-6
    assert fit.params["price"] > 0 and fit.pvalues["price"] < 1e-3


@pytest.mark.parametrize("slug", SLUGS)
def test_experience_falls_short_of_expectation_on_some_items(fresh, slug):
    customers = pd.read_csv(fresh / "customers" / f"{slug}.csv")
    items = [column.removeprefix("expected_") for column in customers if column.startswith("expected_")]
    gaps = {item: (customers[f"experienced_{item}"] - customers[f"expected_{item}"]).mean() for item in items}
    assert min(gaps.values()) < -0.3 and max(gaps.values()) > -0.3, gaps


def test_ids_and_offers_follow_the_documented_scheme(fresh):
    patterns = {"invoicing-saas": r"(INV|IH)", "streaming-plan": r"(STR|SM)", "energy-retrofit": r"NRG"}
    for slug, prefix in patterns.items():
        outcomes = pd.read_csv(fresh / "outcomes" / f"{slug}.csv")
        assert outcomes.customer_id.str.fullmatch(prefix + r"-\d{5}").all()
        assert re.fullmatch(r"[A-Za-z]+", ours_name(fresh, slug))
