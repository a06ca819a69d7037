"""Streamlit components of the pages that grew beyond a few lines (DESIGN.md: pages stay short)."""
