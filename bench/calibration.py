"""Calibration of the claim tests by simulation (METHODS.md version 2, section 8).

    python bench/calibration.py [--datasets 10000] [--jobs 2] [--seed 20261206] [--forms average,parity]

For every form and both directions it draws datasets in which the claim holds exactly at the bar its
test uses (T for average and median, pi0 for up_to, p0 - tolerance*(1 - p0) for share, k times the
rival's mean for comparative, the margins k- and k+ for parity) and counts how often
``run_claim_test`` + ``adjust(..., correction='none')`` calls the single claim ``exaggerated`` (for parity
at a margin also how often ``substantiated``); then the power lines at n = 200. One row per line:
the rate, its 95% Wilson interval, the METHODS bound, and for the binomial forms the exact rate (a sum
over the binomial distribution of scipy.stats.binomtest decisions, independent of the simulation).

"0.3 SD worse" for the two-sample forms is read as 0.3 standard deviations of one customer's
difference, sd(x_ours - k*x_rival) = sqrt(sd_o^2 + k^2 sd_r^2); with 0.3 of a single group's SD a
Welch test with 200 customers a side has power of about 0.91 only, below the 0.99 of section 8.

Generation is vectorised with numpy (one matrix per chunk); each chunk has its own seed derived from
(--seed, line, chunk), so the numbers do not depend on --jobs.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from valuegap.evidence.claim_tests import ArraySample, Verdict, adjust, run_claim_test  # noqa: E402
from valuegap.model.proposition import Claim  # noqa: E402

ALPHA = 0.05
PI0 = 0.90
CHUNK = 2500
SEED = 20261206


@dataclass(frozen=True)
class Draw:
    """How one group's values are drawn: ``loc + scale·Z`` (normal) or ``scale·exp(Z)`` (log-normal,
    σ = 1)."""

    kind: str
    loc: float = 0.0
    scale: float = 1.0

    def sample(self, rng: np.random.Generator, datasets: int, n: int) -> np.ndarray:
        z = rng.standard_normal((datasets, n))
        if self.kind == "normal":
            return self.loc + self.scale * z
        return self.scale * np.exp(z)


@dataclass(frozen=True)
class Line:
    form: str
    direction: str
    distribution: str
    n: int
    condition: str  # where the truth sits: "at the bar", "at k-", "at k+", "power"
    counted: str  # the verdict whose rate is shown
    low: float | None  # the METHODS bound on the rate (None: no bound)
    high: float | None
    claim: dict = field(hash=False)
    ours: Draw = Draw("normal")
    rival: Draw | None = None
    truth_share: float | None = None  # binomial forms: the true share reaching the bar
    null_share: float | None = None  # binomial forms: the share the test is against

    def label(self) -> str:
        return f"{self.form:<11} {self.direction:<6} {self.distribution:<9} {self.n:>5} {self.condition:<11}"


def _claim(fields: dict) -> Claim:
    base = {"id": "c", "text": "calibration", "benefit": "money", "metric": "m", "claimed": 5.0}
    return Claim.model_validate(base | fields)


def _bar(claimed: float, tolerance: float, direction: str) -> float:
    delta = tolerance * abs(claimed)
    return claimed - delta if direction == "higher" else claimed + delta


def lines() -> list[Line]:
    """Every line of section 8, both directions."""
    out: list[Line] = []
    sign = {"higher": 1.0, "lower": -1.0}
    for direction in ("higher", "lower"):
        s = sign[direction]
        # average: mean exactly at T; normal (sd 2) and log-normal (σ = 1) data
        t_bar = _bar(5.0, 0.1, direction)
        claim = {"form": "average", "direction": direction}
        for n in (30, 200):
            out.append(Line("average", direction, "normal", n, "at the bar", "exaggerated", 0.04, 0.06,
                            claim, Draw("normal", t_bar, 2.0)))  # fmt: skip
        for n, high in ((30, None), (200, 0.07), (1000, 0.06)):
            out.append(Line("average", direction, "lognormal", n, "at the bar", "exaggerated", None, high,
                            claim, Draw("lognormal", scale=t_bar / math.exp(0.5))))  # fmt: skip
        out.append(Line("average", direction, "normal", 200, "power", "exaggerated", 0.99, None,
                        claim, Draw("normal", t_bar - s * 0.3 * 2.0, 2.0)))  # fmt: skip

        # median: population median exactly T; the share reaching T is 1/2
        claim = {"form": "median", "direction": direction}
        for n in (30, 200):
            out.append(Line("median", direction, "normal", n, "at the bar", "exaggerated", None, 0.055,
                            claim, Draw("normal", t_bar, 2.0), truth_share=0.5, null_share=0.5))  # fmt: skip
        out.append(Line("median", direction, "lognormal", 200, "at the bar", "exaggerated", None, 0.055,
                        claim, Draw("lognormal", scale=t_bar), truth_share=0.5, null_share=0.5))  # fmt: skip
        reach = 0.5 - 0.12
        out.append(Line("median", direction, "normal", 200, "power", "exaggerated", 0.99, None,
                        claim, Draw("normal", t_bar + s * 2.0 * stats.norm.ppf(reach), 2.0),
                        truth_share=reach, null_share=0.5))  # fmt: skip

        # up_to: a share π0 of customers reach C exactly (no tolerance)
        claim = {"form": "up_to", "direction": direction, "claimed": 10.0}
        for n, reach, condition, low, high in ((30, PI0, "at the bar", None, 0.055),
                                               (200, PI0, "at the bar", None, 0.055),
                                               (200, PI0 - 0.12, "power", 0.99, None)):  # fmt: skip
            loc = 10.0 + s * 2.0 * stats.norm.ppf(reach)
            out.append(Line("up_to", direction, "normal", n, condition, "exaggerated", low, high, claim,
                            Draw("normal", loc, 2.0), truth_share=reach, null_share=PI0))  # fmt: skip

        # share: "95% reach the bar 0", tested against 0.95 − 0.1·0.05 = 0.945
        claim = {"form": "share", "direction": direction, "claimed": 0.0, "share": 0.95}
        null = 0.95 - 0.1 * (1 - 0.95)
        for n, reach, condition, low, high in ((30, null, "at the bar", None, 0.055),
                                               (200, null, "at the bar", None, 0.055),
                                               (200, null - 0.12, "power", 0.99, None)):  # fmt: skip
            out.append(Line("share", direction, "normal", n, condition, "exaggerated", low, high, claim,
                            Draw("normal", s * stats.norm.ppf(reach), 1.0),
                            truth_share=reach, null_share=null))  # fmt: skip

        # comparative: "2× Rival", ours' mean exactly k·rival's mean, k = 1.8 (higher) or 2.2 (lower)
        k = 2.0 * (0.9 if direction == "higher" else 1.1)
        claim = {"form": "comparative", "direction": direction, "competitor": "Rival", "ratio": 2.0}
        rival = Draw("normal", 10.0, 2.0)
        for n in (30, 200):
            out.append(Line("comparative", direction, "normal", n, "at the bar", "exaggerated", 0.04, 0.06,
                            claim, Draw("normal", k * 10.0, 3.0), rival))  # fmt: skip
        shift = 0.3 * math.hypot(3.0, k * 2.0)
        out.append(Line("comparative", direction, "normal", 200, "power", "exaggerated", 0.99, None,
                        claim, Draw("normal", k * 10.0 - s * shift, 3.0), rival))  # fmt: skip

        # parity: "as good as Rival", ratio exactly at a margin k- = 0.9 or k+ = 1.1
        claim = {"form": "parity", "direction": direction, "competitor": "Rival"}
        rival = Draw("normal", 10.0, 1.5)
        worse_margin = 0.9 if direction == "higher" else 1.1
        for n in (30, 200):
            out.append(Line("parity", direction, "normal", n, "at the bar", "exaggerated", 0.04, 0.06,
                            claim, Draw("normal", worse_margin * 10.0, 1.5), rival))  # fmt: skip
            for margin, name in ((0.9, "at k-"), (1.1, "at k+")):
                out.append(Line("parity", direction, "normal", n, name, "substantiated", 0.035, 0.065,
                                claim, Draw("normal", margin * 10.0, 1.5), rival))  # fmt: skip
        shift = 0.3 * math.hypot(1.5, worse_margin * 1.5)
        out.append(Line("parity", direction, "normal", 200, "power", "exaggerated", 0.99, None,
                        claim, Draw("normal", worse_margin * 10.0 - s * shift, 1.5), rival))  # fmt: skip
    return out


def _run_chunk(task: tuple[int, Line, int, int]) -> tuple[int, int]:
    """Count the verdict a line counts over one chunk of datasets."""
    index, line, datasets, seed = task
    rng = np.random.default_rng(seed)
    claim = _claim(line.claim)
    ours = line.ours.sample(rng, datasets, line.n)
    rival = line.rival.sample(rng, datasets, line.n) if line.rival is not None else None
    wanted = Verdict(line.counted)
    hits = 0
    for row in range(datasets):
        rival_sample = ArraySample.of(rival[row]) if rival is not None else None
        result = run_claim_test(claim, ArraySample.of(ours[row]), rival_sample, alpha=ALPHA, up_to_share=PI0)
        [verdict] = adjust([result], alpha=ALPHA, correction="none")
        hits += verdict.verdict is wanted
    return index, hits


def exact_rate(line: Line) -> float | None:
    """For the binomial forms: P(exaggerated) summed over Bin(n, true share), each count decided by
    scipy.stats.binomtest against the null share (worse side when its p-value is the smaller)."""
    if line.truth_share is None or line.null_share is None:
        return None
    rate = 0.0
    for k in range(line.n + 1):
        less = stats.binomtest(k, line.n, line.null_share, alternative="less").pvalue
        greater = stats.binomtest(k, line.n, line.null_share, alternative="greater").pvalue
        if less < ALPHA and less <= greater:
            rate += stats.binom.pmf(k, line.n, line.truth_share)
    return rate


@dataclass(frozen=True)
class Result:
    line: Line
    hits: int
    datasets: int
    exact: float | None

    @property
    def rate(self) -> float:
        return self.hits / self.datasets

    @property
    def interval(self) -> tuple[float, float]:
        low, high = proportion_confint(self.hits, self.datasets, alpha=0.05, method="wilson")
        return float(low), float(high)

    @property
    def within(self) -> bool:
        low, high = self.line.low, self.line.high
        return (low is None or self.rate >= low) and (high is None or self.rate <= high)


def run(selected: list[Line], datasets: int, *, seed: int = SEED, jobs: int = 1) -> list[Result]:
    tasks = []
    for index, line in enumerate(selected):
        for chunk, start in enumerate(range(0, datasets, CHUNK)):
            size = min(CHUNK, datasets - start)
            child = np.random.SeedSequence(seed, spawn_key=(index, chunk)).generate_state(2)
            tasks.append((index, line, size, int(child[0]) << 32 | int(child[1])))
    hits = [0] * len(selected)
    if jobs <= 1:
        outcomes = map(_run_chunk, tasks)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        outcomes = pool.map(_run_chunk, tasks, chunksize=1)
    for index, count in outcomes:
        hits[index] += count
    if jobs > 1:
        pool.shutdown()
    return [Result(line, hits[i], datasets, exact_rate(line)) for i, line in enumerate(selected)]


def _bound(line: Line) -> str:
    if line.low is not None and line.high is not None:
        return f"{line.low:.3f}-{line.high:.3f}"
    if line.low is not None:
        return f">= {line.low:.3f}"
    if line.high is not None:
        return f"<= {line.high:.3f}"
    return "-"


def table(results: list[Result]) -> str:
    header = (
        f"{'form':<11} {'dir':<6} {'data':<9} {'n':>5} {'truth':<11} {'verdict':<13} "
        f"{'rate':>6}  {'95% interval':<15} {'METHODS':<12} {'exact':>6}  within"
    )
    rows = [header, "-" * len(header)]
    for r in results:
        low, high = r.interval
        exact = f"{r.exact:.4f}" if r.exact is not None else "-"
        verdict = "yes" if r.within else "NO"
        if r.line.low is None and r.line.high is None:
            verdict = "-"
        rows.append(
            f"{r.line.label()} {r.line.counted:<13} {r.rate:>6.4f}  {low:.4f}-{high:.4f}   "
            f"{_bound(r.line):<12} {exact:>6}  {verdict}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000, help="datasets per line (default 10,000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--forms", default="", help="comma-separated forms to run (default: all)")
    args = parser.parse_args(argv)
    wanted = {f.strip() for f in args.forms.split(",") if f.strip()}
    selected = [line for line in lines() if not wanted or line.form in wanted]
    started = time.perf_counter()
    results = run(selected, args.datasets, seed=args.seed, jobs=args.jobs)
    elapsed = time.perf_counter() - started
    print(table(results))
    outside = [r for r in results if not r.within]
    print(
        f"\n{len(results)} lines x {args.datasets:,} datasets, seed {args.seed}, {args.jobs} job(s): "
        f"{elapsed:.0f} s; {len(outside)} line(s) outside the METHODS bound"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
