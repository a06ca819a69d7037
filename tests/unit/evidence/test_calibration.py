"""Calibration by simulation (METHODS 8), reduced: a subset of bench/calibration.py's lines at 2,000
datasets each. A line fails only when its 99% Wilson interval misses the METHODS bound, which leaves
room for Monte-Carlo error (about ±0.013 around a rate of 0.05); the full 10,000-dataset run is
``python bench/calibration.py``."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

DATASETS = 2_000
PATH = Path(__file__).resolve().parents[3] / "bench" / "calibration.py"


def _load():
    if "calibration" in sys.modules:
        return sys.modules["calibration"]
    spec = importlib.util.spec_from_file_location("calibration", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibration"] = module  # worker processes find _run_chunk by this name
    spec.loader.exec_module(module)
    return module


calibration = _load()

SUBSET = [
    ("average", "higher", "normal", 30, "at the bar"),
    ("average", "lower", "normal", 30, "at the bar"),
    ("average", "higher", "lognormal", 200, "at the bar"),
    ("average", "lower", "lognormal", 200, "at the bar"),
    ("average", "higher", "normal", 200, "power"),
    ("median", "higher", "normal", 30, "at the bar"),
    ("median", "lower", "lognormal", 200, "at the bar"),
    ("up_to", "higher", "normal", 200, "at the bar"),
    ("up_to", "lower", "normal", 200, "power"),
    ("share", "lower", "normal", 200, "at the bar"),
    ("share", "higher", "normal", 200, "power"),
    ("comparative", "higher", "normal", 30, "at the bar"),
    ("comparative", "lower", "normal", 200, "power"),
    ("parity", "higher", "normal", 30, "at the bar"),
    ("parity", "higher", "normal", 30, "at k-"),
    ("parity", "lower", "normal", 30, "at k+"),
]


def _pick(key):
    [line] = [
        line
        for line in calibration.lines()
        if (line.form, line.direction, line.distribution, line.n, line.condition) == key
    ]
    return line


@pytest.fixture(scope="module")
def results():
    selected = [_pick(key) for key in SUBSET]
    return calibration.run(selected, DATASETS, seed=calibration.SEED, jobs=min(2, os.cpu_count() or 1))


@pytest.mark.slow
@pytest.mark.parametrize("key", SUBSET, ids=[" ".join(map(str, key)) for key in SUBSET])
def test_rates_keep_within_the_methods_bounds(results, key):
    [result] = [r for r in results if (r.line.form, r.line.direction, r.line.distribution, r.line.n,
                                        r.line.condition) == key]  # fmt: skip
    low, high = proportion_confint(result.hits, result.datasets, alpha=0.01, method="wilson")
    line = result.line
    assert line.low is None or high >= line.low, (result.rate, line.low)
    assert line.high is None or low <= line.high, (result.rate, line.high)
    if result.exact is not None:  # the simulation agrees with the exact binomial rate
        assert low <= result.exact <= high, (result.rate, result.exact)


@pytest.mark.slow
def test_every_form_and_direction_has_calibration_and_power_lines():
    lines = calibration.lines()
    for form in ("average", "median", "up_to", "share", "comparative", "parity"):
        for direction in ("higher", "lower"):
            mine = [line for line in lines if line.form == form and line.direction == direction]
            assert {line.condition for line in mine} >= {"at the bar", "power"}
            assert {line.n for line in mine if line.condition == "at the bar"} >= {30, 200}


@pytest.mark.xfail(
    strict=True,
    reason="METHODS 8 asks power 0.99 for every binomial form 12 points below its bar at n = 200; for "
    "median (bar 0.5, truth 0.38) the exact binomial test has power 0.952 only",
)
def test_median_power_line_of_methods_8():
    line = _pick(("median", "higher", "normal", 200, "power"))
    assert calibration.exact_rate(line) >= 0.99
