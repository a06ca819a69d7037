"""The command line's contract: output, exit codes 0/1/2, and one-line errors naming file and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sample, sample_data
from valuegap import propfile
from valuegap.cli import main
from valuegap.model import parse_proposition

CLEAN_CLAIM = {
    "id": "paid-sooner",
    "text": "Invoices get paid 5 days sooner on average",
    "benefit": "money",
    "form": "average",
    "metric": "days_to_payment_saved",
    "claimed": 5.0,
}


def write(tmp_path: Path, prop, name="p.yaml") -> Path:
    path = tmp_path / name
    propfile.write(prop, path)
    return path


def test_lint_clean_copy_exits_0(tmp_path, capsys):
    path = write(tmp_path, parse_proposition(sample_data(claims=[CLEAN_CLAIM])))
    assert main(["lint", str(path)]) == 0
    assert "no wording flags" in capsys.readouterr().out


def test_lint_flags_exit_1_and_name_the_words(tmp_path, capsys):
    claim = dict(CLEAN_CLAIM, text="Always get paid 5 days sooner, guaranteed")
    path = write(tmp_path, parse_proposition(sample_data(claims=[claim])), "p.json")
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "“Always”" in out and "“guaranteed”" in out and "paid-sooner" in out
    assert main(["lint", str(path), "--format", "json"]) == 1
    flags = json.loads(capsys.readouterr().out)["flags"]
    assert {f["words"].lower() for f in flags} >= {"always", "guaranteed"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: [broken\n", "not valid YAML at line 2"),
        ("", "the file is empty"),
        ("name: x\nprice: {amount: 1}\ncolour: red\n", "colour: is not a known field"),
        ("name: x\nprice: {amount: -1}\n", "price.amount: must be at least 0"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and str(path) in err


def test_missing_file_and_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["lint"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_demo_writes_the_workspace(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert (tmp_path / "demo" / "propositions" / "invoicing-saas.yaml").exists()
    assert "Wrote" in capsys.readouterr().out


def test_demo_into_an_unwritable_place_exits_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["demo", "--out", str(blocker / "sub")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_installed_console_script_runs(tmp_path):
    path = write(tmp_path, sample())
    result = subprocess.run(
        [sys.executable, "-m", "valuegap.cli", "lint", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1) and sample().name in result.stdout


DATA = Path(__file__).resolve().parents[2] / "data"


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "valuegap.cli", *args], capture_output=True, text=True, check=False, timeout=99
    )


def test_the_console_script_writes_all_its_output_before_its_quick_exit() -> None:
    """`run()` exits without interpreter teardown: the whole JSON must still arrive, with exit 0."""
    result = _command(
        "analyze", str(DATA / "propositions/invoicing-saas.yaml"), str(DATA / "outcomes/invoicing-saas.csv")
    )
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert claims and all(claim["verdict"] for claim in claims)
    in_process = json.loads(json.dumps(_analyze_in_process()))
    assert json.loads(result.stdout) == in_process


def _analyze_in_process() -> dict:
    from valuegap.analysis import analyze
    from valuegap.ingest.outcomes import read_outcomes_csv

    prop = propfile.read(DATA / "propositions/invoicing-saas.yaml")
    return analyze(prop, read_outcomes_csv(DATA / "outcomes/invoicing-saas.csv")).to_dict()


def test_the_console_script_exits_2_with_one_line_for_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "outcomes.csv"
    broken.write_text("customer_id,metric,value\nA,hours,3\nB,hours,lots\n")
    result = _command("analyze", str(DATA / "propositions/invoicing-saas.yaml"), str(broken))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "row 3, column value" in result.stderr
