"""Every exaggerated claim gets a defensible rewording or a reason in words why none can be given.

The demo's Cinemar proposition had two exaggerated claims and one suggestion: "Save R$ 30 a month
compared with cable TV" is set up with a promised 25 BRL/month, so the rewording found no number equal
to 25 in the copy and gave up without saying so. The copy's only number is the one customers read; the
defensible value (METHODS §3, the one-sided lower bound of the mean from Hall's transform) does not
depend on the number promised, so it replaces that number. Checked here against an independent
computation of Hall's bound with numpy and scipy.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from valuegap.evidence.analysis import analyze, needs_rewording
from valuegap.evidence.claim_tests import ArraySample, Verdict, run_claim_test
from valuegap.model import proposition_files
from valuegap.model.proposition import Claim
from valuegap.wording.checks import check_wording
from valuegap.wording.rewording import defensible_rewording, reword

ROOT = Path(__file__).resolve().parents[3]
ALPHA = 0.05


def hall_lower_bound(values: np.ndarray, alpha: float = ALPHA) -> float:
    """METHODS §1/§3 written out: x̄ − t(c)·s/√n with c = F⁻¹(1 − α) and Hall's inverse transform."""
    n = len(values)
    mean, s = values.mean(), values.std(ddof=1)
    gamma = np.mean((values - mean) ** 3) / s**3
    a = gamma / math.sqrt(n)
    c = stats.t.ppf(1 - alpha, n - 1)
    t_c = c if a == 0 else (3 / a) * (np.cbrt(1 + a * (c - a / 6)) - 1)
    return mean - t_c * s / math.sqrt(n)


def hall_p_better(values: np.ndarray, bar: float) -> float:
    """p of "the mean is better than ``bar``" by Hall's transform (higher is better)."""
    n = len(values)
    mean, s = values.mean(), values.std(ddof=1)
    a = (np.mean((values - mean) ** 3) / s**3) / math.sqrt(n)
    t = (mean - bar) / (s / math.sqrt(n))
    t_h = t + a * t**2 / 3 + a**2 * t**3 / 27 + a / 6
    return float(stats.t.sf(t_h, n - 1))


@pytest.fixture(scope="module")
def cinemar():
    prop = proposition_files.read(ROOT / "data/propositions/streaming-plan.yaml")
    outcomes = pd.read_csv(ROOT / "data/outcomes/streaming-plan.csv")
    return prop, outcomes, analyze(prop, outcomes, alpha=ALPHA)


def test_every_exaggerated_demo_claim_gets_a_rewording_or_a_reason(cinemar):
    _, _, analysis = cinemar
    exaggerated = [r for r in analysis.results if r.verdict.verdict is Verdict.exaggerated]
    assert {r.claim.id for r in exaggerated} == {"new-every-week", "save-vs-cable"}
    for result in analysis.results:
        assert (result.rewording is not None) == needs_rewording(result.verdict.verdict), result.claim.id
    for result in exaggerated:
        assert result.rewording.changed or result.rewording.reason, result.claim.id
        assert result.rewording.changed, (result.claim.id, result.rewording.reason)


def test_the_save_vs_cable_claim_is_reworded_at_hall_s_lower_bound(cinemar):
    prop, outcomes, analysis = cinemar
    claim = prop.claim("save-vs-cable")
    assert claim.claimed == 25 and "R$ 30" in claim.text  # the copy and the claim disagree
    rows = outcomes[(outcomes["metric"] == "monthly_saving_brl") & (outcomes["offer"] != "StreamMax")]
    per_customer = rows.groupby("customer_id")["value"].mean().to_numpy()  # one value per customer
    bound = hall_lower_bound(per_customer)
    result = next(r for r in analysis.results if r.claim.id == "save-vs-cable")
    assert result.verdict.test.defensible == pytest.approx(bound, rel=1e-9)
    # the copy wrote a whole number of reais: rounded down to one, the safe side of a saving
    written = math.floor(bound)
    assert result.rewording.text == f"Save R$ {written} a month compared with cable TV"
    assert result.rewording.value == written and result.rewording.substantiated is True
    assert "“R$ 30”" in result.rewording.reason and "25 BRL/month" in result.rewording.reason
    # independently: the reworded claim (its value, no tolerance) is substantiated on the same data
    assert hall_p_better(per_customer, written) < ALPHA
    # and its copy no longer disagrees with its value
    assert not check_wording(result.rewording.text, form="average", claimed=written, unit=claim.unit)


def _claim(text: str, **fields) -> Claim:  # type: ignore[no-untyped-def]
    base = {"id": "c", "text": text, "benefit": "money", "form": "average", "metric": "m", "claimed": 5.0}
    return Claim.model_validate({**base, **fields})


def test_a_saving_not_measurably_above_zero_is_to_be_dropped():
    values = np.random.default_rng(3).normal(-0.5, 4.0, 300)
    assert hall_lower_bound(values) < 0  # the independent bound: no positive saving is shown
    claim = _claim("Save $5 a month")
    sample = ArraySample.of(values)
    test = run_claim_test(claim, sample)
    result = defensible_rewording(claim, test.defensible, sample)
    assert not result.changed and result.text == claim.text
    assert result.reason == (
        "the data do not show an average above zero, so no smaller promise holds either; drop the claim"
    )


def test_a_share_nobody_reaches_is_to_be_dropped():
    claim = _claim("95% of customers save $5", form="share", share=0.95)
    sample = ArraySample.of(np.linspace(0.0, 4.0, 200))  # nobody reaches $5
    test = run_claim_test(claim, sample)
    result = defensible_rewording(claim, test.defensible, sample)
    assert not result.changed and "drop the claim" in result.reason


def test_a_lone_copy_number_that_differs_from_the_claim_is_the_one_reworded():
    claim = _claim("Cut your bill by $40 a month", claimed=35.0)
    result = reword(claim, 21.7)
    assert result.changed and result.text == "Cut your bill by $21 a month"
    assert result.reason == (
        "40 → 21, rounded down to stay defensible (the copy said “$40” while the claim promised 35)"
    )
    share = _claim("90% of orders arrive on time", form="share", share=0.95, claimed=1.0)
    result = reword(share, 0.812)
    assert result.changed and result.text == "81% of orders arrive on time" and result.value == 0.81


@pytest.mark.parametrize(
    ("text", "fields", "words"),
    [
        ("Save $30 a month on 2 screens", {},
         "the copy's numbers (“$30”, “2”) differ from the claim's promised 5"),
        ("Saves 2 days a month", {"claimed": 30.0, "unit": "hours"},
         "the copy says “2” while the claim promises 30 hours"),
        ("Save 30% on heating", {"claimed": 0.25}, "the copy says “30%” while the claim promises 0.25"),
        ("Save lots", {}, "the copy has no number for the promised 5"),
    ],
)  # fmt: skip
def test_a_copy_number_that_cannot_be_read_as_the_claim_s_gives_a_reason(text, fields, words):
    result = reword(_claim(text, **fields), 3.3)
    assert not result.changed and result.text == text and result.reason.startswith(words)


def test_reasons_for_forms_without_a_number_and_for_too_few_customers():
    parity = _claim("As good as Rival", form="parity", competitor="Rival", ratio=1.0, claimed=1.0)
    assert "holds or it does not" in defensible_rewording(parity, None, ArraySample.of([1.0, 2.0])).reason
    up_to = _claim("Save up to $5", form="up_to")
    few = ArraySample.of(np.arange(1.0, 21.0))
    result = defensible_rewording(up_to, run_claim_test(up_to, few).defensible, few)
    assert not result.changed and "20 customers" in result.reason and "29" in result.reason
    assert "no measured outcomes" in defensible_rewording(_claim("Save $5"), None, None).reason


def test_a_reason_reads_in_plain_words():
    reasons = [
        reword(_claim("Save lots"), 3.0).reason,
        reword(_claim("As good as Rival", form="parity", competitor="Rival", ratio=1.0), 1.0).reason,
        reword(_claim("Best", form="puffery", claimed=None, metric=None), 1.0).reason,
    ]
    for reason in reasons:
        assert "_" not in reason and "None" not in reason and "parity" not in reason, reason
