"""The Competitors charts: the fair-value band whole, labels beside their points, legends in sentence case."""

from __future__ import annotations

import re

from valuegap.market import charts
from valuegap.market.competition import parse_offers, standings, value_map
from valuegap.reporting import theme
from valuegap.reporting.chart_files import to_svg

MARKET = parse_offers(
    {
        "attributes": {"speed": 50, "support": 30, "price fairness": 20},
        "offers": [
            {
                "name": "Us",
                "price": 30,
                "ours": True,
                "scores": {"speed": 8, "support": 6, "price fairness": 5},
            },
            {"name": "Rival", "price": 20, "scores": {"speed": 6, "support": 6, "price fairness": 7}},
            {"name": "Cheap", "price": 10, "scores": {"speed": 3, "support": 4, "price fairness": 9}},
            {"name": "Premium", "price": 45, "scores": {"speed": 9, "support": 9, "price fairness": 4}},
            {"name": "Odd", "price": 40, "scores": {"speed": 4, "support": 5, "price fairness": 5}},
        ],
    }
)


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_the_fair_value_band_and_line_fit_inside_the_map():
    vm = value_map(MARKET, {"speed": 4.0})
    assert vm.line is not None and vm.line.zone is not None
    spec = charts.value_map_chart(vm).to_dict()
    area = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "area")
    low, high = area["encoding"]["y"]["scale"]["domain"]
    (x_low, x_high) = area["encoding"]["x"]["scale"]["domain"]
    half = vm.line.zone * (1 + vm.line.slope**2) ** 0.5
    for q in (x_low, x_high):  # where the band is widest on the map: its ends
        assert low <= vm.line.price_at(q) - half and vm.line.price_at(q) + half <= high


def test_our_two_points_are_labelled_on_their_own_side_away_from_the_arrow():
    vm = value_map(MARKET, {"speed": 4.0})
    assert vm.measured.quality_ratio < vm.claimed.quality_ratio  # the arrow runs left
    spec = charts.value_map_chart(vm).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    side = {layer["transform"][0]["filter"]: (layer["mark"]["align"], layer["mark"]["dx"]) for layer in texts}
    claimed = next(v for k, v in side.items() if f"'{charts.OURS_CLAIMED}'" in k and "||" not in k)
    measured = next(v for k, v in side.items() if f"'{charts.OURS_MEASURED}'" in k and "||" not in k)
    assert claimed[0] == "left" and claimed[1] > 0  # right of the claimed point, the arrow is on its left
    assert measured[0] == "right" and measured[1] < 0


def test_legends_are_in_sentence_case_and_the_data_keep_their_values():
    vm = value_map(MARKET, {"speed": 4.0})
    texts = _texts(to_svg(charts.value_map_chart(vm)))
    assert {"Ours as claimed", "Ours as measured", "Competitor"} <= set(texts)
    assert set(charts.positions_frame(vm)["kind"]) == {"ours as claimed", "ours as measured", "competitor"}
    quadrant = _texts(to_svg(charts.quadrant_chart(standings(vm, measured=True))))
    assert {"Fix first", "Watch", "Keep"} & set(quadrant)


def test_the_quadrant_colours_agree_with_its_caption_and_no_dot_touches_an_edge():
    vm = value_map(MARKET, {"speed": 4.0})
    items = standings(vm, measured=True)
    spec = charts.quadrant_chart(items).to_dict()
    dots = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    assert dots["mark"]["opacity"] == 1  # a faded vermillion read as orange
    scale = dots["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["fix first"] == theme.VERMILLION
    assert "vermillion" in charts.CAPTIONS["quadrant"] and "red =" not in charts.CAPTIONS["quadrant"]
    low, high = dots["encoding"]["y"]["scale"]["domain"]
    relatives = [s.relative for s in items]
    assert low < min(relatives) and max(relatives) < high and low <= 1 <= high
