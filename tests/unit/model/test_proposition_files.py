from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import sample
from tests.unit.strategies import propositions
from valuegap.errors import InvalidInput, ValueGapError
from valuegap.model import proposition_files


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(propositions())
def test_yaml_and_json_round_trip_exactly(prop):
    for fmt in ("yaml", "json"):
        text = proposition_files.dumps(prop, fmt)
        again = proposition_files.loads(text, fmt)
        assert again == prop
        assert proposition_files.dumps(again, fmt) == text


def test_files_on_disk_round_trip(tmp_path: Path):
    prop = sample()
    for name in ("p.yaml", "p.yml", "p.json"):
        proposition_files.write(prop, tmp_path / name)
        assert proposition_files.read(tmp_path / name) == prop


def test_utf8_bom_is_accepted():
    text = proposition_files.dumps(sample()).encode("utf-8-sig")
    assert proposition_files.loads(text).name == sample().name


@pytest.mark.parametrize(
    ("content", "fmt", "expected"),
    [
        (b"", "yaml", "empty"),
        (b"   \n", "yaml", "empty"),
        (b"name: [unclosed\n", "yaml", "not valid YAML at line 2"),
        (b"name: x\n  price: :\n", "yaml", "not valid YAML at line 2"),
        (b'{"name": "x",}', "json", "not valid JSON at line 1"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "yaml", "PNG image"),
        (b"abc\x00def", "yaml", "binary"),
        (b"name: caf\xe9\n", "yaml", "not UTF-8"),
    ],
)
def test_broken_files_get_a_specific_message(content, fmt, expected):
    with pytest.raises(ValueGapError, match=expected) as info:
        proposition_files.loads(content, fmt, source="bad.file")
    assert info.value.message.startswith("bad.file: ")


def test_unknown_field_names_file_and_path():
    text = proposition_files.dumps(sample()).replace("  benefit: money", "  benefit: money\n  colour: red", 1)
    with pytest.raises(InvalidInput) as info:
        proposition_files.loads(text, source="offer.yaml")
    assert str(info.value).startswith("offer.yaml: claims[1 (paid-sooner)].colour: is not a known field")


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(ValueGapError, match="no such file"):
        proposition_files.read(tmp_path / "nope.yaml")
    with pytest.raises(ValueGapError, match="folder"):
        proposition_files.read(tmp_path)


def test_format_is_picked_from_the_name():
    assert proposition_files.format_for("A.JSON") == "json"
    assert proposition_files.format_for("a.yml") == "yaml"
