"""Every ``st.session_state`` key and widget key of the app, in one registry.

A key names one thing for the whole session, so two pages or panels can never collide on it and a
reader can find every use of it by searching for the constant. Keys that carry an id (one per
proposition, claim or dataset) are built with :func:`keyed`. Each page's keys sit in its own block;
keys used by several pages come first.
"""

from __future__ import annotations


def keyed(prefix: str, *parts: object) -> str:
    """A key for one item of a kind, e.g. ``keyed(CLAIM_EDITOR, proposition_id, claim_id)``."""
    return "_".join([prefix, *(str(part) for part in parts)])


# --- shared by several pages -------------------------------------------------------------------

# --- Overview ----------------------------------------------------------------------------------
SHOW_ARCHIVED = "show_archived"  # toggle: archived propositions listed too
OVERVIEW_TABLE = "overview_table"  # the table of every proposition (its selected row)
OVERVIEW_DOWNLOADS = "overview"  # the table's CSV/Excel buttons (vg_csv_overview, vg_xlsx_overview)
CREATE_PROPOSITION_FORM = "create_proposition"  # form: a new proposition by name
IMPORT_PROPOSITION_FORM = "import_proposition"  # form: a proposition from a YAML/JSON file

# --- Propositions ------------------------------------------------------------------------------

# --- Evidence ----------------------------------------------------------------------------------

# --- Gap analysis ------------------------------------------------------------------------------

# --- Competitors -------------------------------------------------------------------------------
MARKET_DRAFT = "vg_market"  # keyed(…, proposition id): the market being edited (a MarketDraft)
MARKET_TABS = "vg_market_tabs"  # keyed(…, proposition id): the page's tabs
# keyed(…, proposition id, draft revision, attribute): a new revision draws the editor afresh
MARKET_WEIGHT = "vg_w"
MARKET_LINK = "vg_link"
MARKET_DROP = "vg_drop"
MARKET_ADD_ATTRIBUTE = "vg_add_attribute"  # keyed(…, proposition id, revision): form
MARKET_OFFERS_GRID = "vg_offers"  # keyed(…, proposition id, revision): the offers grid
MARKET_OFFERS_FILE = "vg_offers_file"  # keyed(…, proposition id, revision): the offers file upload
VALUE_MAP_CHART = "vg_value_map"  # the value map (its clicked offer)
VALUE_MAP_DOWNLOADS = "value_map"  # chart and table download buttons (vg_svg_…, vg_csv_…)
POSITIONS_DOWNLOADS = "positions"
RELATIVE_DOWNLOADS = "relative"
QUADRANT_DOWNLOADS = "quadrant"
COMPETITOR_CLAIMS_DOWNLOADS = "competitor_claims"

# --- Pricing -----------------------------------------------------------------------------------

# --- Share -------------------------------------------------------------------------------------
