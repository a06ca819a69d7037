"""The command line's contract: output, exit codes 0/1/2, and one-line errors naming file and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import assert_same_rows, sample, sample_data
from valuegap.cli import main
from valuegap.model import proposition_files
from valuegap.model.proposition import parse_proposition

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
    proposition_files.write(prop, path)
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


def test_the_console_script_prints_what_analyze_gives_in_process() -> None:
    """The console script prints the whole JSON and exits 0, the same analysis as in process."""
    result = _command(
        "analyze", str(DATA / "propositions/invoicing-saas.yaml"), str(DATA / "outcomes/invoicing-saas.csv")
    )
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert claims and all(claim["verdict"] for claim in claims)
    in_process = json.loads(json.dumps(_analyze_in_process()))
    assert_same_rows(json.loads(result.stdout)["claims"], in_process["claims"])


def _analyze_in_process() -> dict:
    from valuegap.evidence.analysis import analyze
    from valuegap.sources.outcomes import read_outcomes_csv

    prop = proposition_files.read(DATA / "propositions/invoicing-saas.yaml")
    return analyze(prop, read_outcomes_csv(DATA / "outcomes/invoicing-saas.csv")).to_dict()


def test_the_console_script_exits_2_with_one_line_for_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "outcomes.csv"
    broken.write_text("customer_id,metric,value\nA,hours,3\nB,hours,lots\n")
    result = _command("analyze", str(DATA / "propositions/invoicing-saas.yaml"), str(broken))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "row 3, column value" in result.stderr


# ----------------------------------------------------------------------------- repeated rows (METHODS 8)

REPEATS_CLAIM = {
    "id": "hours",
    "text": "Saves 3 hours a week on average",
    "benefit": "time",
    "form": "average",
    "metric": "hours",
    "claimed": 3.0,
    "unit": "hours",
}
# customer A's second row repeats its first exactly: kept, A's mean is (2 + 2 + 8) / 3 = 4 and the
# claim's estimate (4 + 4 + 5) / 3 = 13/3; dropped, A's mean would be 5 and the estimate 14/3
UNDATED = "customer_id,metric,value\nA,hours,2\nA,hours,2\nA,hours,8\nB,hours,4\nC,hours,5\n"
# the same with dates: A's 2 on 2025-01-01 is uploaded twice (dropped: A's mean stays (2 + 2 + 8) / 3
# = 4 from its three distinct observations, estimate 13/3; kept, A's mean would be 3.5, estimate 25/6)
DATED = (
    "customer_id,metric,value,observed_at\nA,hours,2,2025-01-01\nA,hours,2,2025-01-01\n"
    "A,hours,2,2025-01-02\nA,hours,8,2025-01-03\nB,hours,4,2025-01-01\nC,hours,5,2025-01-01\n"
)


def _outcomes_file(tmp_path: Path, text: str, form: str) -> Path:
    import io

    import pandas as pd

    frame = pd.read_csv(io.StringIO(text), dtype=str)
    path = tmp_path / f"outcomes.{form}"
    if form == "csv":
        path.write_text(text)
    elif form == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False)
    return path


@pytest.mark.parametrize("form", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize(
    ("text", "estimate", "says"),
    [
        (UNDATED, 13 / 3, "1 row repeats an earlier row exactly; kept as repeated measurements because the "
         "file has no observed_at column."),
        (DATED, 13 / 3, "1 row repeats an earlier row exactly; dropped as double uploads: same customer, "
         "metric, value and observed_at."),
    ],
)  # fmt: skip
def test_analyze_keeps_undated_repeats_drops_dated_ones_and_says_so_on_stderr(
    tmp_path, capsys, form, text, estimate, says
):
    prop = write(tmp_path, parse_proposition(sample_data(claims=[REPEATS_CLAIM])))
    outcomes = _outcomes_file(tmp_path, text, form)
    assert main(["analyze", str(prop), str(outcomes)]) == 0
    captured = capsys.readouterr()
    (claim,) = json.loads(captured.out)["claims"]
    assert claim["n"] == 3 and claim["estimate"] == pytest.approx(estimate, rel=1e-12)
    assert captured.err == f"valuegap: {outcomes}: {says}\n"  # one line, naming the file


def test_analyze_says_nothing_about_repeats_when_there_are_none(tmp_path, capsys):
    prop = write(tmp_path, parse_proposition(sample_data(claims=[REPEATS_CLAIM])))
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("customer_id,metric,value\nA,hours,2\nA,hours,8\nB,hours,4\n")
    assert main(["analyze", str(prop), str(outcomes), "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""


def test_analyze_reports_kept_and_dropped_repeats_one_line_each(tmp_path, capsys):
    """Rows with a blank observed_at carry none: their repeats are kept; dated repeats are dropped."""
    prop = write(tmp_path, parse_proposition(sample_data(claims=[REPEATS_CLAIM])))
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "customer_id,metric,value,observed_at\n"
        "A,hours,2,\nA,hours,2,\nA,hours,2,\nA,hours,8,2025-01-01\nA,hours,8,2025-01-01\nB,hours,4,\n"
    )
    assert main(["analyze", str(prop), str(outcomes)]) == 0
    captured = capsys.readouterr()
    (claim,) = json.loads(captured.out)["claims"]
    # A keeps 2, 2, 2 and one 8: mean 3.5; B 4; estimate 3.75 (dropping the undated repeats: 4.5)
    assert claim["estimate"] == pytest.approx(3.75, rel=1e-12)
    assert captured.err.splitlines() == [
        f"valuegap: {outcomes}: 2 rows repeat an earlier row exactly; kept as repeated measurements "
        "because their observed_at is blank.",
        f"valuegap: {outcomes}: 1 row repeats an earlier row exactly; dropped as double uploads: same "
        "customer, metric, value and observed_at.",
    ]


def test_report_says_the_repeats_on_stderr_too(tmp_path, capsys):
    prop = write(tmp_path, parse_proposition(sample_data(claims=[REPEATS_CLAIM])))
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(UNDATED)
    assert main(["report", str(prop), str(outcomes), "-o", str(tmp_path / "r.html")]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"valuegap: {outcomes}: 1 row repeats an earlier row exactly; kept as repeated measurements "
        "because the file has no observed_at column.\n"
    )
