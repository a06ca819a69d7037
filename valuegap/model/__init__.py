"""The proposition and its claims, proposition files, revisions and their diffs, the editor's tables."""
