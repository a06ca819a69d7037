"""Value Gap Workbench: the router. Each page lives in pages/ and guards itself (page_setup)."""

from __future__ import annotations

import streamlit as st

from valuegap.ui import PAGES


def run() -> None:
    navigation = st.navigation(
        [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in PAGES],
        position="top",
    )
    navigation.run()


run()
