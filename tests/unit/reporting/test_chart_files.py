"""Charts as files: every chart the app draws renders offline to SVG and PNG at a fixed width."""

from __future__ import annotations

import itertools
import re

import altair as alt
import pandas as pd
import pytest

from valuegap.reporting import chart_files

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


def test_a_file_draws_in_a_font_with_the_widths_vega_lays_text_out_with():
    svg = chart_files.to_svg(_chart())
    assert 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"' in svg
    own = chart_files.with_font({"mark": "bar", "config": {"font": "Georgia", "view": {"stroke": None}}})
    assert own["config"] == {"font": "Georgia", "view": {"stroke": None}}  # a chart's own font is kept


def test_the_charts_for_slides_are_one_png_each_in_a_zip_named_after_them():
    import io
    import struct
    import zipfile

    other = alt.Chart(FRAME).mark_point().encode(x="fulfilment:Q", y="claim:N")
    data = chart_files.png_zip({"Claims": _chart(), "Value map / quadrant": other.to_dict()})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["01-claims.png", "02-value-map-quadrant.png"]
        for name in archive.namelist():
            png = archive.read(name)
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            assert struct.unpack(">I", png[16:20])[0] >= chart_files.FILE_WIDTH  # at twice the pixels


def test_the_report_charts_are_the_ones_it_draws():
    from pathlib import Path

    from valuegap.evidence.analysis import analyze
    from valuegap.market import offer_files
    from valuegap.market.competition import value_map
    from valuegap.reporting.report import ReportInputs, build_report, report_charts
    from valuegap.workspace.demo import demo_propositions

    root = Path(__file__).resolve().parents[3]
    analysis = analyze(demo_propositions()[0][1], pd.read_csv(root / "data/outcomes/invoicing-saas.csv"))
    market = value_map(offer_files.read(root / "data/competitors/invoicing-saas.yaml"))
    assert list(report_charts(ReportInputs(analysis, "v1"))) == ["claims", "value gap"]
    inputs = ReportInputs(analysis, "v1", value_map=market)
    assert list(report_charts(inputs)) == ["claims", "value gap", "value map"]
    page = build_report(inputs)
    assert page.count("<svg") == 3
    # each chart numbers its clip paths from 1: in one page their ids must not collide
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and any(i.startswith("value-map-clip") for i in ids)
    for reference in re.findall(r"url\(#([^)]+)\)", page):
        assert reference in ids


def test_a_theme_legend_shows_long_labels_whole_in_sentence_case():
    from valuegap.reporting import theme

    frame = pd.DataFrame({"verdict": list(theme.VERDICT_COLORS), "n": range(len(theme.VERDICT_COLORS))})
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x="n:Q",
            y="verdict:N",
            color=alt.Color(
                "verdict:N", scale=theme.color_scale(theme.VERDICT_COLORS), legend=theme.legend()
            ),
        )
    )
    svg = chart_files.to_svg(chart)
    assert ">Not testable<" in svg and ">No evidence<" in svg  # the legend: never cut, sentence case
    assert ">not testable<" in svg  # the axis shows the data's own value
    plain = theme.legend(sentence_case=False).to_dict()
    assert "labelExpr" not in plain and plain["labelLimit"] == 0  # names a user typed stay as typed


def _x_labels(svg: str) -> list[tuple[float, str]]:
    """The number labels of a chart's x axis: (position, text), left to right."""
    found = re.findall(r'<text [^>]*transform="translate\(([\d.]+),15\)"[^>]*>([\d.]+)</text>', svg)
    return [(float(x), text) for x, text in found]


def test_a_file_keeps_its_number_ticks_few_and_apart_whatever_its_width():
    # the report's claims chart: fulfilment 0 to 1.2 on a 720 px axis got a label every 0.05 (18 px each
    # once the report scaled it down), which ran together ("0.000.050.10")
    frame = pd.DataFrame({"claim": ["a", "b"], "low": [0.0, 0.9], "high": [0.7, 1.16]})
    chart = alt.Chart(frame).mark_rule().encode(x="low:Q", x2="high:Q", y="claim:N")
    for width in (400, chart_files.FILE_WIDTH, 1400):
        svg = chart_files.to_svg(chart_files.fixed_width(chart.to_dict(), width))
        labels = _x_labels(svg)
        assert 3 <= len(labels) <= chart_files.FILE_TICK_COUNT + 2, (width, labels)
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(labels)]
        assert min(gaps) >= 60, (width, labels)
    assert 'text-anchor="start"' in chart_files.to_svg(chart)  # the first label flush with the axis' start


def test_an_axis_naming_its_own_tick_count_keeps_it_in_a_file():
    spec = chart_files._spec(
        alt.Chart(FRAME).mark_point().encode(x=alt.X("fulfilment:Q", axis=alt.Axis(tickCount=3))).to_dict()
    )
    assert spec["config"]["axisQuantitative"]["tickCount"] == chart_files.FILE_TICK_COUNT
    assert spec["layer" if "layer" in spec else "encoding"]["x"]["axis"]["tickCount"] == 3
    kept = chart_files._spec({"mark": "point", "config": {"axisQuantitative": {"tickCount": 12}}})
    assert kept["config"]["axisQuantitative"]["tickCount"] == 12
    assert kept["config"]["axisQuantitative"]["labelOverlap"] == "greedy"
