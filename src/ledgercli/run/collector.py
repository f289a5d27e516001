"""Python's cycle collector, paused while a ledger is built.

Reading, checking and summarizing a ledger make millions of small objects (cells, Decimals,
tuples of a case) and keep them: none of them refers back to what holds it, so the collector
can free nothing, yet it walks the young ones every 700 allocations and everything, again and
again, as the heap grows. On one 100k-row ledger that was a third of the CPU of `ledger
validate`, and most of building the cases of a million-row city workbook. Reference counting
still frees everything as usual; only cycles wait until the pause ends, so the code paused
here must make none: no openpyxl workbook (its cells and sheets refer to each other) is opened
inside a pause, and a workbook's sheet loader holds its book weakly (read/workbook.py): a
closure over the book kept every row of a read file alive until the pause ended.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cycle collector for the block (nested pauses resume once, at the outermost)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
