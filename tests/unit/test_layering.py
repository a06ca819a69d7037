"""Layering: library code never imports streamlit (everything it computes works in a notebook, test or
CLI), and pages and ui modules name every session-state and widget key by a registry constant."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

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


# --- session-state and widget keys come from the registry ------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "valuegap" / "ui" / "state_keys.py"
STATE_METHODS = {"get", "pop", "setdefault", "keys", "items", "values", "clear", "update", "to_dict"}


def streamlit_modules() -> list[Path]:
    """Every page and every module of ``valuegap.ui`` except the registry itself."""
    ui = [path for path in (ROOT / "valuegap" / "ui").rglob("*.py") if path != REGISTRY]
    files = sorted(ROOT.glob("pages/*.py")) + sorted(ui)
    assert len(files) > 10 and ROOT / "pages" / "1_overview.py" in files
    return files


def _text_constants(tree: ast.Module) -> set[str]:
    """Names a module binds to text at its top level (``PENDING = "vg_pending"``)."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _spelled_out(node: ast.expr, local: set[str]) -> bool:
    """A key written as text in this module: a string, an f-string, text joined to something, or a
    constant of the module's own instead of the registry's (keyed() of a registry constant is fine)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Name):
        return node.id in local
    if isinstance(node, ast.BinOp):
        return _spelled_out(node.left, local) or _spelled_out(node.right, local)
    if isinstance(node, ast.IfExp):
        return _spelled_out(node.body, local) or _spelled_out(node.orelse, local)
    return False


def _is_session_state(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "session_state") or (
        isinstance(node, ast.Name) and node.id == "session_state"
    )


def _is_form(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "form") or (
        isinstance(func, ast.Name) and func.id == "form"
    )


def spelled_out_keys(source: str) -> list[str]:
    """Where ``source`` names a session-state, widget or form key other than by a registry constant."""
    tree = ast.parse(source)
    local = _text_constants(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call):
            found += [
                f"line {line}: key={ast.unparse(kw.value)}"
                for kw in node.keywords
                if kw.arg == "key" and _spelled_out(kw.value, local)
            ]
            func = node.func
            if _is_form(func) and node.args and _spelled_out(node.args[0], local):
                found.append(f"line {line}: form({ast.unparse(node.args[0])})")
            if (
                isinstance(func, ast.Attribute)
                and _is_session_state(func.value)
                and func.attr in {"get", "pop", "setdefault"}
                and node.args
                and _spelled_out(node.args[0], local)
            ):
                found.append(f"line {line}: session_state.{func.attr}({ast.unparse(node.args[0])})")
        elif (
            isinstance(node, ast.Subscript)
            and _is_session_state(node.value)
            and _spelled_out(node.slice, local)
        ):
            found.append(f"line {line}: session_state[{ast.unparse(node.slice)}]")
        elif (
            isinstance(node, ast.Compare)
            and any(_is_session_state(side) for side in node.comparators)
            and _spelled_out(node.left, local)
        ):
            found.append(f"line {line}: {ast.unparse(node.left)} in session_state")
        elif (
            isinstance(node, ast.Attribute)
            and _is_session_state(node.value)
            and node.attr not in STATE_METHODS
        ):
            found.append(f"line {line}: session_state.{node.attr}")
    return sorted(found, key=lambda finding: int(finding.split(":")[0].removeprefix("line ")))


def test_the_key_check_finds_every_way_of_spelling_a_key_out():
    source = (
        "import streamlit as st\n"
        "from valuegap.ui.state_keys import SAVE, keyed\n"
        "st.button('Save', key='vg_save')\n"  # 3
        "st.button('Save', key=f'vg_save_{pid}')\n"  # 4
        "st.button('Save', key='vg_save_' + str(pid))\n"  # 5
        "st.session_state['vg_name'] = 1\n"  # 6
        "st.session_state.get('vg_name')\n"  # 7
        "st.session_state.pop(f'vg_{pid}', None)\n"  # 8
        "if 'vg_name' in st.session_state: pass\n"  # 9
        "st.session_state.vg_name = 2\n"  # 10
        "del st.session_state['vg_name']\n"  # 11
        "with st.form('vg_form'): pass\n"  # 12
        "PENDING = 'vg_pending'\n"
        "st.session_state[PENDING] = 3\n"  # 14
        "st.button('Save', key=SAVE)\n"
        "with st.form(SAVE): pass\n"
        "st.button('Save', key=keyed(SAVE, pid, 'price'))\n"
        "st.session_state[keyed(SAVE, pid)] = st.session_state.get(SAVE)\n"
        "sorted(rows, key=len)\n"
    )
    assert [finding.split(":")[0] for finding in spelled_out_keys(source)] == [
        f"line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14)
    ]


def test_pages_and_ui_modules_name_every_key_by_a_registry_constant():
    """A key spelled out in a page can collide with another page's and can't be found by its name:
    every session-state and widget key is a constant of valuegap/ui/state_keys.py, or keyed() of one."""
    found = {
        str(path.relative_to(ROOT)): keys
        for path in streamlit_modules()
        if (keys := spelled_out_keys(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_two_registry_constants_name_the_same_key():
    from valuegap.ui import state_keys

    names_by_key: dict[str, list[str]] = {}
    for name, value in vars(state_keys).items():
        if name.isupper() and isinstance(value, str):
            names_by_key.setdefault(value, []).append(name)
    assert {key: names for key, names in names_by_key.items() if len(names) > 1} == {}
