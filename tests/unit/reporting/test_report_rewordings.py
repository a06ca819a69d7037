"""The stakeholder report on the demo's Cinemar proposition: every exaggerated claim appears with its
suggested copy or, where no rewording can be given, with the reason in words, in the summary and in
the detail; settings read in words; the PDF holds the same."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.unit.reporting.test_report import _section, _text  # the report tests' own readers
from valuegap.evidence import gaps
from valuegap.evidence.analysis import Analysis, analyze
from valuegap.evidence.claim_tests import Verdict
from valuegap.model import proposition_files
from valuegap.model.proposition import Proposition
from valuegap.reporting.report import ReportInputs, build_report, html_to_pdf, pdf_unavailable

ROOT = Path(__file__).resolve().parents[3]
AMBIGUOUS = "Save R$ 30 a month on 2 screens compared with cable TV"


def _cinemar(text: str | None = None, correction: str = "holm") -> Analysis:
    prop = proposition_files.read(ROOT / "data/propositions/streaming-plan.yaml")
    if text is not None:
        prop = _with_text(prop, "save-vs-cable", text)
    return analyze(prop, pd.read_csv(ROOT / "data/outcomes/streaming-plan.csv"), correction=correction)  # type: ignore[arg-type]


def _with_text(prop: Proposition, claim_id: str, text: str) -> Proposition:
    claims = tuple(c.model_copy(update={"text": text}) if c.id == claim_id else c for c in prop.claims)
    return prop.model_copy(update={"claims": claims})


@pytest.fixture(scope="module")
def cinemar() -> tuple[Analysis, str]:
    analysis = _cinemar()
    return analysis, build_report(ReportInputs(analysis, "Cinemar outcomes"))


def test_both_exaggerated_cinemar_claims_have_their_suggested_copy_in_the_summary_and_the_detail(cinemar):
    analysis, page = cinemar
    exaggerated = [r for r in analysis.results if r.verdict.verdict is Verdict.exaggerated]
    assert len(exaggerated) == 2
    summary, detail = _text(_section(page, "summary")), _text(_section(page, "rewordings"))
    for result in exaggerated:
        assert result.rewording is not None and result.rewording.changed
        assert f"{result.claim.text} {result.rewording.text} (holds on the same data)" in summary
        assert result.rewording.text in detail and result.rewording.reason in detail
    assert "Save R$ 19 a month compared with cable TV" in summary
    assert "No rewording" not in page


def test_an_exaggerated_claim_without_a_rewording_says_why_in_the_summary_and_the_detail():
    analysis = _cinemar(AMBIGUOUS)
    result = next(r for r in analysis.results if r.claim.id == "save-vs-cable")
    assert result.verdict.verdict is Verdict.exaggerated and not result.rewording.changed
    reason = result.rewording.reason
    assert reason.startswith(
        "the copy's numbers (“R$ 30”, “2”) differ from the claim's promised 25 BRL/month"
    )
    assert gaps.rewording_refusals(analysis) == {"save-vs-cable": reason}
    table = gaps.claims_table(analysis).set_index("claim")
    assert table.loc["save-vs-cable", "suggested_wording"] == f"No rewording: {reason}"
    assert table.loc["new-every-week", "suggested_wording"] == ""  # the page passes the suggestions
    page = build_report(ReportInputs(analysis, "Cinemar outcomes"))
    summary = _text(_section(page, "summary"))
    copy = summary[summary.index("Suggested copy") :]
    assert f"“{AMBIGUOUS}” No rewording: {reason}." in copy
    assert "74% of subscribers start a new title every week" in copy
    detail = _text(_section(page, "rewordings"))
    assert "No rewording possible Claim As written Why no rewording" in detail
    assert f"{AMBIGUOUS} {reason}" in detail


@pytest.mark.parametrize(
    ("correction", "words"),
    [("holm", "Holm correction"), ("fdr_bh", "Benjamini–Hochberg correction"), ("none", "no correction")],
)
def test_the_correction_is_named_in_words(correction, words):
    page = build_report(ReportInputs(_cinemar(correction=correction), "Cinemar outcomes"))
    text = _text(page)
    assert f"α = 0.05, {words}" in text
    assert f"p-value adjusted across all claims ({words})" in text
    assert "correction holm" not in text and "fdr_bh" not in text and "(holm)" not in text


def test_the_pdf_of_the_report_says_why_a_claim_has_no_rewording():
    reason = pdf_unavailable()
    if reason:
        if os.environ.get("VALUEGAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"VALUEGAP_REQUIRE_BROWSER=1 but no PDF can be made: {reason}")
        pytest.skip(reason)
    from pypdf import PdfReader

    analysis = _cinemar(AMBIGUOUS)
    pdf = html_to_pdf(build_report(ReportInputs(analysis, "Cinemar outcomes")))
    assert pdf.startswith(b"%PDF-")
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    first = pages[0]
    assert "Suggested copy" in first and "No rewording: the copy's numbers" in first
    assert "74% of subscribers start a new title every week" in first
    assert "No rewording possible" in " ".join(pages)
