"""Library code never imports streamlit: everything it computes works in a notebook, test or CLI."""

from __future__ import annotations

import pkgutil

import valuegap
from tests.isolated import run_in_fresh_python


def library_modules() -> list[str]:
    names = [
        module.name
        for module in pkgutil.walk_packages(valuegap.__path__, prefix="valuegap.")
        if not module.name.startswith(("valuegap.ui", "valuegap.store.migrations"))
    ]
    assert "valuegap.store" in names and "valuegap.model.proposition" in names
    return names


def test_library_never_imports_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {library_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if m.startswith('streamlit'))\n"
    )
    run_in_fresh_python(code)
