"""Charts as files: SVG and PNG of a Vega-Lite spec, rendered offline by vl-convert.

The same renderer serves the standalone report (inline SVG) and the download under every chart in
the app. A chart that stretches to its container on screen gets a fixed width in a file.
"""

from __future__ import annotations

from typing import Any

import altair as alt

FILE_WIDTH = 720
PNG_SCALE = 2  # sharp on high-density screens and in slide decks


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


def _spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    return fixed_width(chart if isinstance(chart, dict) else chart.to_dict())


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(_spec(chart))


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = PNG_SCALE) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_spec(chart), scale=scale)
