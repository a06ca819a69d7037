"""Every ``st.session_state`` key and widget key of the app, in one registry.

A key names one thing for the whole session, so two pages or panels can never collide on it and a
reader can find every use of it by searching for the constant. Keys that carry an id (one per
proposition, claim or dataset) are built with :func:`keyed`. Each page's keys sit in its own block;
keys used by several pages come first.
"""

from __future__ import annotations

from valuegap.sharing import links


def keyed(prefix: str, *parts: object) -> str:
    """A key for one item of a kind, e.g. ``keyed(CLAIM_EDITOR, proposition_id, claim_id)``."""
    return "_".join([prefix, *(str(part) for part in parts)])


# --- shared by several pages -------------------------------------------------------------------
# the app shell (app.py, valuegap.ui, valuegap.ui.identity)
ROUTED_BY_APP = "vg_routed"  # app.py's router has run a page of this session (page_setup checks)
ROUTE_PAGE = "vg_route_page"  # the page a visitor asked for while app.py had not routed yet
ROUTE_ASKED = "vg_route_asked"  # this session has asked app.py to route once (see page_setup)
NAVIGATION_HIDDEN = "vg_navigation_hidden"  # a gate page (sign-in, refused link): app.py draws no links
USER_NAME = "vg_user_name"  # text input: the local single-user mode's name, recorded with changes
SIGN_OUT = "vg_sign_out"  # button
LEAVE_SHARE = "vg_leave_share"  # button: leave a share link's read-only view
FLASH = "vg_flash"  # a message to toast after the next rerun (message, icon)
CURRENT_PROPOSITION = "vg_current_proposition"  # the proposition the visitor is on, carried page to page
CURRENT_SCENARIO = "vg_current_scenario"  # (proposition id, scenario id) last opened or saved
PROPOSITION_PICKER = "vg_prop_select"  # the proposition selectbox (choose_proposition's default key)
PINNED_CHOICE = "vg_pinned"  # keyed(…, dataset kind or setting): a share-link viewer's fixed choice
URL_CHOICE = "vg_url"  # keyed(…, URL parameter): a selectbox whose value lives in the address
SHARE_TOKEN = "vg_share_token"  # the share link this session follows
LEFT_SHARE = "vg_left_share"  # the visitor chose "Leave the shared view" in this session
REMEMBER_SHARE = "vg_remember_share"  # a share link arrived in the address and is not yet in a cookie
RETURNED = "vg_returned"  # after sign-in, the remembered deep link has been reopened (once)
CLEAR_RETURN = "vg_clear_return"  # the remembered-link cookie is to be cleared on the next run
# download buttons, keyed(…, the element's downloads key), e.g. keyed(TABLE_CSV, OVERVIEW_DOWNLOADS)
CHART_SVG = "vg_svg"
CHART_PNG = "vg_png"
TABLE_CSV = "vg_csv"
TABLE_XLSX = "vg_xlsx"

# --- Overview ----------------------------------------------------------------------------------
SHOW_ARCHIVED = "show_archived"  # toggle: archived propositions listed too
OVERVIEW_TABLE = "overview_table"  # the table of every proposition (its selected row)
OVERVIEW_DOWNLOADS = "overview"  # the table's CSV/Excel buttons (vg_csv_overview, vg_xlsx_overview)
CREATE_PROPOSITION_FORM = "create_proposition"  # form: a new proposition by name
IMPORT_PROPOSITION_FORM = "import_proposition"  # form: a proposition from a YAML/JSON file

# --- Propositions ------------------------------------------------------------------------------
# keyed(…, proposition id): the version the editor shows, which every save is checked against
SEEN_VERSION = "vg_seen"
EDITOR_GENERATION = "vg_gen"  # keyed(…, proposition id): bumped by Discard or a restore, redraws the editor
SAVE_CONFLICT = "vg_conflict"  # keyed(…, proposition id): a refused save (its message, their version)
# keyed(…, proposition id, seen version, generation): prefix of the editors' keys, keyed(prefix, field)
EDITOR_WIDGETS = "vg_edit"
RELOAD_NEWER = "vg_reload"  # keyed(…, widgets prefix): button, load the newer version someone saved
SAVE_PROPOSITION = "vg_save"  # button
DISCARD_EDITS = "vg_discard"  # button
LOAD_THEIRS = "vg_load_theirs"  # button after a refused save
REPLACE_FROM_FILE_FORM = "replace_from_file"  # form: replace the proposition with a file's content
GUIDED_PICK = "guided_pick"  # keyed(…, proposition id, seen version): the claim the guided editor edits
GUIDED_CLAIM = "guided"  # keyed(…, proposition id, seen version, claim id): prefix of its answers' keys
GUIDED_SAVE = "guided_save"  # keyed(…, proposition id, seen version): button
# keyed(…, proposition id): the claims drafted from copy (batch, source, drafts)
COPY_DRAFTS = "vg_copy_drafts"
COPY_TEXT = "vg_copy_text"  # keyed(…, proposition id): the pasted copy
COPY_FILE = "vg_copy_file"  # keyed(…, proposition id): the uploaded copy
COPY_FIND = "vg_copy_find"  # keyed(…, proposition id): button
COPY_ADD = "vg_copy_add"  # keyed(…, proposition id): button, add the accepted drafts
DRAFT = "vg_draft"  # keyed(…, proposition id, batch, index): prefix of one draft's widgets
DRAFT_CARD = "vg_card"  # keyed(…, proposition id, batch, index): one draft's card
# keyed(…, proposition id, newest version): History's choices, so a new version starts them afresh
HISTORY_FROM = "hist_from"
HISTORY_TO = "hist_to"
HISTORY_RESTORE = "hist_restore"

# --- Evidence ----------------------------------------------------------------------------------
UPLOADER = "vg_upload"  # widget, keyed(UPLOADER, round): the outcome file uploader
UPLOAD_ROUND = "vg_upload_round"  # int, bumped after each import: a new uploader key empties it
READ_RAW = "vg_raw"  # (digest, file name, encoding asked for, RawTable) of the last read
READ_CANCELLED = "vg_read_cancelled"  # digest of the upload whose read was cancelled
READ_MIXED = "vg_read_mixed"  # (digest, MixedEncoding) of the upload whose encoding is to choose
READ_ENCODING = "vg_read_encoding"  # keyed(READ_ENCODING, digest[:16]): the encoding chosen for it
READ_ENCODING_CHOICE = "choice"  # keyed(READ_ENCODING, digest[:16], READ_ENCODING_CHOICE): its radio
READ_CANCEL = "vg_read_cancel"  # button: stop reading the upload
READ_AGAIN = "vg_read_again"  # button: read a cancelled upload again
USE_EARLIER_IMPORT = "vg_use_earlier_import"  # button: link the same file imported before
MAPPING = "vg_map"  # widgets, keyed(MAPPING, hash[:8], ...): the column mapping of one upload
DATASET_NAME = "vg_dataset_name"  # widget, keyed(DATASET_NAME, hash[:8]): the name to import under
CHECK_ROWS = "vg_check_rows"  # button
ROWS_CHECKED = "vg_checked"  # ((hash, mapping), checked rows) of the last "Check rows"
IMPORT_ROWS = "vg_import_rows"  # button
REJECTED_ROWS = "vg_rejected_rows"  # download button of the rejected rows
LAST_IMPORT = "vg_imported"  # (proposition id, source, message, outcome dataset id) of the last import
OFFER_CURRENT = "vg_offer_current"  # (proposition id, dataset id): an upload to offer as current
USE_UPLOAD_AS_CURRENT = "vg_use_new"  # button: make that upload the current evidence
GO_TO_ANALYSIS = "vg_go_analysis"  # outcome dataset id to link to the Gap analysis page once
# the metric names step: a file's metric labels no claim measures, each counted as a claim metric,
# left out, or given to the claims (their metric renamed)
METRIC_LABELS = "vg_metric_labels"  # (signature, {label: rows}) of the last upload's metric labels
# widgets, keyed(METRIC_NAMES, hash[:8], proposition version, "action" or "target", label)
METRIC_NAMES = "vg_metric_names"
METRIC_NAMES_STEP = "vg_metric_names_step"  # the step's container (its class names it in the page)
RENAME_CLAIM_METRIC = "vg_rename_claim_metric"  # button, keyed(…, hash[:8], version, label)
RENAME_CLAIM_REFUSED = "vg_rename_refused"  # (proposition id, message): a refused rename of a claim metric
DATASET_TABLE = "vg_dataset_table"  # the Datasets table (its row selection)
LINK_DATASET = "vg_link_dataset"  # button, keyed(LINK_DATASET, dataset id): use it for this proposition
CHOOSE_CURRENT = "vg_choose_current"  # button, keyed(CHOOSE_CURRENT, dataset id)
DELETE_DATASET = "vg_delete_dataset"  # button, keyed(DELETE_DATASET, dataset id): opens the dialog
CONFIRM_DELETE = "vg_confirm_delete"  # the dialog's "Delete permanently"
CANCEL_DELETE = "vg_cancel_delete"  # the dialog's "Cancel"
# a live source: the table or query read (connection, table, query, preview frame);
# keyed(…, kind, role): its column pickers
LIVE_SOURCE = "vg_live"
LIVE_CHECK = "vg_live_check"  # (signature, check) of the last mapping check on the source
LIVE_CONNECTION = "vg_live_connection"  # selectbox: the configured connection
LIVE_HOW = "vg_live_how"  # radio: read a table or a query
LIVE_FORM = "vg_live_form"  # form: the table or query to preview
LIVE_CHECK_BUTTON = "vg_live_check_button"  # button: check the mapping on the source
LIVE_NAME = "vg_live_name"  # text input: the dataset's name
LIVE_ADD = "vg_live_add"  # button: add as live source
LIVE_KIND = "vg_live_kind"  # radio: long or wide form
LIVE_METRICS = "vg_live_metrics"  # multiselect: a wide source's metric columns
LIVE_REFRESH = "vg_live_refresh"  # button, keyed(…, dataset id)
LIVE_METRIC_LABELS = "vg_live_metric_labels"  # (signature, {label: rows}) of the source's metric labels

# --- Gap analysis ------------------------------------------------------------------------------
ACCEPT_REWORDING = "vg_accept_rewording"  # button, keyed(ACCEPT_REWORDING, claim id, version)
REPORT_DOWNLOADS = "vg_report"  # the stakeholder report's download buttons (and _pdf, _png)
VERDICT_DOWNLOADS = "verdicts"  # table_downloads of the verdict table
EXAGGERATION_DOWNLOADS = "exaggerations"  # table_downloads of the ranked exaggerations
EXPECTATION_DOWNLOADS = "expectations"  # table_downloads of expected vs experienced

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
# the what-if widgets: each key is the widget's URL parameter (bind="query-params"), named in
# valuegap.sharing.links: keyed(…, [item id,] proposition id), e.g. keyed(WHAT_IF_ACCESS, "setup-fee", 4)
WHAT_IF_PRICE = links.WHAT_IF_PRICE  # slider
WHAT_IF_SEGMENT = links.WHAT_IF_SEGMENT  # selectbox: the target segment
WHAT_IF_ACCESS = links.WHAT_IF_ACCESS  # slider per cost-of-access item
WHAT_IF_CLAIM = links.WHAT_IF_CLAIM  # slider per promised value
WHAT_IF_DEFENSIBLE = links.WHAT_IF_DEFENSIBLE  # checkbox per claim: promise the defensible value
OPENED_SCENARIO = "vg_opened_scenario"  # keyed(…, proposition id): the saved scenario the link opened
OPENED_VALUES = "vg_opened_values"  # keyed(…, proposition id): the widget values opening it set
SAVE_SCENARIO_FORM = "vg_save_scenario"  # form: save the what-if by name
DELETE_SCENARIO = "vg_delete_scenario"  # keyed(…, scenario id): button
UNIT_COST = "vg_unit_cost"  # number input: the unit cost of the Gabor-Granger profit price
# download buttons under charts (vg_svg_…, vg_png_…) and tables (vg_csv_…, vg_xlsx_…)
PRICE_BANDS_DOWNLOADS = "price_bands"
WHAT_IF_DOWNLOADS = "what_if"
SCENARIOS_DOWNLOADS = "scenarios"
CHURN_DOWNLOADS = "churn"
VAN_WESTENDORP_DOWNLOADS = "van_westendorp"
VW_POINTS_DOWNLOADS = "vw_points"
VW_INCOMPLETE_DOWNLOADS = "vw_incomplete"
VW_ORDER_DOWNLOADS = "vw_order"
VW_INVALID_DOWNLOADS = "vw_invalid"
GABOR_GRANGER_DOWNLOADS = "gabor_granger"
GG_DEMAND_DOWNLOADS = "gg_demand"
SURVEY_METHOD = "vg_survey_method"  # radio: the survey's method
SURVEY_FILE = "vg_survey_file"  # file uploader
SURVEY_SAVE = "vg_survey_save"  # button: check and save
SURVEY_SAVE_WITHOUT = "vg_survey_save_without"  # button: save, leaving the invalid answers out
SURVEY_PENDING = "vg_survey_invalid"  # (file id, method, InvalidAnswers) of the last check
SURVEY_INVALID_DOWNLOADS = "survey_invalid"  # the invalid answers' table downloads

# --- Share -------------------------------------------------------------------------------------
NEW_SHARE_LINK = "vg_new_share"  # (link id, address) of the link just made, shown until it is revoked
SHARE_FORM = "vg_share_form"  # form: a new share link
SHARE_TABLE = "vg_share_table"  # the table of links (its selected row)
SHARE_TABLE_DOWNLOADS = "share_links"  # the table's CSV/Excel buttons
REVOKE_SHARE_LINK = "vg_revoke"  # keyed(…, link id): button
MOVE_SHARE_LINK = "vg_move"  # keyed(…, link id): button, move the link to the current evidence
SHARE_REPORT = "vg_share_report"  # the stakeholder report's download buttons
