"""Benchmarks of issue 17: the evidence engine against bare DuckDB queries on the same files.

    python bench/bench_evidence.py [--rows 10000000] [--repeats 3] [--live-rows 1000000,10000000]
                                   [--data FOLDER] [--skip import,analyze,live]

1. The upload import (read + validate + reduce + store: ``valuegap.workspace.imports.import_table``) of a
   Parquet and a CSV file against two bare DuckDB reductions of the same file to a Parquet file: the
   issue's (each customer's mean per metric, segment and offer) and one writing what the import writes
   (those means over all periods and per month: DESIGN.md's reduction, twice the grouping).
2. ``valuegap analyze --by-segment`` (four claims of the 50-metric file) against a bare DuckDB query
   doing the same reduction and the per-group n, Σx, Σx².
3. A live source in a DuckDB file: bytes that reach the app per analysis, the first analysis against
   the bare query, and a Gap analysis rerun after a segment change on cached aggregates.

Each measured command of 1 and 2 runs in a fresh process, the sides alternating, and the medians
of ``--repeats`` runs are printed with each side's highest peak RSS (``getrusage`` in the process). Nothing is
asserted: the numbers go in the note of the issue.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_data(folder: Path, rows: int) -> tuple[Path, Path]:
    """``rows`` observations: 50 metrics, 20 segments, two offers, dates over 2025; Parquet and CSV."""
    import numpy as np
    import pandas as pd

    parquet, csv = folder / "outcomes.parquet", folder / "outcomes.csv"
    if parquet.exists() and csv.exists():
        return parquet, csv
    rng = np.random.default_rng(2026)
    customers = max(rows // 50, 10)
    customer = rng.integers(0, customers, rows)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(customer, [f"C{i:07d}" for i in range(customers)]),
            "metric": pd.Categorical.from_codes(
                rng.integers(0, 50, rows), [f"metric_{i:02d}" for i in range(50)]
            ),
            "value": rng.normal(5, 2, rows).round(2),
            "segment": pd.Categorical.from_codes(customer % 20, [f"segment_{i:02d}" for i in range(20)]),
            "offer": pd.Categorical.from_codes((customer % 10 == 0).astype(int), ["Ours", "Rival"]),
            "observed_at": (
                pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), "D")
            ).strftime("%Y-%m-%d"),
        }
    )
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    return parquet, csv


def four_claims(folder: Path) -> Path:
    """The first demo proposition's first four measured claims, on metric_00 … metric_03."""
    from valuegap.model import proposition_files
    from valuegap.model.proposition import parse_proposition
    from valuegap.workspace.demo import demo_propositions

    body = demo_propositions()[0][1].to_dict()
    claims = [c for c in body["claims"] if c.get("metric")][:4]
    for i, claim in enumerate(claims):
        claim["metric"] = f"metric_{i:02d}"
        if claim.get("competitor"):
            claim["competitor"] = "Rival"
    body["claims"] = claims
    path = folder / "four-claims.yaml"
    proposition_files.write(parse_proposition(body), path)
    return path


def run(command: list[str]) -> tuple[float, dict[str, float], str]:
    """Wall seconds (process start to exit), peak RSS in MiB and CPU seconds (user + system, all
    threads; printed by the script itself from ``getrusage``) and stdout of ``command`` in a fresh
    process. On a shared machine the CPU time moves less than the wall time."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed: {done.stderr[-2000:]}")
    return wall, _usage_of_stdout(done.stdout), done.stdout


def _usage_of_stdout(out: str) -> dict[str, float]:
    """Every measured script prints its own ``peak_mib`` and ``cpu_s`` as a JSON line, last."""
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            found = json.loads(line)
            return {"peak_mib": float(found["peak_mib"]), "cpu_s": float(found["cpu_s"])}
    return {"peak_mib": float("nan"), "cpu_s": float("nan")}


USAGE = """
import resource
def usage():
    self = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_mib": self.ru_maxrss / 1024, "cpu_s": self.ru_utime + self.ru_stime}
"""

IMPORT = (
    USAGE
    + """
import json, resource, sys, time
from valuegap import sources
from valuegap.sources import filetypes
from valuegap.workspace.imports import import_table
from valuegap.store import Actor, Store
path, url = sys.argv[1], sys.argv[2]
store = Store.open(url)
t0 = time.perf_counter()
data = filetypes.read_file(__import__('pathlib').Path(path))
# the upload kept as a file and a preview: DuckDB checks, stores and reduces it (sources.sql_import)
raw = sources.read_table(data, path, max_bytes=None, lazy=True)
t1 = time.perf_counter()
marks = []
stored = import_table(
    store, raw, sources.propose_mapping(raw), name="bench", proposition_id=None, actor=Actor("bench"),
    progress=lambda fraction, message: marks.append((fraction, time.perf_counter())),
)
t2 = time.perf_counter()
validated = next(t for f, t in marks if f >= 0.5)
aggregated = next(t for f, t in marks if f >= 0.85)
print(json.dumps({"read": t1 - t0, "validate": validated - t1, "reduce + Parquet": aggregated - validated,
                  "store": t2 - aggregated, "in process": t2 - t0,
                  **usage()}))
"""
)

BARE_REDUCTION = (
    USAGE
    + """
import json, resource, sys, time, duckdb
path, out = sys.argv[1], sys.argv[2]
scan = f"read_parquet('{path}')" if path.endswith('.parquet') else f"read_csv('{path}')"
t0 = time.perf_counter()
duckdb.connect().execute(
    f"COPY (SELECT customer_id, metric, segment, offer, avg(value) AS value FROM {scan} "
    f"GROUP BY customer_id, metric, segment, offer) TO '{out}' (FORMAT parquet, COMPRESSION zstd)"
)
print(json.dumps({"in process": time.perf_counter() - t0,
                  **usage()}))
"""
)

BARE_SAME_REDUCTION = (
    USAGE
    + """
import json, resource, sys, time, duckdb
path, out = sys.argv[1], sys.argv[2]
scan = f"read_parquet('{path}')" if path.endswith('.parquet') else f"read_csv('{path}')"
keys = "customer_id, metric, segment, offer"
month = "date_trunc('month', CAST(observed_at AS TIMESTAMP))"
t0 = time.perf_counter()
duckdb.connect().execute(
    f"COPY (SELECT {keys}, '' AS period, avg(value) AS value FROM {scan} GROUP BY {keys} "
    f"UNION ALL SELECT {keys}, strftime({month}, '%Y-%m') AS period, avg(value) AS value FROM {scan} "
    f"WHERE observed_at IS NOT NULL GROUP BY {keys}, {month}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)"
)
print(json.dumps({"in process": time.perf_counter() - t0,
                  **usage()}))
"""
)

BARE_ANALYZE = (
    USAGE
    + """
import json, resource, sys, time, duckdb
path = sys.argv[1]
scan = f"read_parquet('{path}')" if path.endswith('.parquet') else f"read_csv('{path}')"
metrics = ", ".join(f"'metric_{i:02d}'" for i in range(4))
rows = duckdb.connect().execute(
    f"SELECT metric, segment, offer, count(*) AS n, sum(value) AS s, sum(value * value) AS s2 FROM "
    f"(SELECT customer_id, metric, segment, offer, avg(value) AS value FROM {scan} "
    f"WHERE metric IN ({metrics}) GROUP BY customer_id, metric, segment, offer) "
    f"GROUP BY metric, segment, offer"
).fetchall()
print(len(rows))
print(json.dumps({**usage()}))
"""
)

ANALYZE = (
    USAGE
    + """
import json, resource, sys
sys.argv = ["valuegap", *sys.argv[1:]]
from valuegap.cli import main
code = main()
print(json.dumps({**usage()}))
sys.exit(code)
"""
)


def alternate(commands: dict[str, list[str]], repeats: int) -> dict[str, dict[str, float]]:
    """Every command ``repeats`` times, in turn, each in a fresh process: median wall, every run's
    wall and the highest peak RSS."""
    walls: dict[str, list[float]] = {label: [] for label in commands}
    peaks: dict[str, list[float]] = {label: [] for label in commands}
    cpus: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeats):
        for label, command in commands.items():
            wall, usage, _ = run(command)
            walls[label].append(wall)
            peaks[label].append(usage["peak_mib"])
            cpus[label].append(usage["cpu_s"])
    return {
        label: {
            "median s": statistics.median(walls[label]),
            "runs": walls[label],
            "peak MiB": max(peaks[label]),
            "median cpu s": statistics.median(cpus[label]),
        }
        for label in commands
    }


def print_pair(title: str, results: dict[str, dict[str, float]], target: str) -> None:
    """Each command's medians, then the ratio of the first (ours) to each other (a bare query)."""
    print(f"\n{title}")
    for label, result in results.items():
        runs = ", ".join(f"{t:.2f}" for t in result["runs"])
        print(
            f"  {label:48s} {result['median s']:7.2f} s  (runs {runs})  CPU {result['median cpu s']:6.2f} s  "
            f"peak {result['peak MiB']:6.0f} MiB"
        )
    ours, *bares = results.values()
    for label, bare in zip(list(results)[1:], bares, strict=True):
        wall, cpu = ours["median s"] / bare["median s"], ours["median cpu s"] / bare["median cpu s"]
        ratio = f"{wall:7.2f} × wall, {cpu:.2f} × CPU"
        print(f"  {'ratio to ' + label.split(': ')[-1]:48s} {ratio}  target {target}")


def bench_imports(folder: Path, parquet: Path, csv: Path, repeats: int) -> None:
    url = f"sqlite:///{folder / 'bench.db'}"
    for path, target in ((parquet, "≤ 1.2×, ≤ 1.5 GiB"), (csv, "≤ 1.3×, ≤ 2 GiB")):
        commands = {
            "import_table (read + validate + reduce + store)": [sys.executable, "-c", IMPORT, str(path), url],
            "bare DuckDB: per customer only (the issue's)": [
                sys.executable, "-c", BARE_REDUCTION, str(path), str(folder / "bare.parquet")
            ],
            # what the import writes: each customer's mean over all periods and per month
            "bare DuckDB, same output: per customer and month": [
                sys.executable, "-c", BARE_SAME_REDUCTION, str(path), str(folder / "bare-same.parquet")
            ],
        }  # fmt: skip
        print_pair(f"import from {path.suffix[1:]} ({path.stat().st_size / 2**20:.0f} MiB)",
                   alternate(commands, repeats), target)  # fmt: skip


def bench_analyze(folder: Path, parquet: Path, csv: Path, repeats: int) -> None:
    prop = four_claims(folder)
    for path in (parquet, csv):
        commands = {
            "valuegap analyze --by-segment (4 claims)": [
                sys.executable, "-c", ANALYZE, "analyze", str(prop), str(path), "--by-segment",
                "--format", "csv",
            ],
            "bare DuckDB: reduction + n, Σx, Σx² per group": [sys.executable, "-c", BARE_ANALYZE, str(path)],
        }  # fmt: skip
        print_pair(f"analyze from {path.suffix[1:]}", alternate(commands, repeats), "≤ 1.5×")


def _size(result: object) -> int:
    """Bytes of what the engine returned to the app: a frame's memory, an Arrow table's buffers."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return int(result.memory_usage(deep=True, index=True).sum())
    if isinstance(result, pd.Series):
        return int(result.memory_usage(deep=True, index=True))
    nbytes = getattr(result, "nbytes", None)
    return int(nbytes) if isinstance(nbytes, int) else 8


def bench_live(folder: Path, parquet: Path, sizes: list[int]) -> None:
    import duckdb

    from valuegap.evidence.analysis import analyze_summary
    from valuegap.evidence.prefetching import prefetch_segments
    from valuegap.model import proposition_files
    from valuegap.sources import live

    prop = proposition_files.read(four_claims(folder))
    received: list[int] = []
    original = live.SourceBackend.execute

    def counted(self, expression, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, expression, **kwargs)
        received.append(_size(result))
        return result

    live.SourceBackend.execute = counted  # type: ignore[method-assign]
    print("\nlive source in a DuckDB file (in process)")
    for rows in sizes:
        path = folder / f"live-{rows}.duckdb"
        if not path.exists():
            with duckdb.connect(str(path)) as con:
                con.execute(f"CREATE TABLE outcomes AS SELECT * FROM read_parquet('{parquet}') LIMIT {rows}")
        with duckdb.connect(str(path), read_only=True) as con:
            start = time.perf_counter()
            con.execute(
                "SELECT metric, segment, offer, count(*), sum(value), sum(value * value) FROM "
                "(SELECT customer_id, metric, segment, offer, avg(value) AS value FROM outcomes "
                "GROUP BY customer_id, metric, segment, offer) GROUP BY metric, segment, offer"
            ).fetchall()
            bare = time.perf_counter() - start
        received.clear()
        start = time.perf_counter()
        evidence = live.evidence_from_url(f"duckdb:///{path}", table="outcomes", query=None)
        loaded = time.perf_counter() - start
        # as the Gap analysis page does (valuegap.ui.cached_evidence): what the analyses of every segment
        # need is fetched with the first analysis, in one round
        prefetch_segments(prop, evidence)
        first = analyze_summary(prop, evidence)
        analysis = time.perf_counter() - start
        first_bytes, first_queries = sum(received), len(received)
        segments = list(evidence.named_segments)
        reruns, rerun_queries = [], 0
        for i in range(20):
            received.clear()
            start = time.perf_counter()
            analyze_summary(prop, evidence, segment=segments[i % len(segments)])
            reruns.append(time.perf_counter() - start)
            rerun_queries += len(received)
        assert first.rows
        print(f"  {rows:>11,} rows: bytes to the app {first_bytes:,} in {first_queries} results; "
              f"first analysis {analysis:.2f} s (evidence {loaded:.2f} s) vs bare query {bare:.2f} s "
              f"= {analysis / bare:.2f}×; "
              f"rerun after a segment change, median of 20: {statistics.median(reruns) * 1000:.0f} ms "
              f"(max {max(reruns) * 1000:.0f} ms, {rerun_queries} queries in all reruns)")  # fmt: skip
    live.SourceBackend.execute = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--live-rows", default="1000000,10000000")
    parser.add_argument("--data", help="a folder to keep the generated files in between runs")
    parser.add_argument("--skip", default="", help="comma-separated: import, analyze, live")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.data or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        parquet, csv = make_data(folder, args.rows)
        print(f"data: {args.rows:,} rows ready in {time.perf_counter() - start:.1f} s "
              f"(Parquet {parquet.stat().st_size / 2**20:.0f} MiB, "
              f"CSV {csv.stat().st_size / 2**20:.0f} MiB); "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        # an installed package has its bytecode compiled; without it every process compiles valuegap
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "valuegap")], check=True,
                       capture_output=True)  # fmt: skip
        if "analyze" not in skip:
            bench_analyze(folder, parquet, csv, args.repeats)
        if "import" not in skip:
            bench_imports(folder, parquet, csv, args.repeats)
        if "live" not in skip:
            bench_live(folder, parquet, [int(n) for n in args.live_rows.split(",") if n])
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
