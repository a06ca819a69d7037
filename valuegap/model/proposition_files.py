"""Proposition files (YAML or JSON): the format users import, export and hand to the CLI.

``dumps``/``loads`` round-trip exactly: ``loads(dumps(p)) == p`` for every valid proposition. Errors
name the file, the line where the parser can tell, and the field path.

Documents users give (propositions, offers) are read as plain data only, at a cost bounded by the
file's size: YAML anchors and aliases are refused (nine levels of aliases in 384 bytes expand to 387
million strings, a "billion laughs"), nesting deeper than :data:`MAX_DEPTH` is refused before the
parser recurses into it, so is a file of more than :data:`MAX_NODES` values (PyYAML reads about
20,000 a second, so this bounds the time one file can take), and a number beyond the range of a float
(or written with more than :data:`MAX_NUMBER_CHARS` characters) is refused with its field named
instead of failing the parser.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, Literal

import yaml

from valuegap.errors import InvalidInput, Problem, ValueGapError, shorten
from valuegap.model.proposition import Proposition, parse_proposition
from valuegap.sources import filetypes

FileFormat = Literal["yaml", "json"]
MAX_FILE_BYTES = 1 << 20  # 1 MB; a proposition file is a few KB
EXPORTED = "Choose a YAML or JSON text file, such as one this app exported."
MAX_DEPTH = 32  # levels of nested lists and mappings; a proposition file has 3, an offers file 4
MAX_NODES = 20_000  # values, keys, lists and mappings; a proposition with 100 claims has about 2,400
MAX_NUMBER_CHARS = 400  # a float's range needs at most 309 digits; longer numbers are not read at all
LARGEST = sys.float_info.max


_YAML_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never folds line-break characters away.

    PyYAML writes a string holding NEL (U+0085, what a mis-decoded Windows "…" becomes) or a bare CR
    in single quotes, and reading it back turns that character into a space; double quotes escape it.
    Nor does it write anchors and aliases for a value that appears twice: they are refused on reading.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


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


class _OutOfRange:
    """A number the file holds that is beyond a float's range, kept as written until its field is named."""

    __slots__ = ("length", "line", "text")

    def __init__(self, text: str, line: int | None = None) -> None:
        self.text, self.length, self.line = text[:24], len(text), line

    def __repr__(self) -> str:
        return f"the number {shorten(self.text, 20)} ({self.length:,} characters)"


class _Refused(yaml.YAMLError):
    """Something a user's document may not hold (an anchor, an alias, deep nesting), at a mark."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


def _number_text(node: yaml.ScalarNode) -> str:
    return str(node.value).replace("_", "")


class DocumentLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader for documents users give: plain data and nothing else.

    Refuses anchors and aliases (no document users write needs them, and aliases are how a few hundred
    bytes expand to gigabytes), refuses nesting deeper than :data:`MAX_DEPTH` before recursing into it
    (``[`` x 50,000 otherwise exhausts the recursion limit) and more than :data:`MAX_NODES` values
    (a dense 1 MB file is 220,000 of them and took PyYAML 10 s), and reads a number beyond a float's range,
    or one written with more than :data:`MAX_NUMBER_CHARS` characters, as a marker that
    :func:`load_data` reports with its field.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"an alias (*{shorten(str(event.anchor), 20)})", event.start_mark)
        if event.anchor is not None:
            raise _Refused(f"an anchor (&{shorten(str(event.anchor), 20)})", event.start_mark)
        nested = isinstance(event, yaml.CollectionStartEvent)
        if nested and self._depth >= MAX_DEPTH:
            raise _Refused("depth", event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused("nodes", event.start_mark)
        self._depth += nested
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= nested

    def construct_bounded_int(self, node: yaml.ScalarNode) -> Any:
        if len(_number_text(node)) > MAX_NUMBER_CHARS:  # not even parsed: '1:0:0:…' is quadratic
            return _OutOfRange(_number_text(node), node.start_mark.line + 1)
        value = self.construct_yaml_int(node)
        return _OutOfRange(_number_text(node), node.start_mark.line + 1) if abs(value) > LARGEST else value

    def construct_bounded_float(self, node: yaml.ScalarNode) -> Any:
        text = _number_text(node)
        if len(text) > MAX_NUMBER_CHARS:
            return _OutOfRange(text, node.start_mark.line + 1)
        value = self.construct_yaml_float(node)
        written_infinite = text.lower().lstrip("+-") == ".inf"
        return (
            _OutOfRange(text, node.start_mark.line + 1)
            if math.isinf(value) and not written_infinite
            else value
        )


DocumentLoader.add_constructor("tag:yaml.org,2002:int", DocumentLoader.construct_bounded_int)
DocumentLoader.add_constructor("tag:yaml.org,2002:float", DocumentLoader.construct_bounded_float)


def _json_int(text: str) -> Any:
    return _OutOfRange(text) if len(text) > MAX_NUMBER_CHARS else int(text)


def _json_float(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return _OutOfRange(text)
    value = float(text)
    return _OutOfRange(text) if math.isinf(value) else value


def _path(parts: list[Any]) -> str:
    """``claims[2].claimed`` style, as validation names fields (lists counted from 1)."""
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else ("." if text else "") + part
    return text


def _checked(data: Any, source: str) -> Any:
    """``data`` when it nests at most :data:`MAX_DEPTH` deep and every number is within a float's range;
    otherwise an :class:`InvalidInput` naming each such number's field. One pass, no recursion."""
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any], int]] = [(data, [], 0)]
    nodes = 0
    while stack:
        value, parts, depth = stack.pop()
        nodes += 1 + (len(value) if isinstance(value, dict) else 0)  # keys count, as YAML counts them
        if nodes > MAX_NODES:
            raise _too_many(source, None)
        if isinstance(value, dict | list | tuple | set):  # YAML's !!omap and !!pairs give tuples, !!set a set
            if depth >= MAX_DEPTH:
                raise _too_deep(source, None)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, _OutOfRange):
                    problems.append(_out_of_range(_path(parts), key, "a key"))
                    continue
                part = shorten(str(key), 40) if isinstance(value, dict) else key
                stack.append((item, [*parts, part], depth + 1))
        elif isinstance(value, _OutOfRange) or (
            isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST
        ):
            problems.append(_out_of_range(_path(parts), value))
    if problems:
        problems.sort(key=lambda problem: problem.path)
        raise InvalidInput(problems, source=source)
    return data


def _out_of_range(path: str, value: Any, what: str = "") -> Problem:
    if not isinstance(value, _OutOfRange):  # a JSON integer of 310-400 digits
        value = _OutOfRange(str(value))
    where = f" on line {value.line}" if value.line is not None else ""
    return Problem(
        path,
        f"{what + ', ' if what else ''}{value!r}{where} is beyond the range of numbers this app reads "
        "(about ±1.8e308); write a smaller number, or one in a larger unit",
    )


def _too_many(source: str, mark: Any) -> ValueGapError:
    where = f" (the limit is passed on line {mark.line + 1})" if mark is not None else ""
    return ValueGapError(
        f"{source}: the file holds more than {MAX_NODES:,} values{where}; these files hold a few "
        "hundred. Check it is the right file, or split it."
    )


def _too_deep(source: str, mark: Any) -> ValueGapError:
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return ValueGapError(
        f"{source}: the file nests lists and mappings more than {MAX_DEPTH} levels deep{where}; these "
        f"files need 4 at most. Check the brackets and indentation, or export the file again from this app."
    )


def load_data(text: str | bytes, fmt: FileFormat = "yaml", *, source: str) -> Any:
    """The plain data in a YAML or JSON file's text; raises a :class:`ValueGapError` naming the line.

    The cost is bounded by the text's length (see :class:`DocumentLoader`): no anchors or aliases, at
    most :data:`MAX_DEPTH` levels, numbers within a float's range (others are named with their field).
    """
    if isinstance(text, bytes):
        text = _decode(text, source)
    if not text.strip():
        raise ValueGapError(f"{source}: the file is empty.")
    try:
        if fmt == "json":
            data = json.loads(text, parse_int=_json_int, parse_float=_json_float)
        else:
            data = yaml.load(text, Loader=DocumentLoader)  # a SafeLoader, see DocumentLoader
    except RecursionError:  # JSON nested deeper than Python recurses; YAML stops at MAX_DEPTH first
        raise _too_deep(source, None) from None
    except json.JSONDecodeError as exc:
        raise ValueGapError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except _Refused as exc:
        if exc.message in ("depth", "nodes"):
            raise (_too_deep if exc.message == "depth" else _too_many)(source, exc.mark) from None
        raise ValueGapError(
            f"{source}: line {exc.mark.line + 1}, column {exc.mark.column + 1} has {exc.message}; these "
            "files take no YAML anchors (&) or aliases (*). Write the value out in full where it is "
            "used, or export the file again from this app."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "could not be parsed"
        raise ValueGapError(f"{source}: not valid YAML{where}: {shorten(str(problem), 120)}.") from None
    return _checked(data, source)


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
