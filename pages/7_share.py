"""Share: read-only links for stakeholders (create, copy, move, revoke) and the stakeholder report."""

from __future__ import annotations

import streamlit as st

from valuegap.ui import PageContext, choose_proposition, page_setup, run_page
from valuegap.ui.identity import SINGLE_USER_LINKS, auth_configured
from valuegap.ui.panels.share_links import new_share_link, share_link_list
from valuegap.ui.panels.share_report import share_report

ctx = page_setup("Share", ":material/share:")


def render(ctx: PageContext) -> None:
    st.title("Share")
    proposition_id = choose_proposition(ctx)
    if proposition_id is None:
        return
    stored = ctx.store.get(proposition_id)
    saved = ctx.store.scenarios(proposition_id)
    if ctx.can_edit:
        st.caption(
            "A share link opens this proposition, or one of its saved what-ifs, read-only: stakeholders "
            "can explore and download, but not change, upload, delete or share. A link shows the "
            "evidence and settings it was made with, whatever is uploaded later; you can move it to the "
            "current evidence below. Links expire, and you can revoke one at any time."
        )
        if not auth_configured():
            st.warning(SINGLE_USER_LINKS, icon=":material/lock_open:")
        new_share_link(ctx, stored, saved)
        share_link_list(ctx, stored, saved)
    st.subheader("Stakeholder report")
    share_report(ctx, stored, saved)


run_page(render, ctx)
