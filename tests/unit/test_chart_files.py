"""Charts as files: every chart the app draws renders offline to SVG and PNG at a fixed width."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from valuegap import chart_files

FRAME = pd.DataFrame({"claim": ["c1", "c2"], "fulfilment": [0.8, 1.1]})


def _chart() -> alt.Chart:
    return alt.Chart(FRAME).mark_bar().encode(x="claim:N", y="fulfilment:Q").properties(width="container")


def test_svg_is_a_standalone_drawing_of_the_data():
    svg = chart_files.to_svg(_chart())
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "c1" in svg and "c2" in svg and 'width="' in svg


def test_png_is_a_png_at_twice_the_pixels():
    import struct

    png = chart_files.to_png(_chart())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    single = struct.unpack(">I", chart_files.to_png(_chart(), scale=1)[16:20])[0]
    assert width == pytest.approx(2 * single, abs=2)


def test_container_width_becomes_a_fixed_width_in_every_part():
    spec = {"vconcat": [{"mark": "bar", "width": "container"}, {"layer": []}], "width": "container"}
    fixed = chart_files.fixed_width(spec, 500)
    assert fixed["width"] == 500
    assert [part["width"] for part in fixed["vconcat"]] == [500, 500]
    assert chart_files.fixed_width({"mark": "bar", "width": 300})["width"] == 300  # a set width is kept
