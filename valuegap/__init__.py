"""Value Gap Workbench: does a value proposition keep its promises? The library behind the app."""

__version__ = "0.1.0"
