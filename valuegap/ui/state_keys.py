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

# --- Propositions ------------------------------------------------------------------------------

# --- Evidence ----------------------------------------------------------------------------------

# --- Gap analysis ------------------------------------------------------------------------------

# --- Competitors -------------------------------------------------------------------------------

# --- Pricing -----------------------------------------------------------------------------------

# --- Share -------------------------------------------------------------------------------------
