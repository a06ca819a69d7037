"""Value Gap Workbench: the router. Each page lives in pages/ and guards itself (page_setup).

Every page answers at its own address, the Overview included (``/overview``, where the navigation
links to). The root address shows the Overview too, as a hidden page of the same file: no redirect,
so no second run and the address a visitor typed stays as it is.
"""

from __future__ import annotations

import streamlit as st

from valuegap.ui import APP_ICON, PAGES
from valuegap.ui import state_keys as keys


def run() -> None:
    """Draw the navigation and run the page the address names."""
    # before the navigation: Streamlit makes the open page's icon the tab's icon unless one is set,
    # and turns a :material/...: icon into an address on fonts.gstatic.com
    st.set_page_config(page_icon=str(APP_ICON))
    pages = [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in PAGES]
    # after the pages: st.switch_page and st.page_link open the first page of a file, /overview
    root = st.Page(PAGES[0].path, title=PAGES[0].title, url_path="root", default=True, visibility="hidden")
    hidden = st.session_state.get(keys.NAVIGATION_HIDDEN, False)  # a refused link or the sign-in page
    navigation = st.navigation([*pages, root], position="hidden" if hidden else "top")
    asked_for = st.session_state.pop(keys.ROUTE_PAGE, None)  # a deep link a page sent here (page_setup)
    if asked_for is not None:
        st.switch_page(asked_for, query_params=st.query_params.to_dict())
    st.session_state[keys.ROUTED_BY_APP] = True
    navigation.run()


run()
