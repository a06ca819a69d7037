"""Charts on a page, each with SVG and PNG downloads that are rendered only when clicked."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from valuegap.reporting import chart_files, theme
from valuegap.ui.state_keys import CHART_PNG, CHART_SVG, keyed


def chart_downloads(chart: alt.TopLevelMixin | dict[str, Any], name: str, *, key: str) -> None:
    """ "SVG" and "PNG" download buttons for ``chart`` (a file is drawn only when asked for)."""
    stem = chart_files.file_stem(name)
    with st.popover("Download chart", icon=":material/download:", width="content"):
        st.download_button(
            "SVG (for documents)", lambda: chart_files.to_svg(chart).encode("utf-8"), file_name=f"{stem}.svg",
            mime="image/svg+xml", on_click="ignore", key=keyed(CHART_SVG, key),
        )  # fmt: skip
        st.download_button(
            "PNG (for slides)", lambda: chart_files.to_png(chart), file_name=f"{stem}.png",
            mime="image/png", on_click="ignore", key=keyed(CHART_PNG, key),
        )  # fmt: skip


def stacked_panels(chart: theme.AnyChart) -> list[theme.AnyChart]:
    """The panels of a vertical stack, each carrying the stack's config; any other chart as it is.

    Streamlit stretches a stack of layered panels by giving each panel the column's width and adding the
    axes beside it, so a stacked chart ran some 70 px past its column; each panel drawn on its own fits
    the column. A panel fits the width only ("fit-x"): its height stays its plot's height, as in the
    stack, where Streamlit's default ("fit") would squeeze its legend and axes into that height.
    """
    if not isinstance(chart, alt.VConcatChart):
        return [chart]
    panels = []
    for panel in chart.vconcat:
        if isinstance(panel, alt.VConcatChart):
            panels.extend(stacked_panels(panel))
            continue
        panel = panel.copy(deep=True)
        if chart.config is not alt.Undefined and panel.config is alt.Undefined:
            panel.config = chart.config
        if panel.autosize is alt.Undefined:
            panel.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
        panels.append(panel)
    return panels


def show_altair(chart: theme.AnyChart, name: str, *, key: str, caption: str | None = None) -> None:
    """Draw ``chart`` the column's width (a vertical stack panel by panel), its caption and its downloads."""
    for panel in stacked_panels(chart):
        st.altair_chart(panel, width="stretch")
    if caption:
        st.caption(caption)
    chart_downloads(chart, name, key=key)
