"""Charts as files: every chart the app draws renders offline to SVG and PNG at a fixed width."""

from __future__ import annotations

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
