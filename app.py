"""Value Gap Workbench: the router. Each page lives in pages/ and guards itself (page_setup)."""

from __future__ import annotations

import streamlit as st

from valuegap.ui import APP_ICON, PAGES
from valuegap.ui.identity import NAVIGATION_HIDDEN_KEY


def run() -> None:
    # before the navigation: Streamlit makes the open page's icon the tab's icon unless one is set,
    # and turns a :material/...: icon into an address on fonts.gstatic.com
    st.set_page_config(page_icon=str(APP_ICON))
    hidden = st.session_state.get(NAVIGATION_HIDDEN_KEY, False)  # a refused link or the sign-in page
    navigation = st.navigation(
        [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in PAGES],
        position="hidden" if hidden else "top",
    )
    navigation.run()


run()
