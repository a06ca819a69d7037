"""The Pricing charts draw what their captions say, with every label whole and none on top of another."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from valuegap.pricing import charts, research
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
    labels = ["PMC (original)", "PMC (common)", "OPP", "IDP", "PME (common)", "PME (original)"]
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
        name = charts.RANGE_NAMES.get(label, label)
        assert name[:1].upper() + name[1:] in texts


def test_a_single_price_is_a_tick_and_an_empty_survey_draws_no_band():
    ranges = pd.DataFrame({"label": ["revenue-maximising price"], "low": [49.0], "high": [49.0]})
    spec = charts.price_band_chart(ranges, 45.0, None, 0.0, 100.0).to_dict()
    assert any(isinstance(v.get("mark"), dict) and v["mark"]["type"] == "tick" for v in _walk(spec))


def test_both_gabor_granger_panels_draw_every_layer_on_one_price_axis():
    # the best-price rule had no scale of its own: the bottom panel rounded out to 10-100, the top 19-99
    gg = gabor_granger(_survey("invoicing-saas_gabor_granger.csv"), unit_cost=10)
    spec = charts.gabor_granger_chart(gg).to_dict()
    domain = charts.gabor_granger_domain(gg)
    assert domain is not None and domain[0] < 19 and domain[1] > 99  # the end points stand off the axes
    for panel in spec["vconcat"]:
        scales = [v["encoding"]["x"]["scale"] for v in _walk(panel) if "x" in v.get("encoding", {})]
        assert len(scales) >= 2 and all(s == {"domain": domain, "nice": False, "zero": False} for s in scales)


def test_the_best_price_labels_sit_above_the_money_lines():
    gg = gabor_granger(_survey("invoicing-saas_gabor_granger.csv"), unit_cost=10)
    bottom = charts.gabor_granger_chart(gg).to_dict()["vconcat"][1]
    low, high = next(
        v["encoding"]["y"]["scale"]["domain"] for v in _walk(bottom) if "value" in str(v.get("encoding"))
    )
    top_line = max(gg.best_revenue, gg.best_profit or 0)
    line_px = charts.MONEY_HEIGHT * (high - top_line) / (high - low)  # px below the panel's top
    assert max(charts.BEST_LABEL_ROWS) + 7 < line_px  # a label is about 11 px tall, centred on its row


def test_no_van_westendorp_rule_crosses_a_point_label():
    # the rules ran the chart's height: PMC′ was crossed by the OPP rule, OPP = IDP by the PME′ one
    vw = van_westendorp(_survey("invoicing-saas_van_westendorp.csv"), bootstrap=0)
    spec = charts.van_westendorp_chart(vw).to_dict()
    rules = [v for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "rule"]
    labels = next(v for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "text")
    rows = charts.label_rows(
        [float(p) for p in charts.van_westendorp_points(vw)["price"]],
        [str(t) for t in charts.van_westendorp_points(vw)["label"]],
        *charts.van_westendorp_domain(vw),
    )
    lowest_label_bottom = labels["mark"]["fontSize"] + 4 + charts.LABEL_ROW * max(rows)
    assert len(rules) == 2
    for rule in rules:
        assert rule["encoding"]["y"]["value"] >= lowest_label_bottom
        assert rule["encoding"]["y2"]["value"] == spec["height"]
    # the curves stop at 100%, under the labels' strip: the share axis reaches past 1 by the strip
    curves = next(v for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "line")
    top = curves["encoding"]["y"]["scale"]["domain"][1]
    assert spec["height"] * (1 - 1 / top) == pytest.approx(rules[0]["encoding"]["y"]["value"])
    assert curves["encoding"]["y"]["axis"]["values"][-1] == 1.0  # no "120%" tick


def test_the_chart_names_the_points_as_the_points_table_does():
    # the chart said PMC′ where the table (and METHODS.md §7) says PMC, common definition
    for name, (short, meaning) in charts.POINT_LABELS.items():
        assert "′" not in short
        table = research.POINT_LABELS[name]
        assert short.split(" ")[0] in table  # PMC, PME, OPP, IDP
        for definition in ("original", "common"):
            assert (definition in short) == (definition in table) == (definition in meaning)


def test_the_price_rules_leave_the_range_names_clear_and_name_ranges_in_words():
    vw = van_westendorp(_survey("invoicing-saas_van_westendorp.csv"), bootstrap=0)
    gg = gabor_granger(_survey("invoicing-saas_gabor_granger.csv"))
    ranges = price_ranges(vw, gg)
    spec = charts.price_band_chart(ranges, 45.0, 49.0, 0.0, 100.0).to_dict()
    names = next(v for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "text")
    rule = next(v for v in _walk(spec) if isinstance(v.get("mark"), dict) and v["mark"]["type"] == "rule")
    # a rule is a piece in each range's row, from just above the row's middle down to the next row;
    # the name is written above the middle (dy < 0), its bottom edge above where the rule starts
    assert rule["encoding"]["y"]["field"] == "label" and rule["encoding"]["y2"]["field"] == "label"
    name_bottom = names["mark"]["dy"] + names["mark"]["fontSize"] / 2
    assert name_bottom <= rule["mark"]["yOffset"] and rule["mark"]["y2Offset"] <= charts.BAND_ROW / 2
    texts = _texts(to_svg(spec))
    assert "Optimal to indifference price" in texts and not any("OPP" in t for t in texts)
    marks = [v["mark"]["type"] for v in spec["layer"]]
    assert marks.index("tick") > marks.index("rule")  # a single price stays in sight over today's price
