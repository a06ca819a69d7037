"""Deep links: the one module that knows how a view is written into a URL and read back.

Every page keeps what it shows in the query string (DESIGN.md, "Sharing and access"), so a copied
address reopens the same view. The parameter names live here and nowhere else; pages read and write
them through :mod:`valuegap.ui`, and the Share page builds its links with :func:`build_url`.
Parsing is forgiving: a malformed value is dropped (the page then shows its default and says so)
rather than failing, because a link is user input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

PROPOSITION = "p"
DATASET = "d"
SCENARIO = "scenario"
SEGMENT = "segment"
PERIOD = "period"
CLAIM = "claim"
SHARE = "share"
TAB = "tab"  # the open tab of a page, bound by st.tabs itself; kept in View.other
ALPHA = "alpha"  # the significance level of Gap analysis; kept in View.other
CORRECTION = "correction"  # its multiplicity correction; kept in View.other
# The Pricing page's what-if widgets, bound to the URL (their widget keys are these parameters, see
# valuegap.ui.state_keys): the name, the item's id for a cost-of-access amount or a claim, and the
# proposition's id, joined by "_": price_4, segment_4, access_setup-fee_4, claim_paid-faster_4,
# defensible_paid-faster_4. Kept in View.other.
WHAT_IF_PRICE = "price"
WHAT_IF_SEGMENT = "segment"
WHAT_IF_ACCESS = "access"
WHAT_IF_CLAIM = "claim"
WHAT_IF_DEFENSIBLE = "defensible"

_IDS = (PROPOSITION, DATASET, SCENARIO)
_TEXTS = (SEGMENT, PERIOD, CLAIM)
KNOWN = (*_IDS, *_TEXTS, SHARE)
MAX_VALUE_LENGTH = 200


@dataclass(frozen=True)
class View:
    """What a page shows: its URL path ("" is the home page) and the selections in its query string.

    ``other`` keeps any further parameters a page binds to the URL (significance level, correction,
    the Pricing page's sliders) in their original order, so a link round-trips unchanged.
    """

    page: str = ""
    proposition: int | None = None
    dataset: int | None = None
    scenario: int | None = None
    segment: str | None = None
    period: str | None = None
    claim: str | None = None
    other: tuple[tuple[str, str], ...] = field(default=())


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 and int(text) > 0 else None


def _text(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:MAX_VALUE_LENGTH] if text else None


def _last(query: Mapping[str, str | list[str]], key: str) -> str | None:
    value = query.get(key)
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def parse_query(query: Mapping[str, str | list[str]], page: str = "") -> View:
    """The view a query string describes (a share token in it is ignored: see :func:`share_token`)."""
    other = tuple(
        (str(key), str(_last(query, key) or "")) for key in query if key not in KNOWN and str(key).strip()
    )
    return View(
        page=normalise_page(page),
        proposition=_id(_last(query, PROPOSITION)),
        dataset=_id(_last(query, DATASET)),
        scenario=_id(_last(query, SCENARIO)),
        segment=_text(_last(query, SEGMENT)),
        period=_text(_last(query, PERIOD)),
        claim=_text(_last(query, CLAIM)),
        other=other,
    )


def carried(
    query: Mapping[str, str | list[str]],
    proposition: int | None,
    scenario: tuple[int, int] | None = None,
    *,
    with_scenario: bool = False,
) -> dict[str, str]:
    """What to add to the query of a page opened by the top navigation (which names the page only)
    so it keeps the visitor's ``proposition`` and, on a page that uses one (``with_scenario``), the
    ``scenario`` (proposition id, scenario id) when it belongs to that proposition. A parameter the
    address already has is never replaced: a link says what it shows."""
    add: dict[str, str] = {}
    current = _id(_last(query, PROPOSITION)) if PROPOSITION in query else proposition
    if PROPOSITION not in query and proposition is not None:
        add[PROPOSITION] = str(proposition)
    if with_scenario and SCENARIO not in query and scenario is not None and current == scenario[0]:
        add[SCENARIO] = str(scenario[1])
    return add


def share_token(query: Mapping[str, str | list[str]]) -> str | None:
    return _text(_last(query, SHARE))


def to_query(view: View) -> dict[str, str]:
    """The query parameters of ``view``, in a stable order, leaving out what is unset."""
    pairs: dict[str, str] = {}
    for key, value in (
        (PROPOSITION, view.proposition),
        (DATASET, view.dataset),
        (SCENARIO, view.scenario),
        (SEGMENT, view.segment),
        (PERIOD, view.period),
        (CLAIM, view.claim),
    ):
        if value is not None and value != "":
            pairs[key] = str(value)
    for key, value in view.other:
        pairs.setdefault(key, value)
    return pairs


def normalise_page(page: str) -> str:
    return page.strip().strip("/")


def page_path(page_file: str) -> str:
    """The URL path Streamlit gives ``pages/N_slug.py``: the file name without its number and ``.py``."""
    stem = page_file.rsplit("/", 1)[-1].removesuffix(".py")
    return re.sub(r"^[0-9]+[_ -]*", "", stem)


def app_base(current_url: str, page: str = "") -> str:
    """The app's root URL from the address of one of its pages (``page`` is that page's URL path)."""
    parts = urlsplit(current_url)
    path = parts.path.rstrip("/")
    page = normalise_page(page)
    if page and (path == f"/{page}" or path.endswith(f"/{page}")):
        path = path[: -len(page) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def build_url(base: str, view: View, *, share: str | None = None) -> str:
    """The absolute URL of ``view`` under the app root ``base``; with ``share``, a viewer's link."""
    query = to_query(view)
    if share:
        query[SHARE] = share
    path = base.rstrip("/") + ("/" + view.page if view.page else "/")
    return path + ("?" + urlencode(query) if query else "")


def parse_url(url: str, base: str) -> tuple[View, str | None]:
    """The view and the share token (if any) of an absolute ``url`` under the app root ``base``."""
    parts = urlsplit(url)
    root = urlsplit(base).path.rstrip("/")
    page = parts.path[len(root) :] if parts.path.startswith(root) else parts.path
    query: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query[key] = value
    return parse_query(query, page), share_token(query)


def remember(view: View) -> str:
    """``view`` as one cookie-safe value (percent-encoded path and query) for :func:`remembered`."""
    return quote(build_url("", view), safe="")


def remembered(value: str | None, pages: Iterable[str]) -> View | None:
    """The view a :func:`remember` value names, if it is one of ``pages``; anything else is ignored."""
    if not value:
        return None
    view, _ = parse_url(unquote(value), "")
    return view if view.page and view.page in set(pages) else None
