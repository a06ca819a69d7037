"""AppTests of a screenshot review's findings on reading results (issue 19): money written one way,
counts with thousands separators, no developer text."""

from __future__ import annotations

import re

from tests.app.conftest import app_at

MONEY = re.compile(r"^-?[A-Z]{3} [\d,]+\.\d{2}$")  # "USD 547.60", "-USD 186,120.26"
COMPACT = re.compile(r"^[-+]?[A-Z]{3} ([\d,]+\.\d{2}|[\d,]+\.\d[k]|[\d,]+\.\d{2}M)$")


def test_the_value_gap_figures_have_two_decimals_each() -> None:
    at = app_at("4_gap_analysis.py", p="1", tab="Value gap")
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    for label in ("Promised benefit", "Realized benefit", "Price + cost of access"):
        assert MONEY.match(metrics[label]), (label, metrics[label])  # not "USD 551" beside "USD 547.60"


def test_the_exaggerations_money_gap_names_its_currency() -> None:
    at = app_at("4_gap_analysis.py", p="1", tab="Exaggerations")
    assert not at.exception and not at.error
    column = at.dataframe[0].value["gap_money"]
    gaps = [value for value in column if isinstance(value, str)]
    assert gaps and all(MONEY.match(value) for value in gaps), list(column)  # not a bare 12.06


def test_the_test_details_money_gap_names_its_currency() -> None:
    at = app_at("4_gap_analysis.py", p="1")
    column = at.dataframe[1].value["gap_money"]  # "Test details"
    gaps = [value for value in column if isinstance(value, str)]
    assert gaps and all(MONEY.match(value) for value in gaps), list(column)


def test_the_pricing_tiles_put_the_sign_before_the_currency() -> None:
    at = app_at("6_pricing.py", p="1")
    assert not at.exception and not at.error
    figures = {m.label: m.value for m in at.metric}
    money = [figures[label] for label in ("Net value", "Value gap", "Revenue at risk", "Promise kept")]
    assert all(COMPACT.match(value) for value in money), money  # not "USD -186.1 k"
    assert figures["Promise kept"].startswith("-USD ")


def _formats(table) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each column's number format as the grid is told it, by column."""
    import json

    config = json.loads(table.proto.columns)
    return {name: column.get("type_config", {}).get("format", "") for name, column in config.items()}


def test_counts_have_thousands_separators() -> None:
    at = app_at("4_gap_analysis.py", p="1")
    assert not at.exception and not at.error
    details = _formats(at.dataframe[1])  # "Test details": "Customers 3,000", not "3000"
    assert details["n"] == details["more_customers_needed"] == "%,d"
    evidence = app_at("3_evidence.py", p="1", tab="Datasets")
    assert not evidence.exception and not evidence.error
    assert _formats(evidence.dataframe[0])["kept"] == "%,d"  # "Rows kept 17,083"


def test_a_long_dataset_name_wraps_with_its_version_whole() -> None:
    from valuegap.ui.panels import dataset_list, verdict_table

    at = app_at("3_evidence.py", p="1", tab="Datasets")
    table = at.dataframe[0]
    names = list(table.value["dataset"])
    longest = max(names, key=len)
    assert longest.endswith(" v1") and len(longest) * verdict_table.CHAR_WIDTH > dataset_list.NAME_WIDTH - 28
    assert table.proto.row_height == verdict_table.wrapped_row_height(names, dataset_list.NAME_WIDTH)


def test_the_share_page_names_the_reports_evidence_once() -> None:
    from tests.app.conftest import shown

    at = app_at("7_share.py", p="1")
    assert not at.exception and not at.error
    line = next(text for text in shown(at.caption) if text.startswith("The report's verdicts"))
    assert line.startswith("The report's verdicts use ") and "Evidence:" not in line, line


def test_the_pricing_sliders_say_how_often_in_the_propositions_period() -> None:
    at = app_at("6_pricing.py", p="1")
    labels = [re.sub(r"\\(.)", r"\1", slider.label) for slider in at.slider]  # as read, unescaped
    assert not any("per period" in label or "per_period" in label for label in labels), labels
    assert any(label.endswith("(hours a month)") for label in labels), labels


def test_claims_left_out_of_the_money_are_named_in_their_words() -> None:
    from tests.app.conftest import shown

    at = app_at("4_gap_analysis.py", p="1", tab="Value gap")
    line = next(text for text in shown(at.caption) if text.startswith("Left out of the money: "))
    assert "vs-invoicehub" not in line and "effortless (" not in line, line  # the IDs, not the claims
    assert "“Invoicing that feels effortless”" in line, line


def test_a_loss_per_respondent_puts_its_sign_before_the_currency() -> None:
    from valuegap.ui.state_keys import UNIT_COST

    at = app_at("6_pricing.py", p="1")
    next(box for box in at.number_input if box.key == UNIT_COST).set_value(1000.0).run()
    assert not at.exception and not at.error
    demand = next(frame.value for frame in at.dataframe if "profit" in frame.value.columns)
    assert all(MONEY.match(value) for value in demand["price"]), list(demand["price"])
    # a loss reads "-USD 973.33", not "USD -973.33"
    assert all(value.startswith("-USD ") for value in demand["profit"]), list(demand["profit"])
