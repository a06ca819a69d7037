"""Proposition files (YAML or JSON): the format users import, export and hand to the CLI.

``dumps``/``loads`` round-trip exactly: ``loads(dumps(p)) == p`` for every valid proposition. Errors
name the file, the line where the parser can tell, and the field path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml

from valuegap import filetypes
from valuegap.errors import InvalidInput, Problem, ValueGapError
from valuegap.model import Proposition, parse_proposition

FileFormat = Literal["yaml", "json"]
MAX_FILE_BYTES = 1 << 20  # 1 MB; a proposition file is a few KB
EXPORTED = "Choose a YAML or JSON text file, such as one this app exported."


_YAML_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never folds line-break characters away.

    PyYAML writes a string holding NEL (U+0085, what a mis-decoded Windows "…" becomes) or a bare CR
    in single quotes, and reading it back turns that character into a space; double quotes escape it.
    """


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(mark in value for mark in _YAML_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def format_for(name: str) -> FileFormat:
    """Pick the format from a file name; YAML unless it ends in ``.json``."""
    return "json" if name.lower().endswith(".json") else "yaml"


def dumps(prop: Proposition, fmt: FileFormat = "yaml") -> str:
    return dump_data(prop.to_dict(), fmt)


def _decode(raw: bytes, source: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise ValueGapError(
            f"{source}: the file is {filetypes.megabytes(len(raw))}; the limit is "
            f"{filetypes.megabytes(MAX_FILE_BYTES)} (such files are a few KB). {EXPORTED}"
        )
    found = filetypes.recognise(raw)
    if found is not None:
        advice = "Save it as UTF-8 and try again." if found.description == "UTF-16 text" else EXPORTED
        raise ValueGapError(f"{source}: this is {found.description}, not a YAML or JSON file. {advice}")
    if filetypes.looks_binary(raw, window=4096):
        raise ValueGapError(f"{source}: this is a binary file, not a YAML or JSON file. {EXPORTED}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueGapError(
            f"{source}: the file is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
        ) from None


def load_data(text: str | bytes, fmt: FileFormat = "yaml", *, source: str) -> Any:
    """The plain data in a YAML or JSON file's text; raises a :class:`ValueGapError` naming the line."""
    if isinstance(text, bytes):
        text = _decode(text, source)
    if not text.strip():
        raise ValueGapError(f"{source}: the file is empty.")
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ValueGapError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "could not be parsed"
        raise ValueGapError(f"{source}: not valid YAML{where}: {problem}.") from None


def dump_data(data: Any, fmt: FileFormat = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def loads(text: str | bytes, fmt: FileFormat = "yaml", *, source: str = "proposition file") -> Proposition:
    """Parse and validate a proposition file's text; raises a user-readable :class:`ValueGapError`."""
    data = load_data(text, fmt, source=source)
    try:
        return parse_proposition(data, source=source)
    except InvalidInput:
        raise
    except RecursionError:
        raise InvalidInput([Problem("", "the file is nested too deeply")], source=source) from None


def read(path: Path) -> Proposition:
    """Read a proposition file from disk."""
    return loads(filetypes.read_file(path), format_for(path.name), source=str(path))


def write(prop: Proposition, path: Path) -> None:
    path.write_text(dumps(prop, format_for(path.name)), encoding="utf-8")
