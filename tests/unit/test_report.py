"""The stakeholder report: standalone, escaped, and the same numbers as the analysis."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.conftest import sample_data
from valuegap import offerfile
from valuegap.analysis import analyze
from valuegap.competition import value_map
from valuegap.demo import demo_propositions
from valuegap.model import parse_proposition
from valuegap.report import ReportInputs, build_report

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = ROOT / "data/outcomes/invoicing-saas.csv"


def _analysis(prop=None):  # type: ignore[no-untyped-def]
    return analyze(prop or demo_propositions()[0][1], pd.read_csv(OUTCOMES))


def test_the_report_holds_every_verdict_with_the_analysis_numbers_and_no_outside_reference():
    analysis = _analysis()
    market = value_map(offerfile.read(ROOT / "data/competitors/invoicing-saas.yaml"))
    page = build_report(ReportInputs(analysis, "Ledgerly outcomes v1 (8121a893)", value_map=market))
    assert page.startswith("<!DOCTYPE html>") and "Ledgerly outcomes v1 (8121a893)" in page
    for result in analysis.results:
        assert f"<td>{result.claim.id}</td>" in page
        assert f"{result.verdict.test.n:,}" in page
    assert page.count("exaggerated</td>") == sum(
        r.verdict.verdict.value == "exaggerated" for r in analysis.results
    )
    assert page.count("<svg") == 3  # verdicts, waterfall, value map
    assert "α = 0.05, correction holm" in page
    assert "<script" not in page.casefold()
    outside = re.findall(r"""(?:src|href)\s*=\s*["']?(?!#)([^"' >]+)""", page)
    assert outside == [], outside  # nothing to fetch: it opens offline
    assert f"{market.line.slope:.3f}" in page


def test_user_text_in_the_report_is_escaped():
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    data = sample_data(name=f"Evil {payload}"[:120], offer=payload)
    data["claims"][0]["text"] = f"Saves {payload}"
    page = build_report(ReportInputs(_analysis(parse_proposition(data)), dataset_label=payload))
    assert "<img src=x" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_report_command_writes_the_file_and_refuses_bad_input(tmp_path: Path):
    out = tmp_path / "report.html"
    prop = ROOT / "data/propositions/invoicing-saas.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "valuegap.cli", "report", str(prop), str(OUTCOMES), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").count("<svg") == 2  # no market given: no value map
    none = tmp_path / "none.csv"
    missing = subprocess.run(
        [sys.executable, "-m", "valuegap.cli", "report", str(prop), str(none), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert missing.returncode == 2 and "none.csv" in missing.stderr and len(missing.stderr.splitlines()) == 1
