"""Benchmark of issue 3: importing 10M observations, `valuegap analyze` on 1M rows, Gap analysis reruns.

    python bench/bench_evidence.py [--rows 10000000] [--skip-csv] [--repeats 3]

Prints a table of wall times and peak memory. Each import runs in its own process so its peak RSS
is its own. Numbers go in the closing note; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_data(folder: Path, rows: int) -> tuple[Path, Path]:
    import numpy as np
    import pandas as pd

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
    parquet, csv = folder / "outcomes.parquet", folder / "outcomes.csv"
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    return parquet, csv


IMPORT = """
import json, resource, sys, time
from valuegap import ingest
from valuegap.imports import import_table
from valuegap.store import Actor, Store
path, url = sys.argv[1], sys.argv[2]
store = Store.open(url)
data = open(path, "rb").read()
t0 = time.perf_counter()
raw = ingest.read_table(data, path, max_bytes=None)
t1 = time.perf_counter()
marks = []
stored = import_table(
    store, raw, ingest.propose_mapping(raw), name="bench", proposition_id=None, actor=Actor("bench"),
    progress=lambda fraction, message: marks.append((fraction, time.perf_counter())),
)
t2 = time.perf_counter()
validated = next(t for f, t in marks if f >= 0.5)
aggregated = next(t for f, t in marks if f >= 0.85)
print(json.dumps({"read": t1 - t0, "validate": validated - t1,
                  "aggregate + write Parquet": aggregated - validated, "store": t2 - aggregated,
                  "total": t2 - t0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "dataset": stored.dataset.id}))
"""


def run_import(path: Path, url: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT, str(path), url], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_imports(path: Path, url: str, repeats: int) -> dict:
    """``repeats`` imports, each in a fresh process: the median of every phase, the fastest and slowest
    total, and the highest peak. This VM's timings swing by a third from run to run."""
    runs = [run_import(path, url) for _ in range(repeats)]
    result = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "dataset"}
    totals = [run["total"] for run in runs]
    result |= {"total, fastest": min(totals), "total, slowest": max(totals)}
    result["peak_mib"] = max(run["peak_mib"] for run in runs)
    result["dataset"] = runs[0]["dataset"]
    return result


def analyze_vs_read_csv(folder: Path, rows: int) -> dict:
    import pandas as pd

    from valuegap import propfile
    from valuegap.demo import demo_propositions

    prop = demo_propositions()[0][1]
    frame = pd.read_csv(ROOT / "data/outcomes/invoicing-saas.csv")
    big = frame.sample(rows, replace=True, random_state=1).reset_index(drop=True)
    big["customer_id"] = big["customer_id"] + "-" + (big.index % 300).astype(str)
    csv = folder / "analyze.csv"
    big.to_csv(csv, index=False)
    prop_path = folder / "prop.yaml"
    propfile.write(prop, prop_path)
    # an installed package has its bytecode compiled; this machine sets PYTHONDONTWRITEBYTECODE, which
    # would otherwise make every run compile valuegap again (0.2 s)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "valuegap")], check=True,
                   capture_output=True)  # fmt: skip
    bare = [sys.executable, "-c", f"import pandas as pd; pd.read_csv({str(csv)!r})"]
    ours = [sys.executable, "-m", "valuegap.cli", "analyze", str(prop_path), str(csv)]
    runs: dict[str, list[float]] = {"bare pandas.read_csv (process)": [], "valuegap analyze (process)": []}
    for _ in range(5):  # alternating, so both meet the same machine; medians below
        for label, command in zip(runs, (bare, ours), strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            runs[label].append(time.perf_counter() - start)
    medians = {label: statistics.median(times) for label, times in runs.items()}
    timings = {f"{label}, median of 5": median for label, median in medians.items()}
    bare_median, ours_median = medians.values()
    timings["ratio of the medians (×)"] = ours_median / bare_median
    return timings


def gap_page_reruns(url: str, dataset_id: int) -> dict:
    """Time of a Gap analysis rerun after a filter change (AppTest, median of 20): the script run on
    the server, and the whole AppTest round trip, which adds parsing every element it sends."""
    import os

    from script_timing import time_script_runs
    from streamlit.testing.v1 import AppTest

    script_times, restore = time_script_runs()

    from valuegap.demo import demo_propositions
    from valuegap.model import parse_proposition
    from valuegap.store import Actor, Store

    os.environ["VALUEGAP_DATABASE_URL"] = url
    store = Store.open(url)
    base = demo_propositions()[0][1]
    body = base.to_dict()
    for i, claim in enumerate(body["claims"]):
        claim["metric"] = f"metric_{i:02d}" if claim.get("metric") else None
        if claim.get("competitor"):
            claim["competitor"] = "Rival"
    prop = parse_proposition(body)
    prop_id = store.create(prop, Actor("bench")).id
    store.link_dataset(dataset_id, prop_id, Actor("bench"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["p"] = str(prop_id)
    at.query_params["d"] = str(dataset_id)
    at.run()
    at.switch_page("pages/4_gap_analysis.py")
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    segments = [option for option in at.selectbox(key="vg_url_segment").options if option != "all"]

    def rerun_with(segment: str) -> tuple[float, float]:
        # the filters live in the URL; AppTest carries them as query parameters
        at.query_params.update({"p": str(prop_id), "d": str(dataset_id), "segment": segment})
        script_times.clear()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        assert not at.exception, at.exception
        assert at.selectbox(key="vg_url_segment").value == segment
        return sum(script_times), elapsed

    # a new segment each time (every rerun misses the analysis cache), then the same ones again
    changes = [rerun_with(segments[i % len(segments)]) for i in range(20)]
    repeats = [rerun_with(segments[i % len(segments)]) for i in range(20)]
    restore()
    return {
        "first render (loads aggregates)": first,
        "new segment: script run, median of 20": statistics.median(s for s, _ in changes),
        "new segment: AppTest round trip, median": statistics.median(e for _, e in changes),
        "seen segment: script run, median of 20": statistics.median(s for s, _ in repeats),
        "seen segment: AppTest round trip, median": statistics.median(e for _, e in repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--analyze-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="imports of each file (medians reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        parquet, csv = make_data(folder, args.rows)
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s "
            f"(Parquet {parquet.stat().st_size / 2**20:.0f} MiB, CSV {csv.stat().st_size / 2**20:.0f} MiB)"
        )
        url = f"sqlite:///{folder / 'bench.db'}"
        rows = [("import from Parquet", run_imports(parquet, url, args.repeats))]
        if not args.skip_csv:
            rows.append(("import from CSV", run_imports(csv, url, args.repeats)))
        for label, result in rows:
            print(f"\n{label} ({args.rows:,} rows; medians of {args.repeats} fresh processes)")
            for key, value in result.items():
                if key != "dataset":
                    print(f"  {key:40s} {value:10.2f}{' MiB' if key.endswith('mib') else ' s'}")
        print(f"\nvaluegap analyze vs pandas.read_csv on {args.analyze_rows:,} rows")
        for key, value in analyze_vs_read_csv(folder, args.analyze_rows).items():
            print(f"  {key:40s} {value:10.2f}{'' if '×' in key else ' s'}")
        print("\nGap analysis page (AppTest)")
        for key, value in gap_page_reruns(url, rows[0][1]["dataset"]).items():
            print(f"  {key:40s} {value * 1000:10.0f} ms")
    print(f"\nbench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
