"""Hostile documents of issue 20 ("Hardening"), shared by the reliability, app and unit tests.

Each is small on disk and was, before the fix, a way to exhaust the server: memory (aliases expanded
into a message), the recursion limit (deep nesting) or the parser (a 5,000-digit number).
"""

from __future__ import annotations

import itertools
import json


def laughs(levels: int = 9, *, key: str = "name") -> bytes:
    """A billion-laughs YAML: ``levels`` levels of nine aliases each under an unknown key, then ``key``
    set to the last one. Nine levels are 375 bytes that expand to 9**9 (387 million) strings; the
    seven-level file sent 36 MB to the browser and nine drove the server past 8 GB."""
    lines = ["junk:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"[:levels]
    for previous, name in itertools.pairwise(names):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + f"\n{key}: *{names[-1]}\n").encode()


def offers_laughs(levels: int = 9) -> bytes:
    """The same expansion as an offers file's price."""
    head = laughs(levels, key="x").decode().rsplit("\n", 2)[0]
    alias = "abcdefghijklmnop"[levels - 1]
    return (
        head + "\nattributes: {Speed: 100}\noffers:\n"
        f"  - {{name: Us, price: *{alias}, ours: true, scores: {{Speed: 1}}}}\n"
        "  - {name: Them, price: 2, scores: {Speed: 2}}\n"
    ).encode()


DEEP = 50_000
BIG_DIGITS = 5_000


def proposition_payloads() -> dict[str, bytes]:
    """Hostile proposition files by name (the name's ending picks YAML or JSON)."""
    big = "9" * BIG_DIGITS
    return {
        "laughs.yaml": laughs(9),
        "laughs7.yaml": laughs(7),
        "deep.yaml": b"[" * DEEP,
        "deep-closed.yaml": b"[" * DEEP + b"]" * DEEP,
        "deep-map.yaml": b"{a: " * DEEP,
        "deep.json": b"[" * DEEP,
        "deep-closed.json": b"[" * DEEP + b"]" * DEEP,
        "big-int.yaml": f"name: x\nprice: {{amount: {big}}}\n".encode(),
        "big-int.json": json.dumps({"name": "x", "price": {"amount": 0}}).replace("0}", big + "}").encode(),
        "big-float.yaml": b"name: x\nprice: {amount: 1.0e+400}\n",
        "big-float.json": b'{"name": "x", "price": {"amount": 1e400}}',
        "sexagesimal.yaml": b"name: x\nhorizon: 1" + b":0" * 400_000 + b"\nprice: {amount: 1}\n",
        "long-text.yaml": b'name: ["' + b"x" * 900_000 + b'"]\nprice: {amount: 1}\n',
        "long-key.json": json.dumps({"name": "x", "price": {"amount": 1}, "k" * 900_000: 1}).encode(),
        # 9,000 unknown fields: one problem each, so the CLI shows the first 1,000 and counts the rest
        "many-keys.json": json.dumps({"name": "x", **{f"k{i}": 1 for i in range(9_000)}}).encode(),
        "many-values.yaml": b"name: x\nprice: {amount: 1}\njunk: [" + b"1," * 400_000 + b"1]\n",
    }


def offers_payloads() -> dict[str, bytes]:
    """Hostile offers files by name."""
    return {
        "offers-laughs.yaml": offers_laughs(9),
        "offers-deep.json": b'{"attributes": ' + b"[" * DEEP,
        "offers-big.yaml": b"attributes: {Speed: 100}\noffers:\n  - {name: Us, price: "
        + b"9" * BIG_DIGITS
        + b", scores: {Speed: 1}}\n",
        # 20,000 attributes and 20,000 offers scoring none of them: once a problem per offer and
        # attribute (400 million)
        "offers-grid.yaml": _grid(20_000, 20_000, "yaml"),
        "offers-grid.json": _grid(20_000, 20_000, "json"),
        # within the file's value limit, still offers x attributes checks and problems
        "offers-wide.json": _grid(3_000, 1_500, "json"),
    }


def _grid(attributes: int, offers: int, fmt: str) -> bytes:
    data = {
        "attributes": {f"a{i}": 0 for i in range(attributes)},
        "offers": [{"name": f"o{i}", "price": 1, "scores": {}} for i in range(offers)],
    }
    if fmt == "json":
        return json.dumps(data, separators=(",", ":")).encode()
    return (
        "attributes: {"
        + ", ".join(f"{k}: 0" for k in data["attributes"])
        + "}\noffers:\n"
        + "".join(f"  - {{name: o{i}, price: 1, scores: {{}}}}\n" for i in range(offers))
    ).encode()
