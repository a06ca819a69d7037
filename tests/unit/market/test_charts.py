"""The Competitors charts: the fair-value band whole, labels beside their points, legends in sentence case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from valuegap.market import charts, offer_files
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


DEMO_MARKET = offer_files.read(Path(__file__).resolve().parents[3] / "data/competitors/invoicing-saas.yaml")


@pytest.mark.parametrize(
    ("market", "measured"),
    [(MARKET, {"speed": 4.0}), (DEMO_MARKET, {"Getting paid": 7.0}), (DEMO_MARKET, None)],
    ids=["small market", "demo measured", "demo claimed only"],
)
def test_no_label_crosses_the_fair_value_line_a_point_or_another_label(market, measured):
    # the demo's "Ledgerly (measured)", written left of its point at its height, was cut by the dashed line
    vm = value_map(market, measured)
    spec = charts.value_map_chart(vm).to_dict()
    area = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "area")
    x_domain, y_domain = area["encoding"]["x"]["scale"]["domain"], area["encoding"]["y"]["scale"]["domain"]
    points = charts.positions_frame(vm)
    places = charts.label_places(points, vm, x_domain, y_domain)
    width, height = charts._MAP_WIDTH, charts.MAP_HEIGHT

    def px(q: float) -> float:
        return (q - x_domain[0]) / (x_domain[1] - x_domain[0]) * width

    def py(r: float) -> float:
        return (y_domain[1] - r) / (y_domain[1] - y_domain[0]) * height

    centres = [(px(q), py(r)) for q, r in zip(points["quality_ratio"], points["relative_price"], strict=True)]
    boxes = [
        charts.label_box(x, y, text, place)
        for (x, y), text, place in zip(centres, points["offer"], places, strict=True)
    ]
    for left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= width and bottom <= height  # inside the map
        line = [
            py(vm.line.price_at(x_domain[0] + x / width * (x_domain[1] - x_domain[0]))) for x in (left, right)
        ]
        assert max(line) <= top or bottom <= min(line)  # the line passes wholly above or below the label
        for x, y in centres:  # no point under a label
            assert not (left - 8 < x < right + 8 and top - 8 < y < bottom + 8)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # the spec writes each label where it was placed
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    for layer in texts:
        place = next(name for name in charts.PLACES if f"'{name}'" in layer["transform"][0]["filter"])
        assert {k: layer["mark"][k] for k in charts.PLACES[place]} == charts.PLACES[place]
    assert set(places) <= {
        name for layer in texts for name in charts.PLACES if f"'{name}'" in layer["transform"][0]["filter"]
    }


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
