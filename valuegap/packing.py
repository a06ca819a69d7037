"""Sorting rows by integer keys packed into one int64, in little memory.

Duplicate detection (:mod:`valuegap.ingest.validation`) and the per-customer summary
(:mod:`valuegap.aggregates`) both pack a row's key codes and its row number into one int64 and sort.
At ten million rows every whole-column temporary is 80 MB of memory touched for the first time, which
on a small VM costs as much as the arithmetic, so these helpers work in place or in blocks.
"""

from __future__ import annotations

import numpy as np

CHUNK = 1 << 20  # elements per block where a whole-column temporary would cost 80 MB at 10M rows


def add_row_numbers(packed: np.ndarray, row_bits: int) -> None:
    """Shift ``packed`` left by ``row_bits`` and put each element's position in the freed bits, in place."""
    np.left_shift(packed, row_bits, out=packed)
    for begin in range(0, packed.size, CHUNK):
        end = min(begin + CHUNK, packed.size)
        packed[begin:end] |= np.arange(begin, end, dtype=np.int64)


def key_changes(key: np.ndarray, shift: int) -> np.ndarray:
    """Where ``key >> shift`` differs from the element before (the first element always), computed in
    blocks so no full-length shifted copy of the key is ever held (and with no copy when ``shift`` is 0)."""
    size = key.size
    change = np.empty(size, dtype=bool)
    if size:
        change[0] = True
    if shift == 0:
        np.not_equal(key[1:], key[:-1], out=change[1:])
        return change
    for begin in range(1, size, CHUNK):
        end = min(begin + CHUNK, size)
        np.not_equal(key[begin:end] >> shift, key[begin - 1 : end - 1] >> shift, out=change[begin:end])
    return change
