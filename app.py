"""Value Gap Workbench: the router. Each page lives in pages/ and guards itself (page_setup).

Every page answers at its own address, the Overview included (``/overview``); the root address is a
hidden page that opens the Overview there, with the link's parameters.
"""

from __future__ import annotations

import streamlit as st

from valuegap.ui import APP_ICON, APP_NAME, PAGES
from valuegap.ui import state_keys as keys


def run() -> None:
    """Draw the navigation and run the page the address names."""
    # before the navigation: Streamlit makes the open page's icon the tab's icon unless one is set,
    # and turns a :material/...: icon into an address on fonts.gstatic.com
    st.set_page_config(page_icon=str(APP_ICON))
    pages = [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in PAGES]
    overview = pages[0]

    def open_overview() -> None:
        st.switch_page(overview, query_params=st.query_params.to_dict())

    root = st.Page(open_overview, title=APP_NAME, default=True, visibility="hidden")
    hidden = st.session_state.get(keys.NAVIGATION_HIDDEN, False)  # a refused link or the sign-in page
    navigation = st.navigation([root, *pages], position="hidden" if hidden else "top")
    asked_for = st.session_state.pop(keys.ROUTE_PAGE, None)  # a deep link a page sent here (page_setup)
    if asked_for is not None:
        st.switch_page(asked_for, query_params=st.query_params.to_dict())
    st.session_state[keys.ROUTED_BY_APP] = True
    navigation.run()


run()
