"""The stakeholder report: a one-screen summary first, labelled detail, escaped, offline, and a PDF of it."""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from markupsafe import escape

from tests.conftest import sample_data
from valuegap.cli import _read_customers
from valuegap.evidence.analysis import analyze
from valuegap.evidence.claim_tests import Verdict
from valuegap.market import offer_files
from valuegap.market.competition import value_map
from valuegap.model.claim_titles import claim_titles
from valuegap.model.proposition import parse_proposition
from valuegap.pricing.churn import ChurnFit, churn_data, fit_churn
from valuegap.reporting.formatting import format_money
from valuegap.reporting.report import ReportInputs, build_pdf, build_report, html_to_pdf, pdf_unavailable
from valuegap.sources.engine import evidence_of_frame
from valuegap.wording.checks import check_proposition
from valuegap.workspace.demo import demo_propositions

ROOT = Path(__file__).resolve().parents[3]
OUTCOMES = ROOT / "data/outcomes/invoicing-saas.csv"
CUSTOMERS = ROOT / "data/customers/invoicing-saas.csv"


def _prop():  # type: ignore[no-untyped-def]
    return demo_propositions()[0][1]


def _analysis(prop=None, outcomes: pd.DataFrame | None = None):  # type: ignore[no-untyped-def]
    return analyze(prop or _prop(), pd.read_csv(OUTCOMES) if outcomes is None else outcomes)


def _churn(prop=None) -> ChurnFit:  # type: ignore[no-untyped-def]
    prop = prop or _prop()
    return fit_churn(churn_data(prop, evidence_of_frame(pd.read_csv(OUTCOMES)), _read_customers(CUSTOMERS)))


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, spaces collapsed (for reading what a section says)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}"[^>]*>(.*?)</section>', page, re.S)
    assert match, section_id
    return match.group(1)


def _require_pdf() -> None:
    reason = pdf_unavailable()
    if reason:
        if os.environ.get("VALUEGAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"VALUEGAP_REQUIRE_BROWSER=1 but no PDF can be made: {reason}")
        pytest.skip(reason)


def test_the_report_holds_every_verdict_with_the_analysis_numbers_and_no_outside_reference():
    analysis = _analysis()
    market = value_map(offer_files.read(ROOT / "data/competitors/invoicing-saas.yaml"))
    page = build_report(ReportInputs(analysis, "Ledgerly outcomes v1 (8121a893)", value_map=market))
    assert page.startswith("<!DOCTYPE html>") and "Ledgerly outcomes v1 (8121a893)" in page
    titles = claim_titles(analysis.proposition.claims)  # claims are named by their words, not their IDs
    for result in analysis.results:
        assert f"<td>{escape(titles[result.claim.id])}</td>" in page
        assert f"{result.verdict.test.n:,}" in page
    assert page.count("exaggerated</td>") == sum(
        r.verdict.verdict.value == "exaggerated" for r in analysis.results
    )
    assert page.count("<svg") == 3  # verdicts, waterfall, value map
    assert "α = 0.05, Holm correction" in page
    assert "<script" not in page.casefold()
    outside = re.findall(r"""(?:src|href)\s*=\s*["']?(?!#)([^"' >]+)""", page)
    assert outside == [], outside  # nothing to fetch: it opens offline
    assert f"{market.line.slope:.3f}" in page


def test_the_summary_comes_first_and_says_what_holds_what_is_exaggerated_and_the_copy_to_use():
    analysis = _analysis()
    page = build_report(ReportInputs(analysis, "outcomes v1", churn=_churn()))
    summary = page.index('id="summary"')
    assert summary < page.index('id="verdicts"') < page.index('id="proposition"')
    text = _text(_section(page, "summary"))
    by_verdict = {v: [r for r in analysis.results if r.verdict.verdict is v] for v in Verdict}
    start = text.index("What holds")
    holds = text[start : text.index("Not proven yet", start)]
    exaggerated = text[text.index("What is exaggerated") : text.index("Suggested copy")]
    for result in analysis.results:
        quoted = f"“{result.claim.text}”"
        assert (quoted in holds) is (result.verdict.verdict is Verdict.substantiated), result.claim.id
        assert (quoted in exaggerated) is (result.verdict.verdict is Verdict.exaggerated), result.claim.id
    counts = {v: len(found) for v, found in by_verdict.items()}
    assert (
        f"Of {len(analysis.results)} claims, {counts[Verdict.substantiated]} hold up on the evidence, "
        f"{counts[Verdict.exaggerated]} are exaggerated and {counts[Verdict.inconclusive]} are not proven yet"
    ) in text
    # the money at stake: the value gap per customer and revenue at risk, as the analysis and model say
    assert "Value gap per customer " + format_money(analysis.value.gap, "USD") in text
    figures = _churn().model.summary(_prop().horizon)
    assert (
        "Revenue at risk over 24 months " + format_money(figures["revenue_at_risk"]["estimate"], "USD")
        in text
    )
    assert format_money(figures["under_delivery"]["estimate"], "USD") in text
    # the suggested copy: each changed rewording under the words it replaces
    reworded = [r for r in analysis.results if r.rewording is not None and r.rewording.changed]
    assert reworded
    for result in reworded:
        assert f"{result.claim.text} {result.rewording.text}" in text
    titles = claim_titles(analysis.proposition.claims)
    for flag in check_proposition(analysis.proposition):
        assert f"“{flag.words}” in {titles[flag.claim_id]}" in text


def test_the_detail_has_labelled_columns_readable_p_values_and_money_with_its_currency():
    analysis = _analysis()
    page = build_report(ReportInputs(analysis, "outcomes v1"))
    verdicts = _section(page, "verdicts")
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", verdicts)
    assert headers == ["Claim", "Promised", "Measured", "Verdict", "Why", "Fulfilment", "Adjusted p",
                       "Customers", "Gap per customer"]  # fmt: skip
    assert "p_adjusted" not in page and not re.search(r"\d\.?\d*e-\d", _text(page))
    rows = {
        cells[0]: cells
        for cells in (
            [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", verdicts, re.S)
        )
        if cells
    }
    titles = claim_titles(analysis.proposition.claims)
    for result in analysis.results:
        cells, p = rows[titles[result.claim.id]], result.verdict.p_adjusted
        shown = "–" if p is None else "< 0.001" if p < 0.001 else f"{p:.2g}"
        assert cells[6] == shown, (result.claim.id, cells[6], p)
        fulfilment = result.verdict.test.fulfilment
        assert cells[5] == ("–" if fulfilment is None else f"{round(100 * fulfilment)}%")
        gap = result.gap_money
        assert cells[8] == ("–" if gap is None else format_money(gap, "USD"))
    proposition = _text(_section(page, "proposition"))
    # the demo's cost of access: 4 h onboarding once, 6 h moving once, a USD 99 setup fee, 0.5 h a month
    for cost in ("4 hours once", "6 hours once", "USD 99.00 once", "0.5 hours a month"):
        assert cost in proposition
    assert "money (once)" not in page and "per_period" not in page
    wording = _text(_section(page, "wording"))
    for flag in check_proposition(analysis.proposition):
        assert flag.words in wording and flag.why in wording
    rewordings = _text(_section(page, "rewordings"))
    for result in analysis.results:
        if result.rewording is not None and result.rewording.changed:
            assert result.rewording.text in rewordings and result.rewording.reason in rewordings


def test_money_built_on_missing_evidence_is_never_shown_as_measured():
    outcomes = pd.read_csv(OUTCOMES)
    prop = _prop()
    paid_faster = next(c for c in prop.claims if c.id == "paid-faster")
    analysis = _analysis(prop, outcomes[outcomes["metric"] != paid_faster.metric])
    assert "paid-faster" in analysis.value.unmeasured
    page = build_report(ReportInputs(analysis, "outcomes without paid-faster"))
    summary = _text(_section(page, "summary"))
    assert "Value gap per customer (measured claims)" in summary
    assert "Net customer value –" in summary and "Not yet measured, so left out: paid-faster." in summary
    assert "On average each customer gets" not in summary  # no gap sentence from part of the claims
    value = _text(_section(page, "value-gap"))
    assert "Realized benefit –" in value and "Net customer value –" in value


def test_revenue_at_risk_says_why_it_is_missing():
    analysis = _analysis()
    page = build_report(ReportInputs(analysis, "outcomes v1"))
    summary = _text(_section(page, "summary"))
    assert "Revenue at risk needs a customer table" in summary
    assert "customer_id" not in summary  # in words, not column names
    no_model = ChurnFit(
        None, "The customer table has no churn column (churned 0/1), so churn cannot be modelled."
    )
    page = build_report(ReportInputs(analysis, "outcomes v1", churn=no_model))
    assert "No revenue at risk: The customer table has no churn column" in _text(_section(page, "revenue"))


def test_user_text_in_the_report_is_escaped():
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    data = sample_data(name=f"Evil {payload}"[:120], offer=payload)
    data["claims"][0]["text"] = f"Saves {payload}"
    page = build_report(ReportInputs(_analysis(parse_proposition(data)), dataset_label=payload))
    assert "<img src=x" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_is_the_same_report_with_the_summary_on_its_first_page():
    _require_pdf()
    analysis = _analysis()
    market = value_map(offer_files.read(ROOT / "data/competitors/invoicing-saas.yaml"))
    pdf = build_pdf(ReportInputs(analysis, "outcomes v1", value_map=market, churn=_churn()))
    assert pdf.startswith(b"%PDF-")
    pages = _pages(pdf)
    assert len(pages) >= 3
    first = pages[0]
    for heading in ("Summary", "What holds", "What is exaggerated", "Suggested copy", "Money at stake"):
        assert heading in first
    assert "Verdicts, claim by claim" not in first and "Verdicts, claim by claim" in pages[1]
    assert format_money(analysis.value.gap, "USD") in first
    assert "page 1 of" in first
    everything = " ".join(pages)
    for result in analysis.results:
        assert result.claim.id in everything


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counting.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_pdf_fetches_nothing_from_outside(tmp_path: Path):
    _require_pdf()
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        pdf = html_to_pdf(
            f'<link rel="stylesheet" href="{url}/a.css"><link rel="stylesheet" href="{secret.as_uri()}">'
            f'<img src="{url}/b.png"><p>hello</p>'
        )
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and _Counting.hits == []


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
    refused = subprocess.run(
        [sys.executable, "-m", "valuegap.cli", "report", str(prop), str(OUTCOMES), "--pdf", "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1 and ".pdf" in refused.stderr


def test_the_report_command_writes_a_pdf_when_asked(tmp_path: Path):
    _require_pdf()
    prop = ROOT / "data/propositions/invoicing-saas.yaml"
    for args, out in ((["-o"], tmp_path / "report.pdf"), (["--pdf", "-o"], tmp_path / "board-pack")):
        done = subprocess.run(
            [sys.executable, "-m", "valuegap.cli", "report", str(prop), str(OUTCOMES), *args, str(out)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        pages = _pages(out.read_bytes())
        assert "Summary" in pages[0] and "What is exaggerated" in pages[0]


def test_the_what_if_shows_money_in_its_currency_and_a_churn_change_in_points():
    from valuegap.pricing import scenarios

    prop = _prop()
    analysis = _analysis(prop)
    fit = _churn(prop)
    inputs = scenarios.build_inputs(prop, analysis, churn=fit.model, customers=_read_customers(CUSTOMERS))
    result = scenarios.evaluate(inputs, scenarios.Scenario("Price +10%", price=prop.price.amount * 1.1))
    text = _text(_section(build_report(ReportInputs(analysis, "v1", scenario=result, churn=fit)), "what-if"))
    assert "Price +10% Metric Today What-if Change" in text
    assert (
        f"Price {format_money(prop.price.amount, 'USD')} {format_money(prop.price.amount * 1.1, 'USD')}"
        in text
    )
    points = 100 * (result.what_if.churn_rate - result.today.churn_rate)
    assert f"{result.today.churn_rate:.1%} {result.what_if.churn_rate:.1%} {points:+.1f} pp" in text
