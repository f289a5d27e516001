"""Starting the workers' fork server first thing, so that its imports overlap the command's own.

A worker pool forks its processes from a server process that has imported the reading code
once (~0.2 s). Started only when the pool is created, that import would come after the
command's own imports, one after the other; started here, before them, the two run side by
side on two cores. This module imports nothing heavy for that reason.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from pathlib import Path

# Below this much input, starting worker processes (~0.3 s) costs more than it saves; an
# explicit --jobs is obeyed whatever the size.
SERIAL_BELOW_BYTES = 2 * 1024 * 1024

# What each worker needs, imported once in the fork server instead of once per worker.
PRELOAD = ["ledgercli.parallel", "ledgercli.validate", "ledgercli.citybook"]


def input_bytes(paths: Iterable[Path], enough: int = SERIAL_BELOW_BYTES) -> int:
    """The size of the inputs (folders walked), counted only until it reaches `enough`."""
    total = 0
    for root in paths:
        try:
            files = root.rglob("*") if root.is_dir() else iter([root])
            for p in files:
                if p.is_file():
                    total += p.stat().st_size
                    if total >= enough:
                        return total
        except OSError:
            continue  # the command itself says what is wrong with an unreadable path
    return total


def prestart(paths: Iterable[Path], jobs: int | None) -> None:
    """Start the fork server now if this run will use a pool; otherwise do nothing."""
    if jobs == 1 or (os.cpu_count() or 1) < 2:
        return
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    if jobs is None and input_bytes(paths) < SERIAL_BELOW_BYTES:
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
