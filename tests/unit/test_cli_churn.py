"""`valuegap churn`: DESIGN.md's fields, what was left out on stderr, and exit codes 0 and 2."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuegap.cli import main
from valuegap.model import proposition_files
from valuegap.model.proposition import parse_proposition

DATA = Path(__file__).resolve().parents[2] / "data"
DEMO = [
    str(DATA / "propositions/invoicing-saas.yaml"),
    str(DATA / "outcomes/invoicing-saas.csv"),
    str(DATA / "customers/invoicing-saas.csv"),
]
TERM_KEYS = ["term", "coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value"]
FIGURES = ("revenue_at_risk", "under_delivery", "net_effect")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["churn", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_prints_exactly_the_design_fields(capsys) -> None:
    code, out, err = run(capsys, *DEMO)
    assert code == 0, err
    result = json.loads(out)
    assert list(result) == ["n", "churners", "horizon", "terms", *FIGURES]
    customers = pd.read_csv(DEMO[2])
    assert result["n"] == len(customers) and result["churners"] == int(customers["churned"].sum())
    assert result["horizon"] == 24  # the proposition's
    names = [term["term"] for term in result["terms"]]
    assert names == ["intercept", "gap", "price", "log(tenure)", "segment[agency]", "segment[small-business]"]
    for term in result["terms"]:
        assert list(term) == TERM_KEYS
        assert term["odds_ratio"] == pytest.approx(math.exp(term["coef"]), rel=1e-12)
        # the odds ratio's 95% Wald interval
        assert term["ci_low"] == pytest.approx(
            math.exp(term["coef"] - 1.959963984540054 * term["se"]), rel=1e-9
        )
        assert term["ci_high"] == pytest.approx(
            math.exp(term["coef"] + 1.959963984540054 * term["se"]), rel=1e-9
        )
    for name in FIGURES:
        assert list(result[name]) == ["estimate", "ci_low", "ci_high"]
        assert result[name]["ci_low"] < result[name]["estimate"] < result[name]["ci_high"]
    assert 0 < result["under_delivery"]["estimate"] < result["revenue_at_risk"]["estimate"]
    # revenue figures are linear in the horizon
    code, out, _ = run(capsys, *DEMO, "--horizon", "6")
    quarter = json.loads(out)
    assert code == 0 and quarter["horizon"] == 6
    for name in FIGURES:
        for key in ("estimate", "ci_low", "ci_high"):
            assert quarter[name][key] == pytest.approx(result[name][key] / 4, rel=1e-12)
    assert "left out of the gap" in err  # the claims without a money value are named


def test_csv_and_markdown_have_one_row_per_term(capsys) -> None:
    code, out, _ = run(capsys, *DEMO, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["term"] for row in rows][:3] == ["intercept", "gap", "price"]
    assert list(rows[0])[:10] == ["n", "churners", "horizon", *TERM_KEYS]
    assert {"revenue_at_risk", "under_delivery_ci_low", "net_effect_ci_high"} <= set(rows[0])
    assert len({row["revenue_at_risk"] for row in rows}) == 1  # repeated on every row
    code, out, _ = run(capsys, *DEMO, "--format", "markdown")
    assert code == 0 and out.startswith("| n | churners | horizon | term |") and out.count("\n") == 8


PROP = {
    "name": "Saver",
    "price": {"amount": 40.0, "currency": "USD", "period": "month"},
    "horizon": 12,
    "claims": [
        {"id": "saves", "text": "Saves 5 on average", "benefit": "money", "form": "average",
         "metric": "saved", "claimed": 5.0},
        {"id": "vs", "text": "As good as Rival", "benefit": "money", "form": "parity", "metric": "saved",
         "claimed": 1.0, "competitor": "Rival"},
    ],
}  # fmt: skip


def files(tmp_path: Path, customers: pd.DataFrame | None = None, n: int = 80) -> list[str]:
    """A proposition, outcomes of ``n`` of our customers and one of Rival's, and a customer table."""
    rng = np.random.default_rng(12)
    saved = rng.normal(5, 6, n)
    ids = [f"C{i:03d}" for i in range(n)]
    outcomes = pd.DataFrame({"customer_id": ids, "metric": "saved", "value": saved.round(3), "offer": "Ours"})
    outcomes.loc[n] = ["R001", "saved", 7.0, "Rival"]
    if customers is None:
        churned = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 0.15 * (5 - saved))))).astype(int)
        customers = pd.DataFrame(
            {"customer_id": ids, "segment": rng.choice(["a", "b"], n), "churned": churned,
             "price": rng.choice([30.0, 50.0], n), "tenure": rng.integers(1, 30, n)}
        )  # fmt: skip
    prop_path, outcomes_path, customers_path = tmp_path / "p.yaml", tmp_path / "o.csv", tmp_path / "c.csv"
    proposition_files.write(parse_proposition(PROP), prop_path)
    outcomes.to_csv(outcomes_path, index=False)
    customers.to_csv(customers_path, index=False)
    return [str(prop_path), str(outcomes_path), str(customers_path)]


def test_customers_left_out_are_counted_on_stderr_one_line_per_reason(tmp_path, capsys) -> None:
    paths = files(tmp_path)
    table = pd.read_csv(paths[2])
    table.loc[0, "churned"] = np.nan  # blank churn flag
    table.loc[[1, 2], "price"] = np.nan  # blank prices in a table that has prices
    table.loc[3, "tenure"] = np.nan
    extra = pd.DataFrame(
        {
            "customer_id": ["R001", "X1", "X2"],
            "segment": "a",
            "churned": [0, 1, 0],
            "price": 30.0,
            "tenure": 3,
        }
    )
    table = pd.concat([table, extra], ignore_index=True)
    table["churned"] = table["churned"].astype("Int64")
    table.to_csv(paths[2], index=False)
    code, out, err = run(capsys, *paths)
    assert code == 0, err
    where = paths[2]
    lines = err.splitlines()
    assert lines[:5] == [
        f"valuegap: {where}: 1 customer left out: a competitor's customer (outcomes only under an offer a "
        "claim compares with)",
        f"valuegap: {where}: 2 customers left out: no outcomes for our offer",
        f"valuegap: {where}: 1 customer left out: no churn flag (0 or 1)",
        f"valuegap: {where}: 2 customers left out: no price",
        f"valuegap: {where}: 1 customer left out: no tenure (a covariate of the model)",
    ]
    assert any(
        "“As good as Rival” compares each customer with Rival's overall mean" in line for line in lines[5:]
    )
    assert json.loads(out)["n"] == 80 - 4


def test_nothing_left_out_says_nothing_about_customers(tmp_path, capsys) -> None:
    code, _, err = run(capsys, *files(tmp_path))
    assert code == 0 and "left out:" not in err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.drop(columns="churned"),
         "missing column(s) churned; the customer table needs customer_id"),
        (lambda t: t.assign(churned=t["churned"].replace({1: 2})), "column churned: churned must be 0 or 1"),
        (lambda t: t.assign(price=["cheap"] + [30.0] * (len(t) - 1)),
         "row 2, column price: not a number ('cheap')"),
        (lambda t: pd.concat([t, t.iloc[[0]]]), "duplicate customer (same id as an earlier row)"),
    ],
)  # fmt: skip
def test_bad_customer_tables_exit_2_with_one_line_naming_file_and_field(tmp_path, capsys, change, expected):
    paths = files(tmp_path)
    change(pd.read_csv(paths[2])).to_csv(paths[2], index=False)
    code, out, err = run(capsys, *paths)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and paths[2] in err


def test_other_bad_input_exits_2(tmp_path, capsys) -> None:
    paths = files(tmp_path)
    code, _, err = run(capsys, *paths, "--horizon", "-1")
    assert code == 2 and "--horizon: must be a number of periods of at least 0" in err
    code, _, err = run(capsys, paths[0], paths[1], str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err and err.count("\n") == 1
    # a table the model cannot use: too few churners, said in one line with the reason
    few = pd.read_csv(paths[2]).assign(churned=0)
    few.loc[:2, "churned"] = 1
    few.to_csv(paths[2], index=False)
    code, out, err = run(capsys, *paths)
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == (
        f"valuegap: {paths[2]}: no churn model: The churn model needs at least 10 customers who churned and "
        "10 who stayed; the data have 3 who churned and 77 who stayed."
    )
    with pytest.raises(SystemExit) as info:
        main(["churn", paths[0], paths[1]])
    assert info.value.code == 2
