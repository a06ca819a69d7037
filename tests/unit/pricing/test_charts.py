"""The Pricing charts draw what their captions say, with every label whole and none on top of another."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from valuegap.pricing import charts
from valuegap.pricing.research import gabor_granger, price_ranges, read_survey, van_westendorp
from valuegap.reporting import theme
from valuegap.reporting.chart_files import to_svg

SURVEYS = Path(__file__).resolve().parents[3] / "data/surveys"


def _survey(name: str):  # type: ignore[no-untyped-def]
    path = SURVEYS / name
    return read_survey(path.read_bytes(), path.name)


def _walk(spec):  # type: ignore[no-untyped-def]
    """Every view of a spec (layers and concatenated parts included)."""
    yield spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for part in spec.get(key, []):
            yield from _walk(part)


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_van_westendorp_rules_take_fixed_colours_apart_from_the_curves_and_the_legend():
    vw = van_westendorp(_survey("invoicing-saas_van_westendorp.csv"), bootstrap=0)
    spec = charts.van_westendorp_chart(vw).to_dict()
    coloured = [v for v in _walk(spec) if "color" in v.get("encoding", {})]
    assert len(coloured) == 1  # only the curves are coloured by a scale: no conflict, one legend
    assert coloured[0]["encoding"]["color"]["field"] == "curve"
    rules = [
        v["mark"] for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "rule"
    ]
    assert {r["color"] for r in rules} == {theme.BLACK, theme.GREY}  # as the caption says
    assert "Black solid rules" in charts.van_westendorp_caption(vw, "USD")
    assert "grey dashed rules" in charts.van_westendorp_caption(vw, "USD")
    texts = _texts(to_svg(spec))
    for label in ("Too cheap", "Cheap", "Expensive", "Too expensive"):  # legend whole, sentence case
        assert label in texts


def test_the_price_axis_fits_where_the_answers_move_not_their_long_tail():
    vw = van_westendorp(_survey("streaming-plan_van_westendorp.csv"), bootstrap=0)
    low, high = charts.van_westendorp_domain(vw)
    points = [getattr(vw, name) for name in charts.POINT_LABELS]
    assert low <= min(points) and max(points) <= high  # every point shows
    assert high < float(vw.curves["price"].max())  # the tail of very high answers is left out
    shares = vw.curves.set_index("price")[["too_expensive", "expensive", "cheap", "too_cheap"]]
    beyond = shares[shares.index > high]
    assert ((beyond <= 0.03) | (beyond >= 0.97)).all().all()  # nothing happens past the axis


def test_point_labels_are_staggered_so_no_two_overlap():
    # five labels within a few currency units of each other, as in the demo
    prices = [20.0, 25.0, 31.0, 32.0, 38.0, 49.0]
    labels = ["PMC", "PMC′", "OPP", "IDP", "PME′", "PME"]
    rows = charts.label_rows(prices, labels, 5.0, 90.0)
    width = charts._ASSUMED_PLOT_WIDTH  # the narrowest the chart is drawn
    boxes = [
        (row, (p - 5) / 85 * width + 3, (p - 5) / 85 * width + 3 + charts._CHAR_WIDTH * len(t))
        for p, t, row in zip(prices, labels, rows, strict=True)
    ]
    for i, (row, left, right) in enumerate(boxes):
        for other_row, other_left, other_right in boxes[i + 1 :]:
            assert row != other_row or right <= other_left or other_right <= left
    assert rows[2] != rows[3]  # OPP and IDP one unit apart go to different rows


def test_each_gabor_granger_panel_has_the_legend_of_its_own_lines():
    gg = gabor_granger(_survey("invoicing-saas_gabor_granger.csv"), unit_cost=10)
    spec = charts.gabor_granger_chart(gg).to_dict()
    assert spec["resolve"]["scale"]["color"] == "independent"
    top, bottom = spec["vconcat"]
    top_domains = [v["encoding"]["color"]["scale"] for v in _walk(top) if "color" in v.get("encoding", {})]
    assert all(s["domain"] == [charts.WOULD_BUY] and s["range"] == [charts.DEMAND_COLOR] for s in top_domains)
    bottom_scales = [
        v["encoding"]["color"]["scale"] for v in _walk(bottom) if "color" in v.get("encoding", {})
    ]
    assert bottom_scales and all(charts.REVENUE_COLOR in s["range"] for s in bottom_scales)
    texts = _texts(to_svg(spec))
    assert texts.index("Share who would buy") < texts.index("Revenue per respondent")  # top panel first


def test_the_price_ranges_name_every_range_whole():
    vw = van_westendorp(_survey("invoicing-saas_van_westendorp.csv"), bootstrap=0)
    gg = gabor_granger(_survey("invoicing-saas_gabor_granger.csv"), unit_cost=10)
    ranges = price_ranges(vw, gg)
    assert len(ranges) == 5
    spec = charts.price_band_chart(ranges, 45.0, 49.0, 0.0, 100.0).properties(width=260).to_dict()
    assert spec["height"] == {"step": charts.BAND_ROW}
    json.dumps(spec, allow_nan=False)
    texts = _texts(to_svg(spec))
    for label in ranges["label"]:  # in a narrow column too
        assert label[:1].upper() + label[1:] in texts


def test_a_single_price_is_a_tick_and_an_empty_survey_draws_no_band():
    ranges = pd.DataFrame({"label": ["revenue-maximising price"], "low": [49.0], "high": [49.0]})
    spec = charts.price_band_chart(ranges, 45.0, None, 0.0, 100.0).to_dict()
    assert any(isinstance(v.get("mark"), dict) and v["mark"]["type"] == "tick" for v in _walk(spec))
