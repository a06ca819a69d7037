"""Opening a workspace, importing a dataset into it, the Overview and the demo."""
