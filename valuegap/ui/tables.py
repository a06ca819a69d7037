"""Tables on screen: money cells written as every page writes money, and the download buttons under a
table (CSV and Excel, generated only when clicked, formulas neutralised)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from valuegap.reporting import exports
from valuegap.reporting.formatting import format_money
from valuegap.ui.state_keys import TABLE_CSV, TABLE_XLSX, keyed


def money_texts(amounts: pd.Series, currency: str) -> list[str | None]:
    """Money as every page writes it ("USD 12.06", "-USD 3.40"; none for no amount), the numbers left to
    the downloads: a grid's printf format cannot put the sign before the currency ("USD -3.40")."""
    return [None if pd.isna(amount) else format_money(float(amount), currency).strip() for amount in amounts]


def table_downloads(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """CSV and Excel downloads of ``frame`` (any viewer may take the evidence away)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "table"
    cells = st.columns([1, 1, 5], gap="small")
    cells[0].download_button(
        "CSV", lambda: exports.to_csv(frame), file_name=f"{slug}.csv", mime="text/csv",
        key=keyed(TABLE_CSV, key), on_click="ignore", icon=":material/download:", type="tertiary",
        help=f"Download {name} as CSV",
    )  # fmt: skip
    cells[1].download_button(
        "Excel", lambda: exports.to_excel(frame, name), file_name=f"{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=keyed(TABLE_XLSX, key), on_click="ignore", icon=":material/download:", type="tertiary",
        help=f"Download {name} as an Excel workbook",
    )  # fmt: skip
