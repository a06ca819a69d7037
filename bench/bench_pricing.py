"""Benchmark of issue 5: a price-slider move on the Pricing page with 10M observations and a churn model.

    python bench/bench_pricing.py [--rows 10000000]

Imports generated outcomes (as bench_evidence.py makes them) and a matching customer table (churn
depends on each customer's value gap and price) into a fresh SQLite workspace, then measures
1. the server-side rerun after a slider move with AppTest (median of 20 new prices): the script run
   alone, and the AppTest round trip;
2. in Chromium against `streamlit run`, the time from a key press on the price slider until the
   "Predicted churn" tile shows the new number (median of 20 moves).
Nothing here is asserted; the numbers go in the closing note.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def customers_csv(folder: Path, rows: int) -> Path:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)
    customers = max(rows // 50, 10)
    price = rng.choice([29.0, 49.0, 79.0], customers)
    gap = rng.normal(0, 2, customers)
    churned = rng.random(customers) < 1 / (1 + np.exp(-(-2.0 + 0.3 * gap + 0.02 * (price - 49))))
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(customers)],
            "segment": [f"segment_{i % 20:02d}" for i in range(customers)],
            "churned": churned.astype(int),
            "revenue": price,
            "price": price,
            "tenure": rng.integers(1, 48, customers),
        }
    )
    path = folder / "customers.csv"
    frame.to_csv(path, index=False)
    return path


def prepare(folder: Path, rows: int) -> tuple[str, int]:
    from bench_evidence import make_data

    from valuegap import sources
    from valuegap.model.proposition import parse_proposition
    from valuegap.store import Actor
    from valuegap.workspace.demo import demo_propositions
    from valuegap.workspace.imports import import_table
    from valuegap.workspace.opening import open_workspace

    url = f"sqlite:///{folder / 'workbench.db'}"
    store = open_workspace(url)
    actor = Actor("bench")
    body = demo_propositions()[0][1].to_dict()
    for i, claim in enumerate(body["claims"]):
        claim["metric"] = f"metric_{i:02d}" if claim.get("metric") else None
        if claim.get("competitor"):
            claim["competitor"] = "Rival"
    body["name"] = "Bench pricing"
    prop_id = store.create(parse_proposition(body), actor).id
    parquet, _ = make_data(folder, rows)
    for path in (parquet, customers_csv(folder, rows)):
        raw = sources.read_table(path.read_bytes(), path.name, max_bytes=None)
        import_table(
            store, raw, sources.propose_mapping(raw), name=path.stem, proposition_id=prop_id, actor=actor
        )
    store.close()
    return url, prop_id


def server_reruns(url: str, prop_id: int) -> dict[str, float]:
    from script_timing import time_script_runs
    from streamlit.testing.v1 import AppTest

    script_times, restore = time_script_runs()
    os.environ["VALUEGAP_DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["p"] = str(prop_id)
    at.run()
    at.switch_page("pages/6_pricing.py")
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    key = f"price_{prop_id}"
    scripts, trips = [], []
    for i in range(20):
        at.slider(key=key).set_value(40.0 + i)
        script_times.clear()
        start = time.perf_counter()
        at.run()
        trips.append(time.perf_counter() - start)
        scripts.append(sum(script_times))
        assert not at.exception and not at.error, (at.exception, at.error)
    restore()
    return {
        "first render (fits the churn model)": first,
        "slider move: script run, median of 20": statistics.median(scripts),
        "slider move: AppTest round trip, median": statistics.median(trips),
    }


def browser_moves(folder: Path, prop_id: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path, start_server
    from tests.e2e.helpers import settle

    path = chromium_path()
    if path is None:
        return {}
    server = start_server(folder)  # serves folder/workbench.db, prepared above
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(f"{server.url}/pricing?p={prop_id}", wait_until="domcontentloaded")
            settle(page, timeout=300_000)
            tile = page.locator('[data-testid="stMetric"]').filter(has_text="Predicted churn").first
            value = tile.locator('[data-testid="stMetricValue"]')
            thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Price (").get_by_role("slider")
            thumb.focus()
            times = []
            for _ in range(20):
                before = value.inner_text()
                start = time.perf_counter()
                thumb.press("ArrowRight")
                page.wait_for_function(
                    "([el, old]) => el.innerText !== old", arg=[value.element_handle(), before], polling=5
                )
                times.append(time.perf_counter() - start)
                settle(page)
            browser.close()
    finally:
        server.stop()
    return {"key press until the churn tile changes, median of 20": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        url, prop_id = prepare(folder, args.rows)
        took = time.perf_counter() - start
        print(f"prepared {args.rows:,} observations and their customers in {took:.1f} s")
        print("\nPricing page, server side (AppTest)")
        for key, value in server_reruns(url, prop_id).items():
            print(f"  {key:55s} {value * 1000:8.0f} ms")
        print("\nPricing page in Chromium")
        for key, value in browser_moves(folder, prop_id).items():
            print(f"  {key:55s} {value * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
