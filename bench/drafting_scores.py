"""Precision and recall of the claim drafter (valuegap.wording.drafting) on its corpus and its held-out set.

    python bench/drafting_scores.py [--misses]

Prints one table per set: the corpus the rules were tuned on (tests/unit/data/claim_copy_corpus.yaml,
with its own earlier held-out batches marked ``held_out``) and the held-out set
(tests/unit/data/claim_copy_holdout.yaml, also by batch: each batch was written before the drafter
was run on it). The counting is the one the unit tests assert on
(tests/unit/wording/test_drafting.py: ``score``), so the numbers printed here are the numbers tested.
``--misses`` lists every sentence whose form, value or direction differs from the expected draft.
Last, the held-out set's first-sight score (each batch scored once, before the rules were changed for
it; ``FIRST_SIGHT`` in the test module), summed over the batches and batch by batch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.unit.wording.test_drafting import (  # noqa: E402
    CORPUS_ROWS,
    FIRST_SIGHT,
    HOLDOUT_ROWS,
    first_sight_total,
    misses,
    score,
    table,
)


def main(argv: list[str] | None = None) -> None:
    """Print the score tables (and, with --misses, what went wrong sentence by sentence)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the sentences drafted wrongly")
    args = parser.parse_args(argv)
    batches = sorted({row.get("batch", 1) for row in HOLDOUT_ROWS})
    sets = [
        (f"Corpus ({len(CORPUS_ROWS)} sentences)", CORPUS_ROWS),
        (f"Held-out set ({len(HOLDOUT_ROWS)} sentences)", HOLDOUT_ROWS),
    ]
    for batch in batches:
        rows = [row for row in HOLDOUT_ROWS if row.get("batch", 1) == batch]
        sets.append((f"  its batch {batch} ({len(rows)} sentences)", rows))
    for title, rows in sets:
        print(table(title, score(rows)))
        if args.misses:
            for line in misses(rows):
                print("  " + line)
        print()
    print(
        table(f"Held-out set at first sight, batches {', '.join(map(str, FIRST_SIGHT))}", first_sight_total())
    )
    for batch, counts in FIRST_SIGHT.items():
        print(table(f"  its batch {batch} at first sight", counts))


if __name__ == "__main__":
    main()
