"""Charts as files: SVG and PNG of a Vega-Lite spec, rendered offline by vl-convert.

The same renderer serves the standalone report (inline SVG) and the download under every chart in
the app, and :func:`png_zip` puts a report's charts in one zip for slides. A chart that stretches to
its container on screen gets a fixed width in a file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import altair as alt

from valuegap.model.identifiers import slug

FILE_WIDTH = 720
PNG_SCALE = 2  # sharp on high-density screens and in slide decks
FILE_FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
"""The charts' font in a file. vl-convert lays text out with the same widths whatever font a spec
names, and they fit Liberation Sans (Arial's widths). A bare "sans-serif" is DejaVu Sans on Linux and
in WeasyPrint's PDF, which is wider: axis labels overlapped and label and legend ends were cut off."""


def fixed_width(spec: dict[str, Any], width: int = FILE_WIDTH) -> dict[str, Any]:
    """The app's charts stretch to their container; a file needs a width in pixels."""
    out = dict(spec)
    single = "mark" in out or "layer" in out
    if out.get("width") == "container" or (single and "width" not in out):
        out["width"] = width
    for key in ("vconcat", "hconcat", "concat"):
        if key in out:
            out[key] = [fixed_width(part, width) for part in out[key]]
    return out


FILE_TICK_COUNT = 6
"""About this many ticks on a number axis in a file (an axis naming its own ``tickCount`` keeps it).
Vega puts a tick every 40 px, 18 on a 720 px axis: their labels ran together ("0.000.050.10") once the
report scaled the chart down to its page."""
FILE_LABEL_SEPARATION = 8  # px a number axis keeps between its labels in a file, or drops one of them
FILE_NUMBER_AXIS = {
    "tickCount": FILE_TICK_COUNT,
    "labelOverlap": "greedy",  # drop labels that come closer than the separation, not just touching ones
    "labelSeparation": FILE_LABEL_SEPARATION,
}
FILE_NUMBER_X_AXIS = {"labelFlush": True}  # the end labels stay inside the axis' ends (on y, "0%" rose)


def with_font(spec: dict[str, Any], font: str = FILE_FONT) -> dict[str, Any]:
    """``spec`` drawn in ``font`` unless its config names a font already."""
    config = dict(spec.get("config") or {})
    config.setdefault("font", font)
    return {**spec, "config": config}


def with_sparse_ticks(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with :data:`FILE_NUMBER_AXIS` on its number axes, under what its config sets already:
    a file is scaled to whatever page or slide it lands on, so its ticks must not crowd."""
    config = dict(spec.get("config") or {})
    config["axisQuantitative"] = {**FILE_NUMBER_AXIS, **(config.get("axisQuantitative") or {})}
    config["axisXQuantitative"] = {**FILE_NUMBER_X_AXIS, **(config.get("axisXQuantitative") or {})}
    return {**spec, "config": config}


def _spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    return with_sparse_ticks(with_font(fixed_width(chart if isinstance(chart, dict) else chart.to_dict())))


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(_spec(chart))


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = PNG_SCALE) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_spec(chart), scale=scale)


def file_stem(name: str) -> str:
    """A chart's name as a file name: lower case, words joined by dashes ("Value map" → "value-map")."""
    return slug(name) or "chart"


def png_zip(charts: Mapping[str, alt.TopLevelMixin | dict[str, Any]], scale: float = PNG_SCALE) -> bytes:
    """One PNG per chart, named after it, in a zip: the charts of a report, ready for slides."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (name, chart) in enumerate(charts.items(), start=1):
            archive.writestr(f"{number:02d}-{file_stem(name)}.png", to_png(chart, scale=scale))
    return buffer.getvalue()
