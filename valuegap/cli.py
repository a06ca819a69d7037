"""The ``valuegap`` command line: for automation, batch reports and checking ad copy in CI.

Exit codes (DESIGN.md): 0 success, 1 the check found something (e.g. ``lint`` flagged wording),
2 bad input, with a one-line message on stderr naming the file and the field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from valuegap import __version__
from valuegap.errors import InvalidInput, ValueGapError, quote
from valuegap.sources import filetypes

if TYPE_CHECKING:  # the commands import what they use when they run, so `lint` starts fast
    import pandas as pd

    from valuegap.evidence.analysis import Analysis

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a single line, like every other bad-input error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"valuegap: {message} (see 'valuegap --help')\n")


PROBLEMS_SHOWN = 1000  # a file with a million bad cells gets the first 1,000 and a count of the rest


def _one_line(error: ValueGapError) -> str:
    """The error on one line: every problem up to :data:`PROBLEMS_SHOWN`, then how many more."""
    if isinstance(error, InvalidInput):
        prefix = f"{error.source}: " if error.source else ""
        shown = error.problems[:PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        rest = f"; and {more:,} more problems (fix these and run again to see the rest)" if more > 0 else ""
        text = prefix + "; ".join(str(problem) for problem in shown) + rest
    else:
        text = error.message
    from valuegap.sources.delimited import MixedEncoding

    if isinstance(error, MixedEncoding):  # the command line's way to choose
        text = text.replace("Choose how to read it:", "Give --encoding utf-8 to read it")
        text = text.replace(", or the whole file as", " (--encoding cp1252: the whole file as")
        text = text.replace("(Western European).", "(Western European)).")
    return " ".join(text.splitlines())


ENCODING_HELP = (
    "how to read a CSV/TSV file that is UTF-8 except for some rows (refused by default, naming them): "
    "utf-8 replaces the bytes that are not UTF-8, cp1252 reads the whole file as Windows-1252"
)


def _encoding_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoding", choices=["utf-8", "cp1252"], default=None, help=ENCODING_HELP)


def _cmd_lint(args: argparse.Namespace) -> int:
    from valuegap.model import proposition_files
    from valuegap.wording.checks import check_proposition

    prop = proposition_files.read(Path(args.proposition))
    flags = check_proposition(prop)
    if args.format == "json":
        print(json.dumps({"proposition": prop.name, "flags": [flag.to_dict() for flag in flags]}, indent=2))
    elif not flags:
        print(f"{prop.name}: no wording flags in {len(prop.claims)} claims.")
    else:
        claims = len({flag.claim_id for flag in flags})
        print(f"{prop.name}: {len(flags)} wording flag(s) in {claims} of {len(prop.claims)} claims")
        for flag in flags:
            print(f"  {flag.claim_id}: [{flag.rule}] “{flag.words}”: {flag.why}")
    return EXIT_CHECK_FAILED if flags else EXIT_OK


def _table(rows: list[dict], fmt: str) -> str:
    """Rows as CSV or a Markdown table (numbers as written, blanks for missing)."""
    import csv
    import io

    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")

    def cell(value: object) -> str:
        if value is None:
            return ""
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _say_left_out(notes: Iterable[str]) -> None:
    """What was left out of (or kept in) a valid input, one line per kind on stderr (DESIGN.md)."""
    for note in notes:
        print(f"valuegap: {note}", file=sys.stderr)


def _is_source(outcomes: str, args: argparse.Namespace) -> bool:
    """OUTCOMES is a live source (a connection URL, with --table or --query) rather than a file."""
    if "://" in outcomes:
        if not (args.table or args.query):
            raise ValueGapError(f"{outcomes.split('://', 1)[0]}://…: give --table NAME or --query SQL.")
        return True
    if args.table or args.query:
        raise ValueGapError("--table and --query read a live source: give a connection URL as OUTCOMES.")
    return False


def _analyze_source(args: argparse.Namespace) -> Analysis:
    """The analysis of a live source: reduced in its engine, only aggregates come back."""
    from valuegap.evidence.analysis import analyze_summary
    from valuegap.model import proposition_files
    from valuegap.sources import live

    prop = proposition_files.read(Path(args.proposition))
    evidence = live.evidence_from_url(args.outcomes, table=args.table, query=args.query)
    by_segment = getattr(args, "by_segment", False)
    return analyze_summary(
        prop, evidence, alpha=args.alpha, correction=args.correction, by_segment=by_segment
    )


def _cmd_analyze(args: argparse.Namespace) -> int:
    if _is_source(args.outcomes, args):
        result = _analyze_source(args)
        print(
            json.dumps(result.to_dict(), indent=2)
            if args.format == "json"
            else _table(list(result.rows), args.format)
        )
        return EXIT_OK

    from valuegap.evidence.analysis import analyze_summary
    from valuegap.model import proposition_files
    from valuegap.sources.outcome_files import claim_metrics, read_evidence

    prop = proposition_files.read(Path(args.proposition))
    # DuckDB reads the file and reduces the claims' metrics where it can (valuegap.sources.outcome_files)
    outcomes = read_evidence(
        Path(args.outcomes), claim_metrics(prop), args.encoding, all_segments=args.by_segment
    )
    _say_left_out(outcomes.notes)

    result = analyze_summary(
        prop, outcomes.evidence, alpha=args.alpha, correction=args.correction, by_segment=args.by_segment
    )
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(_table(list(result.rows), args.format))
    return EXIT_OK


def _cmd_valuemap(args: argparse.Namespace) -> int:
    from valuegap.market import offer_files
    from valuegap.market.competition import value_map

    result = value_map(offer_files.read(Path(args.offers))).to_dict()
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        line = {"intercept": result["intercept"], "slope": result["slope"]}
        print(_table([offer | line for offer in result["offers"]], args.format))
    return EXIT_OK


def _cmd_price_research(args: argparse.Namespace) -> int:
    from valuegap.pricing.research import gabor_granger, read_survey, van_westendorp

    path = Path(args.survey)
    # a bad cell raises InvalidInput, which main prints on one line listing every cell by row and column
    frame = read_survey(filetypes.read_file(path), str(path))
    if args.method == "van-westendorp":
        vw = van_westendorp(frame, bootstrap=0)  # intervals are not printed
        result = vw.summary()
        for line in vw.left_out:  # one line per kind of respondent left out, never silently
            print(f"valuegap: {path}: {line}", file=sys.stderr)
        for note in vw.notes:  # points the data do not identify
            print(f"valuegap: {path}: warning: {note}", file=sys.stderr)
    else:
        result = gabor_granger(frame).summary()
    if args.format == "json":
        print(json.dumps(result, indent=2))
    elif args.method == "van-westendorp":
        print(_table([result], args.format))
    else:
        summary = {key: result[key] for key in ("n", "best_price", "best_revenue")}
        print(_table([row | summary for row in result["demand"]], args.format))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from valuegap.evidence.analysis import analyze
    from valuegap.market import offer_files
    from valuegap.market.competition import value_map
    from valuegap.model import proposition_files
    from valuegap.reporting.report import ReportInputs, build_report, html_to_pdf
    from valuegap.sources.outcomes import read_outcomes

    if _is_source(args.outcomes, args):
        from valuegap.sources.live import redact_url

        analysis = _analyze_source(args)
        label = f"{redact_url(args.outcomes)} ({'table ' + args.table if args.table else 'query'})"
    else:
        prop = proposition_files.read(Path(args.proposition))
        outcomes_path = Path(args.outcomes)
        outcomes = read_outcomes(outcomes_path, args.encoding)
        _say_left_out(outcomes.notes)
        analysis = analyze(prop, outcomes.observations, alpha=args.alpha, correction=args.correction)
        label = outcomes_path.name
    prop = analysis.proposition
    market = value_map(offer_files.read(Path(args.offers))) if args.offers else None
    out = Path(args.output)
    as_pdf = args.pdf or out.suffix.lower() == ".pdf"
    if as_pdf and out.suffix.lower() in (".html", ".htm"):
        raise ValueGapError(f"{out}: --pdf writes a PDF; name the output file .pdf, or leave out --pdf.")
    inputs = ReportInputs(analysis, dataset_label=label, value_map=market)
    content = html_to_pdf(build_report(inputs)) if as_pdf else build_report(inputs).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise ValueGapError(f"{out}: cannot write the report there ({exc.strerror}).") from None
    print(f"Wrote the report for {prop.name} to {out}{' (PDF)' if as_pdf else ''}")
    return EXIT_OK


CUSTOMER_COLUMNS = ("customer_id", "churned")
OPTIONAL_CUSTOMER_COLUMNS = ("segment", "revenue", "price", "tenure")


def _read_customers(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """The customer table of ``valuegap churn``: ``customer_id, churned`` (+ ``segment, revenue, price,
    tenure``; other columns are ignored). A blank cell is a missing value (the churn model counts the
    customers it leaves out); a cell that is not a number, or a churn flag other than 0 or 1, or a
    repeated customer id is bad input, listed with its row and column."""
    from valuegap.sources.mapping import Mapping
    from valuegap.sources.reading import read_table
    from valuegap.sources.validation import apply_mapping

    data = filetypes.read_file(path)
    raw = read_table(data, str(path), max_bytes=None, hash_content=False, encoding=encoding)
    columns = set(map(str, raw.frame.columns))
    missing = [c for c in CUSTOMER_COLUMNS if c not in columns]
    if missing:
        raise ValueGapError(
            f"{path}: missing column(s) {', '.join(missing)}; the customer table needs "
            f"{', '.join(CUSTOMER_COLUMNS)} (optional: {', '.join(OPTIONAL_CUSTOMER_COLUMNS)})."
        )
    roles = {c: c for c in (*CUSTOMER_COLUMNS, *OPTIONAL_CUSTOMER_COLUMNS) if c in columns}
    result = apply_mapping(raw, Mapping("customers", roles))
    report = result.report
    if report.rows_rejected:
        cells = [
            f"row {row.row}, column {row.column}: {row.reason}"
            + (f" ({quote(row.value)})" if str(row.value).strip() else "")
            for row in report.rejections.head(5).itertuples(index=False)
        ]
        more = f" ({report.rows_rejected} rows in all)" if report.rows_rejected > len(cells) else ""
        raise ValueGapError(f"{path}: " + "; ".join(cells) + more + ".")
    if result.customers is None:  # a customers mapping always gives a customer table
        raise ValueGapError(f"{path}: no customer table could be read from it.")
    return result.customers


def _cmd_churn(args: argparse.Namespace) -> int:
    """METHODS section 7's churn model and revenue figures (DESIGN.md's fields); customers left out on
    stderr, one line per reason."""
    import math

    from valuegap.model import proposition_files
    from valuegap.pricing.churn import churn_data, fit_churn
    from valuegap.sources.engine import evidence_of_frame
    from valuegap.sources.outcomes import read_outcomes

    prop = proposition_files.read(Path(args.proposition))
    horizon = float(prop.horizon) if args.horizon is None else args.horizon
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ValueGapError(f"--horizon: must be a number of periods of at least 0 (got {args.horizon}).")
    outcomes = read_outcomes(Path(args.outcomes), args.encoding)
    _say_left_out(outcomes.notes)
    customers_path = Path(args.customers)
    customers = _read_customers(customers_path, args.encoding)
    data = churn_data(prop, evidence_of_frame(outcomes.observations), customers)
    fit = fit_churn(data)
    _say_left_out(
        f"{customers_path}: {count:,} {'customer' if count == 1 else 'customers'} left out: {reason}"
        for reason, count in fit.left_out
    )
    _say_left_out(fit.remarks)
    if fit.model is None:
        raise ValueGapError(f"{customers_path}: no churn model: {fit.reason}")
    result = fit.model.summary(horizon)
    if args.format == "json":
        print(json.dumps(result, indent=2, allow_nan=False))
    else:
        figures = {
            f"{name}{suffix}": result[name][key]
            for name in ("revenue_at_risk", "under_delivery", "net_effect")
            for key, suffix in (("estimate", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high"))
        }
        common = {"n": result["n"], "churners": result["churners"], "horizon": result["horizon"]}
        print(_table([common | term | figures for term in result["terms"]], args.format))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from valuegap.workspace.demo import write_demo

    out = Path(args.out)
    try:
        paths = write_demo(out)
    except OSError as exc:
        raise ValueGapError(f"{out}: cannot write the demo workspace there ({exc.strerror}).") from None
    print(f"Wrote {len(paths)} demo files to {out}")
    return EXIT_OK


def _source_arguments(command: argparse.ArgumentParser) -> None:
    where = command.add_mutually_exclusive_group()
    where.add_argument("--table", help="with a connection URL as OUTCOMES: the table (or schema.table)")
    where.add_argument("--query", help="with a connection URL as OUTCOMES: one SELECT giving the columns")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="valuegap", description="Value Gap Workbench on the command line.")
    parser.add_argument("--version", action="version", version=f"valuegap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = commands.add_parser("lint", help="check the wording of a proposition's claims")
    lint.add_argument("proposition", help="proposition file (YAML or JSON)")
    lint.add_argument("--format", choices=["text", "json"], default="text")
    lint.set_defaults(run=_cmd_lint)

    analyze = commands.add_parser("analyze", help="test every claim against measured outcomes")
    analyze.add_argument("proposition", help="proposition file (YAML or JSON)")
    analyze.add_argument(
        "outcomes", help="outcomes CSV: customer_id, metric, value (+ segment, offer); or a live source's "
        "URL (duckdb:///file.duckdb, postgresql://…, spark://local[2]) with --table or --query",
    )  # fmt: skip
    _source_arguments(analyze)
    analyze.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    analyze.add_argument("--correction", choices=["holm", "fdr_bh", "none"], default="holm")
    analyze.add_argument("--by-segment", action="store_true", help="one result per claim and segment")
    analyze.add_argument("--format", choices=["json", "csv", "markdown"], default="json")
    _encoding_option(analyze)
    analyze.set_defaults(run=_cmd_analyze)

    valuemap = commands.add_parser("valuemap", help="place offers on the customer value map")
    valuemap.add_argument("offers", help="offers file (YAML or JSON): attributes with weights and offers")
    valuemap.add_argument("--format", choices=["json", "csv", "markdown"], default="json")
    valuemap.set_defaults(run=_cmd_valuemap)

    report = commands.add_parser("report", help="write the standalone stakeholder report (HTML or PDF)")
    report.add_argument("proposition", help="proposition file (YAML or JSON)")
    report.add_argument(
        "outcomes", help="outcomes CSV: customer_id, metric, value (+ segment, offer); or a live source's "
        "URL "
        "with --table or --query",
    )  # fmt: skip
    _source_arguments(report)
    report.add_argument("-o", "--output", required=True, help="file to write: HTML, or PDF if named .pdf")
    report.add_argument("--pdf", action="store_true", help="write a PDF whatever the file's name")
    report.add_argument("--offers", help="offers file (YAML or JSON) to include the customer value map")
    report.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    report.add_argument("--correction", choices=["holm", "fdr_bh", "none"], default="holm")
    _encoding_option(report)
    report.set_defaults(run=_cmd_report)

    research = commands.add_parser(
        "price-research",
        help="Van Westendorp or Gabor-Granger results from a price survey",
        description="Van Westendorp prints n, dropped, dropped_incomplete, dropped_inconsistent, opp, idp, "
        "pmc_original, pme_original, pmc_common, pme_common (csv/markdown: one row); respondents left out "
        "(a blank answer, answers out of order) and points the data do not identify are said on stderr, "
        "one line each. Prices are numbers of 0 or more; a negative or non-numeric answer is bad input "
        "(exit 2). Gabor-Granger prints n, best_price, best_revenue and a demand "
        "list of price, share, revenue (csv/markdown: one row per tested price, with n, best_price and "
        "best_revenue repeated on every row).",
    )
    research.add_argument(
        "survey",
        help="survey file (CSV, TSV, Excel or Parquet), one row per respondent: too_cheap, cheap, expensive, "
        "too_expensive (Van Westendorp); max_price or one 0/1 column per tested price (Gabor-Granger)",
    )
    research.add_argument("--method", choices=["van-westendorp", "gabor-granger"], required=True)
    research.add_argument("--format", choices=["json", "csv", "markdown"], default="json")
    research.set_defaults(run=_cmd_price_research)

    churn = commands.add_parser(
        "churn",
        help="the churn model: odds ratios of the value gap and price, and revenue at risk",
        description="Logit of churned on each customer's value gap, price, tenure and segment (METHODS "
        "section 7). Prints n, churners, horizon, the terms (term, coef, se, odds_ratio, ci_low, ci_high, "
        "p_value; the interval is the odds ratio's, 95%) and revenue_at_risk, under_delivery and "
        "net_effect, each with estimate, ci_low and ci_high (95%). csv/markdown: one row per term, with "
        "the other fields repeated on every row. Customers left out are counted on stderr.",
    )
    churn.add_argument("proposition", help="proposition file (YAML or JSON)")
    churn.add_argument(
        "outcomes", help="outcomes file: customer_id, metric, value (+ segment, offer, observed_at)"
    )
    churn.add_argument(
        "customers", help="customer table (CSV, TSV, Excel or Parquet): customer_id, churned (0/1) and "
        "optional segment, revenue, price, tenure",
    )  # fmt: skip
    churn.add_argument(
        "--horizon", type=float, default=None,
        help="periods the revenue figures cover (default: the proposition's horizon)",
    )  # fmt: skip
    churn.add_argument("--format", choices=["json", "csv", "markdown"], default="json")
    _encoding_option(churn)
    churn.set_defaults(run=_cmd_churn)

    demo = commands.add_parser("demo", help="write the demo workspace files")
    demo.add_argument("--out", default="data", help="folder to write into (default: data)")
    demo.set_defaults(run=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ValueGapError as exc:
        print(f"valuegap: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `valuegap lint x.yaml | head`
        return EXIT_OK
    except RecursionError:  # the readers refuse deep nesting themselves; this is the last line of defence
        print(
            "valuegap: an input file nests too deeply to read; check its brackets and indentation, or "
            "export it again from the app.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


def run() -> None:  # pragma: no cover - the console script; tests call main()
    """Run :func:`main` and exit with its code."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`valuegap analyze … | head`): Python's documented remedy
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
