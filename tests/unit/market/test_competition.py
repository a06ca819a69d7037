"""The customer value map (METHODS.md section 6) against hand computations and numpy least squares."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuegap.errors import InvalidInput, ValueGapError
from valuegap.market import offer_files
from valuegap.market.competition import (
    Offers,
    fit_fair_value_line,
    measured_scores,
    parse_offers,
    relative_performance,
    shift_in_money,
    standings,
    value_map,
)

ROOT = Path(__file__).resolve().parents[3]


def offers(
    *rows: tuple[str, float, dict[str, float]], weights: dict[str, float] | None = None, ours: str = ""
) -> Offers:
    weights = weights or {"speed": 60, "support": 40}
    return parse_offers(
        {
            "attributes": weights,
            "offers": [{"name": n, "price": p, "ours": n == ours, "scores": s} for n, p, s in rows],
        }
    )


SMALL = offers(
    ("Us", 30, {"speed": 8, "support": 6}),
    ("Rival", 20, {"speed": 4, "support": 6}),
    ("Cheap", 10, {"speed": 4, "support": 3}),
    ours="Us",
)


def test_a_small_market_matches_the_hand_computation():
    result = value_map(SMALL)
    # r_jk = s_jk / mean of the others' scores on k
    r = {
        "Us": (8 / ((4 + 4) / 2), 6 / ((6 + 3) / 2)),
        "Rival": (4 / ((8 + 4) / 2), 6 / ((6 + 3) / 2)),
        "Cheap": (4 / ((8 + 4) / 2), 3 / ((6 + 6) / 2)),
    }
    q = {name: (60 * a + 40 * b) / 100 for name, (a, b) in r.items()}
    price = {"Us": 30 / 15, "Rival": 20 / 20, "Cheap": 10 / 25}
    for name in r:
        assert result.relative.loc[name, "speed"] == pytest.approx(r[name][0])
        assert result.relative.loc[name, "support"] == pytest.approx(r[name][1])
        assert result.position(name).quality_ratio == pytest.approx(q[name])
        assert result.position(name).relative_price == pytest.approx(price[name])
    # OLS through three points, by the textbook formulas
    qs, ps = [q[n] for n in r], [price[n] for n in r]
    q_bar, p_bar = sum(qs) / 3, sum(ps) / 3
    slope = sum((a - q_bar) * (b - p_bar) for a, b in zip(qs, ps, strict=True)) / sum(
        (a - q_bar) ** 2 for a in qs
    )
    assert result.line is not None
    assert result.line.slope == pytest.approx(slope)
    assert result.line.intercept == pytest.approx(p_bar - slope * q_bar)


def _perpendicular(intercept: float, slope: float, q: float, r: float) -> float:
    """Signed distance from (q, r) to the line by projecting onto it: positive below the line."""
    point, origin, direction = np.array([q, r]), np.array([0.0, intercept]), np.array([1.0, slope])
    direction /= np.linalg.norm(direction)
    offset = point - origin
    foot = origin + direction * (offset @ direction)
    distance = float(np.linalg.norm(point - foot))
    return distance if r < intercept + slope * q else -distance


def _independent_map(rows, weights):  # type: ignore[no-untyped-def]
    """Q and R by the definitions of METHODS §6, offer by offer in plain Python."""
    q, r = [], []
    for j, (price, scores) in enumerate(rows):
        others = [row for i, row in enumerate(rows) if i != j]
        ratios = {k: scores[k] / (sum(o[1][k] for o in others) / len(others)) for k in weights}
        q.append(sum(weights[k] * ratios[k] for k in weights) / 100)
        r.append(price / (sum(o[0] for o in others) / len(others)))
    return np.array(q), np.array(r)


def _point_to_line(intercept: float, slope: float, q: float, r: float) -> float:
    """Distance from (q, r) to the line slope·Q − R + intercept = 0, |A·x + B·y + C| / √(A² + B²),
    signed positive below the line (cheaper than fair)."""
    distance = abs(slope * q - r + intercept) / math.hypot(slope, -1.0)
    return distance if r < intercept + slope * q else -distance


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(1, 500),
            st.floats(0.5, 10),
            st.floats(0.5, 10),
            st.floats(0.5, 10),
        ),
        min_size=3,
        max_size=8,
    )
)
def test_the_value_map_matches_an_independent_computation(rows):
    """Q and R by hand, the line by statsmodels OLS and numpy.polyfit, the value advantage by the
    point-to-line formula and by projection, the zone from statsmodels' residual variance."""
    from statsmodels.regression.linear_model import OLS

    weights = {"a": 50, "b": 30, "c": 20}
    market = offers(
        *((f"o{i}", p, {"a": a, "b": b, "c": c}) for i, (p, a, b, c) in enumerate(rows)), weights=weights
    )
    result = value_map(market)
    q_hand, r_hand = _independent_map([(p, {"a": a, "b": b, "c": c}) for p, a, b, c in rows], weights)
    q = np.array([p.quality_ratio for p in result.positions])
    r = np.array([p.relative_price for p in result.positions])
    np.testing.assert_allclose(q, q_hand, rtol=1e-12)
    np.testing.assert_allclose(r, r_hand, rtol=1e-12)
    if result.line is None:
        assert np.ptp(q) < 1e-6 or np.ptp(r) < 1e-6
        return
    fit = OLS(r_hand, np.column_stack([np.ones_like(q_hand), q_hand])).fit()
    intercept, slope = fit.params
    assert result.line.intercept == pytest.approx(intercept, rel=1e-6, abs=1e-9)
    assert result.line.slope == pytest.approx(slope, rel=1e-6, abs=1e-9)
    assert np.polyfit(q_hand, r_hand, 1) == pytest.approx([slope, intercept], rel=1e-6, abs=1e-9)
    distances = []
    for position in result.positions:
        expected = _point_to_line(intercept, slope, position.quality_ratio, position.relative_price)
        assert expected == pytest.approx(
            _perpendicular(intercept, slope, position.quality_ratio, position.relative_price), abs=1e-9
        )
        assert position.value_advantage == pytest.approx(expected, rel=1e-6, abs=1e-9)
        distances.append(expected)
    if len(rows) < 4:
        assert result.line.zone is None
        return
    # one standard deviation of the perpendicular distances, n − 2 degrees of freedom: by hand around
    # their mean, and from statsmodels' residual variance (Σe² / (n − 2)) turned perpendicular
    d = np.array(distances)
    by_hand = math.sqrt(float(((d - d.mean()) ** 2).sum()) / (len(d) - 2))
    assert fit.df_resid == len(d) - 2
    assert result.line.zone == pytest.approx(by_hand, rel=1e-6, abs=1e-9)
    assert result.line.zone == pytest.approx(math.sqrt(fit.scale / (1 + slope**2)), rel=1e-6, abs=1e-9)


def test_two_offers_give_ratios_but_no_line():
    result = value_map(
        offers(("Us", 40, {"speed": 9, "support": 3}), ("Them", 20, {"speed": 3, "support": 6}))
    )
    assert result.relative.loc["Us", "speed"] == pytest.approx(3.0)
    assert result.relative.loc["Them", "support"] == pytest.approx(2.0)
    assert result.position("Us").relative_price == pytest.approx(2.0)
    assert result.position("Them").quality_ratio == pytest.approx(0.6 / 3 + 0.4 * 2)
    assert result.line is None and "at least 3 offers" in result.no_line_reason
    assert all(p.value_advantage is None for p in result.positions)


def test_identical_offers_sit_at_parity_and_no_line_is_fitted():
    same = {"speed": 5, "support": 5}
    result = value_map(offers(("A", 10, same), ("B", 10, same), ("C", 10, same)))
    assert all(
        p.quality_ratio == pytest.approx(1) and p.relative_price == pytest.approx(1) for p in result.positions
    )
    assert result.line is None and "same quality ratio" in result.no_line_reason


def test_the_same_price_everywhere_fits_no_line():
    result = value_map(
        offers(
            ("A", 10, {"speed": 5, "support": 5}),
            ("B", 10, {"speed": 7, "support": 5}),
            ("C", 10, {"speed": 3, "support": 5}),
        )
    )
    assert result.line is None and "same relative price" in result.no_line_reason


def test_with_one_attribute_quality_is_that_attributes_ratio():
    result = value_map(
        offers(("A", 10, {"only": 2}), ("B", 20, {"only": 4}), ("C", 30, {"only": 9}), weights={"only": 100})
    )
    assert result.position("B").quality_ratio == pytest.approx(4 / 5.5)
    assert result.position("C").quality_ratio == pytest.approx(9 / 3)


def test_a_perfect_fit_has_a_zone_of_width_zero_and_no_advantage():
    line, reason = fit_fair_value_line([0.5, 1.0, 1.5, 2.0], [0.6, 1.0, 1.4, 1.8])
    assert reason is None and line.zone == pytest.approx(0, abs=1e-12)
    assert line.advantage(1.0, 1.0) == pytest.approx(0, abs=1e-12)


def test_the_zone_of_four_offers_by_hand():
    # two offers 1 above and 1 below R = 2Q − 1 at Q = 0 and at Q = 1: the OLS line is R = 2Q − 1
    line, _ = fit_fair_value_line([0.0, 0.0, 1.0, 1.0], [0.0, -2.0, 2.0, 0.0])
    assert (line.intercept, line.slope) == (pytest.approx(-1.0), pytest.approx(2.0))
    # every vertical residual is ±1, so every perpendicular distance is ±1/√5 (mean 0): Σd² = 4/5
    # over n − 2 = 2 degrees of freedom
    assert line.zone == pytest.approx(math.sqrt((4 / 5) / 2), rel=1e-12)
    assert line.zone_text == (
        "the fair-value zone is ±0.632 around it (one standard deviation of the offers' distances from "
        "the line)"
    )


def test_three_offers_get_a_line_but_no_zone():
    from valuegap.market import charts

    result = value_map(SMALL)
    assert result.line is not None and result.line.zone is None and result.line.offers == 3
    assert result.line.zone_text == "no fair-value zone is drawn: it needs at least 4 offers and there are 3"
    assert "within the zone" not in set(charts.positions_frame(result)["fair_value"])
    chart = charts.value_map_chart(result).to_dict()
    assert '"area"' not in json.dumps(chart) and '"low"' not in json.dumps(chart)
    four = offers(
        *[(o.name, o.price, dict(o.scores)) for o in SMALL.offers], ("Dear", 60, {"speed": 6, "support": 5})
    )
    assert '"area"' in json.dumps(charts.value_map_chart(value_map(four)).to_dict())


def test_measured_scores_move_only_our_offer_and_the_shift_has_a_closed_form():
    delivery = {"hours_saved": 0.5}
    scores = measured_scores(SMALL, {"speed": "hours_saved", "support": "unmeasured"}, delivery)
    assert scores == {"speed": 4.0}
    result = value_map(SMALL, scores)
    claimed, measured = result.claimed, result.measured
    assert claimed.version == "claimed" and measured.version == "measured"
    assert measured.relative_price == claimed.relative_price
    # only the speed score changed, from 8 to 4, against the others' mean of 4: ΔQ = 0.6 × (4 − 8) / 4
    assert measured.quality_ratio - claimed.quality_ratio == pytest.approx(0.6 * (4 - 8) / 4)
    assert result.position("Rival") == value_map(SMALL).position("Rival")  # the market stays as claimed
    money = shift_in_money(result)
    assert money == pytest.approx(result.line.slope * (0.6 * (4 - 8) / 4) * (20 + 10) / 2)
    assert money < 0


def test_measured_scores_never_go_below_zero_and_ignore_missing_delivery():
    assert measured_scores(SMALL, {"speed": "m"}, {"m": -2.0}) == {"speed": 0.0}
    assert measured_scores(SMALL, {"speed": "m"}, {"m": None}) == {}
    assert measured_scores(SMALL, {"speed": "m"}, {"m": math.nan}) == {}


def test_measured_scores_are_capped_at_the_scale_maximum_and_ratings_come_first():
    # speed is claimed at 8: delivered 1.25× it is 10, capped at a scale maximum of 9
    assert measured_scores(SMALL, {"speed": "m"}, {"m": 1.25}) == {"speed": 10.0}
    assert measured_scores(SMALL, {"speed": "m"}, {"m": 1.25}, maximum={"speed": 9}) == {"speed": 9.0}
    # customers' own rating of support (5.5) is its measured score, linked or not
    rated = measured_scores(SMALL, {"speed": "m", "support": "m"}, {"m": 0.5}, ratings={"support": 5.5})
    assert rated == {"speed": 4.0, "support": 5.5}
    assert measured_scores(SMALL, {}, {}, ratings={"support": 12.0}, maximum={"support": 10}) == {
        "support": 10.0
    }
    assert measured_scores(SMALL, {"speed": "m"}, {"m": 0.5}, ratings={"speed": math.nan}) == {"speed": 4.0}


LOWER_IS_BETTER = [
    {
        "id": "setup", "text": "Set up in 2 days", "benefit": "time", "form": "average",
        "metric": "setup_days", "claimed": 2.0, "unit": "days", "direction": "lower",
    },
    {
        "id": "half", "text": "Onboarding takes half the time of Rival", "benefit": "time",
        "form": "comparative", "metric": "onboard_hours", "claimed": 0.0, "ratio": 0.5,
        "competitor": "Rival", "unit": "hours", "direction": "lower",
    },
]  # fmt: skip


def _lower_is_better_analysis(setup: list[float], onboard: list[float], rival: list[float]):  # type: ignore[no-untyped-def]
    import pandas as pd

    from tests.conftest import sample_data
    from valuegap.evidence.analysis import analyze
    from valuegap.model.proposition import parse_proposition

    values = [*setup, *onboard, *rival]
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(values))],
            "metric": ["setup_days"] * len(setup) + ["onboard_hours"] * (len(onboard) + len(rival)),
            "value": values,
            "offer": [""] * (len(setup) + len(onboard)) + ["Rival"] * len(rival),
        }
    )
    return analyze(parse_proposition(sample_data(claims=LOWER_IS_BETTER)), frame)


def test_a_lower_is_better_claim_delivered_worse_lowers_our_measured_score():
    """Setup promised in 2 days takes 2.5 on average: fulfilment C / x̄ = 0.8 (x̄ / C = 1.25 would be
    read backwards and raise the score). Onboarding promised at half of Rival's takes 2.5 h against
    Rival's 4 h, a ratio of 0.625: fulfilment ratio / ρ̂ = 0.8."""
    from valuegap.evidence import gaps

    analysis = _lower_is_better_analysis([2.4, 2.6, 2.3, 2.7], [2.4, 2.6, 2.3, 2.7], [3.5, 4.5, 3.8, 4.2])
    fulfilment = gaps.delivery_by_metric(analysis)  # what the Pricing page passes
    assert fulfilment == {
        "setup_days": pytest.approx(2 / 2.5),
        "onboard_hours": pytest.approx(0.5 / (2.5 / 4)),
    }
    links = {"speed": "setup_days", "support": "onboard_hours"}
    scores = measured_scores(SMALL, links, fulfilment, maximum={"speed": 10, "support": 10})
    assert scores == {"speed": pytest.approx(8 * 0.8), "support": pytest.approx(6 * 0.8)}
    result = value_map(SMALL, scores)
    # our measured quality by hand: the others score 4, 4 on speed and 6, 3 on support
    q_measured = (60 * (6.4 / 4) + 40 * (4.8 / 4.5)) / 100
    assert result.measured.quality_ratio == pytest.approx(q_measured, rel=1e-12)
    assert result.measured.quality_ratio < result.claimed.quality_ratio
    line = np.polyfit(
        [p.quality_ratio for p in result.positions], [p.relative_price for p in result.positions], 1
    )
    expected = _point_to_line(line[1], line[0], q_measured, result.claimed.relative_price)
    assert result.measured.value_advantage == pytest.approx(expected, rel=1e-9)


def test_a_lower_is_better_claim_delivered_better_raises_the_score_up_to_the_scale_maximum():
    """Setup in 1.6 days against 2 promised: fulfilment 1.25, speed 8 × 1.25 = 10, capped at 9."""
    from valuegap.evidence import gaps

    analysis = _lower_is_better_analysis([1.5, 1.7, 1.4, 1.8], [2.4, 2.6, 2.3, 2.7], [3.5, 4.5, 3.8, 4.2])
    fulfilment = gaps.delivery_by_metric(analysis)
    assert fulfilment["setup_days"] == pytest.approx(2 / 1.6)
    assert measured_scores(SMALL, {"speed": "setup_days"}, fulfilment) == {"speed": pytest.approx(10.0)}
    capped = measured_scores(SMALL, {"speed": "setup_days"}, fulfilment, maximum={"speed": 9})
    assert capped == {"speed": 9.0}
    result = value_map(SMALL, capped)
    assert result.measured.quality_ratio == pytest.approx((60 * (9 / 4) + 40 * (6 / 4.5)) / 100, rel=1e-12)


def test_fix_first_is_important_and_behind():
    market = offers(
        ("Us", 30, {"speed": 3, "support": 9}),
        ("Rival", 20, {"speed": 6, "support": 6}),
        ("Other", 25, {"speed": 6, "support": 3}),
        ours="Us",
    )
    ranked = {s.attribute: s for s in standings(value_map(market))}
    assert ranked["speed"].fix_first and ranked["speed"].relative == pytest.approx(0.5)
    assert not ranked["support"].fix_first


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["attributes"].update(speed=55), "importance weights must sum to 100; they sum to 95"),
        (lambda d: d["offers"][1]["scores"].pop("support"), "offers[2 (Rival)].scores.support: is missing"),
        (
            lambda d: d["offers"][1].update(price=0),
            "offers[2 (Rival)].price: must be a number greater than 0",
        ),
        (
            lambda d: d["offers"][2].update(price=-5),
            "offers[3 (Cheap)].price: must be a number greater than 0",
        ),
        (
            lambda d: d["offers"][0]["scores"].update(looks=3),
            "offers[1 (Us)].scores.looks: is not one of the attributes",
        ),
        (lambda d: d["offers"][2].update(name="rival"), "offers[3 (rival)].name: is used by another offer"),
        (
            lambda d: d["offers"][1]["scores"].update(speed="fast"),
            "offers[2 (Rival)].scores.speed: must be a number",
        ),
        (lambda d: d["offers"][1].update(ours=True), "only one offer can be ours"),
        (lambda d: d.update(offers=d["offers"][:1]), "compare at least two offers"),
        (lambda d: d.update(colour="red"), "colour: is not a known field"),
    ],
)
def test_bad_offers_are_refused_naming_the_offer_and_attribute(change, message):
    data = SMALL.to_dict()
    change(data)
    with pytest.raises(InvalidInput) as caught:
        parse_offers(data, source="offers.yaml")
    assert message in str(caught.value)


def test_offer_problems_are_all_listed_and_named_in_the_users_words():
    data = SMALL.to_dict()
    data["offers"][1]["scores"].pop("support")
    data["offers"][1]["price"] = -5
    data["offers"][2]["ours"] = "yes"
    data["attributes"]["speed"] = "fast"
    with pytest.raises(InvalidInput) as caught:
        parse_offers(data, source="offers.yaml")
    words = caught.value.in_words
    assert "Offer 2 (Rival), score for support: is missing" in words
    assert "Offer 2 (Rival), price: must be a number greater than 0 (got -5)" in words
    assert "Offer 3 (Cheap), ours (our own offer): must be true or false (got 'yes')" in words
    assert "Importance weight of speed: must be a number of at least 0 (got 'fast')" in words
    assert "offers[" not in words and "more" not in words  # every problem, none by its file path
    # the command line keeps the file's paths, which its author can find in the file
    assert "offers[2 (Rival)].scores.support: is missing" in str(caught.value)


def test_relative_performance_refuses_when_every_other_offer_scores_zero():
    market = offers(("A", 10, {"speed": 5, "support": 0}), ("B", 12, {"speed": 6, "support": 0}))
    with pytest.raises(ValueGapError, match=r"offers\[A\]\.scores\.support: every other offer scores 0"):
        relative_performance(market)


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv", "xlsx"])
def test_offers_files_round_trip(tmp_path: Path, suffix: str):
    path = tmp_path / f"offers.{suffix}"
    writer = {
        "yaml": lambda o: offer_files.dumps(o).encode(),
        "json": lambda o: offer_files.dumps(o, "json").encode(),
        "csv": offer_files.to_csv,
        "xlsx": offer_files.to_excel,
    }[suffix]
    path.write_bytes(writer(SMALL))
    assert offer_files.read(path) == SMALL


def test_a_tables_cells_are_numbers_by_the_grids_rule():
    csv = b'name,price,ours,speed,support\nimportance,,,70,30\nUs,"1,000",yes,8,6\nRival,"2,5",no,two,6\n'
    with pytest.raises(InvalidInput) as caught:
        offer_files.loads(csv, "offers.csv")
    # "1,000" is a thousand (no problem for Us); "2,5" and "two" are refused, not guessed
    assert [p.where for p in caught.value.problems] == [
        "Offer 2 (Rival), price",
        "Offer 2 (Rival), score for speed",
    ]
    assert "(got '2,5')" in caught.value.in_words and "(got 'two')" in caught.value.in_words
    fixed = csv.replace(b'"2,5"', b"2.5").replace(b"two", b"4")
    assert offer_files.loads(fixed, "offers.csv").offer("Us").price == 1000


def test_a_table_without_the_weights_row_says_what_to_add():
    csv = b"name,price,speed,support\nUs,30,8,6\nRival,20,4,6\n"
    with pytest.raises(InvalidInput, match="add a row named 'importance'"):
        offer_files.loads(csv, "offers.csv")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "valuegap.cli", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_cli_valuemap_prints_exactly_the_design_fields(tmp_path: Path):
    path = tmp_path / "offers.yaml"
    path.write_text(offer_files.dumps(SMALL))
    done = _cli("valuemap", str(path))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert set(printed) == {"offers", "intercept", "slope"}
    assert [set(o) for o in printed["offers"]] == [
        {"name", "quality_ratio", "relative_price", "value_advantage"}
    ] * 3
    expected = value_map(SMALL)
    assert printed["slope"] == pytest.approx(expected.line.slope)
    csv = _cli("valuemap", str(path), "--format", "csv")
    assert csv.stdout.splitlines()[0] == "name,quality_ratio,relative_price,value_advantage,intercept,slope"


def test_cli_valuemap_on_the_demo_offers_fits_a_line_for_each():
    for path in sorted((ROOT / "data/competitors").glob("*.yaml")):
        done = _cli("valuemap", str(path), "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["slope"] > 0  # dearer offers are better in every demo market


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("attributes: {speed: 60, support: 30}\noffers: []\n", "sum to 90"),
        (
            "attributes: {speed: 100}\noffers:\n- {name: A, price: 3, scores: {speed: 1}}\n"
            "- {name: B, price: 4, scores: {}}\n",
            "offers[2 (B)].scores.speed: is missing",
        ),
        ("attributes: [\n", "not valid YAML at line"),
        ("", "the file is empty"),
    ],
)
def test_cli_valuemap_bad_input_exits_2_with_one_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "offers.yaml"
    path.write_text(text)
    done = _cli("valuemap", str(path))
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1


def test_cli_valuemap_missing_file_exits_2(tmp_path: Path):
    done = _cli("valuemap", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2 and "no such file" in done.stderr
