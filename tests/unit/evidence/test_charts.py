"""The Gap analysis charts: amounts as money elsewhere, text that reads on its mark, legends whole."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from valuegap.evidence import charts
from valuegap.reporting import theme
from valuegap.reporting.chart_files import to_svg

STEPS = pd.DataFrame(
    {
        "label": ["Promised benefit", "fast", "tiny", "Realized benefit", "Price", "Net value"],
        "amount": [25.0, -5.257, -0.01, 19.733, -65.303, -45.57],
        "kind": ["total", "gap", "gap", "total", "cost", "total"],
    }
)


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_waterfall_amounts_have_two_decimals_and_sit_outside_their_bars():
    spec = charts.waterfall_chart(STEPS, currency="BRL").to_dict()
    texts = _texts(to_svg(spec))
    for amount in ("25.00", "−5.26", "−0.01", "19.73", "−65.30", "−45.57"):  # as the tiles show money
        assert amount in texts
    (rows,) = spec["datasets"].values()
    for row in rows:  # above a rise, below a fall: never on the bar, whatever its colour
        top, bottom = max(row["bar_low"], row["bar_high"]), min(row["bar_low"], row["bar_high"])
        assert row["label_at"] == (top if row["amount"] >= 0 else bottom)
        assert row["bar_low"] <= min(row["start"], row["end"]) + 1e-12
        assert row["bar_high"] >= max(row["start"], row["end"]) - 1e-12


def test_the_waterfalls_money_axis_title_fits_a_short_plot():
    """At 1400 px the app drew the plot about 170 px high, and "Money per customer and period (BRL)"
    (about 200 px of 11 px text) ran off its top; the caption says "per period"."""
    (bars, *_) = _layers(charts.waterfall_chart(STEPS, currency="BRL").to_dict())
    title = bars["encoding"]["y"]["title"]
    assert title == "Per customer (BRL)" and len(title) * 6.5 < 150


def test_a_tiny_waterfall_step_still_has_a_visible_bar_from_where_it_starts():
    rows = charts._waterfall_rows(STEPS).set_index("label")
    largest = 65.303 - 19.733  # the lowest level reached, in absolute value (the chart's span)
    tiny = rows.loc["tiny"]
    assert tiny["end"] == pytest.approx(tiny["start"] - 0.01)  # the true amount is kept
    assert tiny["bar_high"] - tiny["bar_low"] == pytest.approx(charts.MIN_BAR * max(largest, 25.0))
    assert tiny["bar_high"] == pytest.approx(tiny["start"])  # a fall hangs down from where it starts


def test_heatmap_numbers_are_white_on_dark_cells_and_black_on_light_ones():
    cells = pd.DataFrame(
        {
            "segment": ["agency"] * 3,
            "claim": ["a", "b", "c"],
            "verdict": ["exaggerated", "substantiated", "inconclusive"],
            "fulfilment": [0.6, 1.2, 0.9],
            "p_adjusted": [0.01, 0.02, 0.3],
            "n": [10, 10, 10],
        }
    )
    spec = charts.heatmap_chart(cells).to_dict()
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    scale = text["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["exaggerated"] == colour["substantiated"] == "#FFFFFF"
    assert colour["inconclusive"] == colour["not testable"] == "#000000"
    assert spec["resolve"]["scale"]["color"] == "independent"  # the cells keep the verdict colours
    texts = _texts(to_svg(spec))
    assert {"Exaggerated", "Substantiated", "Not testable", "No evidence"} <= set(
        texts
    )  # whole, sentence case
    assert "Agency" in texts


def test_the_expected_dot_is_in_the_legend_and_the_axis_starts_at_the_scale():
    items = pd.DataFrame(
        {
            "item": ["getting paid", "ease"],
            "n": [100, 100],
            "expected": [6.07, 5.47],
            "experienced": [4.88, 5.58],
            "gap": [-1.19, 0.11],
            "ci_low": [-1.4, 0.0],
            "ci_high": [-1.0, 0.2],
            "p_value": [0.001, 0.04],
            "verdict_text": ["under-delivery", "over-delivery"],
        }
    )
    spec = charts.expectation_chart(items).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == [1.0, 7.0] and "survey's scale" in x["title"]
    assert charts.expectation_chart(items, scale_range=(0, 10)).to_dict()["layer"][0]["encoding"]["x"][
        "scale"
    ]["domain"] == [0.0, 10.0]
    texts = _texts(to_svg(spec))
    assert {"Expected", "Under-delivery", "Over-delivery"} <= set(texts)


def test_text_colour_follows_luminance_computed_apart():
    assert theme.luminance("#FFFFFF") == pytest.approx(1) and theme.luminance("#000000") == 0
    # sRGB → linear by the WCAG formula, by hand for vermillion #D55E00
    r, g = ((0xD5 / 255 + 0.055) / 1.055) ** 2.4, ((0x5E / 255 + 0.055) / 1.055) ** 2.4
    assert theme.luminance("#D55E00") == pytest.approx(0.2126 * r + 0.7152 * g)
    assert theme.text_color_on(theme.BAD) == "#FFFFFF" and theme.text_color_on(theme.YELLOW) == "#000000"
    assert theme.text_color_on("#FFFFFF") == "#000000" and theme.text_color_on("#000000") == "#FFFFFF"


def test_the_distribution_legend_and_tooltips_name_things_in_words():
    bins = pd.DataFrame({"bin_start": [0.0, 1.0], "bin_end": [1.0, 2.0], "count": [3, 5]})
    spec = charts.distribution_chart(bins, claimed=1.5, threshold=1.35, unit="hours").to_dict()
    texts = _texts(to_svg(spec))
    assert "Promised" in texts and "Bar the test uses" in texts  # not a formula's "threshold T"
    titles = [
        tip.get("title", tip["field"]) for layer in _layers(spec) for tip in layer["encoding"]["tooltip"]
    ]
    assert titles == ["From", "To", "Customers", " ", "Value"]  # no bin_start, bin_end, count, what, x
