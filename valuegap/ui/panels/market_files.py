"""The Competitors page's Import / export tab: the market as YAML, CSV or Excel, and a draft from a file.

An upload works from any draft, an empty or invalid one included: a new proposition can start its
market from a file before anything is typed.
"""

from __future__ import annotations

import streamlit as st

from valuegap.errors import InvalidInput, ValueGapError
from valuegap.market import offer_files
from valuegap.market.competition import Offers
from valuegap.market.editing import MarketDraft, offers_file_name
from valuegap.model.proposition import Proposition
from valuegap.reporting.formatting import escape_markdown
from valuegap.ui import PageContext, flash
from valuegap.ui.state_keys import MARKET_OFFERS_FILE, keyed

OFFER_FILE_TYPES = ["yaml", "yml", "json", "csv", "tsv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_HELP = (
    "YAML/JSON as `valuegap valuemap` reads it; a table with columns name, price, ours and one per "
    "attribute, plus a row named 'importance' holding the weights."
)


def market_files(
    ctx: PageContext, draft: MarketDraft, offers: Offers | None, prop: Proposition, proposition_id: int
) -> None:
    """Downloads of a complete market, and (for editors) an offers file to take as the draft."""
    if offers is not None:
        cells = st.columns(3)
        name = prop.name
        cells[0].download_button(
            "Download YAML", offer_files.dumps(offers), offers_file_name(name, "yaml"), "application/x-yaml"
        )
        cells[1].download_button(
            "Download CSV", offer_files.to_csv(offers), offers_file_name(name, "csv"), "text/csv"
        )
        cells[2].download_button(
            "Download Excel", offer_files.to_excel(offers), offers_file_name(name, "xlsx"), XLSX
        )
    else:
        st.caption("The downloads appear once the market is complete.")
    if ctx.actor.can_edit:
        _upload(draft, proposition_id)


def _upload(draft: MarketDraft, proposition_id: int) -> None:
    verb = "Replace the draft with" if draft.base_version else "Start the market from"
    upload = st.file_uploader(
        f"{verb} an offers file (YAML, JSON, CSV or Excel)", type=OFFER_FILE_TYPES, help=FILE_HELP,
        key=keyed(MARKET_OFFERS_FILE, proposition_id, draft.revision),
    )  # fmt: skip
    if upload is None:
        return
    try:
        loaded = offer_files.loads(upload.getvalue(), upload.name)
    except InvalidInput as error:
        st.error(escape_markdown(error.in_words))
        return
    except ValueGapError as error:
        st.error(escape_markdown(error.message))
        return
    what = f"{len(loaded.offers)} offers on {len(loaded.attributes)} attributes."
    st.success(f"{escape_markdown(upload.name)}: {what}")
    if st.button("Use this file as the draft", type="primary"):
        draft.take_file(loaded)
        flash("Draft replaced from the file; review it and save.")
        st.rerun()
