"""Checks that need a fresh interpreter: what importing a module loads depends on what ran before."""

from __future__ import annotations

import subprocess
import sys


def run_in_fresh_python(code: str) -> None:
    """Run ``code`` in a new Python process; fail with its error output unless it succeeds."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
