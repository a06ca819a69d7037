"""Library code never imports streamlit: everything it computes works in a notebook, test or CLI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import valuegap


def library_modules() -> list[str]:
    names = [
        module.name
        for module in pkgutil.walk_packages(valuegap.__path__, prefix="valuegap.")
        if not module.name.startswith(("valuegap.ui", "valuegap.store.migrations"))
    ]
    assert "valuegap.store" in names and "valuegap.model" in names
    return names


def test_library_never_imports_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {library_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if m.startswith('streamlit'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
