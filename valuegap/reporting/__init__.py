"""Formatting of numbers and user text, formula-safe exports, charts as files, the stakeholder report."""
