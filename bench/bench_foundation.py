"""Foundation benchmark: store operations and server-side page reruns, printed as a table.

Run: ``python bench/bench_foundation.py [--postgres URL]``. Times are medians over repeats on a fresh
SQLite workspace (and PostgreSQL when a URL is given).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_store(url: str, label: str) -> list[tuple[str, str]]:
    from valuegap.store import Actor, Store
    from valuegap.workspace.demo import demo_propositions

    actor = Actor("bench")
    rows = []
    start = time.perf_counter()
    store = Store.open(url)
    rows.append((f"{label}: open + migrate a new database", f"{(time.perf_counter() - start) * 1000:.0f} ms"))
    props = [p for _, p in demo_propositions()]
    ids = store.propositions.create_many(props * 34, actor, action="create")  # ~100 propositions
    target = ids[0]
    state = {"version": store.get(target).version}

    def save() -> None:
        current = store.get(target)
        new = current.proposition.model_copy(update={"name": f"n{current.version}"})
        state["version"] = store.save(target, new, seen_version=current.version, actor=actor).version

    rows.append((f"{label}: read + save one proposition (median of 50)", f"{median_ms(save, 50):.1f} ms"))
    rows.append(
        (
            f"{label}: list {len(ids)} propositions (median of 10)",
            f"{median_ms(store.list_propositions, 10):.1f} ms",
        )
    )
    rows.append(
        (
            f"{label}: read 50 revisions (median of 10)",
            f"{median_ms(lambda: store.revisions(target), 10):.1f} ms",
        )
    )
    store.close()
    return rows


def bench_pages(folder: Path) -> list[tuple[str, str]]:
    import os

    os.environ["VALUEGAP_DATABASE_URL"] = f"sqlite:///{folder / 'pages.db'}"
    from streamlit.testing.v1 import AppTest

    rows = []
    for page_file, query in (("1_overview.py", {}), ("2_propositions.py", {"p": "1"})):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        start = time.perf_counter()
        at.run()
        at.switch_page(f"pages/{page_file}")
        at.run()
        first = (time.perf_counter() - start) * 1000
        assert not at.exception, at.exception
        rerun = median_ms(at.run, 20)
        rows.append((f"page {page_file}: first run (imports, demo seeding)", f"{first:.0f} ms"))
        rows.append((f"page {page_file}: rerun, server side (median of 20)", f"{rerun:.0f} ms"))
    return rows


def bench_import() -> list[tuple[str, str]]:
    code = (
        "import time; s = time.perf_counter(); import valuegap.store, valuegap.model.proposition; "
        "print(time.perf_counter() - s)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [("cold import of valuegap.store + model", f"{float(out) * 1000:.0f} ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="also benchmark this PostgreSQL URL (a scratch database)")
    args = parser.parse_args()
    rows = bench_import()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows += bench_store(f"sqlite:///{folder / 'bench.db'}", "SQLite")
        if args.postgres:
            rows += bench_store(args.postgres, "PostgreSQL")
        rows += bench_pages(folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory of this process", f"{peak:.0f} MiB"))
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  -----")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
